package memstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// Expand returns, per select and id, copies of the relations Relations would return, and copies
// of their far-end entities, all read under one lock so that the level is one consistent
// snapshot. An unknown Direction in any select is a CodeBadUserInput error.
func (s *Store) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	type way struct{ out, in bool }
	ways := make([]way, len(q.Selects))
	for i, sel := range q.Selects {
		out, in, err := directions(sel.Direction)
		if err != nil {
			return nil, err
		}
		ways[i] = way{out, in}
	}
	x := &kg.Expansion{Relations: make([][][]*kg.Relation, len(q.Selects)), Ends: map[string]*kg.Entity{}}
	s.mu.RLock()
	defer s.mu.RUnlock()
	for si, sel := range q.Selects {
		perID := make([][]*kg.Relation, len(q.IDs))
		for i, id := range q.IDs {
			n, ok := s.nodes[id]
			if !ok {
				continue
			}
			var rs []*kg.Relation
			n.eachEdge(ways[si].out, ways[si].in, sel.Types, func(e edge) bool {
				rs = append(rs, cloneRelation(e.rel))
				return sel.Limit <= 0 || len(rs) < sel.Limit
			})
			for _, r := range rs {
				other := r.Other(id)
				if _, done := x.Ends[other]; !done {
					if m, ok := s.nodes[other]; ok {
						x.Ends[other] = cloneEntity(m.entity)
					}
				}
			}
			perID[i] = rs
		}
		x.Relations[si] = perID
	}
	return x, nil
}
