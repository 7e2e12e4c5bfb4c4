package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestSearchWalks runs the search conformance with probes capped at one and at three entities:
// nearly every probe is then large, so pages come from vectors over large probes and from walking
// searchOrder (search_page.go) rather than from reading every hit, and must still be exactly the
// reference ranking's.
func TestSearchWalks(t *testing.T) {
	for _, n := range []int{1, 3} {
		t.Run(map[int]string{1: "cap1", 3: "cap3"}[n], func(t *testing.T) {
			neo4jstore.SetSearchCap(t, n)
			storetest.RunSearch(t, func(t *testing.T, b *kg.Bundle) kg.Store { return neo4jtest.Store(t, b) })
		})
	}
}

// TestSearchLevels runs the search conformance with probes capped at 20 entities, so that groups
// of equal hits are too large to read and pages of them come from the levels of the search index
// (search_levels.go), and checks that they did: from levels below the whole band too, and that
// every search still answers exactly as the reference ranking does.
func TestSearchLevels(t *testing.T) {
	neo4jstore.SetSearchCap(t, 20)
	var stores []*neo4jstore.Store
	storetest.RunSearch(t, func(t *testing.T, b *kg.Bundle) kg.Store {
		s := neo4jtest.Store(t, b)
		stores = append(stores, s)
		return s
	})
	// A larger graph, where groups hold more than the deepest levels' pages.
	b := graphgen.Generate(10_000)
	s := neo4jtest.Store(t, b)
	stores = append(stores, s)
	var queries []kg.SearchQuery
	for _, text := range []string{"garcia", "maria", "lopez", "de", "of", "ministry", "trade", "p", "s", "mar", "pacific", "agency",
		"agency of agriculture", "department of energy", "maria garcia"} {
		for _, n := range []int{1, 10, 40} {
			queries = append(queries, kg.SearchQuery{Text: text, Limit: n})
		}
	}
	storetest.CheckSearches(t, s, b, queries)
	deep, whole, walks := int64(0), int64(0), int64(0)
	for _, s := range stores {
		w, levels := neo4jstore.SearchTakes(s)
		walks += w
		for bits, n := range levels {
			if bits > 0 {
				deep += n
			} else {
				whole += n
			}
		}
	}
	t.Logf("pages of large groups: %d from a level, %d from the whole band, %d walked", deep, whole, walks)
	if deep == 0 || whole == 0 {
		t.Errorf("pages from a level: %d, from the whole band: %d; want some of each", deep, whole)
	}
}

// TestEnsureSchemaBackfillsSearch checks that EnsureSchema gives entities written before the page
// search (no searchOrder or searchKeys, a searchText without its band) what it needs, and that
// searches then answer as before.
func TestEnsureSchemaBackfillsSearch(t *testing.T) {
	ctx := t.Context()
	neo4jstore.SetSearchCap(t, 1) // so that searches walk searchOrder and use the bands
	s := neo4jtest.Store(t, storetest.Fixture())
	queries := []kg.SearchQuery{{Text: "poynter", Limit: 5}, {Text: "migration", Limit: 3}, {Text: "secretariat", Limit: 2}}
	before := make([][]kg.SearchHit, len(queries))
	for i, q := range queries {
		hits, err := s.Search(ctx, q)
		if err != nil || len(hits) == 0 {
			t.Fatalf("Search(%q) = %v, %v; want hits", q.Text, hits, err)
		}
		before[i] = hits
	}
	if err := s.Exec(ctx, `
		MATCH (n:Entity)
		SET n.searchText = reduce(t = '', k IN n.searchKeys | t + CASE WHEN t = '' THEN '' ELSE '\n' END + k)
		REMOVE n.searchOrder, n.searchKeys`, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema: %v", err)
	}
	rows, err := s.Query(ctx, `
		MATCH (n:Entity)
		WHERE n.searchOrder IS NULL OR n.searchKeys IS NULL OR NOT n.searchText CONTAINS '_____'
		RETURN count(n) AS missing`, nil)
	if err != nil || len(rows) != 1 || rows[0]["missing"] != int64(0) {
		t.Fatalf("entities still without search properties after EnsureSchema: %v, %v", rows, err)
	}
	for i, q := range queries {
		hits, err := s.Search(ctx, q)
		if err != nil || !sameHits(hits, before[i]) {
			t.Errorf("Search(%q) after the backfill = %v, %v; want %v", q.Text, hits, err, before[i])
		}
	}
}

