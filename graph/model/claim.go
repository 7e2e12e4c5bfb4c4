package model

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// Claim is one value of one field of an entity or relation with the sources that give it
// (kg.Value), its sources fetched with those of its siblings.
type Claim struct {
	V      kg.Value
	id     string
	source func(ctx context.Context, id string) (*kg.Source, error)
}

// ID returns the claim's id (see ids.go).
func (c *Claim) ID() string { return c.id }

// Field returns the field the value is of.
func (c *Claim) Field() string { return c.V.Field }

// Value returns the value.
func (c *Claim) Value() any { return c.V.Value }

// Basis returns the strongest support the value has.
func (c *Claim) Basis() Basis { return Basis(c.V.Basis.Or()) }

// Shown reports whether the value is the one shown.
func (c *Claim) Shown() bool { return c.V.Shown }

// Sources returns the sources that give the value, the strongest support first.
func (c *Claim) Sources(ctx context.Context) ([]*Source, error) {
	out := make([]*Source, 0, len(c.V.Sources))
	for _, id := range c.V.Sources {
		s, err := c.source(ctx, id)
		if err != nil {
			return nil, err
		}
		if s != nil {
			out = append(out, &Source{Source: s})
		}
	}
	return out, nil
}

// claims returns the values item claims give (kg.RankValues), ranked with the publication dates of
// the sources source fetches; only those of field when it is set; only the values not shown when
// alternatives. owner is the item's id (an entity id or a relation key), which the claims' ids
// carry.
func claims(ctx context.Context, owner string, claims []kg.Claim, field *string, alternatives bool,
	source func(ctx context.Context, id string) (*kg.Source, error)) ([]*Claim, error) {
	var dateErr error
	dates := func(id string) string {
		s, err := source(ctx, id)
		if err != nil {
			dateErr = err
		}
		if s == nil {
			return ""
		}
		return s.Published
	}
	vs := kg.RankValues(claims, dates)
	if dateErr != nil {
		return nil, dateErr
	}
	out := []*Claim{}
	for _, v := range vs {
		if (field != nil && v.Field != *field) || (alternatives && v.Shown) {
			continue
		}
		out = append(out, &Claim{V: v, id: claimID(owner, v.Field, v.Value), source: source})
	}
	return out, nil
}

// Basis returns how the entity's citations support that it exists.
func (b *EntityBase) Basis() (Basis, error) {
	e, err := b.holding(kg.LoadCitations)
	if err != nil {
		return "", err
	}
	return Basis(kg.ItemBasis(e.Citations)), nil
}

// Claims returns every value the entity's sources give (of field, when set), shown values first.
func (b *EntityBase) Claims(ctx context.Context, field *string) ([]*Claim, error) {
	e, err := b.whole()
	if err != nil {
		return nil, err
	}
	return claims(ctx, e.ID, e.ItemClaims(), field, false, b.Batch.Source)
}

// Alternatives returns the values the entity's sources give that it does not show.
func (b *EntityBase) Alternatives(ctx context.Context, field *string) ([]*Claim, error) {
	e, err := b.whole()
	if err != nil {
		return nil, err
	}
	return claims(ctx, e.ID, e.ItemClaims(), field, true, b.Batch.Source)
}

// Basis returns how the relation's citations support that it holds.
func (r *Relation) Basis() (Basis, error) {
	rel, err := r.holding(kg.LoadCitations)
	if err != nil {
		return "", err
	}
	return Basis(kg.ItemBasis(rel.Citations)), nil
}

// Claims returns every value the relation's sources give (of field, when set), shown values first.
func (r *Relation) Claims(ctx context.Context, field *string) ([]*Claim, error) {
	rel, err := r.Batch.Whole(r.Rel)
	if err != nil {
		return nil, err
	}
	return claims(ctx, relationKey(rel), rel.ItemClaims(), field, false, r.Batch.Source)
}

// Alternatives returns the values the relation's sources give that it does not show.
func (r *Relation) Alternatives(ctx context.Context, field *string) ([]*Claim, error) {
	rel, err := r.Batch.Whole(r.Rel)
	if err != nil {
		return nil, err
	}
	return claims(ctx, relationKey(rel), rel.ItemClaims(), field, true, r.Batch.Source)
}
