// Package memstore is the embedded, in-memory kg.Store: the zero-setup default when no Neo4j is
// configured. It keeps the graph in maps with an adjacency index per entity, a sorted id list per
// kind, a name-key index and a search index, in two copies: reads read the current one, and a write
// is applied to the other, which then becomes current (Store), so reads never wait for writes. It
// never hands out its own values: every entity, relation and source it returns is a deep copy the
// caller may change.
//
// A store opened on a data directory (Open) keeps every write in an append-only write-ahead log
// there, synced before the write is acknowledged, and replays it when opened again (wal.go).
package memstore

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// Store is an in-memory graph. The zero value is not usable; call New, Load or Open. It is safe
// for concurrent use: reads run in parallel, one write at a time, and a read never waits for a
// write.
//
// From its first write on, it keeps its graph twice (the left-right scheme): readers read the
// current copy, which no write changes while it is current, and the one writer applies a write to
// the other copy (the spare), makes it current with one atomic store, waits for the reads of the
// copy it replaced to end and applies the same write to that one, which becomes the spare. A read
// sees the graph before a write or after it, never during, and never waits for one; the cost is a
// second copy of the indexes (the values of entities, relations and sources are shared) and
// applying each write twice, both off the readers' path. A store that is only read (loaded or
// opened, never written) keeps one copy.
type Store struct {
	cur   atomic.Pointer[graph] // what reads read (read)
	spare *graph                // the other copy: the writer's, up to date between writes; nil
	// until the first write (publish makes it), so a store that is only read holds one copy.
	// load: nothing reads the store yet (Load, LoadParts), so a write applies to the current copy
	// alone; nil once the store is shared.
	load *loading
	// wmu lets one write at a time plan, log and apply (write.go); it guards spare.
	wmu    sync.Mutex
	closed atomic.Bool

	// applying, when set (tests), is called while a write holds a copy alone: with "spare" once
	// the spare has the write and is not yet current, with "previous" once it is current and
	// before the copy it replaced has the write.
	applying func(stage string)

	log       *wal      // nil: in memory only
	fresh     bool      // Open found no data
	recovered *Recovery // what Open cut off the log's end
	now       func() time.Time
}

// graph is one copy of the graph: maps with an adjacency index per entity, a sorted id list per
// kind, a name-key index, a search index and the audit trail. While it is current, nothing changes
// it; its writer holds mu alone to apply a write to it, and only while it is not current.
type graph struct {
	// mu: readers share it while they read the copy; the writer holds it alone to apply.
	mu        sync.RWMutex
	nodes     map[string]*node
	sources   map[string]*kg.Source
	byKind    map[kg.Kind][]*node // sorted by id
	sourceIDs []string            // sorted
	names     map[kg.NameKey][]string
	index     searchIndex
	redirects map[string]string // merged id -> the survivor (MergeEntities)
	// indexLater: a write leaves the search index alone (LoadParts indexes every entity at the end).
	indexLater bool

	changes       []*kg.Change     // the audit trail, oldest first (by seq)
	changesOf     map[string][]int // entity or source id -> indexes into changes
	seq           int64            // of the last change
	sourceCreated map[string]int64 // source id -> seq of the import's change that created it

	// pending, while apply runs, holds the nodes whose adjacency it has appended to, with the
	// length of the out list's sorted prefix (apply sorts the lists at its end); nil otherwise.
	pending map[*node]int

	// The flat tables the adjacency lists index: nodes, relations, relation type names (a fixed
	// set, kg.RelationSpecs) and the seqs of the imports that created entities and relations
	// (imports[0] = 0: none). Edges and relations hold indexes into them, not pointers (rel.go).
	nodeTab   table[node]
	relTab    table[rel]
	typeNames []string
	typeIDs   map[string]uint16
	imports   []int64

	// orders caches kinds' nodes in list sort orders (list.go); apply clears it.
	ordersMu sync.Mutex
	orders   map[orderKey][]*node
}

// node is an entity with its adjacency: the relations it is the From of (out) and the To of
// (in), each sorted by (Type, From, To) and naming the node at the other end by its index in the
// graph's node table, so walking the graph needs no map look-ups. An update overwrites the entity
// and relations in place, so these indexes stay valid. The out lists are also the relations'
// only index: a relation is found by a binary search of its From's out list (graph.relation),
// which saves a map keyed by three strings per relation, the largest index of the store.
type node struct {
	entity  *kg.Entity
	out, in []edge
	created uint32 // index into graph.imports of the import that created the entity; 0: none
	idx     int32  // in graph.nodeTab
}

