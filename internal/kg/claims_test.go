package kg

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestItemClaimsFollowTheFieldsACitationNames(t *testing.T) {
	e := &Entity{ID: "organization:sre", Kind: KindOrganization, Name: "Secretariat of Foreign Relations",
		Aliases: []string{"SRE", "Secretaría de Relaciones Exteriores"}, Properties: map[string]any{"acronym": "SRE", "established": "1821"},
		Citations: []Citation{
			{Source: "source:a", Quote: "the Secretariat of Foreign Relations (SRE)"},
			{Source: "source:a", Quote: "Secretariat of Foreign Relations", Basis: BasisCurated, Note: "Spanish name",
				Fields: []string{AliasField("Secretaría de Relaciones Exteriores")}},
			{Source: "source:b", Quote: "since independence", Basis: BasisInferred, Note: "founded with the state",
				Fields: []string{PropertyField("established")}},
			{Source: "source:b", Quote: "SRE", Fields: []string{PropertyField("established")}, Basis: BasisCurated, Note: "known date"},
		}}
	got := e.ItemClaims()
	want := []Claim{
		{Field: FieldAliases, Value: "SRE", Source: "source:a"},
		{Field: FieldAliases, Value: "Secretaría de Relaciones Exteriores", Source: "source:a", Basis: BasisCurated},
		{Field: FieldName, Value: "Secretariat of Foreign Relations", Source: "source:a"},
		{Field: "properties.acronym", Value: "SRE", Source: "source:a"},
		// Two citations of b name it: the stronger basis (CURATED before INFERRED) is the claim's.
		{Field: "properties.established", Value: "1821", Source: "source:b", Basis: BasisCurated},
	}
	if !EqualClaims(got, want) {
		t.Errorf("ItemClaims() =\n%v\nwant\n%v", got, want)
	}
	if b := ItemBasis(e.Citations); b != BasisStated {
		t.Errorf("ItemBasis() = %s, want STATED (its citation without fields)", b)
	}
	if b := ItemBasis(e.Citations[1:]); b != BasisCurated {
		t.Errorf("ItemBasis(citations that all name fields) = %s, want the strongest of them, CURATED", b)
	}
	// Carried claims are the item's, as they are.
	e.Claims = want[:1]
	if !EqualClaims(e.ItemClaims(), want[:1]) {
		t.Errorf("ItemClaims() of an entity that carries claims = %v, want them", e.ItemClaims())
	}
}

func TestRankValues(t *testing.T) {
	dates := func(id string) string {
		return map[string]string{"source:old": "2021", "source:new": "2023-05", "source:newer": "2023-05-02", "source:z": "2023-05"}[id]
	}
	title := "properties.title"
	tests := []struct {
		name   string
		claims []Claim
		want   []any // values of title, shown first
	}{
		{"the later source's value first",
			[]Claim{{Field: title, Value: "A", Source: "source:old"}, {Field: title, Value: "B", Source: "source:new"}}, []any{"B", "A"}},
		{"a full date is later than its month",
			[]Claim{{Field: title, Value: "A", Source: "source:new"}, {Field: title, Value: "B", Source: "source:newer"}}, []any{"B", "A"}},
		{"stated before a later inference",
			[]Claim{{Field: title, Value: "A", Source: "source:old"}, {Field: title, Value: "B", Source: "source:new", Basis: BasisInferred}}, []any{"A", "B"}},
		{"curated before inferred",
			[]Claim{{Field: title, Value: "A", Source: "source:new", Basis: BasisInferred}, {Field: title, Value: "B", Source: "source:old", Basis: BasisCurated}}, []any{"B", "A"}},
		{"a source without a date is the oldest",
			[]Claim{{Field: title, Value: "A", Source: "source:undated"}, {Field: title, Value: "B", Source: "source:old"}}, []any{"B", "A"}},
		{"same date: the source id that sorts first",
			[]Claim{{Field: title, Value: "A", Source: "source:z"}, {Field: title, Value: "B", Source: "source:new"}}, []any{"B", "A"}},
		{"one source, two values: by value",
			[]Claim{{Field: title, Value: "B", Source: "source:new"}, {Field: title, Value: "A", Source: "source:new"}}, []any{"A", "B"}},
		{"a value's best support counts",
			[]Claim{{Field: title, Value: "A", Source: "source:old"}, {Field: title, Value: "B", Source: "source:old", Basis: BasisInferred},
				{Field: title, Value: "B", Source: "source:newer"}}, []any{"B", "A"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, order := range [][]Claim{tc.claims, reversed(tc.claims)} {
				var got []any
				for i, v := range RankValues(order, dates) {
					got = append(got, v.Value)
					if v.Shown != (i == 0) {
						t.Errorf("value %v Shown = %v", v.Value, v.Shown)
					}
				}
				if !slices.Equal(got, tc.want) {
					t.Errorf("RankValues(%v) values = %v, want %v", order, got, tc.want)
				}
			}
		})
	}
	// Fields come name, aliases, description, properties; every alias is shown.
	vs := RankValues([]Claim{{Field: "properties.a", Value: "x", Source: "s"}, {Field: FieldDescription, Value: "d", Source: "s"},
		{Field: FieldAliases, Value: "b", Source: "s"}, {Field: FieldAliases, Value: "a", Source: "s"}, {Field: FieldName, Value: "n", Source: "s"}}, nil)
	var fields []string
	for _, v := range vs {
		fields = append(fields, v.Field)
		if !v.Shown {
			t.Errorf("%s %v not shown", v.Field, v.Value)
		}
	}
	if want := []string{FieldName, FieldAliases, FieldAliases, FieldDescription, "properties.a"}; !slices.Equal(fields, want) {
		t.Errorf("fields = %q, want %q", fields, want)
	}
}

