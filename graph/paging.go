package graph

import (
	"context"
	"encoding/base64"
	"strconv"
	"strings"

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

// page is one page of a list field, ready to become a kind's Connection.
type page struct {
	nodes   []model.Entity
	cursors []string
	info    *model.PageInfo
	total   int
}

func pageInfo(offset, n, total int, cursors []string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: offset+n < total, HasPreviousPage: offset > 0}
	if n > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[n-1]
	}
	return info
}

// listPage runs a list field: checks paging arguments, compiles where and sort, and asks the store
// for one page.
func (r *Resolver) listPage(ctx context.Context, kind kg.Kind, where map[string]any, sort []map[string]any, first *int, after *string) (*page, error) {
	n, err := limit(first, 20)
	if err != nil {
		return nil, err
	}
	offset, err := decodeCursor(after)
	if err != nil {
		return nil, err
	}
	f, err := compileWhere(string(kind), where)
	if err != nil {
		return nil, err
	}
	res, err := r.Store.ListEntities(ctx, kg.ListQuery{Kind: kind, Where: f, Sort: compileSort(sort), Offset: offset, Limit: n})
	if err != nil {
		return nil, err
	}
	if n == 0 {
		res.Entities = nil
	}
	p := &page{nodes: model.NewBatch(r.Store, res.Entities).Entities(), total: res.Total}
	for i := range p.nodes {
		p.cursors = append(p.cursors, encodeCursor(offset+i))
	}
	p.info = pageInfo(offset, len(p.nodes), res.Total, p.cursors)
	return p, nil
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