type relKey struct{ typ, from, to string }

func keyOf(r *kg.Relation) relKey { return relKey{r.Type, r.From, r.To} }

func compareRelations(a, b *kg.Relation) int {
	return cmp.Or(cmp.Compare(a.Type, b.Type), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
}

// New returns an empty store.
func New() *Store {
	s := &Store{now: time.Now}
	s.cur.Store(newGraph())
	return s
}

func newGraph() *graph {
	return &graph{
		nodes:         map[string]*node{},
		sources:       map[string]*kg.Source{},
		byKind:        map[kg.Kind][]*node{},
		names:         map[kg.NameKey][]string{},
		index:         newSearchIndex(),
		redirects:     map[string]string{},
		changesOf:     map[string][]int{},
		sourceCreated: map[string]int64{},
		typeIDs:       map[string]uint16{},
		imports:       []int64{0},
	}
}

// LoadActor is the actor Load records in the audit trail.
const LoadActor = "system:load"

// Load returns an in-memory store holding b, imported as LoadActor. It fails as Import does, with
// a CodeBadUserInput *kg.Error listing the bundle's problems; a nil b gives an empty store. The
// store keeps b's items.
func Load(b *kg.Bundle) (*Store, error) {
	if b == nil {
		return New(), nil
	}
	return LoadParts(func(yield func(*kg.Bundle) bool) { yield(b) })
}

// LoadParts is Load of the bundle made of the parts parts yields, in turn: each part is planned
// against what the parts before it wrote, applied, and let go of, so the caller need not hold the
// whole bundle, and the load's peak is the graph plus one part (docs/embedded-store.md). A part
// may refer to the sources and entities of the parts before it, not after; an item given in two
// parts is written twice, as two imports would. The store afterwards is the one Load of the parts
// joined gives: one import change for the whole load, counting every part, to which what the load
// creates is attributed. The first part with problems fails the load, with its problems.
func LoadParts(parts iter.Seq[*kg.Bundle]) (*Store, error) {
	s := New()
	ctx := kg.WithPrincipal(context.Background(), kg.Principal{Role: kg.RoleAdmin, Name: LoadActor, Authenticated: true})
	l := &loading{in: newInterner()}
	s.load = l
	g := s.cur.Load()
	// Indexed once, at the end: a part's entities indexed one by one into a large index cost
	// what the index holds, each (searchIndex.update), and planning a load searches nothing.
	g.indexLater = true
	for b := range parts {
		if b == nil {
			continue
		}
		rep, err := s.Import(ctx, b, kg.ImportOptions{})
		if err != nil {
			return nil, err
		}
		l.stats.Created += rep.Created
		l.stats.Updated += rep.Updated
		l.stats.Unchanged += rep.Unchanged
		if l.imp == nil && len(g.changes) > 0 {
			l.imp = g.changes[0] // a new store: its first change is the load's
		}
	}
	if l.imp != nil {
		l.imp.Summary = kg.ImportSummary(l.stats)
	}
	g.indexLater = false
	g.indexAll()
	s.load = nil
	return s, nil
}

// loading is what a Load keeps from one part to the next: one interner, so that the parts share
// what one write of the whole bundle would, the load's import change (nil until a part writes
// something) and the counts of every part so far.
type loading struct {
	in    *interner
	imp   *kg.Change
	stats kg.ImportStats
}

// ready returns the error a call must fail with before doing anything: ctx done, or store closed.
func (s *Store) ready(ctx context.Context) error {
	if err := ctxError(ctx); err != nil {
		return err
	}
	if s.closed.Load() {
		return kg.Errorf(kg.CodeServiceUnavailable, "the store is closed")
	}
	return nil
}

// ctxError returns the error a call must fail with once ctx is done.
func ctxError(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return kg.Wrap(kg.CodeTimeout, "the request was cancelled or timed out", err)
	}
	return nil
}

