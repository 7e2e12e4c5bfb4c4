package neo4jstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// What one source says, a page at a time: the nodes or relationships whose citationSources name
// it, in one round trip that also counts them all. Neither is indexed by source: each reads the
// nodes of the kinds asked for (or every relationship of the types asked for).

// CitedEntities returns one page of the entities with a citation from q.Source, as
// kg.Store.CitedEntities says.
func (s *Store) CitedEntities(ctx context.Context, q kg.CitedQuery) (*kg.CitedEntityPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	labels, _ := kindLabels(q.Kinds)
	recs, err := s.read(ctx, `
		CALL () {
			MATCH (n:Entity)
			WHERE $source IN n.citationSources AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
			RETURN count(n) AS total
		}
		CALL () {
			MATCH (n:Entity)
			WHERE $source IN n.citationSources AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
			  AND n.id > $after
			WITH n ORDER BY n.id
			LIMIT $limit
			RETURN collect(n {.*}) AS page
		}
		RETURN total, page`, map[string]any{"source": q.Source, "labels": labels, "after": q.After, "limit": int64(q.Limit + 1)})
	if err != nil {
		return nil, s.mapError(ctx, "cited entities", err)
	}
	var d decoder
	total, page := pageOf(&d, recs)
	out := &kg.CitedEntityPage{Total: total, Entities: []*kg.Entity{}}
	for i, r := range page {
		if i == q.Limit {
			out.More = true
			break
		}
		out.Entities = append(out.Entities, entityOf(r))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "cited entities", d.err)
	}
	return out, nil
}

// CitedRelations returns one page of the relations with a citation from q.Source, as
// kg.Store.CitedRelations says.
func (s *Store) CitedRelations(ctx context.Context, q kg.CitedQuery) (*kg.CitedRelationPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	typ, from, to := "", "", ""
	if q.After != "" {
		var ok bool
		if typ, from, to, ok = kg.ParseRelationKey(q.After); !ok {
			return nil, badInput("the page's start is not a relation key")
		}
	}
	types := q.Types
	if types == nil {
		types = []string{}
	}
	recs, err := s.read(ctx, `
		CALL () {
			MATCH (:Entity)-[r]->(:Entity)
			WHERE $source IN r.citationSources AND (size($types) = 0 OR type(r) IN $types)
			RETURN count(r) AS total
		}
		CALL () {
			MATCH (a:Entity)-[r]->(b:Entity)
			WHERE $source IN r.citationSources AND (size($types) = 0 OR type(r) IN $types)
			  AND (type(r) > $type OR type(r) = $type AND (a.id > $from OR a.id = $from AND b.id > $to))
			WITH type(r) AS type, a.id AS from, b.id AS to, r
			ORDER BY type, from, to
			LIMIT $limit
			RETURN collect({type: type, from: from, to: to, props: r {.*}}) AS page
		}
		RETURN total, page`, map[string]any{"source": q.Source, "types": types, "type": typ, "from": from, "to": to,
		"limit": int64(q.Limit + 1)})
	if err != nil {
		return nil, s.mapError(ctx, "cited relations", err)
	}
	var d decoder
	total, page := pageOf(&d, recs)
	out := &kg.CitedRelationPage{Total: total, Relations: []*kg.Relation{}}
	for i, r := range page {
		if i == q.Limit {
			out.More = true
			break
		}
		out.Relations = append(out.Relations, relationOf(r))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "cited relations", d.err)
	}
	return out, nil
}
