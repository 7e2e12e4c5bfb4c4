package neo4jstore_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// missingWords returns the words of some entity's searchText (but its band, the last line) that
// the search vocabulary lacks, and how many words the vocabulary holds.
func missingWords(t *testing.T, s *neo4jstore.Store) ([]string, int) {
	t.Helper()
	ents, err := s.Query(t.Context(), `
		MATCH (n:Entity)
		RETURN n.id AS id, n.searchText AS text`, nil)
	if err != nil {
		t.Fatal(err)
	}
	vocab, err := s.Query(t.Context(), `
		MATCH (w:SearchWord)
		RETURN w.word AS word, w.rword AS rword`, nil)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for _, v := range vocab {
		w, _ := v["word"].(string)
		r := []rune(w)
		slices.Reverse(r)
		if v["rword"] != string(r) {
			t.Errorf("vocabulary word %q has rword %v, want %q", w, v["rword"], string(r))
		}
		have[w] = true
	}
	var missing []string
	for _, e := range ents {
		text, _ := e["text"].(string)
		lines := strings.Split(text, "\n")
		for _, w := range strings.Fields(strings.Join(lines[:len(lines)-1], " ")) {
			if !have[w] {
				missing = append(missing, fmt.Sprintf("%s (%v)", w, e["id"]))
			}
		}
	}
	return missing, len(have)
}

// checkWords fails t unless the vocabulary holds every word of every entity's searchText.
func checkWords(t *testing.T, s *neo4jstore.Store, when string) {
	t.Helper()
	if missing, _ := missingWords(t, s); len(missing) > 0 {
		t.Errorf("%s: %d searchText words missing from the vocabulary: %q", when, len(missing), missing[:min(8, len(missing))])
	}
}

// wordSearch returns the ids of the first hits of text.
func wordSearch(t *testing.T, s *neo4jstore.Store, text string) []string {
	t.Helper()
	hits, err := s.Search(t.Context(), kg.SearchQuery{Text: text, Limit: 10})
	if err != nil {
		t.Fatalf("Search(%q): %v", text, err)
	}
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Entity.ID
	}
	return ids
}

