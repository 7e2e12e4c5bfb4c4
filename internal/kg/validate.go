package kg

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/language"
)

// This file holds the one set of rules every write is checked against, whichever store takes it:
// ids, names, citations and properties. PlanImport applies them with what the store holds;
// Bundle.Validate applies them to a bundle on its own.

// Limits on the size of what one item may carry.
const (
	MaxNameRunes        = 300
	MaxDescriptionRunes = 10_000
	MaxQuoteRunes       = 5_000
	MaxProperties       = 64
)

// ReservedProps are names an entity or relation property may not take: the fields of Entity and
// the names stores keep beside the properties.
var ReservedProps = []string{
	"id", "kind", "name", "aliases", "description", "citations",
	"citationSources", "citationQuotes", "citationBases", "citationNotes", "citationFields", "claims", "nameFolded", "searchText", "searchKeys", "searchOrder", "identityKeys",
	"createdIn",
}

// validPropKey reports whether k is a plain name: letters, digits and _, not starting with a
// digit, at most 64 bytes.
func validPropKey(k string) bool {
	if k == "" || len(k) > 64 || (k[0] >= '0' && k[0] <= '9') {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// propSpec is how a well-known property is checked, and on which kinds (entities) or relation
// types it may appear; none listed means anywhere.
type propSpec struct {
	check func(v any) string // "" when v is fine, else what is wrong with it
	kinds []Kind
	types []string
}

// Well-known properties. Dates may appear on any entity or relation (a meeting's date, a position's
// start, an initiative's adoption); the others mean something only where the graph types them.
// Any other property is free-form: a plain name and a string, boolean, number or list of one of
// those.
var (
	entityPropSpecs = map[string]propSpec{
		PropDate:           {check: checkDate},
		PropEstablished:    {check: checkDate},
		PropStart:          {check: checkDate},
		PropEnd:            {check: checkDate},
		PropOrdinal:        {check: checkOrdinal, kinds: []Kind{KindMeeting}},
		PropCode:           {check: checkCountryCode, kinds: []Kind{KindCountry}},
		PropAcronym:        {check: checkNonEmpty, kinds: []Kind{KindOrganization, KindDialogue, KindInitiative}},
		PropClassification: {check: checkClassification, kinds: []Kind{KindOrganization}},
	}
	// relationPropSpecs come from the one declaration of relation types, RelationSpecs.
	relationPropSpecs = deriveRelationPropSpecs()
)

// Roles of a person at a meeting (ATTENDED.role).
var AttendanceRoles = []string{"LEAD", "MEMBER", "PARTICIPANT"}

func checkDate(v any) string {
	if s, ok := v.(string); ok && ValidDate(s) {
		return ""
	}
	return fmt.Sprintf("%s is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)", show(v))
}

func checkOrdinal(v any) string {
	if n, ok := intValue(v); ok && n >= 1 {
		return ""
	}
	return fmt.Sprintf("%s is not a positive integer", show(v))
}

func checkCountryCode(v any) string {
	if s, ok := v.(string); ok && ValidCountryCode(s) {
		return ""
	}
	return fmt.Sprintf("%s is not an ISO 3166-1 alpha-2 country code (upper case, e.g. \"MX\")", show(v))
}

func checkNonEmpty(v any) string {
	if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
		return ""
	}
	return fmt.Sprintf("%s is not a non-empty string", show(v))
}

func checkClassification(v any) string {
	if s, ok := v.(string); ok && s != "" && s[0] != '_' && strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == "" {
		return ""
	}
	return fmt.Sprintf("%s is not an UPPER_SNAKE classification (e.g. \"MINISTRY\")", show(v))
}

func checkBool(v any) string {
	if _, ok := v.(bool); ok {
		return ""
	}
	return fmt.Sprintf("%s is not a boolean", show(v))
}

func checkRole(v any) string {
	if s, ok := v.(string); ok && slices.Contains(AttendanceRoles, s) {
		return ""
	}
	return fmt.Sprintf("%s is not one of %s", show(v), strings.Join(AttendanceRoles, ", "))
}

// ValidCountryCode reports whether s is an ISO 3166-1 alpha-2 code of a country, in upper case
// ("MX"; not "mx", "MEX", "EU" or "ZZ").
func ValidCountryCode(s string) bool {
	if len(s) != 2 || strings.ToUpper(s) != s {
		return false
	}
	r, err := language.ParseRegion(s)
	return err == nil && r.IsCountry() && r.String() == s
}

// show renders a property value for a message.
func show(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case nil:
		return "null"
	}
	return fmt.Sprint(v)
}

// ValidateEntityProps checks the properties of e by its kind: every key a plain name that is not
// reserved, every value storable, well-known properties well formed and on a kind that has them,
// and a country's code present. Problem paths are property keys.
func ValidateEntityProps(e *Entity) []Problem {
	ps := validateProps(e.Properties, entityPropSpecs, func(s propSpec) (bool, string) {
		if len(s.kinds) == 0 || slices.Contains(s.kinds, e.Kind) {
			return true, ""
		}
		return false, fmt.Sprintf("a %s has no such property (it belongs to %s)", e.Kind, kindList(s.kinds))
	})
	if e.Kind == KindCountry && e.Prop(PropCode) == "" && e.Properties[PropCode] == nil {
		ps = append(ps, Problem{PropCode, "a COUNTRY needs its ISO 3166-1 alpha-2 code"})
	}
	return ps
}

