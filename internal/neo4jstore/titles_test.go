package neo4jstore_test

import (
	"context"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
)

// TestTitlesBackfilled checks that EnsureSchema gives a database written before position titles
// were searchable (search properties without titles, a change log without the mark) the titles,
// once: "ambassador" finds Ken Salazar afterwards, and a second EnsureSchema has nothing to do.
func TestTitlesBackfilled(t *testing.T) {
	ctx := context.Background()
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	s := neo4jtest.Store(t, b)
	search := func() []string {
		hits, err := s.Search(ctx, kg.SearchQuery{Text: "ambassador", Limit: 5})
		if err != nil {
			t.Fatalf("Search(ambassador) error = %v", err)
		}
		var ids []string
		for _, h := range hits {
			ids = append(ids, h.Entity.ID)
		}
		return ids
	}
	if got := search(); !slices.Equal(got, []string{"person:ken-salazar"}) {
		t.Fatalf("Search(ambassador) on an imported graph = %q, want [person:ken-salazar]", got)
	}
	// As an earlier version wrote it: search keys of the name, aliases and acronym only.
	if err := s.Exec(ctx, `
		MATCH (n:Person)
		WITH n, split(n.searchText, '\n') AS lines
		SET n.searchText = lines[0] + '\n' + lines[-1], n.searchKeys = [lines[0]]
		WITH count(*) AS done
		MATCH (l:ChangeLog)
		REMOVE l.searchTitles`, nil); err != nil {
		t.Fatal(err)
	}
	if got := search(); len(got) != 0 {
		t.Fatalf("Search(ambassador) without titles in the index = %q, want none (the test's old state is wrong)", got)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatalf("EnsureSchema() error = %v", err)
	}
	if got := search(); !slices.Equal(got, []string{"person:ken-salazar"}) {
		t.Errorf("Search(ambassador) after EnsureSchema = %q, want [person:ken-salazar]", got)
	}
	rows, err := s.Query(ctx, `MATCH (l:ChangeLog) RETURN l.searchTitles AS mark`, nil)
	if err != nil || len(rows) != 1 || rows[0]["mark"] != true {
		t.Errorf("change log mark after the backfill = %v, %v; want true", rows, err)
	}
}
