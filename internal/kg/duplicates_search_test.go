package kg_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// countingSearcher counts the searches and hits SearchDuplicates asks of a store.
type countingSearcher struct {
	s              kg.Searcher
	searches, hits int
}

func (c *countingSearcher) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	c.searches++
	hits, err := c.s.Search(ctx, q)
	c.hits += len(hits)
	return hits, err
}

// crowdedStore holds the built-in set and a crowd of people who share Ken Salazar's given name or
// surname, and organizations that share words with the built-in ones, so that a search that only
// took its first hits by those words would miss the real duplicate.
func crowdedStore(t *testing.T) *memstore.Store {
	t.Helper()
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	crowd := &kg.Bundle{}
	var text strings.Builder
	var names []string
	for i := range 300 {
		names = append(names, fmt.Sprintf("Kenneth Surname%c%c", 'a'+i/26, 'a'+i%26), fmt.Sprintf("Given%c%c Salazar", 'a'+i/26, 'a'+i%26))
	}
	for _, n := range names {
		text.WriteString(n + " attended. ")
	}
	src := kg.Source{ID: "source:crowd", Title: "Crowd", Text: text.String()}
	crowd.Sources = append(crowd.Sources, src)
	for _, n := range names {
		crowd.Entities = append(crowd.Entities, kg.Entity{Kind: kg.KindPerson, Name: n, Citations: []kg.Citation{{Source: src.ID, Quote: n + " attended."}}})
	}
	b.Sources = append(b.Sources, crowd.Sources...)
	b.Entities = append(b.Entities, crowd.Entities...)
	s, err := memstore.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestSearchDuplicatesInAStore(t *testing.T) {
	s := crowdedStore(t)
	ctx := context.Background()
	tests := []struct {
		e    kg.Entity
		want string // the id of the confident duplicate; "" for none
	}{
		{kg.Entity{Kind: kg.KindPerson, Name: "Kenneth Salazar"}, "person:ken-salazar"},
		{kg.Entity{Kind: kg.KindPerson, Name: "Ambassador Ken Salazar"}, "person:ken-salazar"},
		{kg.Entity{Kind: kg.KindPerson, Name: "Andrés Manuel López Obrador"}, ""}, // possible, not confident
		{kg.Entity{Kind: kg.KindOrganization, Name: "Department of State"}, "organization:us-department-of-state"},
		{kg.Entity{Kind: kg.KindOrganization, Name: "SRE"}, "organization:secretariat-of-foreign-relations"},
		{kg.Entity{Kind: kg.KindDialogue, Name: "High-Level Security Dialogue"}, "dialogue:us-mexico-high-level-security-dialogue"},
		{kg.Entity{Kind: kg.KindOrganization, Name: "Department of Energy"}, ""},
		{kg.Entity{Kind: kg.KindPerson, Name: "Maria Salazar"}, ""},
	}
	for _, tc := range tests {
		cs := &countingSearcher{s: s}
		dups, err := kg.SearchDuplicates(ctx, cs, &tc.e)
		if err != nil {
			t.Fatal(err)
		}
		d, ok := kg.ConfidentDuplicate(dups)
		if got := map[bool]string{true: d.ID}[ok]; got != tc.want {
			t.Errorf("SearchDuplicates(%q) = %+v, want the confident duplicate %q", tc.e.Name, dups, tc.want)
		}
		if most := 8 * kg.MaxDuplicateCandidates; cs.hits > most || cs.searches > 8 {
			t.Errorf("SearchDuplicates(%q) read %d hits in %d searches, want at most %d in 8", tc.e.Name, cs.hits, cs.searches, most)
		}
	}
	// A possible duplicate that is not confident is still reported.
	dups, err := kg.SearchDuplicates(ctx, s, &kg.Entity{Kind: kg.KindPerson, Name: "Andrés Manuel López Obrador"})
	if err != nil || len(dups) == 0 || dups[0].ID != "person:lopez-obrador" {
		t.Errorf("SearchDuplicates(Andrés Manuel López Obrador) = %+v, %v, want person:lopez-obrador first", dups, err)
	}
}
