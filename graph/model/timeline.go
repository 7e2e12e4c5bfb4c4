package model

import (
	"context"
	"io"
	"slices"
	"strconv"

	"github.com/diplograph/diplograph/internal/kg"
)

// TimelineEntry is a meeting of a timeline and the ways the entity took part in it.
type TimelineEntry struct {
	Meeting *Meeting
	Via     []*TimelineVia
}

// Direct reports whether a source puts the entity at the meeting itself.
func (e *TimelineEntry) Direct() bool {
	return slices.ContainsFunc(e.Via, func(v *TimelineVia) bool { return v.V.Direct() })
}

// TimelineVia is one way an entity took part in a meeting. The entities the vias of one timeline
// go through are loaded together, the first time one is asked for.
type TimelineVia struct {
	V    kg.Via
	refs *EntityRefs
}

// Way returns how the entity took part.
func (v *TimelineVia) Way() TimelineWay { return TimelineWay(v.V.Way) }

// Relation returns the type of the relation that makes the way, or nil if none.
func (v *TimelineVia) Relation() *string { return optional(v.V.Relation) }

// Through returns the entity the way goes through, or nil for a direct one.
func (v *TimelineVia) Through(ctx context.Context) (Entity, error) {
	if v.V.Through == "" {
		return nil, nil
	}
	return v.refs.Entity(ctx, v.V.Through)
}

// NewTimeline wraps a timeline: its meetings share one batch, the entities its vias go through
// another.
func NewTimeline(store kg.Store, es []*kg.TimelineEntry) []*TimelineEntry {
	meetings := make([]*kg.Entity, len(es))
	var through []string
	for i, e := range es {
		meetings[i] = e.Meeting
		for _, v := range e.Via {
			if v.Through != "" && !slices.Contains(through, v.Through) {
				through = append(through, v.Through)
			}
		}
	}
	batch := NewBatch(store, meetings)
	refs := &EntityRefs{store: store, ids: through}
	out := make([]*TimelineEntry, 0, len(es))
	for _, e := range es {
		m, ok := batch.Wrapped(e.Meeting.ID).(*Meeting)
		if !ok {
			continue
		}
		te := &TimelineEntry{Meeting: m, Via: make([]*TimelineVia, len(e.Via))}
		for i, v := range e.Via {
			te.Via[i] = &TimelineVia{V: v, refs: refs}
		}
		out = append(out, te)
	}
	return out
}

// EntityRefs is a set of entity ids fetched together, in one store call, the first time one of
// them is asked for.
type EntityRefs struct {
	store kg.Store
	ids   []string
	batch lazy[*Batch]
}

// Entity returns entity id of r, or nil if the store has none.
func (r *EntityRefs) Entity(ctx context.Context, id string) (Entity, error) {
	b, err := r.batch.get(func() (*Batch, error) {
		es, err := r.store.Entities(ctx, r.ids)
		if err != nil {
			return nil, err
		}
		return NewBatch(r.store, es), nil
	})
	if err != nil {
		return nil, err
	}
	return b.Wrapped(id), nil
}

// TimelineWay is the GraphQL enum of kg.Way.
type TimelineWay kg.Way

// MarshalGQL writes w as an enum value.
func (w TimelineWay) MarshalGQL(out io.Writer) { _, _ = io.WriteString(out, strconv.Quote(string(w))) }

// UnmarshalGQL accepts one of kg.Ways.
func (w *TimelineWay) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !slices.Contains(kg.Ways, kg.Way(s)) {
		return kg.Errorf(kg.CodeBadUserInput, "%v is not a valid TimelineWay", v)
	}
	*w = TimelineWay(s)
	return nil
}