// read returns the current copy of the graph, read-locked: the caller reads only it, and calls
// done when it has finished. It never waits for a write: the writer locks a copy only while it is
// not current, so a reader that finds the copy it loaded locked, or no longer current, loads again
// and finds the one that replaced it.
func (s *Store) read() *graph {
	for {
		g := s.cur.Load()
		if g.mu.TryRLock() {
			if s.cur.Load() == g {
				return g
			}
			g.mu.RUnlock()
		}
		runtime.Gosched()
	}
}

// done ends a read of s that Store.read began.
func (s *graph) done() { s.mu.RUnlock() }

// reading runs f on the current copy, for a read that ctx governs: one copy throughout, so f
// sees the store before or after any write, never during one.
func reading[T any](ctx context.Context, s *Store, f func(*graph) (T, error)) (T, error) {
	if err := s.ready(ctx); err != nil {
		var zero T
		return zero, err
	}
	g := s.read()
	defer g.done()
	return f(g)
}

// Entities returns copies of the entities with the given ids, index for index; unknown ids give
// nil entries.
func (s *graph) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	out := make([]*kg.Entity, len(ids))
	for i, id := range ids {
		if n, ok := s.nodes[s.resolve(id)]; ok {
			out[i] = cloneEntity(n.entity)
		}
	}
	return out, nil
}

// resolve returns the id of the entity id names: the survivor when id was merged into another
// entity, else id. The caller holds graph.mu.
func (s *graph) resolve(id string) string {
	if to, ok := s.redirects[id]; ok {
		return to
	}
	return id
}

// Sources returns copies of the sources with the given ids, index for index; unknown ids give nil
// entries.
func (s *graph) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	out := make([]*kg.Source, len(ids))
	for i, id := range ids {
		if src, ok := s.sources[id]; ok {
			out[i] = cloneSource(src)
		}
	}
	return out, nil
}

// Relations returns, per id, copies of the relations that touch it and match q, ordered by type,
// From and To, at most q.Limit per id. An unknown Direction is a CodeBadUserInput error.
func (s *graph) Relations(ctx context.Context, q kg.RelationQuery) ([][]*kg.Relation, error) {
	useOut, useIn, err := directions(q.Direction)
	if err != nil {
		return nil, err
	}
	out := make([][]*kg.Relation, len(q.IDs))
	for i, id := range q.IDs {
		if n, ok := s.nodes[id]; ok {
			out[i] = s.relations(n, useOut, useIn, q.Types, q.Limit)
		}
	}
	return out, nil
}

// relations returns copies of n's relations that go the asked ways and have one of types, in
// (Type, From, To) order, at most limit (all for kg.NoLimit). The caller holds graph.mu.
func (s *graph) relations(n *node, useOut, useIn bool, types []string, limit int) []*kg.Relation {
	var rs []*kg.Relation
	if limit == 0 {
		return rs
	}
	s.eachEdge(n, useOut, useIn, types, func(e link) bool {
		rs = append(rs, s.relationOf(e.rel))
		return limit < 0 || len(rs) < limit
	})
	return rs
}

// directions says which adjacency lists a Direction reads.
func directions(d kg.Direction) (useOut, useIn bool, err error) {
	switch d {
	case kg.Out:
		return true, false, nil
	case kg.In:
		return false, true, nil
	case kg.Both, "":
		return true, true, nil
	}
	return false, false, kg.Errorf(kg.CodeBadUserInput, "unknown relation direction %q (want OUT, IN or BOTH)", d)
}

// eachEdge calls yield with the edges of n, in (Type, From, To) order, that go the asked ways
// and have one of types (any type if types is empty), until yield returns false. It merges the
// sorted out and in lists, so BOTH costs no sort. The caller holds graph.mu.
func (s *graph) eachEdge(n *node, useOut, useIn bool, types []string, yield func(link) bool) {
	var outs, ins []edge
	if useOut {
		outs = n.out
	}
	if useIn {
		ins = n.in
	}
	for len(outs) > 0 || len(ins) > 0 {
		var e edge
		if len(ins) == 0 || (len(outs) > 0 && s.compareEdges(outs[0], ins[0]) <= 0) {
			e, outs = outs[0], outs[1:]
		} else {
			e, ins = ins[0], ins[1:]
		}
		r := s.rel(e.rel)
		if len(types) > 0 && !slices.Contains(types, s.typeName(r)) {
			continue
		}
		if !yield(link{rel: r, other: s.node(e.other)}) {
			return
		}
	}
}