// TestEnsureSchemaBackfillsLevels checks that EnsureSchema gives entities written before the
// levels of the search index (search_levels.go) their level words, exactly as a write gives them,
// and marks the change log.
func TestEnsureSchemaBackfillsLevels(t *testing.T) {
	ctx := t.Context()
	s := neo4jtest.Store(t, graphgen.Generate(2000))
	texts := func() map[any]any {
		rows, err := s.Query(ctx, `MATCH (n:Entity) RETURN n.id AS id, n.searchText AS text`, nil)
		if err != nil {
			t.Fatal(err)
		}
		out := map[any]any{}
		for _, r := range rows {
			out[r["id"]] = r["text"]
		}
		return out
	}
	want := texts()
	if err := s.Exec(ctx, `
		MATCH (n:Entity)
		WHERE n.searchText CONTAINS '_____z'
		SET n.searchText = reduce(t = n.searchText, w IN ['_____z15', '_____z12', '_____z09', '_____z06', '_____z03'] |
			replace(t, ' ' + w, ''))
		WITH count(n) AS stripped
		MATCH (l:ChangeLog)
		REMOVE l.searchLevels
		RETURN stripped`, nil); err != nil {
		t.Fatal(err)
	}
	stripped := texts()
	changed := 0
	for id, text := range want {
		if stripped[id] != text {
			changed++
		}
	}
	// One entity in eight has a tie hash that starts with three zero bits.
	if changed < len(want)/16 || changed > len(want)/4 {
		t.Fatalf("%d of %d entities held level words; want about one in eight", changed, len(want))
	}
	for range 2 { // the second finds nothing to do
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatalf("EnsureSchema: %v", err)
		}
	}
	got := texts()
	for id, text := range want {
		if got[id] != text {
			t.Errorf("searchText of %v after the backfill = %q, want %q", id, got[id], text)
		}
	}
	rows, err := s.Query(ctx, `MATCH (l:ChangeLog) RETURN l.searchLevels AS marked`, nil)
	if err != nil || len(rows) != 1 || rows[0]["marked"] != true {
		t.Errorf("change log after the backfill = %v, %v; want it marked", rows, err)
	}
}

func sameHits(a, b []kg.SearchHit) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Entity.ID != b[i].Entity.ID || a[i].Score != b[i].Score {
			return false
		}
	}
	return true
}

// TestSearchOneRoundTrip checks that a page of search hits is one statement, whether the page
// comes from the entities its probes read (the probes' own cap) or from walking a group too large
// to read (a cap of one entity): the statement that runs the probes also reads the page's
// entities and walks the group the page ends in (search_prefetch.go). The hits are the reference
// ranking's (TestSearchWalks checks that for every search of the conformance suite). A search
// still takes more where docs/search.md says: a page that spans several groups too large to
// read, or more than 256 vectors over its probes.
func TestSearchOneRoundTrip(t *testing.T) {
	ctx := t.Context()
	s := neo4jtest.Store(t, graphgen.Generate(2000))
	tests := []struct {
		cap int
		q   kg.SearchQuery
	}{
		{1000, kg.SearchQuery{Text: "garcia", Limit: 10}},
		{1000, kg.SearchQuery{Text: "maria gar", Limit: 10}},
		{1000, kg.SearchQuery{Text: "poyntr", Limit: 10}},
		{1000, kg.SearchQuery{Text: "trade", Kinds: []kg.Kind{kg.KindInitiative}, Limit: 10}},
		{1000, kg.SearchQuery{Text: "Telecomunications Partnership", Limit: 10}}, // two-edit probes
		{1000, kg.SearchQuery{Text: "pacific trade meeting 1234", Limit: 10}},    // 191 vectors
		{100, kg.SearchQuery{Text: "ministry of trade", Limit: 10}},
		{100, kg.SearchQuery{Text: "security", Limit: 100}},
		{20, kg.SearchQuery{Text: "maria", Limit: 10}}, // a page from a level of the index
		{20, kg.SearchQuery{Text: "Secretariat of Migration", Limit: 10}},
		{1, kg.SearchQuery{Text: "garcia", Limit: 10}},
		{1, kg.SearchQuery{Text: "maria gar", Limit: 10}},
		{1, kg.SearchQuery{Text: "poyntr", Limit: 10}},
		{1, kg.SearchQuery{Text: "pablo flores", Limit: 10}}, // more entities with the key than the cap
	}
	for _, tc := range tests {
		neo4jstore.SetSearchCap(t, tc.cap)
		before := s.RoundTrips()
		hits, err := s.Search(ctx, tc.q)
		if err != nil || len(hits) == 0 {
			t.Fatalf("cap %d: Search(%q) = %d hits, %v; want hits", tc.cap, tc.q.Text, len(hits), err)
		}
		if got := s.RoundTrips() - before; got != 1 {
			t.Errorf("cap %d: Search(%q) took %d round trips, want 1", tc.cap, tc.q.Text, got)
		}
	}
}