// ValidateRelationProps checks the properties of r by its type, as ValidateEntityProps does for
// entities, and that HOLDS_POSITION has a title, ATTENDED a role, and a start is not after an end.
func ValidateRelationProps(r *Relation) []Problem {
	ps := validateProps(r.Properties, relationPropSpecs, func(s propSpec) (bool, string) {
		if len(s.types) == 0 || slices.Contains(s.types, r.Type) {
			return true, ""
		}
		return false, fmt.Sprintf("a %s relation has no such property (it belongs to %s)", r.Type, strings.Join(s.types, ", "))
	})
	for _, req := range requiredRelationProps(r.Type) {
		if r.Properties[req.Name] == nil {
			msg := fmt.Sprintf("%s needs a %s", r.Type, req.Name)
			if vs := PropertyValues(req.Type); vs != nil {
				msg += " (" + strings.Join(vs, ", ") + ")"
			}
			ps = append(ps, Problem{req.Name, msg})
		}
	}
	start, end := r.Prop(PropStart), r.Prop(PropEnd)
	if ValidDate(start) && ValidDate(end) && end < start[:min(len(start), len(end))] {
		ps = append(ps, Problem{PropEnd, fmt.Sprintf("end %q is before start %q", end, start)})
	}
	return ps
}

func validateProps(props map[string]any, specs map[string]propSpec, placed func(propSpec) (bool, string)) []Problem {
	var ps []Problem
	if len(props) > MaxProperties {
		ps = append(ps, Problem{"", fmt.Sprintf("%d properties are more than the %d allowed", len(props), MaxProperties)})
	}
	for _, k := range sortedKeys(props) {
		v := props[k]
		switch {
		case slices.Contains(ReservedProps, k):
			ps = append(ps, Problem{k, fmt.Sprintf("%q is a reserved name; use the field of that name, or another name", k)})
			continue
		case !validPropKey(k):
			ps = append(ps, Problem{k, "a property name has letters, digits and _ only, starts with a letter or _, and has at most 64 characters"})
			continue
		}
		if msg := storableValue(v); msg != "" {
			ps = append(ps, Problem{k, msg})
			continue
		}
		spec, known := specs[k]
		if !known {
			continue
		}
		if ok, msg := placed(spec); !ok {
			ps = append(ps, Problem{k, msg})
			continue
		}
		if msg := spec.check(v); msg != "" {
			ps = append(ps, Problem{k, msg})
		}
	}
	return ps
}

// storableValue returns "" when v is a value every store keeps as it is: a string, boolean,
// number, or a list of values of one of those types; else what is wrong.
func storableValue(v any) string {
	switch x := v.(type) {
	case string, bool, int64, int:
		return ""
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return "a number must be finite"
		}
		return ""
	case []any:
		var first string
		for _, e := range x {
			if msg := storableValue(e); msg != "" {
				return "a list may hold only strings, booleans or numbers"
			}
			if _, isList := e.([]any); isList {
				return "a list may hold only strings, booleans or numbers"
			}
			t := scalarType(e)
			if first != "" && t != first {
				return "a list must hold values of one type"
			}
			first = t
		}
		return ""
	case []string:
		return ""
	case nil:
		return "null is not a value; leave the property out instead"
	}
	return "a property holds a string, boolean, number, or list of one of those, not an object"
}

func scalarType(v any) string {
	switch v.(type) {
	case string:
		return "string"
	case bool:
		return "bool"
	case int64, int:
		return "int"
	case float64:
		return "float"
	}
	return "other"
}

func kindList(ks []Kind) string {
	s := make([]string, len(ks))
	for i, k := range ks {
		s[i] = string(k)
	}
	return strings.Join(s, ", ")
}

// problems collects Problems with a path prefix.
type problems struct{ list []Problem }

