package storetest

import (
	"errors"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testLimits checks what a query's Limit means on every read that takes one: kg.NoLimit answers
// every match, 0 answers none (while list queries still count their matches), and a positive
// limit answers at most that many. Each zero-limit case first shows, with a positive limit, that
// there is something to leave out, so an empty answer proves the limit and not an empty graph.
func testLimits(t *testing.T, s kg.Store) {
	t.Run("Relations", func(t *testing.T) { limitsRelations(t, s) })
	t.Run("Expand", func(t *testing.T) { limitsExpand(t, s) })
	t.Run("ListEntities", func(t *testing.T) { limitsListEntities(t, s) })
	t.Run("ListSources", func(t *testing.T) { limitsListSources(t, s) })
	t.Run("Search", func(t *testing.T) { limitsSearch(t, s) })
	t.Run("Changes", func(t *testing.T) { limitsChanges(t, s) })
	t.Run("Explore", func(t *testing.T) { limitsExplore(t, s) })
}

func limitsRelations(t *testing.T, s kg.Store) {
	ctx := t.Context()
	ids := []string{pPoynter, m14th}
	all, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("Relations(NoLimit) error = %v", err)
	}
	one, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Limit: 1})
	if err != nil {
		t.Fatalf("Relations(limit 1) error = %v", err)
	}
	none, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Limit: 0})
	if err != nil {
		t.Fatalf("Relations(limit 0) error = %v", err)
	}
	if len(none) != len(ids) {
		t.Fatalf("Relations(limit 0) returned %d lists, want %d", len(none), len(ids))
	}
	for i, id := range ids {
		if len(all[i]) <= 1 {
			t.Fatalf("Relations(%s, NoLimit) = %d relations, want more than 1 for this test", id, len(all[i]))
		}
		if len(one[i]) != 1 {
			t.Errorf("Relations(%s, limit 1) = %d relations, want 1", id, len(one[i]))
		}
		if len(none[i]) != 0 {
			t.Errorf("Relations(%s, limit 0) = %d relations, want none", id, len(none[i]))
		}
	}
}

func limitsExpand(t *testing.T, s kg.Store) {
	ctx := t.Context()
	q := kg.ExpandQuery{IDs: []string{m14th}, Selects: []kg.RelationSelect{
		{Direction: kg.Both, Limit: kg.NoLimit},
		{Direction: kg.Both, Limit: 0, Then: []kg.RelationSelect{{Limit: kg.NoLimit}}},
	}}
	x, err := s.Expand(ctx, q)
	if err != nil {
		t.Fatalf("Expand error = %v", err)
	}
	if len(x.Relations[0][0]) == 0 {
		t.Fatalf("Expand(%s, NoLimit) read no relations, want some for this test", m14th)
	}
	if n := len(x.Relations[1][0]); n != 0 {
		t.Errorf("Expand(%s, limit 0) read %d relations, want none", m14th, n)
	}
	if then := x.Then[1]; then != nil && len(then.IDs) != 0 {
		t.Errorf("Expand(%s, limit 0) expanded %d far ends below, want none", m14th, len(then.IDs))
	}
}

func limitsListEntities(t *testing.T, s kg.Store) {
	ctx := t.Context()
	all, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("ListEntities(NoLimit) error = %v", err)
	}
	if len(all.Entities) < 2 || all.Total != len(all.Entities) || all.More {
		t.Fatalf("ListEntities(NoLimit) = %d entities, total %d, more %t; want every person, none more",
			len(all.Entities), all.Total, all.More)
	}
	for _, tc := range []struct {
		name      string
		q         kg.ListQuery
		total     int
		more      bool
		wantCount int
	}{
		{"limit 0 counts", kg.ListQuery{Kind: kg.KindPerson, Limit: 0}, all.Total, true, 0},
		{"limit 0 past the end", kg.ListQuery{Kind: kg.KindPerson, Offset: all.Total, Limit: 0}, all.Total, false, 0},
		{"limit 0 without a count", kg.ListQuery{Kind: kg.KindPerson, Limit: 0, SkipTotal: true}, -1, true, 0},
		{"limit 0 with an expansion", kg.ListQuery{Kind: kg.KindPerson, Limit: 0,
			Expand: []kg.RelationSelect{{Limit: kg.NoLimit}}}, all.Total, true, 0},
		{"limit 1", kg.ListQuery{Kind: kg.KindPerson, Limit: 1}, all.Total, true, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ListEntities(ctx, tc.q)
			if err != nil {
				t.Fatalf("ListEntities(%+v) error = %v", tc.q, err)
			}
			if len(p.Entities) != tc.wantCount || p.Total != tc.total || p.More != tc.more {
				t.Errorf("ListEntities(%+v) = %d entities, total %d, more %t; want %d, %d, %t",
					tc.q, len(p.Entities), p.Total, p.More, tc.wantCount, tc.total, tc.more)
			}
		})
	}
}

