package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testDuplicates checks the possible duplicates an import reports: for each entity it creates,
// exactly what the duplicate finder gives over the store's search (compared with the same finder
// over the reference search), in a dry run as in the import; none for entities it finds by name
// or id, and none unless asked for.
func testDuplicates(t *testing.T, s kg.Store) {
	ctx := asEditor(t.Context())
	const text = "Rachel A. Poynter and Ana Ortiz met the Secretariat of Economy. Ingrid Holm joined them."
	cite := []kg.Citation{{Source: "source:dup-note", Quote: text}}
	b := func() *kg.Bundle {
		return &kg.Bundle{
			Sources: []kg.Source{{ID: "source:dup-note", Title: "Duplicates note", Text: text}},
			Entities: []kg.Entity{
				{Kind: kg.KindPerson, Name: "Rachel A. Poynter", Citations: cite}, // a middle initial more
				{ID: "person:ana-ortiz", Kind: kg.KindPerson, Name: "Ana Ortiz", Citations: cite},
				{Kind: kg.KindOrganization, Name: "Mexican Secretariat of Foreign Relations", Citations: cite},
				{Kind: kg.KindPerson, Name: "Ingrid Holm", Citations: cite},                                // no one like her
				{Kind: kg.KindPerson, Name: "Mateo Garza", Aliases: []string{"M. Garza"}, Citations: cite}, // found by name: not new
			},
		}
	}
	// What the finder gives over the reference search of the fixture, for what a plan over the
	// fixture creates.
	ref := referenceSnapshot{Fixture()}
	plan, err := kg.PlanImport(t.Context(), b(), ref)
	if err != nil {
		t.Fatal(err)
	}
	if err := plan.FindDuplicates(t.Context(), ref); err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, d := range plan.Duplicates {
		want = append(want, fmt.Sprintf("%s %s ~ %s %v %s", d.Path, d.ID, d.Existing.ID, d.Existing.Score, d.Existing.Reason))
	}
	lines := func(ds []kg.PossibleDuplicate) []string {
		var out []string
		for _, d := range ds {
			out = append(out, fmt.Sprintf("%s %s ~ %s %v %s", d.Path, d.ID, d.Existing.ID, d.Existing.Score, d.Existing.Reason))
		}
		return out
	}
	for _, w := range []string{pPoynter, pOrtiz, oSRE} {
		if !slices.ContainsFunc(want, func(l string) bool { return strings.Contains(l, "~ "+w+" ") }) {
			t.Fatalf("the finder over the reference search gives %q, want %s among them (the test's bundle is wrong)", want, w)
		}
	}

	rep, err := s.Import(ctx, b(), kg.ImportOptions{DryRun: true, Duplicates: true})
	if err != nil {
		t.Fatalf("Import(dry run) error = %v", err)
	}
	if got := lines(rep.Duplicates); !slices.Equal(got, want) {
		t.Errorf("dry run duplicates:\n%s", lineDiff(strings.Join(got, "\n"), strings.Join(want, "\n")))
	}
	if rep, err := s.Import(ctx, b(), kg.ImportOptions{DryRun: true}); err != nil || len(rep.Duplicates) != 0 {
		t.Errorf("Import(dry run, no duplicates asked) = %+v, %v; want none listed", rep, err)
	}
	rep, err = s.Import(ctx, b(), kg.ImportOptions{Duplicates: true})
	if err != nil {
		t.Fatalf("Import error = %v", err)
	}
	if got := lines(rep.Duplicates); !slices.Equal(got, want) {
		t.Errorf("import duplicates:\n%s", lineDiff(strings.Join(got, "\n"), strings.Join(want, "\n")))
	}
	// Imported again, nothing is new: nothing to report.
	if rep, err := s.Import(ctx, b(), kg.ImportOptions{Duplicates: true}); err != nil || len(rep.Duplicates) != 0 {
		t.Errorf("Import again = %+v, %v; want no duplicates: nothing is created", rep, err)
	}
}

// referenceSnapshot answers kg.Snapshot over a bundle, plainly: what planning against a store
// that holds exactly the bundle sees.
type referenceSnapshot struct{ b *kg.Bundle }

func (r referenceSnapshot) Sources(_ context.Context, ids []string) (map[string]*kg.Source, error) {
	out := map[string]*kg.Source{}
	for i := range r.b.Sources {
		if slices.Contains(ids, r.b.Sources[i].ID) {
			out[r.b.Sources[i].ID] = &r.b.Sources[i]
		}
	}
	return out, nil
}

func (r referenceSnapshot) EntityKinds(_ context.Context, ids []string) (map[string]kg.Kind, error) {
	out := map[string]kg.Kind{}
	for _, e := range r.b.Entities {
		if slices.Contains(ids, e.ID) {
			out[e.ID] = e.Kind
		}
	}
	return out, nil
}

func (r referenceSnapshot) MatchNames(_ context.Context, keys []kg.NameKey) (map[kg.NameKey][]string, error) {
	out := map[kg.NameKey][]string{}
	for i := range r.b.Entities {
		for _, k := range kg.NameKeys(&r.b.Entities[i]) {
			if slices.Contains(keys, k) {
				out[k] = append(out[k], r.b.Entities[i].ID)
			}
		}
	}
	return out, nil
}

func (r referenceSnapshot) Redirects(context.Context, []string) (map[string]string, error) {
	return nil, nil
}

func (r referenceSnapshot) Search(_ context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return referenceSearch(r.b, q), nil
}
