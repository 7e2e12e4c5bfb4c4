package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testExpand checks Expand against Relations and Entities, which the rest of the suite pins: for
// every select, Expand must return exactly what Relations returns, and its Ends exactly the far
// ends of those relations as Entities returns them.
func testExpand(t *testing.T, s kg.Store) {
	ctx := t.Context()
	ids := []string{m14th, m13th, mHLED2021, oSRE, pPoynter, "person:nobody", pPoynter, cCanada, cMexico}
	selects := []kg.RelationSelect{
		{Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit},
		{Direction: kg.Out, Limit: kg.NoLimit},
		{Direction: kg.Both, Limit: kg.NoLimit},
		{Limit: kg.NoLimit},
		{Types: []string{kg.RelRepresentedAt, kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit},
		{Types: []string{kg.RelAttended}, Direction: kg.Out, Limit: kg.NoLimit},
		{Types: []string{kg.RelAttended}, Direction: kg.In, Limit: 2},
		{Direction: kg.Out, Limit: 50},
		{Types: []string{kg.RelHoldsPosition, kg.RelLocatedIn}, Limit: kg.NoLimit},
		{Types: []string{"KNOWS"}, Limit: kg.NoLimit},
		{Types: []string{kg.RelHeldIn}, Direction: kg.Out, Limit: kg.NoLimit},
	}
	t.Run("equals Relations and Entities", func(t *testing.T) {
		x, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: selects})
		if err != nil {
			t.Fatalf("Expand() error = %v", err)
		}
		if len(x.Relations) != len(selects) {
			t.Fatalf("Expand() returned %d selects, want %d", len(x.Relations), len(selects))
		}
		far := map[string]bool{}
		for si, sel := range selects {
			want, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Types: sel.Types, Direction: sel.Direction, Limit: sel.Limit})
			if err != nil {
				t.Fatalf("Relations(%+v) error = %v", sel, err)
			}
			if len(x.Relations[si]) != len(ids) {
				t.Fatalf("Expand() select %+v returned %d lists, want %d (index for index)", sel, len(x.Relations[si]), len(ids))
			}
			for i := range ids {
				if !equalRelations(x.Relations[si][i], want[i]) {
					t.Errorf("Expand() select %+v, id %s =\n  %v\nwant (as Relations)\n  %v", sel, ids[i], relKeys(x.Relations[si][i]), relKeys(want[i]))
				}
				for _, r := range want[i] {
					far[r.Other(ids[i])] = true
				}
			}
		}
		var farIDs []string
		for id := range far {
			farIDs = append(farIDs, id)
		}
		es, err := s.Entities(ctx, farIDs)
		if err != nil {
			t.Fatalf("Entities() error = %v", err)
		}
		if len(x.Ends) != len(farIDs) {
			t.Errorf("Expand() returned %d ends, want %d", len(x.Ends), len(farIDs))
		}
		for i, id := range farIDs {
			if !reflect.DeepEqual(x.Ends[id], es[i]) {
				t.Errorf("Expand().Ends[%s] = %+v, want (as Entities) %+v", id, x.Ends[id], es[i])
			}
		}
	})
	t.Run("then", func(t *testing.T) {
		// Three levels: who attended, their positions, and (at most two of) anything touching
		// those organizations; plus the places of the meetings, whose own Then reads nothing.
		tree := []kg.RelationSelect{
			{Types: []string{kg.RelAttended}, Direction: kg.In, Then: []kg.RelationSelect{
				{Types: []string{kg.RelHoldsPosition}, Direction: kg.Out, Then: []kg.RelationSelect{
					{Direction: kg.Both, Limit: 2},
					{Types: []string{"KNOWS"}, Then: []kg.RelationSelect{{Limit: kg.NoLimit}}, Limit: kg.NoLimit},
				}, Limit: kg.NoLimit},
				{Types: []string{kg.RelAttended}, Direction: kg.Out, Limit: kg.NoLimit},
			}, Limit: kg.NoLimit},
			{Types: []string{kg.RelHeldIn}, Direction: kg.Out, Then: []kg.RelationSelect{}, Limit: kg.NoLimit},
		}
		x, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: tree})
		if err != nil {
			t.Fatalf("Expand(tree) error = %v", err)
		}
		checkLevel(t, s, "top", ids, tree, x)
		if x.Then[0] == nil || x.Then[0].Then[0] == nil || len(x.Then[0].Then[0].IDs) == 0 {
			t.Fatalf("Expand(tree) reached no organization through attendances and positions: %+v", x)
		}
	})
	t.Run("with a list page", func(t *testing.T) {
		tree := []kg.RelationSelect{
			{Types: []string{kg.RelAttended}, Direction: kg.In, Then: []kg.RelationSelect{
				{Types: []string{kg.RelHoldsPosition}, Direction: kg.Out, Limit: kg.NoLimit}}, Limit: kg.NoLimit},
			{Direction: kg.Both, Limit: 3},
		}
		for _, q := range []kg.ListQuery{
			{Kind: kg.KindMeeting, Sort: []kg.SortField{{Field: "date"}}, Limit: 2},
			{Kind: kg.KindMeeting, Sort: []kg.SortField{{Field: "date", Desc: true}}, Offset: 1, Limit: 2},
			{Kind: kg.KindPerson, Limit: 100},
			{Kind: kg.KindPerson, Offset: 3, Limit: kg.NoLimit},
			{Kind: kg.KindTopic, Limit: 1, Where: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: kg.OpContains, Value: "zzz"}}}},
		} {
			plain, err := s.ListEntities(ctx, q)
			if err != nil {
				t.Fatalf("ListEntities(%+v) error = %v", q, err)
			}
			if want := max(q.Offset, 0)+len(plain.Entities) < plain.Total; plain.More != want {
				t.Errorf("ListEntities(%+v).More = %v, want %v (total %d)", q, plain.More, want, plain.Total)
			}
			for _, skip := range []bool{false, true} {
				q2 := q
				q2.SkipTotal, q2.Expand = skip, tree
				got, err := s.ListEntities(ctx, q2)
				if err != nil {
					t.Fatalf("ListEntities(%+v) error = %v", q2, err)
				}
				if !reflect.DeepEqual(got.Entities, plain.Entities) || got.More != plain.More {
					t.Errorf("ListEntities(SkipTotal %v, Expand) = %d entities, more %v; want %d, %v as without them", skip, len(got.Entities), got.More, len(plain.Entities), plain.More)
				}
				if wantTotal := map[bool]int{false: plain.Total, true: -1}[skip]; got.Total != wantTotal {
					t.Errorf("ListEntities(SkipTotal %v).Total = %d, want %d", skip, got.Total, wantTotal)
				}
				var ids []string
				for _, e := range plain.Entities {
					ids = append(ids, e.ID)
				}
				if got.Expansion == nil {
					t.Fatalf("ListEntities(Expand).Expansion = nil")
				}
				checkLevel(t, s, "page", ids, tree, got.Expansion)
			}
		}
		if _, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Expand: []kg.RelationSelect{{Then: []kg.RelationSelect{{Direction: "UP", Limit: kg.NoLimit}}, Limit: kg.NoLimit}}, Limit: kg.NoLimit}); err == nil {
			t.Error("ListEntities(Expand with direction UP) = nil error, want BAD_USER_INPUT")
		}
	})
	t.Run("with entities", func(t *testing.T) {
		want, err := s.Entities(ctx, ids)
		if err != nil {
			t.Fatalf("Entities() error = %v", err)
		}
		for _, sels := range [][]kg.RelationSelect{nil, selects} {
			x, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: sels, WithEntities: true})
			if err != nil {
				t.Fatalf("Expand(WithEntities) error = %v", err)
			}
			if !reflect.DeepEqual(x.Entities, want) {
				t.Errorf("Expand(WithEntities, %d selects).Entities = %+v, want (as Entities) %+v", len(sels), x.Entities, want)
			}
		}
		x, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: selects})
		if err != nil || x.Entities != nil {
			t.Errorf("Expand(without WithEntities).Entities = %v, %v; want nil", x.Entities, err)
		}
	})
	t.Run("delegations", func(t *testing.T) {
		tree := []kg.RelationSelect{
			{Types: []string{kg.RelAttended}, Direction: kg.In, Delegations: true, Limit: kg.NoLimit},
			{Types: []string{kg.RelAttended}, Direction: kg.In, Then: []kg.RelationSelect{
				{Types: []string{kg.RelAttended}, Direction: kg.Out, Delegations: true, Limit: kg.NoLimit}}, Limit: kg.NoLimit},
		}
		x, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: tree})
		if err != nil {
			t.Fatalf("Expand(Delegations) error = %v", err)
		}
		check := func(at string, rels [][]*kg.Relation, got map[string]*kg.Entity) {
			want := map[string]*kg.Entity{}
			for _, rs := range rels {
				for _, r := range rs {
					code := r.Prop(kg.PropDelegation)
					if _, done := want[code]; code == "" || done {
						continue
					}
					page, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindCountry, Limit: 1,
						Where: &kg.Filter{Conds: []kg.Cond{{Field: kg.PropCode, Op: kg.OpEq, Value: code}}}})
					if err != nil {
						t.Fatal(err)
					}
					want[code] = nil // looked up, none found
					if len(page.Entities) == 1 {
						want[code] = page.Entities[0]
					}
				}
			}
			if len(want) == 0 {
				t.Fatalf("%s: the fixture gives no delegation to check", at)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: Delegations = %v, want %v", at, got, want)
			}
		}
		check("attendances", x.Relations[0], x.Delegations)
		if x.Then[1] == nil {
			t.Fatal("no expansion below attendances")
		}
		check("attendances of attendees", x.Then[1].Relations[0], x.Then[1].Delegations)
	})
	t.Run("nothing to read", func(t *testing.T) {
		for _, q := range []kg.ExpandQuery{{IDs: ids}, {Selects: selects}, {}} {
			x, err := s.Expand(ctx, q)
			if err != nil {
				t.Fatalf("Expand(%d ids, %d selects) error = %v", len(q.IDs), len(q.Selects), err)
			}
			if len(x.Relations) != len(q.Selects) || len(x.Ends) != 0 {
				t.Errorf("Expand(%d ids, %d selects) = %d selects, %d ends; want %d, 0", len(q.IDs), len(q.Selects), len(x.Relations), len(x.Ends), len(q.Selects))
			}
			for _, l := range x.Relations {
				if len(l) != len(q.IDs) {
					t.Errorf("Expand(%d ids) returned %d lists per select, want one per id", len(q.IDs), len(l))
				}
			}
		}
	})
	t.Run("unknown direction", func(t *testing.T) {
		_, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: []kg.RelationSelect{{Limit: kg.NoLimit}, {Direction: "SIDEWAYS", Limit: kg.NoLimit}}})
		var ke *kg.Error
		if !errors.As(err, &ke) || ke.Code != kg.CodeBadUserInput {
			t.Errorf("Expand(direction SIDEWAYS) error = %v, want %s", err, kg.CodeBadUserInput)
		}
	})
	t.Run("cancelled context", func(t *testing.T) {
		cctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := s.Expand(cctx, kg.ExpandQuery{IDs: ids, Selects: selects}); err == nil {
			t.Error("Expand(cancelled ctx) = nil error, want an error")
		}
	})
}

