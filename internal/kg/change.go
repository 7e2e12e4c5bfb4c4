package kg

import (
	"fmt"
	"maps"
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

// ApplyOptions is what applying a plan's items needs beyond the items (Plan.ApplyOptions).
type ApplyOptions struct {
	// Dates gives the publication dates that rank the values sources disagree on.
	Dates SourceDates
	// Replace holds the sources whose claims and citations on each item written are replaced by
	// what the write says (ImportOptions.Replace); none: what the write says is added.
	Replace map[string]bool
	// NoCreatedSummary: the caller records no change of its own for a created item (an import,
	// whose one change stands for what it creates), so ApplyRelation makes no summary for one.
	NoCreatedSummary bool
}

// Applied is what writing one item did: its outcome, the summary the audit trail records ("" when
// unchanged), and the disagreements the write created (a field that now has a value more than it
// had, from different sources, or from the same one).
type Applied struct {
	Outcome       Outcome
	Summary       string
	Disagreements []Disagreement
}

// Add counts a into r: its outcome, and the disagreements it created.
func (r *ImportReport) Add(a Applied) {
	r.Count(a.Outcome)
	r.Disagreements = append(r.Disagreements, a.Disagreements...)
}

// ApplyEntity returns what the store should hold after writing w over stored (nil: none) and what
// that did. A new entity is the item as given (its values chosen from its claims when it carries
// claims). A stored one is the sum of what it held and what w says (MergeEntity): nothing another
// source said is lost. The result is stored itself when unchanged; it shares memory with w and
// stored otherwise.
func ApplyEntity(stored *Entity, w *EntityWrite, opts ApplyOptions) (*Entity, Applied) {
	next := canonicalEntity(w.Entity)
	if stored == nil {
		a := Applied{Outcome: Created, Summary: fmt.Sprintf("created %s %q", next.Kind, clip(next.Name, 80))}
		// Only an item that carries claims can have two values for a field.
		if next.Claims != nil {
			next = resolveEntity(next, next.Claims, next.Aliases, opts.Dates)
			a.Disagreements = entityDisagreements(nil, next, opts.Dates)
		}
		return next, a
	}
	if EqualEntities(stored, next) {
		// What is stored already: merging, or replacing its sources' say with it, gives it back.
		return stored, Applied{Outcome: Unchanged}
	}
	next = MergeEntity(stored, next, MergeOptions{ByName: w.Merge, Replace: opts.Replace, Dates: opts.Dates})
	if EqualEntities(stored, next) {
		return stored, Applied{Outcome: Unchanged}
	}
	ds := entityDisagreements(stored, next, opts.Dates)
	return next, Applied{Outcome: Updated, Summary: DiffEntities(stored, next) + disagreementSummary(ds) +
		opts.replacedSummary(stored.Citations, stored.Claims), Disagreements: ds}
}

// ApplyRelation is ApplyEntity for relations: a stored relation is the sum of what it held and what
// given says (MergeRelation).
func ApplyRelation(stored, given *Relation, opts ApplyOptions) (*Relation, Applied) {
	next := canonicalRelation(given)
	if stored == nil {
		a := Applied{Outcome: Created}
		if !opts.NoCreatedSummary {
			a.Summary = "created " + RelationName(next)
		}
		if next.Claims != nil {
			next = resolveRelation(next, next.Claims, opts.Dates)
			a.Disagreements = relationDisagreements(nil, next, opts.Dates)
		}
		return next, a
	}
	if EqualRelations(stored, next) {
		return stored, Applied{Outcome: Unchanged}
	}
	next = MergeRelation(stored, next, MergeOptions{Replace: opts.Replace, Dates: opts.Dates})
	if EqualRelations(stored, next) {
		return stored, Applied{Outcome: Unchanged}
	}
	ds := relationDisagreements(stored, next, opts.Dates)
	return next, Applied{Outcome: Updated, Summary: RelationName(next) + ": " + DiffRelations(stored, next) + disagreementSummary(ds) +
		opts.replacedSummary(stored.Citations, stored.Claims), Disagreements: ds}
}

// ReplaceSummary is what the change of a whole write with opts adds to its summary: the sources
// whose say it replaces (ImportOptions.Replace), so that the audit trail shows a replace for what
// it is; "" for a write that adds.
func (opts ApplyOptions) ReplaceSummary() string {
	if len(opts.Replace) == 0 {
		return ""
	}
	return "; replacing what " + strings.Join(slices.Sorted(maps.Keys(opts.Replace)), ", ") + " said"
}

// replacedSummary is ReplaceSummary for one stored item that cites (cs) or claims the values of
// some of the sources replaced: those only; "" when it held nothing of theirs.
func (opts ApplyOptions) replacedSummary(cs []Citation, claims []Claim) string {
	var ids []string
	for _, c := range cs {
		if opts.Replace[c.Source] {
			ids = append(ids, c.Source)
		}
	}
	for _, c := range claims {
		if opts.Replace[c.Source] {
			ids = append(ids, c.Source)
		}
	}
	if len(ids) == 0 {
		return ""
	}
	slices.Sort(ids)
	return "; replacing what " + strings.Join(slices.Compact(ids), ", ") + " said"
}

func disagreementSummary(ds []Disagreement) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString("; disagreement on ")
		b.WriteString(d.String())
	}
	return b.String()
}

