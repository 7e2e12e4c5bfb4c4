package draft

import (
	"context"
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

// TestDraftInferences checks that what the seed implies but does not state is listed with a note,
// and that a quote of the draft always occurs in the text.
func TestDraftInferences(t *testing.T) {
	text, _ := loadCase(t, "seed")
	res, err := Draft(context.Background(), text, Options{Source: Source{Title: "seed", Published: "2022-12"}})
	if err != nil {
		t.Fatal(err)
	}
	meeting := "meeting:14th-plenary-meeting-of-the-21st-century-border-management-process-executive-steering-committee"
	want := map[string]string{
		meeting: "properties.date",
		"ATTENDED person:ken-salazar -> " + meeting:                          "properties.role",
		"HOLDS_POSITION person:rachel-poynter -> organization:us-government": "to",
		"LOCATED_IN place:mexico-city -> country:mexico":                     "relation",
	}
	got := map[string]string{}
	for _, in := range res.Inferences {
		got[in.Item] = in.Field
		if in.Note == "" || !kg.QuoteOccurs(text, in.Quote) {
			t.Errorf("inference %+v has no note or a quote that is not in the text", in)
		}
	}
	for item, field := range want {
		if got[item] != field {
			t.Errorf("inference of %s = %q, want %q", item, got[item], field)
		}
	}
	if _, ok := got["HOLDS_POSITION person:katie-tobin -> organization:national-security-council"]; ok {
		t.Errorf("a position the text states is listed as inferred")
	}
}

// TestDraftMatchesExisting checks that a confident duplicate takes the existing id and keeps the
// name the text gives, and that a name the finder is unsure of stays new with its candidates.
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
	if e, ok := byID["person:ken-salazar"]; !ok || e.Name != "Kenneth Salazar" {
		t.Errorf("Kenneth Salazar drafted as %+v, want the id person:ken-salazar and the text's name", e)
	}
	if _, ok := byID["person:maria-salazar"]; !ok {
		t.Errorf("Maria Salazar was not drafted as a new person: %v", byID)
	}
}
