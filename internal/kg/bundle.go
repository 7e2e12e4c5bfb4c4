package kg

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Bundle is the exchange format of the graph: the built-in dataset, imports and exports.
type Bundle struct {
	Sources   []Source   `json:"sources"`
	Entities  []Entity   `json:"entities"`
	Relations []Relation `json:"relations"`
}

// DecodeBundle reads a bundle from r. Integral numbers in properties become int64. An entity
// without an id gets NewID(kind, name).
func DecodeBundle(r io.Reader) (*Bundle, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	dec.DisallowUnknownFields()
	var b Bundle
	if err := dec.Decode(&b); err != nil {
		return nil, Wrap(CodeBadUserInput, "bundle is not valid JSON of the bundle format", err)
	}
	for i := range b.Entities {
		e := &b.Entities[i]
		e.Properties = NormalizeProps(e.Properties)
		if e.ID == "" && e.Kind.Valid() {
			e.ID = NewID(e.Kind, e.Name)
		}
	}
	for i := range b.Relations {
		b.Relations[i].Properties = NormalizeProps(b.Relations[i].Properties)
	}
	return &b, nil
}

// ParseBundle is DecodeBundle over a byte slice.
func ParseBundle(data []byte) (*Bundle, error) { return DecodeBundle(bytes.NewReader(data)) }

// Problem is one thing wrong with a bundle, located by its JSON path ("entities[3].citations[0]").
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string { return p.Path + ": " + p.Message }

// Validate checks b on its own: ids well formed and unique, kinds and relation types known and
// connecting the kinds RelationSpecs allows, every entity and relation cited at least once, every
// citation's source present and its quote occurring in that source's text, required relation
// properties present. It returns every problem found, in bundle order; none means valid.
func (b *Bundle) Validate() []Problem {
	var ps []Problem
	add := func(path, format string, args ...any) {
		ps = append(ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
	}
	sources := map[string]*Source{}
	for i := range b.Sources {
		s := &b.Sources[i]
		path := fmt.Sprintf("sources[%d]", i)
		if !strings.HasPrefix(s.ID, "source:") || !ValidID(s.ID) {
			add(path+".id", "%q is not a source id (source:<slug>)", s.ID)
		}
		if _, dup := sources[s.ID]; dup {
			add(path+".id", "duplicate source id %q", s.ID)
		}
		if strings.TrimSpace(s.Title) == "" {
			add(path+".title", "title is required")
		}
		if strings.TrimSpace(s.Text) == "" {
			add(path+".text", "text is required")
		}
		if s.Published != "" && !ValidDate(s.Published) {
			add(path+".published", "%q is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)", s.Published)
		}
		sources[s.ID] = s
	}
	checkCitations := func(path string, cs []Citation) {
		if len(cs) == 0 {
			add(path+".citations", "at least one citation is required")
		}
		for j, c := range cs {
			cp := fmt.Sprintf("%s.citations[%d]", path, j)
			s, ok := sources[c.Source]
			if !ok {
				add(cp+".source", "unknown source %q", c.Source)
				continue
			}
			if !QuoteOccurs(s.Text, c.Quote) {
				add(cp+".quote", "quote %q does not occur in %s", c.Quote, c.Source)
			}
		}
	}
	kinds := map[string]Kind{}
	for i := range b.Entities {
		e := &b.Entities[i]
		path := fmt.Sprintf("entities[%d]", i)
		if !e.Kind.Valid() {
			add(path+".kind", "unknown kind %q", e.Kind)
		}
		if strings.TrimSpace(e.Name) == "" {
			add(path+".name", "name is required")
		}
		if !ValidID(e.ID) || KindOfID(e.ID) != e.Kind {
			add(path+".id", "%q is not a %s id (%s:<slug>)", e.ID, e.Kind, e.Kind.Prefix())
		}
		if _, dup := kinds[e.ID]; dup {
			add(path+".id", "duplicate entity id %q", e.ID)
		}
		kinds[e.ID] = e.Kind
		for _, p := range ValidateEntityProps(e) {
			add(path+".properties."+p.Path, "%s", p.Message)
		}
		checkCitations(path, e.Citations)
	}
	type relKey struct{ t, from, to string }
	seen := map[relKey]bool{}
	linked := map[string]bool{}
	for i := range b.Relations {
		r := &b.Relations[i]
		path := fmt.Sprintf("relations[%d]", i)
		spec, known := RelationSpecs[r.Type]
		if !known {
			add(path+".type", "unknown relation type %q", r.Type)
		}
		fk, fok := kinds[r.From]
		tk, tok := kinds[r.To]
		if !fok {
			add(path+".from", "unknown entity %q", r.From)
		}
		if !tok {
			add(path+".to", "unknown entity %q", r.To)
		}
		if known && fok && tok && (!spec.Allows(fk, tk) || (r.Type == RelPartOf && fk != tk)) {
			add(path, "%s cannot go from a %s to a %s", r.Type, fk, tk)
		}
		if r.From == r.To {
			add(path, "a relation cannot connect %q to itself", r.From)
		}
		k := relKey{r.Type, r.From, r.To}
		if seen[k] {
			add(path, "duplicate relation %s %s -> %s", r.Type, r.From, r.To)
		}
		seen[k] = true
		linked[r.From], linked[r.To] = true, true
		for _, p := range ValidateRelationProps(r) {
			add(path+".properties."+p.Path, "%s", p.Message)
		}
		checkCitations(path, r.Citations)
	}
	if len(b.Relations) > 0 {
		for i := range b.Entities {
			if !linked[b.Entities[i].ID] {
				add(fmt.Sprintf("entities[%d]", i), "entity %q has no relation (orphan)", b.Entities[i].ID)
			}
		}
	}
	return ps
}

// ValidateEntityProps checks the typed properties of e by its kind.
func ValidateEntityProps(e *Entity) []Problem {
	var ps []Problem
	for _, k := range sortedKeys(e.Properties) {
		v := e.Properties[k]
		switch k {
		case PropDate, PropEstablished:
			if s, ok := v.(string); !ok || !ValidDate(s) {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not an ISO 8601 date", v)})
			}
		case PropOrdinal:
			if n, ok := intValue(v); !ok || n < 1 {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not a positive integer", v)})
			}
		case PropCode:
			if s, ok := v.(string); !ok || !validCountryCode(s) {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not an ISO 3166-1 alpha-2 code", v)})
			}
		case PropAcronym, PropClassification:
			if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not a non-empty string", v)})
			}
		}
	}
	if e.Kind == KindCountry && e.Prop(PropCode) == "" {
		ps = append(ps, Problem{PropCode, "a country needs its ISO 3166-1 alpha-2 code"})
	}
	return ps
}

