package neo4jstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, b *kg.Bundle) kg.Store { return neo4jtest.Store(t, b) })
}

// TestRoundTrips checks that every Store call, whatever the size of its batch, is one round trip
// (Search's page: search_prefetch.go).
func TestRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Store(t, storetest.Fixture())
	ids := []string{"person:rachel-poynter", "person:blas-nunez-neto", "meeting:21cb-esc-14th-plenary", "country:mexico", "nope:x"}
	calls := []struct {
		name string
		call func() error
	}{
		{"Entities", func() error { _, err := s.Entities(ctx, ids); return err }},
		{"Sources", func() error {
			_, err := s.Sources(ctx, []string{"source:fixture-briefing", "source:joint-statement-14th-plenary"})
			return err
		}},
		{"Relations", func() error { _, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Limit: 2}); return err }},
		{"ListEntities", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: 2, Offset: 1,
				Where: &kg.Filter{Rels: []kg.RelCond{{Types: []string{kg.RelAttended}, Quantifier: kg.Some}}}})
			return err
		}},
		{"ListSources", func() error { _, err := s.ListSources(ctx, kg.ListQuery{Limit: 1}); return err }},
		{"Search", func() error { _, err := s.Search(ctx, kg.SearchQuery{Text: "poynter", Limit: 5}); return err }},
		{"Import", func() error { _, err := s.Import(ctx, storetest.Fixture(), kg.ImportOptions{}); return err }},
		{"UpsertEntity", func() error {
			_, err := s.UpsertEntity(ctx, &kg.Entity{Kind: kg.KindTopic, Name: "Trade", Description: "Changed.",
				Citations: []kg.Citation{{Source: "source:fixture-briefing", Quote: "Canada joined the trilateral migration talks in 2022."}}})
			return err
		}},
		{"RemoveRelation", func() error {
			_, err := s.RemoveRelation(ctx, kg.RelAttended, "person:rachel-poynter", "meeting:21cb-esc-14th-plenary")
			return err
		}},
		{"DeleteEntity", func() error { _, err := s.DeleteEntity(ctx, "person:david-okafor", "test"); return err }},
		{"Changes", func() error { _, err := s.Changes(ctx, kg.ChangeQuery{Entity: "topic:trade", Limit: 5}); return err }},
	}
	for _, c := range calls {
		before := s.RoundTrips()
		if err := c.call(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := s.RoundTrips() - before; got != 1 {
			t.Errorf("%s took %d round trips, want 1", c.name, got)
		}
	}
}

