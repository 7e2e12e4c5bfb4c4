package draft

import (
	"context"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

func TestSentences(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"They led the delegation alongside the U.S. Ambassador to Mexico Ken Salazar.  Others joined.",
			[]string{"They led the delegation alongside the U.S. Ambassador to Mexico Ken Salazar.", "Others joined."}},
		{"It supports the U.S.-Mexico High-Level Economic Dialogue and U.S.-Mexico High-Level Security Dialogue.",
			[]string{"It supports the U.S.-Mexico High-Level Economic Dialogue and U.S.-Mexico High-Level Security Dialogue."}},
		{"A delegation went to the U.S. The talks began.", []string{"A delegation went to the U.S.", "The talks began."}},
		{"Antony J. Blinken spoke. “We agree.” Then they left!", []string{"Antony J. Blinken spoke.", "“We agree.”", "Then they left!"}},
		{"A heading\n\nThe text follows. \n", []string{"A heading", "The text follows."}},
		{"It grew 3.5 percent in 2022. Trade rose.", []string{"It grew 3.5 percent in 2022.", "Trade rose."}},
	}
	for _, tc := range tests {
		var got []string
		for _, sp := range sentences(tc.text) {
			got = append(got, tc.text[sp.start:sp.end])
		}
		if len(got) != len(tc.want) {
			t.Errorf("sentences(%q) = %q, want %q", tc.text, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("sentences(%q) = %q, want %q", tc.text, got, tc.want)
				break
			}
		}
	}
}

func TestLexicon(t *testing.T) {
	l, err := parseLexicon(lexiconText)
	if err != nil {
		t.Fatal(err)
	}
	if c := l.countryOf("Mexican"); c == nil || c.Code != "MX" || c.Government != "Government of Mexico" {
		t.Errorf("countryOf(Mexican) = %+v, want Mexico", c)
	}
	if l.outcomes["adopted"] != kg.RelAdopted || l.months["December"] != 12 || l.placeOf("Mexico City") == nil {
		t.Errorf("lexicon.txt parsed wrong")
	}
	for _, bad := range []string{"colour: red", "country: US | United States", "outcome: adopted", "title-head Secretary"} {
		if _, err := parseLexicon(bad); err == nil {
			t.Errorf("parseLexicon(%q) = nil error, want one", bad)
		}
	}
}

func TestDraftErrors(t *testing.T) {
	for _, tc := range []struct {
		text string
		src  Source
	}{
		{"  \n ", Source{}},
		{"nothing here names anyone.", Source{}},
		{"Ambassador Ken Salazar led the U.S. delegation.", Source{Published: "2023-13"}},
		{"Ambassador Ken Salazar led the U.S. delegation.", Source{ID: "Source One"}},
	} {
		if _, err := Draft(context.Background(), tc.text, Options{Source: tc.src}); kg.ErrorCode(err) != kg.CodeBadUserInput {
			t.Errorf("Draft(%q, %+v) = %v, want a %s error", tc.text, tc.src, err, kg.CodeBadUserInput)
		}
	}
}

