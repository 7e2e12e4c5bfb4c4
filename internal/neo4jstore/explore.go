package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// The exploration operations of kg.Explorer, each one query. Walks use Neo4j 5's quantified path
// patterns with inline predicates, so the relation types and the avoided entities prune the
// search as it goes instead of filtering its results. Hop bounds cannot be parameters in Cypher:
// they are written into the query text as integers, and only after kg's Validate has checked
// them (1..kg.MaxPathHops, 1..kg.MaxNeighborhoodHops). Everything else is a parameter.
//
// Searches run with the server-side transaction timeout set to the time ctx has left (or the
// store's QueryTimeout, if sooner), so Neo4j itself stops a search that runs out of time; the
// client sees CodeTimeout.

// hopsKey is the Cypher expression of a path's sort key, one entry per hop: the id of the entity
// the hop reaches, then the relation's type, start and end ids. ORDER BY compares lists element
// by element, so ORDER BY length(p), hopsKey is the path order of kg.ComparePaths.
const hopsKey = `[i IN range(0, length(p) - 1) | [
			nodes(p)[i + 1].id,
			type(relationships(p)[i]),
			startNode(relationships(p)[i]).id,
			endNode(relationships(p)[i]).id]]`

// pathColumns returns a path's entities and relations.
var pathColumns = `[n IN nodes(p) | ` + entityMap("n") + `] AS nodes,
		[r IN relationships(p) | {type: type(r), from: startNode(r).id, to: endNode(r).id, props: r {.*}}] AS relations`

// hopPredicate is the inline predicate of one hop of a walk: the relation is of $types (any when
// empty) and the entity reached is not one of $avoid.
const hopPredicate = `($types = [] OR type(r) IN $types) AND NOT x.id IN $avoid`

// ShortestPath returns the first of the shortest paths from q.From to q.To in path order
// (kg.ComparePaths), or nil, in one round trip. It finds every shortest path (ALL SHORTEST) and
// sorts them, so its cost grows with their number.
func (s *Store) ShortestPath(ctx context.Context, q kg.PathQuery) (*kg.Path, error) {
	if err := q.Validate(false); err != nil {
		return nil, err
	}
	params := pathParams(q)
	cypher := fmt.Sprintf(`
		MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
		MATCH p = ALL SHORTEST (a) (()-[r]-(x) WHERE %s){1,%d} (b)
		WITH p, %s AS hops
		ORDER BY hops
		LIMIT 1
		RETURN %s`, hopPredicate, q.MaxHops, hopsKey, pathColumns)
	if q.From == q.To {
		cypher = samePath
	}
	recs, err := s.explore(ctx, "shortest path", cypher, params)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	var d decoder
	p := pathOf(d.record(recs[0]))
	if d.err != nil {
		return nil, s.mapError(ctx, "shortest path", d.err)
	}
	return p, nil
}

// samePath is the query of a path from an entity to itself: the entity alone.
var samePath = `
		MATCH (a:Entity {id: $from})
		RETURN [` + entityMap("a") + `] AS nodes, [] AS relations`

// Paths returns the first q.Limit simple paths from q.From to q.To in path order
// (kg.ComparePaths), in one round trip. It asks for every path of at most q.MaxHops relations as
// SHORTEST q.MaxHops GROUPS (one group per length, so none is left out), which Neo4j finds by
// searching from both ends at once, many times faster than expanding from one end; it keeps
// those that repeat no entity and sorts them. The cost still grows quickly with q.MaxHops on a
// dense graph; the time limit stops it.
func (s *Store) Paths(ctx context.Context, q kg.PathQuery) ([]*kg.Path, error) {
	if err := q.Validate(true); err != nil {
		return nil, err
	}
	params := pathParams(q)
	params["limit"] = int64(q.Limit)
	cypher := fmt.Sprintf(`
		MATCH (a:Entity {id: $from}), (b:Entity {id: $to})
		MATCH p = SHORTEST %[2]d GROUPS (a) (()-[r]-(x) WHERE %[1]s){1,%[2]d} (b)
		WHERE all(i IN range(1, length(p)) WHERE NOT nodes(p)[i] IN nodes(p)[0..i])
		WITH p, %[3]s AS hops
		ORDER BY length(p), hops
		LIMIT $limit
		RETURN %[4]s`, hopPredicate, q.MaxHops, hopsKey, pathColumns)
	if q.From == q.To {
		cypher = samePath
	}
	recs, err := s.explore(ctx, "paths", cypher, params)
	if err != nil {
		return nil, err
	}
	var d decoder
	out := make([]*kg.Path, len(recs))
	for i, rec := range recs {
		out[i] = pathOf(d.record(rec))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "paths", d.err)
	}
	return out, nil
}

