package kg

import (
	"encoding/json"
	"math"
)

// Citation ties facts to the verbatim quote in a source that supports them, and says how
// (docs/provenance.md). Basis "" is STATED. Fields names the values of its item the citation is
// for (FieldName, AliasField, PropertyField, ...); without Fields it is for every value of the
// item that no other citation of the item names.
type Citation struct {
	Source string   `json:"source"`
	Quote  string   `json:"quote"`
	Basis  Basis    `json:"basis,omitempty"`
	Note   string   `json:"note,omitempty"`
	Fields []string `json:"fields,omitempty"`
}

// Source is a document facts are drawn from. Published is an ISO 8601 date, possibly partial.
type Source struct {
	ID        string  `json:"id"`
	Title     string  `json:"title"`
	Publisher string  `json:"publisher,omitempty"`
	Published string  `json:"published,omitempty"`
	URL       *string `json:"url"`
	Text      string  `json:"text"`
}

// Entity is a node of the graph. Properties holds the kind-specific fields (PropDate, PropCode, ...)
// with JSON-compatible values: string, bool, int64, float64, or []any of those.
type Entity struct {
	ID          string         `json:"id"`
	Kind        Kind           `json:"kind"`
	Name        string         `json:"name"`
	Aliases     []string       `json:"aliases,omitempty"`
	Description string         `json:"description,omitempty"`
	Properties  map[string]any `json:"properties,omitempty"`
	Citations   []Citation     `json:"citations"`
	// Claims attribute each value, shown or not, to the sources that give it (docs/provenance.md).
	// nil when the values and citations say it all (ItemClaims derives them): an entity one
	// bundle item wrote carries none.
	Claims []Claim `json:"claims,omitempty"`
	// Loaded names the fields a read loaded when it was asked for some (Holds); nil: every one.
	// Never stored or exported.
	Loaded []string `json:"-"`
}

// Relation is a directed, typed edge. A relation is identified by (Type, From, To): the graph holds
// at most one relation of a type between two entities in one direction.
type Relation struct {
	Type       string         `json:"type"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Properties map[string]any `json:"properties,omitempty"`
	Citations  []Citation     `json:"citations"`
	// Claims are as an Entity's.
	Claims []Claim `json:"claims,omitempty"`
	// Loaded is as an Entity's (Holds).
	Loaded []string `json:"-"`
}

// Other returns the id of the end of r that is not id.
func (r *Relation) Other(id string) string {
	if r.From == id {
		return r.To
	}
	return r.From
}

// Prop returns the string property key of e, or "" if it is absent or not a string.
func (e *Entity) Prop(key string) string {
	s, _ := e.Properties[key].(string)
	return s
}

// IntProp returns the integer property key of e and whether it is present.
func (e *Entity) IntProp(key string) (int64, bool) { return intValue(e.Properties[key]) }

// Prop returns the string property key of r, or "" if it is absent or not a string.
func (r *Relation) Prop(key string) string {
	s, _ := r.Properties[key].(string)
	return s
}

// BoolProp returns the boolean property key of r, false if absent.
func (r *Relation) BoolProp(key string) bool {
	b, _ := r.Properties[key].(bool)
	return b
}

func intValue(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case float64:
		if n == math.Trunc(n) {
			return int64(n), true
		}
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}

// NormalizeValue converts a decoded JSON value into the property value form the stores keep:
// integral numbers become int64 (so counts and ordinals stay exact), other numbers float64, lists
// element-wise; strings and booleans stay as they are.
func NormalizeValue(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case float64:
		if x == math.Trunc(x) && math.Abs(x) < 1<<53 {
			return int64(x)
		}
		return x
	case int:
		return int64(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = NormalizeValue(x[i])
		}
		return out
	case map[string]any:
		return NormalizeProps(x)
	}
	return v
}

// NormalizeProps applies NormalizeValue to every value of props. A nil or empty map gives nil.
func NormalizeProps(props map[string]any) map[string]any {
	if len(props) == 0 {
		return nil
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = NormalizeValue(v)
	}
	return out
}
