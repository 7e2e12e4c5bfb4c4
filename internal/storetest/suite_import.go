package storetest

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// importStats imports b into s and returns its counts and error.
func importStats(t *testing.T, s kg.Store, b *kg.Bundle) (kg.ImportStats, error) {
	t.Helper()
	return importStatsWith(t, s, b, kg.ImportOptions{})
}

// importStatsWith imports b into s with opts and returns its counts and error.
func importStatsWith(t *testing.T, s kg.Store, b *kg.Bundle, opts kg.ImportOptions) (kg.ImportStats, error) {
	t.Helper()
	rep, err := s.Import(t.Context(), b, opts)
	if rep == nil {
		return kg.ImportStats{}, err
	}
	return rep.ImportStats, err
}

func dump(t *testing.T, s kg.Store) string {
	t.Helper()
	d, err := Dump(t.Context(), s)
	if err != nil {
		t.Fatalf("Dump() error = %v", err)
	}
	return d
}

func bundleSize(b *kg.Bundle) int { return len(b.Sources) + len(b.Entities) + len(b.Relations) }

func testImport(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Run("into an empty store creates everything", func(t *testing.T) {
		s := open(t, &kg.Bundle{})
		if d := dump(t, s); d != "" {
			t.Fatalf("Dump() of a store opened with an empty bundle =\n%s\nwant nothing", d)
		}
		fx := Fixture()
		stats, err := importStats(t, s, fx)
		if err != nil {
			t.Fatalf("Import(fixture) error = %v", err)
		}
		if want := (kg.ImportStats{Created: bundleSize(fx)}); stats != want {
			t.Errorf("Import(fixture) = %+v, want %+v", stats, want)
		}
		if got, want := dump(t, s), DumpBundle(fx); got != want {
			t.Errorf("after Import(fixture), Dump() differs from the fixture:\n%s", lineDiff(got, want))
		}
	})

	t.Run("the same bundle twice changes nothing", func(t *testing.T) {
		s := open(t, Fixture())
		before := dump(t, s)
		fx := Fixture()
		stats, err := importStats(t, s, fx)
		if err != nil {
			t.Fatalf("Import(fixture) error = %v", err)
		}
		if want := (kg.ImportStats{Unchanged: bundleSize(fx)}); stats != want {
			t.Errorf("second Import(fixture) = %+v, want %+v", stats, want)
		}
		if after := dump(t, s); after != before {
			t.Errorf("second Import(fixture) changed the store:\n%s", lineDiff(after, before))
		}

		// Empty lists and maps, as JSON "aliases": [] and "properties": {} decode, equal absent ones.
		fx = Fixture()
		for i := range fx.Entities {
			if e := &fx.Entities[i]; len(e.Aliases) == 0 && len(e.Properties) == 0 {
				e.Aliases, e.Properties = []string{}, map[string]any{}
			}
		}
		for i := range fx.Relations {
			if r := &fx.Relations[i]; len(r.Properties) == 0 {
				r.Properties = map[string]any{}
			}
		}
		stats, err = importStats(t, s, fx)
		if err != nil {
			t.Fatalf("Import(fixture with empty lists) error = %v", err)
		}
		if want := (kg.ImportStats{Unchanged: bundleSize(fx)}); stats != want {
			t.Errorf("Import(fixture with empty lists and maps) = %+v, want %+v", stats, want)
		}
		if after := dump(t, s); after != before {
			t.Errorf("Import(fixture with empty lists and maps) changed the store:\n%s", lineDiff(after, before))
		}
	})

	t.Run("with replace, updates what its sources said, creates, and keeps what the bundle lacks", func(t *testing.T) {
		s := open(t, Fixture())
		b := Fixture()
		// Update one entity (description, aliases, a property removed), one relation (a property
		// changed) and one source (title); add a topic and a relation to it. The items cite the
		// same sources as before: with Replace, what they say now is all those sources say.
		var changed *kg.Entity
		for i := range b.Entities {
			if e := &b.Entities[i]; e.ID == m14th {
				e.Description = "The plenary of December 2022."
				e.Aliases = nil
				delete(e.Properties, kg.PropOrdinal)
				changed = e
			}
		}
		for i := range b.Relations {
			if r := &b.Relations[i]; r.Type == kg.RelHoldsPosition && r.From == pNunez {
				r.Properties[kg.PropActing] = false
			}
		}
		b.Sources[0].Title = "Briefing on North American dialogues, revised"
		cs := b.Entities[len(b.Entities)-1].Citations // any quote of the fixture will do
		b.Entities = append(b.Entities, kg.Entity{ID: "topic:energy", Kind: kg.KindTopic, Name: "Energy", Citations: cs})
		b.Relations = append(b.Relations, kg.Relation{Type: kg.RelAddresses, From: dHLED, To: "topic:energy", Citations: cs})

		// Leave a person and her one relation out of the import: they must stay in the store.
		var keptRels []kg.Relation
		for _, r := range b.Relations {
			if r.From != pSolberg {
				keptRels = append(keptRels, r)
			}
		}
		b.Relations = keptRels
		var keptEntities []kg.Entity
		for _, e := range b.Entities {
			if e.ID != pSolberg {
				keptEntities = append(keptEntities, e)
			}
		}
		b.Entities = keptEntities
		if ps := b.Validate(); len(ps) > 0 {
			t.Fatalf("changed bundle does not validate: %v", ps)
		}

		stats, err := importStatsWith(t, s, b, kg.ImportOptions{Replace: true})
		if err != nil {
			t.Fatalf("Import(changed) error = %v", err)
		}
		want := kg.ImportStats{Created: 2, Updated: 3, Unchanged: bundleSize(b) - 5}
		if stats != want {
			t.Errorf("Import(changed) = %+v, want %+v", stats, want)
		}
		got, err := s.Entities(t.Context(), []string{m14th, "topic:energy"})
		if err != nil {
			t.Fatalf("Entities() error = %v", err)
		}
		if g, w := canonEntityJSON(got[0]), canonEntityJSON(changed); g != w {
			t.Errorf("updated entity =\n  %s\nwant it replaced by\n  %s", g, w)
		}
		if got[1] == nil || got[1].Name != "Energy" {
			t.Errorf("created entity = %+v, want topic:energy", got[1])
		}
		rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{pNunez, pSolberg}, Types: []string{kg.RelHoldsPosition, kg.RelAttended}, Direction: kg.Out, Limit: kg.NoLimit})
		if err != nil {
			t.Fatalf("Relations() error = %v", err)
		}
		for _, r := range rels[0] {
			if r.Type == kg.RelHoldsPosition && r.BoolProp(kg.PropActing) {
				t.Errorf("updated relation %s still has acting = true", rk(r.Type, r.From, r.To))
			}
		}
		if len(rels[1]) != 1 {
			t.Errorf("relations of %s after an import that lacks them = %q, want them kept", pSolberg, relKeys(rels[1]))
		}
		srcs, err := s.Sources(t.Context(), []string{srcBriefing})
		if err != nil {
			t.Fatalf("Sources() error = %v", err)
		}
		if srcs[0] == nil || srcs[0].Title != b.Sources[0].Title {
			t.Errorf("updated source = %+v, want title %q", srcs[0], b.Sources[0].Title)
		}
		if people, err := s.Entities(t.Context(), []string{pSolberg}); err != nil || people[0] == nil {
			t.Errorf("Entities(%s) after an import that lacks it = %v, %v; want it kept", pSolberg, people, err)
		}
	})

	t.Run("an invalid bundle changes nothing", func(t *testing.T) {
		s := open(t, Fixture())
		before := dump(t, s)
		b := Fixture()
		b.Entities[0].Description = "A change that must not land."
		b.Relations = append(b.Relations, kg.Relation{Type: kg.RelAttended, From: pPoynter, To: "meeting:nowhere",
			Properties: props("role", "LEAD"), Citations: b.Relations[0].Citations})
		stats, err := importStats(t, s, b)
		if err == nil {
			t.Fatalf("Import(invalid) = %+v, nil error; want an error", stats)
		}
		if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
			t.Errorf("Import(invalid) error code = %s (%v), want %s", code, err, kg.CodeBadUserInput)
		}
		if stats != (kg.ImportStats{}) {
			t.Errorf("Import(invalid) stats = %+v, want zero", stats)
		}
		if after := dump(t, s); after != before {
			t.Errorf("Import(invalid) changed the store:\n%s", lineDiff(after, before))
		}
	})
}
