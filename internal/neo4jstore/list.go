package neo4jstore

import (
	"context"
	"fmt"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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
	selects, err := selectColumns("n", "", q.Expand, c.params)
	if err != nil {
		return nil, err
	}
	recs, err := s.list(ctx, c, "n:"+q.Kind.Label(), "{entity: n {.*}, selects: "+selects+"}", q)
	if err != nil {
		return nil, s.mapError(ctx, "list entities", err)
	}
	var d decoder
	page := &kg.EntityPage{Entities: []*kg.Entity{}}
	total, rows := pageOf(&d, recs)
	page.Total, page.More, rows = total, more(q, total, rows), trim(q, rows)
	expanded := make(map[string]row, len(rows))
	ids := make([]string, 0, len(rows))
	for _, r := range rows {
		e := entityOf(r.sub("entity", true))
		page.Entities = append(page.Entities, e)
		ids = append(ids, e.ID)
		expanded[e.ID] = r.sub("selects", true)
	}
	if len(q.Expand) > 0 {
		page.Expansion = expansion(ids, "", q.Expand, expanded)
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "list entities", d.err)
	}
	return page, nil
}

// more says whether matches follow the page of rows: from the total, or, when the query skipped
// counting, from the one row list fetched beyond the page.
func more(q kg.ListQuery, total int, rows []row) bool {
	if q.SkipTotal {
		return q.Limit >= 0 && len(rows) > q.Limit
	}
	return max(q.Offset, 0)+len(rows) < total
}

// trim drops the row list fetched beyond the page to learn whether more follow.
func trim(q kg.ListQuery, rows []row) []row {
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
	recs, err := s.list(ctx, c, "n:Source", "{source: n {.*}}", q)
	if err != nil {
		return nil, s.mapError(ctx, "list sources", err)
	}
	var d decoder
	page := &kg.SourcePage{Sources: []*kg.Source{}}
	total, rows := pageOf(&d, recs)
	page.Total = total
	for _, r := range rows {
		page.Sources = append(page.Sources, sourceOf(r.sub("source", true)))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "list sources", d.err)
	}
	return page, nil
}

// list runs the count-and-page query of q over the nodes matched by node ("n:Label"), returning
// the records {total, page}: row, a map expression of n, for each node of the page. Without a count, total is -1 and the page
// holds one row more than q.Limit when more matches follow.
func (s *Store) list(ctx context.Context, c *compiler, node, row string, q kg.ListQuery) ([]*neo4j.Record, error) {
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
	return s.read(ctx, cypher, c.params)
}

// pageOf reads the total and the rows of list's answer.
func pageOf(d *decoder, recs []*neo4j.Record) (int, []row) {
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
		return 0, nil
	}
	r := d.record(recs[0])
	total := need[int64](r, "total")
	return int(total), r.rows("page")
}
