package storetest

import (
	"context"
	"sync/atomic"

	"github.com/diplograph/diplograph/internal/kg"
)

// countedMethods names the methods Counting counts, in the order of its counters.
var countedMethods = [...]string{
	"Entities", "Sources", "Relations", "ListEntities", "ListSources", "Search", "Ping", "Close", "Import",
	"ShortestPath", "Paths", "Neighborhood", "CommonConnections", "Timeline",
	"AddSource", "UpsertEntity", "AddRelation", "RemoveRelation", "DeleteEntity", "Changes", "Expand",
	"WithdrawSource",
	"CitedEntities", "CitedRelations", "MergeEntities", "UndoMerge",
}

const (
	callEntities = iota
	callSources
	callRelations
	callListEntities
	callListSources
	callSearch
	callPing
	callClose
	callImport
	callShortestPath
	callPaths
	callNeighborhood
	callCommonConnections
	callTimeline
	callAddSource
	callUpsertEntity
	callAddRelation
	callRemoveRelation
	callDeleteEntity
	callChanges
	callExpand
	callWithdrawSource
	callCitedEntities
	callCitedRelations
	callMergeEntities
	callUndoMerge
)

// Counting is a kg.Store that counts the calls made to each method of the store
// it wraps, so API tests can assert how many store round trips a query costs. It is safe for
// concurrent use.
type Counting struct {
	store kg.Store
	calls [len(countedMethods)]atomic.Int64
}

// NewCounting returns a Counting that forwards every call to s.
func NewCounting(s kg.Store) *Counting { return &Counting{store: s} }

// Calls returns the number of calls per method name ("Relations", "ListEntities", ...) since the
// last Reset. Methods that were not called are absent, so a whole map can be compared with a want.
func (c *Counting) Calls() map[string]int {
	m := map[string]int{}
	for i := range c.calls {
		if n := c.calls[i].Load(); n > 0 {
			m[countedMethods[i]] = int(n)
		}
	}
	return m
}

// Reset sets every counter to zero.
func (c *Counting) Reset() {
	for i := range c.calls {
		c.calls[i].Store(0)
	}
}

// Unwrap returns the wrapped store.
func (c *Counting) Unwrap() kg.Store { return c.store }

func (c *Counting) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	c.calls[callEntities].Add(1)
	return c.store.Entities(ctx, ids)
}

func (c *Counting) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	c.calls[callSources].Add(1)
	return c.store.Sources(ctx, ids)
}

func (c *Counting) Relations(ctx context.Context, q kg.RelationQuery) ([][]*kg.Relation, error) {
	c.calls[callRelations].Add(1)
	return c.store.Relations(ctx, q)
}

func (c *Counting) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	c.calls[callExpand].Add(1)
	return c.store.Expand(ctx, q)
}

func (c *Counting) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	c.calls[callListEntities].Add(1)
	return c.store.ListEntities(ctx, q)
}

func (c *Counting) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	c.calls[callListSources].Add(1)
	return c.store.ListSources(ctx, q)
}

func (c *Counting) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	c.calls[callSearch].Add(1)
	return c.store.Search(ctx, q)
}

func (c *Counting) Ping(ctx context.Context) error {
	c.calls[callPing].Add(1)
	return c.store.Ping(ctx)
}

func (c *Counting) Close(ctx context.Context) error {
	c.calls[callClose].Add(1)
	return c.store.Close(ctx)
}

func (c *Counting) ShortestPath(ctx context.Context, q kg.PathQuery) (*kg.Path, error) {
	c.calls[callShortestPath].Add(1)
	return c.store.ShortestPath(ctx, q)
}

func (c *Counting) Paths(ctx context.Context, q kg.PathQuery) ([]*kg.Path, error) {
	c.calls[callPaths].Add(1)
	return c.store.Paths(ctx, q)
}

func (c *Counting) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	c.calls[callNeighborhood].Add(1)
	return c.store.Neighborhood(ctx, q)
}

func (c *Counting) CommonConnections(ctx context.Context, q kg.CommonQuery) ([]*kg.Entity, error) {
	c.calls[callCommonConnections].Add(1)
	return c.store.CommonConnections(ctx, q)
}

func (c *Counting) Timeline(ctx context.Context, q kg.TimelineQuery) ([]*kg.TimelineEntry, error) {
	c.calls[callTimeline].Add(1)
	return c.store.Timeline(ctx, q)
}

// Import forwards to the wrapped store.
func (c *Counting) Import(ctx context.Context, b *kg.Bundle, opts kg.ImportOptions) (*kg.ImportReport, error) {
	c.calls[callImport].Add(1)
	return c.store.Import(ctx, b, opts)
}

func (c *Counting) AddSource(ctx context.Context, s *kg.Source) (*kg.Source, error) {
	c.calls[callAddSource].Add(1)
	return c.store.AddSource(ctx, s)
}

func (c *Counting) UpsertEntity(ctx context.Context, e *kg.Entity) (*kg.Entity, error) {
	c.calls[callUpsertEntity].Add(1)
	return c.store.UpsertEntity(ctx, e)
}

func (c *Counting) AddRelation(ctx context.Context, r *kg.Relation) (*kg.Relation, error) {
	c.calls[callAddRelation].Add(1)
	return c.store.AddRelation(ctx, r)
}

func (c *Counting) RemoveRelation(ctx context.Context, typ, from, to string) (bool, error) {
	c.calls[callRemoveRelation].Add(1)
	return c.store.RemoveRelation(ctx, typ, from, to)
}

func (c *Counting) DeleteEntity(ctx context.Context, id, reason string) (bool, error) {
	c.calls[callDeleteEntity].Add(1)
	return c.store.DeleteEntity(ctx, id, reason)
}

func (c *Counting) WithdrawSource(ctx context.Context, w kg.Withdrawal) (*kg.WithdrawReport, error) {
	c.calls[callWithdrawSource].Add(1)
	return c.store.WithdrawSource(ctx, w)
}

func (c *Counting) Changes(ctx context.Context, q kg.ChangeQuery) (*kg.ChangePage, error) {
	c.calls[callChanges].Add(1)
	return c.store.Changes(ctx, q)
}

var _ kg.Store = (*Counting)(nil)

func (c *Counting) CitedEntities(ctx context.Context, q kg.CitedQuery) (*kg.CitedEntityPage, error) {
	c.calls[callCitedEntities].Add(1)
	return c.store.CitedEntities(ctx, q)
}

func (c *Counting) CitedRelations(ctx context.Context, q kg.CitedQuery) (*kg.CitedRelationPage, error) {
	c.calls[callCitedRelations].Add(1)
	return c.store.CitedRelations(ctx, q)
}

func (c *Counting) MergeEntities(ctx context.Context, m kg.MergeRequest) (*kg.MergeReport, error) {
	c.calls[callMergeEntities].Add(1)
	return c.store.MergeEntities(ctx, m)
}

func (c *Counting) UndoMerge(ctx context.Context, u kg.UndoMergeRequest) (*kg.UndoReport, error) {
	c.calls[callUndoMerge].Add(1)
	return c.store.UndoMerge(ctx, u)
}
