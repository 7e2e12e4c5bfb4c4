package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Expand answers the whole tree of selects in q in one round trip: one COLLECT subquery per
// select, each ordered and limited per entity on the server as Relations does, with the selects
// of its Then nested inside it for each far end. A far end comes back with every relation that
// reaches it; Go keeps one copy.
func (s *Store) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	params := map[string]any{"ids": distinct(q.IDs)}
	selects, err := selectColumns("n", "", q.Selects, params)
	if err != nil {
		return nil, err
	}
	rows := map[string]row{}
	entities := map[string]*kg.Entity{}
	ids := q.IDs
	var d decoder
	if len(q.IDs) > 0 && (len(q.Selects) > 0 || q.WithEntities) {
		node, match := "null", "MATCH (n:Entity {id: id})"
		if q.WithEntities {
			// Asked for by id (node, entity): a merged id (a :Redirect) stands for its survivor,
			// whose id the expansion carries.
			if node, err = entityProjection("n", q.Fields); err != nil {
				return nil, err
			}
			match = "OPTIONAL MATCH (d:Redirect {id: id}) MATCH (n:Entity {id: coalesce(d.to, id)})"
		}
		recs, err := s.read(ctx, `
			UNWIND $ids AS id
			`+match+`
			RETURN id, n.id AS resolved, `+node+` AS entity, `+selects+` AS selects`, params)
		if err != nil {
			return nil, s.mapError(ctx, "expand", err)
		}
		resolved := map[string]string{}
		for _, rec := range recs {
			r := d.record(rec)
			id, rid := need[string](r, "id"), need[string](r, "resolved")
			resolved[id] = rid
			if q.WithEntities {
				entities[rid] = partialOf(r.sub("entity", true), q.Fields)
			}
			rows[rid] = r.sub("selects", true)
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
	x := expansion(ids, "", q.Selects, rows)
	if d.err != nil {
		return nil, s.mapError(ctx, "expand", d.err)
	}
	if q.WithEntities {
		x.Entities = make([]*kg.Entity, len(ids))
		for i, id := range ids {
			x.Entities[i] = entities[id]
		}
	}
	return x, nil
}

// relationFields returns what sel loads of its relations (kg.RelationSelect.RelationFields and
// the delegation it looks up); nil: everything.
func relationFields(sel kg.RelationSelect) []string {
	if sel.RelationFields == nil {
		return nil
	}
	if sel.Delegations && !slices.Contains(sel.RelationFields, kg.PropDelegation) {
		return append(slices.Clip(sel.RelationFields), kg.PropDelegation)
	}
	return sel.RelationFields
}

// selectKey names the column of the select at path in the tree of selects.
func selectKey(path string) string { return "s" + path }

// selectColumns returns a Cypher map with one COLLECT subquery per select over the entity in
// variable near, keyed by selectKey. Each collects, per relation, {type, from, to, props (the
// relation's properties), far (the far end's), then (the far end's selects, a map as this one),
// delegation (the country its delegation code names, when asked)}. Variables are suffixed with
// the select's path in the tree, since a subquery may not reuse a name its outer scope declares.
func selectColumns(near, path string, sels []kg.RelationSelect, params map[string]any) (string, error) {
	var cols []string
	for i, sel := range sels {
		p := fmt.Sprintf("%s_%d", path, i)
		r, m, from, to := "r"+p, "m"+p, "from"+p, "to"+p
		types, none := relTypes(sel.Types)
		pattern, err := relPattern(near, r, types, sel.Direction, m)
		if err != nil {
			return "", err
		}
		then, err := selectColumns(m, p, sel.Then, params)
		if err != nil {
			return "", err
		}
		far, err := entityProjection(m, sel.Fields)
		if err != nil {
			return "", err
		}
		props, err := relationProjection(r, relationFields(sel))
		if err != nil {
			return "", err
		}
		if none {
			cols = append(cols, selectKey(p)+": []")
			continue
		}
		// The country a delegation code names: the one with the least id, as a list filter by
		// code sorted by id would give.
		delegation := "null"
		if sel.Delegations {
			delegation = fmt.Sprintf(`COLLECT {
					MATCH (c%[1]s:Country {code: %[2]s.delegation})
					WITH c%[1]s ORDER BY c%[1]s.id LIMIT 1
					RETURN %[3]s
				}`, p, r, entityMap("c"+p))
		}
		limit := ""
		if sel.Limit >= 0 {
			limit = "LIMIT $limit" + p
			params["limit"+p] = int64(sel.Limit)
		}
		cols = append(cols, fmt.Sprintf(`%[9]s: COLLECT {
				MATCH %[1]s
				WITH %[2]s, %[3]s, startNode(%[2]s).id AS %[4]s, endNode(%[2]s).id AS %[5]s
				ORDER BY type(%[2]s), %[4]s, %[5]s
				%[6]s
				RETURN {type: type(%[2]s), from: %[4]s, to: %[5]s, props: %[11]s, far: %[10]s,
					then: %[7]s, delegation: %[8]s}
			}`, pattern, r, m, from, to, limit, then, delegation, selectKey(p), far, props))
	}
	return "{" + strings.Join(cols, ",\n") + "}", nil
}

// expansion builds the Expansion of sels (at path in the tree of selects) over ids from rows: per
// entity id, the map of select columns selectColumns made. Errors go to the rows' decoder.
func expansion(ids []string, path string, sels []kg.RelationSelect, rows map[string]row) *kg.Expansion {
	x := &kg.Expansion{IDs: ids, Relations: make([][][]*kg.Relation, len(sels)), Ends: map[string]*kg.Entity{},
		Then: make([]*kg.Expansion, len(sels))}
	for si, sel := range sels {
		p := fmt.Sprintf("%s_%d", path, si)
		perID := make([][]*kg.Relation, len(ids))
		next := map[string]row{}
		for i, id := range ids {
			cols, ok := rows[id]
			if !ok {
				continue // no such entity
			}
			items := cols.rows(selectKey(p))
			rels := make([]*kg.Relation, 0, len(items))
			for _, item := range items {
				r := relationOf(item)
				if fields := relationFields(sel); fields != nil {
					r.Loaded = fields
				}
				rels = append(rels, r)
				other := r.Other(id)
				// A far end two selects reach holds what either loaded (kg.RelationSelect.Fields).
				if have := x.Ends[other]; have == nil {
					x.Ends[other] = partialOf(item.sub("far", true), sel.Fields)
				} else if have.Loaded != nil && !slices.Equal(have.Loaded, loaded(sel.Fields)) {
					x.Ends[other] = have.Widen(partialOf(item.sub("far", true), sel.Fields))
				}
				if _, done := next[other]; !done {
					next[other] = item.sub("then", true)
				}
				if code := r.Prop(kg.PropDelegation); sel.Delegations && code != "" {
					if x.Delegations == nil {
						x.Delegations = map[string]*kg.Entity{}
					}
					x.Delegations[code] = nil
					if cs := item.rows("delegation"); len(cs) == 1 {
						x.Delegations[code] = entityOf(cs[0])
					}
				}
			}
			perID[i] = rels
		}
		x.Relations[si] = perID
		if len(sel.Then) > 0 {
			x.Then[si] = expansion(kg.FarEnds(ids, perID), p, sel.Then, next)
		}
	}
	return x
}
