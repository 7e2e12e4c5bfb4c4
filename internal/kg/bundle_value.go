package kg

import (
	"fmt"
	"sort"
)

// BundleFromValue converts a bundle already decoded into generic JSON values (objects as
// map[string]any, lists as []any, numbers as json.Number or float64), as a GraphQL JSON argument
// arrives, into a Bundle. It consumes v: every item is removed from its list once converted, so the
// generic form can be collected while the Bundle grows and the bundle is never held twice. Strings
// are shared, not copied. Every field of the wrong type or unknown name is a Problem with its JSON
// path, returned and kept in the Bundle's Problems (as DecodeBundle does), so that planning the
// bundle reports them with every other problem; the Bundle is nil only when v is no object.
func BundleFromValue(v any) (*Bundle, []Problem) {
	var c converter
	top, ok := v.(map[string]any)
	if !ok {
		return nil, []Problem{{Path: "$", Message: "a bundle is an object with sources, entities and relations"}}
	}
	b := &Bundle{}
	for _, key := range sortedKeys(top) {
		switch key {
		case "sources", "entities", "relations":
		default:
			c.add(key, "unknown field %q: a bundle has sources, entities and relations", key)
		}
	}
	if list, ok := c.list(top, "sources", "sources"); ok {
		b.Sources = make([]Source, 0, len(list))
		for i := range list {
			b.Sources = append(b.Sources, c.source(fmt.Sprintf("sources[%d]", i), list[i]))
			list[i] = nil
		}
	}
	if list, ok := c.list(top, "entities", "entities"); ok {
		b.Entities = make([]Entity, 0, len(list))
		for i := range list {
			b.Entities = append(b.Entities, c.entity(fmt.Sprintf("entities[%d]", i), list[i]))
			list[i] = nil
		}
	}
	if list, ok := c.list(top, "relations", "relations"); ok {
		b.Relations = make([]Relation, 0, len(list))
		for i := range list {
			b.Relations = append(b.Relations, c.relation(fmt.Sprintf("relations[%d]", i), list[i]))
			list[i] = nil
		}
	}
	b.Problems = c.ps
	return b, c.ps
}

// PropsFromValue converts a JSON object of properties (nil: none) into a property map with
// normalized values; anything else is a Problem at path.
func PropsFromValue(path string, v any) (map[string]any, []Problem) {
	var c converter
	p := c.props(path, v)
	return p, c.ps
}

type converter struct{ ps []Problem }

func (c *converter) add(path, format string, args ...any) {
	c.ps = append(c.ps, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

func (c *converter) list(m map[string]any, key, path string) ([]any, bool) {
	v, ok := m[key]
	if !ok || v == nil {
		return nil, false
	}
	l, ok := v.([]any)
	if !ok {
		c.add(path, "must be a list")
	}
	return l, ok
}

func (c *converter) object(path string, v any, fields ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		c.add(path, "must be an object")
		return nil
	}
	var unknown []string
	for k := range m {
		known := false
		for _, f := range fields {
			if k == f {
				known = true
				break
			}
		}
		if !known {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	for _, k := range unknown {
		c.add(path+"."+k, "unknown field %q", k)
	}
	return m
}

func (c *converter) str(m map[string]any, key, path string) string {
	v, ok := m[key]
	if !ok || v == nil {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		c.add(path+"."+key, "must be a string")
	}
	return s
}

func (c *converter) strings(m map[string]any, key, path string) []string {
	v, ok := m[key]
	if !ok || v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		c.add(path+"."+key, "must be a list of strings")
		return nil
	}
	out := make([]string, 0, len(l))
	for i, x := range l {
		s, ok := x.(string)
		if !ok {
			c.add(fmt.Sprintf("%s.%s[%d]", path, key, i), "must be a string")
			continue
		}
		out = append(out, s)
	}
	return out
}

func (c *converter) source(path string, v any) Source {
	m := c.object(path, v, "id", "title", "publisher", "published", "url", "text")
	if m == nil {
		return Source{}
	}
	s := Source{
		ID: c.str(m, "id", path), Title: c.str(m, "title", path), Publisher: c.str(m, "publisher", path),
		Published: c.str(m, "published", path), Text: c.str(m, "text", path),
	}
	if u, ok := m["url"]; ok && u != nil {
		url := c.str(m, "url", path)
		s.URL = &url
	}
	return s
}

func (c *converter) entity(path string, v any) Entity {
	m := c.object(path, v, "id", "kind", "name", "aliases", "description", "properties", "citations", "claims")
	if m == nil {
		return Entity{}
	}
	return Entity{
		ID: c.str(m, "id", path), Kind: Kind(c.str(m, "kind", path)), Name: c.str(m, "name", path),
		Aliases: c.strings(m, "aliases", path), Description: c.str(m, "description", path),
		Properties: c.props(path+".properties", m["properties"]), Citations: c.citations(path, m["citations"]),
		Claims: c.claims(path, m["claims"]),
	}
}

func (c *converter) relation(path string, v any) Relation {
	m := c.object(path, v, "type", "from", "to", "properties", "citations", "claims")
	if m == nil {
		return Relation{}
	}
	return Relation{
		Type: c.str(m, "type", path), From: c.str(m, "from", path), To: c.str(m, "to", path),
		Properties: c.props(path+".properties", m["properties"]), Citations: c.citations(path, m["citations"]),
		Claims: c.claims(path, m["claims"]),
	}
}

func (c *converter) props(path string, v any) map[string]any {
	if v == nil {
		return nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		c.add(path, "must be an object of properties")
		return nil
	}
	normalizeInPlace(m)
	if len(m) == 0 {
		return nil
	}
	return m
}

func (c *converter) citations(path string, v any) []Citation {
	if v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		c.add(path+".citations", "must be a list of citations")
		return nil
	}
	out := make([]Citation, 0, len(l))
	for i, x := range l {
		cp := fmt.Sprintf("%s.citations[%d]", path, i)
		m := c.object(cp, x, "source", "quote", "basis", "note", "fields")
		if m == nil {
			continue
		}
		out = append(out, Citation{Source: c.str(m, "source", cp), Quote: c.str(m, "quote", cp),
			Basis: Basis(c.str(m, "basis", cp)), Note: c.str(m, "note", cp), Fields: c.strings(m, "fields", cp)})
	}
	return out
}

func (c *converter) claims(path string, v any) []Claim {
	if v == nil {
		return nil
	}
	l, ok := v.([]any)
	if !ok {
		c.add(path+".claims", "must be a list of claims")
		return nil
	}
	out := make([]Claim, 0, len(l))
	for i, x := range l {
		cp := fmt.Sprintf("%s.claims[%d]", path, i)
		m := c.object(cp, x, "field", "value", "source", "basis")
		if m == nil {
			continue
		}
		out = append(out, Claim{Field: c.str(m, "field", cp), Value: NormalizeValue(m["value"]), Source: c.str(m, "source", cp),
			Basis: Basis(c.str(m, "basis", cp))})
	}
	return out
}
