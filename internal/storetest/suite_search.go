package storetest

import (
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

func hitIDs(hs []kg.SearchHit) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		if h.Entity == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = h.Entity.ID
	}
	return out
}

// testSearch asserts what the search promises users in plain words: the obvious best hit first,
// the hits that must be found, and the shape of the answer. testSearchRanking checks every hit,
// order and score against the kg ranking.
func testSearch(t *testing.T, s kg.Store) {
	tests := []struct {
		name     string
		q        kg.SearchQuery
		first    string   // the best hit, if any
		order    []string // the first hits, in order, if any
		contains []string // hits that must be present
		absent   []string // hits that must not be present
		count    int      // exact number of hits, if >= 0
	}{
		{name: "accent- and case-insensitive", q: kg.SearchQuery{Text: "nunez neto", Limit: 10}, first: pNunez, count: -1},
		{name: "query with accents, capitals and a hyphen", q: kg.SearchQuery{Text: "NUÑEZ-NETO", Limit: 10}, first: pNunez, count: -1},
		{name: "one token of a name", q: kg.SearchQuery{Text: "poynter", Limit: 10}, first: pPoynter, count: -1},
		{name: "a typo still finds the name", q: kg.SearchQuery{Text: "Poyntr", Limit: 10}, first: pPoynter, count: -1},
		{name: "a typo in every word beats exact partial matches", q: kg.SearchQuery{Text: "Secretriat of Ecnomy", Limit: 3}, first: oSE,
			contains: []string{oSRE}, count: -1},
		{name: "two edits in a long word", q: kg.SearchQuery{Text: "Infrastrcutre Master Plan", Limit: 5}, first: iBIMP, count: -1},
		{name: "two edits in a long word alone", q: kg.SearchQuery{Text: "Infrastrcutre", Limit: 5},
			contains: []string{iBIMP, tBorderInfra}, count: 2},
		{name: "three edits are too many", q: kg.SearchQuery{Text: "Infrastrcutr", Limit: 5}, count: 0},
		{name: "two edits in a short word are too many", q: kg.SearchQuery{Text: "Pyontre", Limit: 5}, count: 0},
		{name: "two typos in two words", q: kg.SearchQuery{Text: "Trilateral Migraton Dialog", Limit: 5}, first: dTrilateral, count: -1},
		{name: "a swap of two letters", q: kg.SearchQuery{Text: "Poytner", Limit: 5}, first: pPoynter, count: -1},
		{name: "an exact alias", q: kg.SearchQuery{Text: "migration framework", Limit: 5}, first: iRMF, count: -1},
		{name: "an acronym with digits", q: kg.SearchQuery{Text: "21CB", Limit: 5}, first: d21CB, count: -1},
		{name: "every token of a name", q: kg.SearchQuery{Text: "21cb 14th", Limit: 5}, first: m14th, count: -1},
		{name: "a prefix: the shorter name first", q: kg.SearchQuery{Text: "secretar", Kinds: []kg.Kind{kg.KindOrganization}, Limit: 5}, order: []string{oSE, oSRE}, count: -1},
		{name: "the exact name before names that contain it", q: kg.SearchQuery{Text: "trade", Limit: 5}, first: tTrade, count: -1},
		{name: "acronym", q: kg.SearchQuery{Text: "SRE", Limit: 10}, first: oSRE, count: -1},
		{name: "lower-case acronym", q: kg.SearchQuery{Text: "sre", Limit: 10}, first: oSRE, count: -1},
		{name: "alias", q: kg.SearchQuery{Text: "State Department", Limit: 10}, first: oDOS, count: -1},
		{name: "accented alias, unaccented query", q: kg.SearchQuery{Text: "secretaria de relaciones exteriores", Limit: 10}, first: oSRE, count: -1},
		{name: "exact name beats names that contain it", q: kg.SearchQuery{Text: "Migration", Limit: 10}, first: tMigration,
			contains: []string{iRMF, iPilot, dTrilateral, mTrilateral}, count: -1},
		{name: "exact two-word name beats a longer name", q: kg.SearchQuery{Text: "border infrastructure", Limit: 10},
			first: tBorderInfra, contains: []string{iBIMP}, count: -1},
		{name: "exact name with an accented query", q: kg.SearchQuery{Text: "méxico", Limit: 10}, first: cMexico,
			contains: []string{plMexicoCity}, count: -1},
		{name: "kinds filter", q: kg.SearchQuery{Text: "migration", Kinds: []kg.Kind{kg.KindInitiative, kg.KindMeeting}, Limit: 10},
			contains: []string{iRMF, iPilot, mTrilateral}, absent: []string{tMigration, dTrilateral}, count: -1},
		{name: "limit", q: kg.SearchQuery{Text: "migration", Limit: 2}, first: tMigration, count: 2},
		{name: "a word of a position's title finds who holds it", q: kg.SearchQuery{Text: "undersecretary", Limit: 5}, first: pOrtiz, count: 1},
		{name: "a whole title ranks its holder as an alias would", q: kg.SearchQuery{Text: "Minister for Political Affairs", Limit: 5},
			first: pRamirez, count: -1},
		{name: "titles of every position, past ones too", q: kg.SearchQuery{Text: "director for border affairs", Limit: 5}, first: pRamirez, count: -1},
		{name: "titles belong to the person, not the organization", q: kg.SearchQuery{Text: "senior advisor", Kinds: []kg.Kind{kg.KindOrganization}, Limit: 5},
			count: 0},
		{name: "empty text gives no hits", q: kg.SearchQuery{Text: "", Limit: 10}, count: 0},
		{name: "blank text gives no hits", q: kg.SearchQuery{Text: "   ", Limit: 10}, count: 0},
		{name: "punctuation only gives no hits", q: kg.SearchQuery{Text: "- ( ) :", Limit: 10}, count: 0},
		{name: "no match gives no hits", q: kg.SearchQuery{Text: "zzyzx", Limit: 10}, count: 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			hits, err := s.Search(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Search(%+v) error = %v", tc.q, err)
			}
			ids := hitIDs(hits)
			if tc.count >= 0 && len(hits) != tc.count {
				t.Errorf("Search(%q) returned %d hits %q, want %d", tc.q.Text, len(hits), ids, tc.count)
			}
			if tc.q.Limit >= 0 && len(hits) > tc.q.Limit {
				t.Errorf("Search(%q, limit %d) returned %d hits", tc.q.Text, tc.q.Limit, len(hits))
			}
			if tc.first != "" && (len(ids) == 0 || ids[0] != tc.first) {
				t.Errorf("Search(%q) = %q, want %s first", tc.q.Text, ids, tc.first)
			}
			if len(ids) < len(tc.order) || !slices.Equal(ids[:len(tc.order)], tc.order) {
				t.Errorf("Search(%q) = %q, want %q first", tc.q.Text, ids, tc.order)
			}
			for _, id := range tc.contains {
				if !slices.Contains(ids, id) {
					t.Errorf("Search(%q) = %q, want it to contain %s", tc.q.Text, ids, id)
				}
			}
			for _, id := range tc.absent {
				if slices.Contains(ids, id) {
					t.Errorf("Search(%q) = %q, want it without %s", tc.q.Text, ids, id)
				}
			}
			checkHits(t, tc.q, hits)
		})
	}
}

