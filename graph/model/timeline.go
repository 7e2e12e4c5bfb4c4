package model

import (
	"context"
	"io"
	"slices"
	"strconv"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/internal/kg"
)

// TimelineEntry is a meeting of a timeline and the ways the entity took part in it.
type TimelineEntry struct {
	Meeting *Meeting
	Via     []*TimelineVia
}

// Direct reports whether a source puts the entity at the meeting itself.
func (e *TimelineEntry) Direct() bool {
	return slices.ContainsFunc(e.Via, func(v *TimelineVia) bool { return v.Via.Direct() })
}

// TimelineVia is one way an entity took part in a meeting. The entities the vias of one timeline
// go through are loaded together, the first time one is asked for.
type TimelineVia struct {
	Via  kg.Via
	refs entityRefs
}

// Way returns how the entity took part.
func (v *TimelineVia) Way() TimelineWay { return TimelineWay(v.Via.Way) }

// Relation returns the type of the relation that makes the way, or nil if none.
func (v *TimelineVia) Relation() *string { return optional(v.Via.Relation) }

// Through returns the entity the way goes through, or nil for a direct one.
func (v *TimelineVia) Through(ctx context.Context) (Entity, error) {
	if v.Via.Through == "" {
		return nil, nil
	}
	return v.refs.Entity(ctx, v.Via.Through)
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
	batch := loader.NewBatch(store, meetings)
	refs := entityRefs{loader.NewRefs(store, through)}
	out := make([]*TimelineEntry, 0, len(es))
	for _, e := range es {
		m, ok := WrapID(batch, e.Meeting.ID).(*Meeting)
		if !ok {
			continue
		}
		te := &TimelineEntry{Meeting: m, Via: make([]*TimelineVia, len(e.Via))}
		for i, v := range e.Via {
			te.Via[i] = &TimelineVia{Via: v, refs: refs}
		}
		out = append(out, te)
	}
	return out
}

// entityRefs wraps the entities of a loader.Refs as their API types.
type entityRefs struct{ refs *loader.Refs }

// Entity returns entity id of r as its API type, or nil if the store has none.
func (r entityRefs) Entity(ctx context.Context, id string) (Entity, error) {
	e, b, err := r.refs.Entity(ctx, id)
	if err != nil {
		return nil, err
	}
	return Wrap(e, b), nil
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
