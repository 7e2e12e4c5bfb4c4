package server_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// Each limit, at its default and when configured: a query just under it runs, one just over it is
// refused with COST_LIMIT, naming the limit, before any store call.
func TestLimits(t *testing.T) {
	repeat := func(n int, f func(i int) string) string {
		var parts []string
		for i := range n {
			parts = append(parts, f(i))
		}
		return strings.Join(parts, " ")
	}
	// depth: organizations(1) edges(2) node(3), k parents, name.
	depth := func(d int) string {
		return `{ organizations(first: 1) { edges { node { ` + strings.Repeat("parent { ", d-4) + "name" + strings.Repeat(" }", d-4) + ` } } } }`
	}
	aliases := func(n int) string {
		return `{ entity(id: "person:katie-tobin") { ` + repeat(n, func(i int) string { return fmt.Sprintf("a%d: name", i) }) + ` } }`
	}
	rootFields := func(n int) string {
		return `{ ` + repeat(n, func(i int) string { return fmt.Sprintf(`r%d: entity(id: "person:katie-tobin") { id }`, i) }) + ` }`
	}
	// tokens: { search ( query : "x" kinds : [ PERSON × n ] ) { score } } has 15 + n tokens.
	tokens := func(total int) string {
		return `{ search(query: "poynter", kinds: [` + strings.Repeat("PERSON ", total-15) + `]) { score } }`
	}
	// merges: n same-named fields in one selection set make n(n-1)/2 pairs to compare.
	merges := func(n int) string {
		return `{ entity(id: "person:katie-tobin") { ` + strings.Repeat("name ", n) + `} }`
	}
	// introspection: n aliased __schema and __type fields, half and half.
	introspection := func(n int) string {
		return `{ ` + repeat(n, func(i int) string {
			if i%2 == 0 {
				return fmt.Sprintf("s%d: __schema { queryType { name } }", i)
			}
			return fmt.Sprintf(`t%d: __type(name: "Person") { name }`, i)
		}) + ` }`
	}
	// directives: n aliased __typename fields, each with one @include.
	directives := func(n int) string {
		return `{ ` + repeat(n, func(i int) string { return fmt.Sprintf("t%d: __typename @include(if: true)", i) }) + ` }`
	}
	// complexity: people 1 + first × (edges 1 + node 1 + name 1).
	complexity := func(first int) string {
		return fmt.Sprintf(`{ people(first: %d) { edges { node { name } } } }`, first)
	}

	for _, tc := range []struct {
		name        string
		limits      server.Limits
		under, over string
		limit       string
	}{
		{"default depth 10", server.Limits{}, depth(10), depth(11), server.LimitDepth},
		{"depth 5", server.Limits{MaxDepth: 5}, depth(5), depth(6), server.LimitDepth},
		{"default aliases 30", server.Limits{}, aliases(30), aliases(31), server.LimitAliases},
		{"aliases 3", server.Limits{MaxAliases: 3}, aliases(3), aliases(4), server.LimitAliases},
		{"default root fields 20", server.Limits{}, rootFields(20), rootFields(21), server.LimitRootFields},
		{"root fields 2", server.Limits{MaxRootFields: 2}, rootFields(2), rootFields(3), server.LimitRootFields},
		{"default tokens 10000", server.Limits{}, tokens(10_000), tokens(10_001), server.LimitTokens},
		{"tokens 50", server.Limits{MaxTokens: 50}, tokens(50), tokens(51), server.LimitTokens},
		{"complexity 31", server.Limits{MaxComplexity: 31}, complexity(10), complexity(11), server.LimitComplexity},
		// 63 × 62 / 2 = 1953 pairs; 64 × 63 / 2 = 2016.
		{"default merges 2000", server.Limits{}, merges(63), merges(64), server.LimitMerges},
		{"merges 3", server.Limits{MaxMerges: 3}, merges(3), merges(4), server.LimitMerges},
		// Relations of relations of people: 1 + 12 × (3 + 85 × (2 + 96)) = 99,997, plus one per
		// __typename: 100,000 runs, 100,001 does not.
		{"default complexity 100000", server.Limits{},
			`{ __typename __typename __typename people(first: 12) { edges { node { relations(first: 85) { to { relations(first: 96) { type } } } } } } }`,
			`{ __typename __typename __typename __typename people(first: 12) { edges { node { relations(first: 85) { to { relations(first: 96) { type } } } } } } }`,
			server.LimitComplexity},
		{"default introspection 3", server.Limits{}, introspection(3), introspection(4), server.LimitIntrospection},
		{"introspection 1", server.Limits{MaxIntrospection: 1}, introspection(1), introspection(2), server.LimitIntrospection},
		{"introspection through a fragment", server.Limits{MaxIntrospection: 1},
			`{ ...F } fragment F on Query { __schema { queryType { name } } }`,
			`{ ...F ...G } fragment F on Query { __schema { queryType { name } } } fragment G on Query { s: __schema { queryType { name } } }`,
			server.LimitIntrospection},
		{"default directives 100", server.Limits{MaxAliases: 200, MaxRootFields: 200}, directives(100), directives(101), server.LimitDirectives},
		{"directives 2", server.Limits{MaxDirectives: 2}, directives(2), directives(3), server.LimitDirectives},
		{"first 100", server.Limits{}, `{ people(first: 100) { totalCount } }`, `{ people(first: 101) { totalCount } }`, server.LimitFirst},
		{"nested first 100", server.Limits{}, `{ entity(id: "x") { relations(first: 100) { type } } }`, `{ entity(id: "x") { relations(first: 101) { type } } }`, server.LimitFirst},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, server.Config{Limits: tc.limits}, nil)
			if r := s.query(tc.under); r.status != 200 || len(r.errors) > 0 {
				t.Errorf("just under the limit: %d %.300s", r.status, r.body)
			}
			r := s.query(tc.over, acceptGR)
			if r.status != 400 || r.hasData || len(r.errors) != 1 {
				t.Fatalf("just over the limit: %d %.300s, want 400 with one error and no data", r.status, r.body)
			}
			ext := r.errors[0].Extensions
			want := kg.CodeCostLimit
			if tc.limit == server.LimitFirst {
				want = kg.CodeBadUserInput
			}
			if ext["code"] != want || ext["limit"] != tc.limit {
				t.Errorf("just over the limit: extensions %v, want code %s and limit %s", ext, want, tc.limit)
			}
			if most, actual := ext["max"].(float64), ext["actual"].(float64); actual <= most {
				t.Errorf("extensions max %v, actual %v: want actual over max", most, actual)
			}
		})
	}
}

