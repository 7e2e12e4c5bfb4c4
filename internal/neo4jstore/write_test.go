package neo4jstore_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestImportFailingLateWritesNothing makes the last batch of a large import violate a uniqueness
// constraint, after the earlier batches have been written in the same transaction, and checks
// that nothing of the import remains: no node at all (no entity, relation, change, and no search
// vocabulary word, which a large import adds in transactions of its own before its own and drops
// again when it fails), no change number taken.
func TestImportFailingLateWritesNothing(t *testing.T) {
	ctx := kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:test", Authenticated: true})
	s := neo4jtest.Store(t, storetest.Fixture())
	b := graphgen.Generate(3 * neo4jstore.BatchSize)
	last := b.Entities[len(b.Entities)-1]
	// A node with the last entity's label and id but not :Entity: the store does not see it as an
	// entity, plans to create one, and the person_id constraint refuses the creation. It has a
	// name, as lists of the label read one from every node they match.
	if err := s.Exec(t.Context(), "CREATE (:"+last.Kind.Label()+" {id: $id, name: 'obstacle'})", map[string]any{"id": last.ID}); err != nil {
		t.Fatal(err)
	}
	before, nodes, words := dumpOf(t, s), countNodes(t, s), vocabulary(t, s)
	changes, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}

	rep, err := s.Import(ctx, b, kg.ImportOptions{})
	if kg.ErrorCode(err) != kg.CodeConflict {
		t.Fatalf("Import(last batch conflicting) = %+v, %v; want a %s error", rep, err, kg.CodeConflict)
	}
	if rep.Created+rep.Updated != 0 {
		t.Errorf("Import(failed) report = %+v, want no counts", rep.ImportStats)
	}
	if after := dumpOf(t, s); after != before {
		t.Errorf("a failed import left part of itself in the graph")
	}
	if n := countNodes(t, s); n != nodes {
		t.Errorf("a failed import left %d nodes behind", n-nodes)
	}
	if added, removed := vocabularyChange(words, vocabulary(t, s)); len(added)+len(removed) > 0 {
		t.Errorf("a failed import changed the search vocabulary: %d words added (%q), %d removed (%q)",
			len(added), added[:min(8, len(added))], len(removed), removed[:min(8, len(removed))])
	}
	again, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	if err != nil || again.Total != changes.Total || again.Changes[0].Seq != changes.Changes[0].Seq {
		t.Errorf("a failed import changed the audit trail: %+v, want %+v", again, changes)
	}

	// Once the obstacle is gone, the same bundle imports whole, its words with it.
	if err := s.Exec(t.Context(), "MATCH (n {id: $id}) WHERE NOT n:Entity DELETE n", map[string]any{"id": last.ID}); err != nil {
		t.Fatal(err)
	}
	rep, err = s.Import(ctx, b, kg.ImportOptions{})
	if err != nil || rep.Created != len(b.Sources)+len(b.Entities)+len(b.Relations) {
		t.Errorf("Import(after clearing) = %+v, %v; want everything created", rep, err)
	}
	checkWords(t, s, "after the import")
}

// TestLargeImportRefusedWritesNothing checks that a bundle of more than BatchSize entities that
// is refused for its problems leaves no node at all in an empty database: not the search words
// it writes before planning, nor a change log.
func TestLargeImportRefusedWritesNothing(t *testing.T) {
	ctx := kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:test", Authenticated: true})
	s := neo4jtest.Store(t, nil)
	cases := map[string]func(b *kg.Bundle){
		"relation to an unknown entity": func(b *kg.Bundle) { b.Relations[0].To = "person:nobody" },
		"unsupported citation": func(b *kg.Bundle) {
			b.Entities[len(b.Entities)-1].Citations[0].Quote = "words no source of the bundle holds"
		},
	}
	for name, edit := range cases {
		b := graphgen.Generate(neo4jstore.BatchSize + 500)
		edit(b)
		rep, err := s.Import(ctx, b, kg.ImportOptions{})
		if kg.ErrorCode(err) != kg.CodeBadUserInput || len(rep.Problems) == 0 {
			t.Errorf("%s: Import = %+v, %v; want problems and a %s error", name, rep.ImportStats, err, kg.CodeBadUserInput)
		}
		if n := countNodes(t, s); n != 0 {
			t.Errorf("%s: a refused import left %d nodes in an empty database: %v", name, n, nodeLabels(t, s))
		}
	}
}

