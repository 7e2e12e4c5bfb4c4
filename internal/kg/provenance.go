package kg

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Basis says how a citation's quote supports the facts it is cited for (docs/provenance.md).
type Basis string

// Bases. A citation without one is STATED; stores keep STATED as "" (Citation.Basis).
const (
	// BasisStated: the quote states the fact.
	BasisStated Basis = "STATED"
	// BasisInferred: the fact follows from the quote, for the reason the citation's Note gives.
	BasisInferred Basis = "INFERRED"
	// BasisCurated: a curator added the fact about the quoted passage (a translation, a known
	// acronym); the Note says what was added.
	BasisCurated Basis = "CURATED"
)

// Bases lists every basis, strongest first: the order in which a value's support ranks
// (StrongerBasis).
var Bases = []Basis{BasisStated, BasisCurated, BasisInferred}

// Valid reports whether b is a basis ("" counts as STATED).
func (b Basis) Valid() bool { return b == "" || slices.Contains(Bases, b) }

// Or returns b, or STATED when b is "".
func (b Basis) Or() Basis {
	if b == "" {
		return BasisStated
	}
	return b
}

// rank orders bases: STATED 0, CURATED 1, INFERRED 2 (an unknown basis after them).
func (b Basis) rank() int {
	if i := slices.Index(Bases, b.Or()); i >= 0 {
		return i
	}
	return len(Bases)
}

// StrongerBasis reports whether a is stronger support than b: a stated fact before a curated one,
// a curated one before an inferred one.
func StrongerBasis(a, b Basis) bool { return a.rank() < b.rank() }

// MaxNoteRunes bounds a citation's note.
const MaxNoteRunes = 1000

// Field names the values of an entity or relation a citation may be cited for (Citation.Fields),
// and that claims attribute (docs/provenance.md):
//
//	name, description          an entity's name and description
//	aliases                    every alias the item gives
//	aliases[<alias>]           one alias, written as the item gives it
//	properties.<key>           one property of an entity or relation
const (
	FieldName        = "name"
	FieldDescription = "description"
	FieldAliases     = "aliases"
	fieldProperties  = "properties."
)

// PropertyField returns the field name of property key: "properties.<key>".
func PropertyField(key string) string { return fieldProperties + key }

// AliasField returns the field name of one alias: "aliases[<alias>]".
func AliasField(alias string) string { return FieldAliases + "[" + alias + "]" }

// PropertyOfField returns the property key field names, and whether it names a property.
func PropertyOfField(field string) (string, bool) {
	k, ok := strings.CutPrefix(field, fieldProperties)
	return k, ok && k != ""
}

// aliasOfField returns the alias field names ("aliases[X]" -> X), and whether it names one alias.
func aliasOfField(field string) (string, bool) {
	rest, ok := strings.CutPrefix(field, FieldAliases+"[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return "", false
	}
	return rest[:len(rest)-1], true
}

// canonicalCitations returns cs in the form stores keep: STATED as "", notes trimmed, fields
// sorted without repeats, no empty lists. It returns cs itself when it already is.
func canonicalCitations(cs []Citation) []Citation {
	if len(cs) == 0 {
		return nil
	}
	canon := func(c Citation) bool {
		return c.Basis != BasisStated && strings.TrimSpace(c.Note) == c.Note &&
			(c.Fields == nil || len(c.Fields) > 0) && slices.IsSorted(c.Fields) && len(slices.Compact(slices.Clone(c.Fields))) == len(c.Fields)
	}
	if !slices.ContainsFunc(cs, func(c Citation) bool { return !canon(c) }) {
		return cs
	}
	out := make([]Citation, len(cs))
	for i, c := range cs {
		out[i] = c.canonical()
	}
	return out
}

// canonical returns c in the form stores keep (canonicalCitations).
func (c Citation) canonical() Citation {
	if c.Basis == BasisStated {
		c.Basis = ""
	}
	c.Note = strings.TrimSpace(c.Note)
	if len(c.Fields) == 0 {
		c.Fields = nil
	} else {
		c.Fields = slices.Compact(slices.Sorted(slices.Values(c.Fields)))
	}
	return c
}

// Equal reports whether c and d are the same citation: source, quote, basis (STATED and ""
// alike), note and fields (in any order).
func (c Citation) Equal(d Citation) bool {
	if c.Source != d.Source || c.Quote != d.Quote || c.Basis.Or() != d.Basis.Or() || c.Note != d.Note {
		return false
	}
	if len(c.Fields) != len(d.Fields) {
		return false
	}
	a, b := c.canonical(), d.canonical()
	return slices.Equal(a.Fields, b.Fields)
}

// EqualCitations reports whether a and b hold the same citations in the same order.
func EqualCitations(a, b []Citation) bool { return slices.EqualFunc(a, b, Citation.Equal) }

// containsCitation reports whether cs holds c.
func containsCitation(cs []Citation, c Citation) bool {
	return slices.ContainsFunc(cs, c.Equal)
}

// itemFields returns the fields of the values an entity gives, for checking citations' Fields.
func entityFields(e *Entity) map[string]bool {
	fs := map[string]bool{FieldName: true}
	if e.Description != "" {
		fs[FieldDescription] = true
	}
	if len(e.Aliases) > 0 {
		fs[FieldAliases] = true
		for _, a := range e.Aliases {
			fs[AliasField(a)] = true
		}
	}
	for k := range e.Properties {
		fs[PropertyField(k)] = true
	}
	return fs
}

// relationFields returns the fields of the values a relation gives.
func relationFields(r *Relation) map[string]bool {
	fs := map[string]bool{}
	for k := range r.Properties {
		fs[PropertyField(k)] = true
	}
	return fs
}

