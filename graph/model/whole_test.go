package model_test

import (
	"reflect"
	"testing"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

// A field read of an entity loaded without it is answered from the entity fetched whole, never
// as empty: once per batch, in one store call for all its entities loaded in part.
func TestFieldOutsideWhatWasLoaded(t *testing.T) {
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatalf("dataset.Bundle: %v", err)
	}
	s, err := memstore.Load(b)
	if err != nil {
		t.Fatalf("memstore.Load: %v", err)
	}
	ctx := t.Context()
	ids := []string{"meeting:21cb-esc-14th-plenary", "meeting:biden-lopez-obrador-july-2022"}
	whole, err := s.Entities(ctx, ids)
	if err != nil || len(whole) != 2 || whole[0] == nil || whole[1] == nil {
		t.Fatalf("Entities(%v) = %v, %v", ids, whole, err)
	}
	var parts []*kg.Entity
	for _, e := range whole {
		parts = append(parts, &kg.Entity{ID: e.ID, Kind: e.Kind, Name: e.Name, Loaded: []string{kg.LoadName}})
	}
	counting := storetest.NewCounting(s)
	batch := loader.NewBatchIn(ctx, counting, parts)
	for i, w := range whole {
		m := model.WrapID(batch, w.ID).(*model.Meeting)
		date, err := m.Date()
		if err != nil || date == nil || *date != w.Prop(kg.PropDate) {
			t.Errorf("%s: Date() = %v, %v, want %q", w.ID, date, err, w.Prop(kg.PropDate))
		}
		desc, err := m.Description()
		if err != nil || desc == nil || *desc != w.Description {
			t.Errorf("%s: Description() = %v, %v, want %q", w.ID, desc, err, w.Description)
		}
		aliases, err := m.Aliases()
		if err != nil || (len(w.Aliases) > 0 && !reflect.DeepEqual(aliases, w.Aliases)) {
			t.Errorf("%s: Aliases() = %v, %v, want %v", w.ID, aliases, err, w.Aliases)
		}
		cs, err := m.Citations()
		if err != nil || len(cs) != len(w.Citations) || len(cs) == 0 {
			t.Fatalf("%s: Citations() = %d, %v, want %d", w.ID, len(cs), err, len(w.Citations))
		}
		for j, c := range cs {
			src, err := c.Source(ctx)
			if c.Quote() != w.Citations[j].Quote || err != nil || src == nil || src.ID() != w.Citations[j].Source {
				t.Errorf("%s: citation %d = %q from %v (%v), want %q from %s", w.ID, j, c.Quote(), src, err, w.Citations[j].Quote, w.Citations[j].Source)
			}
		}
		if parts[i].Description != "" || parts[i].Citations != nil {
			t.Errorf("%s: the entity loaded in part was changed", w.ID)
		}
	}
	if n := counting.Calls()["Entities"]; n != 1 {
		t.Errorf("Entities calls = %d, want 1 for the whole batch (calls: %v)", n, counting.Calls())
	}
}

// A relation field read of a relation loaded without it is answered from the relation fetched
// whole, as an entity's is.
func TestRelationFieldOutsideWhatWasLoaded(t *testing.T) {
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatalf("dataset.Bundle: %v", err)
	}
	s, err := memstore.Load(b)
	if err != nil {
		t.Fatalf("memstore.Load: %v", err)
	}
	ctx := t.Context()
	lists, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{"meeting:21cb-esc-14th-plenary"}, Types: []string{kg.RelAttended},
		Direction: kg.In, Limit: kg.NoLimit})
	if err != nil || len(lists) != 1 || len(lists[0]) < 2 {
		t.Fatalf("Relations() = %v, %v: want attendances of the plenary", lists, err)
	}
	whole := lists[0]
	var parts []*kg.Relation
	for _, r := range whole {
		parts = append(parts, &kg.Relation{Type: r.Type, From: r.From, To: r.To, Loaded: []string{}})
	}
	counting := storetest.NewCounting(s)
	rb := loader.NewRelBatch(ctx, counting, parts)
	for i, w := range whole {
		a := model.RelationView(model.AttendancePrefix, parts[i], rb).(*model.Attendance)
		role, err := a.Role()
		if want := w.Prop(kg.PropRole); err != nil || string(role) != want {
			t.Errorf("%s: Role() = %q, %v, want %q", w.From, role, err, want)
		}
		cs, err := a.Citations()
		if err != nil || len(cs) != len(w.Citations) || len(cs) == 0 {
			t.Fatalf("%s: Citations() = %d, %v, want %d", w.From, len(cs), err, len(w.Citations))
		}
		src, err := cs[0].Source(ctx)
		if err != nil || src == nil || src.ID() != w.Citations[0].Source {
			t.Errorf("%s: citation source = %v, %v, want %s", w.From, src, err, w.Citations[0].Source)
		}
	}
	if n := counting.Calls()["Relations"]; n != 1 {
		t.Errorf("Relations calls = %d, want 1 for the whole batch (calls: %v)", n, counting.Calls())
	}
}