func reversed[T any](s []T) []T {
	out := slices.Clone(s)
	slices.Reverse(out)
	return out
}

// TestMergeOrderDoesNotMatter merges what three sources say in every order: the shown values, the
// claims and the citations' set are the same (only the order aliases and citations were added in
// differs).
func TestMergeOrderDoesNotMatter(t *testing.T) {
	dates := func(id string) string {
		return map[string]string{"source:a": "2022", "source:b": "2023", "source:c": "2023"}[id]
	}
	items := []*Entity{
		{ID: "person:k", Kind: KindPerson, Name: "Ken Salazar", Description: "Ambassador.", Properties: map[string]any{"born": "1955"},
			Citations: []Citation{{Source: "source:a", Quote: "Ambassador Ken Salazar"}}},
		{ID: "person:k", Kind: KindPerson, Name: "Kenneth Salazar", Aliases: []string{"Ken Salazar"}, Description: "U.S. Ambassador to Mexico.",
			Citations: []Citation{{Source: "source:b", Quote: "Kenneth Salazar"}}},
		{ID: "person:k", Kind: KindPerson, Name: "Ken Salazar", Properties: map[string]any{"born": "1955-03-02"},
			Citations: []Citation{{Source: "source:c", Quote: "Salazar, born", Basis: BasisInferred, Note: "from his biography's dates"}}},
	}
	var first *Entity
	for _, perm := range [][]int{{0, 1, 2}, {0, 2, 1}, {1, 0, 2}, {1, 2, 0}, {2, 0, 1}, {2, 1, 0}} {
		e := canonicalEntity(items[perm[0]])
		for _, i := range perm[1:] {
			e, _ = ApplyEntity(e, &EntityWrite{Entity: items[i]}, ApplyOptions{Dates: dates})
		}
		if first == nil {
			first = e
			continue
		}
		if e.Name != first.Name || e.Description != first.Description || !EqualProps(e.Properties, first.Properties) ||
			!EqualClaims(e.Claims, first.Claims) || len(e.Citations) != len(first.Citations) {
			t.Errorf("merged in order %v: %+v\nin order 0 1 2: %+v", perm, e, first)
		}
	}
	// b is the latest with a stated name and description; c's birth date is only inferred.
	if first.Name != "Kenneth Salazar" || first.Description != "U.S. Ambassador to Mexico." || first.Properties["born"] != "1955" {
		t.Errorf("merged = %+v; want b's name and description, a's stated birth year", first)
	}
}

