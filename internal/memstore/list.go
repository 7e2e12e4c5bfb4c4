package memstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// ctxCheckEvery is how many entities a scan looks at between checks of ctx.
const ctxCheckEvery = 1024

// ListEntities returns one page of copies of the entities of q.Kind that match q.Where, sorted by
// q.Sort then id, with the total count of matches. Sorting follows Cypher's ORDER BY: strings by
// code point, numbers numerically, missing values last ascending and first descending. An
// invalid kind or filter is a CodeBadUserInput error.
func (s *Store) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	if !q.Kind.Valid() {
		return nil, kg.Errorf(kg.CodeBadUserInput, "unknown entity kind %q", q.Kind)
	}
	f, err := compile(q.Where)
	if err != nil {
		return nil, err
	}
	if err := checkSelects(q.Expand); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// Walk the kind in the asked order (cached: no sort per request) and stop once the page is
	// full, unless every match must be counted.
	offset := max(q.Offset, 0)
	var page []*kg.Entity
	total, more := 0, false
	for i, n := range s.ordered(q.Kind, q.Sort) {
		if i%ctxCheckEvery == ctxCheckEvery-1 {
			if err := s.ready(ctx); err != nil {
				return nil, err
			}
		}
		if !matchNode(n, f) {
			continue
		}
		total++
		switch {
		case total <= offset:
		case q.Limit < 0 || len(page) < q.Limit:
			page = append(page, n.entity)
		default:
			more = true
		}
		if more && q.SkipTotal {
			break
		}
	}
	out := &kg.EntityPage{Entities: make([]*kg.Entity, len(page)), Total: total, More: more}
	if q.SkipTotal {
		out.Total = -1
	}
	ids := make([]string, len(page))
	for i, e := range page {
		out.Entities[i] = cloneEntity(e)
		ids[i] = e.ID
	}
	if len(q.Expand) > 0 {
		out.Expansion = s.expand(ids, q.Expand)
	}
	return out, nil
}

// orderKey names a kind and a list sort order.
type orderKey struct {
	kind kg.Kind
	sort string
}

// maxOrders bounds the cache of sort orders: sort fields are the client's choice, and each order
// of a kind holds a pointer per entity of it.
const maxOrders = 32

// ordered returns the nodes of kind sorted by sort, then id: byKind itself when sort is empty,
// else a sorted copy, cached until the next write. The caller holds s.mu (read).
func (s *Store) ordered(kind kg.Kind, sort []kg.SortField) []*node {
	if len(sort) == 0 {
		return s.byKind[kind]
	}
	k := orderKey{kind, fmt.Sprint(sort)}
	s.ordersMu.Lock()
	cached, ok := s.orders[k]
	s.ordersMu.Unlock()
	if ok {
		return cached
	}
	nodes := slices.Clone(s.byKind[kind])
	sortBy(nodes, sort, func(n *node, field string) sortKey { return entitySortKey(n.entity, field) },
		func(n *node) string { return n.entity.ID })
	s.ordersMu.Lock()
	defer s.ordersMu.Unlock()
	if s.orders == nil || len(s.orders) >= maxOrders {
		s.orders = map[orderKey][]*node{}
	}
	s.orders[k] = nodes
	return nodes
}

// clearOrders forgets the cached sort orders; apply calls it under s.mu (write), so no list
// reads while it does.
func (s *Store) clearOrders() {
	s.ordersMu.Lock()
	s.orders = nil
	s.ordersMu.Unlock()
}

// ListSources returns one page of copies of the sources matching q.Where (fields id, title,
// publisher, published, url), sorted by q.Sort then id, with the total count of matches.
func (s *Store) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	f, err := compile(q.Where)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	var matched []*kg.Source
	for _, id := range s.sourceIDs {
		if src := s.sources[id]; matchSource(src, f) {
			matched = append(matched, src)
		}
	}
	sortBy(matched, q.Sort, sourceSortKey, func(src *kg.Source) string { return src.ID })
	page := pageOf(matched, q.Offset, q.Limit)
	out := &kg.SourcePage{Sources: make([]*kg.Source, len(page)), Total: len(matched)}
	for i, src := range page {
		out.Sources[i] = cloneSource(src)
	}
	return out, nil
}

// sortKey is one field value of one item, with its ORDER BY rank computed once and a string
// value kept unboxed, so sorting neither allocates nor switches on types per comparison.
type sortKey struct {
	rank int
	s    string
	v    any
}

func newSortKey(v any, ok bool) sortKey {
	k := sortKey{rank: orderRank(v, ok), v: v}
	if k.rank == rankString {
		k.s = v.(string)
	}
	return k
}

func stringKey(s string, ok bool) sortKey {
	if !ok {
		return sortKey{rank: rankMissing}
	}
	return sortKey{rank: rankString, s: s}
}

func compareKeys(a, b *sortKey) int {
	switch {
	case a.rank != b.rank:
		return cmp.Compare(a.rank, b.rank)
	case a.rank == rankString:
		return strings.Compare(a.s, b.s)
	case a.rank == rankMissing:
		return 0
	}
	return compareOrder(a.v, true, b.v, true)
}

func entitySortKey(e *kg.Entity, field string) sortKey {
	switch field {
	case "id":
		return stringKey(e.ID, true)
	case "name":
		return stringKey(e.Name, true)
	case "description":
		return stringKey(e.Description, e.Description != "")
	}
	return newSortKey(entityField(e, field))
}

func sourceSortKey(src *kg.Source, field string) sortKey {
	switch field {
	case "id":
		return stringKey(src.ID, true)
	case "title":
		return stringKey(src.Title, src.Title != "")
	case "publisher":
		return stringKey(src.Publisher, src.Publisher != "")
	case "published":
		return stringKey(src.Published, src.Published != "")
	}
	return newSortKey(sourceField(src, field))
}

// sortBy sorts xs, which come in id order, by the fields of sort and then by id ascending. It
// reads each field of each item once.
func sortBy[T any](xs []T, sort []kg.SortField, key func(T, string) sortKey, id func(T) string) {
	if len(sort) == 0 {
		return // already in id order
	}
	type row struct {
		x    T
		keys []sortKey
	}
	keys := make([]sortKey, len(xs)*len(sort))
	rows := make([]row, len(xs))
	for i, x := range xs {
		rows[i] = row{x: x, keys: keys[i*len(sort) : (i+1)*len(sort) : (i+1)*len(sort)]}
		for j, sf := range sort {
			rows[i].keys[j] = key(x, sf.Field)
		}
	}
	slices.SortFunc(rows, func(a, b row) int {
		for j, sf := range sort {
			n := compareKeys(&a.keys[j], &b.keys[j])
			if sf.Desc {
				n = -n
			}
			if n != 0 {
				return n
			}
		}
		return strings.Compare(id(a.x), id(b.x))
	})
	for i := range rows {
		xs[i] = rows[i].x
	}
}

// pageOf returns xs[offset:offset+limit], clamped; a negative limit (kg.NoLimit) means no limit.
func pageOf[T any](xs []T, offset, limit int) []T {
	offset = min(max(offset, 0), len(xs))
	xs = xs[offset:]
	if limit >= 0 && limit < len(xs) {
		xs = xs[:limit]
	}
	return xs
}
