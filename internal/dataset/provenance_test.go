package dataset

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// item is an entity or relation of the bundle, as the provenance tests read it.
type item struct {
	name      string
	claims    []kg.Claim
	citations []kg.Citation
	entity    *kg.Entity // nil for a relation
	relation  *kg.Relation
}

func items(b *kg.Bundle) []item {
	var out []item
	for i := range b.Entities {
		e := &b.Entities[i]
		out = append(out, item{e.ID, e.ItemClaims(), e.Citations, e, nil})
	}
	for i := range b.Relations {
		r := &b.Relations[i]
		out = append(out, item{kg.RelationName(r), r.ItemClaims(), r.Citations, nil, r})
	}
	return out
}

// asides are what the text puts between a name's parts: a parenthetical acronym ("Process (21CB)
// Executive") or a nickname in quotes (Benjamine “Carry” Huffman).
var asides = regexp.MustCompile(`\s*(\([^()]*\)|“[^“”]*”)`)

// containsName reports whether quote names v (folded), as written or with its asides left out.
func containsName(quote, v string) bool {
	return strings.Contains(kg.Fold(quote), kg.Fold(v)) || strings.Contains(kg.Fold(asides.ReplaceAllString(quote, "")), kg.Fold(v))
}

var months = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}

// states reports whether quote states value v of field, where that can be decided mechanically,
// and whether it can: names, aliases, acronyms and titles occur in it; dates give their year,
// month name and day; an ordinal occurs as "14th"; a role has its verb (led, joined, took part);
// a country code its country ("U.S.", "Mexic..."); a classification its word; acting its
// "Acting". Descriptions are prose and are not checked.
func states(it item, field string, v any, quote string) (ok, checkable bool) {
	s, _ := v.(string)
	key, isProp := kg.PropertyOfField(field)
	switch {
	case field == kg.FieldName || field == kg.FieldAliases || key == kg.PropAcronym || key == kg.PropTitle:
		return containsName(quote, s), true
	case key == kg.PropDate || key == kg.PropEstablished || key == kg.PropStart || key == kg.PropEnd:
		parts := strings.Split(s, "-")
		ok = strings.Contains(quote, parts[0])
		if len(parts) > 1 {
			m, err := strconv.Atoi(parts[1])
			ok = ok && err == nil && m >= 1 && m <= 12 && strings.Contains(quote, months[m-1])
		}
		if len(parts) > 2 {
			d, err := strconv.Atoi(parts[2])
			ok = ok && err == nil && regexp.MustCompile(fmt.Sprintf(`\b%d\b`, d)).MatchString(quote)
		}
		return ok, true
	case key == kg.PropOrdinal:
		n, _ := v.(int64)
		return strings.Contains(quote, fmt.Sprintf("%dth", n)), true
	case key == kg.PropRole:
		verb := map[string][]string{"LEAD": {"led"}, "MEMBER": {"joined", "member"}, "PARTICIPANT": {"took part", "participa"}}[s]
		return slices.ContainsFunc(verb, func(w string) bool { return regexp.MustCompile(`\b` + w).MatchString(quote) }), true
	case key == kg.PropDelegation || key == kg.PropCode:
		word := map[string]string{"US": "U.S.", "MX": "Mexic"}[s]
		return word != "" && strings.Contains(quote, word), true
	case key == kg.PropClassification:
		name := ""
		if it.entity != nil {
			name = it.entity.Name
		}
		return containsName(quote+" "+name, strings.ToLower(s)), true
	case key == kg.PropActing:
		acting, _ := v.(bool)
		title := it.relation.Prop(kg.PropTitle)
		has := strings.Contains(quote, "Acting "+strings.TrimPrefix(title, "Acting ")) || strings.HasPrefix(title, "Acting") && strings.Contains(quote, title)
		return has == acting && containsName(quote, title), true
	case isProp:
		return false, false
	}
	return false, false
}

// TestStatedValuesAreInTheirQuotes holds the built-in bundle to its word: every value served as
// STATED has a stated citation whose quote states it, wherever that can be checked mechanically
// (states). A value the text does not state must be INFERRED or CURATED, with a note.
func TestStatedValuesAreInTheirQuotes(t *testing.T) {
	checked := 0
	for _, it := range items(mustBundle(t)) {
		for _, c := range it.claims {
			if c.Basis.Or() != kg.BasisStated {
				continue
			}
			var quotes []string
			for _, cit := range kg.Supporting(it.citations, c.Field, c.Value) {
				if cit.Source == c.Source && cit.Basis.Or() == kg.BasisStated {
					quotes = append(quotes, cit.Quote)
				}
			}
			stated, checkable := false, false
			for _, q := range quotes {
				ok, can := states(it, c.Field, c.Value, q)
				stated, checkable = stated || ok, can
			}
			if !checkable {
				continue
			}
			checked++
			if !stated {
				t.Errorf("%s %s = %v is STATED, but none of its stated quotes says so: %q", it.name, c.Field, c.Value, quotes)
			}
		}
	}
	if checked < 100 {
		t.Errorf("checked %d stated values mechanically, want at least 100 (is the check still reaching them?)", checked)
	}
}

