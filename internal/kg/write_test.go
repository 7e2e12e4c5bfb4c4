package kg

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestDecodeBundle(t *testing.T) {
	const ok = `{"sources": [{"id": "source:a", "title": "A", "text": "Alpha said so."}],
		"entities": [{"kind": "TOPIC", "name": "Alpha", "properties": {"n": 3, "f": 2.5, "l": [1, 2]},
			"citations": [{"source": "source:a", "quote": "Alpha said so."}]}],
		"relations": null}`
	b, err := ParseBundle([]byte(ok))
	if err != nil {
		t.Fatalf("ParseBundle(ok) error = %v", err)
	}
	if len(b.Sources) != 1 || len(b.Entities) != 1 || b.Relations != nil {
		t.Fatalf("ParseBundle(ok) = %+v", b)
	}
	p := b.Entities[0].Properties
	if p["n"] != int64(3) || p["f"] != 2.5 || !slices.Equal(p["l"].([]any), []any{int64(1), int64(2)}) {
		t.Errorf("properties = %#v, want int64 3, float64 2.5, []any{int64 1, int64 2}", p)
	}
	if b.Entities[0].ID != "" {
		t.Errorf("decoded id = %q, want none: ids are given when written", b.Entities[0].ID)
	}

	// Text that is not a bundle stops decoding: one problem, where it stops.
	for _, tc := range []struct{ name, json, path string }{
		{"not a list", `{"entities": {"kind": "TOPIC"}}`, "entities"},
		{"truncated", `{"entities": [{"kind": "TOPIC", "na`, "entities[0]"},
		{"trailing data", `{"entities": []} {}`, "$"},
		{"not an object", `[1, 2]`, "$"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseBundle([]byte(tc.json))
			var kerr *Error
			if !asError(err, &kerr) || kerr.Code != CodeBadUserInput || len(kerr.Problems) != 1 {
				t.Fatalf("ParseBundle(%s) error = %v, want one %s problem", tc.json, err, CodeBadUserInput)
			}
			if kerr.Problems[0].Path != tc.path {
				t.Errorf("ParseBundle(%s) problem at %q, want %q (%s)", tc.json, kerr.Problems[0].Path, tc.path, kerr.Problems[0].Message)
			}
		})
	}
	// Fields of unknown names or of the wrong type do not: each is a problem of the bundle.
	for _, tc := range []struct {
		name, json string
		paths      []string
	}{
		{"unknown item field", `{"entities": [{"kind": "TOPIC", "name": "x"}, {"kind": "TOPIC", "colour": "red"}]}`, []string{"entities[1].colour"}},
		{"unknown top-level field", `{"sources": [], "notes": []}`, []string{"notes"}},
		{"wrong type", `{"relations": [{"type": 3}]}`, []string{"relations[0].type"}},
		{"several", `{"entities": [{"kind": "TOPIC", "name": 5, "colour": "red"}], "relations": [{"type": "X", "weight": 1}]}`,
			[]string{"entities[0].colour", "entities[0].name", "relations[0].weight"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := ParseBundle([]byte(tc.json))
			if err != nil {
				t.Fatalf("ParseBundle(%s) error = %v, want a bundle with problems", tc.json, err)
			}
			var paths []string
			for _, p := range b.Problems {
				paths = append(paths, p.Path)
			}
			if !slices.Equal(paths, tc.paths) {
				t.Errorf("ParseBundle(%s) problems at %q, want %q", tc.json, paths, tc.paths)
			}
		})
	}
}

