// Package loader fetches what a GraphQL query reads below a list of entities in one store call per
// nesting level. It deals only in domain types (internal/kg); graph/model wraps what it loads as
// API types.
//
// Batching is by sibling set, not by time window: every object the API returns remembers the
// batch it was loaded with (the siblings of one store call), and a field asked of one of them is
// fetched for all of them in one store call, then served to the others from memory. The first
// relation field asked of a batch also fetches every other relation field its query selects on
// these objects (the lookahead the resolvers pass in), and the entities at their far ends, in that
// same call (kg.Store.Expand). So a nested query costs one store call per nesting level, whatever
// the number of parents and fields, with no wait added to collect keys.
package loader

import (
	"context"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"

	"github.com/diplograph/diplograph/internal/kg"
)

// lazy holds one value computed at most once; concurrent callers wait for the first.
type lazy[T any] struct {
	once sync.Once
	val  T
	err  error
}

// A panic in f becomes the error of every caller: left to sync.Once, it would reach the first
// caller only, and the others would read a zero value and no error, as if the store had found
// nothing.
func (l *lazy[T]) get(f func() (T, error)) (T, error) {
	l.once.Do(func() {
		defer func() {
			if p := recover(); p != nil {
				l.err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		l.val, l.err = f()
	})
	return l.val, l.err
}

// Batch is a set of entities loaded together by one store call.
type Batch struct {
	store    kg.Store
	entities []*kg.Entity
	index    map[string]int
	// ctx is the request's, kept for whole and RelationsOf: the accessors of an entity's fields
	// take no context (so that gqlgen runs them inline), and a batch lives for one request. Nil
	// until Attach when the batch was made without one (NewBatch).
	ctx   context.Context
	whole lazy[map[string]*kg.Entity]

	// aheads are what the fields that returned b's entities select on them (Attach).
	amu    sync.Mutex
	aheads []Ahead
	by     map[any]bool // the keys of aheads

	mu      sync.Mutex
	rels    map[relKey]relEntry
	sources lazy[map[string]*kg.Source]
	// wholeSources are the sources cited by entities of b loaded without their citations.
	wholeSources lazy[map[string]*kg.Source]
}

// relEntry finds one spec's result in the group of specs fetched with it.
type relEntry struct {
	group *relGroup
	index int
}

// relGroup is a set of specs of one batch fetched by one store call.
type relGroup struct {
	specs []RelSpec
	lazy[[]relResult]
}

// relResult is one store call's relations, per entity of the batch, and the RelBatch they share so
// that their far ends are fetched together.
type relResult struct {
	perEntity [][]*kg.Relation
	batch     *RelBatch
}

// RelSpec is what a relation field reads: relations of Types (any when empty) in direction Dir, at
// most Limit per entity (kg.NoLimit: all); and Then, what the query reads next from the entities at
// their far ends, fetched in the same store call.
type RelSpec struct {
	Types []string
	Dir   kg.Direction
	Limit int
	Then  []RelSpec
	// Delegations: the query reads the countries of the relations' delegations.
	Delegations bool
	// Fields is what the query reads of the far ends (kg.RelationSelect.Fields); nil: every field.
	Fields []string
	// RelationFields is what the query reads of the relations (kg.RelationSelect.RelationFields);
	// nil: every field.
	RelationFields []string
}

type relKey struct {
	types string
	dir   kg.Direction
	limit int
}

func (s RelSpec) key() relKey { return relKey{strings.Join(s.Types, ","), s.Dir, s.Limit} }

// SameRelations reports whether s and o read the same relations (whatever they read below them).
func (s RelSpec) SameRelations(o RelSpec) bool { return s.key() == o.key() }

// NewBatch returns the batch of whole entities es (nil entries are dropped) served from store;
// Attach gives it the request's context.
func NewBatch(store kg.Store, es []*kg.Entity) *Batch {
	return newBatch(store, es)
}

// Ahead returns the specs of the relation fields a query selects on the entities of kinds of a
// batch, each with what it reads below (the lookahead of RelationsOf).
type Ahead func(kinds []kg.Kind) []RelSpec

// Attach records that a field of the request of ctx returned entities of b and selects ahead on
// them: the relation fields of b's entities (RelationsOf) fetch what every such field selects in
// the store call of the first. It gives b ctx if b has none. A field is attached once, by key (the
// field of the query, which returns b's entities once per element of a list above). Attach is
// safe to call concurrently.
func (b *Batch) Attach(ctx context.Context, key any, ahead Ahead) {
	b.amu.Lock()
	defer b.amu.Unlock()
	if b.ctx == nil {
		b.ctx = ctx
	}
	if b.by[key] {
		return
	}
	if b.by == nil {
		b.by = map[any]bool{}
	}
	b.by[key] = true
	b.aheads = append(b.aheads, ahead)
}

// Attached reports whether Attach has recorded key and given b a context.
func (b *Batch) Attached(key any) bool {
	b.amu.Lock()
	defer b.amu.Unlock()
	return b.ctx != nil && b.by[key]
}

// context returns the request's context for b's store calls.
func (b *Batch) context() context.Context {
	b.amu.Lock()
	defer b.amu.Unlock()
	if b.ctx == nil {
		return context.Background()
	}
	return b.ctx
}

// ahead returns what the fields that returned b's entities select on them, whatever their kinds.
func (b *Batch) ahead() []RelSpec {
	b.amu.Lock()
	aheads := slices.Clip(b.aheads)
	b.amu.Unlock()
	var kinds []kg.Kind
	for _, e := range b.entities {
		if !slices.Contains(kinds, e.Kind) {
			kinds = append(kinds, e.Kind)
		}
	}
	var specs []RelSpec
	for _, a := range aheads {
		specs = append(specs, a(kinds)...)
	}
	return specs
}

// RelationsOf is Relations for a relation field that takes no context (so that gqlgen runs it
// inline): entity id reads spec in b's request, with what Attach recorded as lookahead. When the
// level above prefetched spec (Prefill), it is served from memory.
func (b *Batch) RelationsOf(id string, spec RelSpec) ([]*kg.Relation, *RelBatch, error) {
	return b.Relations(b.context(), id, spec, b.ahead)
}

// NewBatchIn returns the batch of entities es, which a read may have loaded in part
// (kg.Entity.Loaded), served from store for the request of ctx.
func NewBatchIn(ctx context.Context, store kg.Store, es []*kg.Entity) *Batch {
	b := newBatch(store, es)
	b.ctx = ctx
	return b
}

func newBatch(store kg.Store, es []*kg.Entity) *Batch {
	b := &Batch{store: store, index: make(map[string]int, len(es)), rels: map[relKey]relEntry{}}
	for _, e := range es {
		if e == nil {
			continue
		}
		if _, dup := b.index[e.ID]; dup {
			continue
		}
		b.index[e.ID] = len(b.entities)
		b.entities = append(b.entities, e)
	}
	return b
}

// Entities returns the entities of b in load order.
func (b *Batch) Entities() []*kg.Entity { return b.entities }

// Entity returns entity id of b, or nil if b lacks it.
func (b *Batch) Entity(id string) *kg.Entity {
	i, ok := b.index[id]
	if !ok {
		return nil
	}
	return b.entities[i]
}

// Relations returns the relations of entity id that spec selects. The first time any sibling asks
// for spec, it fetches them for every entity of b in one store call, together with the specs
// lookahead names (every relation field the query selects on these entities, each with what the
// query reads below it; nil: none) that b has not fetched yet, the entities at the far ends, and
// the whole tree below.
func (b *Batch) Relations(ctx context.Context, id string, spec RelSpec, lookahead func() []RelSpec) ([]*kg.Relation, *RelBatch, error) {
	k := spec.key()
	b.mu.Lock()
	e, ok := b.rels[k]
	if !ok {
		// The lookahead's copy of spec, if it has one, knows what to read below it.
		var specs []RelSpec
		if lookahead != nil {
			specs = lookahead()
		}
		if !slices.ContainsFunc(specs, spec.SameRelations) {
			specs = append([]RelSpec{spec}, specs...)
		}
		g := &relGroup{}
		for _, s := range specs {
			if _, have := b.rels[s.key()]; !have {
				b.rels[s.key()] = relEntry{g, len(g.specs)}
				g.specs = append(g.specs, s)
			}
		}
		e = b.rels[k]
	}
	b.mu.Unlock()
	all, err := e.group.get(func() ([]relResult, error) { return b.expand(ctx, e.group.specs) })
	if err != nil {
		return nil, nil, err
	}
	res := all[e.index]
	i, ok := b.index[id]
	if !ok || i >= len(res.perEntity) {
		return nil, res.batch, nil
	}
	return res.perEntity[i], res.batch, nil
}

// expand fetches specs, and the specs of their Then below, for every entity of b in one store call.
func (b *Batch) expand(ctx context.Context, specs []RelSpec) ([]relResult, error) {
	ids := make([]string, len(b.entities))
	for i, e := range b.entities {
		ids[i] = e.ID
	}
	x, err := b.store.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: Selects(specs)})
	if err != nil {
		return nil, err
	}
	return b.results(ctx, specs, x), nil
}

