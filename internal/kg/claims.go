package kg

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Claim is one value one source gives for one field of an entity or relation: the statement of
// OpenSanctions' model, Wikidata's referenced claim. An entity or relation is the sum of its claims;
// the values it shows are chosen from them by one rule (RankValues). docs/provenance.md.
type Claim struct {
	// Field is FieldName, FieldAliases, FieldDescription or PropertyField(key).
	Field string `json:"field"`
	// Value is a string for a name, alias or description, a property value otherwise.
	Value  any    `json:"value"`
	Source string `json:"source"`
	// Basis is the strongest basis of the source's citations that support the value ("" STATED).
	Basis Basis `json:"basis,omitempty"`
}

// SourceDates returns the publication date of a source ("" when unknown): what ranks the values of
// one field that sources disagree on.
type SourceDates func(id string) string

// Value is one value of one field with everything that supports it, as the API serves it: the
// shown value of a field or an alternative to it.
type Value struct {
	Field string
	Value any
	// Basis is the strongest basis the value has.
	Basis Basis
	// Sources give the value, the strongest support first (RankValues' order).
	Sources []string
	// Shown: the entity or relation shows this value (every alias is shown).
	Shown bool
}

// Disagreement is a field that sources give different values for: every value with its support,
// the shown one first.
type Disagreement struct {
	// Entity is the entity's id, or the relation's From.
	Entity string
	// Relation names a relation (RelationName), "" for an entity.
	Relation string
	Field    string
	Values   []Value
}

// String describes d for change summaries and the command line.
func (d Disagreement) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: ", d.Field)
	for i, v := range d.Values {
		if i > 0 {
			b.WriteString(" vs ")
		}
		fmt.Fprintf(&b, "%s (%s", clip(show(v.Value), 60), strings.Join(v.Sources, ", "))
		if v.Basis.Or() != BasisStated {
			fmt.Fprintf(&b, ", %s", v.Basis)
		}
		b.WriteString(")")
	}
	b.WriteString("; shown first: ")
	b.WriteString(clip(show(d.Values[0].Value), 60))
	return b.String()
}

// fieldValue is one value an item gives and the citation fields that name it.
type fieldValue struct {
	field string
	value any
	names []string // the Citation.Fields entries that select it
}

// entityValues returns the values e gives, name first, then aliases, description and properties by
// key.
func entityValues(e *Entity) []fieldValue {
	out := []fieldValue{{FieldName, e.Name, []string{FieldName}}}
	for _, a := range e.Aliases {
		out = append(out, fieldValue{FieldAliases, a, []string{FieldAliases, AliasField(a)}})
	}
	if e.Description != "" {
		out = append(out, fieldValue{FieldDescription, e.Description, []string{FieldDescription}})
	}
	return append(out, propertyValues(e.Properties)...)
}

func propertyValues(props map[string]any) []fieldValue {
	var out []fieldValue
	for _, k := range sortedKeys(props) {
		f := PropertyField(k)
		out = append(out, fieldValue{f, props[k], []string{f}})
	}
	return out
}

// support returns the citations of cs that support a value named by names: those whose Fields name
// it, or, when none does, those without Fields.
func support(cs []Citation, names []string) []Citation {
	var named, general []Citation
	for _, c := range cs {
		switch {
		case len(c.Fields) == 0:
			general = append(general, c)
		case slices.ContainsFunc(c.Fields, func(f string) bool { return slices.Contains(names, f) }):
			named = append(named, c)
		}
	}
	if len(named) > 0 {
		return named
	}
	return general
}

// Supporting returns the citations of cs that support the value of field (an alias when field is
// FieldAliases): those whose Fields name it, or, when none does, those without Fields.
func Supporting(cs []Citation, field string, value any) []Citation {
	names := []string{field}
	if a, ok := value.(string); ok && field == FieldAliases {
		names = append(names, AliasField(a))
	}
	return support(cs, names)
}

// unsupportedFields returns the fields of values that no citation of cs supports: deriveClaims's
// second result without making the claims (an import checks every item it plans this way).
func unsupportedFields(values []fieldValue, cs []Citation) []string {
	var out []string
	for _, v := range values {
		if !supported(cs, v.names) {
			out = append(out, v.names[len(v.names)-1])
		}
	}
	return out
}

// supported reports whether support(cs, names) has a citation, without collecting them.
func supported(cs []Citation, names []string) bool {
	for _, c := range cs {
		if len(c.Fields) == 0 || slices.ContainsFunc(c.Fields, func(f string) bool { return slices.Contains(names, f) }) {
			return true
		}
	}
	return false
}

