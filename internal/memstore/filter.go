package memstore

import (
	"cmp"
	"reflect"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// cfilter is a kg.Filter checked and with its values normalized, ready to evaluate many times.
// A nil *cfilter matches everything.
type cfilter struct {
	conds []ccond
	rels  []crel
	and   []*cfilter
	or    []*cfilter
	not   *cfilter
}

type ccond struct {
	field  string
	op     kg.Op
	value  any   // normalized: int64, float64, string, bool, []any
	list   []any // OpIn
	exists bool  // OpExists
}

type crel struct {
	types         []string
	useOut, useIn bool
	quantifier    kg.Quantifier
	where         *cfilter
}

// compile checks f and normalizes its values. Unknown operators, quantifiers and directions, an
// EXISTS without a boolean and an IN without a list are CodeBadUserInput errors.
func compile(f *kg.Filter) (*cfilter, error) {
	if f == nil {
		return nil, nil
	}
	c := &cfilter{}
	for _, k := range f.Conds {
		cc := ccond{field: k.Field, op: k.Op, value: normalizeValue(k.Value)}
		switch k.Op {
		case kg.OpEq, kg.OpContains, kg.OpStartsWith, kg.OpEndsWith, kg.OpLt, kg.OpLte, kg.OpGt, kg.OpGte, kg.OpIncludes:
		case kg.OpIn:
			list, ok := cc.value.([]any)
			if !ok {
				return nil, kg.Errorf(kg.CodeBadUserInput, "%s IN needs a list of values, not %v", k.Field, k.Value)
			}
			cc.list = list
		case kg.OpExists:
			b, ok := cc.value.(bool)
			if !ok {
				return nil, kg.Errorf(kg.CodeBadUserInput, "%s EXISTS needs true or false, not %v", k.Field, k.Value)
			}
			cc.exists = b
		default:
			return nil, kg.Errorf(kg.CodeBadUserInput, "unknown filter operator %q", k.Op)
		}
		c.conds = append(c.conds, cc)
	}
	for _, r := range f.Rels {
		useOut, useIn, err := directions(r.Direction)
		if err != nil {
			return nil, err
		}
		q := r.Quantifier
		switch q {
		case "":
			q = kg.Some
		case kg.Some, kg.None, kg.All:
		default:
			return nil, kg.Errorf(kg.CodeBadUserInput, "unknown quantifier %q (want SOME, NONE or ALL)", r.Quantifier)
		}
		where, err := compile(r.Where)
		if err != nil {
			return nil, err
		}
		c.rels = append(c.rels, crel{types: r.Types, useOut: useOut, useIn: useIn, quantifier: q, where: where})
	}
	var err error
	if c.and, err = compileAll(f.And); err != nil {
		return nil, err
	}
	if c.or, err = compileAll(f.Or); err != nil {
		return nil, err
	}
	if c.not, err = compile(f.Not); err != nil {
		return nil, err
	}
	return c, nil
}

func compileAll(fs []*kg.Filter) ([]*cfilter, error) {
	out := make([]*cfilter, len(fs))
	for i, f := range fs {
		c, err := compile(f)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// normalizeValue brings a filter value to the stored property form, as kg.NormalizeValue does
// for bundles: integers become int64, float32 float64, and any slice a []any of normalized values.
func normalizeValue(v any) any {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x
	case int8, int16, int32, uint8, uint16, uint32:
		return reflect.ValueOf(x).Convert(reflect.TypeFor[int64]()).Interface()
	case float32:
		return float64(x)
	}
	if rv := reflect.ValueOf(v); rv.Kind() == reflect.Slice {
		list := make([]any, rv.Len())
		for i := range list {
			list[i] = normalizeValue(rv.Index(i).Interface())
		}
		return list
	}
	return kg.NormalizeValue(v)
}

// match evaluates f on x, reading fields with field and relation conditions with rel. Every part
// is two-valued: a condition on a missing field or on a value of another type is false, so Not
// over it is true.
func match[T any](f *cfilter, x T, field func(T, string) (any, bool), rel func(T, *crel) bool) bool {
	if f == nil {
		return true
	}
	for i := range f.conds {
		v, ok := field(x, f.conds[i].field)
		if !f.conds[i].holds(v, ok) {
			return false
		}
	}
	for i := range f.rels {
		if !rel(x, &f.rels[i]) {
			return false
		}
	}
	for _, a := range f.and {
		if !match(a, x, field, rel) {
			return false
		}
	}
	if len(f.or) > 0 {
		found := false
		for _, o := range f.or {
			if match(o, x, field, rel) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return f.not == nil || !match(f.not, x, field, rel)
}

// holds reports whether a field with value v (present says whether it exists) satisfies c.
func (c *ccond) holds(v any, present bool) bool {
	if c.op == kg.OpExists {
		return present == c.exists
	}
	if !present {
		return false
	}
	switch c.op {
	case kg.OpEq:
		return equal(v, c.value)
	case kg.OpIn:
		for _, x := range c.list {
			if equal(v, x) {
				return true
			}
		}
		return false
	case kg.OpContains, kg.OpStartsWith, kg.OpEndsWith:
		s, ok1 := v.(string)
		sub, ok2 := c.value.(string)
		if !ok1 || !ok2 {
			return false
		}
		switch c.op {
		case kg.OpContains:
			return strings.Contains(s, sub)
		case kg.OpStartsWith:
			return strings.HasPrefix(s, sub)
		}
		return strings.HasSuffix(s, sub)
	case kg.OpLt, kg.OpLte, kg.OpGt, kg.OpGte:
		n, ok := compareScalars(v, c.value)
		if !ok {
			return false
		}
		switch c.op {
		case kg.OpLt:
			return n < 0
		case kg.OpLte:
			return n <= 0
		case kg.OpGt:
			return n > 0
		}
		return n >= 0
	case kg.OpIncludes:
		switch l := v.(type) {
		case []string:
			for _, x := range l {
				if equal(x, c.value) {
					return true
				}
			}
		case []any:
			for _, x := range l {
				if equal(x, c.value) {
					return true
				}
			}
		}
		return false
	}
	return false
}

// equal is Cypher's = on two non-null values: numbers compare numerically (1 = 1.0), lists element
// by element, and values of different types are never equal.
func equal(a, b any) bool {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return ok && x == y
	case bool:
		y, ok := b.(bool)
		return ok && x == y
	case []string, []any:
		la, lb := listOf(a), listOf(b)
		if la == nil || lb == nil || la.len() != lb.len() {
			return false
		}
		for i := range la.len() {
			if !equal(la.at(i), lb.at(i)) {
				return false
			}
		}
		return true
	}
	n, ok := compareNumbers(a, b)
	return ok && n == 0
}

// compareScalars compares two strings (byte order, which is code point order), two numbers, or
// two booleans (false < true); any other pair is not comparable, as in Cypher where it gives null.
func compareScalars(a, b any) (int, bool) {
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		return strings.Compare(x, y), ok
	case bool:
		y, ok := b.(bool)
		return compareBools(x, y), ok
	}
	return compareNumbers(a, b)
}

func compareBools(x, y bool) int {
	switch {
	case x == y:
		return 0
	case !x:
		return -1
	}
	return 1
}

// compareNumbers compares int64 with int64 exactly and a float64 with either as float64. Both
// the stored and the filter values are normalized, so no other numeric types occur.
func compareNumbers(a, b any) (int, bool) {
	switch x := a.(type) {
	case int64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, y), true
		case float64:
			return cmp.Compare(float64(x), y), true
		}
	case float64:
		switch y := b.(type) {
		case int64:
			return cmp.Compare(x, float64(y)), true
		case float64:
			return cmp.Compare(x, y), true
		}
	}
	return 0, false
}

