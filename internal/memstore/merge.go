package memstore

import (
	"cmp"
	"context"
	"maps"
	"slices"

	"github.com/diplograph/diplograph/internal/kg"
)

// MergeEntities merges m.From into m.Into as kg.Writer.MergeEntities says, in one write: the
// merged entities are deleted with their relations, the survivor and the relations the merge
// leaves on it are written, and each merged id (and each id that redirected to one of them)
// redirects to the survivor.
func (s *Store) MergeEntities(ctx context.Context, m kg.MergeRequest) (*kg.MergeReport, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	s.wmu.Lock() // the only writer: the current copy stays as it is until commit
	defer s.wmu.Unlock()
	g := s.cur.Load()
	st := kg.MergeState{Entities: map[string]*kg.Entity{}, Relations: map[string][]*kg.Relation{}, Dates: func(id string) string {
		if src := g.sources[id]; src != nil {
			return src.Published
		}
		return ""
	}}
	for _, id := range append([]string{m.Into}, m.From...) {
		n, ok := g.nodes[id]
		if !ok {
			continue
		}
		st.Entities[id] = n.entity
		g.eachEdge(n, true, true, nil, func(e link) bool {
			st.Relations[id] = append(st.Relations[id], g.view(e.rel))
			return true
		})
	}
	plan, err := kg.PlanMerge(m, st)
	if err != nil {
		return nil, err
	}
	// The ops own copies: the maps' values are overwritten in place by later writes.
	plan.Record.Into = cloneEntity(plan.Record.Into)
	for i, e := range plan.Record.From {
		plan.Record.From[i] = cloneEntity(e)
	}
	for i, r := range plan.Record.Relations {
		plan.Record.Relations[i] = cloneRelation(r)
	}

	var ops []op
	for _, e := range plan.Deleted {
		ops = append(ops, op{DelEntity: e.ID})
	}
	ops = append(ops, op{Entity: cloneEntity(plan.Into)})
	for _, r := range plan.Written {
		ops = append(ops, op{Relation: cloneRelation(r)})
	}
	rep := &kg.MergeReport{Merged: slices.Clone(m.From), Moved: len(plan.Removed) - len(plan.Dropped), Dropped: len(plan.Dropped)}
	for _, id := range m.From {
		ops = append(ops, op{Redirect: &redirect{From: id, To: m.Into}})
		rep.Redirects++
	}
	var earlier []string // ids merged before into one merged now: they follow it
	for from, to := range g.redirects {
		if slices.Contains(m.From, to) {
			earlier = append(earlier, from)
			if plan.Record.Redirected == nil {
				plan.Record.Redirected = map[string]string{}
			}
			plan.Record.Redirected[from] = to
		}
	}
	slices.Sort(earlier)
	for _, from := range earlier {
		ops = append(ops, op{Redirect: &redirect{From: from, To: m.Into}})
		rep.Redirects++
	}
	detail := plan.Record.JSON()
	ch := s.newChanges(ctx, kg.ActionMergeEntities, g.seq)
	for _, e := range plan.Deleted {
		c := ch.add(m.Into, e.ID, kg.MergeSummary(plan, e))
		c.Detail = detail
		ops = append(ops, op{Change: c})
	}
	if err := s.commit(ops); err != nil {
		return nil, err
	}
	g = s.read()
	rep.Into = cloneEntity(g.nodes[m.Into].entity)
	g.done()
	return rep, nil
}

// UndoMerge undoes a merge as kg.Writer.UndoMerge says, in one write.
func (s *Store) UndoMerge(ctx context.Context, u kg.UndoMergeRequest) (*kg.UndoReport, error) {
	seq, err := u.Seq()
	if err != nil {
		return nil, err
	}
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	s.wmu.Lock() // the only writer: the current copy stays as it is until commit
	defer s.wmu.Unlock()
	g := s.cur.Load()
	i, found := slices.BinarySearchFunc(g.changes, seq, func(c *kg.Change, seq int64) int { return cmp.Compare(c.Seq, seq) })
	if !found {
		return nil, kg.Errorf(kg.CodeNotFound, "there is no change %s", u.Change)
	}
	c := g.changes[i]
	rec, err := kg.MergeRecordOf(c)
	if err != nil {
		return nil, err
	}
	idx := g.changesTouching(c.Entity)
	touching := make([]*kg.Change, 0, len(idx))
	for k := len(idx) - 1; k >= 0; k-- {
		touching = append(touching, g.changes[idx[k]])
	}
	if err := kg.CheckUndoable(c, touching); err != nil {
		return nil, err
	}
	n, ok := g.nodes[rec.Into.ID]
	if !ok {
		return nil, kg.Errorf(kg.CodeConflict, "the survivor %s of %s is gone", rec.Into.ID, u.Change)
	}
	var current []*kg.Relation
	g.eachEdge(n, true, true, nil, func(e link) bool {
		current = append(current, g.view(e.rel))
		return true
	})
	plan := kg.PlanUndoMerge(rec, current)
	var ops []op
	for _, r := range plan.Removed {
		ops = append(ops, op{DelRelation: &kg.Relation{Type: r.Type, From: r.From, To: r.To}})
	}
	ops = append(ops, op{Entity: plan.Into})
	for _, e := range plan.Restored {
		ops = append(ops, op{Entity: e})
	}
	for _, r := range plan.Written {
		ops = append(ops, op{Relation: r})
	}
	for _, id := range plan.Unredirected {
		ops = append(ops, op{Redirect: &redirect{From: id}})
	}
	for _, from := range slices.Sorted(maps.Keys(plan.Redirected)) {
		ops = append(ops, op{Redirect: &redirect{From: from, To: plan.Redirected[from]}})
	}
	ch := s.newChanges(ctx, kg.ActionUndoMerge, g.seq)
	rep := &kg.UndoReport{Removed: len(plan.Removed), Written: len(plan.Written)}
	detail := kg.UndoRecord{Undid: c.ID()}.JSON()
	for _, e := range plan.Restored {
		uc := ch.add(rec.Into.ID, e.ID, kg.UndoSummary(c, e, u.Reason))
		uc.Detail = detail
		ops = append(ops, op{Change: uc})
		rep.Restored = append(rep.Restored, e.ID)
	}
	if err := s.commit(ops); err != nil {
		return nil, err
	}
	g = s.read()
	rep.Into = cloneEntity(g.nodes[rec.Into.ID].entity)
	g.done()
	return rep, nil
}
