package memstore

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The write path: a write is planned (kg.PlanImport over the maps, under the write lock), turned
// into ops (puts, deletes and the changes that record them), appended to the write-ahead log when
// the store has one (and synced), and only then applied to the maps. A write that fails before
// the log has it changes nothing.

// op is one step of a write, as the log keeps it. Exactly one field is set.
type op struct {
	Source      *kg.Source   `json:"source,omitempty"`
	Entity      *kg.Entity   `json:"entity,omitempty"`
	Relation    *kg.Relation `json:"relation,omitempty"`
	DelEntity   string       `json:"delEntity,omitempty"`
	DelRelation *kg.Relation `json:"delRelation,omitempty"` // Type, From, To only
	Change      *kg.Change   `json:"change,omitempty"`
	Redirect    *redirect    `json:"redirect,omitempty"`
	// newRelation: the write that made the op found no stored relation of Relation's key, so
	// applying it need not look (a replayed log, which lacks it, looks).
	newRelation bool
}

// redirect makes a merged id resolve to the survivor (MergeEntities); without To, it removes the
// redirect of From (UndoMerge).
type redirect struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// snapshot answers kg.Snapshot from a copy of the graph, which the caller is reading.
type snapshot struct{ s *graph }

func (v snapshot) Sources(_ context.Context, ids []string) (map[string]*kg.Source, error) {
	out := map[string]*kg.Source{}
	for _, id := range ids {
		if src, ok := v.s.sources[id]; ok {
			out[id] = src
		}
	}
	return out, nil
}

func (v snapshot) EntityKinds(_ context.Context, ids []string) (map[string]kg.Kind, error) {
	out := make(map[string]kg.Kind, len(ids))
	for _, id := range ids {
		if n, ok := v.s.nodes[id]; ok {
			out[id] = n.entity.Kind
		}
	}
	return out, nil
}

func (v snapshot) Search(_ context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return v.s.search(q), nil
}

func (v snapshot) Redirects(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for _, id := range ids {
		if to, ok := v.s.redirects[id]; ok {
			out[id] = to
		}
	}
	return out, nil
}

func (v snapshot) MatchNames(_ context.Context, keys []kg.NameKey) (map[kg.NameKey][]string, error) {
	out := map[kg.NameKey][]string{}
	for _, k := range keys {
		if ids := v.s.names[k]; len(ids) > 0 {
			out[k] = slices.Clone(ids)
		}
	}
	return out, nil
}

// written is what a one-item write returns: the item as stored.
type written struct {
	source   *kg.Source
	entity   *kg.Entity
	relation *kg.Relation
}

// own replaces w's items with copies: an unchanged item is the copy's own, which a later write may
// overwrite in place once the caller has stopped reading the copy.
func (w *written) own() {
	if w.source != nil {
		w.source = cloneSource(w.source)
	}
	if w.entity != nil {
		w.entity = cloneEntity(w.entity)
	}
	if w.relation != nil {
		w.relation = cloneRelation(w.relation)
	}
}