// Selects returns specs as the store's selects.
func Selects(specs []RelSpec) []kg.RelationSelect {
	out := make([]kg.RelationSelect, len(specs))
	for i, s := range specs {
		out[i] = kg.RelationSelect{Types: s.Types, Direction: s.Dir, Limit: s.Limit, Then: Selects(s.Then),
			Delegations: s.Delegations, Fields: s.Fields, RelationFields: s.RelationFields}
	}
	return out
}

// results turns x, the expansion of specs over b, into one result per spec. Each spec's relations
// form their own RelBatch, whose far ends form their own Batch (the siblings of the next level
// down), given the results of the spec's Then as if that Batch had fetched them itself.
func (b *Batch) results(ctx context.Context, specs []RelSpec, x *kg.Expansion) []relResult {
	out := make([]relResult, len(specs))
	for si, spec := range specs {
		var flat []*kg.Relation
		var far []*kg.Entity
		seen := map[string]bool{}
		for i, rs := range x.Relations[si] {
			for _, r := range rs {
				flat = append(flat, r)
				if other := r.Other(x.IDs[i]); !seen[other] && x.Ends[other] != nil {
					seen[other] = true
					far = append(far, x.Ends[other])
				}
			}
		}
		rb := NewRelBatch(ctx, b.store, flat)
		rb.near, rb.far = b, NewBatchIn(ctx, b.store, far)
		if then := x.Then[si]; then != nil && len(spec.Then) > 0 {
			rb.far.Prefill(spec.Then, then)
		}
		if spec.Delegations {
			rb.prefillCountries(x.Delegations)
		}
		out[si] = relResult{perEntity: x.Relations[si], batch: rb}
	}
	return out
}

