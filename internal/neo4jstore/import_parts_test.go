package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestImportInParts checks that a bundle written in many small transactions ends up exactly as
// one Import would leave it, counts every item once, and changes nothing the second time.
func TestImportInParts(t *testing.T) {
	s := neo4jtest.Store(t, nil)
	fx := storetest.Fixture()
	items := len(fx.Sources) + len(fx.Entities) + len(fx.Relations)
	st, err := s.ImportInParts(t.Context(), fx, 7)
	if err != nil {
		t.Fatalf("ImportInParts(fixture, 7) error = %v", err)
	}
	if st != (kg.ImportStats{Created: items}) {
		t.Errorf("ImportInParts(fixture, 7) = %+v, want %d created", st, items)
	}
	got, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if want := storetest.DumpBundle(fx); got != want {
		t.Errorf("the store after ImportInParts differs from the fixture")
	}
	if st, err := s.ImportInParts(t.Context(), fx, 0); err != nil || st != (kg.ImportStats{Unchanged: items}) {
		t.Errorf("ImportInParts again = %+v, %v; want all %d unchanged", st, err, items)
	}

	bad := storetest.Fixture()
	bad.Relations[0].Citations[0].Quote = "words the source does not have"
	bad.Entities = append(bad.Entities, kg.Entity{ID: "person:new", Kind: kg.KindPerson, Name: "New", Citations: bad.Entities[0].Citations})
	if _, err := s.ImportInParts(t.Context(), bad, 1); kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("ImportInParts(invalid bundle) error = %v, want %s", err, kg.CodeBadUserInput)
	}
	if es, _ := s.Entities(t.Context(), []string{"person:new"}); es[0] != nil {
		t.Errorf("an invalid bundle wrote %s", es[0].ID)
	}
}
