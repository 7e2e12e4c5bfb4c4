package kg

import (
	"fmt"
	"slices"
	"strings"
)

// Outcome is what a write does to one item.
type Outcome int

// Outcomes.
const (
	Unchanged Outcome = iota
	Created
	Updated
)

// Count adds one item with outcome o to st.
func (st *ImportStats) Count(o Outcome) {
	switch o {
	case Created:
		st.Created++
	case Updated:
		st.Updated++
	default:
		st.Unchanged++
	}
}

// ApplyEntity returns what the store should hold after writing w over stored (nil: none), what
// that is, and a summary of the change for the audit trail ("" when unchanged). The result is
// stored itself when unchanged; it shares memory with w and stored otherwise.
func ApplyEntity(stored *Entity, w *EntityWrite) (*Entity, Outcome, string) {
	next := canonicalEntity(w.Entity)
	if stored == nil {
		return next, Created, fmt.Sprintf("created %s %q", next.Kind, clip(next.Name, 80))
	}
	if w.Merge {
		next = MergeEntity(stored, next)
	}
	if EqualEntities(stored, next) {
		return stored, Unchanged, ""
	}
	return next, Updated, DiffEntities(stored, next)
}

// ApplyRelation is ApplyEntity for relations: a relation replaces the stored one's properties and
// citations.
func ApplyRelation(stored, given *Relation) (*Relation, Outcome, string) {
	next := canonicalRelation(given)
	if stored == nil {
		return next, Created, "created " + RelationName(next)
	}
	if EqualRelations(stored, next) {
		return stored, Unchanged, ""
	}
	return next, Updated, RelationName(next) + ": " + DiffRelations(stored, next)
}

// ApplySource is ApplyEntity for sources: a source replaces the stored one's title, publisher,
// publication date and URL (PlanImport has checked that its text is the same).
func ApplySource(stored, given *Source) (*Source, Outcome, string) {
	if stored == nil {
		return given, Created, fmt.Sprintf("created source %q", clip(given.Title, 80))
	}
	if EqualSources(stored, given) {
		return stored, Unchanged, ""
	}
	var d diff
	d.str("title", stored.Title, given.Title)
	d.str("publisher", stored.Publisher, given.Publisher)
	d.str("published", stored.Published, given.Published)
	d.str("url", deref(stored.URL), deref(given.URL))
	d.str("text", stored.Text, given.Text)
	return given, Updated, d.String()
}

// RelationName names a relation in messages and change summaries: "TYPE from -> to".
func RelationName(r *Relation) string { return r.Type + " " + r.From + " -> " + r.To }

// MergeEntity returns stored with what add says merged in: the stored name and id stay, add's
// name (when it is not already a name key of stored) and aliases are added as aliases, add's
// description (when not empty) and properties overwrite, and add's citations not already there are
// appended. Neither argument is changed.
func MergeEntity(stored, add *Entity) *Entity {
	m := *stored
	m.Aliases = slices.Clone(stored.Aliases)
	have := map[string]bool{}
	for _, k := range NameKeys(stored) {
		have[k.Name] = true
	}
	for _, a := range append([]string{add.Name}, add.Aliases...) {
		if f := Fold(a); f != "" && !have[f] {
			have[f] = true
			m.Aliases = append(m.Aliases, a)
		}
	}
	if add.Description != "" {
		m.Description = add.Description
	}
	if len(add.Properties) > 0 {
		m.Properties = make(map[string]any, len(stored.Properties)+len(add.Properties))
		for k, v := range stored.Properties {
			m.Properties[k] = v
		}
		for k, v := range add.Properties {
			m.Properties[k] = v
		}
	}
	m.Citations = slices.Clone(stored.Citations)
	for _, c := range canonicalCitations(add.Citations) {
		if !containsCitation(m.Citations, c) {
			m.Citations = append(m.Citations, c)
		}
	}
	return canonicalEntity(&m)
}

// canonicalEntity returns e in the form stores keep: empty lists and maps nil, properties
// normalized. It returns e itself when e already is.
func canonicalEntity(e *Entity) *Entity {
	cs := canonicalCitations(e.Citations)
	if (e.Aliases != nil && len(e.Aliases) == 0) || (e.Properties != nil && len(e.Properties) == 0) ||
		(e.Citations != nil && len(e.Citations) == 0) || !isNormalized(e.Properties) || !sameSlice(cs, e.Citations) {
		c := *e
		if len(c.Aliases) == 0 {
			c.Aliases = nil
		}
		c.Citations = cs
		c.Properties = NormalizeProps(e.Properties)
		return &c
	}
	return e
}

func canonicalRelation(r *Relation) *Relation {
	cs := canonicalCitations(r.Citations)
	if (r.Properties != nil && len(r.Properties) == 0) || (r.Citations != nil && len(r.Citations) == 0) ||
		!isNormalized(r.Properties) || !sameSlice(cs, r.Citations) {
		c := *r
		c.Citations = cs
		c.Properties = NormalizeProps(r.Properties)
		return &c
	}
	return r
}