// checkLevel checks one level of an expansion of sels over ids against an Expand of the same
// selects without their Then (which "equals Relations and Entities" pins), then the levels below.
func checkLevel(t *testing.T, s kg.Store, at string, ids []string, sels []kg.RelationSelect, x *kg.Expansion) {
	t.Helper()
	if !slices.Equal(x.IDs, ids) { // nil and empty alike
		t.Fatalf("%s: Expansion.IDs = %v, want %v", at, x.IDs, ids)
	}
	flat := make([]kg.RelationSelect, len(sels))
	for i, sel := range sels {
		flat[i] = kg.RelationSelect{Types: sel.Types, Direction: sel.Direction, Limit: sel.Limit}
	}
	want, err := s.Expand(t.Context(), kg.ExpandQuery{IDs: ids, Selects: flat})
	if err != nil {
		t.Fatalf("%s: Expand() error = %v", at, err)
	}
	if len(x.Relations) != len(sels) || len(x.Then) != len(sels) {
		t.Fatalf("%s: %d relation lists and %d thens for %d selects", at, len(x.Relations), len(x.Then), len(sels))
	}
	for si, sel := range sels {
		for i := range ids {
			if !equalRelations(x.Relations[si][i], want.Relations[si][i]) {
				t.Errorf("%s: select %d, id %s = %v, want %v", at, si, ids[i], relKeys(x.Relations[si][i]), relKeys(want.Relations[si][i]))
			}
		}
		if len(sel.Then) == 0 {
			if x.Then[si] != nil {
				t.Errorf("%s: select %d has no Then but its expansion has one", at, si)
			}
			continue
		}
		if x.Then[si] == nil {
			t.Fatalf("%s: select %d has a Then but no expansion of it", at, si)
		}
		checkLevel(t, s, fmt.Sprintf("%s/%d", at, si), kg.FarEnds(ids, x.Relations[si]), sel.Then, x.Then[si])
	}
	if !reflect.DeepEqual(x.Ends, want.Ends) {
		t.Errorf("%s: Ends = %d entities, want %d (as Expand without Then)", at, len(x.Ends), len(want.Ends))
	}
}

func equalRelations(a, b []*kg.Relation) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !reflect.DeepEqual(a[i], b[i]) {
			return false
		}
	}
	return true
}
