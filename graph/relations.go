package graph

import (
	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// relationDef declares one relation of an entity type as the schema exposes it. Both uses derive
// from it: the output field that reads the relation (its resolver's spec, and lookahead, which
// finds it by "Type.field" in relFields) and the field of the type's *Where input that filters on
// it (compileWhere, through whereRels).
type relationDef struct {
	kind  kg.Kind      // the entity type the relation belongs to
	dir   kg.Direction // as seen from kind
	types []string     // relation types
	to    kg.Kind      // the kind at the far end
	field string       // the output field; "" when the schema has none
	// far names the subfield of the field's objects that holds the far end (the person of an
	// Attendance read from a meeting); "" when the field returns the far ends themselves.
	far   string
	where string // the *Where input field; "" when the schema has none
	// one: the filter takes the far end's own Where (some related entity matches it), as a
	// single-valued field does (place, parent); otherwise a list filter with some/none/all.
	one bool
}

// relFieldDef is what lookahead needs of an output relation field.
type relFieldDef struct {
	spec loader.RelSpec
	far  string
}

// relFields maps "Type.field" to each output relation field of the schema; whereRels maps a
// *Where input (by kind) and field name to its relation filter. Both are filled by relation, from
// the declarations below, so the two cannot disagree.
var (
	relFields = map[string]relFieldDef{}
	whereRels = map[string]map[string]*relField{}
)

// relation registers d and returns the spec its output field reads: every relation, in order.
func relation(d relationDef) loader.RelSpec {
	spec := loader.RelSpec{Types: d.types, Dir: d.dir, Limit: kg.NoLimit}
	if d.field != "" {
		relFields[typeOf(d.kind)+"."+d.field] = relFieldDef{spec: spec, far: d.far}
		model.RelationSpecs[typeOf(d.kind)+"."+d.field] = spec
	}
	if d.where != "" {
		k := string(d.kind)
		if whereRels[k] == nil {
			whereRels[k] = map[string]*relField{}
		}
		whereRels[k][d.where] = &relField{types: d.types, dir: d.dir, target: string(d.to), single: d.one}
	}
	return spec
}

// The relations of the schema (graph/schema/schema.graphqls), by entity type.
var (
	_ = relation(relationDef{kind: kg.KindDialogue, field: "parent", where: "parent", one: true,
		dir: kg.Out, types: []string{kg.RelPartOf}, to: kg.KindDialogue})
	_ = relation(relationDef{kind: kg.KindDialogue, field: "children",
		dir: kg.In, types: []string{kg.RelPartOf}, to: kg.KindDialogue})
	_ = relation(relationDef{kind: kg.KindDialogue, field: "meetings", where: "meetings",
		dir: kg.In, types: []string{kg.RelSessionOf}, to: kg.KindMeeting})
	_ = relation(relationDef{kind: kg.KindDialogue, field: "initiatives", where: "initiatives",
		dir: kg.In, types: []string{kg.RelSupports}, to: kg.KindInitiative})
	_ = relation(relationDef{kind: kg.KindDialogue, field: "countries", where: "countries",
		dir: kg.In, types: []string{kg.RelPartyTo}, to: kg.KindCountry})
	_ = relation(relationDef{kind: kg.KindDialogue, field: "topics", where: "topics",
		dir: kg.Out, types: []string{kg.RelAddresses}, to: kg.KindTopic})

	_ = relation(relationDef{kind: kg.KindInitiative, field: "supports", where: "supports",
		dir: kg.Out, types: []string{kg.RelSupports}, to: kg.KindDialogue})
	_ = relation(relationDef{kind: kg.KindInitiative, field: "outcomes", far: "meeting", where: "meetings",
		dir: kg.In, types: kg.OutcomeTypes, to: kg.KindMeeting})
	_ = relation(relationDef{kind: kg.KindInitiative, field: "topics", where: "topics",
		dir: kg.Out, types: []string{kg.RelAddresses}, to: kg.KindTopic})

	_ = relation(relationDef{kind: kg.KindMeeting, field: "place", where: "place", one: true,
		dir: kg.Out, types: []string{kg.RelHeldIn}, to: kg.KindPlace})
	_ = relation(relationDef{kind: kg.KindMeeting, field: "dialogue", where: "dialogue", one: true,
		dir: kg.Out, types: []string{kg.RelSessionOf}, to: kg.KindDialogue})
	_ = relation(relationDef{kind: kg.KindMeeting, field: "attendances", far: "person", where: "attendees",
		dir: kg.In, types: []string{kg.RelAttended}, to: kg.KindPerson})
	_ = relation(relationDef{kind: kg.KindMeeting, field: "representations", far: "organization", where: "organizations",
		dir: kg.In, types: []string{kg.RelRepresentedAt}, to: kg.KindOrganization})
	_ = relation(relationDef{kind: kg.KindMeeting, field: "outcomes", far: "initiative", where: "initiatives",
		dir: kg.Out, types: kg.OutcomeTypes, to: kg.KindInitiative})
	// A filter only: Meeting has no topics field.
	_ = relation(relationDef{kind: kg.KindMeeting, where: "topics",
		dir: kg.Out, types: []string{kg.RelAddresses}, to: kg.KindTopic})

	_ = relation(relationDef{kind: kg.KindOrganization, field: "country", where: "country", one: true,
		dir: kg.Out, types: []string{kg.RelBelongsTo}, to: kg.KindCountry})
	_ = relation(relationDef{kind: kg.KindOrganization, field: "parent", where: "parent", one: true,
		dir: kg.Out, types: []string{kg.RelPartOf}, to: kg.KindOrganization})
	_ = relation(relationDef{kind: kg.KindOrganization, field: "children",
		dir: kg.In, types: []string{kg.RelPartOf}, to: kg.KindOrganization})
	_ = relation(relationDef{kind: kg.KindOrganization, field: "positions", far: "person", where: "people",
		dir: kg.In, types: []string{kg.RelHoldsPosition}, to: kg.KindPerson})
	_ = relation(relationDef{kind: kg.KindOrganization, field: "representations", far: "meeting", where: "meetings",
		dir: kg.Out, types: []string{kg.RelRepresentedAt}, to: kg.KindMeeting})

	_ = relation(relationDef{kind: kg.KindPerson, field: "positions", far: "organization", where: "organizations",
		dir: kg.Out, types: []string{kg.RelHoldsPosition}, to: kg.KindOrganization})
	_ = relation(relationDef{kind: kg.KindPerson, field: "attendances", far: "meeting", where: "meetings",
		dir: kg.Out, types: []string{kg.RelAttended}, to: kg.KindMeeting})

	_ = relation(relationDef{kind: kg.KindPlace, field: "country", where: "country", one: true,
		dir: kg.Out, types: []string{kg.RelLocatedIn}, to: kg.KindCountry})
)
