package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
)

// BenchmarkRequest measures one GraphQL request through the whole handler (middleware, transport,
// limits, execution) on the embedded store, and what refusing abusive documents costs: each of the
// refused ones would keep gqlparser's validator busy for seconds.
func BenchmarkRequest(b *testing.B) {
	bundle, err := dataset.Bundle()
	if err != nil {
		b.Fatal(err)
	}
	s, err := memstore.Load(bundle)
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Config{}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	for _, bc := range []struct {
		name, query, want string
	}{
		{"small query", `query Lead { entity(id: "person:roberto-velasco") { name } }`, "Roberto Velasco"},
		{"nested query", `{ meetings(first: 5) { edges { node { name attendances { role person { name positions { title organization { name } } } } } } } }`, "Poynter"},
		{"refused: 10,000 repeated fields", `{ entity(id: "x") { ` + strings.Repeat("name ", 9_990) + `} }`, `"merges"`},
		{"refused: 5,000 distinct fragments", fragments(5_000), `"tokens"`},
		{"refused: 1,000 distinct fragments", fragments(1_000), `"merges"`},
		{"refused: depth", `{ organizations { edges { node { ` + strings.Repeat("parent { ", 20) + "name" + strings.Repeat(" }", 20) + ` } } } }`, `"depth"`},
	} {
		body, _ := json.Marshal(map[string]any{"query": bc.query})
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if !strings.Contains(rec.Body.String(), bc.want) {
					b.Fatalf("answer %.300s, want %s", rec.Body.String(), bc.want)
				}
			}
		})
	}
}

// fragments returns a document spreading n distinct fragments into one selection set.
func fragments(n int) string {
	var q strings.Builder
	q.WriteString(`{ entity(id: "x") { `)
	for i := range n {
		q.WriteString("...F" + itoa(i) + " ")
	}
	q.WriteString("} }")
	for i := range n {
		q.WriteString(" fragment F" + itoa(i) + " on Entity { name }")
	}
	return q.String()
}

// BenchmarkIntrospection measures what introspection costs through the whole handler: the full
// schema once (GraphiQL's question), twenty aliased copies of it in one operation (the abuse of
// issue 17), and documents of thousands of unknown directives or fields, whose errors once filled
// 892 KB.
func BenchmarkIntrospection(b *testing.B) {
	s, err := memstore.Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	h := server.New(server.Config{}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	const schema = `__schema { types { name kind fields(includeDeprecated: true) { name args { name type { name kind ofType { name kind ofType { name kind } } } } type { name kind ofType { name kind ofType { name kind } } } } enumValues { name } inputFields { name } } directives { name args { name } } }`
	var twenty strings.Builder
	twenty.WriteString("{ ")
	for i := range 20 {
		twenty.WriteString("s" + itoa(i) + ": " + schema + " ")
	}
	twenty.WriteString("}")
	for _, bc := range []struct{ name, query, want string }{
		{"one __schema", "{ " + schema + " }", `"__schema"`},
		{"twenty aliased __schema", twenty.String(), `"introspection"`},
		{"4,900 unknown directives", "{ __typename " + strings.Repeat("@a ", 4_900) + "}", `"directives"`},
		{"4,900 unknown fields", "{ " + unknownFields(4_900) + "}", `more errors were left out`},
	} {
		body, _ := json.Marshal(map[string]any{"query": bc.query})
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if !strings.Contains(rec.Body.String(), bc.want) {
					b.Fatalf("answer %.300s, want %s", rec.Body.String(), bc.want)
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/answer")
		})
	}
}

// unknownFields returns n distinct field names that the schema does not have.
func unknownFields(n int) string {
	var q strings.Builder
	for i := range n {
		q.WriteString("x" + itoa(i) + " ")
	}
	return q.String()
}

// BenchmarkLongTexts asks for twenty aliased pages of 100 sources with their texts (100 KB each)
// without a text budget, as before, and with the default one: the answer, and the memory built
// for it, stop near MaxTextBytes.
func BenchmarkLongTexts(b *testing.B) {
	bundle := &kg.Bundle{}
	for i := range 100 {
		bundle.Sources = append(bundle.Sources, kg.Source{ID: "source:long-" + itoa(i), Title: "Long " + itoa(i),
			Text: strings.Repeat("A paragraph of a long release. ", 100_000/31)})
	}
	s, err := memstore.Load(bundle)
	if err != nil {
		b.Fatal(err)
	}
	var q strings.Builder
	q.WriteString("{ ")
	for i := range 20 {
		q.WriteString("p" + itoa(i) + ": sources(first: 100) { edges { node { id text } } } ")
	}
	q.WriteString("}")
	body, _ := json.Marshal(map[string]any{"query": q.String()})
	for _, bc := range []struct {
		name   string
		limits server.Limits
	}{
		{"no text budget", server.Limits{MaxTextBytes: 1 << 40}},
		{"default text budget", server.Limits{}},
	} {
		h := server.New(server.Config{Limits: bc.limits}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			var size int
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "bytes/answer")
		})
	}
}