// TestFailedImportKeepsWordsOfCommittedWriters checks that the words a large import pre-wrote
// and no entity holds go when it is refused, but not one that a writer which committed
// meanwhile wrote an entity with (finding the word there, it did not add it itself); and that a
// writer after the drop adds a dropped word again.
func TestFailedImportKeepsWordsOfCommittedWriters(t *testing.T) {
	ctx := kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:test", Authenticated: true})
	s := neo4jtest.Store(t, storetest.Fixture())
	before := vocabulary(t, s)
	b := graphgen.Generate(neo4jstore.BatchSize + 500)
	b.Relations[0].To = "person:nobody"

	const quote = "The envoys met again."
	src := &kg.Source{ID: "source:envoys-note", Title: "Envoys note", Published: "2024-02", Text: quote}
	if _, err := s.AddSource(ctx, src); err != nil {
		t.Fatal(err)
	}
	upsert := func(word string) *kg.Entity {
		t.Helper()
		e, err := s.UpsertEntity(ctx, &kg.Entity{Kind: kg.KindTopic, Name: word,
			Citations: []kg.Citation{{Source: src.ID, Quote: quote}}})
		if err != nil {
			t.Fatalf("UpsertEntity(%s): %v", word, err)
		}
		return e
	}
	// Two words the import pre-writes and the graph did not hold: the longest of letters only,
	// so that a typo of each finds its entity.
	var kept, dropped string
	var held *kg.Entity
	neo4jstore.BeforeDropPrewritten(t, func(created []string) {
		var letters []string
		for _, w := range created {
			if strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 && len(w) >= 8 && !before[w] {
				letters = append(letters, w)
			}
		}
		if len(letters) < 2 {
			t.Fatalf("the import pre-wrote %d new words of 8 letters or more, want 2: %q", len(letters), created[:min(8, len(created))])
		}
		slices.SortFunc(letters, func(a, b string) int { return cmp.Or(len(b)-len(a), strings.Compare(a, b)) })
		kept, dropped = letters[0], letters[1]
		held = upsert(kept) // commits while the import's words are there, so it adds none
	})

	if _, err := s.Import(ctx, b, kg.ImportOptions{}); kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Fatalf("Import(relation to an unknown entity) = %v, want a %s error", err, kg.CodeBadUserInput)
	}
	if held == nil {
		t.Fatal("the refused import dropped no word")
	}
	after := vocabulary(t, s)
	if !after[kept] {
		t.Errorf("the refused import dropped %q, which an entity written meanwhile holds", kept)
	}
	if added, _ := vocabularyChange(before, after); !slices.Equal(added, []string{kept}) {
		t.Errorf("after the refused import the vocabulary gained %d words (%q), want only %q", len(added), added[:min(8, len(added))], kept)
	}
	checkWords(t, s, "after the refused import")
	if got := wordSearch(t, s, kept[:3]+kept[4:]); !slices.Contains(got, held.ID) {
		t.Errorf("Search(%q) = %v, want %s", kept[:3]+kept[4:], got, held.ID)
	}

	later := upsert(dropped)
	if !vocabulary(t, s)[dropped] {
		t.Errorf("an upsert of %q after the drop did not add it again", dropped)
	}
	checkWords(t, s, "after an upsert of a dropped word")
	if got := wordSearch(t, s, dropped[:3]+dropped[4:]); !slices.Contains(got, later.ID) {
		t.Errorf("Search(%q) = %v, want %s", dropped[:3]+dropped[4:], got, later.ID)
	}
}

// countNodes returns how many nodes the database holds, of any label.
func countNodes(t *testing.T, s *neo4jstore.Store) int64 {
	t.Helper()
	recs, err := s.Query(t.Context(), "MATCH (n) RETURN count(n) AS n", nil)
	if err != nil {
		t.Fatal(err)
	}
	return recs[0]["n"].(int64)
}

// nodeLabels returns the labels of the database's nodes, with how many nodes have each.
func nodeLabels(t *testing.T, s *neo4jstore.Store) map[string]int64 {
	t.Helper()
	recs, err := s.Query(t.Context(), "MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n", nil)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, r := range recs {
		out[r["label"].(string)] = r["n"].(int64)
	}
	return out
}

// vocabulary returns the words of the search vocabulary.
func vocabulary(t *testing.T, s *neo4jstore.Store) map[string]bool {
	t.Helper()
	recs, err := s.Query(t.Context(), "MATCH (w:SearchWord) RETURN w.word AS word", nil)
	if err != nil {
		t.Fatal(err)
	}
	words := map[string]bool{}
	for _, r := range recs {
		words[r["word"].(string)] = true
	}
	return words
}

// vocabularyChange returns the words of after that before lacks and those of before that after
// lacks, sorted.
func vocabularyChange(before, after map[string]bool) (added, removed []string) {
	for w := range after {
		if !before[w] {
			added = append(added, w)
		}
	}
	for w := range before {
		if !after[w] {
			removed = append(removed, w)
		}
	}
	slices.Sort(added)
	slices.Sort(removed)
	return added, removed
}

func dumpOf(t *testing.T, s kg.Store) string {
	t.Helper()
	d, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