// write plans b, and unless dryRun writes it, recording one change per item written with
// action, plus, for imports, one for the whole import. Problems give a CodeBadUserInput error
// (with the report) and write nothing.
//
// Reads go on throughout: only s.wmu keeps other writers out, and the write is applied to the
// spare copy, which no read reads (commit).
func (s *Store) write(ctx context.Context, b *kg.Bundle, action string, opts kg.ImportOptions) (*kg.ImportReport, *written, error) {
	dryRun := opts.DryRun
	if err := s.ready(ctx); err != nil {
		return &kg.ImportReport{DryRun: dryRun}, nil, err
	}
	if b == nil {
		return &kg.ImportReport{DryRun: dryRun}, nil, kg.Errorf(kg.CodeBadUserInput, "no bundle to import")
	}
	if !dryRun {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	rep, out, ops, err := s.prepare(ctx, b, action, opts)
	if err != nil || len(ops) == 0 {
		return rep, out, err
	}
	if err := s.commit(ops); err != nil {
		return &kg.ImportReport{DryRun: dryRun}, nil, err
	}
	return rep, out, nil
}

// prepare plans b against the current copy and returns the report, the items as they would be
// stored, and (unless dryRun) the ops that write them. A writer calls it holding s.wmu, so what it
// read still holds when the ops are applied.
func (s *Store) prepare(ctx context.Context, b *kg.Bundle, action string, opts kg.ImportOptions) (*kg.ImportReport, *written, []op, error) {
	dryRun := opts.DryRun
	rep := &kg.ImportReport{DryRun: dryRun}
	g := s.read()
	defer g.done()
	if err := s.ready(ctx); err != nil {
		return rep, nil, nil, err
	}
	plan, err := kg.PlanImport(ctx, b, snapshot{g})
	if err != nil {
		return rep, nil, nil, err
	}
	if opts.Duplicates {
		if err := plan.FindDuplicates(ctx, snapshot{g}); err != nil {
			return rep, nil, nil, err
		}
		rep.Duplicates, rep.DuplicatesUnchecked = plan.Duplicates, plan.DuplicatesUnchecked
	}
	if len(plan.Problems) > 0 {
		rep.Problems = plan.Problems
		return rep, nil, nil, kg.ProblemsError("the bundle", plan.Problems)
	}

	ch := s.newChanges(ctx, action, g.seq)
	ops := make([]op, 0, 2*(len(plan.Sources)+len(plan.Entities)+len(plan.Relations))+1)
	// An import's own change comes first; what it creates is attributed to it (kg.Writer.Import).
	var imp *kg.Change
	// A part of a load after the one that wrote first adds to the load's change (LoadParts).
	continued := s.load != nil && s.load.imp != nil
	switch {
	case action != kg.ActionImport || dryRun:
	case continued:
		imp = s.load.imp
	default:
		imp = ch.add("", "", "")
		ops = append(ops, op{Change: imp})
	}
	record := func(o kg.Outcome, entity, other, summary string) {
		if o == kg.Created && imp != nil {
			return
		}
		ops = append(ops, op{Change: ch.add(entity, other, summary)})
	}
	var out written
	apply := plan.ApplyOptions(opts.Replace, func(id string) *kg.Source { return g.sources[id] })
	apply.NoCreatedSummary = imp != nil // record drops created items' changes
	for _, src := range plan.Sources {
		next, o, summary := kg.ApplySource(g.sources[src.ID], src)
		rep.Count(o)
		out.source = next
		if o != kg.Unchanged && !dryRun {
			ops = append(ops, op{Source: next})
			record(o, src.ID, "", summary)
		}
	}
	for _, w := range plan.Entities {
		var stored *kg.Entity
		if n, ok := g.nodes[w.Entity.ID]; ok {
			stored = n.entity
		}
		next, a := kg.ApplyEntity(stored, w, apply)
		rep.Add(a)
		out.entity = next
		if a.Outcome != kg.Unchanged && !dryRun {
			ops = append(ops, op{Entity: next})
			record(a.Outcome, next.ID, "", a.Summary)
		}
	}
	for _, r := range plan.Relations {
		var stored *kg.Relation
		if old := g.relation(r.Type, r.From, r.To); old != nil {
			stored = g.view(old)
		}
		next, a := kg.ApplyRelation(stored, r, apply)
		rep.Add(a)
		out.relation = next
		if a.Outcome != kg.Unchanged && !dryRun {
			ops = append(ops, op{Relation: next, newRelation: stored == nil})
			record(a.Outcome, r.From, r.To, a.Summary)
		}
	}
	if !dryRun {
		g.rerank(plan, apply, func(o op, a kg.Applied, entity, other string) {
			ops = append(ops, o)
			record(a.Outcome, entity, other, a.Summary)
		})
	}
	out.own()
	if dryRun {
		return rep, &out, nil, nil
	}
	if continued {
		return rep, &out, ops, nil // LoadParts sums the load's change up at the end
	}
	if imp != nil {
		if len(ops) == 1 { // nothing but its own change: nothing to record
			return rep, &out, nil, nil
		}
		imp.Summary = kg.ImportSummary(rep.ImportStats) + apply.ReplaceSummary()
	}
	return rep, &out, ops, nil
}

// rerank chooses again the values shown by the stored items the plan does not write whose claims
// cite a source whose date it changes (kg.Plan.Redated), and emits the op and outcome of each that
// changes. A scan of every item: a source's date rarely changes.
func (s *graph) rerank(plan *kg.Plan, apply kg.ApplyOptions, emit func(o op, a kg.Applied, entity, other string)) {
	redated := plan.Redated()
	if len(redated) == 0 {
		return
	}
	written := map[string]bool{}
	for _, w := range plan.Entities {
		written[w.Entity.ID] = true
	}
	writtenRel := map[relKey]bool{}
	for _, r := range plan.Relations {
		writtenRel[keyOf(r)] = true
	}
	for _, id := range slices.Sorted(maps.Keys(s.nodes)) {
		if e := s.nodes[id].entity; !written[id] && kg.ClaimsCite(e.Claims, redated) {
			if next, a := kg.RerankEntity(e, apply); a.Outcome == kg.Updated {
				emit(op{Entity: next}, a, id, "")
			}
		}
	}
	s.eachRelation(func(sr *rel) bool {
		if r := s.view(sr); !writtenRel[keyOf(r)] && kg.ClaimsCite(r.Claims, redated) {
			if next, a := kg.RerankRelation(r, apply); a.Outcome == kg.Updated {
				emit(op{Relation: next}, a, r.From, r.To)
			}
		}
		return true
	})
}

// changeMaker numbers and stamps the changes of one write, after last, the seq of the last
// change of the copy it plans against. It takes numbers for itself: a write that fails leaves
// nothing to give back.
type changeMaker struct {
	seq           int64 // of the last change made
	at, actor, do string
}

func (s *Store) newChanges(ctx context.Context, action string, last int64) *changeMaker {
	return &changeMaker{seq: last, at: kg.ChangeTime(s.now()), actor: kg.Actor(ctx), do: action}
}

func (c *changeMaker) add(entity, other, summary string) *kg.Change {
	c.seq++
	return &kg.Change{Seq: c.seq, At: c.at, Actor: c.actor, Action: c.do, Entity: entity, Other: other, Summary: summary}
}

// commit makes ops durable (when the store has a log) and then applies them (publish). The caller
// holds s.wmu. On a log failure nothing is applied.
func (s *Store) commit(ops []op) error {
	if s.log != nil {
		if err := s.log.append(ops); err != nil {
			var full *DiskFullError
			if errors.As(err, &full) {
				return kg.Wrap(kg.CodeServiceUnavailable, "the disk is full: free space in the data directory; nothing was written", err)
			}
			return kg.Wrap(kg.CodeServiceUnavailable, "the write could not be saved to the data directory; nothing was written", err)
		}
	}
	s.publish(ops)
	return nil
}

// publish applies ops to the spare copy, makes it current, waits for the reads of the copy it
// replaced to end, and applies ops to that one too, which becomes the spare. The caller holds
// s.wmu. Reads never wait: they read the current copy, which nothing changes. The first write
// makes the spare, a clone of the current copy (which readers may read meanwhile: cloning only
// reads it).
func (s *Store) publish(ops []op) {
	if s.load != nil {
		seq := importOf(ops)
		if seq == 0 && s.load.imp != nil {
			seq = s.load.imp.Seq // a later part of a load
		}
		s.cur.Load().applyShared(ops, s.load.in, seq)
		return
	}
	if s.spare == nil {
		s.spare = s.cur.Load().clone()
	}
	next := s.spare
	in := newInterner()
	next.mu.Lock() // at once: only reads that found it no longer current can hold it, briefly
	next.applyShared(ops, in, importOf(ops))
	if s.applying != nil {
		s.applying("spare")
	}
	next.mu.Unlock()
	prev := s.cur.Swap(next)
	prev.mu.Lock() // waits for the reads that began before the swap
	if s.applying != nil {
		s.applying("previous")
	}
	prev.applyShared(ops, in, importOf(ops))
	prev.mu.Unlock()
	s.spare = prev
}

// apply carries out ops on the maps; the caller holds s.mu (or is replaying the log before the
// store is shared). When the ops are an import's (its change first), what they create is
// attributed to that change. The graph keeps its own copy of each entity, relation and source (a
// shallow one: what they hold is never changed in place), since it overwrites them in place and
// the other copy applies the same ops.
func (s *graph) apply(ops []op) { s.applyShared(ops, newInterner(), importOf(ops)) }

// importOf returns the seq of the import change ops begin with; 0 when they begin with none.
func importOf(ops []op) int64 {
	if len(ops) > 0 && ops[0].Change != nil && ops[0].Change.Action == kg.ActionImport && ops[0].Change.Entity == "" {
		return ops[0].Change.Seq
	}
	return 0
}

// applyShared is apply with the interner of the write (publish applies a write to both copies
// with one, so that they share what it interns), attributing what it creates to the import
// change importSeq (0: none).
func (s *graph) applyShared(ops []op, in *interner, importSeq int64) {
	s.clearOrders()
	s.pending = map[*node]int{}
	defer func() { s.pending = nil }()
	need := edgesNeeded(ops)
	var (
		indexed      []*node
		kindsTouched = map[kg.Kind]bool{}
		newSources   bool
		// Entities whose position titles, which search finds them by, may have changed.
		retitled = map[string]bool{}
	)
	for i := range ops {
		o := &ops[i]
		switch {
		case o.Source != nil:
			if old, ok := s.sources[o.Source.ID]; ok {
				*old = *o.Source
			} else {
				c := *o.Source
				s.sources[o.Source.ID] = &c
				s.sourceIDs = append(s.sourceIDs, o.Source.ID)
				newSources = true
				if importSeq != 0 {
					s.sourceCreated[o.Source.ID] = importSeq
				}
			}
		case o.Entity != nil:
			e := o.Entity
			n, ok := s.nodes[e.ID]
			if ok {
				// Overwrite in place: the search index points at this entity.
				s.unname(n.entity)
				*n.entity = *e
				e = n.entity
				in.entity(e)
			} else {
				c := *e
				e = &c
				in.entity(e)
				i := s.nodeTab.add()
				n = s.node(i)
				*n = node{entity: e, created: s.importIndex(importSeq), idx: i}
				s.nodes[e.ID] = n
				s.byKind[e.Kind] = append(s.byKind[e.Kind], n)
				kindsTouched[e.Kind] = true
			}
			s.name(e)
			indexed = append(indexed, n)
		case o.Relation != nil:
			r := o.Relation
			if slices.Contains(kg.TitledTypes, r.Type) {
				retitled[r.From] = true
			}
			from, to := s.nodes[r.From], s.nodes[r.To]
			if !o.newRelation {
				if i, ok := s.outIndex(from, r.Type, r.To, false); ok {
					s.rel(from.out[i].rel).attrs = in.attrs(r) // in place: both edges name it
					continue
				}
			}
			ri := s.relTab.add()
			*s.rel(ri) = rel{typ: s.typeOf(r.Type), from: from.idx, to: to.idx, attrs: in.attrs(r), created: s.importIndex(importSeq)}
			s.touch(from, need)
			s.touch(to, need)
			from.out = append(from.out, edge{rel: ri, other: to.idx})
			to.in = append(to.in, edge{rel: ri, other: from.idx})
		case o.DelRelation != nil:
			if slices.Contains(kg.TitledTypes, o.DelRelation.Type) {
				retitled[o.DelRelation.From] = true
			}
			s.removeRelation(keyOf(o.DelRelation))
		case o.DelEntity != "":
			if n, ok := s.nodes[o.DelEntity]; ok {
				for _, e := range n.in {
					if slices.Contains(kg.TitledTypes, s.typeName(s.rel(e.rel))) {
						retitled[s.node(e.other).entity.ID] = true
					}
				}
			}
			s.removeEntity(o.DelEntity)
		case o.Change != nil:
			s.record(o.Change)
		case o.Redirect != nil && o.Redirect.To == "":
			delete(s.redirects, o.Redirect.From) // an undone merge
		case o.Redirect != nil:
			s.redirects[o.Redirect.From] = o.Redirect.To
		}
	}
	if newSources {
		slices.Sort(s.sourceIDs)
	}
	for k := range kindsTouched {
		slices.SortFunc(s.byKind[k], func(a, b *node) int { return strings.Compare(a.entity.ID, b.entity.ID) })
	}
	var dropped []int32
	for n := range s.pending {
		if n.entity != nil {
			n.out, dropped = s.sortEdges(n.out, dropped)
			n.in, _ = s.sortEdges(n.in, nil)
		}
	}
	for _, ri := range dropped {
		s.relTab.release(ri)
	}
	s.nodeTab.settle()
	s.relTab.settle()
	// Nodes a later op of the write deleted (released: no entity) are not indexed.
	indexed = slices.DeleteFunc(indexed, func(n *node) bool { return n.entity == nil })
	for _, n := range indexed {
		delete(retitled, n.entity.ID)
	}
	for id := range retitled {
		if n, ok := s.nodes[id]; ok {
			indexed = append(indexed, n)
		}
	}
	if len(indexed) > 0 && !s.indexLater {
		s.index.update(indexed, s.positionTitles)
	}
}

// indexAll indexes every entity for search, as one write of them all would.
func (s *graph) indexAll() {
	ns := make([]*node, 0, len(s.nodes))
	for _, n := range s.nodes {
		ns = append(ns, n)
	}
	s.index.update(ns, s.positionTitles)
}

// positionTitles returns the titles of the positions of n's entity (kg.PositionTitles), from
// its adjacency. The caller holds s.mu.
func (s *graph) positionTitles(n *node) []string {
	var rels []*kg.Relation
	for _, ed := range n.out {
		if r := s.rel(ed.rel); slices.Contains(kg.TitledTypes, s.typeName(r)) {
			rels = append(rels, s.view(r))
		}
	}
	return kg.PositionTitles(n.entity.ID, rels)
}

// name and unname keep s.names, the entity ids by name key, up to date.
func (s *graph) name(e *kg.Entity) {
	for _, k := range kg.NameKeys(e) {
		if !slices.Contains(s.names[k], e.ID) {
			s.names[k] = append(s.names[k], e.ID)
		}
	}
}

func (s *graph) unname(e *kg.Entity) {
	for _, k := range kg.NameKeys(e) {
		ids := slices.DeleteFunc(s.names[k], func(id string) bool { return id == e.ID })
		if len(ids) == 0 {
			delete(s.names, k)
		} else {
			s.names[k] = ids
		}
	}
}

// touch notes that apply appends to n's adjacency, with the length of its out list's sorted
// prefix (graph.pending), and at the first append grows its lists by what the write adds to
// them (need), at once: a load appending millions of edges one by one would leave up to half of
// each list unused and the garbage of every list it outgrew.
func (s *graph) touch(n *node, need map[string][2]int) {
	if _, ok := s.pending[n]; !ok {
		s.pending[n] = len(n.out)
		k := need[n.entity.ID]
		n.out, n.in = slices.Grow(n.out, k[0]), slices.Grow(n.in, k[1])
	}
}

// edgesNeeded counts, per entity id, the relations ops add to it, out and in (at most: some may
// be updates).
func edgesNeeded(ops []op) map[string][2]int {
	need := map[string][2]int{}
	for i := range ops {
		if r := ops[i].Relation; r != nil {
			k := need[r.From]
			k[0]++
			need[r.From] = k
			k = need[r.To]
			k[1]++
			need[r.To] = k
		}
	}
	return need
}

// sortEdges sorts es by (Type, From, To) and keeps, of edges with one key, the last added
// (apply appends each relation of a write once, so there are none unless a write named one
// twice, when the later wins as an overwrite in place would). It appends the relations of the
// edges it drops to dropped, for the caller to free once every list is sorted (the in lists
// hold the same).
func (s *graph) sortEdges(es []edge, dropped []int32) ([]edge, []int32) {
	slices.SortStableFunc(es, s.compareEdges)
	out := es[:0]
	for i, e := range es {
		if i+1 < len(es) && s.compareEdges(e, es[i+1]) == 0 {
			dropped = append(dropped, e.rel)
			continue
		}
		out = append(out, e)
	}
	clear(es[len(out):])
	return out, dropped
}

// removeRelation deletes the relation k from both ends' adjacency, its only index.
func (s *graph) removeRelation(k relKey) {
	from, ok := s.nodes[k.from]
	if !ok {
		return
	}
	i, ok := s.outIndex(from, k.typ, k.to, true)
	if !ok {
		return
	}
	ri := from.out[i].rel
	from.out = slices.Delete(from.out, i, i+1)
	if p, ok := s.pending[from]; ok && i < p {
		s.pending[from] = p - 1 // the sorted prefix is one shorter
	}
	to := s.node(s.rel(ri).to)
	to.in = slices.DeleteFunc(to.in, func(e edge) bool { return e.rel == ri })
	s.relTab.release(ri)
}

// removeEntity deletes entity id, its relations, and its place in every index.
func (s *graph) removeEntity(id string) {
	n, ok := s.nodes[id]
	if !ok {
		return
	}
	for _, e := range slices.Concat(n.out, n.in) {
		if r := s.rel(e.rel); r.attrs != nil { // not removed already (a relation to itself)
			s.removeRelation(s.key(r))
		}
	}
	delete(s.nodes, id)
	list := s.byKind[n.entity.Kind]
	if i, found := slices.BinarySearchFunc(list, id, func(a *node, id string) int { return strings.Compare(a.entity.ID, id) }); found {
		s.byKind[n.entity.Kind] = slices.Delete(list, i, i+1)
	}
	s.unname(n.entity)
	s.index.remove(n.idx)
	s.nodeTab.release(n.idx)
}

// record appends c to the audit trail.
func (s *graph) record(c *kg.Change) {
	s.changes = append(s.changes, c)
	i := len(s.changes) - 1
	if c.Entity != "" {
		s.changesOf[c.Entity] = append(s.changesOf[c.Entity], i)
	}
	if c.Other != "" && c.Other != c.Entity {
		s.changesOf[c.Other] = append(s.changesOf[c.Other], i)
	}
	s.seq = max(s.seq, c.Seq)
}

// Import writes b as kg.Writer.Import says. The store keeps b's items: the caller must not change b
// afterwards.
func (s *Store) Import(ctx context.Context, b *kg.Bundle, opts kg.ImportOptions) (*kg.ImportReport, error) {
	rep, _, err := s.write(ctx, b, kg.ActionImport, opts)
	return rep, err
}

// AddSource writes src as kg.Writer.AddSource says.
func (s *Store) AddSource(ctx context.Context, src *kg.Source) (*kg.Source, error) {
	if src == nil {
		return nil, kg.Errorf(kg.CodeBadUserInput, "no source to add")
	}
	c := *src
	_, out, err := s.write(ctx, &kg.Bundle{Sources: []kg.Source{c}}, kg.ActionAddSource, kg.ImportOptions{})
	if err != nil {
		return nil, itemError("the source", "sources[0]", err)
	}
	return cloneSource(out.source), nil
}

// UpsertEntity writes e as kg.Writer.UpsertEntity says.
func (s *Store) UpsertEntity(ctx context.Context, e *kg.Entity) (*kg.Entity, error) {
	if e == nil {
		return nil, kg.Errorf(kg.CodeBadUserInput, "no entity to write")
	}
	_, out, err := s.write(ctx, &kg.Bundle{Entities: []kg.Entity{*cloneEntity(e)}}, kg.ActionUpsertEntity, kg.ImportOptions{})
	if err != nil {
		return nil, itemError("the entity", "entities[0]", err)
	}
	return cloneEntity(out.entity), nil
}

// AddRelation writes r as kg.Writer.AddRelation says.
func (s *Store) AddRelation(ctx context.Context, r *kg.Relation) (*kg.Relation, error) {
	if r == nil {
		return nil, kg.Errorf(kg.CodeBadUserInput, "no relation to add")
	}
	_, out, err := s.write(ctx, &kg.Bundle{Relations: []kg.Relation{*cloneRelation(r)}}, kg.ActionAddRelation, kg.ImportOptions{})
	if err != nil {
		return nil, itemError("the relation", "relations[0]", err)
	}
	return cloneRelation(out.relation), nil
}

// itemError rebases the problems of a one-item write's error onto the item.
func itemError(what, prefix string, err error) error {
	var e *kg.Error
	if errors.As(err, &e) && len(e.Problems) > 0 {
		return kg.ProblemsError(what, kg.ItemProblems(e.Problems, prefix))
	}
	return err
}

// RemoveRelation deletes the relation (typ, from, to), recording the change, and reports whether
// there was one.
func (s *Store) RemoveRelation(ctx context.Context, typ, from, to string) (bool, error) {
	if err := kg.CheckRemoveRelation(typ, from, to); err != nil {
		return false, err
	}
	if err := s.ready(ctx); err != nil {
		return false, err
	}
	s.wmu.Lock() // the only writer: the current copy stays as it is until commit
	defer s.wmu.Unlock()
	g := s.cur.Load()
	sr := g.relation(typ, from, to)
	if sr == nil {
		return false, nil
	}
	r := g.view(sr)
	ch := s.newChanges(ctx, kg.ActionRemoveRelation, g.seq)
	key := &kg.Relation{Type: typ, From: from, To: to}
	if err := s.commit([]op{{DelRelation: key}, {Change: ch.add(from, to, kg.RemoveSummary(r))}}); err != nil {
		return false, err
	}
	return true, nil
}

// DeleteEntity deletes entity id and its relations, recording one change for the entity and one
// for each relation, and reports whether there was one.
func (s *Store) DeleteEntity(ctx context.Context, id, reason string) (bool, error) {
	if err := kg.CheckDeleteEntity(id, reason); err != nil {
		return false, err
	}
	if err := s.ready(ctx); err != nil {
		return false, err
	}
	s.wmu.Lock() // the only writer: the current copy stays as it is until commit
	defer s.wmu.Unlock()
	g := s.cur.Load()
	n, ok := g.nodes[id]
	if !ok {
		return false, nil
	}
	ch := s.newChanges(ctx, kg.ActionDeleteEntity, g.seq)
	rels := slices.Concat(n.out, n.in)
	ops := []op{{DelEntity: id}, {Change: ch.add(id, "", kg.DeleteSummary(n.entity, len(rels), reason))}}
	for _, e := range rels {
		r := g.view(g.rel(e.rel))
		ops = append(ops, op{Change: ch.add(r.From, r.To, kg.RemovedWithSummary(r, id))})
	}
	if err := s.commit(ops); err != nil {
		return false, err
	}
	return true, nil
}

// WithdrawSource removes what a source said from the items w names, as kg.Writer.WithdrawSource
// says. Without named items it scans every item: a withdrawal is rare.
func (s *Store) WithdrawSource(ctx context.Context, w kg.Withdrawal) (*kg.WithdrawReport, error) {
	if err := kg.CheckWithdrawal(w); err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if !w.DryRun {
		s.wmu.Lock() // the only writer until it commits: what it reads below still holds then
		defer s.wmu.Unlock()
	}
	g := s.read()
	rep, steps, err := g.withdrawSteps(w)
	last := g.seq
	g.done()
	if err != nil || w.DryRun || len(steps) == 0 {
		return rep, err
	}
	ch := s.newChanges(ctx, kg.ActionWithdraw, last)
	ops := []op{{Change: ch.add("", "", kg.WithdrawSummary(w, rep))}}
	for _, st := range steps {
		if st.o != nil {
			ops = append(ops, *st.o)
		}
		ops = append(ops, op{Change: ch.add(st.entity, st.other, st.summary)})
	}
	if err := s.commit(ops); err != nil {
		return nil, err
	}
	return rep, nil
}

// withdrawStep is one op of a withdrawal (or none, for a relation that goes with its entity) and
// the change that records it.
type withdrawStep struct {
	o                      *op
	entity, other, summary string
}

// withdrawSteps works out what withdrawing w does to each item. The caller holds s.mu (read).
func (s *graph) withdrawSteps(w kg.Withdrawal) (*kg.WithdrawReport, []withdrawStep, error) {
	if _, ok := s.sources[w.Source]; !ok {
		return nil, nil, kg.Errorf(kg.CodeNotFound, "no source %q", w.Source)
	}
	var ents []*kg.Entity
	var rels []*kg.Relation
	if len(w.Entities)+len(w.Relations) > 0 {
		named := make([]*kg.Entity, len(w.Entities))
		for i, id := range w.Entities {
			if n, ok := s.nodes[id]; ok {
				named[i] = n.entity
			}
		}
		namedRels := make([]*kg.Relation, len(w.Relations))
		for i, k := range w.Relations {
			if r := s.relation(k.Type, k.From, k.To); r != nil {
				namedRels[i] = s.view(r)
			}
		}
		if err := kg.WithdrawNotCited(w, named, namedRels); err != nil {
			return nil, nil, err
		}
		ents, rels = uniqueEntities(named), uniqueRelations(namedRels)
	} else {
		for _, id := range slices.Sorted(maps.Keys(s.nodes)) {
			if e := s.nodes[id].entity; cites(e.Citations, w.Source) {
				ents = append(ents, e)
			}
		}
		s.eachRelation(func(r *rel) bool {
			if cites(r.attrs.cites, w.Source) {
				rels = append(rels, s.view(r))
			}
			return true
		})
	}

	rep := &kg.WithdrawReport{DryRun: w.DryRun}
	dates := func(id string) string {
		if src := s.sources[id]; src != nil {
			return src.Published
		}
		return ""
	}
	var steps []withdrawStep
	removed := map[relKey]bool{}
	for _, e := range ents {
		next, wd := kg.WithdrawFromEntity(e, w.Source, w.Reason, dates)
		rep.CitationsRemoved += wd.Citations
		if !wd.Deleted {
			rep.EntitiesUpdated++
			steps = append(steps, withdrawStep{&op{Entity: next}, e.ID, "", wd.Summary})
			continue
		}
		rep.EntitiesDeleted++
		steps = append(steps, withdrawStep{&op{DelEntity: e.ID}, e.ID, "", wd.Summary})
		n := s.nodes[e.ID]
		for _, ed := range slices.Concat(n.out, n.in) {
			if k := s.key(s.rel(ed.rel)); !removed[k] {
				removed[k] = true
				rep.RelationsDeleted++
				r := s.view(s.rel(ed.rel))
				steps = append(steps, withdrawStep{nil, r.From, r.To, kg.WithdrawnWithSummary(r, e.ID, w.Source, w.Reason)})
			}
		}
	}
	for _, r := range rels {
		k := keyOf(r)
		if removed[k] {
			continue
		}
		next, wd := kg.WithdrawFromRelation(r, w.Source, w.Reason, dates)
		rep.CitationsRemoved += wd.Citations
		if wd.Deleted {
			removed[k] = true
			rep.RelationsDeleted++
			steps = append(steps, withdrawStep{&op{DelRelation: &kg.Relation{Type: r.Type, From: r.From, To: r.To}}, r.From, r.To, wd.Summary})
			continue
		}
		rep.RelationsUpdated++
		steps = append(steps, withdrawStep{&op{Relation: next}, r.From, r.To, wd.Summary})
	}
	return rep, steps, nil
}

func cites(cs []kg.Citation, src string) bool {
	return slices.ContainsFunc(cs, func(c kg.Citation) bool { return c.Source == src })
}

func uniqueEntities(es []*kg.Entity) []*kg.Entity {
	var out []*kg.Entity
	for _, e := range es {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// uniqueRelations drops the relations named again (by key: each is a view of its own).
func uniqueRelations(rs []*kg.Relation) []*kg.Relation {
	var out []*kg.Relation
	for _, r := range rs {
		if !slices.ContainsFunc(out, func(o *kg.Relation) bool { return o == r || (o != nil && r != nil && keyOf(o) == keyOf(r)) }) {
			out = append(out, r)
		}
	}
	return out
}

// Changes returns one page of the audit trail, newest first, as kg.Writer.Changes says.
func (s *graph) Changes(ctx context.Context, q kg.ChangeQuery) (*kg.ChangePage, error) {
	total := len(s.changes)
	at := func(i int) *kg.Change { return s.changes[total-1-i] }
	if q.Entity != "" {
		idx := s.changesTouching(q.Entity)
		total = len(idx)
		at = func(i int) *kg.Change { return s.changes[idx[total-1-i]] }
	}
	if q.FromEnd && q.Offset > 0 {
		return nil, kg.Errorf(kg.CodeBadUserInput, "a page taken from the end cannot skip an offset")
	}
	// Newest first, sequence numbers fall: the bounds are found by binary search.
	lo, hi := 0, total
	if q.Below > 0 {
		lo = sort.Search(total, func(i int) bool { return at(i).Seq < q.Below })
	}
	if q.Above > 0 {
		hi = max(lo, sort.Search(total, func(i int) bool { return at(i).Seq <= q.Above }))
	}
	start, end := min(lo+max(q.Offset, 0), hi), hi
	if q.Limit >= 0 { // NoLimit: every change within the bounds
		if q.FromEnd {
			start = max(lo, hi-q.Limit)
		} else {
			end = min(hi, start+q.Limit)
		}
	}
	page := &kg.ChangePage{Total: total, Changes: []*kg.Change{}}
	for i := start; i < end; i++ {
		c := *at(i)
		page.Changes = append(page.Changes, &c)
	}
	if q.FromEnd {
		page.Earlier, page.More = start > lo, hi < total
	} else {
		page.Earlier, page.More = start > 0, end < hi
	}
	return page, nil
}

// changesTouching returns the indexes into s.changes, ascending, of the changes that touch id:
// recorded for it, or the imports that created it or one of its present relations.
func (s *graph) changesTouching(id string) []int {
	var seqs []int64
	if n, ok := s.nodes[id]; ok {
		seqs = append(seqs, s.imports[n.created])
		for _, e := range n.out {
			seqs = append(seqs, s.createdIn(s.rel(e.rel)))
		}
		for _, e := range n.in {
			seqs = append(seqs, s.createdIn(s.rel(e.rel)))
		}
	}
	seqs = append(seqs, s.sourceCreated[id])
	idx := slices.Clone(s.changesOf[id])
	for _, seq := range seqs {
		if seq == 0 {
			continue
		}
		if i, found := slices.BinarySearchFunc(s.changes, seq, func(c *kg.Change, seq int64) int { return cmp.Compare(c.Seq, seq) }); found {
			idx = append(idx, i)
		}
	}
	slices.Sort(idx)
	return slices.Compact(idx)
}