// sameSlice reports whether a and b are the same slice (not merely equal).
func sameSlice[T any](a, b []T) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// EqualEntities reports whether a and b hold the same entity: nil and empty lists and maps are
// equal, property values compare by type and value (an int64 14 is not a float64 14.5, and a list
// of strings equals the same []any).
func EqualEntities(a, b *Entity) bool {
	return a.ID == b.ID && a.Kind == b.Kind && a.Name == b.Name && a.Description == b.Description &&
		slices.Equal(a.Aliases, b.Aliases) && EqualProps(a.Properties, b.Properties) &&
		EqualCitations(a.Citations, b.Citations)
}

// EqualRelations reports whether a and b hold the same relation, as EqualEntities does.
func EqualRelations(a, b *Relation) bool {
	return a.Type == b.Type && a.From == b.From && a.To == b.To &&
		EqualProps(a.Properties, b.Properties) && EqualCitations(a.Citations, b.Citations)
}

// EqualSources reports whether a and b hold the same source.
func EqualSources(a, b *Source) bool {
	return a.ID == b.ID && a.Title == b.Title && a.Publisher == b.Publisher && a.Published == b.Published &&
		(a.URL == nil) == (b.URL == nil) && deref(a.URL) == deref(b.URL) && a.Text == b.Text
}

// EqualProps reports whether two property maps hold the same values (see EqualEntities).
func EqualProps(a, b map[string]any) bool {
	if len(a) != len(b) {
		return false
	}
	for k, va := range a {
		vb, ok := b[k]
		if !ok || !equalValues(va, vb) {
			return false
		}
	}
	return true
}

func equalValues(a, b any) bool {
	a, b = NormalizeValue(a), NormalizeValue(b)
	la, aList := asList(a)
	lb, bList := asList(b)
	if aList || bList {
		if !aList || !bList || len(la) != len(lb) {
			return false
		}
		for i := range la {
			if !equalValues(la[i], lb[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func asList(v any) ([]any, bool) {
	switch x := v.(type) {
	case []any:
		return x, true
	case []string:
		out := make([]any, len(x))
		for i := range x {
			out[i] = x[i]
		}
		return out, true
	}
	return nil, false
}

// DiffEntities summarizes how b differs from a: `name: "A" -> "B"; aliases: +"X"; ...`.
func DiffEntities(a, b *Entity) string {
	var d diff
	d.str("name", a.Name, b.Name)
	d.list("aliases", a.Aliases, b.Aliases)
	d.str("description", a.Description, b.Description)
	d.props(a.Properties, b.Properties)
	d.citations(a.Citations, b.Citations)
	return d.String()
}

// DiffRelations summarizes how b differs from a.
func DiffRelations(a, b *Relation) string {
	var d diff
	d.props(a.Properties, b.Properties)
	d.citations(a.Citations, b.Citations)
	return d.String()
}

// diff collects the parts of a change summary.
type diff struct{ parts []string }

func (d *diff) String() string {
	if len(d.parts) == 0 {
		return "no visible change"
	}
	return strings.Join(d.parts, "; ")
}

func (d *diff) str(field, a, b string) {
	switch {
	case a == b:
	case a == "":
		d.parts = append(d.parts, fmt.Sprintf("%s: set to %q", field, clip(b, 60)))
	case b == "":
		d.parts = append(d.parts, fmt.Sprintf("%s: removed (was %q)", field, clip(a, 60)))
	default:
		d.parts = append(d.parts, fmt.Sprintf("%s: %q -> %q", field, clip(a, 60), clip(b, 60)))
	}
}

func (d *diff) list(field string, a, b []string) {
	var ch []string
	for _, x := range b {
		if !slices.Contains(a, x) {
			ch = append(ch, fmt.Sprintf("+%q", clip(x, 60)))
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			ch = append(ch, fmt.Sprintf("-%q", clip(x, 60)))
		}
	}
	if len(ch) > 0 {
		d.parts = append(d.parts, field+": "+strings.Join(ch, " "))
	}
}

func (d *diff) props(a, b map[string]any) {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	ks := make([]string, 0, len(keys))
	for k := range keys {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	for _, k := range ks {
		va, ina := a[k]
		vb, inb := b[k]
		switch {
		case ina && inb && equalValues(va, vb):
		case !ina:
			d.parts = append(d.parts, fmt.Sprintf("properties.%s: set to %s", k, clip(show(vb), 60)))
		case !inb:
			d.parts = append(d.parts, fmt.Sprintf("properties.%s: removed (was %s)", k, clip(show(va), 60)))
		default:
			d.parts = append(d.parts, fmt.Sprintf("properties.%s: %s -> %s", k, clip(show(va), 60), clip(show(vb), 60)))
		}
	}
}

func (d *diff) citations(a, b []Citation) {
	added, removed := 0, 0
	for _, c := range b {
		if !containsCitation(a, c) {
			added++
		}
	}
	for _, c := range a {
		if !containsCitation(b, c) {
			removed++
		}
	}
	if added > 0 || removed > 0 {
		d.parts = append(d.parts, fmt.Sprintf("citations: +%d -%d", added, removed))
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
