package draft

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// measured are the documents the draft is measured on: the seed release against its curated
// bundle (drafted against nothing, so no id comes from the curated set), and the test documents
// of testdata/, written for these tests in the register of the seed, against their hand-made
// bundles (drafted against the built-in set, as a user would). Floors are the least each must
// reach; docs/drafting.md reports the figures.
var measured = []struct {
	name           string
	published      string
	againstBuiltin bool
	// basisReviewed: the expected bundle's bases were reviewed (the built-in set's, issue 15), so a
	// relation it marks INFERRED that the draft serves as STATED fails the test.
	basisReviewed           bool
	entRecall, entPrecision float64
	relRecall, relPrecision float64
}{
	{name: "seed", published: "2022-12", basisReviewed: true, entRecall: 0.9, entPrecision: 0.9, relRecall: 0.85, relPrecision: 0.9},
	{name: "esc-15th-plenary", published: "2023-11", againstBuiltin: true, entRecall: 0.9, entPrecision: 0.85, relRecall: 0.8, relPrecision: 0.85},
	// Written after the rules were first adjusted and measured as it came out (entities P 0.82 R
	// 0.78, relations P 0.81 R 0.59: the estimate for a new document, docs/drafting.md), then used to
	// adjust them again.
	{name: "hled-fourth-meeting", published: "2023-09", againstBuiltin: true, entRecall: 0.9, entPrecision: 0.85, relRecall: 0.8, relPrecision: 0.85},
	{name: "hlsd-third-meeting", published: "2023-10", againstBuiltin: true, entRecall: 0.9, entPrecision: 0.85, relRecall: 0.8, relPrecision: 0.85},
	// Written after every rule change above and measured as it came out (entities P 1.00 R 0.90,
	// relations P 1.00 R 0.69: the current estimate for a new document, docs/drafting.md), then
	// used to adjust them ("Group", "joined the delegations", ", a working group of").
	{name: "bbbxg-fifth-meeting", published: "2024-03", againstBuiltin: true, entRecall: 0.9, entPrecision: 0.85, relRecall: 0.8, relPrecision: 0.85},
}

func builtinStore(t *testing.T) *memstore.Store {
	t.Helper()
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	s, err := memstore.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func loadCase(t *testing.T, name string) (text string, want *kg.Bundle) {
	t.Helper()
	if name == "seed" {
		b, err := dataset.Bundle()
		if err != nil {
			t.Fatal(err)
		}
		return b.Sources[0].Text, b
	}
	raw, err := os.ReadFile(filepath.Join("testdata", name+".txt"))
	if err != nil {
		t.Fatal(err)
	}
	exp, err := os.ReadFile(filepath.Join("testdata", name+".expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, err = kg.ParseBundle(exp)
	if err != nil {
		t.Fatal(err)
	}
	if ps := want.Validate(); len(ps) > 0 {
		t.Fatalf("testdata/%s.expected.json is not valid: %v", name, ps)
	}
	return string(raw), want
}

func TestDraftPrecisionRecall(t *testing.T) {
	builtin := builtinStore(t)
	for _, tc := range measured {
		t.Run(tc.name, func(t *testing.T) {
			text, want := loadCase(t, tc.name)
			opts := Options{Source: Source{Title: tc.name, Published: tc.published}}
			if tc.againstBuiltin {
				opts.Existing = builtin
			}
			res, err := Draft(context.Background(), text, opts)
			if err != nil {
				t.Fatal(err)
			}
			if ps := res.Bundle.Validate(); len(ps) > 0 {
				t.Errorf("the draft is not valid: %v", ps)
			}
			sc := compare(res.Bundle, want)
			t.Logf("%s: %s", tc.name, sc)
			t.Logf("%s: %s", tc.name, sc.inferredString())
			if os.Getenv("DRAFT_DEBUG") != "" {
				t.Logf("\n%s", sc.details())
				for _, d := range res.Duplicates {
					t.Logf("dup %s %q matched=%v %+v", d.ID, d.Name, d.Matched, d.Candidates)
				}
				t.Logf("unconnected: %s", strings.Join(res.Unconnected, ", "))
			}
			if tc.againstBuiltin {
				caught, missed := duplicateCount(res, want, builtin)
				t.Logf("%s: duplicates of built-in entities caught %d (%s), missed %d (%s)", tc.name, len(caught), strings.Join(caught, ", "), len(missed), strings.Join(missed, ", "))
			}
			if tc.basisReviewed && sc.infWantOnly > 0 {
				t.Errorf("%s: the draft serves as STATED relations the curated bundle marks INFERRED (%s)\n%s", tc.name, sc.inferredString(), sc.details())
			}
			if sc.entityRecall() < tc.entRecall || sc.entityPrecision() < tc.entPrecision ||
				sc.relationRecall() < tc.relRecall || sc.relationPrecision() < tc.relPrecision {
				t.Errorf("%s below its floors (entities R %.2f P %.2f, relations R %.2f P %.2f)\n%s", sc,
					tc.entRecall, tc.entPrecision, tc.relRecall, tc.relPrecision, sc.details())
			}
		})
	}
}

// duplicateCount says, of the expected entities that are built-in ones (same id in the built-in
// set), which the draft caught (its entity took the built-in id, or lists it as a possible
// duplicate) and which it missed.
func duplicateCount(res *Result, want *kg.Bundle, builtin *memstore.Store) (caught, missed []string) {
	var ids []string
	for _, e := range want.Entities {
		ids = append(ids, e.ID)
	}
	stored, _ := builtin.Entities(context.Background(), ids)
	flagged := map[string]bool{}
	for _, e := range res.Bundle.Entities {
		flagged[e.ID] = true
	}
	for _, d := range res.Duplicates {
		for _, c := range d.Candidates {
			flagged[c.ID] = true
		}
	}
	for _, e := range stored {
		if e == nil {
			continue
		}
		if flagged[e.ID] {
			caught = append(caught, e.ID)
		} else {
			missed = append(missed, e.ID)
		}
	}
	return caught, missed
}