// entityDisagreements returns the disagreements next has that stored (nil: none) did not: fields
// with more than one value, whose values stored did not already have.
func entityDisagreements(stored, next *Entity, dates SourceDates) []Disagreement {
	var before []Value
	if stored != nil {
		before = stored.Values(dates)
	}
	return newDisagreements(before, next.Values(dates), next.ID, "")
}

func relationDisagreements(stored, next *Relation, dates SourceDates) []Disagreement {
	var before []Value
	if stored != nil {
		before = stored.Values(dates)
	}
	return newDisagreements(before, next.Values(dates), next.From, RelationName(next))
}

func newDisagreements(before, after []Value, entity, relation string) []Disagreement {
	was := Disagreements(before)
	var out []Disagreement
	now := Disagreements(after)
	for _, f := range sortedFields(now) {
		vs := now[f]
		old := map[string]bool{}
		for _, v := range was[f] {
			old[valueKey(v.Value)] = true
		}
		// A field that had one value (or none) counts that value as known too.
		for _, v := range before {
			if v.Field == f {
				old[valueKey(v.Value)] = true
			}
		}
		grew := len(was[f]) == 0
		for _, v := range vs {
			if !old[valueKey(v.Value)] {
				grew = true
			}
		}
		if grew {
			out = append(out, Disagreement{Entity: entity, Relation: relation, Field: f, Values: vs})
		}
	}
	return out
}

func sortedFields(m map[string][]Value) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b string) int {
		if d := fieldRank(a) - fieldRank(b); d != 0 {
			return d
		}
		return strings.Compare(a, b)
	})
	return ks
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

// MergeOptions says how MergeEntity and MergeRelation merge.
type MergeOptions struct {
	// ByName: the entity added found the stored one by its name (it had no id). Its name is then a
	// claim on the stored name, alias or acronym it folds to, or a new alias: a name found by
	// folding never replaces the shown name.
	ByName bool
	// Replace holds sources whose claims and citations on the stored item are dropped before
	// merging.
	Replace map[string]bool
	// Dates ranks the values of a field that sources disagree on.
	Dates SourceDates
}

