package neo4jstore

import (
	"context"
	"fmt"

	"github.com/diplograph/diplograph/internal/kg"
)

// Entities returns the entities with the given ids, index for index (nil for an unknown id), in
// one round trip through the :Entity(id) uniqueness index.
func (s *Store) Entities(ctx context.Context, ids []string) ([]*kg.Entity, error) {
	out := make([]*kg.Entity, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// A merged id (a :Redirect) reads as its survivor.
	recs, err := s.read(ctx, `
		UNWIND $ids AS id
		OPTIONAL MATCH (d:Redirect {id: id})
		MATCH (n:Entity {id: coalesce(d.to, id)})
		RETURN id, `+entityMap("n")+` AS entity`, map[string]any{"ids": distinct(ids)})
	if err != nil {
		return nil, s.mapError(ctx, "entities", err)
	}
	byID := make(map[string]*kg.Entity, len(recs))
	var d decoder
	for _, rec := range recs {
		r := d.record(rec)
		byID[need[string](r, "id")] = entityOf(r.sub("entity", true))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "entities", d.err)
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// Sources returns the sources with the given ids, index for index (nil for an unknown id), in one
// round trip.
func (s *Store) Sources(ctx context.Context, ids []string) ([]*kg.Source, error) {
	out := make([]*kg.Source, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	recs, err := s.read(ctx, `
		UNWIND $ids AS id
		MATCH (n:Source {id: id})
		RETURN n {.*} AS source`, map[string]any{"ids": distinct(ids)})
	if err != nil {
		return nil, s.mapError(ctx, "sources", err)
	}
	byID := make(map[string]*kg.Source, len(recs))
	var d decoder
	for _, rec := range recs {
		src := sourceOf(d.record(rec).sub("source", true))
		byID[src.ID] = src
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "sources", d.err)
	}
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

// Relations returns, for each of q.IDs, the relations touching it that match q, ordered by type,
// From, To, at most q.Limit per id, in one round trip: a COLLECT subquery per id does the per-id
// ordering and limit on the server.
func (s *Store) Relations(ctx context.Context, q kg.RelationQuery) ([][]*kg.Relation, error) {
	out := make([][]*kg.Relation, len(q.IDs))
	if len(q.IDs) == 0 {
		return out, nil
	}
	types, none := relTypes(q.Types)
	if none {
		return out, nil
	}
	pattern, err := relPattern("n", "r", types, q.Direction, "")
	if err != nil {
		return nil, err
	}
	params := map[string]any{"ids": distinct(q.IDs)}
	limit := ""
	if q.Limit >= 0 {
		limit = "LIMIT $limit"
		params["limit"] = int64(q.Limit)
	}
	recs, err := s.read(ctx, fmt.Sprintf(`
		UNWIND $ids AS id
		RETURN id, COLLECT {
			MATCH (n:Entity {id: id})
			MATCH %s
			WITH r, startNode(r).id AS from, endNode(r).id AS to
			ORDER BY type(r), from, to
			%s
			RETURN {type: type(r), from: from, to: to, props: r {.*}}
		} AS relations`, pattern, limit), params)
	if err != nil {
		return nil, s.mapError(ctx, "relations", err)
	}
	byID := make(map[string][]*kg.Relation, len(recs))
	var d decoder
	for _, rec := range recs {
		r := d.record(rec)
		rows := r.rows("relations")
		rels := make([]*kg.Relation, len(rows))
		for i, row := range rows {
			rels[i] = relationOf(row)
		}
		byID[need[string](r, "id")] = rels
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "relations", d.err)
	}
	for i, id := range q.IDs {
		out[i] = byID[id]
	}
	return out, nil
}

// distinct returns ids without repeats, in first-seen order.
func distinct(ids []string) []string {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
