package server

import (
	"math"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"
	"github.com/vektah/gqlparser/v2/validator/rules"

	"github.com/diplograph/diplograph/graph"
)

// measure validates query against the real schema and measures its one operation.
func measure(t *testing.T, query string, vars map[string]any) (cost, *costWalker) {
	t.Helper()
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("parse %q: %v", query, err)
	}
	if errs := validator.ValidateWithRules(schema, doc, rules.NewDefaultRules()); len(errs) > 0 {
		t.Fatalf("validate %q: %v", query, errs)
	}
	op := doc.Operations[0]
	coerced, err := validator.VariableValues(schema, op, vars)
	if err != nil {
		t.Fatalf("variables: %v", err)
	}
	w := &costWalker{vars: coerced, fragments: map[fragmentUse]*cost{}}
	return w.selectionSet(op.SelectionSet, false), w
}

func TestCostModel(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		want        cost
	}{
		{"one scalar", `{ __typename }`, nil, cost{complexity: 1, depth: 1, fields: 1}},
		{"object field", `{ entity(id: "x") { name } }`, nil, cost{complexity: 2, depth: 2, fields: 1}},
		// people 1 + 10 × (edges 1 + node (1 + name 1)): the connection's edges count once.
		{"connection by first", `{ people(first: 10) { edges { node { name } } } }`, nil, cost{complexity: 31, depth: 4, fields: 1}},
		{"connection by default first (20)", `{ people { totalCount } }`, nil, cost{complexity: 21, depth: 2, fields: 1}},
		{"first from a variable", `query($n: Int) { people(first: $n) { totalCount } }`, map[string]any{"n": 7}, cost{complexity: 8, depth: 2, fields: 1}},
		{"first null takes the default", `query($n: Int) { people(first: $n) { totalCount } }`, map[string]any{"n": nil}, cost{complexity: 21, depth: 2, fields: 1}},
		// entity 1 + citations (1 + ListSize × quote 1): a list without first holds ListSize items.
		{"list without first", `{ entity(id: "x") { citations { quote } } }`, nil, cost{complexity: 1 + 1 + ListSize, depth: 3, fields: 1}},
		{"list field with first", `{ entity(id: "x") { relations(first: 3) { type } } }`, nil, cost{complexity: 1 + 1 + 3, depth: 3, fields: 1}},
		{"scalar list", `{ entity(id: "x") { aliases } }`, nil, cost{complexity: 2, depth: 2, fields: 1}},
		{"aliases", `{ a: entity(id: "x") { n: name name } b: entity(id: "y") { id } }`, nil, cost{complexity: 5, depth: 2, aliases: 3, fields: 2}},
		{"inline fragments add no depth", `{ entity(id: "x") { ... on Meeting { place { name } } } }`, nil, cost{complexity: 3, depth: 3, fields: 1}},
		{"fragment spreads count every use", `query { a: entity(id: "x") { ...F } b: entity(id: "y") { ...F } }
			fragment F on Entity { x: name id }`, nil, cost{complexity: 6, depth: 2, aliases: 4, fields: 2}},
		{"root fields through a fragment", `query { ...R __typename } fragment R on Query { a: __typename b: __typename }`, nil, cost{complexity: 3, depth: 1, aliases: 2, fields: 3}},
		{"introspection is counted, not measured", `{ __schema { types { fields { type { ofType { ofType { name } } } } } } }`, nil, cost{complexity: 1, depth: 1, fields: 1, introspections: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, _ := measure(t, tc.query, tc.vars)
			if got != tc.want {
				t.Errorf("measure(%q) = %+v, want %+v", tc.query, got, tc.want)
			}
		})
	}
}

// A document that spreads fragments into fragments expands exponentially; measuring it takes time
// linear in its size, and the cost saturates instead of overflowing.
func TestCostModelFragmentExpansion(t *testing.T) {
	var b strings.Builder
	b.WriteString("query { entity(id: \"x\") { ...F0 } }\n")
	const n = 70 // 2^70 expansions
	for i := range n {
		next := "name"
		if i+1 < n {
			next = "...F" + itoa(i+1)
		}
		b.WriteString("fragment F" + itoa(i) + " on Entity { a" + itoa(i) + ": citations { source { id } } " + next + " ... on Node { " + strings.TrimPrefix(next, "name") + " id } }\n")
	}
	got, w := measure(t, b.String(), nil)
	if len(w.fragments) != n {
		t.Errorf("measured %d fragments, want each of the %d once", len(w.fragments), n)
	}
	if got.complexity != math.MaxInt || got.aliases != math.MaxInt {
		t.Errorf("cost of 2^%d expansions = %+v, want complexity and aliases saturated at MaxInt", n, got)
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

func TestCountMerges(t *testing.T) {
	for _, tc := range []struct {
		name, query string
		want        int
	}{
		{"distinct fields", `{ entity(id: "x") { id name kind } }`, 0},
		{"a field twice", `{ entity(id: "x") { name name } }`, 1},
		{"a field four times", `{ entity(id: "x") { name name name name } }`, 6},
		{"an alias counts by its response name", `{ entity(id: "x") { name name: id } }`, 1},
		{"through inline fragments", `{ entity(id: "x") { name ... on Person { name } ... on Meeting { name } } }`, 3},
		{"through fragment spreads", `{ entity(id: "x") { name ...F } } fragment F on Entity { name }`, 1 + 0},
		{"pairs of spreads", `{ entity(id: "x") { ...A ...B ...C } } fragment A on Entity { id } fragment B on Entity { name } fragment C on Entity { kind }`, 3},
		// entity twice (1), then their merged sub-selections: name three times (3) and id once.
		{"merged sub-selections", `{ entity(id: "x") { name name } entity(id: "x") { name id } }`, 1 + 3},
		{"fragment definitions on their own", `{ __typename } fragment F on Entity { id id }`, 1},
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: tc.query})
		if err != nil {
			t.Fatal(err)
		}
		if got := countMerges(doc, 1000); got != tc.want {
			t.Errorf("%s: countMerges(%q) = %d, want %d", tc.name, tc.query, got, tc.want)
		}
	}
}

