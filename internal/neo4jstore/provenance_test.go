package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestDatabaseBeforeBasesReadsAsStated checks that a database written before citations had a
// basis (no citationBases, citationNotes, citationFields or claims) serves the same graph with
// every citation STATED, and that importing its bundle again changes nothing: no migration.
func TestDatabaseBeforeBasesReadsAsStated(t *testing.T) {
	ctx := t.Context()
	b := graphgen.Generate(40)
	s := neo4jtest.Store(t, b)
	before, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{
		`MATCH (n:Entity) REMOVE n.citationBases, n.citationNotes, n.citationFields, n.claims`,
		`MATCH ()-[r]->() REMOVE r.citationBases, r.citationNotes, r.citationFields, r.claims`,
	} {
		if err := s.Exec(ctx, stmt, nil); err != nil {
			t.Fatal(err)
		}
	}
	after, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("a database without citation bases reads differently")
	}
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleEditor, Name: "test", Authenticated: true})
	rep, err := s.Import(ctx, graphgen.Generate(40), kg.ImportOptions{})
	if err != nil || rep.Created+rep.Updated != 0 {
		t.Errorf("Import(the same bundle) into the old database = %+v, %v; want everything unchanged", rep, err)
	}
}

// TestDamagedClaimsRefuseWrites checks that a claims property the store cannot read makes a write
// to its entity fail, instead of being replaced by less.
func TestDamagedClaimsRefuseWrites(t *testing.T) {
	ctx := kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleEditor, Name: "test", Authenticated: true})
	s := neo4jtest.Store(t, storetest.Fixture())
	const id = "person:rachel-poynter"
	if err := s.Exec(ctx, `MATCH (n:Entity {id: $id}) SET n.claims = '[{"field": "name", "val'`, map[string]any{"id": id}); err != nil {
		t.Fatal(err)
	}
	fx := storetest.Fixture()
	var e kg.Entity
	for _, x := range fx.Entities {
		if x.ID == id {
			e = x
		}
	}
	e.Description = "A new description."
	if _, err := s.UpsertEntity(ctx, &e); err == nil {
		t.Fatalf("UpsertEntity over damaged claims succeeded; want an error")
	}
	rows, err := s.Query(ctx, `MATCH (n:Entity {id: $id}) RETURN n.claims AS claims, n.description AS d`, map[string]any{"id": id})
	if err != nil || len(rows) != 1 || rows[0]["claims"] != `[{"field": "name", "val` || rows[0]["d"] != nil {
		t.Errorf("after the refused write: %v, %v; want the damaged claims kept and no description", rows, err)
	}
}
