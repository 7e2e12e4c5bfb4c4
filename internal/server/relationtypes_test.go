package server_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// TestRelationTypes checks that the API serves every relation type of the declaration in kg, with
// its kinds and properties, and that an unknown type's error names the valid ones.
func TestRelationTypes(t *testing.T) {
	s, err := memstore.Load(builtin(t)())
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(t, s)
	var out struct {
		RelationTypes []struct {
			Name        string   `json:"name"`
			Description string   `json:"description"`
			From        []string `json:"from"`
			To          []string `json:"to"`
			SameKind    bool     `json:"sameKind"`
			Properties  []struct {
				Name     string   `json:"name"`
				Type     string   `json:"type"`
				Required bool     `json:"required"`
				Values   []string `json:"values"`
			} `json:"properties"`
		} `json:"relationTypes"`
	}
	c.query(`{ relationTypes { name description from to sameKind properties { name type required description values } } }`, nil, &out)
	var names []string
	for _, rt := range out.RelationTypes {
		names = append(names, rt.Name)
		if rt.Description == "" {
			t.Errorf("relationTypes %s has no description", rt.Name)
		}
	}
	if want := kg.RelationTypeNames(); !slices.Equal(names, want) {
		t.Fatalf("relationTypes names = %q, want %q", names, want)
	}
	for _, rt := range out.RelationTypes {
		switch rt.Name {
		case kg.RelAttended:
			if !slices.Equal(rt.From, []string{"PERSON"}) || !slices.Equal(rt.To, []string{"MEETING"}) {
				t.Errorf("ATTENDED joins %v -> %v, want PERSON -> MEETING", rt.From, rt.To)
			}
			if len(rt.Properties) == 0 || rt.Properties[0].Name != "role" || !rt.Properties[0].Required ||
				!slices.Equal(rt.Properties[0].Values, []string{"LEAD", "MEMBER", "PARTICIPANT"}) {
				t.Errorf("ATTENDED properties = %+v, want role (required, LEAD, MEMBER, PARTICIPANT) first", rt.Properties)
			}
		case kg.RelPartOf:
			if !rt.SameKind {
				t.Errorf("PART_OF sameKind = false, want true")
			}
		case kg.RelHeldIn:
			if len(rt.Properties) != len(kg.CommonRelationProperties) {
				t.Errorf("HELD_IN properties = %+v, want the dates any relation may carry", rt.Properties)
			}
		}
	}

	res := c.do(`{ entity(id: "person:ken-salazar") { relations(types: ["LIKES"]) { type } } }`, nil)
	if len(res.Errors) == 0 || res.Errors[0].Extensions["code"] != "BAD_USER_INPUT" ||
		!strings.Contains(res.Errors[0].Message, "HOLDS_POSITION") {
		t.Errorf("relations(types: [LIKES]) errors = %+v, want BAD_USER_INPUT naming the valid types", res.Errors)
	}
	res = c.do(`{ paths(from: "person:ken-salazar", to: "person:biden", types: ["KNOWS"]) { length } }`, nil)
	if len(res.Errors) == 0 || !strings.Contains(res.Errors[0].Message, "ATTENDED") {
		t.Errorf("paths(types: [KNOWS]) errors = %+v, want one naming the valid types", res.Errors)
	}

	// Position titles are searchable through the API.
	var found struct {
		Search []struct {
			Entity struct {
				ID string `json:"id"`
			} `json:"entity"`
		} `json:"search"`
	}
	c.query(`{ search(query: "ambassador", first: 3) { entity { id } } }`, nil, &found)
	if len(found.Search) == 0 || found.Search[0].Entity.ID != "person:ken-salazar" {
		t.Errorf("search(ambassador) = %+v, want person:ken-salazar first", found.Search)
	}
}