// MergeEntity returns the sum of stored and add (docs/provenance.md): the stored id and kind; the
// claims and citations of both (without those of opts.Replace's sources on stored); and the values
// those claims rank first. A name or alias of add that folds (Fold) to a name, alias or acronym
// stored under the same field is a claim on the stored spelling. Neither argument is changed.
func MergeEntity(stored, add *Entity, opts MergeOptions) *Entity {
	claims := dropSources(stored.ItemClaims(), opts.Replace)
	cits := dropCitations(stored.Citations, opts.Replace)
	// The stored spellings of names, aliases and the acronym, by field; claims are sorted, so a
	// folded value that several spellings share goes to the first.
	spellings := map[string][]string{}
	acronym := PropertyField(PropAcronym)
	for _, c := range claims {
		if s, ok := c.Value.(string); ok && (c.Field == FieldName || c.Field == FieldAliases || c.Field == acronym) {
			spellings[c.Field] = appendNew(spellings[c.Field], s)
		}
	}
	lookup := func(field, v string) (string, bool) {
		if slices.Contains(spellings[field], v) {
			return v, true
		}
		f := Fold(v)
		for _, s := range spellings[field] {
			if Fold(s) == f {
				return s, true
			}
		}
		return "", false
	}
	aliasOrder := slices.Clone(stored.Aliases)
	for _, c := range add.ItemClaims() {
		v, isString := c.Value.(string)
		switch {
		case !isString || (c.Field != FieldName && c.Field != FieldAliases):
		case c.Field == FieldName && opts.ByName:
			if s, ok := lookup(FieldName, v); ok {
				c.Value = s
			} else if s, ok := lookup(FieldAliases, v); ok {
				c.Field, c.Value = FieldAliases, s
			} else if s, ok := lookup(acronym, v); ok {
				c.Field, c.Value = acronym, s
			} else {
				c.Field = FieldAliases
				aliasOrder = append(aliasOrder, v)
			}
		default:
			if s, ok := lookup(c.Field, v); ok {
				c.Value = s
			} else if c.Field == FieldAliases {
				aliasOrder = append(aliasOrder, v)
			}
		}
		claims = append(claims, c)
	}
	for _, c := range canonicalCitations(add.Citations) {
		if !containsCitation(cits, c) {
			cits = append(cits, c)
		}
	}
	base := *stored
	base.Citations = cits
	return resolveEntity(&base, claims, aliasOrder, opts.Dates)
}

// MergeRelation returns the sum of stored and add, as MergeEntity does for entities.
func MergeRelation(stored, add *Relation, opts MergeOptions) *Relation {
	claims := append(dropSources(stored.ItemClaims(), opts.Replace), add.ItemClaims()...)
	cits := dropCitations(stored.Citations, opts.Replace)
	for _, c := range canonicalCitations(add.Citations) {
		if !containsCitation(cits, c) {
			cits = append(cits, c)
		}
	}
	base := *stored
	base.Citations = cits
	return resolveRelation(&base, claims, opts.Dates)
}

func dropSources(cs []Claim, drop map[string]bool) []Claim {
	if len(drop) == 0 {
		return slices.Clone(cs)
	}
	return slices.DeleteFunc(slices.Clone(cs), func(c Claim) bool { return drop[c.Source] })
}

func dropCitations(cs []Citation, drop map[string]bool) []Citation {
	if len(drop) == 0 {
		return slices.Clone(cs)
	}
	return slices.DeleteFunc(slices.Clone(cs), func(c Citation) bool { return drop[c.Source] })
}

// resolveEntity returns base (its id, kind and citations) with the values claims rank first
// (RankValues): the name (or, with no name claim left, the first alias), every alias (those of
// aliasOrder first, in that order, then the others as ranked), the description and each property.
// It keeps claims only when its values and citations do not give the same ones (ItemClaims), so an
// entity one item wrote carries none.
func resolveEntity(base *Entity, claims []Claim, aliasOrder []string, dates SourceDates) *Entity {
	claims = canonicalClaims(claims)
	e := *base
	e.Name, e.Aliases, e.Description, e.Properties = "", nil, "", nil
	var aliases []string
	for _, v := range RankValues(claims, dates) {
		if !v.Shown {
			continue
		}
		switch v.Field {
		case FieldName:
			e.Name, _ = v.Value.(string)
		case FieldAliases:
			if a, ok := v.Value.(string); ok {
				aliases = append(aliases, a)
			}
		case FieldDescription:
			e.Description, _ = v.Value.(string)
		default:
			if k, ok := PropertyOfField(v.Field); ok {
				if e.Properties == nil {
					e.Properties = map[string]any{}
				}
				e.Properties[k] = v.Value
			}
		}
	}
	if e.Name == "" && len(aliases) > 0 {
		e.Name = aliases[0]
	}
	for _, a := range append(slices.Clone(aliasOrder), aliases...) {
		if a != e.Name && slices.Contains(aliases, a) && !slices.Contains(e.Aliases, a) {
			e.Aliases = append(e.Aliases, a)
		}
	}
	e.Claims = nil
	if derived, unsupported := deriveClaims(entityValues(&e), e.Citations); len(unsupported) > 0 || !EqualClaims(derived, claims) {
		e.Claims = claims
	}
	return canonicalEntity(&e)
}