// TestDraftInferences checks that what the seed implies but does not state is cited with basis
// INFERRED (or CURATED, for the gazetteer's places) and a note, scoped to the values inferred, and
// listed for the reviewer; that what it states stays STATED; and that every quote occurs in the
// text.
func TestDraftInferences(t *testing.T) {
	text, _ := loadCase(t, "seed")
	res, err := Draft(context.Background(), text, Options{Source: Source{Title: "seed", Published: "2022-12"}})
	if err != nil {
		t.Fatal(err)
	}
	if ps := res.Bundle.Validate(); len(ps) > 0 {
		t.Fatalf("the draft does not validate: %v", ps)
	}
	meeting := "meeting:14th-plenary-meeting-of-the-21st-century-border-management-process-executive-steering-committee"
	// item -> the field inferred ("relation": that it holds) and its basis.
	want := map[string]struct {
		field string
		basis kg.Basis
	}{
		meeting: {"properties.date", kg.BasisInferred},
		"ATTENDED person:ken-salazar -> " + meeting:                                                {"properties.role", kg.BasisInferred},
		"HOLDS_POSITION person:rachel-poynter -> organization:us-government":                       {"relation", kg.BasisInferred},
		"ADOPTED " + meeting + " -> initiative:2023-action-plans":                                  {"relation", kg.BasisInferred},
		"SUPPORTS initiative:2023-action-plans -> dialogue:us-mexico-high-level-security-dialogue": {"relation", kg.BasisInferred},
		"LOCATED_IN place:mexico-city -> country:mexico":                                           {"relation", kg.BasisCurated},
		"country:united-states": {"name", kg.BasisCurated}, // the text writes "U.S."
	}
	got := map[string]Inference{} // by item, of the fields want names
	for _, in := range res.Inferences {
		if w, ok := want[in.Item]; ok && w.field != in.Field {
			continue
		}
		got[in.Item] = in
		if in.Note == "" || !kg.QuoteOccurs(text, in.Quote) {
			t.Errorf("inference %+v has no note or a quote that is not in the text", in)
		}
	}
	entities, relations := map[string]*kg.Entity{}, map[string]*kg.Relation{}
	for i, e := range res.Bundle.Entities {
		entities[e.ID] = &res.Bundle.Entities[i]
	}
	for i := range res.Bundle.Relations {
		r := &res.Bundle.Relations[i]
		relations[kg.RelationName(r)] = r
	}
	for item, w := range want {
		if in := got[item]; in.Field != w.field || in.Basis != w.basis {
			t.Errorf("inference of %s = %q %s, want %q %s", item, in.Field, in.Basis, w.field, w.basis)
		}
		var cs []kg.Citation
		var claims []kg.Claim
		if e, ok := entities[item]; ok {
			cs, claims = e.Citations, e.ItemClaims()
		} else if r, ok := relations[item]; ok {
			cs, claims = r.Citations, r.ItemClaims()
		} else {
			t.Errorf("%s is not in the draft", item)
			continue
		}
		if w.field == "relation" {
			if b := kg.ItemBasis(cs); b != w.basis {
				t.Errorf("%s holds with basis %s, want %s: %+v", item, b, w.basis, cs)
			}
			continue
		}
		// The item itself is stated; only the value inferred is not.
		if b := kg.ItemBasis(cs); b != kg.BasisStated {
			t.Errorf("%s holds with basis %s, want STATED (only its %s is inferred)", item, b, w.field)
		}
		for _, c := range claims {
			if c.Field == w.field && c.Basis.Or() != w.basis {
				t.Errorf("%s's %s = %v is claimed %s, want %s", item, c.Field, c.Value, c.Basis.Or(), w.basis)
			}
		}
	}
	// Stated: a position whose organization the text names, and its title within an inferred one.
	if r := relations["HOLDS_POSITION person:katie-tobin -> organization:national-security-council"]; r == nil || kg.ItemBasis(r.Citations) != kg.BasisStated {
		t.Errorf("Katie Tobin's position at the NSC, which the text states, = %+v, want STATED", r)
	}
	if _, ok := got["HOLDS_POSITION person:katie-tobin -> organization:national-security-council"]; ok {
		t.Errorf("a position the text states is listed as inferred")
	}
	if r := relations["HOLDS_POSITION person:rachel-poynter -> organization:us-government"]; r != nil {
		for _, c := range r.ItemClaims() {
			if c.Field == kg.PropertyField(kg.PropTitle) && c.Basis.Or() != kg.BasisStated {
				t.Errorf("Rachel Poynter's title %v is claimed %s, want STATED: the text gives it", c.Value, c.Basis.Or())
			}
		}
	}
}

// TestDraftMatchesExisting checks that a confident duplicate takes the existing id and name, the
// name the text gives becoming an alias it states (the stored name cited CURATED, so that the
// import does not make this source a rival for the shown name), and that a name the finder is
// unsure of stays new with its candidates.
func TestDraftMatchesExisting(t *testing.T) {
	res, err := Draft(context.Background(), "Ambassador Kenneth Salazar and Ambassador Maria Salazar led the U.S. delegation to the 15th Plenary Meeting of the Executive Steering Committee.",
		Options{Existing: builtinStore(t)})
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]kg.Entity{}
	for _, e := range res.Bundle.Entities {
		byID[e.ID] = e
	}
	e, ok := byID["person:ken-salazar"]
	if !ok || e.Name != "Ken Salazar" || !slices.Contains(e.Aliases, "Kenneth Salazar") {
		t.Errorf("Kenneth Salazar drafted as %+v, want the id person:ken-salazar, its name and the text's as an alias", e)
	}
	for _, c := range e.ItemClaims() {
		if want := map[string]kg.Basis{kg.FieldName: kg.BasisCurated, kg.FieldAliases: ""}; c.Basis != want[c.Field] {
			t.Errorf("Ken Salazar's %s %v is claimed %s, want %s", c.Field, c.Value, c.Basis.Or(), want[c.Field].Or())
		}
	}
	if _, ok := byID["person:maria-salazar"]; !ok {
		t.Errorf("Maria Salazar was not drafted as a new person: %v", byID)
	}
}

// TestDraftChairsInferred checks that attendance read from "co-chaired the meeting, joined by
// <person>" serves its delegation (from the title's country) and its role as INFERRED: the text
// names neither; that the person attended, it states.
func TestDraftChairsInferred(t *testing.T) {
	text, _ := loadCase(t, "hled-fourth-meeting")
	res, err := Draft(context.Background(), text, Options{Source: Source{Title: "readout", Published: "2023-09"}})
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for i := range res.Bundle.Relations {
		r := &res.Bundle.Relations[i]
		if r.Type != kg.RelAttended || r.From != "person:ken-salazar" {
			continue
		}
		found++
		if b := kg.ItemBasis(r.Citations); b != kg.BasisStated {
			t.Errorf("%s holds with basis %s, want STATED", kg.RelationName(r), b)
		}
		for _, field := range []string{kg.PropertyField(kg.PropDelegation), kg.PropertyField(kg.PropRole)} {
			if !slices.ContainsFunc(r.ItemClaims(), func(c kg.Claim) bool { return c.Field == field && c.Basis == kg.BasisInferred }) {
				t.Errorf("%s's %s is not claimed INFERRED: %+v", kg.RelationName(r), field, r.ItemClaims())
			}
		}
	}
	if found != 1 {
		t.Errorf("Ken Salazar's attendance drafted %d times, want once", found)
	}
}