// `first` from a variable is checked like a literal.
func TestFirstLimitFromVariable(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	r := s.post(map[string]any{"query": `query($n: Int) { people(first: $n) { totalCount } }`, "variables": map[string]any{"n": 1000}})
	if r.code(t) != kg.CodeBadUserInput {
		t.Errorf("people(first: $n = 1000): codes %v, want BAD_USER_INPUT", r.codes())
	}
}

// Limits are checked before anything runs: a refused query costs no store call.
func TestLimitsRunNothing(t *testing.T) {
	counting := newCountingMem(t)
	s := newTestServer(t, server.Config{Limits: server.Limits{MaxDepth: 3}}, counting)
	r := s.query(`{ people { edges { node { name } } } }`)
	if r.code(t) != kg.CodeCostLimit {
		t.Fatalf("codes %v, want COST_LIMIT", r.codes())
	}
	if calls := counting.Calls(); len(calls) != 0 {
		t.Errorf("a refused query made store calls %v, want none", calls)
	}
}

func TestIntrospection(t *testing.T) {
	const q = `{ __schema { queryType { name } } }`
	on := newTestServer(t, server.Config{}, nil)
	if r := on.query(q); len(r.errors) > 0 || !strings.Contains(string(r.data), `"Query"`) {
		t.Errorf("introspection on by default: %s", r.body)
	}
	off := newTestServer(t, server.Config{DisableIntrospection: true}, nil)
	for _, q := range []string{q, `{ __type(name: "Person") { name } }`, `{ entity(id: "x") { __type: id } ... on Query { s: __schema { description } } }`} {
		if r := off.query(q, acceptGR); r.status != 400 || r.code(t) != kg.CodeForbidden {
			t.Errorf("introspection off, %s: %d %v, want 400 FORBIDDEN", q, r.status, r.codes())
		}
	}
	if r := off.query(`{ __typename }`); len(r.errors) > 0 {
		t.Errorf("__typename with introspection off: %s, want it to work", r.body)
	}
}

func TestFieldSuggestions(t *testing.T) {
	const typo = `{ peeple { totalCount } }`
	dev := newTestServer(t, server.Config{}, nil)
	if r := dev.query(typo); !strings.Contains(r.body, "Did you mean") {
		t.Errorf("suggestions on by default: %s, want a Did you mean hint", r.body)
	}
	prod := newTestServer(t, server.Config{DisableSuggestions: true}, nil)
	r := prod.query(typo)
	if strings.Contains(r.body, "Did you mean") || strings.Contains(r.body, "people") {
		t.Errorf("suggestions off: %s, want no hint", r.body)
	}
	if r.code(t) != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("suggestions off: codes %v", r.codes())
	}
}