// resolveRelation is resolveEntity for relations: each property is the value its claims rank
// first.
func resolveRelation(base *Relation, claims []Claim, dates SourceDates) *Relation {
	claims = canonicalClaims(claims)
	r := *base
	r.Properties = nil
	for _, v := range RankValues(claims, dates) {
		if k, ok := PropertyOfField(v.Field); ok && v.Shown {
			if r.Properties == nil {
				r.Properties = map[string]any{}
			}
			r.Properties[k] = v.Value
		}
	}
	r.Claims = nil
	if derived, unsupported := deriveClaims(propertyValues(r.Properties), r.Citations); len(unsupported) > 0 || !EqualClaims(derived, claims) {
		r.Claims = claims
	}
	return canonicalRelation(&r)
}

// canonicalEntity returns e in the form stores keep: empty lists and maps nil, properties
// normalized. It returns e itself when e already is.
func canonicalEntity(e *Entity) *Entity {
	cs := canonicalCitations(e.Citations)
	claims := e.Claims
	if claims != nil {
		claims = canonicalClaims(claims)
	}
	if (e.Aliases != nil && len(e.Aliases) == 0) || (e.Properties != nil && len(e.Properties) == 0) ||
		(e.Citations != nil && len(e.Citations) == 0) || !isNormalized(e.Properties) || !sameSlice(cs, e.Citations) ||
		!sameSlice(claims, e.Claims) {
		c := *e
		if len(c.Aliases) == 0 {
			c.Aliases = nil
		}
		c.Citations = cs
		c.Claims = claims
		c.Properties = NormalizeProps(e.Properties)
		return &c
	}
	return e
}

func canonicalRelation(r *Relation) *Relation {
	cs := canonicalCitations(r.Citations)
	claims := r.Claims
	if claims != nil {
		claims = canonicalClaims(claims)
	}
	if (r.Properties != nil && len(r.Properties) == 0) || (r.Citations != nil && len(r.Citations) == 0) ||
		!isNormalized(r.Properties) || !sameSlice(cs, r.Citations) || !sameSlice(claims, r.Claims) {
		c := *r
		c.Citations = cs
		c.Claims = claims
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
		EqualCitations(a.Citations, b.Citations) && EqualClaims(a.Claims, b.Claims)
}

// EqualRelations reports whether a and b hold the same relation, as EqualEntities does.
func EqualRelations(a, b *Relation) bool {
	return a.Type == b.Type && a.From == b.From && a.To == b.To &&
		EqualProps(a.Properties, b.Properties) && EqualCitations(a.Citations, b.Citations) &&
		EqualClaims(a.Claims, b.Claims)
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
	d.claims(a.ItemClaims(), b.ItemClaims())
	return d.String()
}

// DiffRelations summarizes how b differs from a.
func DiffRelations(a, b *Relation) string {
	var d diff
	d.props(a.Properties, b.Properties)
	d.citations(a.Citations, b.Citations)
	d.claims(a.ItemClaims(), b.ItemClaims())
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

// claims summarizes the claims added and removed: "claims: +2 -0 (source:x)".
func (d *diff) claims(a, b []Claim) {
	key := func(c Claim) string { return c.Field + "\x00" + valueKey(c.Value) + "\x00" + c.Source }
	set := func(cs []Claim) map[string]bool {
		m := make(map[string]bool, len(cs))
		for _, c := range cs {
			m[key(c)] = true
		}
		return m
	}
	inA, inB := set(a), set(b)
	added, removed := 0, 0
	var srcs []string
	for _, c := range b {
		if !inA[key(c)] {
			added++
			srcs = appendNew(srcs, c.Source)
		}
	}
	for _, c := range a {
		if !inB[key(c)] {
			removed++
			srcs = appendNew(srcs, c.Source)
		}
	}
	if added > 0 || removed > 0 {
		slices.Sort(srcs)
		d.parts = append(d.parts, fmt.Sprintf("claims: +%d -%d (%s)", added, removed, strings.Join(srcs, ", ")))
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