// Ping reports whether the store serves requests: it fails once ctx is done or the store closed.
func (s *Store) Ping(ctx context.Context) error { return s.ready(ctx) }

// Close marks the store closed; every later call fails with CodeServiceUnavailable. A store with a
// data directory closes its log and releases the directory (every acknowledged write is already
// synced). The data stays in memory until the store is garbage. Closing again does nothing.
func (s *Store) Close(context.Context) error {
	if s.closed.Swap(true) {
		return nil
	}
	if s.log != nil {
		s.wmu.Lock() // after the write in flight, if any
		defer s.wmu.Unlock()
		return s.log.close()
	}
	return nil
}

func cloneEntity(e *kg.Entity) *kg.Entity {
	c := *e
	c.Aliases = slices.Clone(e.Aliases)
	c.Properties = cloneProps(e.Properties)
	c.Citations = cloneCitations(e.Citations)
	c.Claims = cloneClaims(e.Claims)
	return &c
}

func cloneRelation(r *kg.Relation) *kg.Relation {
	c := *r
	c.Properties = cloneProps(r.Properties)
	c.Citations = cloneCitations(r.Citations)
	c.Claims = cloneClaims(r.Claims)
	return &c
}

func cloneCitations(cs []kg.Citation) []kg.Citation {
	out := slices.Clone(cs)
	for i := range out {
		out[i].Fields = slices.Clone(out[i].Fields)
	}
	return out
}

func cloneClaims(cs []kg.Claim) []kg.Claim {
	out := slices.Clone(cs)
	for i := range out {
		out[i].Value = cloneValue(out[i].Value)
	}
	return out
}

func cloneSource(src *kg.Source) *kg.Source {
	c := *src
	if src.URL != nil {
		u := *src.URL
		c.URL = &u
	}
	return &c
}

func cloneProps(p map[string]any) map[string]any {
	if p == nil {
		return nil
	}
	c := make(map[string]any, len(p))
	for k, v := range p {
		c[k] = cloneValue(v)
	}
	return c
}

func cloneValue(v any) any {
	switch x := v.(type) {
	case []any:
		c := make([]any, len(x))
		for i := range x {
			c[i] = cloneValue(x[i])
		}
		return c
	case map[string]any:
		return cloneProps(x)
	}
	return v
}

var _ kg.Store = (*Store)(nil)

// relation returns the relation (typ, from, to), or nil when there is none.
func (s *graph) relation(typ, from, to string) *rel {
	n, ok := s.nodes[from]
	if !ok {
		return nil
	}
	if i, ok := s.outIndex(n, typ, to, true); ok {
		return s.rel(n.out[i].rel)
	}
	return nil
}

// outIndex returns the index in n.out of n's relation of type typ to to, and whether there is one.
// Outside apply the list is sorted by (Type, To) (From is n's id) and searched by halves; while
// apply runs, only the prefix it had before is, and the relations apply has appended after it are
// scanned when tail is set (apply adds each relation once per write: it need not scan them).
func (s *graph) outIndex(n *node, typ, to string, tail bool) (int, bool) {
	t, ok := s.typeIndex(typ)
	if !ok {
		return 0, false // no relation has the type
	}
	sorted := len(n.out)
	if k, ok := s.pending[n]; ok {
		sorted = k
	}
	if i, found := slices.BinarySearchFunc(n.out[:sorted], relKey{typ: typ, to: to}, func(e edge, k relKey) int {
		r := s.rel(e.rel)
		if r.typ != t {
			return strings.Compare(s.typeNames[r.typ], k.typ)
		}
		return strings.Compare(s.node(r.to).entity.ID, k.to)
	}); found {
		return i, true
	}
	for i := sorted; tail && i < len(n.out); i++ {
		if r := s.rel(n.out[i].rel); r.typ == t && s.node(r.to).entity.ID == to {
			return i, true
		}
	}
	return 0, false
}

// eachRelation calls yield with every relation, From by From in id order and each From's in
// (Type, To) order, until yield returns false.
func (s *graph) eachRelation(yield func(*rel) bool) {
	for _, id := range slices.Sorted(maps.Keys(s.nodes)) {
		for _, e := range s.nodes[id].out {
			if !yield(s.rel(e.rel)) {
				return
			}
		}
	}
}