// deriveClaims attributes each of values to the sources of the citations that support it, with
// the strongest basis each source's citations give it. It also returns the fields of the values
// no citation supports.
func deriveClaims(values []fieldValue, cs []Citation) ([]Claim, []string) {
	var out []Claim
	var unsupported []string
	for _, v := range values {
		sup := support(cs, v.names)
		if len(sup) == 0 {
			unsupported = append(unsupported, v.names[len(v.names)-1])
			continue
		}
		best := map[string]Basis{}
		var order []string
		for _, c := range sup {
			b, seen := best[c.Source]
			if !seen {
				order = append(order, c.Source)
				best[c.Source] = c.Basis
			} else if StrongerBasis(c.Basis, b) {
				best[c.Source] = c.Basis
			}
		}
		for _, src := range order {
			out = append(out, Claim{Field: v.field, Value: v.value, Source: src, Basis: canonicalBasis(best[src])})
		}
	}
	return canonicalClaims(out), unsupported
}

func canonicalBasis(b Basis) Basis {
	if b == BasisStated {
		return ""
	}
	return b
}

// ItemClaims returns the claims of e: the ones it carries, or, when it carries none, the ones its
// values and citations give (docs/provenance.md: each value is attributed to the sources of the
// citations that support it).
func (e *Entity) ItemClaims() []Claim {
	if e.Claims != nil {
		return e.Claims
	}
	cs, _ := deriveClaims(entityValues(e), e.Citations)
	return cs
}

// ItemClaims returns the claims of r, as Entity.ItemClaims does.
func (r *Relation) ItemClaims() []Claim {
	if r.Claims != nil {
		return r.Claims
	}
	cs, _ := deriveClaims(propertyValues(r.Properties), r.Citations)
	return cs
}

// ItemBasis returns how the citations of an item support the item itself (that the entity exists,
// that the relation holds): the strongest basis of its citations without Fields, or of all of them
// when every one names fields.
func ItemBasis(cs []Citation) Basis {
	general := slices.DeleteFunc(slices.Clone(cs), func(c Citation) bool { return len(c.Fields) > 0 })
	if len(general) == 0 {
		general = cs
	}
	best := Basis("")
	for i, c := range general {
		if i == 0 || StrongerBasis(c.Basis, best) {
			best = c.Basis
		}
	}
	return best.Or()
}

