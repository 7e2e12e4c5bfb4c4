package model

import "github.com/diplograph/diplograph/internal/kg"

// NewRelBatchWithEnds returns the batch of relations rs whose ends are all entities of ends, so
// that a relation's from and to cost no store call and share ends' batch for their own fields.
func NewRelBatchWithEnds(store kg.Store, rs []*kg.Relation, ends *Batch) *RelBatch {
	rb := NewRelBatch(store, rs)
	rb.ends.once.Do(func() { rb.ends.val = ends })
	return rb
}

// Wrapped returns the entity id of b as its API type, remembering b, or nil if b lacks it.
func (b *Batch) Wrapped(id string) Entity {
	i, ok := b.index[id]
	if !ok {
		return nil
	}
	return Wrap(b.entities[i], b)
}
