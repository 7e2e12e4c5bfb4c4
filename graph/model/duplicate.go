package model

import (
	"context"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/internal/kg"
)

// PossibleDuplicate is a new entity of an import that resembles a stored one. The stored entities
// of one report are loaded together, the first time one is asked for.
type PossibleDuplicate struct {
	Duplicate kg.PossibleDuplicate
	refs      entityRefs
}

// NewPossibleDuplicates wraps ds, sharing one batch for their stored entities.
func NewPossibleDuplicates(store kg.Store, ds []kg.PossibleDuplicate) []*PossibleDuplicate {
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.Existing.ID
	}
	refs := entityRefs{loader.NewRefs(store, ids)}
	out := make([]*PossibleDuplicate, len(ds))
	for i, d := range ds {
		out[i] = &PossibleDuplicate{Duplicate: d, refs: refs}
	}
	return out
}

// Path returns where the new entity is in the bundle.
func (d *PossibleDuplicate) Path() string { return d.Duplicate.Path }

// ID returns the id the new entity gets.
func (d *PossibleDuplicate) ID() string { return d.Duplicate.ID }

// Name returns the new entity's name.
func (d *PossibleDuplicate) Name() string { return d.Duplicate.Name }

// ExistingID returns the id of the stored entity.
func (d *PossibleDuplicate) ExistingID() string { return d.Duplicate.Existing.ID }

// Existing returns the stored entity, or nil if the store no longer has it.
func (d *PossibleDuplicate) Existing(ctx context.Context) (Entity, error) {
	return d.refs.Entity(ctx, d.Duplicate.Existing.ID)
}

// Score returns how alike the two are.
func (d *PossibleDuplicate) Score() float64 { return d.Duplicate.Existing.Score }

// Reason returns why they may be one.
func (d *PossibleDuplicate) Reason() string { return d.Duplicate.Existing.Reason }

// SimilarEntity is a stored entity that may be the same as another. The entities of one answer
// are loaded together, the first time one is asked for.
type SimilarEntity struct {
	Duplicate kg.Duplicate
	refs      entityRefs
}

// NewSimilarEntities wraps ds, sharing one batch for their entities.
func NewSimilarEntities(store kg.Store, ds []kg.Duplicate) []*SimilarEntity {
	ids := make([]string, len(ds))
	for i, d := range ds {
		ids[i] = d.ID
	}
	refs := entityRefs{loader.NewRefs(store, ids)}
	out := make([]*SimilarEntity, len(ds))
	for i, d := range ds {
		out[i] = &SimilarEntity{Duplicate: d, refs: refs}
	}
	return out
}

// ID returns the similar entity's id.
func (s *SimilarEntity) ID() string { return s.Duplicate.ID }

// Entity returns the similar entity, or nil if the store no longer has it.
func (s *SimilarEntity) Entity(ctx context.Context) (Entity, error) {
	return s.refs.Entity(ctx, s.Duplicate.ID)
}

// Score returns how alike the two are.
func (s *SimilarEntity) Score() float64 { return s.Duplicate.Score }

// Reason returns why they may be one.
func (s *SimilarEntity) Reason() string { return s.Duplicate.Reason }
