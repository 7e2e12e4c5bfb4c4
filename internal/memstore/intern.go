package memstore

import (
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// interner makes the items one write stores share what they hold alike: a relation's ends are
// its nodes' id strings, and equal property maps, citation lists and citation strings (sources,
// quotes, bases, notes) are one value. A graph of a million entities repeats these millions of
// times (every ATTENDED relation of a delegation has the same role and delegation, every fact of
// a release cites its one source, often with one quote), so sharing them is most of what a
// relation costs. It is safe because the store never changes what an item holds in place (kg
// builds new maps and lists for a changed item; reads hand out deep copies). One interner serves
// one write (both copies of the graph apply it with the same one, so they share too) and is then
// dropped: nothing outlives the items that use it.
type interner struct {
	strs  map[string]string
	props map[string]map[string]any
	cites map[string][]kg.Citation
	key   strings.Builder
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, props: map[string]map[string]any{}, cites: map[string][]kg.Citation{}}
}

// relation makes r, the graph's own copy, share its ends' ids and what it holds.
func (in *interner) relation(r *kg.Relation, from, to *node) {
	if from != nil {
		r.From = from.entity.ID
	}
	if to != nil {
		r.To = to.entity.ID
	}
	r.Type = in.str(r.Type)
	r.Properties = in.properties(r.Properties)
	r.Citations = in.citations(r.Citations)
}

// entity makes e, the graph's own copy, share what it holds.
func (in *interner) entity(e *kg.Entity) {
	e.Properties = in.properties(e.Properties)
	e.Citations = in.citations(e.Citations)
}

func (in *interner) str(s string) string {
	if c, ok := in.strs[s]; ok {
		return c
	}
	in.strs[s] = s
	return s
}

// properties returns the map equal to p that the write has met first. Maps holding lists or maps
// are kept as they are: rare, and costly to compare.
func (in *interner) properties(p map[string]any) map[string]any {
	if len(p) == 0 {
		return p
	}
	in.key.Reset()
	for _, k := range slices.Sorted(maps.Keys(p)) {
		if !in.writeValue(k, p[k]) {
			return p
		}
	}
	if c, ok := in.props[in.key.String()]; ok {
		return c
	}
	in.props[in.key.String()] = p
	return p
}

// writeValue adds k and v to the key being built, and reports whether v is a scalar.
func (in *interner) writeValue(k string, v any) bool {
	b := &in.key
	b.WriteString(strconv.Itoa(len(k)))
	b.WriteByte(':')
	b.WriteString(k)
	switch x := v.(type) {
	case string:
		b.WriteByte('s')
		b.WriteString(strconv.Itoa(len(x)))
		b.WriteByte(':')
		b.WriteString(x)
	case bool:
		b.WriteString(strconv.FormatBool(x))
	case int64:
		b.WriteByte('i')
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteByte('f')
		b.WriteString(strconv.FormatUint(math.Float64bits(x), 16))
	case nil:
		b.WriteByte('n')
	default:
		return false
	}
	b.WriteByte(';')
	return true
}

// citations returns the list equal to cs that the write has met first, with its strings shared.
func (in *interner) citations(cs []kg.Citation) []kg.Citation {
	if len(cs) == 0 {
		return cs
	}
	in.key.Reset()
	for _, c := range cs {
		for _, s := range append([]string{c.Source, c.Quote, string(c.Basis), c.Note}, c.Fields...) {
			in.key.WriteString(strconv.Itoa(len(s)))
			in.key.WriteByte(':')
			in.key.WriteString(s)
		}
		in.key.WriteByte(';')
	}
	if c, ok := in.cites[in.key.String()]; ok {
		return c
	}
	out := slices.Clip(slices.Clone(cs)) // clipped: an append to it never writes into the shared list
	for i := range out {
		c := &out[i]
		c.Source, c.Quote, c.Basis, c.Note = in.str(c.Source), in.str(c.Quote), kg.Basis(in.str(string(c.Basis))), in.str(c.Note)
	}
	in.cites[in.key.String()] = out
	return out
}