// TestEveryProblemAtOnce: an unknown field no longer hides the bundle's other problems, and a
// field of the wrong type is reported once, not again as missing.
func TestEveryProblemAtOnce(t *testing.T) {
	b, err := ParseBundle([]byte(`{
		"sources": [{"id": "source:a", "title": "A", "text": "Alpha met Beta."}],
		"entities": [
			{"kind": "TOPIC", "name": "Alpha", "colour": "red", "citations": [{"source": "source:a", "quote": "Alpha met Beta."}]},
			{"kind": "TOPIC", "name": "Beta", "citations": [{"source": "source:a", "quote": "Gamma said so."}]},
			{"kind": "TOPIC", "name": 7, "citations": [{"source": "source:a", "quote": "Alpha met Beta."}]}],
		"relations": [{"type": "LIKES", "from": "topic:alpha", "to": "topic:beta", "citations": [{"source": "source:a", "quote": "Alpha met Beta."}]}],
		"notes": "unknown"}`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range b.Validate() {
		got = append(got, p.Path)
	}
	want := []string{"notes", "entities[0].colour", "entities[1].citations[0].quote", "entities[2].name", "relations[0].type"}
	if !slices.Equal(got, want) {
		t.Errorf("Validate() problems at %q, want %q", got, want)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

func TestBundleFromValue(t *testing.T) {
	var v any
	dec := json.NewDecoder(strings.NewReader(`{"entities": [{"kind": "TOPIC", "name": "Alpha", "aliases": ["A"],
		"properties": {"n": 3}, "citations": [{"source": "source:a", "quote": "q"}]}],
		"sources": [{"title": "T", "text": "x", "url": "https://example.org"}]}`))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	list := v.(map[string]any)["entities"].([]any)
	b, ps := BundleFromValue(v)
	if len(ps) > 0 {
		t.Fatalf("BundleFromValue(ok) problems = %v", ps)
	}
	e := b.Entities[0]
	if e.Name != "Alpha" || !slices.Equal(e.Aliases, []string{"A"}) || e.Properties["n"] != int64(3) || e.Citations[0].Quote != "q" {
		t.Errorf("entity = %+v", e)
	}
	if b.Sources[0].URL == nil || *b.Sources[0].URL != "https://example.org" {
		t.Errorf("source = %+v", b.Sources[0])
	}
	if list[0] != nil {
		t.Errorf("BundleFromValue did not release the converted item from its list")
	}

	_, ps = BundleFromValue(map[string]any{
		"entities":  []any{map[string]any{"kind": 1, "name": "x", "aliases": "y", "extra": true}, "not an object"},
		"relations": []any{map[string]any{"type": "A", "properties": []any{}, "citations": []any{map[string]any{"source": "s", "page": 2}}}},
		"other":     1,
	})
	var paths []string
	for _, p := range ps {
		paths = append(paths, p.Path)
	}
	want := []string{"other", "entities[0].extra", "entities[0].kind", "entities[0].aliases", "entities[1]",
		"relations[0].properties", "relations[0].citations[0].page"}
	if !slices.Equal(paths, want) {
		t.Errorf("BundleFromValue(bad) problems at %q, want %q", paths, want)
	}
}

func TestValidCountryCode(t *testing.T) {
	for code, want := range map[string]bool{"MX": true, "US": true, "CA": true, "GB": true, "mx": false, "MEX": false,
		"EU": false, "ZZ": false, "XX": false, "": false, "M": false, "484": false} {
		if got := ValidCountryCode(code); got != want {
			t.Errorf("ValidCountryCode(%q) = %v, want %v", code, got, want)
		}
	}
}

func TestMergeEntityByName(t *testing.T) {
	stored := &Entity{ID: "organization:sre", Kind: KindOrganization, Name: "Secretariat of Foreign Relations",
		Aliases: []string{"Cancillería"}, Description: "Old.", Properties: map[string]any{"acronym": "SRE", "x": int64(1)},
		Citations: []Citation{{Source: "source:a", Quote: "one"}}}
	add := &Entity{Kind: KindOrganization, Name: "SRE", Aliases: []string{"cancilleria", "Foreign Ministry"},
		Properties: map[string]any{"x": int64(2)}, Citations: []Citation{{Source: "source:a", Quote: "one"}, {Source: "source:b", Quote: "two"}}}
	dates := func(id string) string { return map[string]string{"source:a": "2022", "source:b": "2023"}[id] }
	m := MergeEntity(stored, add, MergeOptions{ByName: true, Dates: dates})
	if m.Name != stored.Name || m.ID != stored.ID || m.Description != "Old." {
		t.Errorf("merged id, name, description = %s %q %q, want the stored ones", m.ID, m.Name, m.Description)
	}
	if !slices.Equal(m.Aliases, []string{"Cancillería", "Foreign Ministry"}) {
		t.Errorf("merged aliases = %q: want new names only (SRE is the acronym, cancilleria folds to Cancillería)", m.Aliases)
	}
	// Both sources give x: the later one's is shown, the earlier one's kept.
	if m.Properties["x"] != int64(2) || m.Properties["acronym"] != "SRE" {
		t.Errorf("merged properties = %v", m.Properties)
	}
	if len(m.Citations) != 2 {
		t.Errorf("merged citations = %v, want the two distinct ones", m.Citations)
	}
	want := []Claim{
		{Field: FieldAliases, Value: "Cancillería", Source: "source:a"}, {Field: FieldAliases, Value: "Cancillería", Source: "source:b"},
		{Field: FieldAliases, Value: "Foreign Ministry", Source: "source:a"}, {Field: FieldAliases, Value: "Foreign Ministry", Source: "source:b"},
		{Field: FieldDescription, Value: "Old.", Source: "source:a"},
		{Field: FieldName, Value: "Secretariat of Foreign Relations", Source: "source:a"},
		{Field: "properties.acronym", Value: "SRE", Source: "source:a"}, {Field: "properties.acronym", Value: "SRE", Source: "source:b"},
		{Field: "properties.x", Value: int64(1), Source: "source:a"},
		{Field: "properties.x", Value: int64(2), Source: "source:a"}, {Field: "properties.x", Value: int64(2), Source: "source:b"},
	}
	if !EqualClaims(m.Claims, want) {
		t.Errorf("merged claims =\n%v\nwant\n%v", m.Claims, want)
	}
	if stored.Properties["x"] != int64(1) || len(stored.Aliases) != 1 || len(stored.Citations) != 1 || stored.Claims != nil {
		t.Errorf("MergeEntity changed its argument: %+v", stored)
	}
}

func TestApplyEntityAddsWhatASourceSays(t *testing.T) {
	dates := func(id string) string {
		return map[string]string{"source:a": "2022-12", "source:b": "2023-03", "source:c": "2024"}[id]
	}
	opts := ApplyOptions{Dates: dates}
	old := &Entity{ID: "meeting:m", Kind: KindMeeting, Name: "M", Aliases: []string{"A"}, Description: "Old.",
		Properties: map[string]any{"ordinal": int64(13), "date": "2022"}, Citations: []Citation{{Source: "source:a", Quote: "q"}}}
	fromB := &Entity{ID: "meeting:m", Kind: KindMeeting, Name: "M", Aliases: []string{"B"},
		Properties: map[string]any{"ordinal": 14, "venue": "X"}, Citations: []Citation{{Source: "source:b", Quote: "r"}}}
	got, ap := ApplyEntity(old, &EntityWrite{Entity: fromB}, opts)
	if ap.Outcome != Updated || got.Name != "M" || !slices.Equal(got.Aliases, []string{"A", "B"}) || got.Description != "Old." ||
		got.Properties["date"] != "2022" || got.Properties["ordinal"] != int64(14) || got.Properties["venue"] != "X" || len(got.Citations) != 2 {
		t.Fatalf("ApplyEntity(a's meeting, b's) = %v %+v; want a's values kept, b's added, b's later ordinal shown", ap.Outcome, got)
	}
	if len(ap.Disagreements) != 1 || ap.Disagreements[0].Field != "properties.ordinal" || len(ap.Disagreements[0].Values) != 2 ||
		ap.Disagreements[0].Values[0].Value != int64(14) || ap.Disagreements[0].Values[1].Value != int64(13) {
		t.Errorf("disagreements = %+v, want properties.ordinal 14 (source:b) then 13 (source:a)", ap.Disagreements)
	}
	for _, part := range []string{`aliases: +"B"`, `properties.ordinal: 13 -> 14`, `properties.venue: set to "X"`, `citations: +1 -0`,
		`claims: +4 -0 (source:b)`, `disagreement on properties.ordinal: 14 (source:b) vs 13 (source:a); shown first: 14`} {
		if !strings.Contains(ap.Summary, part) {
			t.Errorf("summary %q lacks %q", ap.Summary, part)
		}
	}
	// The same again changes nothing.
	if again, ap2 := ApplyEntity(got, &EntityWrite{Entity: fromB}, opts); ap2.Outcome != Unchanged || again != got || len(ap2.Disagreements) > 0 {
		t.Errorf("ApplyEntity(the same again) = %v %+v, want Unchanged, the stored entity", ap2.Outcome, ap2)
	}
	// A later source that only infers an ordinal does not outrank a stated one.
	fromC := &Entity{ID: "meeting:m", Kind: KindMeeting, Name: "M", Properties: map[string]any{"ordinal": 15},
		Citations: []Citation{{Source: "source:c", Quote: "s", Basis: BasisInferred, Note: "counted"}}}
	withC, ap := ApplyEntity(got, &EntityWrite{Entity: fromC}, opts)
	if withC.Properties["ordinal"] != int64(14) || len(ap.Disagreements) != 1 || ap.Disagreements[0].Values[2].Basis != BasisInferred {
		t.Errorf("after an inferred 15: ordinal %v, disagreements %+v; want 14 shown, 15 last (INFERRED)", withC.Properties["ordinal"], ap.Disagreements)
	}
	// Replacing what b said drops b's alias and venue and gives its new ordinal; a's stay.
	fixB := &Entity{ID: "meeting:m", Kind: KindMeeting, Name: "M", Properties: map[string]any{"ordinal": 12},
		Citations: []Citation{{Source: "source:b", Quote: "r2"}}}
	replaced, ap := ApplyEntity(got, &EntityWrite{Entity: fixB}, ApplyOptions{Dates: dates, Replace: map[string]bool{"source:b": true}})
	if ap.Outcome != Updated || !slices.Equal(replaced.Aliases, []string{"A"}) || replaced.Properties["venue"] != nil ||
		replaced.Properties["ordinal"] != int64(12) || len(replaced.Citations) != 2 || replaced.Citations[1].Quote != "r2" {
		t.Errorf("ApplyEntity(replace b) = %+v, want b's alias, venue and quote gone, its ordinal 12 shown", replaced)
	}
	// 13.0 is 13: a write of the same values is unchanged.
	same := &Entity{ID: "meeting:m", Kind: KindMeeting, Name: "M", Aliases: []string{"A"}, Description: "Old.",
		Properties: map[string]any{"ordinal": 13.0, "date": "2022"}, Citations: []Citation{{Source: "source:a", Quote: "q"}}}
	if got, ap := ApplyEntity(old, &EntityWrite{Entity: same}, opts); ap.Outcome != Unchanged || got != old {
		t.Errorf("ApplyEntity(same, with 13.0 for 13) = %v, want Unchanged and the stored entity", ap.Outcome)
	}
}

func TestPlanImportNeverChangesTheBundle(t *testing.T) {
	b := &Bundle{
		Sources:   []Source{{Title: "A note", Text: "Alpha and Beta met."}},
		Entities:  []Entity{{Kind: KindTopic, Name: "Alpha", Properties: map[string]any{"n": 1.0}, Citations: []Citation{{Source: "source:a-note", Quote: "Alpha"}}}},
		Relations: []Relation{},
	}
	data, _ := json.Marshal(b)
	plan, err := PlanImport(context.Background(), b, emptySnapshot{})
	if err != nil || len(plan.Problems) > 0 {
		t.Fatalf("PlanImport() = %v, %v", plan.Problems, err)
	}
	if plan.Entities[0].Entity.ID != "topic:alpha" || plan.Sources[0].ID != "source:a-note" {
		t.Errorf("planned ids = %s, %s", plan.Entities[0].Entity.ID, plan.Sources[0].ID)
	}
	if after, _ := json.Marshal(b); string(after) != string(data) {
		t.Errorf("PlanImport changed its bundle:\n%s\nwas\n%s", after, data)
	}
}

// TestFastPathsAgree checks the allocation-free paths of Fold, squeezeQuote and ValidID against
// their definitions.
func TestFastPathsAgree(t *testing.T) {
	for _, s := range []string{"", " ", "a", "Rachel Poynter", "  two  spaces ", "tab\there", "new\nline", "UPPER lower",
		"trailing ", " leading", "a\r\nb", "already folded", "x\v\fy"} {
		if got, want := Fold(s), strings.Join(strings.Fields(strings.ToLower(s)), " "); got != want {
			t.Errorf("Fold(%q) = %q, want %q", s, got, want)
		}
		if got, want := squeezeQuote(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("squeezeQuote(%q) = %q, want %q", s, got, want)
		}
	}
	for _, slug := range []string{"a", "a-b", "a--b", "-a", "a-", "A", "a_b", "rachel-poynter", "21cb-esc", "ñ", "a b", ""} {
		id := "person:" + slug
		if got, want := ValidID(id), slug != "" && Slug(slug) == slug; got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestPlanImportResolvesToLaterEntities checks that an entity without an id finds one named by id
// later in the bundle, and that relations to the id it would have follow it.
func TestPlanImportResolvesToLaterEntities(t *testing.T) {
	cite := []Citation{{Source: "source:s", Quote: "Energy and power."}}
	b := &Bundle{
		Sources: []Source{{ID: "source:s", Title: "S", Text: "Energy and power."}},
		Entities: []Entity{
			{Kind: KindTopic, Name: "Energy", Citations: cite},
			{ID: "topic:power", Kind: KindTopic, Name: "Power", Aliases: []string{"energy"}, Citations: cite},
			{ID: "dialogue:d", Kind: KindDialogue, Name: "D", Citations: cite},
		},
		Relations: []Relation{{Type: RelAddresses, From: "dialogue:d", To: "topic:energy", Citations: cite}},
	}
	plan, err := PlanImport(context.Background(), b, emptySnapshot{})
	if err != nil || len(plan.Problems) > 0 {
		t.Fatalf("PlanImport() = %v, %v", plan.Problems, err)
	}
	var ids []string
	for _, w := range plan.Entities {
		ids = append(ids, w.Entity.ID)
	}
	if !slices.Equal(ids, []string{"topic:power", "dialogue:d"}) {
		t.Errorf("planned entities = %q, want topic:power (with Energy merged in) and dialogue:d", ids)
	}
	if r := plan.Relations[0]; r.To != "topic:power" {
		t.Errorf("relation to topic:energy planned to %s, want topic:power", r.To)
	}
	// Problems come in bundle order even though entities named by id are planned first.
	b.Entities[0].Citations = nil
	b.Entities[2].Properties = map[string]any{"code": "MX"}
	plan, _ = PlanImport(context.Background(), b, emptySnapshot{})
	var paths []string
	for _, p := range plan.Problems {
		paths = append(paths, p.Path)
	}
	if want := []string{"entities[0].citations", "entities[2].properties.code"}; !slices.Equal(paths, want) {
		t.Errorf("problems at %q, want %q", paths, want)
	}
}

// An import records no change of its own for what it creates: with NoCreatedSummary a created
// relation gets none made; a write that records one still gets it, and an update always does.
func TestNoCreatedSummary(t *testing.T) {
	r := &Relation{Type: RelHoldsPosition, From: "person:a", To: "organization:b",
		Properties: map[string]any{"title": "Director"}, Citations: []Citation{{Source: "source:s", Quote: "q"}}}
	if _, a := ApplyRelation(nil, r, ApplyOptions{}); a.Outcome != Created || a.Summary != "created "+RelationName(r) {
		t.Errorf("ApplyRelation(nil, r) = %v %q, want Created %q", a.Outcome, a.Summary, "created "+RelationName(r))
	}
	if _, a := ApplyRelation(nil, r, ApplyOptions{NoCreatedSummary: true}); a.Outcome != Created || a.Summary != "" {
		t.Errorf("ApplyRelation(nil, r, NoCreatedSummary) = %v %q, want Created and no summary", a.Outcome, a.Summary)
	}
	changed := *r
	changed.Properties = map[string]any{"title": "Advisor"}
	if _, a := ApplyRelation(r, &changed, ApplyOptions{NoCreatedSummary: true}); a.Outcome != Updated || a.Summary == "" {
		t.Errorf("ApplyRelation(r, changed, NoCreatedSummary) = %v %q, want Updated with a summary", a.Outcome, a.Summary)
	}
}
