package memstore_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

func open(t *testing.T, b *kg.Bundle) kg.Store {
	t.Helper()
	s, err := memstore.Load(b)
	if err != nil {
		t.Fatalf("memstore.Load() error = %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func TestConformance(t *testing.T) { storetest.Run(t, open) }

func load(t testing.TB, b *kg.Bundle) *memstore.Store {
	t.Helper()
	s, err := memstore.Load(b)
	if err != nil {
		t.Fatalf("memstore.Load() error = %v", err)
	}
	return s
}

// TestReturnedValuesAreCopies changes everything a caller gets back and checks the store did not
// change with it.
func TestReturnedValuesAreCopies(t *testing.T) {
	ctx := t.Context()
	s := load(t, storetest.Fixture())
	before, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	mutateEntity := func(e *kg.Entity) {
		e.Name = "changed"
		if len(e.Aliases) > 0 {
			e.Aliases[0] = "changed"
		}
		for k, v := range e.Properties {
			if l, ok := v.([]any); ok && len(l) > 0 {
				l[0] = "changed"
			}
			e.Properties[k] = "changed"
		}
		e.Citations[0].Quote = "changed"
	}
	tests := []struct {
		name   string
		mutate func(t *testing.T)
	}{
		{"Entities", func(t *testing.T) {
			es, err := s.Entities(ctx, []string{"dialogue:twenty-first-century-border-dialogue", "country:mexico"})
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range es {
				mutateEntity(e)
			}
		}},
		{"ListEntities", func(t *testing.T) {
			for _, k := range kg.Kinds {
				p, err := s.ListEntities(ctx, kg.ListQuery{Kind: k, Limit: kg.NoLimit})
				if err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Entities {
					mutateEntity(e)
				}
			}
		}},
		{"Search", func(t *testing.T) {
			hits, err := s.Search(ctx, kg.SearchQuery{Text: "border", Limit: kg.NoLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, h := range hits {
				mutateEntity(h.Entity)
			}
		}},
		{"Relations", func(t *testing.T) {
			rss, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{"person:blas-nunez-neto"}, Limit: kg.NoLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rss[0] {
				r.To = "changed"
				for k := range r.Properties {
					r.Properties[k] = "changed"
				}
				r.Citations[0].Quote = "changed"
			}
		}},
		{"Sources", func(t *testing.T) {
			srcs, err := s.Sources(ctx, []string{"source:joint-statement-14th-plenary"})
			if err != nil {
				t.Fatal(err)
			}
			srcs[0].Title = "changed"
			*srcs[0].URL = "changed"
		}},
		{"ListSources", func(t *testing.T) {
			p, err := s.ListSources(ctx, kg.ListQuery{Limit: kg.NoLimit})
			if err != nil {
				t.Fatal(err)
			}
			for _, src := range p.Sources {
				src.Text = "changed"
				if src.URL != nil {
					*src.URL = "changed"
				}
			}
		}},
		// Import keeps the bundle's items (so a large import is not held twice); the one-item
		// writes copy theirs, since callers may reuse what they pass.
		{"UpsertEntity and AddRelation (their arguments)", func(t *testing.T) {
			s2 := load(t, storetest.Fixture())
			ctx := kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleEditor, Name: "editor:test", Authenticated: true})
			e := &kg.Entity{ID: "topic:energy", Kind: kg.KindTopic, Name: "Energy", Aliases: []string{"Power"},
				Properties: map[string]any{"x": "y", "l": []any{"a"}},
				Citations:  []kg.Citation{{Source: "source:fixture-briefing", Quote: "Canada joined the trilateral migration talks in 2022."}}}
			r := &kg.Relation{Type: kg.RelAddresses, From: "dialogue:high-level-economic-dialogue", To: "topic:energy",
				Properties: map[string]any{"x": "y"}, Citations: slices.Clone(e.Citations)}
			if _, err := s2.UpsertEntity(ctx, e); err != nil {
				t.Fatal(err)
			}
			if _, err := s2.AddRelation(ctx, r); err != nil {
				t.Fatal(err)
			}
			d1, _ := storetest.Dump(ctx, s2)
			mutateEntity(e)
			r.Properties["x"] = "changed"
			r.Citations[0].Quote = "changed"
			if d2, _ := storetest.Dump(ctx, s2); d2 != d1 {
				t.Errorf("changing the arguments of UpsertEntity and AddRelation changed the store")
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.mutate(t)
			after, err := storetest.Dump(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Errorf("changing values returned by %s changed the store", tc.name)
			}
		})
	}
}

// TestConcurrentReadsAndImports runs readers of every method alongside imports; run with -race.
func TestConcurrentReadsAndImports(t *testing.T) {
	ctx := t.Context()
	s := load(t, storetest.Fixture())
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for w := range 8 {
		wg.Go(func() {
			for i := range 50 {
				var err error
				switch (w + i) % 6 {
				case 0:
					_, err = s.Entities(ctx, []string{"person:rachel-poynter", "meeting:21cb-esc-14th-plenary"})
				case 1:
					_, err = s.Relations(ctx, kg.RelationQuery{IDs: []string{"meeting:21cb-esc-14th-plenary"}, Limit: 3})
				case 2:
					_, err = s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindMeeting, Sort: []kg.SortField{{Field: "date", Desc: true}},
						Where: &kg.Filter{Rels: []kg.RelCond{{Types: []string{kg.RelAttended}, Direction: kg.In, Quantifier: kg.Some}}}, Limit: kg.NoLimit})
				case 3:
					_, err = s.Search(ctx, kg.SearchQuery{Text: "migration", Limit: 5})
				case 4:
					_, err = s.ListSources(ctx, kg.ListQuery{Limit: kg.NoLimit})
				case 5:
					_, err = s.Sources(ctx, []string{"source:fixture-briefing"})
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range 4 {
		wg.Go(func() {
			b := storetest.Fixture()
			b.Entities[0].Description = fmt.Sprintf("Revision %d.", i)
			if _, err := s.Import(ctx, b, kg.ImportOptions{}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	// The revisions' descriptions accumulated; replacing what the fixture's sources said leaves
	// the fixture.
	if _, err := s.Import(ctx, storetest.Fixture(), kg.ImportOptions{Replace: true}); err != nil {
		t.Fatal(err)
	}
	got, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if want := storetest.DumpBundle(storetest.Fixture()); got != want {
		t.Errorf("after concurrent imports and a final import of the fixture replacing them, the store differs from it")
	}
}

func TestClose(t *testing.T) {
	s := load(t, storetest.Fixture())
	if err := s.Close(t.Context()); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	if err := s.Ping(t.Context()); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
		t.Errorf("Ping() after Close = %v, want a %s error", err, kg.CodeServiceUnavailable)
	}
	if _, err := s.Entities(t.Context(), []string{"country:mexico"}); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
		t.Errorf("Entities() after Close = %v, want a %s error", err, kg.CodeServiceUnavailable)
	}
}

func TestBadInput(t *testing.T) {
	s := load(t, storetest.Fixture())
	ctx := t.Context()
	calls := []struct {
		name string
		call func() error
	}{
		{"ListEntities unknown kind", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: "ROBOT", Limit: kg.NoLimit})
			return err
		}},
		{"ListEntities unknown op", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: "LIKE", Value: "x"}}}, Limit: kg.NoLimit})
			return err
		}},
		{"EXISTS without a bool", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: kg.OpExists, Value: "yes"}}}, Limit: kg.NoLimit})
			return err
		}},
		{"IN without a list", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: kg.OpIn, Value: "x"}}}, Limit: kg.NoLimit})
			return err
		}},
		{"nested unknown quantifier", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{Not: &kg.Filter{Rels: []kg.RelCond{{Quantifier: "MOST"}}}}, Limit: kg.NoLimit})
			return err
		}},
		{"Relations unknown direction", func() error {
			_, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{"country:mexico"}, Direction: "SIDEWAYS", Limit: kg.NoLimit})
			return err
		}},
		{"Import nil bundle", func() error { _, err := s.Import(ctx, nil, kg.ImportOptions{}); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); kg.ErrorCode(err) != kg.CodeBadUserInput {
				t.Errorf("%s = %v, want a %s error", c.name, err, kg.CodeBadUserInput)
			}
		})
	}
}

