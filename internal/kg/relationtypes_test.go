package kg

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files (docs/relation-types.md) from the code")

// relationTypesDoc is the path of the page that lists the relation types, from this package.
var relationTypesDoc = filepath.Join("..", "..", "docs", "relation-types.md")

// renderRelationTypes renders RelationSpecs as the Markdown page docs/relation-types.md.
func renderRelationTypes() string {
	var b strings.Builder
	b.WriteString("# Relation types\n\n")
	b.WriteString("<!-- Generated from RelationSpecs in internal/kg/schema.go by\n")
	b.WriteString("     `go test ./internal/kg -run TestRelationTypesDoc -update`; do not edit by hand. -->\n\n")
	b.WriteString("Every relation joins two entities in one direction, `from` -> `to`, and cites the quotes that\n")
	b.WriteString("support it. The API serves this list too: `{ relationTypes { name description from to sameKind\n")
	b.WriteString("properties { name type required description values } } }`.\n\n")
	b.WriteString("| type | from | to | properties | meaning |\n|---|---|---|---|---|\n")
	for _, t := range RelationTypeNames() {
		s := RelationSpecs[t]
		var props []string
		for _, p := range s.Properties {
			req := ""
			if p.Required {
				req = ", required"
			}
			props = append(props, fmt.Sprintf("`%s` (%s%s)", p.Name, p.Type, req))
		}
		to := kindList(s.To)
		if s.SameKind {
			to = "the same kind"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", t, kindList(s.From), to, strings.Join(props, ", "), s.Description)
	}
	b.WriteString("\nAny relation may also carry these dates, at the precision the source gives them:\n\n")
	for _, p := range CommonRelationProperties {
		fmt.Fprintf(&b, "- `%s` (%s): %s\n", p.Name, p.Type, p.Description)
	}
	b.WriteString("\nProperty types: String (not empty), Boolean, Date (ISO 8601, possibly partial: `2022`, `2022-07`,\n")
	b.WriteString("`2022-12-01`), CountryCode (ISO 3166-1 alpha-2, upper case: `MX`), AttendanceRole (" +
		strings.Join(AttendanceRoles, ", ") + ").\n")
	b.WriteString("Other properties are free-form: a plain name and a string, boolean, number or list of one of those.\n")
	return b.String()
}

// TestRelationTypesDoc keeps docs/relation-types.md what RelationSpecs says.
func TestRelationTypesDoc(t *testing.T) {
	want := renderRelationTypes()
	if *update {
		if err := os.WriteFile(relationTypesDoc, []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(relationTypesDoc)
	if err != nil {
		t.Fatalf("%v (run `go test ./internal/kg -run TestRelationTypesDoc -update`)", err)
	}
	if string(got) != want {
		t.Errorf("%s is not what RelationSpecs says: run `go test ./internal/kg -run TestRelationTypesDoc -update`", relationTypesDoc)
	}
}

// TestRelationSpecs checks the declaration itself: every type described, every kind valid,
// property names unique per type and types known to the checks.
func TestRelationSpecs(t *testing.T) {
	for _, name := range RelationTypeNames() {
		s := RelationSpecs[name]
		if s.Description == "" || len(s.From) == 0 || len(s.To) == 0 {
			t.Errorf("%s: description %q, from %v, to %v; want all three", name, s.Description, s.From, s.To)
		}
		for _, k := range slices.Concat(s.From, s.To) {
			if !k.Valid() {
				t.Errorf("%s joins unknown kind %q", name, k)
			}
		}
		seen := map[string]bool{}
		for _, p := range s.AllProperties() {
			if seen[p.Name] || p.Description == "" || !slices.Contains([]string{TypeString, TypeBoolean, TypeDate, TypeCountryCode, TypeRole}, p.Type) {
				t.Errorf("%s.%s: repeated, undescribed or of unknown type %q", name, p.Name, p.Type)
			}
			seen[p.Name] = true
		}
	}
}

func TestUnknownRelationType(t *testing.T) {
	msg := UnknownRelationType("LIKES")
	for _, want := range []string{`"LIKES"`, "ATTENDED", "HOLDS_POSITION", "PART_OF", "SUPPORTS"} {
		if !strings.Contains(msg, want) {
			t.Errorf("UnknownRelationType(LIKES) = %q, want it to name %s", msg, want)
		}
	}
	if err := CheckRelationTypes([]string{"ATTENDED", "LIKES"}); ErrorCode(err) != CodeBadUserInput || !strings.Contains(err.Error(), "HOLDS_POSITION") {
		t.Errorf("CheckRelationTypes(ATTENDED, LIKES) = %v, want BAD_USER_INPUT naming the valid types", err)
	}
	if err := CheckRelationTypes([]string{"ATTENDED", "PART_OF"}); err != nil {
		t.Errorf("CheckRelationTypes(ATTENDED, PART_OF) = %v, want nil", err)
	}
}

// TestRelationPropsFromDeclaration checks that the property rules validation applies are the
// declaration's: required properties, where a property may appear, how its value is checked.
func TestRelationPropsFromDeclaration(t *testing.T) {
	tests := []struct {
		name string
		r    Relation
		want []string // problem paths
	}{
		{"a position needs its title", Relation{Type: RelHoldsPosition}, []string{"title"}},
		{"an attendance needs its role", Relation{Type: RelAttended}, []string{"role"}},
		{"a role out of its list", Relation{Type: RelAttended, Properties: map[string]any{PropRole: "HOST"}}, []string{"role"}},
		{"a delegation where it belongs", Relation{Type: RelRepresentedAt, Properties: map[string]any{PropDelegation: "MX"}}, nil},
		{"a delegation where it does not", Relation{Type: RelHeldIn, Properties: map[string]any{PropDelegation: "MX"}}, []string{"delegation"}},
		{"a bad country code", Relation{Type: RelRepresentedAt, Properties: map[string]any{PropDelegation: "Mexico"}}, []string{"delegation"}},
		{"a date anywhere", Relation{Type: RelHeldIn, Properties: map[string]any{PropDate: "2022-12"}}, nil},
		{"a title only on positions", Relation{Type: RelAttended, Properties: map[string]any{PropRole: "LEAD", PropTitle: "Chair"}}, []string{"title"}},
		{"acting is a boolean", Relation{Type: RelHoldsPosition, Properties: map[string]any{PropTitle: "Consul", PropActing: "yes"}}, []string{"acting"}},
		{"free-form properties pass", Relation{Type: RelSupports, Properties: map[string]any{"note": "x"}}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, p := range ValidateRelationProps(&tc.r) {
				got = append(got, p.Path)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ValidateRelationProps(%+v) paths = %q, want %q", tc.r, got, tc.want)
			}
		})
	}
	if msg := ValidateRelationProps(&Relation{Type: RelHeldIn, Properties: map[string]any{PropDelegation: "MX"}})[0].Message; !strings.Contains(msg, "ATTENDED, REPRESENTED_AT") {
		t.Errorf("a misplaced delegation's message = %q, want it to name ATTENDED, REPRESENTED_AT", msg)
	}
}