// valueKey is a value's identity among the values of a field: its JSON form, property values
// normalized.
func valueKey(v any) string {
	if s, ok := v.(string); ok && isPlainString(s) {
		return `"` + s + `"` // as json.Marshal writes it, without its cost
	}
	b, err := json.Marshal(NormalizeValue(v))
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// compareClaims orders claims by field, value and source: the canonical order of a Claims list.
func compareClaims(a, b Claim) int {
	return cmp.Or(strings.Compare(a.Field, b.Field), strings.Compare(valueKey(a.Value), valueKey(b.Value)),
		strings.Compare(a.Source, b.Source))
}

// canonicalClaims returns cs sorted, values normalized, STATED as "", and one claim per field,
// value and source (the one with the strongest basis). nil for none.
func canonicalClaims(cs []Claim) []Claim {
	if len(cs) == 0 {
		return nil
	}
	// Each value's key is computed once, not once per comparison.
	type keyed struct {
		c   Claim
		key string
	}
	ks := make([]keyed, len(cs))
	for i, c := range cs {
		c.Value = NormalizeValue(c.Value)
		c.Basis = canonicalBasis(c.Basis)
		ks[i] = keyed{c, valueKey(c.Value)}
	}
	same := func(a, b keyed) int {
		return cmp.Or(strings.Compare(a.c.Field, b.c.Field), strings.Compare(a.key, b.key), strings.Compare(a.c.Source, b.c.Source))
	}
	slices.SortStableFunc(ks, func(a, b keyed) int { return cmp.Or(same(a, b), a.c.Basis.rank()-b.c.Basis.rank()) })
	ks = slices.CompactFunc(ks, func(a, b keyed) bool { return same(a, b) == 0 })
	out := make([]Claim, len(ks))
	for i, k := range ks {
		out[i] = k.c
	}
	return out
}

// EqualClaims reports whether a and b hold the same claims, in the same order.
func EqualClaims(a, b []Claim) bool {
	return slices.EqualFunc(a, b, func(x, y Claim) bool {
		return compareClaims(x, y) == 0 && x.Basis.Or() == y.Basis.Or()
	})
}

// RankValues groups claims by field and value and ranks the values of each field, the one shown
// first. The rule (docs/provenance.md):
//
//  1. the stronger basis first: a value some source states before one only curated, curated
//     before inferred;
//  2. then the value whose source (among those giving it with that basis) was published last:
//     ISO dates compare as strings, a source without a date as the oldest;
//  3. then the value whose source id (among those) sorts first;
//  4. then by the value itself (its JSON form).
//
// Fields come in the order name, aliases, description, then properties by key. Within a value,
// Sources are ranked the same way. Never import order: the same claims always rank the same.
func RankValues(claims []Claim, dates SourceDates) []Value {
	type group struct {
		v      Value
		key    string
		claims []Claim
	}
	var groups []*group
	byKey := map[string]*group{}
	for _, c := range claims {
		k := c.Field + "\x00" + valueKey(c.Value)
		g := byKey[k]
		if g == nil {
			g = &group{v: Value{Field: c.Field, Value: c.Value, Basis: c.Basis}, key: valueKey(c.Value)}
			byKey[k] = g
			groups = append(groups, g)
		}
		g.claims = append(g.claims, c)
	}
	date := func(src string) string {
		if dates == nil {
			return ""
		}
		return dates(src)
	}
	compareSupport := func(a, b Claim) int {
		return cmp.Or(a.Basis.rank()-b.Basis.rank(), -strings.Compare(date(a.Source), date(b.Source)), strings.Compare(a.Source, b.Source))
	}
	for _, g := range groups {
		slices.SortFunc(g.claims, compareSupport)
		g.v.Basis = g.claims[0].Basis.Or()
		for _, c := range g.claims {
			if !slices.Contains(g.v.Sources, c.Source) {
				g.v.Sources = append(g.v.Sources, c.Source)
			}
		}
	}
	slices.SortStableFunc(groups, func(a, b *group) int {
		return cmp.Or(fieldRank(a.v.Field)-fieldRank(b.v.Field), strings.Compare(a.v.Field, b.v.Field),
			compareSupport(a.claims[0], b.claims[0]), strings.Compare(a.key, b.key))
	})
	out := make([]Value, len(groups))
	for i, g := range groups {
		g.v.Shown = g.v.Field == FieldAliases || i == 0 || groups[i-1].v.Field != g.v.Field
		out[i] = g.v
	}
	return out
}

// fieldRank orders fields: name, aliases, description, then properties.
func fieldRank(f string) int {
	switch f {
	case FieldName:
		return 0
	case FieldAliases:
		return 1
	case FieldDescription:
		return 2
	}
	return 3
}

// Values returns what e's claims say, field by field, the shown value of each field first
// (RankValues).
func (e *Entity) Values(dates SourceDates) []Value { return RankValues(e.ItemClaims(), dates) }

// Values returns what r's claims say, as Entity.Values does.
func (r *Relation) Values(dates SourceDates) []Value { return RankValues(r.ItemClaims(), dates) }

// Disagreements returns the fields of values (RankValues' output) that have more than one value,
// aliases aside (an entity has as many as its sources give).
func Disagreements(values []Value) map[string][]Value {
	out := map[string][]Value{}
	for i := 0; i < len(values); {
		j := i + 1
		for j < len(values) && values[j].Field == values[i].Field {
			j++
		}
		if j-i > 1 && values[i].Field != FieldAliases {
			out[values[i].Field] = values[i:j]
		}
		i = j
	}
	return out
}

// Redated returns the ids of the stored sources whose publication date the plan changes. Since
// dates rank the values sources disagree on, the items whose claims cite them may show another
// value afterwards: a store re-ranks those the plan does not write itself (RerankEntity).
func (p *Plan) Redated() []string {
	var out []string
	for _, s := range p.Sources {
		if old := p.StoredSources[s.ID]; old != nil && old.Published != s.Published {
			out = append(out, s.ID)
		}
	}
	return out
}

// ClaimsCite reports whether any of claims is from one of sources.
func ClaimsCite(claims []Claim, sources []string) bool {
	return slices.ContainsFunc(claims, func(c Claim) bool { return slices.Contains(sources, c.Source) })
}

// RerankEntity returns stored with its values chosen again from its claims with opts.Dates, and
// what that did (Unchanged when the same values stay shown).
func RerankEntity(stored *Entity, opts ApplyOptions) (*Entity, Applied) {
	if stored.Claims == nil {
		return stored, Applied{Outcome: Unchanged}
	}
	next := resolveEntity(stored, stored.Claims, stored.Aliases, opts.Dates)
	if EqualEntities(stored, next) {
		return stored, Applied{Outcome: Unchanged}
	}
	return next, Applied{Outcome: Updated, Summary: "re-ranked after a source's date changed: " + DiffEntities(stored, next)}
}

// RerankRelation is RerankEntity for relations.
func RerankRelation(stored *Relation, opts ApplyOptions) (*Relation, Applied) {
	if stored.Claims == nil {
		return stored, Applied{Outcome: Unchanged}
	}
	next := resolveRelation(stored, stored.Claims, opts.Dates)
	if EqualRelations(stored, next) {
		return stored, Applied{Outcome: Unchanged}
	}
	return next, Applied{Outcome: Updated, Summary: RelationName(next) + ": re-ranked after a source's date changed: " + DiffRelations(stored, next)}
}

// isPlainString reports whether json.Marshal writes s as it is between quotes: printable ASCII
// without quote, backslash or the HTML characters it escapes.
func isPlainString(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			return false
		}
	}
	return true
}