// hostile are inputs that would change the query if they were spliced into Cypher or Lucene.
var hostile = []string{
	`x' OR 1=1 //`,
	`x" OR true //`,
	"x`}) MATCH (m) DETACH DELETE m //",
	`"}) DETACH DELETE n WITH 1 AS x MATCH (n) RETURN n //`,
	`$p0`,
	`*:*`,
	`searchText:* OR id:*`,
	`poynter~ OR (a AND`,
	`\`,
	`" OR ""="`,
	`) OR (`,
	"\x00",
	"name:[* TO *]",
	`/.*/`,
	`CALL db.clearQueryCaches()`,
}

// TestInjection checks that hostile filter values and search texts are plain data: no error, no
// change to the graph.
func TestInjection(t *testing.T) {
	ctx := context.Background()
	fix := storetest.Fixture()
	s := neo4jtest.Store(t, fix)
	want := storetest.DumpBundle(fix)
	for _, v := range hostile {
		for _, op := range []kg.Op{kg.OpEq, kg.OpContains, kg.OpStartsWith, kg.OpLt, kg.OpIncludes} {
			q := kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{
				Conds: []kg.Cond{{Field: "name", Op: op, Value: v}},
				Or:    []*kg.Filter{{Conds: []kg.Cond{{Field: "id", Op: kg.OpIn, Value: []any{v, "x"}}}}},
			}, Limit: kg.NoLimit}
			page, err := s.ListEntities(ctx, q)
			if err != nil {
				t.Errorf("ListEntities(name %s %q) = %v", op, v, err)
			} else if op == kg.OpEq && page.Total != 0 {
				t.Errorf("ListEntities(name EQ %q).Total = %d, want 0", v, page.Total)
			}
		}
		if _, err := s.ListSources(ctx, kg.ListQuery{Where: &kg.Filter{Conds: []kg.Cond{{Field: "title", Op: kg.OpContains, Value: v}}}, Limit: kg.NoLimit}); err != nil {
			t.Errorf("ListSources(title CONTAINS %q) = %v", v, err)
		}
		if _, err := s.Search(ctx, kg.SearchQuery{Text: v, Limit: 5}); err != nil {
			t.Errorf("Search(%q) = %v", v, err)
		}
		if _, err := s.Entities(ctx, []string{v}); err != nil {
			t.Errorf("Entities(%q) = %v", v, err)
		}
		if _, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{v}, Limit: kg.NoLimit}); err != nil {
			t.Errorf("Relations(%q) = %v", v, err)
		}
		// Relation types that are not in kg.RelationSpecs relate nothing.
		if rels, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{"country:mexico"}, Types: []string{v}, Limit: kg.NoLimit}); err != nil || len(rels[0]) != 0 {
			t.Errorf("Relations(type %q) = %v, %v; want nothing", v, rels, err)
		}
		rq := kg.ListQuery{Kind: kg.KindCountry, Where: &kg.Filter{Rels: []kg.RelCond{{Types: []string{v}, Quantifier: kg.Some}}}, Limit: kg.NoLimit}
		if page, err := s.ListEntities(ctx, rq); err != nil || page.Total != 0 {
			t.Errorf("ListEntities(related by %q) = %v, %v; want nothing", v, page, err)
		}
	}
	got, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("the graph changed after hostile queries:\n%s\nwant:\n%s", got, want)
	}
}

// TestBadFieldRefused checks that field names that are not plain identifiers never reach Cypher.
func TestBadFieldRefused(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Store(t, storetest.Fixture())
	bad := []string{"name` = 1 OR true //", "a b", "", "1abc", "name)", "n.name", "`id`", strings.Repeat("a", 65)}
	for _, f := range bad {
		queries := map[string]kg.ListQuery{
			"where": {Kind: kg.KindPerson, Where: &kg.Filter{Conds: []kg.Cond{{Field: f, Op: kg.OpEq, Value: "x"}}}, Limit: kg.NoLimit},
			"sort":  {Kind: kg.KindPerson, Sort: []kg.SortField{{Field: f}}, Limit: kg.NoLimit},
			"nested": {Kind: kg.KindPerson, Where: &kg.Filter{Rels: []kg.RelCond{{Quantifier: kg.All,
				Where: &kg.Filter{Not: &kg.Filter{Conds: []kg.Cond{{Field: f, Op: kg.OpExists, Value: true}}}}}}}, Limit: kg.NoLimit},
		}
		for name, q := range queries {
			_, err := s.ListEntities(ctx, q)
			if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
				t.Errorf("ListEntities(%s field %q) = %v (code %s), want %s", name, f, err, code, kg.CodeBadUserInput)
			}
		}
	}
	refused := []struct {
		name string
		call func() error
	}{
		{"unknown kind", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: "PERSON:Source", Limit: kg.NoLimit})
			return err
		}},
		{"unknown op", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindCountry, Where: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: "MATCHES", Value: ".*"}}}, Limit: kg.NoLimit})
			return err
		}},
		{"IN without a list", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindCountry, Where: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: kg.OpIn, Value: "Mexico"}}}, Limit: kg.NoLimit})
			return err
		}},
	}
	for _, r := range refused {
		if code := kg.ErrorCode(r.call()); code != kg.CodeBadUserInput {
			t.Errorf("%s: code %s, want %s", r.name, code, kg.CodeBadUserInput)
		}
	}
}

// TestMissingIsNotAnError checks that names the store cannot know (a source field other than
// id, title, publisher, published and url, a relation type or a kind that does not exist) are
// treated as matching nothing, as in every store, and never reach Cypher.
func TestMissingIsNotAnError(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Store(t, storetest.Fixture())
	sources := []struct {
		where *kg.Filter
		want  int
	}{
		{&kg.Filter{Conds: []kg.Cond{{Field: "text", Op: kg.OpContains, Value: "Mexico"}}}, 0},
		{&kg.Filter{Conds: []kg.Cond{{Field: "text", Op: kg.OpExists, Value: false}}}, 3},
		{&kg.Filter{Conds: []kg.Cond{{Field: "url", Op: kg.OpExists, Value: true}}}, 1},
		{&kg.Filter{Rels: []kg.RelCond{{Quantifier: kg.Some}}}, 0},
		{&kg.Filter{Rels: []kg.RelCond{{Quantifier: kg.None}}}, 3},
	}
	for _, tc := range sources {
		page, err := s.ListSources(ctx, kg.ListQuery{Where: tc.where, Limit: kg.NoLimit})
		if err != nil || page.Total != tc.want {
			t.Errorf("ListSources(%+v) = %+v, %v; want %d sources", tc.where, page, err, tc.want)
		}
	}
	hits, err := s.Search(ctx, kg.SearchQuery{Text: "mexico", Kinds: []kg.Kind{"Entity) DETACH DELETE n //"}, Limit: kg.NoLimit})
	if err != nil || len(hits) != 0 {
		t.Errorf("Search(kind that does not exist) = %d hits, %v; want none", len(hits), err)
	}
	hits, err = s.Search(ctx, kg.SearchQuery{Text: "poynter zzyzx", Limit: 5})
	if err != nil || len(hits) == 0 || hits[0].Entity.ID != "person:rachel-poynter" {
		t.Errorf("Search(one known token, one unknown) = %v, %v; want person:rachel-poynter first", hits, err)
	}
}

