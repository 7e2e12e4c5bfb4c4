package neo4jstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// sourceFields are the fields ListSources filters and sorts on; any other is missing.
var sourceFields = []string{"id", "title", "publisher", "published", "url"}

// ListEntities returns one page of the entities of q.Kind matching q.Where, sorted by q.Sort then
// id, and the number of all matches, in one round trip: the count, the page and what lies around
// it are subqueries of one query.
func (s *Store) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	if !q.Kind.Valid() {
		return nil, badInput("unknown kind %q", q.Kind)
	}
	c := newCompiler()
	selects, err := selectColumns("n", "", q.Expand, c.params)
	if err != nil {
		return nil, err
	}
	// The sort fields are loaded too: a cursor is made of their values.
	fields := q.Fields
	if fields != nil {
		fields = slices.Clone(fields)
		for _, f := range q.Sort {
			fields = append(fields, f.Field)
		}
	}
	entity, err := entityProjection("n", fields)
	if err != nil {
		return nil, err
	}
	var d decoder
	res, err := s.list(ctx, &d, c, "n:"+q.Kind.Label(), "{entity: "+entity+", selects: "+selects+"}", q)
	if err != nil {
		return nil, s.mapError(ctx, "list entities", err)
	}
	page := &kg.EntityPage{Entities: []*kg.Entity{}, Total: res.total, More: res.more, Earlier: res.earlier}
	expanded := make(map[string]row, len(res.rows))
	ids := make([]string, 0, len(res.rows))
	for _, r := range res.rows {
		e := partialOf(r.sub("entity", true), fields)
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

// ListSources returns one page of the sources matching q.Where (fields id, title, publisher,
// published, url; any other field is missing, and sources have no relations), sorted by q.Sort
// then id, with the number of all matches, in one round trip.
func (s *Store) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	c := newCompiler()
	c.fields = sourceFields
	q.SkipTotal, q.Expand = false, nil
	var d decoder
	res, err := s.list(ctx, &d, c, "n:Source", "{source: n {.*}}", q)
	if err != nil {
		return nil, s.mapError(ctx, "list sources", err)
	}
	page := &kg.SourcePage{Sources: []*kg.Source{}, Total: res.total, More: res.more, Earlier: res.earlier}
	for _, r := range res.rows {
		page.Sources = append(page.Sources, sourceOf(r.sub("source", true)))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "list sources", d.err)
	}
	return page, nil
}

// listed is the answer of a list query: the page's rows in list order and what lies around them
// (see kg.EntityPage).
type listed struct {
	rows          []row
	total         int
	more, earlier bool
}

// list runs the page query of q over the nodes matched by node ("n:Label"), returning row, a map
// expression of n, for each node of the page, read with d (whose error the caller checks). The page is read with one row beyond q.Limit, in
// reverse order when q.FromEnd, so that the row beyond tells whether matches lie further on; an
// existential subquery looks past the page's other end. Without a count, total is -1.
func (s *Store) list(ctx context.Context, d *decoder, c *compiler, node, row string, q kg.ListQuery) (*listed, error) {
	if q.FromEnd && q.Offset > 0 {
		return nil, badInput("a page taken from the end cannot skip an offset")
	}
	where, err := c.where("n", q.Where)
	if err != nil {
		return nil, err
	}
	order, err := c.order("n", q.Sort, q.FromEnd)
	if err != nil {
		return nil, err
	}
	bounds := []string{where}
	var after, before string // nodes after q.After; nodes before q.Before
	if q.After != nil {
		if after, err = c.keyset("n", q.Sort, q.After, false); err != nil {
			return nil, err
		}
		bounds = append(bounds, after)
	}
	if q.Before != nil {
		if before, err = c.keyset("n", q.Sort, q.Before, true); err != nil {
			return nil, err
		}
		bounds = append(bounds, before)
	}
	c.params["skip"] = int64(max(q.Offset, 0))
	limit := ""
	if q.Limit >= 0 {
		limit = "LIMIT $limit"
		c.params["limit"] = int64(q.Limit) + 1
	}
	count := fmt.Sprintf(`CALL () {
			MATCH (%[1]s)
			WHERE %[2]s
			RETURN count(n) AS total
		}`, node, where)
	if q.SkipTotal {
		count = "WITH -1 AS total"
	}
	// Past the page's far end (its first row when read forwards, its last when backwards) lies a
	// match when one lies on the other side of the bound, or, forwards, when an offset skipped one.
	beyond := "false"
	exists := func(cond string) string {
		return fmt.Sprintf("EXISTS { MATCH (%s) WHERE %s AND %s }", node, where, cond)
	}
	switch {
	case q.FromEnd && q.Before != nil:
		beyond = exists("NOT " + before)
	case !q.FromEnd && q.After != nil:
		beyond = exists("NOT " + after)
	}
	if !q.FromEnd && q.Offset > 0 {
		within := "true"
		if q.After != nil {
			within = after
		}
		beyond = "(" + beyond + " OR " + exists(within) + ")"
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
		RETURN total, page, %[7]s AS beyond`, node, strings.Join(bounds, " AND "), order, limit, count, row, beyond)
	recs, err := s.read(ctx, cypher, c.params)
	if err != nil {
		return nil, err
	}
	out := &listed{}
	var past bool
	out.total, out.rows, past = pageBeyond(d, recs)
	further := q.Limit >= 0 && len(out.rows) > q.Limit
	if further {
		out.rows = out.rows[:q.Limit]
	}
	if q.FromEnd {
		slices.Reverse(out.rows)
		out.earlier, out.more = further, past
	} else {
		out.more, out.earlier = further, past
	}
	return out, nil
}

// pageOf reads the one record {total, page} of a page query: the total and the rows of the page.
func pageOf(d *decoder, recs []*neo4j.Record) (int, []row) {
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
		return 0, nil
	}
	r := d.record(recs[0])
	return int(need[int64](r, "total")), r.rows("page")
}

// pageBeyond reads the one record {total, page, beyond} of a page query that also says whether
// matches lie past the page's far end.
func pageBeyond(d *decoder, recs []*neo4j.Record) (int, []row, bool) {
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
		return 0, nil, false
	}
	r := d.record(recs[0])
	return int(need[int64](r, "total")), r.rows("page"), need[bool](r, "beyond")
}
