package memstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// The reads of kg.Store: each runs on the copy of the graph that is current when it starts (Store.read) and
// answers as that graph's method of the same name says.

// Entities returns copies of the entities with the given ids (graph.Entities).
func (s *Store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	return reading(ctx, s, func(g *graph) ([]*kg.Entity, error) { return g.Entities(ctx, ids) })
}

// Sources returns copies of the sources with the given ids (graph.Sources).
func (s *Store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	return reading(ctx, s, func(g *graph) ([]*kg.Source, error) { return g.Sources(ctx, ids) })
}

// Relations returns, per id, copies of the relations that touch it and match q (graph.Relations).
func (s *Store) Relations(ctx context.Context, q kg.RelationQuery) ([][]*kg.Relation, error) {
	return reading(ctx, s, func(g *graph) ([][]*kg.Relation, error) { return g.Relations(ctx, q) })
}

// Expand answers q's relation selects for its ids (graph.Expand).
func (s *Store) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	return reading(ctx, s, func(g *graph) (*kg.Expansion, error) { return g.Expand(ctx, q) })
}

// Search returns the entities that match q, best first (graph.Search).
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return reading(ctx, s, func(g *graph) ([]kg.SearchHit, error) { return g.Search(ctx, q) })
}

// ListEntities returns one page of the entities of a kind (graph.ListEntities).
func (s *Store) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	return reading(ctx, s, func(g *graph) (*kg.EntityPage, error) { return g.ListEntities(ctx, q) })
}

// ListSources returns one page of the sources (graph.ListSources).
func (s *Store) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	return reading(ctx, s, func(g *graph) (*kg.SourcePage, error) { return g.ListSources(ctx, q) })
}

// CitedEntities returns one page of the entities a source cites (graph.CitedEntities).
func (s *Store) CitedEntities(ctx context.Context, q kg.CitedQuery) (*kg.CitedEntityPage, error) {
	return reading(ctx, s, func(g *graph) (*kg.CitedEntityPage, error) { return g.CitedEntities(ctx, q) })
}

// CitedRelations returns one page of the relations a source cites (graph.CitedRelations).
func (s *Store) CitedRelations(ctx context.Context, q kg.CitedQuery) (*kg.CitedRelationPage, error) {
	return reading(ctx, s, func(g *graph) (*kg.CitedRelationPage, error) { return g.CitedRelations(ctx, q) })
}

// ShortestPath returns a shortest path between two entities (graph.ShortestPath).
func (s *Store) ShortestPath(ctx context.Context, q kg.PathQuery) (*kg.Path, error) {
	return reading(ctx, s, func(g *graph) (*kg.Path, error) { return g.ShortestPath(ctx, q) })
}

// Paths returns paths between two entities (graph.Paths).
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]*kg.Path, error) {
	return reading(ctx, s, func(g *graph) ([]*kg.Path, error) { return g.Paths(ctx, q) })
}

// Neighborhood returns the entities and relations around an entity (graph.Neighborhood).
func (s *Store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	return reading(ctx, s, func(g *graph) (*kg.Subgraph, error) { return g.Neighborhood(ctx, q) })
}

// CommonConnections returns the entities connected to all of q's entities (graph.CommonConnections).
func (s *Store) CommonConnections(ctx context.Context, q kg.CommonQuery) ([]*kg.Entity, error) {
	return reading(ctx, s, func(g *graph) ([]*kg.Entity, error) { return g.CommonConnections(ctx, q) })
}

// Timeline returns the meetings of an entity in time order (graph.Timeline).
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery) ([]*kg.TimelineEntry, error) {
	return reading(ctx, s, func(g *graph) ([]*kg.TimelineEntry, error) { return g.Timeline(ctx, q) })
}

// Changes returns one page of the audit trail, newest first (graph.Changes).
func (s *Store) Changes(ctx context.Context, q kg.ChangeQuery) (*kg.ChangePage, error) {
	return reading(ctx, s, func(g *graph) (*kg.ChangePage, error) { return g.Changes(ctx, q) })
}
