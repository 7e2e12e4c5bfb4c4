package memstore

import (
	"context"
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
	s.wmu.Lock() // the only writer: the current state stays as it is until commit
	defer s.wmu.Unlock()
	g := s.cur.Load()
	st := kg.MergeState{Entities: map[string]*kg.Entity{}, Relations: map[string][]*kg.Relation{}}
	for _, id := range append([]string{m.Into}, m.From...) {
		n, ok := g.nodes[id]
		if !ok {
			continue
		}
		st.Entities[id] = n.entity
		n.eachEdge(true, true, nil, func(e edge) bool {
			st.Relations[id] = append(st.Relations[id], e.rel)
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
	detail := plan.Record.JSON()

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
		}
	}
	slices.Sort(earlier)
	for _, from := range earlier {
		ops = append(ops, op{Redirect: &redirect{From: from, To: m.Into}})
		rep.Redirects++
	}
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