func pathParams(q kg.PathQuery) map[string]any {
	return map[string]any{"from": q.From, "to": q.To, "types": stringsOrEmpty(q.Types), "avoid": q.AvoidSet()}
}

// pathOf reads a path from a record {nodes, relations} (pathColumns).
func pathOf(r row) *kg.Path {
	nodes, rels := r.rows("nodes"), r.rows("relations")
	p := &kg.Path{Nodes: make([]*kg.Entity, len(nodes)), Relations: make([]*kg.Relation, len(rels))}
	for i, n := range nodes {
		p.Nodes[i] = entityOf(n)
	}
	for i, rel := range rels {
		p.Relations[i] = relationOf(rel)
	}
	return p
}

// Neighborhood returns the entities within q.Hops of q.ID and the relations between them, as
// kg.NeighborhoodQuery describes, in one round trip. It ranks the entities in reach on what is
// cheap, node by node: one shortest path to each gives its distance, and its degree comes from
// the relationship counts Neo4j keeps per node (read, not walked, unless a kinds filter needs the
// far ends' labels); the id breaks ties. Only the kept entities are then read whole, with the
// relations between them.
func (s *Store) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	labels, _ := kindLabels(q.Kinds)
	types, _ := relTypes(q.Types) // Validate checked them: known types, or none
	params := map[string]any{"id": q.ID, "labels": labels, "limit": int64(q.Limit)}
	// Types come from kg.RelationSpecs (relTypes), so they are written into the patterns, where
	// Neo4j follows only relationships of those types and reads a node's count of them instead of
	// walking them; only a kinds filter needs a predicate, on the labels of the entity reached.
	hop, err := relPattern("", "r", types, kg.Both, "x")
	if err != nil {
		return nil, err
	}
	out, _ := relPattern("n", "r", types, kg.Out, "m")
	degree, _ := relPattern("n", "", types, kg.Both, "")
	degree = "COUNT { " + degree + " }"
	if len(labels) > 0 {
		hop += " WHERE any(l IN labels(x) WHERE l IN $labels)"
		degree = "COUNT { (n)" + strings.TrimPrefix(hop, "()") + " }"
	}
	recs, err := s.explore(ctx, "neighborhood", fmt.Sprintf(`
		MATCH (c:Entity {id: $id})
		CALL (c) {
			RETURN c AS n, 0 AS d
			UNION
			MATCH p = ANY SHORTEST (c) (%[1]s){1,%[3]d} (n)
			WHERE n <> c
			RETURN n, length(p) AS d
		}
		WITH n, d, %[2]s AS degree
		ORDER BY d, degree DESC, n.id
		LIMIT $limit
		WITH collect(n) AS kept
		UNWIND kept AS n
		RETURN %[6]s AS entity, COLLECT {
			MATCH %[4]s
			WHERE m IN kept
			RETURN %[5]s
		} AS relations`, hop, degree, q.Hops, out, relationColumns("r"), entityMap("n")), params)
	if err != nil {
		return nil, err
	}
	var d decoder
	g := &kg.Subgraph{Nodes: make([]*kg.Entity, len(recs)), Relations: []*kg.Relation{}}
	for i, rec := range recs {
		r := d.record(rec)
		g.Nodes[i] = entityOf(r.sub("entity", true))
		for _, rel := range r.rows("relations") {
			g.Relations = append(g.Relations, relationOf(rel))
		}
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "neighborhood", d.err)
	}
	sortRelations(g.Relations)
	return g, nil
}

// CommonConnections returns the entities related to both q.A and q.B, most connected first, in
// one round trip.
func (s *Store) CommonConnections(ctx context.Context, q kg.CommonQuery) ([]*kg.Entity, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	recs, err := s.explore(ctx, "common connections", `
		MATCH (a:Entity {id: $a}), (b:Entity {id: $b})
		MATCH (a)-[ra]-(x:Entity)-[rb]-(b)
		WHERE x <> a AND x <> b
		WITH x, count(DISTINCT ra) + count(DISTINCT rb) AS relations
		ORDER BY relations DESC, x.name, x.id
		LIMIT $limit
		RETURN `+entityMap("x")+` AS entity`, map[string]any{"a": q.A, "b": q.B, "limit": int64(q.Limit)})
	if err != nil {
		return nil, err
	}
	return s.entitiesOf(ctx, "common connections", recs)
}