// list is a read-only view of a []string or []any.
type list interface {
	len() int
	at(i int) any
}

type stringList []string

func (l stringList) len() int     { return len(l) }
func (l stringList) at(i int) any { return l[i] }

type anyList []any

func (l anyList) len() int     { return len(l) }
func (l anyList) at(i int) any { return l[i] }

func listOf(v any) list {
	switch x := v.(type) {
	case []string:
		return stringList(x)
	case []any:
		return anyList(x)
	}
	return nil
}

// Ranks of value types in ORDER BY, as in Cypher: lists < strings < booleans < numbers < null.
const (
	rankList = iota
	rankString
	rankBool
	rankNumber
	rankMissing
)

func orderRank(v any, present bool) int {
	if !present || v == nil {
		return rankMissing
	}
	switch v.(type) {
	case []string, []any:
		return rankList
	case string:
		return rankString
	case bool:
		return rankBool
	case int64, float64:
		return rankNumber
	}
	return rankMissing
}

// compareOrder orders two field values ascending as Cypher's ORDER BY does: by type rank first,
// then by value; missing values come after every value.
func compareOrder(a any, aok bool, b any, bok bool) int {
	ra, rb := orderRank(a, aok), orderRank(b, bok)
	if ra != rb || ra == rankMissing {
		return cmp.Compare(ra, rb)
	}
	if ra == rankList {
		la, lb := listOf(a), listOf(b)
		for i := range min(la.len(), lb.len()) {
			if n := compareOrder(la.at(i), true, lb.at(i), true); n != 0 {
				return n
			}
		}
		return cmp.Compare(la.len(), lb.len())
	}
	n, _ := compareScalars(a, b)
	return n
}

