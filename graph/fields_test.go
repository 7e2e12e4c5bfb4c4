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

// Every field of every *Where input must be compiled: a relation filter by whereRels (declared
// with the relations, with the far end's kind the schema gives), any other field by whereFields;
// and neither table may name a field the schema lacks.
func TestWhereFieldsAreSchemaFields(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	inputs := map[string]string{sourceWhere: "SourceWhere"}
	for _, k := range kg.Kinds {
		inputs[string(k)] = typeOf(k) + "Where"
	}
	for key, input := range inputs {
		def := schema.Types[input]
		if def == nil {
			t.Errorf("the schema has no input %s", input)
			continue
		}
		for _, f := range def.Fields {
			switch f.Name {
			case "AND", "OR", "NOT":
				continue
			}
			typ := f.Type.Name()
			rel, isRel := whereRels[key][f.Name]
			_, isField := whereFields[key][f.Name]
			switch {
			case strings.HasSuffix(typ, "ListFilter") && typ != "StringListFilter" || strings.HasSuffix(typ, "Where"):
				far := strings.TrimSuffix(strings.TrimSuffix(typ, "ListFilter"), "Where")
				if !isRel {
					t.Errorf("%s.%s (%s) filters on related entities but is not declared in relations.go", input, f.Name, typ)
				} else if typeOf(kg.Kind(rel.target)) != far || rel.single != strings.HasSuffix(typ, "Where") {
					t.Errorf("%s.%s (%s): declared with far end %s, single %t", input, f.Name, typ, rel.target, rel.single)
				}
			case !isField:
				t.Errorf("%s.%s (%s) is not in whereFields", input, f.Name, typ)
			}
		}
		for name := range whereFields[key] {
			if def.Fields.ForName(name) == nil {
				t.Errorf("whereFields[%s][%q]: the schema's %s has no such field", key, name, input)
			}
		}
		for name := range whereRels[key] {
			if def.Fields.ForName(name) == nil {
				t.Errorf("whereRels[%s][%q]: the schema's %s has no such field", key, name, input)
			}
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