// TestFilterValues covers value comparisons the conformance fixture has no data for.
func TestFilterValues(t *testing.T) {
	b := storetest.Fixture()
	s := load(t, b)
	tests := []struct {
		name string
		cond kg.Cond
		want int
	}{
		{"int field against a float", kg.Cond{Field: "ordinal", Op: kg.OpGt, Value: 13.5}, 1},
		{"int field equals an integral float", kg.Cond{Field: "ordinal", Op: kg.OpEq, Value: 14.0}, 1},
		{"IN with a []string", kg.Cond{Field: "date", Op: kg.OpIn, Value: []string{"2022", "2021-09"}}, 2},
		{"IN with a []int64", kg.Cond{Field: "ordinal", Op: kg.OpIn, Value: []int64{13, 14}}, 2},
		{"int32 value", kg.Cond{Field: "ordinal", Op: kg.OpLte, Value: int32(2)}, 2},
		{"EQ of a list field with a string", kg.Cond{Field: "aliases", Op: kg.OpEq, Value: "HLED 2021"}, 0},
		{"EQ of a list field with a list", kg.Cond{Field: "aliases", Op: kg.OpEq, Value: []any{"HLED 2021"}}, 1},
		{"CONTAINS on a list field", kg.Cond{Field: "aliases", Op: kg.OpContains, Value: "HLED"}, 0},
		{"nil value", kg.Cond{Field: "date", Op: kg.OpEq, Value: nil}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: kg.KindMeeting, Where: &kg.Filter{Conds: []kg.Cond{tc.cond}}, Limit: kg.NoLimit})
			if err != nil {
				t.Fatalf("ListEntities(%+v) error = %v", tc.cond, err)
			}
			if p.Total != tc.want {
				t.Errorf("ListEntities(%+v).Total = %d, want %d", tc.cond, p.Total, tc.want)
			}
		})
	}
}

