package storetest

import (
	"fmt"
	"reflect"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testFields checks reads asked for some fields (kg.ListQuery.Fields, kg.ExpandQuery.Fields,
// kg.RelationSelect.Fields): a store may load only those, but every field an entity says it
// holds (kg.Entity.Holds) must be what the whole entity has, the fields asked for must be held,
// and a far end two selects reach must hold what either asked for.
func testFields(t *testing.T, s kg.Store) {
	ctx := t.Context()
	whole := func(t *testing.T, ids []string) map[string]*kg.Entity {
		es, err := s.Entities(ctx, ids)
		if err != nil {
			t.Fatalf("Entities() error = %v", err)
		}
		out := map[string]*kg.Entity{}
		for _, e := range es {
			if e != nil {
				out[e.ID] = e
			}
		}
		return out
	}
	check := func(t *testing.T, what string, got []*kg.Entity, want []string) {
		t.Helper()
		if len(got) == 0 {
			t.Fatalf("%s: no entities, nothing checked", what)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		w := whole(t, ids)
		for _, e := range got {
			for _, f := range want {
				if !e.Holds(f) {
					t.Errorf("%s: %s does not hold %q, which was asked for (loaded %v)", what, e.ID, f, e.Loaded)
				}
			}
			if msg := heldDiffers(e, w[e.ID]); msg != "" {
				t.Errorf("%s: %s", what, msg)
			}
		}
	}

	t.Run("ListEntities", func(t *testing.T) {
		fields := []string{kg.PropOrdinal, kg.LoadCitations}
		sort := []kg.SortField{{Field: kg.PropDate}}
		page, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindMeeting, Sort: sort, Limit: kg.NoLimit, Fields: fields})
		if err != nil {
			t.Fatalf("ListEntities() error = %v", err)
		}
		check(t, "ListEntities", page.Entities, append(fields, kg.PropDate))
		all, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindMeeting, Sort: sort, Limit: kg.NoLimit})
		if err != nil {
			t.Fatalf("ListEntities() error = %v", err)
		}
		for i, e := range all.Entities {
			if i >= len(page.Entities) || page.Entities[i].ID != e.ID {
				t.Fatalf("ListEntities with Fields listed %v, want the order of the whole list", ids(page.Entities))
			}
			if got, want := kg.EntityPosition(page.Entities[i], sort), kg.EntityPosition(e, sort); !reflect.DeepEqual(got, want) {
				t.Errorf("position of %s = %v, want %v: sort fields must be loaded", e.ID, got, want)
			}
		}
	})

	t.Run("Expand", func(t *testing.T) {
		attended := []string{kg.RelAttended}
		q := kg.ExpandQuery{IDs: []string{m14th, m13th, mHLED2021}, WithEntities: true, Fields: []string{kg.PropDate},
			Selects: []kg.RelationSelect{
				{Types: attended, Direction: kg.In, Limit: kg.NoLimit, Fields: []string{kg.LoadAliases}},
				{Types: attended, Direction: kg.In, Limit: 2, Fields: []string{kg.LoadDescription, kg.LoadCitations}},
				{Types: []string{kg.RelHeldIn}, Direction: kg.Out, Limit: kg.NoLimit, Fields: []string{},
					Then: []kg.RelationSelect{{Types: []string{kg.RelLocatedIn}, Direction: kg.Out, Limit: kg.NoLimit,
						Fields: []string{kg.PropCode}}}},
			}}
		x, err := s.Expand(ctx, q)
		if err != nil {
			t.Fatalf("Expand() error = %v", err)
		}
		check(t, "Expand entities", slices.DeleteFunc(slices.Clone(x.Entities), func(e *kg.Entity) bool { return e == nil }),
			[]string{kg.PropDate})
		// The people the limited select reaches are reached by both: they hold both selects' fields.
		var both, places []*kg.Entity
		for i := range q.IDs {
			for _, r := range x.Relations[1][i] {
				both = append(both, x.Ends[r.From])
			}
			for _, r := range x.Relations[2][i] {
				places = append(places, x.Ends[r.To])
			}
		}
		check(t, "Expand far ends of two selects", both, []string{kg.LoadAliases, kg.LoadDescription, kg.LoadCitations})
		check(t, "Expand far ends with no field asked for", places, nil)
		var countries []*kg.Entity
		for _, e := range x.Then[2].Ends {
			countries = append(countries, e)
		}
		check(t, "Expand far ends of a Then", countries, []string{kg.PropCode})
	})

	t.Run("Expand relation fields", func(t *testing.T) {
		ids := []string{m14th, m13th, mHLED2021, oSRE}
		for _, sel := range []kg.RelationSelect{
			{Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit, RelationFields: []string{kg.PropRole}},
			{Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit, RelationFields: []string{}, Delegations: true},
			{Types: []string{kg.RelHoldsPosition}, Direction: kg.In, Limit: kg.NoLimit, RelationFields: []string{kg.PropTitle, kg.LoadCitations}},
			{Direction: kg.Both, Limit: kg.NoLimit, RelationFields: []string{}},
		} {
			x, err := s.Expand(ctx, kg.ExpandQuery{IDs: ids, Selects: []kg.RelationSelect{sel}})
			if err != nil {
				t.Fatalf("Expand(%+v) error = %v", sel, err)
			}
			whole, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Types: sel.Types, Direction: sel.Direction, Limit: sel.Limit})
			if err != nil {
				t.Fatalf("Relations() error = %v", err)
			}
			want := slices.Clone(sel.RelationFields)
			if sel.Delegations {
				want = append(want, kg.PropDelegation)
			}
			n := 0
			for i := range ids {
				if len(x.Relations[0][i]) != len(whole[i]) {
					t.Fatalf("Expand(%+v) gave %d relations of %s, Relations %d", sel, len(x.Relations[0][i]), ids[i], len(whole[i]))
				}
				for j, r := range x.Relations[0][i] {
					n++
					if msg := relationHeldDiffers(r, whole[i][j], want); msg != "" {
						t.Errorf("Expand(%+v): %s", sel, msg)
					}
				}
			}
			if n == 0 {
				t.Fatalf("Expand(%+v): no relations, nothing checked", sel)
			}
		}
	})
}