// A document that spreads fragments into fragments explodes when expanded; counting stops once the
// limit is passed, however large the expansion.
func TestCountMergesStopsAtTheLimit(t *testing.T) {
	var b strings.Builder
	b.WriteString("{ entity(id: \"x\") { ...F0 } }\n")
	for i := range 60 {
		b.WriteString("fragment F" + itoa(i) + " on Entity { name ...F" + itoa(i+1) + " ...F" + itoa(i+1) + " }\n")
	}
	b.WriteString("fragment F60 on Entity { id }\n")
	doc, err := parser.ParseQuery(&ast.Source{Input: b.String()})
	if err != nil {
		t.Fatal(err)
	}
	if got := countMerges(doc, 2000); got <= 2000 {
		t.Errorf("countMerges of 2^60 expansions = %d, want over the limit", got)
	}
}

func TestCountTokens(t *testing.T) {
	for _, tc := range []struct {
		query    string
		max      int
		want     int
		describe string
	}{
		{`{ __typename }`, 100, 3, "braces and a name"},
		{`{ entity(id: "x") { name } }`, 100, 11, "punctuation and strings count"},
		{"# a comment\n{ __typename }", 100, 4, "comments count"},
		{`{ a b c d e f g h }`, 5, 6, "stops one past the limit"},
		{`{ "unterminated`, 100, 1, "a lexical error ends the count"},
		{``, 100, 0, "empty"},
	} {
		if got, _ := countTokens(tc.query, tc.max); got != tc.want {
			t.Errorf("countTokens(%q, %d) = %d, want %d (%s)", tc.query, tc.max, got, tc.want, tc.describe)
		}
	}
}

func TestNegotiate(t *testing.T) {
	for _, tc := range []struct {
		accept, want string
		ok           bool
	}{
		{"", mediaJSON, true},
		{"*/*", mediaJSON, true},
		{"application/*", mediaJSON, true},
		{"application/json", mediaJSON, true},
		{"application/graphql-response+json", mediaGraphQLResponse, true},
		{"application/graphql-response+json, application/json", mediaGraphQLResponse, true},
		{"application/json, application/graphql-response+json", mediaGraphQLResponse, true},
		{"application/graphql-response+json;q=0.9, application/json", mediaJSON, true},
		{"application/json;q=0.5, application/graphql-response+json;q=0.8", mediaGraphQLResponse, true},
		{"application/graphql-response+json;charset=utf-8", mediaGraphQLResponse, true},
		{"text/html,application/xhtml+xml,*/*;q=0.8", mediaJSON, true},
		{"application/graphql-response+json;q=0, */*", mediaJSON, true},
		{"text/html", "", false},
		{"application/json;q=0", "", false},
		{"application/json;q=x", "", false},
	} {
		got, ok := negotiate(tc.accept)
		if got != tc.want || ok != tc.ok {
			t.Errorf("negotiate(%q) = %q, %t, want %q, %t", tc.accept, got, ok, tc.want, tc.ok)
		}
	}
}

// BenchmarkCostLimits measures the work the limits add to each request: lexing the document for
// the token count, and measuring the validated operation.
func BenchmarkCostLimits(b *testing.B) {
	const query = `query($n: Int) { meetings(first: $n, sort: [{date: ASC}]) { edges { node { name
		attendances { role person { name positions { title organization { name } } } } } } } }`
	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		b.Fatal(err)
	}
	if errs := validator.ValidateWithRules(schema, doc, rules.NewDefaultRules()); len(errs) > 0 {
		b.Fatal(errs)
	}
	vars, err := validator.VariableValues(schema, doc.Operations[0], map[string]any{"n": 50})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("tokens", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if n, _ := countTokens(query, DefaultMaxTokens); n == 0 {
				b.Fatal("no tokens")
			}
		}
	})
	b.Run("merges", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			doc, err := parser.ParseQuery(&ast.Source{Input: query})
			if err != nil || countMerges(doc, DefaultMaxMerges) != 0 {
				b.Fatal("want a document without merges")
			}
		}
	})
	b.Run("measure", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			w := &costWalker{vars: vars, fragments: map[fragmentUse]*cost{}}
			if w.selectionSet(doc.Operations[0].SelectionSet, false).complexity == 0 {
				b.Fatal("no cost")
			}
		}
	})
}