func limitsListSources(t *testing.T, s kg.Store) {
	ctx := t.Context()
	all, err := s.ListSources(ctx, kg.ListQuery{Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("ListSources(NoLimit) error = %v", err)
	}
	if len(all.Sources) == 0 || all.Total != len(all.Sources) {
		t.Fatalf("ListSources(NoLimit) = %d sources, total %d; want every source", len(all.Sources), all.Total)
	}
	p, err := s.ListSources(ctx, kg.ListQuery{Limit: 0})
	if err != nil {
		t.Fatalf("ListSources(limit 0) error = %v", err)
	}
	if len(p.Sources) != 0 || p.Total != all.Total {
		t.Errorf("ListSources(limit 0) = %d sources, total %d; want none, total %d", len(p.Sources), p.Total, all.Total)
	}
}

func limitsSearch(t *testing.T, s kg.Store) {
	ctx := t.Context()
	all, err := s.Search(ctx, kg.SearchQuery{Text: "migration", Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("Search(NoLimit) error = %v", err)
	}
	if len(all) < 2 {
		t.Fatalf("Search(migration, NoLimit) = %d hits, want several for this test", len(all))
	}
	none, err := s.Search(ctx, kg.SearchQuery{Text: "migration", Limit: 0})
	if err != nil {
		t.Fatalf("Search(limit 0) error = %v", err)
	}
	if none == nil || len(none) != 0 {
		t.Errorf("Search(migration, limit 0) = %v, want an empty list", none)
	}
}

func limitsChanges(t *testing.T, s kg.Store) {
	ctx := t.Context()
	all, err := s.Changes(ctx, kg.ChangeQuery{Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("Changes(NoLimit) error = %v", err)
	}
	if all.Total != len(all.Changes) {
		t.Fatalf("Changes(NoLimit) = %d changes, total %d; want every change", len(all.Changes), all.Total)
	}
	p, err := s.Changes(ctx, kg.ChangeQuery{Limit: 0})
	if err != nil {
		t.Fatalf("Changes(limit 0) error = %v", err)
	}
	if len(p.Changes) != 0 || p.Total != all.Total {
		t.Errorf("Changes(limit 0) = %d changes, total %d; want none, total %d", len(p.Changes), p.Total, all.Total)
	}
}

func limitsExplore(t *testing.T, s kg.Store) {
	ctx := t.Context()
	explore := []struct {
		name string
		// run asks with limit n and returns how many results came back.
		run func(n int) (int, error)
	}{
		{"Paths", func(n int) (int, error) {
			ps, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 5, Limit: n})
			return len(ps), err
		}},
		{"Neighborhood", func(n int) (int, error) {
			g, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Hops: 1, Limit: n})
			if err != nil {
				return 0, err
			}
			return len(g.Nodes) + len(g.Relations), nil
		}},
		{"CommonConnections", func(n int) (int, error) {
			es, err := s.CommonConnections(ctx, kg.CommonQuery{A: pPoynter, B: pNunez, Limit: n})
			return len(es), err
		}},
		{"Timeline", func(n int) (int, error) {
			ms, err := s.Timeline(ctx, kg.TimelineQuery{Limit: n})
			return len(ms), err
		}},
	}
	for _, tc := range explore {
		t.Run(tc.name, func(t *testing.T) {
			if got, err := tc.run(kg.MaxExploreResults); err != nil || got == 0 {
				t.Fatalf("%s(limit %d) = %d results, %v; want some for this test", tc.name, kg.MaxExploreResults, got, err)
			}
			if got, err := tc.run(0); err != nil || got != 0 {
				t.Errorf("%s(limit 0) = %d results, %v; want none", tc.name, got, err)
			}
			// Explorations take no NoLimit: their work grows with the graph.
			_, err := tc.run(kg.NoLimit)
			var kerr *kg.Error
			if !errors.As(err, &kerr) || kerr.Code != kg.CodeBadUserInput {
				t.Errorf("%s(NoLimit) error = %v, want %s", tc.name, err, kg.CodeBadUserInput)
			}
		})
	}
	// A zero limit still checks the rest of the query.
	_, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: kg.MaxPathHops + 1, Limit: 0})
	var kerr *kg.Error
	if !errors.As(err, &kerr) || kerr.Code != kg.CodeBadUserInput {
		t.Errorf("Paths(maxHops %d, limit 0) error = %v, want %s", kg.MaxPathHops+1, err, kg.CodeBadUserInput)
	}
}
