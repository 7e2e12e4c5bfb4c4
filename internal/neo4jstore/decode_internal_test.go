package neo4jstore

import (
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestDecodeWrongShapes feeds the readers rows that do not fit and checks that each fails with an
// error naming where, which key and which types, and that the store reports it as INTERNAL.
func TestDecodeWrongShapes(t *testing.T) {
	entity := func(over map[string]any) map[string]any {
		m := map[string]any{keyID: "person:a", keyName: "A", keyAliases: []any{"B"},
			keyCitationSources: []any{"source:s"}, keyCitationQuotes: []any{"q"}}
		for k, v := range over {
			if v == nil {
				delete(m, k)
				continue
			}
			m[k] = v
		}
		return m
	}
	relation := func(over map[string]any) map[string]any {
		m := map[string]any{"type": "ATTENDED", "from": "person:a", "to": "meeting:m", "props": map[string]any{}}
		for k, v := range over {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name string
		read func(r row)
		m    map[string]any
		want string // in the error
	}{
		{"entity without id", func(r row) { entityOf(r) }, entity(map[string]any{keyID: nil}), `row e.id: missing`},
		{"entity id a number", func(r row) { entityOf(r) }, entity(map[string]any{keyID: int64(7)}), `row e.id: int64, want string`},
		{"entity name null", func(r row) { entityOf(r) }, entity(map[string]any{keyName: nil}), `row e.name: missing`},
		{"alias a number", func(r row) { entityOf(r) }, entity(map[string]any{keyAliases: []any{"B", int64(2)}}), `row e.aliases[1]: int64, want string`},
		{"aliases a string", func(r row) { entityOf(r) }, entity(map[string]any{keyAliases: "B"}), `row e.aliases: string, want []interface {}`},
		{"a quote short", func(r row) { entityOf(r) }, entity(map[string]any{keyCitationQuotes: []any{}}), `row e.citationQuotes: 0 values for 1 sources`},
		{"claims not JSON", func(r row) { entityOf(r) }, entity(map[string]any{keyClaims: `[{"field": "name"`}), `row e.claims: not a JSON list of claims`},
		{"claims a number", func(r row) { entityOf(r) }, entity(map[string]any{keyClaims: int64(3)}), `row e.claims: int64, want string`},
		{"claims an object", func(r row) { entityOf(r) }, entity(map[string]any{keyClaims: `{"field": "name"}`}), `row e.claims: not a JSON list of claims`},
		{"bases short", func(r row) { entityOf(r) }, entity(map[string]any{keyCitationBases: []any{}}), `row e.citationBases: 0 values for 1 sources`},
		{"basis unknown", func(r row) { entityOf(r) }, entity(map[string]any{keyCitationBases: []any{"GUESSED"}}), `row e.citationBases[0]: basis "GUESSED"`},
		{"notes long", func(r row) { entityOf(r) }, entity(map[string]any{keyCitationNotes: []any{"a", "b"}}), `row e.citationNotes: 2 values for 1 sources`},
		{"fields a number", func(r row) { entityOf(r) }, entity(map[string]any{keyCitationFields: []any{int64(1)}}), `row e.citationFields[0]: int64, want string`},
		{"relation without props", func(r row) { relationOf(r) }, relation(map[string]any{"props": "x"}), `row e.props: string, want map[string]interface {}`},
		{"relation type a list", func(r row) { relationOf(r) }, relation(map[string]any{"type": []any{"A"}}), `row e.type: []interface {}, want string`},
		{"rows of strings", func(r row) { r.rows("list") }, map[string]any{"list": []any{map[string]any{}, "x"}}, `row e.list[1]: string, want a map`},
		{"source url a number", func(r row) { sourceOf(r) }, map[string]any{keyID: "source:s", "title": "T", "text": "x", "url": int64(1)}, `row e.url: int64, want string`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var d decoder
			tc.read(row{d: &d, name: "e", m: tc.m})
			if d.err == nil || !strings.Contains(d.err.Error(), tc.want) {
				t.Fatalf("reading %v: err = %v, want one containing %q", tc.m, d.err, tc.want)
			}
			err := mapError(t.Context(), "test", d.err)
			if kg.ErrorCode(err) != kg.CodeInternal || strings.Contains(kg.ErrorMessage(err), tc.want) {
				t.Errorf("mapError = %s %q, want %s without the detail", kg.ErrorCode(err), kg.ErrorMessage(err), kg.CodeInternal)
			}
		})
	}
}

// TestDecodeKeepsFirstError checks that a reader goes on after an error without replacing it.
func TestDecodeKeepsFirstError(t *testing.T) {
	var d decoder
	r := d.record(&neo4j.Record{Keys: []string{"a", "b"}, Values: []any{"x", int64(1)}})
	if got := need[int64](r, "a"); got != 0 {
		t.Errorf("need[int64](a string) = %d, want 0", got)
	}
	if got := need[int64](r, "b"); got != 1 {
		t.Errorf("need[int64](b) = %d, want 1", got)
	}
	need[string](r, "c")
	if d.err == nil || !strings.Contains(d.err.Error(), "record.a: string, want int64") {
		t.Errorf("err = %v, want the first error, about record.a", d.err)
	}
}

// TestDecodeOptional checks what maybe and strings give for missing and null keys: zero values,
// no error.
func TestDecodeOptional(t *testing.T) {
	var d decoder
	r := row{d: &d, name: "e", m: map[string]any{"null": nil, "s": "x"}}
	if got := maybe[string](r, "missing") + maybe[string](r, "null"); got != "" {
		t.Errorf("maybe(missing) + maybe(null) = %q, want empty", got)
	}
	if got := maybe[string](r, "s"); got != "x" {
		t.Errorf("maybe(s) = %q, want x", got)
	}
	if got := r.strings("null"); got != nil {
		t.Errorf("strings(null) = %q, want nil", got)
	}
	if d.err != nil {
		t.Errorf("err = %v, want none", d.err)
	}
}

// TestDecodeNamesNestedPlaces checks that an error deep in an answer names the whole way to it:
// record, list index, map key, list index.
func TestDecodeNamesNestedPlaces(t *testing.T) {
	good := map[string]any{"entity": map[string]any{keyID: "person:a", keyName: "A"}}
	bad := map[string]any{"entity": map[string]any{keyID: "person:b", keyName: "B", keyAliases: []any{"C", false}}}
	rec := &neo4j.Record{Keys: []string{"total", "page"}, Values: []any{int64(2), []any{good, bad}}}
	var d decoder
	_, rows := pageOf(&d, []*neo4j.Record{rec})
	for _, r := range rows {
		entityOf(r.sub("entity", true))
	}
	const want = "row record.page[1].entity.aliases[1]: bool, want string"
	if d.err == nil || d.err.Error() != want {
		t.Errorf("err = %v, want %q", d.err, want)
	}
}

// BenchmarkDecodeEntities reads a page of 100 entity rows as a list query returns them: the
// decoder's own cost, apart from Neo4j's.
func BenchmarkDecodeEntities(b *testing.B) {
	page := make([]any, 100)
	for i := range page {
		page[i] = map[string]any{"entity": map[string]any{keyID: "person:a", keyName: "A", keyAliases: []any{"B", "C"},
			keyDescription: "d", keyCitationSources: []any{"source:s", "source:t"}, keyCitationQuotes: []any{"q", "r"},
			keySearchText: "a\nb", "born": "1970"}}
	}
	rec := &neo4j.Record{Keys: []string{"total", "page"}, Values: []any{int64(100), page}}
	b.ReportAllocs()
	for b.Loop() {
		var d decoder
		_, rows := pageOf(&d, []*neo4j.Record{rec})
		for _, r := range rows {
			entityOf(r.sub("entity", true))
		}
		if d.err != nil {
			b.Fatal(d.err)
		}
	}
}