func TestPlanChecksClaimsAndSupport(t *testing.T) {
	src := Source{ID: "source:s", Title: "S", Text: "Talks in Lima. Members met."}
	tests := []struct {
		name string
		e    Entity
		want []string // problem paths
	}{
		{"every citation names other fields", Entity{ID: "meeting:t", Kind: KindMeeting, Name: "Talks", Properties: map[string]any{"date": "2023"},
			Citations: []Citation{{Source: "source:s", Quote: "Talks in Lima", Fields: []string{"name"}}}}, []string{"entities[0].citations"}},
		{"carried claims", Entity{ID: "meeting:t", Kind: KindMeeting, Name: "Talks", Properties: map[string]any{"date": "2023"},
			Citations: []Citation{{Source: "source:s", Quote: "Talks in Lima"}},
			Claims: []Claim{{Field: FieldName, Value: "Talks", Source: "source:s"}, {Field: "properties.date", Value: "2023", Source: "source:s"},
				{Field: "properties.date", Value: "May 2023", Source: "source:s"}}}, []string{"entities[0].claims[2].value"}},
		{"a claim of a source not cited, and a value without a claim", Entity{ID: "meeting:t", Kind: KindMeeting, Name: "Talks", Description: "y",
			Citations: []Citation{{Source: "source:s", Quote: "Talks in Lima"}},
			Claims:    []Claim{{Field: FieldName, Value: "Talks", Source: "source:other"}, {Field: FieldDescription, Value: "x", Source: "source:s", Basis: BasisInferred}}},
			[]string{"entities[0].claims[0].source", "entities[0].claims[1].source", "entities[0].claims"}},
		{"a claim of an unknown field", Entity{ID: "meeting:t", Kind: KindMeeting, Name: "Talks",
			Citations: []Citation{{Source: "source:s", Quote: "Talks in Lima"}},
			Claims:    []Claim{{Field: FieldName, Value: "Talks", Source: "source:s"}, {Field: "title", Value: "x", Source: "source:s"}}},
			[]string{"entities[0].claims[1].field"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan, err := PlanImport(context.Background(), &Bundle{Sources: []Source{src}, Entities: []Entity{tc.e}}, emptySnapshot{})
			if err != nil {
				t.Fatal(err)
			}
			var paths []string
			for _, p := range plan.Problems {
				paths = append(paths, p.Path)
				if strings.TrimSpace(p.Message) == "" {
					t.Errorf("problem at %s has no message", p.Path)
				}
			}
			if !slices.Equal(paths, tc.want) {
				t.Errorf("problems = %v, want paths %q", plan.Problems, tc.want)
			}
		})
	}
}

// unsupportedFields is deriveClaims's second result, without the claims: for values with no
// citation, with citations naming other fields, with a general citation, and with some named.
func TestUnsupportedFieldsIsDeriveClaims(t *testing.T) {
	e := &Entity{ID: "organization:sre", Kind: KindOrganization, Name: "Secretariat of Foreign Relations",
		Aliases: []string{"SRE", "Secretaría de Relaciones Exteriores"}, Properties: map[string]any{"acronym": "SRE", "established": "1821"}}
	named := []Citation{
		{Source: "source:a", Quote: "SRE", Fields: []string{AliasField("SRE"), PropertyField("acronym")}},
		{Source: "source:b", Quote: "1821", Fields: []string{PropertyField("established")}},
	}
	for _, tc := range []struct {
		name string
		cs   []Citation
	}{
		{"no citations", nil},
		{"one general citation", []Citation{{Source: "source:a", Quote: "the SRE"}}},
		{"citations naming some fields", named},
		{"named and general", append(slices.Clone(named), Citation{Source: "source:c", Quote: "the SRE"})},
		{"naming the aliases field", []Citation{{Source: "source:a", Quote: "SRE", Fields: []string{FieldAliases}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			values := entityValues(e)
			_, want := deriveClaims(values, tc.cs)
			if got := unsupportedFields(values, tc.cs); !slices.Equal(got, want) {
				t.Errorf("unsupportedFields = %q, want deriveClaims's %q", got, want)
			}
		})
	}
}