// Timeline returns the meetings of q in timeline order (kg.CompareTimeline), each with the ways
// the entity took part, as kg.TimelineQuery describes, in one round trip: each way of taking part
// is one branch of a UNION ALL that names the way; the meeting's ways are then collected.
func (s *Store) Timeline(ctx context.Context, q kg.TimelineQuery) ([]*kg.TimelineEntry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	params := map[string]any{"id": nilIfEmpty(q.ID), "from": nilIfEmpty(q.From), "to": nilIfEmpty(q.To),
		"limit": int64(q.Limit), "direct": q.Direct}
	recs, err := s.explore(ctx, "timeline", `
		CALL () {
			MATCH (m:Meeting)
			WHERE $id IS NULL
			RETURN m, null AS via
			UNION ALL
			MATCH (m:Meeting {id: $id})
			RETURN m, {way: 'DIRECT', relation: '', through: ''} AS via
			UNION ALL
			MATCH (:Entity {id: $id})-[r]-(m:Meeting)
			RETURN m, {way: 'DIRECT', relation: type(r), through: ''} AS via
			UNION ALL
			MATCH (:Person {id: $id})-[:HOLDS_POSITION]->(o:Organization)-[:REPRESENTED_AT]->(m:Meeting)
			WHERE NOT $direct
			RETURN m, {way: 'ORGANIZATION', relation: 'REPRESENTED_AT', through: o.id} AS via
			UNION ALL
			MATCH (:Country {id: $id})<-[:BELONGS_TO]-(o:Organization)-[:REPRESENTED_AT]->(m:Meeting)
			WHERE NOT $direct
			RETURN m, {way: 'ORGANIZATION', relation: 'REPRESENTED_AT', through: o.id} AS via
			UNION ALL
			MATCH (c:Country {id: $id})
			WHERE NOT $direct
			MATCH (m:Meeting)<-[r:ATTENDED|REPRESENTED_AT]-(x:Entity)
			WHERE r.delegation = c.code
			RETURN m, {way: 'DELEGATION', relation: type(r), through: x.id} AS via
			UNION ALL
			MATCH (:Dialogue {id: $id})<-[:PART_OF]-+(p:Dialogue)<-[:SESSION_OF]-(m:Meeting)
			WHERE NOT $direct
			RETURN m, {way: 'DIALOGUE', relation: 'SESSION_OF', through: p.id} AS via
		}
		WITH m, collect(DISTINCT via) AS via
		WHERE ($from IS NULL OR left(m.date, size($from)) >= left($from, size(m.date)))
		  AND ($to IS NULL OR left(m.date, size($to)) <= left($to, size(m.date)))
		RETURN `+entityMap("m")+` AS entity, via
		ORDER BY m.date IS NULL, m.date, m.name, m.id
		LIMIT $limit`, params)
	if err != nil {
		return nil, err
	}
	var d decoder
	out := make([]*kg.TimelineEntry, 0, len(recs))
	for _, rec := range recs {
		r := d.record(rec)
		e := &kg.TimelineEntry{Meeting: entityOf(r.sub("entity", true))}
		for _, v := range r.rows("via") {
			e.Via = append(e.Via, kg.Via{Way: kg.Way(need[string](v, "way")), Relation: maybe[string](v, "relation"),
				Through: maybe[string](v, "through")})
		}
		e.Via = kg.SortVias(e.Via)
		out = append(out, e)
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "timeline", d.err)
	}
	return out, nil
}

// entitiesOf reads the column entity of each of recs, for operation op.
func (s *Store) entitiesOf(ctx context.Context, op string, recs []*neo4j.Record) ([]*kg.Entity, error) {
	var d decoder
	out := make([]*kg.Entity, len(recs))
	for i, rec := range recs {
		out[i] = entityOf(d.record(rec).sub("entity", true))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, op, d.err)
	}
	return out, nil
}

// explore runs one read query of an exploration as one round trip (reported to the observer as a
// read), with the server-side transaction timeout set to what is left of ctx's deadline (at most
// the store's QueryTimeout), and maps running out of time to kg.OutOfTime.
func (s *Store) explore(ctx context.Context, op string, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	timeout := s.cfg.QueryTimeout
	if deadline, ok := ctx.Deadline(); ok {
		left := time.Until(deadline)
		if left <= 0 {
			return nil, kg.OutOfTime(context.DeadlineExceeded)
		}
		timeout = min(timeout, left)
	}
	s.roundTrips.Add(1)
	bctx, cancel, limit := s.bounded(ctx, timeout, false)
	defer cancel()
	start := time.Now()
	res, err := neo4j.ExecuteQuery(bctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting(),
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database),
		neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(timeout)))
	s.observe(ctx, opRead, start, err)
	if err != nil {
		err = s.mapError(ctx, op, s.overdue(ctx, bctx, limit, false, err))
		if kg.ErrorCode(err) == kg.CodeTimeout {
			return nil, kg.OutOfTime(err)
		}
		return nil, err
	}
	return res.Records, nil
}

func stringsOrEmpty(ss []string) []string {
	if ss == nil {
		return []string{}
	}
	return ss
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

var _ kg.Explorer = (*Store)(nil)

// sortRelations orders rs by type, From, To, as every store orders relations.
func sortRelations(rs []*kg.Relation) {
	slices.SortFunc(rs, func(a, b *kg.Relation) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})
}
