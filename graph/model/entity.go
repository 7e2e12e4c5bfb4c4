package model

import (
	"context"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/internal/kg"
)

// Node is anything with a stable id: an Entity or a Source.
type Node interface {
	IsNode()
}

// Entity is a graph entity as the API returns it: one of the kind types below.
type Entity interface {
	Node
	Base() *EntityBase
}

// EntityBase holds the fields every entity type shares and the batch the entity was loaded with.
type EntityBase struct {
	Entity *kg.Entity
	Batch  *loader.Batch
}

// IsNode marks entities as Nodes.
func (EntityBase) IsNode() {}

// Base returns the shared part of an entity.
func (b *EntityBase) Base() *EntityBase { return b }

// ID returns the entity's id.
func (b *EntityBase) ID() string { return b.Entity.ID }

// Kind returns the entity's kind.
func (b *EntityBase) Kind() EntityKind { return EntityKind(b.Entity.Kind) }

// Name returns the entity's name.
func (b *EntityBase) Name() string { return b.Entity.Name }

// holding returns the entity with field loaded: b.Entity, or, when the query's lookahead asked for
// fewer fields than the query reads, the entity fetched whole (with its batch, once).
func (b *EntityBase) holding(field string) (*kg.Entity, error) {
	if b.Entity.Holds(field) {
		return b.Entity, nil
	}
	return b.Batch.Whole(b.Entity.ID)
}

// whole returns the entity with every field (see holding).
func (b *EntityBase) whole() (*kg.Entity, error) {
	if b.Entity.Loaded == nil {
		return b.Entity, nil
	}
	return b.Batch.Whole(b.Entity.ID)
}

// prop returns the string property key of the entity, nil when it has none.
func (b *EntityBase) prop(key string) (*string, error) {
	e, err := b.holding(key)
	if err != nil {
		return nil, err
	}
	return optional(e.Prop(key)), nil
}

// Aliases returns the entity's aliases, never nil.
func (b *EntityBase) Aliases() ([]string, error) {
	e, err := b.holding(kg.LoadAliases)
	if err != nil || e.Aliases == nil {
		return []string{}, err
	}
	return e.Aliases, nil
}

// Description returns the entity's description, nil when it has none.
func (b *EntityBase) Description() (*string, error) {
	e, err := b.holding(kg.LoadDescription)
	if err != nil {
		return nil, err
	}
	return optional(e.Description), nil
}

// Citations returns the quotes that support the entity.
func (b *EntityBase) Citations() ([]*Citation, error) {
	e, err := b.holding(kg.LoadCitations)
	if err != nil {
		return nil, err
	}
	return citations(e.ID, e.Citations, b.Batch.Source), nil
}

// RelationsOf returns the entity's relations that spec selects, batched over its siblings
// together with the specs lookahead names (see loader.Batch.Relations).
func (b *EntityBase) RelationsOf(ctx context.Context, spec loader.RelSpec, lookahead func() []loader.RelSpec) ([]*Relation, error) {
	rs, rb, err := b.Batch.Relations(ctx, b.Entity.ID, spec, lookahead)
	if err != nil {
		return nil, err
	}
	out := make([]*Relation, len(rs))
	for i, r := range rs {
		out[i] = &Relation{Rel: r, Batch: rb}
	}
	return out, nil
}

// Person is a PERSON entity.
type Person struct{ EntityBase }

// Organization is an ORGANIZATION entity.
type Organization struct{ EntityBase }

// Acronym returns the organization's acronym, nil when it has none.
func (o *Organization) Acronym() (*string, error) { return o.prop(kg.PropAcronym) }

// Classification returns the organization's classification, nil when it has none.
func (o *Organization) Classification() (*string, error) { return o.prop(kg.PropClassification) }

// Country is a COUNTRY entity.
type Country struct{ EntityBase }

// Code returns the country's ISO 3166-1 alpha-2 code.
func (c *Country) Code() (string, error) {
	e, err := c.holding(kg.PropCode)
	if err != nil {
		return "", err
	}
	return e.Prop(kg.PropCode), nil
}

// Place is a PLACE entity.
type Place struct{ EntityBase }

// Meeting is a MEETING entity.
type Meeting struct{ EntityBase }