// relationHeldDiffers describes how r, loaded with fields want, differs from the whole relation
// w where r holds a field; "" when it does not.
func relationHeldDiffers(r, w *kg.Relation, want []string) string {
	if r.Type != w.Type || r.From != w.From || r.To != w.To {
		return fmt.Sprintf("relation %s %s->%s, want %s %s->%s", r.Type, r.From, r.To, w.Type, w.From, w.To)
	}
	for _, f := range want {
		if !r.Holds(f) {
			return fmt.Sprintf("%s %s->%s does not hold %q, which was asked for (loaded %v)", r.Type, r.From, r.To, f, r.Loaded)
		}
	}
	if r.Holds(kg.LoadCitations) && (len(r.Citations) > 0 || len(w.Citations) > 0) && !reflect.DeepEqual(r.Citations, w.Citations) {
		return fmt.Sprintf("%s %s->%s holds citations %v, want %v", r.Type, r.From, r.To, r.Citations, w.Citations)
	}
	for k, v := range w.Properties {
		if r.Holds(k) && !reflect.DeepEqual(r.Properties[k], v) {
			return fmt.Sprintf("%s %s->%s holds %s = %v, want %v", r.Type, r.From, r.To, k, r.Properties[k], v)
		}
	}
	for k := range r.Properties {
		if _, ok := w.Properties[k]; !ok {
			return fmt.Sprintf("%s %s->%s has property %s, which the whole relation lacks", r.Type, r.From, r.To, k)
		}
	}
	return ""
}

// heldDiffers describes how a field e holds differs from the whole entity w; "" when none does.
func heldDiffers(e, w *kg.Entity) string {
	if w == nil {
		return fmt.Sprintf("%s is not an entity of the store", e.ID)
	}
	if e.ID != w.ID || e.Kind != w.Kind || e.Name != w.Name {
		return fmt.Sprintf("%s: id, kind, name = %s, %s, %q, want %s, %s, %q", e.ID, e.ID, e.Kind, e.Name, w.ID, w.Kind, w.Name)
	}
	same := func(a, b any) bool { return reflect.DeepEqual(a, b) }
	for _, c := range []struct {
		field string
		a, b  any
		empty bool
	}{
		{kg.LoadAliases, e.Aliases, w.Aliases, len(e.Aliases) == 0 && len(w.Aliases) == 0},
		{kg.LoadDescription, e.Description, w.Description, false},
		{kg.LoadCitations, e.Citations, w.Citations, len(e.Citations) == 0 && len(w.Citations) == 0},
		{kg.LoadClaims, e.Claims, w.Claims, len(e.Claims) == 0 && len(w.Claims) == 0},
	} {
		if e.Holds(c.field) && !c.empty && !same(c.a, c.b) {
			return fmt.Sprintf("%s holds %s = %v, want %v", e.ID, c.field, c.a, c.b)
		}
	}
	for k, v := range w.Properties {
		if e.Holds(k) && !same(e.Properties[k], v) {
			return fmt.Sprintf("%s holds property %s = %v, want %v", e.ID, k, e.Properties[k], v)
		}
	}
	for k := range e.Properties {
		if _, ok := w.Properties[k]; !ok {
			return fmt.Sprintf("%s has property %s, which the whole entity lacks", e.ID, k)
		}
	}
	return ""
}

func ids(es []*kg.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.ID
	}
	return out
}
