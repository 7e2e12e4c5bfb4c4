package graph

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// MaxFirst is the largest page or list size a client may ask for.
const MaxFirst = 100

// limit checks a `first` argument: nil means def, and values outside 0..MaxFirst are refused.
func limit(first *int, def int) (int, error) { return limitArg("first", first, def) }

// limitArg checks the page size argument name (first or last) as limit checks first.
func limitArg(name string, n *int, def int) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < 0 || *n > MaxFirst {
		return 0, badInput("%s must be between 0 and %d, got %d", name, MaxFirst, *n)
	}
	return *n, nil
}

// A cursor names a position in a list (kg.Position): the values of the list's sort fields for
// one item and its id, with the sort fields themselves, so that a cursor of another sort is told
// apart. Clients see it as opaque base64url; inside it is JSON. It never holds an offset, so a
// page after it neither repeats nor skips items when others are added or removed meanwhile.
const cursorVersion = "k1"

type cursorJSON struct {
	V    string   `json:"v"`
	Sort []string `json:"s,omitempty"`
	Keys []any    `json:"k,omitempty"`
	ID   string   `json:"id"`
}

func sortNames(sort []kg.SortField) []string {
	out := make([]string, len(sort))
	for i, f := range sort {
		out[i] = f.Field
		if f.Desc {
			out[i] = "-" + f.Field
		}
	}
	return out
}

