package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// TestFurtherReleasesLoseNothing is issue 15's reproduction: two further press releases (invented,
// in testdata/releases) that name people, a dialogue and positions of the built-in set by id are
// imported from the command line. Nothing the built-in release said is lost: every value it gives
// is still a claim and every citation is kept; the import lists where the sources now disagree;
// importing them again changes nothing.
func TestFurtherReleasesLoseNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI(t, "import", "--builtin", "--data-dir", dir); code != 0 {
		t.Fatalf("import --builtin = %d, %s", code, stderr)
	}
	releases := []struct {
		file          string
		report        string
		disagreements []string
	}{
		{"15th-plenary-2023.json", "15 created, 6 updated, 0 unchanged", []string{
			`person:ken-salazar name: "Kenneth Salazar"`,
			`person:ken-salazar description:`,
			`person:blas-nunez-neto description:`,
			`dialogue:21st-century-border-management-executive-steering-committee properties.established: "2011" (source:us-mexico-21cb-esc-15th-plenary-2023) vs "2010" (source:us-mexico-21cb-esc-14th-plenary-2022, INFERRED)`,
			`HOLDS_POSITION person:blas-nunez-neto -> organization:department-of-homeland-security properties.acting: false`,
			`HOLDS_POSITION person:blas-nunez-neto -> organization:department-of-homeland-security properties.title: "Assistant Secretary for Border and Immigration Policy"`,
		}},
		{"hlsd-october-2023.json", "7 created, 4 updated, 0 unchanged", []string{
			`person:roberto-velasco description:`,
			`HOLDS_POSITION person:roberto-velasco -> organization:secretariat-of-foreign-relations properties.title: "Chief Officer for North America"`,
		}},
	}
	for _, r := range releases {
		file := filepath.Join("testdata", "releases", r.file)
		code, out, stderr := runCLI(t, "import", "--data-dir", dir, file)
		if code != 0 || !strings.Contains(out, r.report) {
			t.Fatalf("import %s = %d, %q %q; want %s", r.file, code, out, stderr, r.report)
		}
		_, listed, _ := strings.Cut(out, "where sources now disagree")
		if n := strings.Count(listed, "\n  "); n != len(r.disagreements) {
			t.Errorf("import %s listed %d disagreements, want %d:\n%s", r.file, n, len(r.disagreements), out)
		}
		for _, d := range r.disagreements {
			if !strings.Contains(out, "\n  "+d) {
				t.Errorf("import %s output lacks the disagreement %q:\n%s", r.file, d, out)
			}
		}
		if code, out, _ := runCLI(t, "import", "--data-dir", dir, file); code != 0 || !strings.Contains(out, "0 created, 0 updated") || strings.Contains(out, "disagree") {
			t.Errorf("import %s again = %d, %q; want nothing changed", r.file, code, out)
		}
	}

	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	has := func(claims []kg.Claim, c kg.Claim) bool {
		return slices.ContainsFunc(claims, func(x kg.Claim) bool {
			return x.Field == c.Field && x.Source == c.Source && kg.EqualProps(map[string]any{"v": x.Value}, map[string]any{"v": c.Value})
		})
	}
	lost := 0
	for i := range b.Entities {
		want := &b.Entities[i]
		got, err := s.Entities(t.Context(), []string{want.ID})
		if err != nil || got[0] == nil {
			t.Fatalf("Entities(%s) = %v, %v", want.ID, got, err)
		}
		for _, c := range want.ItemClaims() {
			if !has(got[0].ItemClaims(), c) {
				lost++
				t.Errorf("%s lost the built-in release's %s %v", want.ID, c.Field, c.Value)
			}
		}
		for _, c := range want.Citations {
			if !slices.ContainsFunc(got[0].Citations, c.Equal) {
				lost++
				t.Errorf("%s lost the citation %q", want.ID, c.Quote)
			}
		}
	}
	for i := range b.Relations {
		want := &b.Relations[i]
		rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{want.From}, Types: []string{want.Type}, Direction: kg.Out, Limit: kg.NoLimit})
		if err != nil {
			t.Fatal(err)
		}
		i := slices.IndexFunc(rels[0], func(r *kg.Relation) bool { return r.To == want.To })
		if i < 0 {
			t.Errorf("%s is gone", kg.RelationName(want))
			continue
		}
		got := rels[0][i]
		for _, c := range want.ItemClaims() {
			if !has(got.ItemClaims(), c) {
				lost++
				t.Errorf("%s lost %s %v", kg.RelationName(want), c.Field, c.Value)
			}
		}
		for _, c := range want.Citations {
			if !slices.ContainsFunc(got.Citations, c.Equal) {
				lost++
				t.Errorf("%s lost the citation %q", kg.RelationName(want), c.Quote)
			}
		}
	}
	if lost > 0 {
		t.Errorf("%d values and citations of the built-in release were lost", lost)
	}
	s.Close(t.Context())

	// Withdrawing the HLSD release from the command line: Velasco's title is the built-in one
	// again, alone; the meeting only it reported goes.
	const hlsd = "source:us-mexico-hlsd-october-2023"
	if code, _, stderr := runCLI(t, "withdraw", "--data-dir", dir, "--source", hlsd); code != 1 || !strings.Contains(stderr, "reason") {
		t.Errorf("withdraw without a reason = %d, %q; want 1, asking for the reason", code, stderr)
	}
	code, out, stderr := runCLI(t, "withdraw", "--data-dir", dir, "--source", hlsd, "--reason", "test of a retraction")
	// Velasco, Salazar and the HLSD lose its citations; the meeting goes, with its 5 relations;
	// Velasco's position loses its title.
	if code != 0 || !strings.Contains(out, "6 citation(s) removed; entities 3 updated, 1 deleted; relations 1 updated, 5 deleted") {
		t.Fatalf("withdraw = %d, %q %q; want 3 entities updated, the meeting deleted", code, out, stderr)
	}
	s, err = memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{"person:roberto-velasco"}, Types: []string{kg.RelHoldsPosition}, Direction: kg.Out, Limit: kg.NoLimit})
	if err != nil || len(rels[0]) != 1 || rels[0][0].Prop(kg.PropTitle) != "Chief Officer for North America" || len(kg.Disagreements(rels[0][0].Values(nil))) != 0 {
		t.Errorf("Velasco's position after the withdrawal = %+v, %v; want the built-in title alone", rels, err)
	}
	if es, _ := s.Entities(t.Context(), []string{"meeting:us-mexico-hlsd-october-2023"}); es[0] != nil {
		t.Errorf("the meeting only the withdrawn release reported is still there")
	}
}
