package neo4jstore_test

import (
	"bytes"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestBulkLoadKeepsClaims checks that BulkLoad of the export of a graph whose sources disagree
// gives that graph back: every value with its sources, the same values shown (the first load of
// a database must not drop what a source said any more than an import does).
func TestBulkLoadKeepsClaims(t *testing.T) {
	ctx := bulkActor(t.Context())
	s := neo4jtest.Store(t, storetest.Fixture())
	const (
		src   = "source:later-profile"
		quote = "Blas Nunez, DHS border policy chief, spoke."
	)
	later := &kg.Bundle{
		Sources: []kg.Source{{ID: src, Title: "A later profile", Published: "2024-01", Text: quote}},
		Entities: []kg.Entity{{ID: "person:blas-nunez-neto", Kind: kg.KindPerson, Name: "Blas Nunez",
			Description: "DHS border policy chief.", Citations: []kg.Citation{{Source: src, Quote: quote}}}},
		Relations: []kg.Relation{{Type: kg.RelHoldsPosition, From: "person:blas-nunez-neto", To: "organization:department-of-homeland-security",
			Properties: map[string]any{kg.PropTitle: "Border Policy Chief"}, Citations: []kg.Citation{{Source: src, Quote: quote,
				Basis: kg.BasisInferred, Note: "the profile calls him its border policy chief"}}}},
	}
	rep, err := s.Import(ctx, later, kg.ImportOptions{})
	if err != nil || len(rep.Disagreements) == 0 {
		t.Fatalf("Import(later profile) = %+v, %v; want disagreements", rep, err)
	}
	want, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, _, _, err := kg.WriteBundle(t.Context(), s, &buf); err != nil {
		t.Fatalf("WriteBundle() error = %v", err)
	}
	b, err := kg.DecodeBundle(&buf)
	if err != nil {
		t.Fatalf("DecodeBundle(the export) error = %v", err)
	}

	emptyDatabase(t, s)
	if _, err := s.BulkLoad(ctx, b, neo4jstore.BulkLoadOptions{ItemsPerTx: 50}); err != nil {
		t.Fatalf("BulkLoad(the export) error = %v", err)
	}
	got, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("BulkLoad of the export differs from the graph exported: %s", firstDiff(got, want))
	}
}