// TestSearchWordsFollowWrites checks that every writer of searchText adds its words to the
// search vocabulary in its own transaction: after an import, upserts, an edit, a position (its
// title), a merge and its undo, and a withdrawal, every word of every searchText is in it, and a
// typo of each new name, which the page search expands on the vocabulary, finds its entity.
func TestSearchWordsFollowWrites(t *testing.T) {
	ctx := t.Context()
	s := neo4jtest.Store(t, storetest.Fixture())
	checkWords(t, s, "after the import")

	const quote = "The Zorblatt Accord, the Quintaine Compact and the Vellichor Pact were signed by the Plenipotentiary Xanthuvar."
	src := &kg.Source{ID: "source:words-note", Title: "Words note", Published: "2024-01", Text: quote}
	if _, err := s.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	cite := []kg.Citation{{Source: src.ID, Quote: quote}}
	upsert := func(e *kg.Entity) *kg.Entity {
		t.Helper()
		got, err := s.UpsertEntity(ctx, e)
		if err != nil {
			t.Fatalf("UpsertEntity(%s): %v", e.Name, err)
		}
		return got
	}
	accord := upsert(&kg.Entity{Kind: kg.KindTopic, Name: "Zorblatt Accord", Citations: cite})
	compact := upsert(&kg.Entity{Kind: kg.KindTopic, Name: "Quintaine Compact", Citations: cite})
	pact := upsert(&kg.Entity{Kind: kg.KindTopic, Name: "Vellichor Pact", Citations: cite})
	checkWords(t, s, "after the upserts")
	if got := wordSearch(t, s, "zorblat"); !slices.Equal(got, []string{accord.ID}) {
		t.Errorf("Search(zorblat) = %v, want [%s]", got, accord.ID)
	}

	accord.Name = "Marrowind Accord"
	accord = upsert(accord)
	checkWords(t, s, "after the edit")
	if got := wordSearch(t, s, "marowind"); !slices.Equal(got, []string{accord.ID}) {
		t.Errorf("Search(marowind) after the rename = %v, want [%s]", got, accord.ID)
	}

	// A title: the person is found by a typo of it.
	person := upsert(&kg.Entity{Kind: kg.KindPerson, Name: "Orla Fenwick", Citations: cite})
	org := upsert(&kg.Entity{Kind: kg.KindOrganization, Name: "Vellichor Secretariat", Citations: cite})
	if _, err := s.AddRelation(ctx, &kg.Relation{Type: kg.RelHoldsPosition, From: person.ID, To: org.ID,
		Properties: map[string]any{kg.PropTitle: "Plenipotentiary Xanthuvar"}, Citations: cite}); err != nil {
		t.Fatal(err)
	}
	checkWords(t, s, "after the position")
	if got := wordSearch(t, s, "xanthuvr"); !slices.Equal(got, []string{person.ID}) {
		t.Errorf("Search(xanthuvr) after the position = %v, want [%s]", got, person.ID)
	}

	if _, err := s.MergeEntities(ctx, kg.MergeRequest{Into: accord.ID, From: []string{compact.ID}, Reason: "one treaty"}); err != nil {
		t.Fatal(err)
	}
	checkWords(t, s, "after the merge")
	page, err := s.Changes(ctx, kg.ChangeQuery{Entity: accord.ID, Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	var merge string
	for _, c := range page.Changes {
		if c.Action == kg.ActionMergeEntities {
			merge = fmt.Sprintf("change:%d", c.Seq)
		}
	}
	if merge == "" {
		t.Fatalf("no merge change among %+v", page.Changes)
	}
	if _, err := s.UndoMerge(ctx, kg.UndoMergeRequest{Change: merge, Reason: "two treaties after all"}); err != nil {
		t.Fatal(err)
	}
	checkWords(t, s, "after the undo")
	if got := wordSearch(t, s, "quintain"); !slices.Contains(got, compact.ID) {
		t.Errorf("Search(quintain) after the undo = %v, want %s", got, compact.ID)
	}

	if _, err := s.WithdrawSource(ctx, kg.Withdrawal{Source: src.ID, Entities: []string{pact.ID}, Reason: "not in the note"}); err != nil {
		t.Fatal(err)
	}
	checkWords(t, s, "after the withdrawal")
	if got := wordSearch(t, s, "velichor"); slices.Contains(got, pact.ID) {
		t.Errorf("Search(velichor) after the withdrawal = %v, want no %s", got, pact.ID)
	}
}

// TestEnsureSchemaBackfillsWords checks that a database written before the search vocabulary
// (none, and a change log without its mark) gets it from EnsureSchema, which marks the change
// log, and that searches answer as before.
func TestEnsureSchemaBackfillsWords(t *testing.T) {
	ctx := t.Context()
	s := neo4jtest.Store(t, storetest.Fixture())
	queries := []kg.SearchQuery{{Text: "poyntr", Limit: 5}, {Text: "migraton", Limit: 3},
		{Text: "migration dialoge", Limit: 10}, {Text: "secretariat", Limit: 2}}
	search := func() [][]kg.SearchHit {
		out := make([][]kg.SearchHit, len(queries))
		for i, q := range queries {
			hits, err := s.Search(ctx, q)
			if err != nil || len(hits) == 0 {
				t.Fatalf("Search(%q) = %v, %v; want hits", q.Text, hits, err)
			}
			out[i] = hits
		}
		return out
	}
	before := search()
	if err := s.Exec(ctx, `
		MATCH (w:SearchWord)
		DELETE w
		WITH count(*) AS done
		MATCH (l:ChangeLog)
		REMOVE l.searchWords`, nil); err != nil {
		t.Fatal(err)
	}
	if missing, n := missingWords(t, s); n != 0 || len(missing) == 0 {
		t.Fatalf("after deleting the vocabulary it holds %d words, %d missing; want none and some", n, len(missing))
	}
	for run := 1; run <= 2; run++ {
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatalf("EnsureSchema (run %d): %v", run, err)
		}
		checkWords(t, s, fmt.Sprintf("after EnsureSchema run %d", run))
		got := search()
		for i, q := range queries {
			if fmt.Sprint(hitIDs(got[i])) != fmt.Sprint(hitIDs(before[i])) {
				t.Errorf("Search(%q) after EnsureSchema run %d = %v; want %v", q.Text, run, hitIDs(got[i]), hitIDs(before[i]))
			}
		}
	}
	rows, err := s.Query(ctx, `MATCH (l:ChangeLog) RETURN l.searchWords AS mark`, nil)
	if err != nil || len(rows) != 1 || rows[0]["mark"] != true {
		t.Errorf("change log mark after the backfill = %v, %v; want true", rows, err)
	}
}

func hitIDs(hits []kg.SearchHit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.Entity.ID
	}
	return ids
}

// TestSearchWordsOfLargeImport checks that one Import of a 10,000-entity graph, in one
// transaction, stays within Neo4j's transaction memory with the vocabulary written in it (the
// per-entity postings tried before did not), and leaves no word out; and that BulkLoad writes
// the same vocabulary.
func TestSearchWordsOfLargeImport(t *testing.T) {
	g := graphgen.Generate(10_000)
	s := neo4jtest.Store(t, g)
	missing, imported := missingWords(t, s)
	if len(missing) > 0 || imported == 0 {
		t.Errorf("after one Import of 10,000 entities the vocabulary holds %d words, %d missing: %q", imported, len(missing), missing[:min(8, len(missing))])
	}
	if err := s.DeleteAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := s.BulkLoad(bulkActor(t.Context()), g, neo4jstore.BulkLoadOptions{ItemsPerTx: 3000}); err != nil {
		t.Fatal(err)
	}
	missing, loaded := missingWords(t, s)
	if len(missing) > 0 || loaded != imported {
		t.Errorf("after BulkLoad the vocabulary holds %d words (Import: %d), %d missing: %q", loaded, imported, len(missing), missing[:min(8, len(missing))])
	}
}
