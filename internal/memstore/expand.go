package memstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// Expand returns, per select and id, copies of the relations Relations would return, copies of
// their far-end entities, and the expansions of the selects' Then below, all read under one lock
// so that the whole tree is one consistent snapshot. An unknown Direction in any select is a
// CodeBadUserInput error.
func (s *graph) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	if err := checkSelects(q.Selects); err != nil {
		return nil, err
	}
	ids := q.IDs
	if q.WithEntities && len(s.redirects) > 0 {
		// Asked for by id (node, entity): a merged id stands for its survivor, whose id the
		// expansion carries.
		ids = make([]string, len(q.IDs))
		for i, id := range q.IDs {
			ids[i] = s.resolve(id)
		}
	}
	x := s.expand(ids, q.Selects)
	if q.WithEntities {
		x.Entities = make([]*kg.Entity, len(ids))
		for i, id := range ids {
			if n, ok := s.nodes[id]; ok {
				x.Entities[i] = cloneEntity(n.entity)
			}
		}
	}
	return x, nil
}

func checkSelects(sels []kg.RelationSelect) error {
	for _, sel := range sels {
		if _, _, err := directions(sel.Direction); err != nil {
			return err
		}
		if err := checkSelects(sel.Then); err != nil {
			return err
		}
	}
	return nil
}

// expand answers selects for ids. The caller holds s.mu.
func (s *graph) expand(ids []string, selects []kg.RelationSelect) *kg.Expansion {
	x := &kg.Expansion{IDs: ids, Relations: make([][][]*kg.Relation, len(selects)), Ends: map[string]*kg.Entity{},
		Then: make([]*kg.Expansion, len(selects))}
	for si, sel := range selects {
		out, in, _ := directions(sel.Direction)
		perID := make([][]*kg.Relation, len(ids))
		for i, id := range ids {
			n, ok := s.nodes[id]
			if !ok {
				continue
			}
			rs := s.relations(n, out, in, sel.Types, sel.Limit)
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
		if sel.Delegations {
			s.addDelegations(x, perID)
		}
		if len(sel.Then) > 0 {
			x.Then[si] = s.expand(kg.FarEnds(ids, perID), sel.Then)
		}
	}
	return x
}

// addDelegations adds to x.Delegations the countries the delegation codes of rels name. The
// caller holds s.mu.
func (s *graph) addDelegations(x *kg.Expansion, rels [][]*kg.Relation) {
	want := map[string]bool{}
	for _, rs := range rels {
		for _, r := range rs {
			if c := r.Prop(kg.PropDelegation); c != "" {
				want[c] = true
			}
		}
	}
	if len(want) == 0 {
		return
	}
	if x.Delegations == nil {
		x.Delegations = map[string]*kg.Entity{}
	}
	for c := range want {
		if _, done := x.Delegations[c]; !done {
			x.Delegations[c] = nil
		}
	}
	for _, n := range s.byKind[kg.KindCountry] { // in id order: the least id wins
		if c := n.entity.Prop(kg.PropCode); want[c] && x.Delegations[c] == nil {
			x.Delegations[c] = cloneEntity(n.entity)
		}
	}
}
