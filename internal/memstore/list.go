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
func (s *graph) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
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
	nodes := s.ordered(q.Kind, q.Sort)
	w, err := window(ctx, nodes, q, func(n *node) bool { return s.matchNode(n, f) },
		func(n *node, p *kg.Position) int {
			return comparePosition(q.Sort, n.entity.ID, p, func(f string) any { return kg.EntitySortValue(n.entity, f) })
		})
	if err != nil {
		return nil, err
	}
	page := make([]*kg.Entity, len(w.page))
	for i, n := range w.page {
		page[i] = n.entity
	}
	total, more := w.total, w.more
	out := &kg.EntityPage{Entities: make([]*kg.Entity, len(page)), Total: total, More: more, Earlier: w.earlier}
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
func (s *graph) ordered(kind kg.Kind, sort []kg.SortField) []*node {
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
func (s *graph) clearOrders() {
	s.ordersMu.Lock()
	s.orders = nil
	s.ordersMu.Unlock()
}

// ListSources returns one page of copies of the sources matching q.Where (fields id, title,
// publisher, published, url), sorted by q.Sort then id, with the total count of matches.
func (s *graph) ListSources(ctx context.Context, q kg.ListQuery) (*kg.SourcePage, error) {
	f, err := compile(q.Where)
	if err != nil {
		return nil, err
	}
	all := make([]*kg.Source, 0, len(s.sourceIDs))
	for _, id := range s.sourceIDs {
		all = append(all, s.sources[id])
	}
	sortBy(all, q.Sort, sourceSortKey, func(src *kg.Source) string { return src.ID })
	q.SkipTotal = false
	w, err := window(ctx, all, q, func(src *kg.Source) bool { return matchSource(src, f) },
		func(src *kg.Source, p *kg.Position) int {
			return comparePosition(q.Sort, src.ID, p, func(f string) any { return kg.SourceSortValue(src, f) })
		})
	if err != nil {
		return nil, err
	}
	out := &kg.SourcePage{Sources: make([]*kg.Source, len(w.page)), Total: w.total, More: w.more, Earlier: w.earlier}
	for i, src := range w.page {
		out.Sources[i] = cloneSource(src)
	}
	return out, nil
}

// listWindow is one page of a sorted list, with what ListQuery's answers report around it.
type listWindow[T any] struct {
	page          []T
	total         int
	more, earlier bool
}

// window takes the page q asks for from xs, which are sorted by q.Sort then id: at tells where x
// lies against a position (<0 before it, 0 on it, >0 after it), match whether x matches q.Where.
// Positions are found by binary search, so a page deep in a long list costs what the first does
// (an Offset still walks the matches it skips). The caller holds graph.mu (read): xs are a copy's.
func window[T any](ctx context.Context, xs []T, q kg.ListQuery, match func(T) bool, at func(T, *kg.Position) int) (*listWindow[T], error) {
	if q.FromEnd && q.Offset > 0 {
		return nil, kg.Errorf(kg.CodeBadUserInput, "a page taken from the end cannot skip an offset")
	}
	lo, hi := 0, len(xs)
	if q.After != nil {
		lo, _ = slices.BinarySearchFunc(xs, q.After, func(x T, p *kg.Position) int {
			if at(x, p) <= 0 {
				return -1
			}
			return 1
		})
	}
	if q.Before != nil {
		hi, _ = slices.BinarySearchFunc(xs, q.Before, func(x T, p *kg.Position) int {
			if at(x, p) < 0 {
				return -1
			}
			return 1
		})
	}
	hi = max(hi, lo)
	scanned := 0
	// matches reports whether x matches, checking ctx every ctxCheckEvery items.
	matches := func(x T) (bool, error) {
		if scanned++; scanned%ctxCheckEvery == 0 {
			if err := ctxError(ctx); err != nil {
				return false, err
			}
		}
		return match(x), nil
	}
	// any reports whether an item of xs[i:j] matches, looking from the end when backwards.
	anyIn := func(i, j int, backwards bool) (bool, error) {
		for k := range j - i {
			idx := i + k
			if backwards {
				idx = j - 1 - k
			}
			if ok, err := matches(xs[idx]); ok || err != nil {
				return ok, err
			}
		}
		return false, nil
	}
	w := &listWindow[T]{total: -1}
	full := func() bool { return q.Limit >= 0 && len(w.page) >= q.Limit } // NoLimit: never full
	var err error
	if !q.FromEnd {
		skip, skipped := max(q.Offset, 0), 0
		i := lo
		for ; i < hi && (skipped < skip || !full()); i++ { // a full page still skips its offset: Limit 0 past the end has nothing more
			ok, err := matches(xs[i])
			if err != nil {
				return nil, err
			}
			switch {
			case !ok:
			case skipped < skip:
				skipped++
			default:
				w.page = append(w.page, xs[i])
			}
		}
		if w.more, err = anyIn(i, hi, false); err != nil {
			return nil, err
		}
		if w.earlier = skipped > 0; !w.earlier {
			if w.earlier, err = anyIn(0, lo, true); err != nil {
				return nil, err
			}
		}
	} else {
		i := hi - 1
		for ; i >= lo && !full(); i-- {
			ok, err := matches(xs[i])
			if err != nil {
				return nil, err
			}
			if ok {
				w.page = append(w.page, xs[i])
			}
		}
		slices.Reverse(w.page)
		if w.earlier, err = anyIn(lo, i+1, true); err != nil {
			return nil, err
		}
		if w.more, err = anyIn(hi, len(xs), false); err != nil {
			return nil, err
		}
	}
	if !q.SkipTotal {
		w.total = 0
		for _, x := range xs {
			ok, err := matches(x)
			if err != nil {
				return nil, err
			}
			if ok {
				w.total++
			}
		}
	}
	return w, nil
}

// comparePosition tells where the item with id and the sort values value(field) lies against p
// in the order of sort then id: <0 before it, 0 on it, >0 after it.
func comparePosition(sort []kg.SortField, id string, p *kg.Position, value func(string) any) int {
	for i, f := range sort {
		var key any
		if i < len(p.Keys) {
			key = p.Keys[i]
		}
		v := value(f.Field)
		n := compareOrder(v, v != nil, key, key != nil)
		if f.Desc {
			n = -n
		}
		if n != 0 {
			return n
		}
	}
	return strings.Compare(id, p.ID)
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