// TestImportStats checks the counts of a first import, a repeat, and an update.
func TestImportStats(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Store(t, nil)
	fix := storetest.Fixture()
	total := len(fix.Sources) + len(fix.Entities) + len(fix.Relations)
	steps := []struct {
		name string
		edit func(b *kg.Bundle)
		want kg.ImportStats
	}{
		{"first", nil, kg.ImportStats{Created: total}},
		{"again", nil, kg.ImportStats{Unchanged: total}},
		{"one entity and one relation changed", func(b *kg.Bundle) {
			b.Entities[0].Description = "Changed."
			b.Relations[0].Properties = map[string]any{"note": "changed"}
		}, kg.ImportStats{Updated: 2, Unchanged: total - 2}},
	}
	for _, st := range steps {
		b := storetest.Fixture()
		if st.edit != nil {
			st.edit(b)
		}
		rep, err := s.Import(ctx, b, kg.ImportOptions{})
		if err != nil {
			t.Fatalf("%s: Import: %v", st.name, err)
		}
		if got := rep.ImportStats; got != st.want {
			t.Errorf("%s: Import = %+v, want %+v", st.name, got, st.want)
		}
	}
}

// TestImportRefused checks that a bundle the store cannot hold is refused whole, with
// CodeBadUserInput, and leaves the graph as it was.
func TestImportRefused(t *testing.T) {
	ctx := context.Background()
	fix := storetest.Fixture()
	s := neo4jtest.Store(t, fix)
	want := storetest.DumpBundle(fix)
	cases := map[string]func(b *kg.Bundle){
		"invalid bundle":    func(b *kg.Bundle) { b.Relations[0].To = "person:nobody" },
		"reserved property": func(b *kg.Bundle) { b.Entities[1].Properties = map[string]any{"searchText": "x"} },
		"odd property key":  func(b *kg.Bundle) { b.Entities[1].Properties = map[string]any{"a b": "x"} },
		"mixed list":        func(b *kg.Bundle) { b.Entities[1].Properties = map[string]any{"tags": []any{"a", int64(1)}} },
		"nested map":        func(b *kg.Bundle) { b.Relations[1].Properties = map[string]any{"m": map[string]any{"a": "b"}} },
	}
	for name, edit := range cases {
		b := storetest.Fixture()
		b.Entities[0].Name = "Renamed before the bad part"
		edit(b)
		_, err := s.Import(ctx, b, kg.ImportOptions{})
		if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
			t.Errorf("%s: Import code = %s (%v), want %s", name, code, err, kg.CodeBadUserInput)
		}
	}
	got, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("a refused import changed the graph:\n%s", got)
	}
}

// TestEnsureSchema checks that EnsureSchema is idempotent and creates the constraints and the
// full-text index with its analyzer.
func TestEnsureSchema(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Store(t, nil)
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema again: %v", err)
	}
	rows, err := s.Query(ctx, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type WHERE type = 'UNIQUENESS' RETURN labelsOrTypes[0] AS label, properties", nil)
	if err != nil {
		t.Fatal(err)
	}
	unique := map[string]bool{}
	for _, r := range rows {
		if ps, _ := r["properties"].([]any); len(ps) == 1 && ps[0] == "id" {
			unique[r["label"].(string)] = true
		}
	}
	for _, l := range append([]string{"Entity", "Source"}, labels(kg.Kinds)...) {
		if !unique[l] {
			t.Errorf("no uniqueness constraint on :%s(id); have %v", l, unique)
		}
	}
	rows, err = s.Query(ctx, "SHOW INDEXES YIELD name, type, state, options WHERE name = $name RETURN type, state, options.indexConfig AS config",
		map[string]any{"name": neo4jstore.SearchIndex})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0]["type"] != "FULLTEXT" || rows[0]["state"] != "ONLINE" {
		t.Fatalf("full-text index %s = %v, want one online FULLTEXT index", neo4jstore.SearchIndex, rows)
	}
	if cfg, _ := rows[0]["config"].(map[string]any); cfg["fulltext.analyzer"] != neo4jstore.SearchAnalyzer {
		t.Errorf("full-text index config = %v, want analyzer %s", cfg, neo4jstore.SearchAnalyzer)
	}
	rows, err = s.Query(ctx, "CALL db.index.fulltext.listAvailableAnalyzers() YIELD analyzer, stopwords WHERE analyzer = $a RETURN stopwords",
		map[string]any{"a": neo4jstore.SearchAnalyzer})
	if err != nil || len(rows) != 1 {
		t.Fatalf("analyzer %s not available: %v, %v", neo4jstore.SearchAnalyzer, rows, err)
	}
	if sw, _ := rows[0]["stopwords"].([]any); len(sw) != 0 {
		t.Errorf("analyzer %s drops stop words %v; names like \"Secretariat of Foreign Relations\" would lose words", neo4jstore.SearchAnalyzer, sw)
	}
}

func labels(ks []kg.Kind) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = k.Label()
	}
	return out
}