// Prefill records x, the expansion of specs over the entities of b (fetched with the level
// above, or with b itself), as the answer to those specs.
func (b *Batch) Prefill(specs []RelSpec, x *kg.Expansion) {
	// The expansion is indexed by x.IDs, the far ends of the level above, which can include ids
	// that do not exist; b holds only those found. Re-index onto b's entities.
	pos := make(map[string]int, len(x.IDs))
	for i, id := range x.IDs {
		pos[id] = i
	}
	ids := make([]string, len(b.entities))
	re := &kg.Expansion{IDs: ids, Relations: make([][][]*kg.Relation, len(specs)), Ends: x.Ends, Then: x.Then,
		Delegations: x.Delegations}
	for i, e := range b.entities {
		ids[i] = e.ID
	}
	for si := range specs {
		re.Relations[si] = make([][]*kg.Relation, len(ids))
		for i, id := range ids {
			if p, ok := pos[id]; ok {
				re.Relations[si][i] = x.Relations[si][p]
			}
		}
	}
	g := &relGroup{specs: specs}
	ctx := b.context()
	g.once.Do(func() { g.val = b.results(ctx, specs, re) })
	b.mu.Lock()
	defer b.mu.Unlock()
	for i, s := range specs {
		if _, have := b.rels[s.key()]; !have {
			b.rels[s.key()] = relEntry{g, i}
		}
	}
}