// Lists walk cached sort orders; a write must be seen by the next list in every order.
func TestListOrdersFollowWrites(t *testing.T) {
	s, err := memstore.Load(graphgen.Generate(500))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	q := kg.ListQuery{Kind: kg.KindTopic, Sort: []kg.SortField{{Field: "name"}}, Limit: 1, SkipTotal: true}
	before, err := s.ListEntities(ctx, q)
	if err != nil || len(before.Entities) != 1 || !before.More {
		t.Fatalf("ListEntities() = %+v, %v; want one topic and more", before, err)
	}
	e, err := s.UpsertEntity(ctx, &kg.Entity{Kind: kg.KindTopic, Name: "Aaa first topic",
		Citations: []kg.Citation{{Source: "source:generated", Quote: "Generated fact for benchmarks."}}})
	if err != nil {
		t.Fatal(err)
	}
	after, err := s.ListEntities(ctx, q)
	if err != nil || len(after.Entities) != 1 || after.Entities[0].ID != e.ID {
		t.Fatalf("after writing %s, ListEntities(sorted by name) = %+v, %v; want it first", e.ID, after, err)
	}
	if _, err := s.DeleteEntity(ctx, e.ID, "test"); err != nil {
		t.Fatal(err)
	}
	again, err := s.ListEntities(ctx, q)
	if err != nil || again.Entities[0].ID != before.Entities[0].ID {
		t.Fatalf("after deleting %s, ListEntities() = %+v, %v; want %s first again", e.ID, again, err, before.Entities[0].ID)
	}
}

// TestConformanceWalk runs the conformance suite with every limited search walking the ranks
// best first, which the default takes only when the words are common (more postings than a
// small graph has), so that the walk is checked against the reference ranking too.
func TestConformanceWalk(t *testing.T) {
	defer memstore.WalkEverySearch()()
	storetest.Run(t, open)
}