// newCountingMem returns the built-in dataset on the embedded store, counting store calls.
func newCountingMem(t *testing.T) *storetest.Counting {
	t.Helper()
	s, err := memstore.Load(builtin(t)())
	if err != nil {
		t.Fatal(err)
	}
	return storetest.NewCounting(s)
}

// TestErrorsCapped checks that a response carries at most MaxErrors errors plus one that says how
// many were left out: a document of thousands of unknown fields once answered thousands of errors
// in a megabyte.
func TestErrorsCapped(t *testing.T) {
	unknown := func(n int) string {
		var q strings.Builder
		q.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&q, "x%d ", i)
		}
		return q.String() + "}"
	}
	for _, tc := range []struct {
		name      string
		limits    server.Limits
		fields    int
		wantShown int
	}{
		{"under the default", server.Limits{}, 50, 50},
		{"over the default", server.Limits{}, 4_900, 50},
		{"over a configured cap", server.Limits{MaxErrors: 5}, 6, 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, server.Config{Limits: tc.limits}, nil)
			r := s.query(unknown(tc.fields), acceptGR)
			if r.status != 400 {
				t.Fatalf("status %d, want 400: %.300s", r.status, r.body)
			}
			if tc.fields == tc.wantShown {
				if len(r.errors) != tc.fields {
					t.Errorf("%d unknown fields: %d errors, want all %d", tc.fields, len(r.errors), tc.fields)
				}
				return
			}
			if len(r.errors) != tc.wantShown+1 {
				t.Fatalf("%d unknown fields: %d errors, want %d and one about the rest", tc.fields, len(r.errors), tc.wantShown)
			}
			for _, e := range r.errors[:tc.wantShown] {
				if e.Extensions["code"] != "GRAPHQL_VALIDATION_FAILED" {
					t.Errorf("error %+v, want a validation error", e)
				}
			}
			last := r.errors[tc.wantShown]
			ext := last.Extensions
			if ext["code"] != kg.CodeCostLimit || ext["limit"] != server.LimitErrors ||
				ext["max"] != float64(tc.wantShown) || ext["actual"] != float64(tc.fields) ||
				!strings.Contains(last.Message, fmt.Sprintf("%d more errors", tc.fields-tc.wantShown)) {
				t.Errorf("last error %+v, want COST_LIMIT errors, max %d, actual %d, naming %d left out",
					last, tc.wantShown, tc.fields, tc.fields-tc.wantShown)
			}
			if len(r.body) > 20_000 {
				t.Errorf("the answer is %d bytes, want a few KB", len(r.body))
			}
		})
	}
}

// longSources returns a bundle of n sources whose texts are size bytes each.
func longSources(n, size int) *kg.Bundle {
	b := &kg.Bundle{}
	for i := range n {
		b.Sources = append(b.Sources, kg.Source{ID: fmt.Sprintf("source:long-%03d", i), Title: fmt.Sprintf("Long %d", i),
			Text: strings.Repeat(fmt.Sprintf("Paragraph %d of a long release. ", i), size/32)})
	}
	return b
}

// TestTextBudget checks that an answer stops growing once its strings pass MaxTextBytes: the
// texts after the budget fail with COST_LIMIT (limit "text") instead of being added.
func TestTextBudget(t *testing.T) {
	ms, err := memstore.Load(longSources(30, 10_000))
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, server.Config{Limits: server.Limits{MaxTextBytes: 100_000}}, ms)
	if r := s.query(`{ sources(first: 5) { edges { node { id text } } } }`); len(r.errors) > 0 {
		t.Errorf("five texts (50 KB) under a 100 KB budget: errors %.300s", r.body)
	}
	r := s.query(`{ sources(first: 30) { edges { node { id text } } } }`)
	if len(r.errors) == 0 || r.errors[0].Extensions["code"] != kg.CodeCostLimit || r.errors[0].Extensions["limit"] != server.LimitText {
		t.Fatalf("thirty texts (300 KB) over a 100 KB budget: %.300s, want COST_LIMIT text", r.body)
	}
	if len(r.body) > 150_000 {
		t.Errorf("the answer is %d bytes, want it to stop near the 100 KB budget", len(r.body))
	}
}