// entityField returns the value of a filter or sort field of e and whether e has it. An empty
// description and an empty alias list count as absent.
func entityField(e *kg.Entity, field string) (any, bool) {
	switch field {
	case "id":
		return e.ID, true
	case "name":
		return e.Name, true
	case "description":
		return e.Description, e.Description != ""
	case "aliases":
		return e.Aliases, len(e.Aliases) > 0
	case kg.FieldCitedBy:
		srcs := make([]string, len(e.Citations))
		for i, c := range e.Citations {
			srcs[i] = c.Source
		}
		return srcs, len(srcs) > 0
	}
	v, ok := e.Properties[field]
	return v, ok && v != nil
}

// sourceField returns the value of a filter or sort field of src: id, title, publisher,
// published or url; empty strings count as absent and every other field is absent.
func sourceField(src *kg.Source, field string) (any, bool) {
	switch field {
	case "id":
		return src.ID, true
	case "title":
		return src.Title, src.Title != ""
	case "publisher":
		return src.Publisher, src.Publisher != ""
	case "published":
		return src.Published, src.Published != ""
	case "url":
		if src.URL != nil {
			return *src.URL, true
		}
	}
	return nil, false
}

// relHolds evaluates a relation condition on n. The caller holds graph.mu.
func (s *graph) relHolds(n *node, rc *crel) bool {
	result := rc.quantifier != kg.Some // no related entity: SOME fails, NONE and ALL hold
	s.eachEdge(n, rc.useOut, rc.useIn, rc.types, func(e link) bool {
		m := s.matchNode(e.other, rc.where)
		switch rc.quantifier {
		case kg.Some:
			if m {
				result = true
				return false
			}
		case kg.None:
			if m {
				result = false
				return false
			}
		case kg.All:
			if !m {
				result = false
				return false
			}
		}
		return true
	})
	return result
}

func nodeField(n *node, field string) (any, bool) { return entityField(n.entity, field) }

// matchNode evaluates f on n's entity. The caller holds graph.mu.
func (s *graph) matchNode(n *node, f *cfilter) bool {
	if f == nil {
		return true // before making the method value: a page without a filter calls this per entity
	}
	return match(f, n, nodeField, s.relHolds)
}

// sourceRel evaluates a relation condition on a source, which has no relations.
func sourceRel(_ *kg.Source, rc *crel) bool { return rc.quantifier != kg.Some }

func matchSource(src *kg.Source, f *cfilter) bool { return match(f, src, sourceField, sourceRel) }
