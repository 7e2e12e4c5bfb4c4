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
// still takes more where docs/search.md says: a page that two-edit typos may reach, or that
// spans several groups too large to read.
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
		{1, kg.SearchQuery{Text: "garcia", Limit: 10}},
		{1, kg.SearchQuery{Text: "maria gar", Limit: 10}},
		{1, kg.SearchQuery{Text: "poyntr", Limit: 10}},
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
