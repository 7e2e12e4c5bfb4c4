package model

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// Relation is a directed, typed edge as the API returns it, with the batch it was loaded with.
type Relation struct {
	R *kg.Relation
	B *RelBatch
}

// Type returns the relation type.
func (r *Relation) Type() string { return r.R.Type }

// Properties returns the relation's properties, nil when it has none.
func (r *Relation) Properties() any {
	if len(r.R.Properties) == 0 {
		return nil
	}
	return r.R.Properties
}

// From returns the entity the relation starts at.
func (r *Relation) From(ctx context.Context) (Entity, error) { return r.B.Entity(ctx, r.R.From) }

// To returns the entity the relation ends at.
func (r *Relation) To(ctx context.Context) (Entity, error) { return r.B.Entity(ctx, r.R.To) }

// Citations returns the quotes that support the relation.
func (r *Relation) Citations() []*Citation {
	out := make([]*Citation, len(r.R.Citations))
	for i, c := range r.R.Citations {
		out[i] = &Citation{C: c, source: r.B.Source}
	}
	return out
}

func (r *Relation) entity(ctx context.Context, id string) (EntityBase, error) {
	e, err := r.B.Entity(ctx, id)
	if err != nil || e == nil {
		if err == nil {
			err = kg.Errorf(kg.CodeNotFound, "entity %q referenced by a %s relation was not found", id, r.R.Type)
		}
		return EntityBase{}, err
	}
	return *e.Base(), nil
}

// Position is a HOLDS_POSITION relation: a person's title in an organization.
type Position struct{ Relation }

// Person returns the position holder.
func (p *Position) Person(ctx context.Context) (*Person, error) {
	b, err := p.entity(ctx, p.R.From)
	if err != nil {
		return nil, err
	}
	return &Person{b}, nil
}

// Organization returns the organization the position is in.
func (p *Position) Organization(ctx context.Context) (*Organization, error) {
	b, err := p.entity(ctx, p.R.To)
	if err != nil {
		return nil, err
	}
	return &Organization{b}, nil
}

// Title returns the position's title.
func (p *Position) Title() string { return p.R.Prop(kg.PropTitle) }

// Acting reports whether the title is held in an acting capacity.
func (p *Position) Acting() bool { return p.R.BoolProp(kg.PropActing) }

// Start returns when the position began, nil when unknown.
func (p *Position) Start() *string { return optional(p.R.Prop(kg.PropStart)) }

// End returns when the position ended, nil when unknown or ongoing.
func (p *Position) End() *string { return optional(p.R.Prop(kg.PropEnd)) }

// Attendance is an ATTENDED relation: a person at a meeting.
type Attendance struct{ Relation }

// Person returns the attendee.
func (a *Attendance) Person(ctx context.Context) (*Person, error) {
	b, err := a.entity(ctx, a.R.From)
	if err != nil {
		return nil, err
	}
	return &Person{b}, nil
}

// Meeting returns the meeting attended.
func (a *Attendance) Meeting(ctx context.Context) (*Meeting, error) {
	b, err := a.entity(ctx, a.R.To)
	if err != nil {
		return nil, err
	}
	return &Meeting{b}, nil
}

// Role returns the attendee's role.
func (a *Attendance) Role() AttendanceRole {
	if r := a.R.Prop(kg.PropRole); r != "" {
		return AttendanceRole(r)
	}
	return "PARTICIPANT"
}

// Delegation returns the country whose delegation the attendee was part of, nil when unknown.
func (a *Attendance) Delegation(ctx context.Context) (*Country, error) {
	return a.B.Country(ctx, a.R.Prop(kg.PropDelegation))
}

// Representation is a REPRESENTED_AT relation: an organization at a meeting.
type Representation struct{ Relation }

// Organization returns the organization represented.
func (r *Representation) Organization(ctx context.Context) (*Organization, error) {
	b, err := r.entity(ctx, r.R.From)
	if err != nil {
		return nil, err
	}
	return &Organization{b}, nil
}

// Meeting returns the meeting.
func (r *Representation) Meeting(ctx context.Context) (*Meeting, error) {
	b, err := r.entity(ctx, r.R.To)
	if err != nil {
		return nil, err
	}
	return &Meeting{b}, nil
}

// Delegation returns the country whose delegation included the organization, nil when unknown.
func (r *Representation) Delegation(ctx context.Context) (*Country, error) {
	return r.B.Country(ctx, r.R.Prop(kg.PropDelegation))
}

// Outcome is a relation from a meeting to an initiative it adopted, affirmed, reviewed, advanced
// or applauded.
type Outcome struct{ Relation }

// Meeting returns the meeting.
func (o *Outcome) Meeting(ctx context.Context) (*Meeting, error) {
	b, err := o.entity(ctx, o.R.From)
	if err != nil {
		return nil, err
	}
	return &Meeting{b}, nil
}

// Initiative returns the initiative.
func (o *Outcome) Initiative(ctx context.Context) (*Initiative, error) {
	b, err := o.entity(ctx, o.R.To)
	if err != nil {
		return nil, err
	}
	return &Initiative{b}, nil
}

// Action returns what the meeting did.
func (o *Outcome) Action() OutcomeAction { return OutcomeAction(o.R.Type) }
