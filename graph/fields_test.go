package graph

import (
	"fmt"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// Every entry of relFields must name a field of the schema, or lookahead would look for a field
// no query can select and the resolvers' spec would drift from what the schema says.
func TestRelationFieldsAreSchemaFields(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	if len(relFields) < 20 {
		t.Fatalf("relFields has %d entries, want every relation field of the schema (22)", len(relFields))
	}
	for key, rf := range relFields {
		object, field, _ := strings.Cut(key, ".")
		def := schema.Types[object]
		if def == nil || def.Fields.ForName(field) == nil {
			t.Errorf("relFields[%q]: the schema has no field %s on type %s", key, field, object)
			continue
		}
		if rf.far == "" {
			continue
		}
		objs := schema.Types[def.Fields.ForName(field).Type.Name()]
		if objs == nil || objs.Fields.ForName(rf.far) == nil {
			t.Errorf("relFields[%q]: its objects have no far-end field %q", key, rf.far)
		}
	}
}

// typeOf must name the GraphQL type Wrap gives each kind, or lookahead on a node would collect
// the wrong type's fields.
func TestTypeOfEveryKind(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	for _, k := range kg.Kinds {
		typ := typeOf(k)
		e := model.Wrap(&kg.Entity{ID: "x", Kind: k}, nil)
		if got := strings.TrimPrefix(fmt.Sprintf("%T", e), "*model."); got != typ || schema.Types[typ] == nil {
			t.Errorf("typeOf(%s) = %s; Wrap gives %s; schema has it: %v", k, typ, got, schema.Types[typ] != nil)
		}
	}
}