// checkProvenance checks the basis, note and fields of each citation of an item whose values
// have the fields given (entityFields, relationFields).
func (p *problems) checkProvenance(path string, cs []Citation, given map[string]bool) {
	for j, c := range cs {
		cp := fmt.Sprintf("%s.citations[%d]", path, j)
		if !c.Basis.Valid() {
			p.add(cp+".basis", "unknown basis %q (one of %s)", c.Basis, basisList())
		} else if c.Basis.Or() != BasisStated && strings.TrimSpace(c.Note) == "" {
			p.add(cp+".note", "a %s citation needs a note: %s", c.Basis, noteHint(c.Basis))
		}
		if utf8.RuneCountInString(c.Note) > MaxNoteRunes {
			p.add(cp+".note", "the note is longer than %d characters", MaxNoteRunes)
		} else if strings.ContainsAny(c.Note, "\r\n") {
			p.add(cp+".note", "a note is one line")
		}
		for k, f := range c.Fields {
			fp := fmt.Sprintf("%s.fields[%d]", cp, k)
			if strings.ContainsAny(f, "\r\n") {
				p.add(fp, "a field name has no line breaks")
				continue
			}
			if given[f] {
				continue
			}
			switch {
			case f == FieldName || f == FieldDescription || f == FieldAliases:
				p.add(fp, "%q: the item gives no %s", f, f)
			case strings.HasPrefix(f, FieldAliases+"["):
				a, _ := aliasOfField(f)
				p.add(fp, "%q: %q is none of the item's aliases", f, a)
			case strings.HasPrefix(f, fieldProperties):
				k, _ := PropertyOfField(f)
				p.add(fp, "%q: the item gives no property %q", f, k)
			default:
				p.add(fp, "unknown field %q (name, description, aliases, aliases[<alias>] or properties.<key>, of the values the item gives)", f)
			}
		}
	}
}

func basisList() string {
	s := make([]string, len(Bases))
	for i, b := range Bases {
		s[i] = string(b)
	}
	return strings.Join(s, ", ")
}

func noteHint(b Basis) string {
	if b.Or() == BasisCurated {
		return "what the curator added (e.g. \"Spanish name of the agency\")"
	}
	return "why the fact follows from the quote (e.g. \"the year is the release's\")"
}

// checkClaims checks the claims of an item (an entity of kind, or a relation of relType) against
// the values it gives and its citations. Without claims, every value must have a citation that
// supports it (ItemClaims derives its claims from them). With claims (a bundle exported from a
// graph whose sources disagree carries them), every value it gives must be claimed, and every
// claim must be a value the item may hold, from a source it cites, with the basis of one of that
// source's citations.
func (p *problems) checkClaims(path string, kind Kind, relType string, values []fieldValue, cs []Citation, claims []Claim) {
	if len(cs) == 0 {
		return // checkCitations says so
	}
	if claims == nil {
		if unsupported := unsupportedFields(values, cs); len(unsupported) > 0 {
			for _, f := range unsupported {
				p.add(path+".citations", "no citation supports %s: every citation names other fields; cite it, or drop fields from one", f)
			}
		}
		return
	}
	have := map[string]bool{}
	for j, c := range claims {
		cp := fmt.Sprintf("%s.claims[%d]", path, j)
		p.checkClaimValue(cp, kind, relType, c)
		if !c.Basis.Valid() {
			p.add(cp+".basis", "unknown basis %q (one of %s)", c.Basis, basisList())
		} else if !slices.ContainsFunc(cs, func(x Citation) bool { return x.Source == c.Source && x.Basis.Or() == c.Basis.Or() }) {
			p.add(cp+".source", "the item has no %s citation of %q for this claim", c.Basis.Or(), c.Source)
		}
		have[c.Field+"\x00"+valueKey(c.Value)] = true
	}
	for _, v := range values {
		if !have[v.field+"\x00"+valueKey(v.value)] {
			p.add(path+".claims", "no claim gives %s %s: the item's values must be among its claims", v.field, clip(show(v.value), 60))
		}
	}
}

// checkClaimValue checks that claim c names a field an entity of kind (or, for kind "", a
// relation of relType) has, with a value that field may hold.
func (p *problems) checkClaimValue(cp string, kind Kind, relType string, c Claim) {
	if strings.TrimSpace(c.Source) == "" {
		p.add(cp+".source", "a claim names its source")
	}
	if key, ok := PropertyOfField(c.Field); ok {
		var ps []Problem
		if kind != "" {
			ps = ValidateEntityProps(&Entity{Kind: kind, Properties: map[string]any{key: NormalizeValue(c.Value)}})
		} else if relType != "" {
			ps = ValidateRelationProps(&Relation{Type: relType, Properties: map[string]any{key: NormalizeValue(c.Value)}})
		}
		for _, pr := range ps {
			if pr.Path == key || pr.Path == "" {
				p.add(cp+".value", "%s", pr.Message)
			}
		}
		return
	}
	if kind == "" || (c.Field != FieldName && c.Field != FieldAliases && c.Field != FieldDescription) {
		p.add(cp+".field", "unknown field %q (name, aliases, description or properties.<key>)", c.Field)
		return
	}
	s, ok := c.Value.(string)
	limit := MaxNameRunes
	if c.Field == FieldDescription {
		limit = MaxDescriptionRunes
	}
	if !ok || strings.TrimSpace(s) == "" || utf8.RuneCountInString(s) > limit {
		p.add(cp+".value", "a %s is a non-empty string of at most %d characters", c.Field, limit)
	}
}