// checkHits checks the shape every answer has: full entities of the asked kinds, no duplicates,
// positive scores in non-increasing order.
func checkHits(t *testing.T, q kg.SearchQuery, hits []kg.SearchHit) {
	t.Helper()
	seen := map[string]bool{}
	for i, h := range hits {
		if h.Entity == nil || h.Entity.ID == "" || h.Entity.Name == "" || len(h.Entity.Citations) == 0 {
			t.Errorf("Search(%q) hit %d = %+v, want a whole entity", q.Text, i, h.Entity)
			continue
		}
		if seen[h.Entity.ID] {
			t.Errorf("Search(%q) returned %s twice", q.Text, h.Entity.ID)
		}
		seen[h.Entity.ID] = true
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, h.Entity.Kind) {
			t.Errorf("Search(%q, kinds %v) returned %s of kind %s", q.Text, q.Kinds, h.Entity.ID, h.Entity.Kind)
		}
		if !(h.Score > 0) {
			t.Errorf("Search(%q) hit %s has score %v, want > 0", q.Text, h.Entity.ID, h.Score)
		}
		if i > 0 && h.Score > hits[i-1].Score {
			t.Errorf("Search(%q) hit %d (%s, %v) scores higher than hit %d (%v)", q.Text, i, h.Entity.ID, h.Score, i-1, hits[i-1].Score)
		}
	}
}