// Date returns the meeting's date, nil when unknown.
func (m *Meeting) Date() (*string, error) { return m.prop(kg.PropDate) }

// Ordinal returns the meeting's ordinal (14 for the 14th plenary), nil when it has none.
func (m *Meeting) Ordinal() (*int, error) {
	e, err := m.holding(kg.PropOrdinal)
	if err != nil {
		return nil, err
	}
	n, ok := e.IntProp(kg.PropOrdinal)
	if !ok {
		return nil, nil
	}
	i := int(n)
	return &i, nil
}

// Dialogue is a DIALOGUE entity.
type Dialogue struct{ EntityBase }

// Acronym returns the dialogue's acronym, nil when it has none.
func (d *Dialogue) Acronym() (*string, error) { return d.prop(kg.PropAcronym) }

// Established returns when the dialogue was established, nil when unknown.
func (d *Dialogue) Established() (*string, error) { return d.prop(kg.PropEstablished) }

// Initiative is an INITIATIVE entity.
type Initiative struct{ EntityBase }

// Topic is a TOPIC entity.
type Topic struct{ EntityBase }

// WrapAll returns the entities of b as their API types, in load order.
func WrapAll(b *loader.Batch) []Entity {
	es := b.Entities()
	out := make([]Entity, len(es))
	for i, e := range es {
		out[i] = Wrap(e, b)
	}
	return out
}

// WrapID returns entity id of b as its API type, or nil if b lacks it.
func WrapID(b *loader.Batch, id string) Entity { return Wrap(b.Entity(id), b) }

// Wrap returns e as the API type of its kind, remembering batch b; nil for a nil e.
func Wrap(e *kg.Entity, b *loader.Batch) Entity {
	if e == nil {
		return nil
	}
	base := EntityBase{Entity: e, Batch: b}
	switch e.Kind {
	case kg.KindPerson:
		return &Person{base}
	case kg.KindOrganization:
		return &Organization{base}
	case kg.KindCountry:
		return &Country{base}
	case kg.KindPlace:
		return &Place{base}
	case kg.KindMeeting:
		return &Meeting{base}
	case kg.KindDialogue:
		return &Dialogue{base}
	case kg.KindInitiative:
		return &Initiative{base}
	default:
		return &Topic{base}
	}
}

// Source is a document facts are drawn from.
type Source struct{ Source *kg.Source }

// IsNode marks sources as Nodes.
func (*Source) IsNode() {}

// ID returns the source's id.
func (s *Source) ID() string { return s.Source.ID }

// Title returns the source's title.
func (s *Source) Title() string { return s.Source.Title }

// Publisher returns the source's publisher, nil when unknown.
func (s *Source) Publisher() *string { return optional(s.Source.Publisher) }

// Published returns the source's publication date, nil when unknown.
func (s *Source) Published() *string { return optional(s.Source.Published) }

// URL returns the source's address, nil when it has none.
func (s *Source) URL() *string { return s.Source.URL }

// Text returns the source's full text.
func (s *Source) Text() string { return s.Source.Text }

// Citation is a quote and the source it comes from, fetched with its siblings' sources.
type Citation struct {
	Citation kg.Citation
	id       string
	source   func(ctx context.Context, id string) (*kg.Source, error)
}

// ID returns the citation's id (see ids.go).
func (c *Citation) ID() string { return c.id }

// Quote returns the verbatim quote.
func (c *Citation) Quote() string { return c.Citation.Quote }

// Basis returns how the quote supports the facts it is cited for.
func (c *Citation) Basis() Basis { return Basis(c.Citation.Basis.Or()) }

// Note returns why an inferred fact follows, or what a curator added; nil when there is none.
func (c *Citation) Note() *string { return optional(c.Citation.Note) }

// Fields returns the values the citation is for, never nil: empty means every value no other
// citation of its item names.
func (c *Citation) Fields() []string {
	if c.Citation.Fields == nil {
		return []string{}
	}
	return c.Citation.Fields
}

// Source returns the cited source.
func (c *Citation) Source(ctx context.Context) (*Source, error) {
	s, err := c.source(ctx, c.Citation.Source)
	if err != nil || s == nil {
		return nil, err
	}
	return &Source{Source: s}, nil
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
