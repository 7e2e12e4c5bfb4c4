package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestImportFailingLateWritesNothing makes the last batch of a large import violate a uniqueness
// constraint, after the earlier batches have been written in the same transaction, and checks
// that nothing of the import remains: no entity, no relation, no change, no change number taken.
// The one trace allowed is search vocabulary words of the bundle, which a large import adds in
// transactions of its own before its own (docs/search.md, "The vocabulary"): an index of words,
// never served, that matches no entity.
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
	count := func() int64 {
		recs, err := s.Query(t.Context(), "MATCH (n) WHERE NOT n:SearchWord RETURN count(n) AS n", nil)
		if err != nil {
			t.Fatal(err)
		}
		return recs[0]["n"].(int64)
	}
	vocabulary := func() map[string]bool {
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
	before, nodes, words := dumpOf(t, s), count(), vocabulary()
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
	if n := count(); n != nodes {
		t.Errorf("a failed import left %d nodes behind", n-nodes)
	}
	bundleWords := map[string]bool{}
	for _, e := range b.Entities {
		for _, text := range append([]string{e.Name, e.Prop(kg.PropAcronym)}, e.Aliases...) {
			for _, w := range kg.SearchTokens(text) {
				bundleWords[w] = true
			}
		}
	}
	for _, r := range b.Relations {
		for _, w := range kg.SearchTokens(r.Prop(kg.PropTitle)) {
			bundleWords[w] = true
		}
	}
	var foreign []string
	for w := range vocabulary() {
		if !words[w] && !bundleWords[w] {
			foreign = append(foreign, w)
		}
	}
	if len(foreign) > 0 {
		t.Errorf("a failed import added %d vocabulary words that are no words of the bundle: %q",
			len(foreign), foreign[:min(8, len(foreign))])
	}
	again, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	if err != nil || again.Total != changes.Total || again.Changes[0].Seq != changes.Changes[0].Seq {
		t.Errorf("a failed import changed the audit trail: %+v, want %+v", again, changes)
	}

	// Once the obstacle is gone, the same bundle imports whole.
	if err := s.Exec(t.Context(), "MATCH (n {id: $id}) WHERE NOT n:Entity DELETE n", map[string]any{"id": last.ID}); err != nil {
		t.Fatal(err)
	}
	rep, err = s.Import(ctx, b, kg.ImportOptions{})
	if err != nil || rep.Created != len(b.Sources)+len(b.Entities)+len(b.Relations) {
		t.Errorf("Import(after clearing) = %+v, %v; want everything created", rep, err)
	}
}

func dumpOf(t *testing.T, s kg.Store) string {
	t.Helper()
	d, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
