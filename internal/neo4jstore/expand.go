package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Expand answers every select of q, and fetches the far ends of the relations found, in one round
// trip: one COLLECT subquery per select, each ordered and limited per id on the server as
// Relations does. A far end comes back with every relation that reaches it; Go keeps one copy.
func (s *Store) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	x := &kg.Expansion{Relations: make([][][]*kg.Relation, len(q.Selects)), Ends: map[string]*kg.Entity{}}
	for i := range x.Relations {
		x.Relations[i] = make([][]*kg.Relation, len(q.IDs))
	}
	params := map[string]any{"ids": distinct(q.IDs)}
	var cols []string
	for i, sel := range q.Selects {
		types, none := relTypes(sel.Types)
		pattern, err := relPattern("n", "r", types, sel.Direction, "m")
		if err != nil {
			return nil, err
		}
		if none {
			cols = append(cols, fmt.Sprintf("[] AS s%d", i))
			continue
		}
		limit := ""
		if sel.Limit > 0 {
			limit = fmt.Sprintf("LIMIT $limit%d", i)
			params[fmt.Sprintf("limit%d", i)] = int64(sel.Limit)
		}
		cols = append(cols, fmt.Sprintf(`COLLECT {
				MATCH %s
				WITH r, m, startNode(r).id AS from, endNode(r).id AS to
				ORDER BY type(r), from, to
				%s
				RETURN [type(r), from, to, r {.*}, m {.*}]
			} AS s%d`, pattern, limit, i))
	}
	if len(q.IDs) == 0 || len(cols) == 0 {
		return x, nil
	}
	recs, err := s.read(ctx, `
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		RETURN id, `+strings.Join(cols, ",\n\t\t\t"), params)
	if err != nil {
		return nil, s.mapError(ctx, "expand", err)
	}
	index := make(map[string][]int, len(q.IDs))
	for i, id := range q.IDs {
		index[id] = append(index[id], i)
	}
	for _, rec := range recs {
		id, _ := rec.Values[0].(string)
		for si := range q.Selects {
			rows, _ := rec.Values[1+si].([]any)
			rels := make([]*kg.Relation, 0, len(rows))
			for _, row := range rows {
				c, _ := row.([]any)
				if len(c) != 5 {
					continue
				}
				typ, _ := c[0].(string)
				from, _ := c[1].(string)
				to, _ := c[2].(string)
				props, _ := c[3].(map[string]any)
				r := relationFromMap(typ, from, to, props)
				rels = append(rels, r)
				if other := r.Other(id); x.Ends[other] == nil {
					if m, ok := c[4].(map[string]any); ok {
						x.Ends[other] = entityFromMap(m)
					}
				}
			}
			for _, i := range index[id] {
				x.Relations[si][i] = rels
			}
		}
	}
	return x, nil
}