// TestEveryAliasHasSupport checks that every alias is claimed by the source with a basis, and that
// the ones the text does not write are curated or inferred with a note.
func TestEveryAliasHasSupport(t *testing.T) {
	for _, it := range items(mustBundle(t)) {
		if it.entity == nil {
			continue
		}
		for _, a := range it.entity.Aliases {
			sup := kg.Supporting(it.citations, kg.FieldAliases, a)
			if len(sup) == 0 {
				t.Errorf("%s alias %q has no citation", it.name, a)
			}
			for _, c := range sup {
				if c.Basis.Or() != kg.BasisStated && c.Note == "" {
					t.Errorf("%s alias %q rests on a %s citation without a note", it.name, a, c.Basis)
				}
			}
		}
	}
}

// TestReviewedJudgementCalls pins the facts the issue found served as stated though the text does
// not state them, each with the basis it has now.
func TestReviewedJudgementCalls(t *testing.T) {
	b := mustBundle(t)
	basisOf := func(claims []kg.Claim, field string, value any) kg.Basis {
		for _, v := range kg.RankValues(claims, nil) {
			if v.Field == field && fmt.Sprint(v.Value) == fmt.Sprint(value) {
				return v.Basis
			}
		}
		return "none"
	}
	type check struct {
		what  string
		got   kg.Basis
		basis kg.Basis
	}
	esc := entity(b, "dialogue:21st-century-border-management-executive-steering-committee")
	salazar := relation(b, kg.RelAttended, "person:ken-salazar", plenary)
	biden := relation(b, kg.RelAttended, "person:biden", july)
	amlo := relation(b, kg.RelAttended, "person:lopez-obrador", july)
	checks := []check{
		{"the plenary's date (the year is the release's)", basisOf(entity(b, plenary).ItemClaims(), "properties.date", "2022-12-01"), kg.BasisInferred},
		{"the plenary's ordinal", basisOf(entity(b, plenary).ItemClaims(), "properties.ordinal", 14), kg.BasisStated},
		{"Ken Salazar's role (the leads led alongside him)", basisOf(salazar.ItemClaims(), "properties.role", "MEMBER"), kg.BasisInferred},
		{"Ken Salazar's attendance", kg.ItemBasis(salazar.Citations), kg.BasisStated},
		{"Biden's LEAD in July 2022", basisOf(biden.ItemClaims(), "properties.role", "LEAD"), kg.BasisInferred},
		{"López Obrador's LEAD in July 2022", basisOf(amlo.ItemClaims(), "properties.role", "LEAD"), kg.BasisInferred},
		{"the ESC's establishment in 2010", basisOf(esc.ItemClaims(), "properties.established", "2010"), kg.BasisInferred},
		{"the SRE's Spanish name", basisOf(entity(b, "organization:secretariat-of-foreign-relations").ItemClaims(), kg.FieldAliases, "Secretaría de Relaciones Exteriores"), kg.BasisCurated},
		{"Mexico's Spanish name", basisOf(entity(b, "country:mexico").ItemClaims(), kg.FieldAliases, "México"), kg.BasisCurated},
		{"DHS written out", basisOf(entity(b, "organization:department-of-homeland-security").ItemClaims(), kg.FieldName, "Department of Homeland Security"), kg.BasisCurated},
		{"Biden's title", basisOf(relation(b, kg.RelHoldsPosition, "person:biden", "organization:us-government").ItemClaims(), "properties.title", "President"), kg.BasisStated},
		{"Biden's post being the U.S. Government's", kg.ItemBasis(relation(b, kg.RelHoldsPosition, "person:biden", "organization:us-government").Citations), kg.BasisInferred},
	}
	for _, c := range checks {
		if c.got != c.basis {
			t.Errorf("%s: basis %s, want %s", c.what, c.got, c.basis)
		}
	}
	if e := entity(b, "topic:facilitation-of-bilateral-trade"); slices.Contains(e.Aliases, "Trade facilitation") {
		t.Errorf("%s keeps the alias %q, which no source gives", e.ID, "Trade facilitation")
	}
}

// TestProvenanceCounts reports how many of the bundle's values, and of its items themselves (that
// an entity exists, that a relation holds), rest on each basis; the figures are in the dataset
// README. Run with -v to see them.
func TestProvenanceCounts(t *testing.T) {
	values, things := map[kg.Basis]int{}, map[kg.Basis]int{}
	for _, it := range items(mustBundle(t)) {
		for _, v := range kg.RankValues(it.claims, nil) {
			values[v.Basis.Or()]++
		}
		things[kg.ItemBasis(it.citations)]++
	}
	t.Logf("values by basis: STATED %d, CURATED %d, INFERRED %d", values[kg.BasisStated], values[kg.BasisCurated], values[kg.BasisInferred])
	t.Logf("entities and relations by basis: STATED %d, CURATED %d, INFERRED %d", things[kg.BasisStated], things[kg.BasisCurated], things[kg.BasisInferred])
	for _, counts := range []map[kg.Basis]int{values, things} {
		if counts[kg.BasisInferred] == 0 || counts[kg.BasisStated] < counts[kg.BasisCurated]+counts[kg.BasisInferred] {
			t.Errorf("by basis = %v: want stated ones to outnumber the others, and some inferred", counts)
		}
	}
}
