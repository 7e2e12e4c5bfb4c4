package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Expand answers the whole tree of selects in q in one round trip: one COLLECT subquery per
// select, each ordered and limited per entity on the server as Relations does, with the selects
// of its Then nested inside it for each far end. A far end comes back with every relation that
// reaches it; Go keeps one copy.
func (s *Store) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	params := map[string]any{"ids": distinct(q.IDs)}
	cols, err := selectColumns("n", "", q.Selects, params)
	if err != nil {
		return nil, err
	}
	rows := map[string][]any{}
	entities := map[string]*kg.Entity{}
	ids := q.IDs
	if len(q.IDs) > 0 && (len(cols) > 0 || q.WithEntities) {
		node, match := "null", "MATCH (n:Entity {id: id})"
		if q.WithEntities {
			// Asked for by id (node, entity): a merged id (a :Redirect) stands for its survivor,
			// whose id the expansion carries.
			node = "n {.*}"
			match = "OPTIONAL MATCH (d:Redirect {id: id}) MATCH (n:Entity {id: coalesce(d.to, id)})"
		}
		recs, err := s.read(ctx, `
			UNWIND $ids AS id
			`+match+`
			RETURN id, n.id AS resolved, `+node+` AS n, [`+strings.Join(cols, ",\n")+`] AS selects`, params)
		if err != nil {
			return nil, s.mapError(ctx, "expand", err)
		}
		resolved := map[string]string{}
		for _, rec := range recs {
			id, _ := rec.Values[0].(string)
			rid, _ := rec.Values[1].(string)
			resolved[id] = rid
			if m, ok := rec.Values[2].(map[string]any); ok {
				entities[rid] = entityFromMap(m)
			}
			rows[rid], _ = rec.Values[3].([]any)
		}
		if q.WithEntities {
			ids = make([]string, len(q.IDs))
			for i, id := range q.IDs {
				if ids[i] = resolved[id]; ids[i] == "" {
					ids[i] = id
				}
			}
		}
	}
	x := expansion(ids, q.Selects, rows)
	if q.WithEntities {
		x.Entities = make([]*kg.Entity, len(ids))
		for i, id := range ids {
			x.Entities[i] = entities[id]
		}
	}
	return x, nil
}

// selectColumns returns one COLLECT subquery per select over the entity in variable near. Each
// collects, per relation, [type, from, to, relation properties, far end properties, [the far
// end's Then columns]]. Variables are suffixed with the select's path in the tree, since a
// subquery may not reuse a name its outer scope declares.
func selectColumns(near, path string, sels []kg.RelationSelect, params map[string]any) ([]string, error) {
	var cols []string
	for i, sel := range sels {
		p := fmt.Sprintf("%s_%d", path, i)
		r, m, from, to := "r"+p, "m"+p, "from"+p, "to"+p
		types, none := relTypes(sel.Types)
		pattern, err := relPattern(near, r, types, sel.Direction, m)
		if err != nil {
			return nil, err
		}
		then := []string{}
		if len(sel.Then) > 0 {
			if then, err = selectColumns(m, p, sel.Then, params); err != nil {
				return nil, err
			}
		}
		if none {
			cols = append(cols, "[]")
			continue
		}
		// The country a delegation code names: the one with the least id, as a list filter by
		// code sorted by id would give.
		delegation := "null"
		if sel.Delegations {
			delegation = fmt.Sprintf(`COLLECT {
					MATCH (c%[1]s:Country {code: %[2]s.delegation})
					WITH c%[1]s ORDER BY c%[1]s.id LIMIT 1
					RETURN c%[1]s {.*}
				}`, p, r)
		}
		limit := ""
		if sel.Limit >= 0 {
			limit = "LIMIT $limit" + p
			params["limit"+p] = int64(sel.Limit)
		}
		cols = append(cols, fmt.Sprintf(`COLLECT {
				MATCH %[1]s
				WITH %[2]s, %[3]s, startNode(%[2]s).id AS %[4]s, endNode(%[2]s).id AS %[5]s
				ORDER BY type(%[2]s), %[4]s, %[5]s
				%[6]s
				RETURN [type(%[2]s), %[4]s, %[5]s, %[2]s {.*}, %[3]s {.*}, [%[7]s], %[8]s]
			}`, pattern, r, m, from, to, limit, strings.Join(then, ",\n"), delegation))
	}
	return cols, nil
}

// expansion builds the Expansion of sels over ids from rows: per entity id, the values of the
// select columns selectColumns made.
func expansion(ids []string, sels []kg.RelationSelect, rows map[string][]any) *kg.Expansion {
	x := &kg.Expansion{IDs: ids, Relations: make([][][]*kg.Relation, len(sels)), Ends: map[string]*kg.Entity{},
		Then: make([]*kg.Expansion, len(sels))}
	for si, sel := range sels {
		perID := make([][]*kg.Relation, len(ids))
		next := map[string][]any{}
		for i, id := range ids {
			cols := rows[id]
			if si >= len(cols) {
				continue
			}
			items, _ := cols[si].([]any)
			rels := make([]*kg.Relation, 0, len(items))
			for _, item := range items {
				c, _ := item.([]any)
				if len(c) != 7 {
					continue
				}
				typ, _ := c[0].(string)
				from, _ := c[1].(string)
				to, _ := c[2].(string)
				props, _ := c[3].(map[string]any)
				r := relationFromMap(typ, from, to, props)
				rels = append(rels, r)
				other := r.Other(id)
				if x.Ends[other] == nil {
					if m, ok := c[4].(map[string]any); ok {
						x.Ends[other] = entityFromMap(m)
					}
				}
				if _, done := next[other]; !done {
					next[other], _ = c[5].([]any)
				}
				if cs, ok := c[6].([]any); ok && r.Prop(kg.PropDelegation) != "" {
					if x.Delegations == nil {
						x.Delegations = map[string]*kg.Entity{}
					}
					code := r.Prop(kg.PropDelegation)
					x.Delegations[code] = nil
					if len(cs) == 1 {
						if cm, ok := cs[0].(map[string]any); ok {
							x.Delegations[code] = entityFromMap(cm)
						}
					}
				}
			}
			perID[i] = rels
		}
		x.Relations[si] = perID
		if len(sel.Then) > 0 {
			x.Then[si] = expansion(kg.FarEnds(ids, perID), sel.Then, next)
		}
	}
	return x
}
