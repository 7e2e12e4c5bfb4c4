package model

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// PossibleDuplicate is a new entity of an import that resembles a stored one. The stored entities
// of one report are loaded together, the first time one is asked for.
type PossibleDuplicate struct {
	D    kg.PossibleDuplicate
	refs *EntityRefs
}

// NewPossibleDuplicates wraps ds, sharing one batch for their stored entities.
func NewPossibleDuplicates(store kg.Store, ds []kg.PossibleDuplicate) []*PossibleDuplicate {
	refs := &EntityRefs{store: store}
	out := make([]*PossibleDuplicate, len(ds))
	for i, d := range ds {
		refs.ids = append(refs.ids, d.Existing.ID)
		out[i] = &PossibleDuplicate{D: d, refs: refs}
	}
	return out
}

// Path returns where the new entity is in the bundle.
func (d *PossibleDuplicate) Path() string { return d.D.Path }

// ID returns the id the new entity gets.
func (d *PossibleDuplicate) ID() string { return d.D.ID }

// Name returns the new entity's name.
func (d *PossibleDuplicate) Name() string { return d.D.Name }

// ExistingID returns the id of the stored entity.
func (d *PossibleDuplicate) ExistingID() string { return d.D.Existing.ID }

// Existing returns the stored entity, or nil if the store no longer has it.
func (d *PossibleDuplicate) Existing(ctx context.Context) (Entity, error) {
	return d.refs.Entity(ctx, d.D.Existing.ID)
}

// Score returns how alike the two are.
func (d *PossibleDuplicate) Score() float64 { return d.D.Existing.Score }

// Reason returns why they may be one.
func (d *PossibleDuplicate) Reason() string { return d.D.Existing.Reason }

// SimilarEntity is a stored entity that may be the same as another. The entities of one answer
// are loaded together, the first time one is asked for.
type SimilarEntity struct {
	D    kg.Duplicate
	refs *EntityRefs
}

// NewSimilarEntities wraps ds, sharing one batch for their entities.
func NewSimilarEntities(store kg.Store, ds []kg.Duplicate) []*SimilarEntity {
	refs := &EntityRefs{store: store}
	out := make([]*SimilarEntity, len(ds))
	for i, d := range ds {
		refs.ids = append(refs.ids, d.ID)
		out[i] = &SimilarEntity{D: d, refs: refs}
	}
	return out
}

// ID returns the similar entity's id.
func (s *SimilarEntity) ID() string { return s.D.ID }

// Entity returns the similar entity, or nil if the store no longer has it.
func (s *SimilarEntity) Entity(ctx context.Context) (Entity, error) {
	return s.refs.Entity(ctx, s.D.ID)
}

// Score returns how alike the two are.
func (s *SimilarEntity) Score() float64 { return s.D.Score }

// Reason returns why they may be one.
func (s *SimilarEntity) Reason() string { return s.D.Reason }
