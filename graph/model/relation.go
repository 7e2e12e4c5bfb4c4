package model

import (
	"slices"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/internal/kg"
)

// Relation is a directed, typed edge as the API returns it, with the batch it was loaded with.
type Relation struct {
	Rel   *kg.Relation
	Batch *loader.RelBatch
}

// Type returns the relation type.
func (r *Relation) Type() string { return r.Rel.Type }

// holding returns the relation with field loaded: r.Rel, or, when the query's lookahead asked for
// fewer fields than the query reads, the relation fetched whole (with its batch, once).
func (r *Relation) holding(field string) (*kg.Relation, error) {
	if r.Rel.Holds(field) {
		return r.Rel, nil
	}
	return r.Batch.Whole(r.Rel)
}

// prop returns the string property key of the relation, "" when it has none.
func (r *Relation) prop(key string) (string, error) {
	rel, err := r.holding(key)
	if err != nil {
		return "", err
	}
	return rel.Prop(key), nil
}

// Properties returns the relation's properties, nil when it has none.
func (r *Relation) Properties() (any, error) {
	rel, err := r.Batch.Whole(r.Rel)
	if err != nil || len(rel.Properties) == 0 {
		return nil, err
	}
	return rel.Properties, nil
}

// From returns the entity the relation starts at.
func (r *Relation) From() (Entity, error) { return r.end(r.Rel.From) }

// To returns the entity the relation ends at.
func (r *Relation) To() (Entity, error) { return r.end(r.Rel.To) }

// end returns the relation's end id as its API type; nil when the store has no such entity.
func (r *Relation) end(id string) (Entity, error) {
	e, b, err := r.Batch.Entity(id)
	if err != nil {
		return nil, err
	}
	return Wrap(e, b), nil
}

// Citations returns the quotes that support the relation.
func (r *Relation) Citations() ([]*Citation, error) {
	rel, err := r.holding(kg.LoadCitations)
	if err != nil {
		return nil, err
	}
	return citations(relationKey(rel), rel.Citations, r.Batch.Source), nil
}

// ID returns the relation's id (see ids.go).
func (r *Relation) ID() string { return RelationViewID(RelationPrefix, r.Rel) }

// IsNode marks relations as Nodes.
func (*Relation) IsNode() {}

func (r *Relation) entity(id string) (EntityBase, error) {
	e, err := r.end(id)
	if err != nil || e == nil {
		if err == nil {
			err = kg.Errorf(kg.CodeNotFound, "entity %q referenced by a %s relation was not found", id, r.Rel.Type)
		}
		return EntityBase{}, err
	}
	return *e.Base(), nil
}

// Position is a HOLDS_POSITION relation: a person's title in an organization.
type Position struct{ Relation }

// ID returns the position's id (see ids.go).
func (p *Position) ID() string { return RelationViewID(PositionPrefix, p.Rel) }

// Person returns the position holder.
func (p *Position) Person() (*Person, error) {
	b, err := p.entity(p.Rel.From)
	if err != nil {
		return nil, err
	}
	return &Person{b}, nil
}

// Organization returns the organization the position is in.
func (p *Position) Organization() (*Organization, error) {
	b, err := p.entity(p.Rel.To)
	if err != nil {
		return nil, err
	}
	return &Organization{b}, nil
}

// Title returns the position's title.
func (p *Position) Title() (string, error) { return p.prop(kg.PropTitle) }

// Acting reports whether the title is held in an acting capacity.
func (p *Position) Acting() (bool, error) {
	rel, err := p.holding(kg.PropActing)
	if err != nil {
		return false, err
	}
	return rel.BoolProp(kg.PropActing), nil
}

// Start returns when the position began, nil when unknown.
func (p *Position) Start() (*string, error) {
	s, err := p.prop(kg.PropStart)
	return optional(s), err
}

// End returns when the position ended, nil when unknown or ongoing.
func (p *Position) End() (*string, error) {
	s, err := p.prop(kg.PropEnd)
	return optional(s), err
}

// Attendance is an ATTENDED relation: a person at a meeting.
type Attendance struct{ Relation }

// ID returns the attendance's id (see ids.go).
func (a *Attendance) ID() string { return RelationViewID(AttendancePrefix, a.Rel) }

