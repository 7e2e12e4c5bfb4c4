package neo4jstore

import (
	"context"
	"fmt"

	"github.com/diplograph/diplograph/internal/kg"
)

// sourceFields are the fields ListSources filters and sorts on; any other is missing.
var sourceFields = []string{"id", "title", "publisher", "published", "url"}

// ListEntities returns one page of the entities of q.Kind matching q.Where, sorted by q.Sort then
// id, and the number of all matches, in one round trip: the count and the page are two
// subqueries of one query.
func (s *Store) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	if !q.Kind.Valid() {
		return nil, badInput("unknown kind %q", q.Kind)
	}
	c := newCompiler()
	recs, err := s.list(ctx, c, "n:"+q.Kind.Label(), q)
	if err != nil {
		return nil, s.mapError(ctx, "list entities", err)
	}
	page := &kg.EntityPage{Entities: []*kg.Entity{}}
	total, rows := pageOf(recs)
	page.Total = total
	for _, row := range rows {
		m, _ := row.(map[string]any)
		page.Entities = append(page.Entities, entityFromMap(m))
	}
	return page, nil
}

// ListSources returns one page of the sources matching q.Where (fields id, title, publisher,
// published, url; any other field is missing, and sources have no relations), sorted by q.Sort
// then id, with the number of all matches, in one round trip.
func (s *Store) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	c := newCompiler()
	c.fields = sourceFields
	recs, err := s.list(ctx, c, "n:Source", q)
	if err != nil {
		return nil, s.mapError(ctx, "list sources", err)
	}
	page := &kg.SourcePage{Sources: []*kg.Source{}}
	total, rows := pageOf(recs)
	page.Total = total
	for _, row := range rows {
		m, _ := row.(map[string]any)
		page.Sources = append(page.Sources, sourceFromMap(m))
	}
	return page, nil
}

// list runs the count-and-page query of q over the nodes matched by node ("n:Label").
func (s *Store) list(ctx context.Context, c *compiler, node string, q kg.ListQuery) ([]recordValues, error) {
	where, err := c.where("n", q.Where)
	if err != nil {
		return nil, err
	}
	order, err := c.orderBy("n", q.Sort)
	if err != nil {
		return nil, err
	}
	c.params["skip"] = int64(max(q.Offset, 0))
	limit := ""
	if q.Limit > 0 {
		limit = "LIMIT $limit"
		c.params["limit"] = int64(q.Limit)
	}
	cypher := fmt.Sprintf(`
		CALL () {
			MATCH (%[1]s)
			WHERE %[2]s
			RETURN count(n) AS total
		}
		CALL () {
			MATCH (%[1]s)
			WHERE %[2]s
			WITH n
			ORDER BY %[3]s
			SKIP $skip
			%[4]s
			RETURN collect(n {.*}) AS page
		}
		RETURN total, page`, node, where, order, limit)
	recs, err := s.read(ctx, cypher, c.params)
	if err != nil {
		return nil, err
	}
	out := make([]recordValues, len(recs))
	for i, r := range recs {
		out[i] = r.Values
	}
	return out, nil
}

type recordValues = []any

func pageOf(recs []recordValues) (int, []any) {
	if len(recs) == 0 || len(recs[0]) < 2 {
		return 0, nil
	}
	total, _ := recs[0][0].(int64)
	rows, _ := recs[0][1].([]any)
	return int(total), rows
}