// encodeCursor returns the cursor of position p in a list sorted by sort.
func encodeCursor(sort []kg.SortField, p kg.Position) string {
	raw, err := json.Marshal(cursorJSON{V: cursorVersion, Sort: sortNames(sort), Keys: p.Keys, ID: p.ID})
	if err != nil {
		// Sort values are strings, numbers, booleans and lists of them: always JSON.
		panic(fmt.Sprintf("encoding a cursor: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(raw)
}

// decodeCursor reads the cursor arg (after or before) of a list sorted by sort; nil when c is
// nil or empty.
func decodeCursor(arg string, c *string, sort []kg.SortField) (*kg.Position, error) {
	if c == nil || *c == "" {
		return nil, nil
	}
	var cj cursorJSON
	raw, err := base64.RawURLEncoding.DecodeString(*c)
	if err == nil {
		dec := json.NewDecoder(bytes.NewReader(raw))
		dec.UseNumber()
		err = dec.Decode(&cj)
	}
	if err != nil || cj.V != cursorVersion || cj.ID == "" || len(cj.Keys) != len(cj.Sort) {
		return nil, badInput("%s is not a cursor this API issued: %q", arg, *c)
	}
	if !slices.Equal(cj.Sort, sortNames(sort)) {
		return nil, badInput("%s is a cursor of a list sorted by %v, not by %v: page with the sort it came from", arg, cj.Sort, sortNames(sort))
	}
	for i, k := range cj.Keys {
		cj.Keys[i] = kg.NormalizeValue(k) // json.Numbers: int64 when integral, else float64
	}
	return &kg.Position{Keys: cj.Keys, ID: cj.ID}, nil
}

// pageArgs are a connection's paging arguments, checked: Relay's first/after or last/before.
type pageArgs struct {
	n             int
	fromEnd       bool
	after, before *kg.Position
}

// DefaultPage is the page size of a connection given neither first nor last.
const DefaultPage = 20

// readPageArgs checks first, after, last and before for a list sorted by sort.
func readPageArgs(sort []kg.SortField, first *int, after *string, last *int, before *string) (*pageArgs, error) {
	if first != nil && last != nil {
		return nil, badInput("give first or last, not both")
	}
	a := &pageArgs{n: DefaultPage}
	var err error
	switch {
	case last != nil:
		a.fromEnd = true
		a.n, err = limitArg("last", last, DefaultPage)
	default:
		a.n, err = limit(first, DefaultPage)
	}
	if err != nil {
		return nil, err
	}
	if a.after, err = decodeCursor("after", after, sort); err != nil {
		return nil, err
	}
	if a.before, err = decodeCursor("before", before, sort); err != nil {
		return nil, err
	}
	return a, nil
}

// apply sets q's bounds and limit from a. A page of 0 items is asked of the store as Limit 0,
// which still says whether items lie beyond it.
func (a *pageArgs) apply(q *kg.ListQuery) {
	q.After, q.Before, q.FromEnd, q.Limit = a.after, a.before, a.fromEnd, a.n
}

// page is one page of a list field, ready to become a kind's Connection.
type page struct {
	nodes   []model.Entity
	cursors []string
	info    *model.PageInfo
	total   int
}

func pageInfo(hasNext, hasPrev bool, cursors []string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: hasNext, HasPreviousPage: hasPrev}
	if n := len(cursors); n > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[n-1]
	}
	return info
}

// listPage runs a list field: checks paging arguments, compiles where and sort, and asks the store
// for one page.
func (r *Resolver) listPage(ctx context.Context, kind kg.Kind, where map[string]any, sort []map[string]any, first *int, after *string, last *int, before *string) (*page, error) {
	order := compileSort(sort)
	args, err := readPageArgs(order, first, after, last, before)
	if err != nil {
		return nil, err
	}
	f, err := compileWhere(string(kind), where)
	if err != nil {
		return nil, err
	}
	specs, fields, total := connectionLookahead(ctx)
	q := kg.ListQuery{Kind: kind, Where: f, Sort: order, SkipTotal: !total, Expand: loader.Selects(specs),
		Fields: fields}
	args.apply(&q)
	if args.n == 0 {
		q.Expand = nil
	}
	res, err := r.Store.ListEntities(ctx, q)
	if err != nil {
		return nil, err
	}
	batch := loader.NewBatchIn(ctx, r.Store, res.Entities)
	if res.Expansion != nil {
		batch.Prefill(specs, res.Expansion)
	}
	p := &page{nodes: model.WrapAll(batch), total: res.Total}
	for _, e := range res.Entities {
		p.cursors = append(p.cursors, encodeCursor(order, kg.EntityPosition(e, order)))
	}
	p.info = pageInfo(res.More, res.Earlier, p.cursors)
	return p, nil
}

// sourcePage runs the sources list field as listPage runs the entity lists.
func (r *Resolver) sourcePage(ctx context.Context, where map[string]any, sort []map[string]any, first *int, after *string, last *int, before *string) (*model.SourceConnection, error) {
	order := compileSort(sort)
	args, err := readPageArgs(order, first, after, last, before)
	if err != nil {
		return nil, err
	}
	f, err := compileWhere(sourceWhere, where)
	if err != nil {
		return nil, err
	}
	q := kg.ListQuery{Where: f, Sort: order}
	args.apply(&q)
	res, err := r.Store.ListSources(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.SourceConnection{Edges: []*model.SourceEdge{}, TotalCount: res.Total}
	cursors := make([]string, len(res.Sources))
	for i, s := range res.Sources {
		cursors[i] = encodeCursor(order, kg.SourcePosition(s, order))
		conn.Edges = append(conn.Edges, &model.SourceEdge{Cursor: cursors[i], Node: &model.Source{Source: s}})
	}
	conn.PageInfo = pageInfo(res.More, res.Earlier, cursors)
	return conn, nil
}

// connectionLookahead reads the selections of the connection field resolving in ctx: the specs of
// the relation fields its edges' nodes select (with what is read below them), the fields read of
// the nodes (nil: every one), and whether it asks for totalCount, which costs a count of every
// match.
func connectionLookahead(ctx context.Context) (specs []loader.RelSpec, fields []string, total bool) {
	if !graphql.HasOperationContext(ctx) {
		return nil, nil, true
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || fc.Field.Definition == nil {
		return nil, nil, true
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
		return nil, nil, total
	}
	specs, fields = levelOn(oc, nodeSel, nodeType, maxLookahead)
	return specs, fields, total
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
