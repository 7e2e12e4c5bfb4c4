package kg

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
)

// Bundle is the exchange format of the graph: the built-in dataset, imports and exports. An entity
// without an id gets one when it is written (see PlanImport); a source without one gets
// SourceID(title).
type Bundle struct {
	Sources   []Source   `json:"sources"`
	Entities  []Entity   `json:"entities"`
	Relations []Relation `json:"relations"`
	// Problems are what was wrong with the bundle's JSON that decoding it could get past (fields
	// of unknown names or of the wrong type), each with its path. A bundle with any is never
	// written; planning it (PlanImport) reports them with every other problem it has.
	Problems []Problem `json:"-"`
}

// DecodeBundle reads a bundle from r one item at a time, so the JSON text is never held whole:
// memory grows with the decoded bundle only. Integral numbers in properties become int64.
//
// Each item is converted as BundleFromValue converts it, so that every field of an unknown name
// or of the wrong type is a Problem with its JSON path, kept in the bundle's Problems: a bundle
// with any is never written, but planning it still reports every other problem it has. Only
// text that is not JSON, or not a bundle (an object with sources, entities and relations
// lists), stops decoding: that is a CodeBadUserInput *Error whose Problems locate it.
func DecodeBundle(r io.Reader) (*Bundle, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var b Bundle
	var c converter
	fail := func(path string, err error) (*Bundle, error) {
		var se *json.SyntaxError
		msg := err.Error()
		if errors.As(err, &se) {
			msg = fmt.Sprintf("%s (at byte %d)", se.Error(), se.Offset)
		} else if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			msg = "the JSON ends too early"
		}
		ps := []Problem{{Path: path, Message: msg}}
		return nil, &Error{Code: CodeBadUserInput, Message: "the bundle is not valid JSON of the bundle format: " + ps[0].String(), Err: err, Problems: ps}
	}
	if err := expectDelim(dec, '{'); err != nil {
		return fail("$", err)
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return fail("$", err)
		}
		key, _ := t.(string)
		switch key {
		case "sources":
			err = decodeItems(dec, key, func(path string, v any) { b.Sources = append(b.Sources, c.source(path, v)) })
		case "entities":
			err = decodeItems(dec, key, func(path string, v any) { b.Entities = append(b.Entities, c.entity(path, v)) })
		case "relations":
			err = decodeItems(dec, key, func(path string, v any) { b.Relations = append(b.Relations, c.relation(path, v)) })
		default:
			c.add(key, "unknown field %q: a bundle has sources, entities and relations", key)
			var skip any
			err = dec.Decode(&skip)
		}
		if err != nil {
			var pe *pathError
			if errors.As(err, &pe) {
				return fail(pe.path, pe.err)
			}
			return fail(key, err)
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return fail("$", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fail("$", errors.New("there is more after the bundle's closing brace"))
	}
	b.normalize()
	b.Problems = c.ps
	return &b, nil
}

type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }

func expectDelim(dec *json.Decoder, want json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := t.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, found %v", want, t)
	}
	return nil
}

// decodeItems decodes a JSON array (or null), one element at a time into generic JSON values
// that add converts (and may then drop): the generic form of one item at a time is held.
func decodeItems(dec *json.Decoder, key string, add func(path string, v any)) error {
	t, err := dec.Token()
	if err != nil {
		return &pathError{key, err}
	}
	if t == nil {
		return nil
	}
	if d, ok := t.(json.Delim); !ok || d != '[' {
		return &pathError{key, fmt.Errorf("expected a list, found %v", t)}
	}
	for i := 0; dec.More(); i++ {
		var v any
		path := fmt.Sprintf("%s[%d]", key, i)
		if err := dec.Decode(&v); err != nil {
			return &pathError{path, err}
		}
		add(path, v)
	}
	if _, err := dec.Token(); err != nil {
		return &pathError{key, err}
	}
	return nil
}

// normalize puts property values in the form stores keep (NormalizeValue), in place.
func (b *Bundle) normalize() {
	for i := range b.Entities {
		normalizeInPlace(b.Entities[i].Properties)
		NormalizeClaims(b.Entities[i].Claims)
	}
	for i := range b.Relations {
		normalizeInPlace(b.Relations[i].Properties)
		NormalizeClaims(b.Relations[i].Claims)
	}
}

// NormalizeClaims applies NormalizeValue to every claim's value, in place (claims decoded from
// JSON hold json.Number or float64 where stores keep int64).
func NormalizeClaims(cs []Claim) {
	for i := range cs {
		cs[i].Value = NormalizeValue(cs[i].Value)
	}
}

// normalizeInPlace applies NormalizeValue to every value of props without copying the map.
func normalizeInPlace(props map[string]any) {
	for k, v := range props {
		switch v.(type) {
		case string, bool, int64:
			continue
		}
		props[k] = NormalizeValue(v)
	}
}

// ParseBundle is DecodeBundle over a byte slice.
func ParseBundle(data []byte) (*Bundle, error) { return DecodeBundle(bytes.NewReader(data)) }

// Problem is one thing wrong with a bundle or a write, located by its JSON path
// ("entities[3].citations[0].quote", "input.properties.date").
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Validate checks b on its own, as an import into an empty store would: every rule of PlanImport
// (ids, kinds, names, properties, citations whose quotes occur in a source of b, relation ends in b
// and of the kinds their type connects, no duplicates), and, when b has relations, that every
// entity has one (no orphans). It returns every problem found, in bundle order; none means valid.
func (b *Bundle) Validate() []Problem {
	plan, err := PlanImport(context.Background(), b, emptySnapshot{})
	if err != nil { // an empty snapshot never fails
		return []Problem{{Path: "$", Message: err.Error()}}
	}
	ps := plan.Problems
	if len(b.Relations) > 0 && len(ps) == 0 {
		linked := map[string]bool{}
		for _, r := range plan.Relations {
			linked[r.From], linked[r.To] = true, true
		}
		for _, w := range plan.Entities {
			if !linked[w.Entity.ID] {
				ps = append(ps, Problem{Path: fmt.Sprintf("entities[%d]", w.Index), Message: fmt.Sprintf("entity %q has no relation (orphan)", w.Entity.ID)})
			}
		}
	}
	return ps
}

// emptySnapshot is a store that holds nothing.
type emptySnapshot struct{}

func (emptySnapshot) Sources(context.Context, []string) (map[string]*Source, error) {
	return nil, nil
}

func (emptySnapshot) EntityKinds(context.Context, []string) (map[string]Kind, error) {
	return nil, nil
}

func (emptySnapshot) MatchNames(context.Context, []NameKey) (map[NameKey][]string, error) {
	return nil, nil
}

func (emptySnapshot) Redirects(context.Context, []string) (map[string]string, error) {
	return nil, nil
}

func (emptySnapshot) Search(context.Context, SearchQuery) ([]SearchHit, error) { return nil, nil }

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