// ValidateRelationProps checks the properties of r by its type.
func ValidateRelationProps(r *Relation) []Problem {
	var ps []Problem
	for _, k := range sortedKeys(r.Properties) {
		v := r.Properties[k]
		switch k {
		case PropStart, PropEnd:
			if s, ok := v.(string); !ok || !ValidDate(s) {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not an ISO 8601 date", v)})
			}
		case PropActing:
			if _, ok := v.(bool); !ok {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not a boolean", v)})
			}
		case PropRole:
			if s, _ := v.(string); s != "LEAD" && s != "MEMBER" && s != "PARTICIPANT" {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not LEAD, MEMBER or PARTICIPANT", v)})
			}
		case PropDelegation:
			if s, ok := v.(string); !ok || !validCountryCode(s) {
				ps = append(ps, Problem{k, fmt.Sprintf("%v is not an ISO 3166-1 alpha-2 code", v)})
			}
		case PropTitle:
			if s, ok := v.(string); !ok || strings.TrimSpace(s) == "" {
				ps = append(ps, Problem{k, "title must be a non-empty string"})
			}
		}
	}
	switch r.Type {
	case RelHoldsPosition:
		if r.Prop(PropTitle) == "" {
			ps = append(ps, Problem{PropTitle, "HOLDS_POSITION needs a title"})
		}
	case RelAttended:
		if r.Prop(PropRole) == "" {
			ps = append(ps, Problem{PropRole, "ATTENDED needs a role"})
		}
	}
	return ps
}

func validCountryCode(s string) bool {
	return len(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z'
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
