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
		recs, err := s.Query(t.Context(), "MATCH (n) RETURN count(n) AS n", nil)
		if err != nil {
			t.Fatal(err)
		}
		return recs[0]["n"].(int64)
	}
	before, nodes := dumpOf(t, s), count()
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