// Person returns the attendee.
func (a *Attendance) Person() (*Person, error) {
	b, err := a.entity(a.Rel.From)
	if err != nil {
		return nil, err
	}
	return &Person{b}, nil
}

// Meeting returns the meeting attended.
func (a *Attendance) Meeting() (*Meeting, error) {
	b, err := a.entity(a.Rel.To)
	if err != nil {
		return nil, err
	}
	return &Meeting{b}, nil
}

// Role returns the attendee's role.
func (a *Attendance) Role() (AttendanceRole, error) {
	r, err := a.prop(kg.PropRole)
	if err != nil {
		return "", err
	}
	if r != "" {
		return AttendanceRole(r), nil
	}
	return "PARTICIPANT", nil
}

// Delegation returns the country whose delegation the attendee was part of, nil when unknown.
func (a *Attendance) Delegation() (*Country, error) {
	return a.delegation()
}

// Representation is a REPRESENTED_AT relation: an organization at a meeting.
type Representation struct{ Relation }

// ID returns the representation's id (see ids.go).
func (r *Representation) ID() string { return RelationViewID(RepresentationPrefix, r.Rel) }

// Organization returns the organization represented.
func (r *Representation) Organization() (*Organization, error) {
	b, err := r.entity(r.Rel.From)
	if err != nil {
		return nil, err
	}
	return &Organization{b}, nil
}

// Meeting returns the meeting.
func (r *Representation) Meeting() (*Meeting, error) {
	b, err := r.entity(r.Rel.To)
	if err != nil {
		return nil, err
	}
	return &Meeting{b}, nil
}

// Delegation returns the country whose delegation included the organization, nil when unknown.
func (r *Representation) Delegation() (*Country, error) {
	return r.delegation()
}

// Outcome is a relation from a meeting to an initiative it adopted, affirmed, reviewed, advanced
// or applauded.
type Outcome struct{ Relation }

// ID returns the outcome's id (see ids.go).
func (o *Outcome) ID() string { return RelationViewID(OutcomePrefix, o.Rel) }

// Meeting returns the meeting.
func (o *Outcome) Meeting() (*Meeting, error) {
	b, err := o.entity(o.Rel.From)
	if err != nil {
		return nil, err
	}
	return &Meeting{b}, nil
}

// Initiative returns the initiative.
func (o *Outcome) Initiative() (*Initiative, error) {
	b, err := o.entity(o.Rel.To)
	if err != nil {
		return nil, err
	}
	return &Initiative{b}, nil
}

// Action returns what the meeting did.
func (o *Outcome) Action() OutcomeAction { return OutcomeAction(o.Rel.Type) }

// delegation returns the country of the relation's delegation code, nil when it has none or no
// country has that code.
func (r *Relation) delegation() (*Country, error) {
	code, err := r.prop(kg.PropDelegation)
	if err != nil {
		return nil, err
	}
	e, b, err := r.Batch.Country(code)
	if err != nil || e == nil {
		return nil, err
	}
	return &Country{EntityBase{Entity: e, Batch: b}}, nil
}

// ViewFits reports whether relations of type typ may be seen as the type prefix names: a Position
// is a HOLDS_POSITION, an Attendance an ATTENDED, a Representation a REPRESENTED_AT, an Outcome
// one of kg.OutcomeTypes, and a Relation any.
func ViewFits(prefix, typ string) bool {
	switch prefix {
	case PositionPrefix:
		return typ == kg.RelHoldsPosition
	case AttendancePrefix:
		return typ == kg.RelAttended
	case RepresentationPrefix:
		return typ == kg.RelRepresentedAt
	case OutcomePrefix:
		return slices.Contains(kg.OutcomeTypes, typ)
	}
	return prefix == RelationPrefix
}

// RelationView wraps r, loaded with batch, as the type prefix names (RelationPrefix,
// PositionPrefix, ...): the type whose ids carry that prefix.
func RelationView(prefix string, r *kg.Relation, batch *loader.RelBatch) Node {
	rel := Relation{Rel: r, Batch: batch}
	switch prefix {
	case PositionPrefix:
		return &Position{rel}
	case AttendancePrefix:
		return &Attendance{rel}
	case RepresentationPrefix:
		return &Representation{rel}
	case OutcomePrefix:
		return &Outcome{rel}
	}
	return &rel
}
