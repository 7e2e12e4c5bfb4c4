package memstore

import (
	"math"
	"slices"
	"strconv"

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
	// shared holds the relAttrs of the write by their properties' and citations' keys.
	shared map[string]*relAttrs
	key    []byte // the key being built, reused: a look-up that finds it allocates nothing
	akey   []byte // attrs' key, built from the keys properties and citations leave in key
	scalar bool   // properties' last map held scalars only (its key is in key)
	names  []string
}

func newInterner() *interner {
	return &interner{strs: map[string]string{}, props: map[string]map[string]any{}, cites: map[string][]kg.Citation{},
		shared: map[string]*relAttrs{}}
}

// attrs returns what r holds, shared with the relations of the write that hold the same: equal
// properties (of scalars) and citations and no claims give one relAttrs.
func (in *interner) attrs(r *kg.Relation) *relAttrs {
	a := relAttrs{props: in.properties(r.Properties)}
	scalar := in.scalar
	in.akey = append(in.akey[:0], in.key...)
	a.cites = in.citations(r.Citations)
	a.claims = r.Claims
	if a.claims != nil || !scalar {
		return &a
	}
	in.akey = append(in.akey, '|')
	in.akey = append(in.akey, in.key...)
	if c, ok := in.shared[string(in.akey)]; ok {
		return c
	}
	in.shared[string(in.akey)] = &a
	return &a
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
	in.key, in.scalar = in.key[:0], true
	if len(p) == 0 {
		return p
	}
	in.names = in.names[:0]
	for k := range p {
		in.names = append(in.names, k)
	}
	slices.Sort(in.names)
	for _, k := range in.names {
		if !in.addValue(k, p[k]) {
			in.scalar = false
			return p
		}
	}
	if c, ok := in.props[string(in.key)]; ok {
		return c
	}
	in.props[string(in.key)] = p
	return p
}

// addValue adds k and v to the key being built, and reports whether v is a scalar.
func (in *interner) addValue(k string, v any) bool {
	in.addString(k)
	switch x := v.(type) {
	case string:
		in.key = append(in.key, 's')
		in.addString(x)
	case bool:
		in.key = append(in.key, 'b')
		in.key = strconv.AppendBool(in.key, x)
	case int64:
		in.key = append(in.key, 'i')
		in.key = strconv.AppendInt(in.key, x, 10)
	case float64:
		in.key = append(in.key, 'f')
		in.key = strconv.AppendUint(in.key, math.Float64bits(x), 16)
	case nil:
		in.key = append(in.key, 'n')
	default:
		return false
	}
	in.key = append(in.key, ';')
	return true
}

// addString adds s to the key, prefixed by its length, so that no two lists of strings give one key.
func (in *interner) addString(s string) {
	in.key = strconv.AppendInt(in.key, int64(len(s)), 10)
	in.key = append(in.key, ':')
	in.key = append(in.key, s...)
}

// citations returns the list equal to cs that the write has met first, with its strings shared.
func (in *interner) citations(cs []kg.Citation) []kg.Citation {
	in.key = in.key[:0]
	if len(cs) == 0 {
		return cs
	}
	for _, c := range cs {
		in.addString(c.Source)
		in.addString(c.Quote)
		in.addString(string(c.Basis))
		in.addString(c.Note)
		for _, f := range c.Fields {
			in.addString(f)
		}
		in.key = append(in.key, ';')
	}
	if c, ok := in.cites[string(in.key)]; ok {
		return c
	}
	out := slices.Clip(slices.Clone(cs)) // clipped: an append to it never writes into the shared list
	for i := range out {
		c := &out[i]
		c.Source, c.Quote, c.Basis, c.Note = in.str(c.Source), in.str(c.Quote), kg.Basis(in.str(string(c.Basis))), in.str(c.Note)
	}
	in.cites[string(in.key)] = out
	return out
}
