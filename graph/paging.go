package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// MaxFirst is the largest page or list size a client may ask for.
const MaxFirst = 100

// limit checks a `first` argument: nil means def, and values outside 0..MaxFirst are refused.
func limit(first *int, def int) (int, error) {
	if first == nil {
		return def, nil
	}
	if *first < 0 || *first > MaxFirst {
		return 0, badInput("first must be between 0 and %d, got %d", MaxFirst, *first)
	}
	return *first, nil
}

// Cursors are opaque to clients; inside they are the absolute position of an edge in its list.
const cursorPrefix = "pos:"

func encodeCursor(pos int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(cursorPrefix + strconv.Itoa(pos)))
}

func decodeCursor(after *string) (int, error) {
	if after == nil || *after == "" {
		return 0, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err == nil {
		if s, ok := strings.CutPrefix(string(raw), cursorPrefix); ok {
			if n, err := strconv.Atoi(s); err == nil && n >= 0 {
				return n + 1, nil
			}
		}
	}
	return 0, badInput("after is not a cursor this API issued: %q", *after)
}

// pageArgs checks a connection's paging arguments: the page size (def when first is null, see
// limit) and the offset of the page's first item (after the cursor after).
func pageArgs(first *int, after *string, def int) (n, offset int, err error) {
	if n, err = limit(first, def); err != nil {
		return 0, 0, err
	}
	if offset, err = decodeCursor(after); err != nil {
		return 0, 0, err
	}
	return n, offset, nil
}

// page is one page of a list field, ready to become a kind's Connection.
type page struct {
	nodes   []model.Entity
	cursors []string
	info    *model.PageInfo
	total   int
}

// pageCursors returns the cursors of a page of n items starting at offset, and its PageInfo;
// more says whether items follow the page.
func pageCursors(offset, n int, more bool) ([]string, *model.PageInfo) {
	cursors := make([]string, n)
	for i := range cursors {
		cursors[i] = encodeCursor(offset + i)
	}
	info := &model.PageInfo{HasNextPage: more, HasPreviousPage: offset > 0}
	if n > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[n-1]
	}
	return cursors, info
}

// listPage runs a list field: checks paging arguments, compiles where and sort, and asks the store
// for one page.
func (r *Resolver) listPage(ctx context.Context, kind kg.Kind, where map[string]any, sort []map[string]any, first *int, after *string) (*page, error) {
	n, offset, err := pageArgs(first, after, 20)
	if err != nil {
		return nil, err
	}
	f, err := compileWhere(string(kind), where)
	if err != nil {
		return nil, err
	}
	specs, total := connectionLookahead(ctx)
	q := kg.ListQuery{Kind: kind, Where: f, Sort: compileSort(sort), Offset: offset, Limit: n, SkipTotal: !total,
		Expand: loader.Selects(specs)}
	res, err := r.Store.ListEntities(ctx, q)
	if err != nil {
		return nil, err
	}
	batch := loader.NewBatch(r.Store, res.Entities)
	if res.Expansion != nil {
		batch.Prefill(specs, res.Expansion)
	}
	p := &page{nodes: model.WrapAll(batch), total: res.Total}
	p.cursors, p.info = pageCursors(offset, len(p.nodes), res.More)
	return p, nil
}

// connectionLookahead reads the selections of the connection field resolving in ctx: the specs of
// the relation fields its edges' nodes select (with what is read below them), and whether it asks
// for totalCount, which costs a count of every match.
func connectionLookahead(ctx context.Context) (specs []loader.RelSpec, total bool) {
	if !graphql.HasOperationContext(ctx) {
		return nil, true
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return nil, true
	}
	oc := graphql.GetOperationContext(ctx)
	var nodeSel ast.SelectionSet
	nodeType := ""
	for _, f := range graphql.CollectFields(oc, fc.Field.Selections, []string{fc.Field.Definition.Type.Name()}) {
		switch f.Name {
		case "totalCount":
			total = true
		case "edges":
			for _, e := range graphql.CollectFields(oc, f.Selections, []string{f.Definition.Type.Name()}) {
				if e.Name == "node" {
					nodeSel = append(nodeSel, e.Selections...)
					nodeType = e.Definition.Type.Name()
				}
			}
		}
	}
	if nodeType == "" {
		return nil, total
	}
	return specsOn(oc, nodeSel, nodeType, maxLookahead), total
}

// edges builds a kind's edges from p with newEdge.
func edges[N model.Entity, E any](p *page, newEdge func(cursor string, node N) E) []E {
	out := make([]E, 0, len(p.nodes))
	for i, e := range p.nodes {
		if n, ok := e.(N); ok {
			out = append(out, newEdge(p.cursors[i], n))
		}
	}
	return out
}

func asPosition(r model.Relation) *model.Position     { return &model.Position{Relation: r} }
func asAttendance(r model.Relation) *model.Attendance { return &model.Attendance{Relation: r} }
func asRepresentation(r model.Relation) *model.Representation {
	return &model.Representation{Relation: r}
}
func asOutcome(r model.Relation) *model.Outcome { return &model.Outcome{Relation: r} }
