package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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
			  AND n.id > $after AND ($before = '' OR n.id < $before)
			WITH n ORDER BY n.id `+citedOrder(q)+`
			LIMIT $limit
			RETURN collect(`+entityMap("n")+`) AS page
		}
		RETURN total, page,
			$after <> '' AND EXISTS { MATCH (n:Entity)
				WHERE $source IN n.citationSources AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
				  AND n.id <= $after } AS behind,
			$before <> '' AND EXISTS { MATCH (n:Entity)
				WHERE $source IN n.citationSources AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
				  AND n.id >= $before } AS ahead`,
		map[string]any{"source": q.Source, "labels": labels, "after": q.After, "before": q.Before, "limit": int64(q.Limit + 1)})
	if err != nil {
		return nil, s.mapError(ctx, "cited entities", err)
	}
	var d decoder
	c := citedPage(&d, recs, q)
	out := &kg.CitedEntityPage{Total: c.total, Entities: []*kg.Entity{}, Earlier: c.earlier, More: c.more}
	for _, r := range c.page {
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
	btyp, bfrom, bto := "", "", ""
	if q.Before != "" {
		var ok bool
		if btyp, bfrom, bto, ok = kg.ParseRelationKey(q.Before); !ok {
			return nil, badInput("the page's end is not a relation key")
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
			  AND (NOT $bounded OR type(r) < $btype OR type(r) = $btype AND (a.id < $bfrom OR a.id = $bfrom AND b.id < $bto))
			WITH type(r) AS type, a.id AS from, b.id AS to, r
			ORDER BY type `+citedOrder(q)+`, from `+citedOrder(q)+`, to `+citedOrder(q)+`
			LIMIT $limit
			RETURN collect({type: type, from: from, to: to, props: r {.*}}) AS page
		}
		RETURN total, page,
			$type <> '' AND EXISTS { MATCH (a:Entity)-[r]->(b:Entity)
				WHERE $source IN r.citationSources AND (size($types) = 0 OR type(r) IN $types)
				  AND NOT (type(r) > $type OR type(r) = $type AND (a.id > $from OR a.id = $from AND b.id > $to)) } AS behind,
			$bounded AND EXISTS { MATCH (a:Entity)-[r]->(b:Entity)
				WHERE $source IN r.citationSources AND (size($types) = 0 OR type(r) IN $types)
				  AND NOT (type(r) < $btype OR type(r) = $btype AND (a.id < $bfrom OR a.id = $bfrom AND b.id < $bto)) } AS ahead`,
		map[string]any{"source": q.Source, "types": types, "type": typ, "from": from, "to": to,
			"bounded": q.Before != "", "btype": btyp, "bfrom": bfrom, "bto": bto, "limit": int64(q.Limit + 1)})
	if err != nil {
		return nil, s.mapError(ctx, "cited relations", err)
	}
	var d decoder
	c := citedPage(&d, recs, q)
	out := &kg.CitedRelationPage{Total: c.total, Relations: []*kg.Relation{}, Earlier: c.earlier, More: c.more}
	for _, r := range c.page {
		out.Relations = append(out.Relations, relationOf(r))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "cited relations", d.err)
	}
	return out, nil
}

// citedOrder is the order a cited page is read in: backwards for a page taken from the end.
func citedOrder(q kg.CitedQuery) string {
	if q.FromEnd {
		return "DESC"
	}
	return "ASC"
}

// cited is one page of a cited query, in list order.
type cited struct {
	total         int
	page          []row
	earlier, more bool
}

// citedPage reads, with d, the one record of a cited query of q: the total, the page (read in
// citedOrder, one more than asked: that one says more lie on), and whether matches lie behind
// After (behind) and at or past Before (ahead).
func citedPage(d *decoder, recs []*neo4j.Record, q kg.CitedQuery) *cited {
	out := &cited{}
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
		return out
	}
	r := d.record(recs[0])
	out.total, out.page = int(need[int64](r, "total")), r.rows("page")
	behind, ahead := need[bool](r, "behind"), need[bool](r, "ahead")
	further := len(out.page) > q.Limit
	if further {
		out.page = out.page[:q.Limit]
	}
	if q.FromEnd {
		slices.Reverse(out.page)
		out.earlier, out.more = further, ahead
	} else {
		out.earlier, out.more = behind, further
	}
	return out
}