// Whole returns entity id of b with every field. The first time an entity of b lacks a field the
// query reads (its lookahead asked for fewer than it reads), every entity of b loaded in part is
// fetched whole, in one store call: a wrong projection costs a round trip, never a wrong answer.
func (b *Batch) Whole(id string) (*kg.Entity, error) {
	if e := b.Entity(id); e != nil && e.Loaded == nil {
		return e, nil
	}
	m, err := b.whole.get(func() (map[string]*kg.Entity, error) {
		var ids []string
		for _, e := range b.entities {
			if e.Loaded != nil {
				ids = append(ids, e.ID)
			}
		}
		es, err := b.store.Entities(b.context(), ids)
		if err != nil {
			return nil, err
		}
		out := make(map[string]*kg.Entity, len(es))
		for _, e := range es {
			if e != nil {
				out[e.ID] = e
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	if e := m[id]; e != nil {
		return e, nil
	}
	return nil, kg.Errorf(kg.CodeNotFound, "entity %q was removed while the query read it", id)
}

// Source returns the source id cited by an entity of b, fetching every source cited in b at once;
// nil when there is none.
func (b *Batch) Source(ctx context.Context, id string) (*kg.Source, error) {
	m, err := b.sources.get(func() (map[string]*kg.Source, error) {
		var cs [][]kg.Citation
		for _, e := range b.entities {
			cs = append(cs, e.Citations)
		}
		return fetchSources(ctx, b.store, cs)
	})
	if err != nil || m[id] != nil {
		return m[id], err
	}
	// Cited by an entity whose citations were read with Whole: the sources of those, at once.
	m, err = b.wholeSources.get(func() (map[string]*kg.Source, error) {
		var cs [][]kg.Citation
		for _, e := range b.entities {
			if !e.Holds(kg.LoadCitations) {
				w, err := b.Whole(e.ID)
				if err != nil {
					return nil, err
				}
				cs = append(cs, w.Citations)
			}
		}
		return fetchSources(ctx, b.store, cs)
	})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// RelBatch is a set of relations loaded together; their ends, cited sources and delegation
// countries are each fetched for the whole set in one store call.
type RelBatch struct {
	store     kg.Store
	relations []*kg.Relation
	// ctx is the request's: the accessors of a relation's ends take no context, so that gqlgen
	// runs them inline (a goroutine each otherwise), and a batch lives for one request.
	ctx context.Context
	// near and far, when set, hold the relations' ends: the batch whose relations they are, and
	// the far ends fetched with them. Ends found in neither are fetched together into ends.
	near, far *Batch
	ends      lazy[*Batch]
	sources   lazy[map[string]*kg.Source]
	countries lazy[map[string]*Batch]
	// whole and wholeSources serve the relations of rb loaded in part (Whole).
	whole        lazy[map[relationKey]*kg.Relation]
	wholeSources lazy[map[string]*kg.Source]
}

type relationKey struct{ typ, from, to string }

// Whole returns relation r of rb with every field. The first time a relation of rb lacks a field
// the query reads, every relation of rb loaded in part is fetched whole, in one store call.
func (rb *RelBatch) Whole(r *kg.Relation) (*kg.Relation, error) {
	if r.Loaded == nil {
		return r, nil
	}
	m, err := rb.whole.get(func() (map[relationKey]*kg.Relation, error) {
		seenFrom, seenType := map[string]bool{}, map[string]bool{}
		var froms, types []string
		for _, x := range rb.relations {
			if x.Loaded == nil {
				continue
			}
			if !seenFrom[x.From] {
				seenFrom[x.From] = true
				froms = append(froms, x.From)
			}
			if !seenType[x.Type] {
				seenType[x.Type] = true
				types = append(types, x.Type)
			}
		}
		lists, err := rb.store.Relations(rb.ctx, kg.RelationQuery{IDs: froms, Types: types, Direction: kg.Out, Limit: kg.NoLimit})
		if err != nil {
			return nil, err
		}
		out := map[relationKey]*kg.Relation{}
		for _, l := range lists {
			for _, x := range l {
				out[relationKey{x.Type, x.From, x.To}] = x
			}
		}
		return out, nil
	})
	if err != nil {
		return nil, err
	}
	if w := m[relationKey{r.Type, r.From, r.To}]; w != nil {
		return w, nil
	}
	return nil, kg.Errorf(kg.CodeNotFound, "%s relation from %q to %q was removed while the query read it", r.Type, r.From, r.To)
}

// NewRelBatch returns the batch of relations rs served from store for the request of ctx.
func NewRelBatch(ctx context.Context, store kg.Store, rs []*kg.Relation) *RelBatch {
	return &RelBatch{store: store, relations: rs, ctx: ctx}
}

// NewRelBatchWithEnds returns the batch of relations rs whose ends are all entities of ends, so
// that a relation's from and to cost no store call and share ends' batch for their own fields.
func NewRelBatchWithEnds(ctx context.Context, store kg.Store, rs []*kg.Relation, ends *Batch) *RelBatch {
	rb := NewRelBatch(ctx, store, rs)
	rb.ends.once.Do(func() { rb.ends.val = ends })
	return rb
}

// Entity returns the entity id at an end of a relation of rb and the batch it belongs to, fetching
// every end of every relation in rb at once; a nil entity when there is none.
func (rb *RelBatch) Entity(id string) (*kg.Entity, *Batch, error) {
	for _, b := range []*Batch{rb.far, rb.near} {
		if b == nil {
			continue
		}
		if e := b.Entity(id); e != nil {
			return e, b, nil
		}
	}
	ends, err := rb.ends.get(func() (*Batch, error) {
		seen := map[string]bool{}
		var ids []string
		for _, r := range rb.relations {
			for _, x := range []string{r.From, r.To} {
				if !seen[x] {
					seen[x] = true
					ids = append(ids, x)
				}
			}
		}
		es, err := rb.store.Entities(rb.ctx, ids)
		if err != nil {
			return nil, err
		}
		return NewBatchIn(rb.ctx, rb.store, es), nil
	})
	if err != nil {
		return nil, nil, err
	}
	return ends.Entity(id), ends, nil
}

// Source returns a source cited by a relation of rb, fetching every source cited in rb at once;
// nil when there is none.
func (rb *RelBatch) Source(ctx context.Context, id string) (*kg.Source, error) {
	m, err := rb.sources.get(func() (map[string]*kg.Source, error) {
		var cs [][]kg.Citation
		for _, r := range rb.relations {
			cs = append(cs, r.Citations)
		}
		return fetchSources(ctx, rb.store, cs)
	})
	if err != nil || m[id] != nil {
		return m[id], err
	}
	// Cited by a relation whose citations were read with Whole: the sources of those, at once.
	m, err = rb.wholeSources.get(func() (map[string]*kg.Source, error) {
		var cs [][]kg.Citation
		for _, r := range rb.relations {
			if !r.Holds(kg.LoadCitations) {
				w, err := rb.Whole(r)
				if err != nil {
					return nil, err
				}
				cs = append(cs, w.Citations)
			}
		}
		return fetchSources(ctx, rb.store, cs)
	})
	if err != nil {
		return nil, err
	}
	return m[id], nil
}

// prefillCountries records, from countries (by code) fetched with the relations of rb, the
// countries of their delegations, unless the store did not look one up.
func (rb *RelBatch) prefillCountries(countries map[string]*kg.Entity) {
	var es []*kg.Entity
	var codes []string
	seen := map[string]bool{}
	for _, r := range rb.relations {
		if !r.Holds(kg.PropDelegation) {
			return // loaded without it: Country will ask
		}
		c := r.Prop(kg.PropDelegation)
		if c == "" || seen[c] {
			continue
		}
		country, looked := countries[c]
		if !looked {
			return // the store did not look: Country will ask
		}
		seen[c] = true
		if country != nil {
			codes = append(codes, c)
			es = append(es, country)
		}
	}
	batch := NewBatchIn(rb.ctx, rb.store, es)
	m := make(map[string]*Batch, len(codes))
	for _, c := range codes {
		m[c] = batch
	}
	rb.countries.once.Do(func() { rb.countries.val = m })
}

// Country returns the country whose ISO code is a delegation of a relation of rb, and its batch,
// fetching every delegation country of rb at once; a nil country when there is none.
func (rb *RelBatch) Country(code string) (*kg.Entity, *Batch, error) {
	if code == "" {
		return nil, nil, nil
	}
	m, err := rb.countries.get(func() (map[string]*Batch, error) {
		seen := map[string]bool{}
		var codes []any
		for _, r := range rb.relations {
			if r, err := rb.Whole(r); err != nil {
				return nil, err
			} else if c := r.Prop(kg.PropDelegation); c != "" && !seen[c] {
				seen[c] = true
				codes = append(codes, c)
			}
		}
		out := map[string]*Batch{}
		if len(codes) == 0 {
			return out, nil
		}
		page, err := rb.store.ListEntities(rb.ctx, kg.ListQuery{
			Kind:  kg.KindCountry,
			Where: &kg.Filter{Conds: []kg.Cond{{Field: kg.PropCode, Op: kg.OpIn, Value: codes}}},
			Limit: kg.NoLimit,
		})
		if err != nil {
			return nil, err
		}
		batch := NewBatchIn(rb.ctx, rb.store, page.Entities)
		for _, e := range page.Entities {
			out[e.Prop(kg.PropCode)] = batch
		}
		return out, nil
	})
	if err != nil || m[code] == nil {
		return nil, nil, err
	}
	b := m[code]
	for _, e := range b.entities {
		if e.Prop(kg.PropCode) == code {
			return e, b, nil
		}
	}
	return nil, nil, nil
}

func fetchSources(ctx context.Context, store kg.Store, cs [][]kg.Citation) (map[string]*kg.Source, error) {
	seen := map[string]bool{}
	var ids []string
	for _, list := range cs {
		for _, c := range list {
			if !seen[c.Source] {
				seen[c.Source] = true
				ids = append(ids, c.Source)
			}
		}
	}
	out := map[string]*kg.Source{}
	if len(ids) == 0 {
		return out, nil
	}
	ss, err := store.Sources(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		if s != nil {
			out[s.ID] = s
		}
	}
	return out, nil
}

// Refs is a set of entity ids fetched together, in one store call, the first time one of them is
// asked for: the entities a timeline's vias go through, or the stored entities of an import's
// possible duplicates.
type Refs struct {
	store kg.Store
	ids   []string
	batch lazy[*Batch]
}

// NewRefs returns the set of ids, to be fetched from store on first use.
func NewRefs(store kg.Store, ids []string) *Refs { return &Refs{store: store, ids: ids} }

// Entity returns entity id of r and the batch it was loaded with; a nil entity if the store has
// none.
func (r *Refs) Entity(ctx context.Context, id string) (*kg.Entity, *Batch, error) {
	b, err := r.batch.get(func() (*Batch, error) {
		es, err := r.store.Entities(ctx, r.ids)
		if err != nil {
			return nil, err
		}
		return NewBatch(r.store, es), nil
	})
	if err != nil {
		return nil, nil, err
	}
	return b.Entity(id), b, nil
}
