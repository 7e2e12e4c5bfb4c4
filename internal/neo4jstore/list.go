package neo4jstore

import (
	"context"
	"fmt"
	"strings"

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
	cols, err := selectColumns("n", "", q.Expand, c.params)
	if err != nil {
		return nil, err
	}
	row := "n {.*}"
	if len(q.Expand) > 0 {
		row = "[n {.*}, [" + strings.Join(cols, ",\n") + "]]"
	}
	recs, err := s.list(ctx, c, "n:"+q.Kind.Label(), row, q)
	if err != nil {
		return nil, s.mapError(ctx, "list entities", err)
	}
	page := &kg.EntityPage{Entities: []*kg.Entity{}}
	total, rows := pageOf(recs)
	page.Total, page.More, rows = total, more(q, total, rows), trim(q, rows)
	expanded := map[string][]any{}
	var ids []string
	for _, r := range rows {
		m, _ := r.(map[string]any)
		var selects []any
		if len(q.Expand) > 0 {
			pair, _ := r.([]any)
			if len(pair) == 2 {
				m, _ = pair[0].(map[string]any)
				selects, _ = pair[1].([]any)
			}
		}
		e := entityFromMap(m)
		page.Entities = append(page.Entities, e)
		ids = append(ids, e.ID)
		expanded[e.ID] = selects
	}
	if len(q.Expand) > 0 {
		page.Expansion = expansion(ids, q.Expand, expanded)
	}
	return page, nil
}

// more says whether matches follow the page of rows: from the total, or, when the query skipped
// counting, from the one row list fetched beyond the page.
func more(q kg.ListQuery, total int, rows []any) bool {
	if q.SkipTotal {
		return q.Limit >= 0 && len(rows) > q.Limit
	}
	return max(q.Offset, 0)+len(rows) < total
}

// trim drops the row list fetched beyond the page to learn whether more follow.
func trim(q kg.ListQuery, rows []any) []any {
	if q.SkipTotal && q.Limit >= 0 && len(rows) > q.Limit {
		return rows[:q.Limit]
	}
	return rows
}

// ListSources returns one page of the sources matching q.Where (fields id, title, publisher,
// published, url; any other field is missing, and sources have no relations), sorted by q.Sort
// then id, with the number of all matches, in one round trip.
func (s *Store) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	c := newCompiler()
	c.fields = sourceFields
	q.SkipTotal, q.Expand = false, nil
	recs, err := s.list(ctx, c, "n:Source", "n {.*}", q)
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

// list runs the count-and-page query of q over the nodes matched by node ("n:Label"), returning
// row, an expression of n, for each node of the page. Without a count, total is -1 and the page
// holds one row more than q.Limit when more matches follow.
func (s *Store) list(ctx context.Context, c *compiler, node, row string, q kg.ListQuery) ([]recordValues, error) {
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
	if q.Limit >= 0 {
		limit = "LIMIT $limit"
		c.params["limit"] = int64(q.Limit)
		if q.SkipTotal {
			c.params["limit"] = int64(q.Limit) + 1
		}
	}
	count := fmt.Sprintf(`CALL () {
			MATCH (%[1]s)
			WHERE %[2]s
			RETURN count(n) AS total
		}`, node, where)
	if q.SkipTotal {
		count = "WITH -1 AS total"
	}
	cypher := fmt.Sprintf(`
		%[5]s
		CALL () {
			MATCH (%[1]s)
			WHERE %[2]s
			WITH n
			ORDER BY %[3]s
			SKIP $skip
			%[4]s
			RETURN collect(%[6]s) AS page
		}
		RETURN total, page`, node, where, order, limit, count, row)
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
