package model

import "github.com/diplograph/diplograph/internal/kg"

// NewRelationType returns the GraphQL view of the relation type name declared by spec.
func NewRelationType(name string, spec kg.RelationSpec) *RelationType {
	t := &RelationType{Name: name, Description: spec.Description, SameKind: spec.SameKind,
		From: entityKinds(spec.From), To: entityKinds(spec.To)}
	for _, p := range spec.AllProperties() {
		t.Properties = append(t.Properties, &RelationProperty{Name: p.Name, Type: p.Type, Required: p.Required,
			Description: p.Description, Values: kg.PropertyValues(p.Type)})
	}
	return t
}

func entityKinds(ks []kg.Kind) []EntityKind {
	out := make([]EntityKind, len(ks))
	for i, k := range ks {
		out[i] = EntityKind(k)
	}
	return out
}