func (p *problems) add(path, format string, args ...any) {
	p.list = append(p.list, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// SourceID returns the id a source without one gets: "source:<slug of title>".
func SourceID(title string) string { return "source:" + Slug(title) }

// checkSource checks a source on its own.
func (p *problems) checkSource(path string, s *Source) {
	if !strings.HasPrefix(s.ID, "source:") || !ValidID(s.ID) {
		if s.ID == "source:" {
			p.add(path+".title", "the title has no letters or digits to make an id of; give an id")
		} else {
			p.add(path+".id", "%q is not a source id (source:<slug>, lower-case ASCII letters, digits and single hyphens)", s.ID)
		}
	}
	if strings.TrimSpace(s.Title) == "" {
		p.add(path+".title", "title is required")
	} else if utf8.RuneCountInString(s.Title) > MaxNameRunes {
		p.add(path+".title", "title is longer than %d characters", MaxNameRunes)
	}
	if strings.TrimSpace(s.Text) == "" {
		p.add(path+".text", "text is required: the full text that quotes are checked against")
	}
	if s.Published != "" && !ValidDate(s.Published) {
		p.add(path+".published", "%q is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)", s.Published)
	}
	if s.URL != nil && *s.URL != "" && !strings.HasPrefix(*s.URL, "https://") && !strings.HasPrefix(*s.URL, "http://") {
		p.add(path+".url", "%q is not an http(s) URL", *s.URL)
	}
}

// checkEntity checks an entity on its own: kind, id, name, aliases, description, properties and
// that it has citations (their sources are checked by checkCitations).
func (p *problems) checkEntity(path string, e *Entity) {
	if !e.Kind.Valid() {
		p.add(path+".kind", "unknown kind %q (one of %s)", e.Kind, kindList(Kinds))
	} else if !ValidID(e.ID) || KindOfID(e.ID) != e.Kind {
		if e.ID == e.Kind.Prefix()+":" {
			p.add(path+".name", "the name has no letters or digits to make an id of; give an id")
		} else {
			p.add(path+".id", "%q is not a %s id (%s:<slug>, lower-case ASCII letters, digits and single hyphens)", e.ID, e.Kind, e.Kind.Prefix())
		}
	}
	switch {
	case strings.TrimSpace(e.Name) == "":
		p.add(path+".name", "name is required")
	case utf8.RuneCountInString(e.Name) > MaxNameRunes:
		p.add(path+".name", "name is longer than %d characters", MaxNameRunes)
	}
	for i, a := range e.Aliases {
		if strings.TrimSpace(a) == "" || utf8.RuneCountInString(a) > MaxNameRunes {
			p.add(fmt.Sprintf("%s.aliases[%d]", path, i), "an alias is a non-empty name of at most %d characters", MaxNameRunes)
		}
	}
	if utf8.RuneCountInString(e.Description) > MaxDescriptionRunes {
		p.add(path+".description", "description is longer than %d characters", MaxDescriptionRunes)
	}
	if e.Kind.Valid() {
		for _, pr := range ValidateEntityProps(e) {
			p.add(joinPath(path+".properties", pr.Path), "%s", pr.Message)
		}
	}
}

// checkRelation checks a relation on its own: its type, properties, and that it is no loop.
// Whether its ends exist and fit its type is checked against the graph (checkEnds).
func (p *problems) checkRelation(path string, r *Relation) {
	if _, known := RelationSpecs[r.Type]; !known {
		p.add(path+".type", "%s", UnknownRelationType(r.Type))
	} else {
		for _, pr := range ValidateRelationProps(r) {
			p.add(joinPath(path+".properties", pr.Path), "%s", pr.Message)
		}
	}
	if r.From == "" {
		p.add(path+".from", "from is required")
	}
	if r.To == "" {
		p.add(path+".to", "to is required")
	}
	if r.From != "" && r.From == r.To {
		p.add(path, "a relation cannot connect %q to itself", r.From)
	}
}

// checkEnds checks that a relation's ends are entities (kind "" means unknown) whose kinds its
// type connects.
func (p *problems) checkEnds(path string, r *Relation, fromKind, toKind Kind) {
	if fromKind == "" {
		p.add(path+".from", "unknown entity %q: create it first, or put it in the same bundle", r.From)
	}
	if toKind == "" {
		p.add(path+".to", "unknown entity %q: create it first, or put it in the same bundle", r.To)
	}
	spec, known := RelationSpecs[r.Type]
	if !known || fromKind == "" || toKind == "" {
		return
	}
	if !spec.Allows(fromKind, toKind) {
		p.add(path, "%s cannot go from a %s to a %s (it connects %s to %s)", r.Type, fromKind, toKind, kindList(spec.From), kindList(spec.To))
	}
}

// checkCitations checks that there is at least one citation and that each quote occurs in its
// source's text (QuoteOccurs); source returns the quote index of the text of the source an id
// names (in the same bundle or stored), and whether there is one.
func (p *problems) checkCitations(path string, cs []Citation, source func(id string) (*quoteIndex, bool)) {
	if len(cs) == 0 {
		p.add(path+".citations", "at least one citation (source and verbatim quote) is required")
	}
	for j, c := range cs {
		cp := func() string { return path + ".citations[" + strconv.Itoa(j) + "]" }
		if strings.TrimSpace(c.Quote) == "" {
			p.add(cp()+".quote", "the quote is empty")
			continue
		}
		if utf8.RuneCountInString(c.Quote) > MaxQuoteRunes {
			p.add(cp()+".quote", "the quote is longer than %d characters", MaxQuoteRunes)
			continue
		}
		text, ok := source(c.Source)
		if !ok {
			p.add(cp()+".source", "unknown source %q: add it first, or put it in the same bundle", c.Source)
			continue
		}
		if !text.contains(c.Quote) {
			p.add(cp()+".quote", "quote %q does not occur in the text of %s", clip(c.Quote, 80), c.Source)
		}
	}
}

func joinPath(prefix, key string) string {
	if key == "" {
		return prefix
	}
	return prefix + "." + key
}

// clip shortens s to at most n runes for a message.
func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
