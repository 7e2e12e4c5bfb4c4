package model

import (
	"fmt"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/internal/kg"
)

// RelationSpecs maps "Type.field" to what each relation field of an entity type reads; graph
// declares them (graph/relations.go). The fields are methods without a context, so gqlgen runs
// them inline instead of in a goroutine each: they read what the level above prefetched, or fetch
// their level for the whole batch in one store call (loader.Batch.RelationsOf).
var RelationSpecs = map[string]loader.RelSpec{}

// relations returns the entity's relations that relation field field ("Meeting.place") reads.
func (b *EntityBase) relations(field string) ([]*kg.Relation, *loader.RelBatch, error) {
	spec, ok := RelationSpecs[field]
	if !ok {
		return nil, nil, fmt.Errorf("relation field %s is not declared", field)
	}
	return b.Batch.RelationsOf(b.Entity.ID, spec)
}

// relationsAs returns the relations field reads as API type T.
func relationsAs[T any](b *EntityBase, field string, as func(Relation) T) ([]T, error) {
	rs, rb, err := b.relations(field)
	if err != nil {
		return nil, err
	}
	out := make([]T, len(rs))
	for i, r := range rs {
		out[i] = as(Relation{Rel: r, Batch: rb})
	}
	return out, nil
}

// relatedAs returns the entities of API type T at the far end of the relations field reads, in
// relation order, each once.
func relatedAs[T Entity](b *EntityBase, field string) ([]T, error) {
	rs, rb, err := b.relations(field)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := make([]T, 0, len(rs))
	for _, r := range rs {
		id := r.Other(b.Entity.ID)
		if seen[id] {
			continue
		}
		seen[id] = true
		e, eb, err := rb.Entity(id)
		if err != nil {
			return nil, err
		}
		if t, ok := Wrap(e, eb).(T); ok && e != nil {
			out = append(out, t)
		}
	}
	return out, nil
}

// relatedOne returns the first entity relatedAs finds, or the zero T (nil) when there is none.
func relatedOne[T Entity](b *EntityBase, field string) (T, error) {
	var zero T
	ts, err := relatedAs[T](b, field)
	if err != nil || len(ts) == 0 {
		return zero, err
	}
	return ts[0], nil
}

func asPosition(r Relation) *Position             { return &Position{r} }
func asAttendance(r Relation) *Attendance         { return &Attendance{r} }
func asRepresentation(r Relation) *Representation { return &Representation{r} }
func asOutcome(r Relation) *Outcome               { return &Outcome{r} }

// Parent returns the dialogue this one is part of, nil when none.
func (d *Dialogue) Parent() (*Dialogue, error) {
	return relatedOne[*Dialogue](&d.EntityBase, "Dialogue.parent")
}

// Children returns the dialogues part of this one.
func (d *Dialogue) Children() ([]*Dialogue, error) {
	return relatedAs[*Dialogue](&d.EntityBase, "Dialogue.children")
}

// Meetings returns the dialogue's sessions.
func (d *Dialogue) Meetings() ([]*Meeting, error) {
	return relatedAs[*Meeting](&d.EntityBase, "Dialogue.meetings")
}

// Initiatives returns the initiatives that support the dialogue.
func (d *Dialogue) Initiatives() ([]*Initiative, error) {
	return relatedAs[*Initiative](&d.EntityBase, "Dialogue.initiatives")
}

// Countries returns the countries party to the dialogue.
func (d *Dialogue) Countries() ([]*Country, error) {
	return relatedAs[*Country](&d.EntityBase, "Dialogue.countries")
}

// Topics returns the topics the dialogue addresses.
func (d *Dialogue) Topics() ([]*Topic, error) {
	return relatedAs[*Topic](&d.EntityBase, "Dialogue.topics")
}

// Supports returns the dialogues the initiative supports.
func (i *Initiative) Supports() ([]*Dialogue, error) {
	return relatedAs[*Dialogue](&i.EntityBase, "Initiative.supports")
}

// Outcomes returns what meetings did with the initiative.
func (i *Initiative) Outcomes() ([]*Outcome, error) {
	return relationsAs(&i.EntityBase, "Initiative.outcomes", asOutcome)
}

// Topics returns the topics the initiative addresses.
func (i *Initiative) Topics() ([]*Topic, error) {
	return relatedAs[*Topic](&i.EntityBase, "Initiative.topics")
}

// Place returns where the meeting was held, nil when unknown.
func (m *Meeting) Place() (*Place, error) { return relatedOne[*Place](&m.EntityBase, "Meeting.place") }

// Dialogue returns the dialogue the meeting is a session of, nil when none.
func (m *Meeting) Dialogue() (*Dialogue, error) {
	return relatedOne[*Dialogue](&m.EntityBase, "Meeting.dialogue")
}

// Attendances returns who attended the meeting.
func (m *Meeting) Attendances() ([]*Attendance, error) {
	return relationsAs(&m.EntityBase, "Meeting.attendances", asAttendance)
}

// Representations returns the organizations represented at the meeting.
func (m *Meeting) Representations() ([]*Representation, error) {
	return relationsAs(&m.EntityBase, "Meeting.representations", asRepresentation)
}

// Outcomes returns what the meeting did with initiatives.
func (m *Meeting) Outcomes() ([]*Outcome, error) {
	return relationsAs(&m.EntityBase, "Meeting.outcomes", asOutcome)
}

// Country returns the country the organization belongs to, nil when none.
func (o *Organization) Country() (*Country, error) {
	return relatedOne[*Country](&o.EntityBase, "Organization.country")
}

// Parent returns the organization this one is part of, nil when none.
func (o *Organization) Parent() (*Organization, error) {
	return relatedOne[*Organization](&o.EntityBase, "Organization.parent")
}

// Children returns the organizations part of this one.
func (o *Organization) Children() ([]*Organization, error) {
	return relatedAs[*Organization](&o.EntityBase, "Organization.children")
}

// Positions returns the positions held in the organization.
func (o *Organization) Positions() ([]*Position, error) {
	return relationsAs(&o.EntityBase, "Organization.positions", asPosition)
}

// Representations returns the meetings the organization was represented at.
func (o *Organization) Representations() ([]*Representation, error) {
	return relationsAs(&o.EntityBase, "Organization.representations", asRepresentation)
}

// Positions returns the positions the person holds or held.
func (p *Person) Positions() ([]*Position, error) {
	return relationsAs(&p.EntityBase, "Person.positions", asPosition)
}

// Attendances returns the meetings the person attended.
func (p *Person) Attendances() ([]*Attendance, error) {
	return relationsAs(&p.EntityBase, "Person.attendances", asAttendance)
}

// Country returns the country the place is in, nil when unknown.
func (p *Place) Country() (*Country, error) {
	return relatedOne[*Country](&p.EntityBase, "Place.country")
}
