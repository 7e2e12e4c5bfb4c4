// Package storetest holds the conformance suite every kg.Store must pass, the fixture graph it
// runs on, and helpers other tests reuse: Dump (a canonical fingerprint of a store), Counting (a
// store that counts round trips) and benchmarks every store runs alike.
package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// Run runs the conformance suite against the store open returns. open must return a store that
// holds exactly bundle b (and nothing else); it should register the store's Close with t.Cleanup.
// Run calls open once for a store that the read-only subtests share, once for a small graph with
// parallel relations, and once for each subtest that writes.
func Run(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Helper()
	RunReads(t, open)
	// Keyset paging reads what ListEntities reads, which RunReads checks for any way of loading;
	// its walks are many queries, so they run once per store.
	t.Run("Keyset", func(t *testing.T) { testKeyset(t, open(t, Fixture())) })
	t.Run("Import", func(t *testing.T) { testImport(t, open) })
	t.Run("Write", func(t *testing.T) { testWrite(t, open) })
	t.Run("Provenance", func(t *testing.T) { testProvenance(t, open) })
}

// RunReads runs the read-only part of the conformance suite: everything but the subtests that
// write. It is for a store opened another way than by its Import (a bulk loader, say), to check
// that it reads back as an imported one does. open is as for Run; RunReads calls it twice.
func RunReads(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Helper()
	fx := Fixture()
	if ps := fx.Validate(); len(ps) > 0 {
		t.Fatalf("Fixture().Validate() = %v, want no problems", ps)
	}
	s := open(t, Fixture())

	t.Run("Dump", func(t *testing.T) { testDump(t, s, fx) })
	t.Run("Entities", func(t *testing.T) { testEntities(t, s, fx) })
	t.Run("Sources", func(t *testing.T) { testSources(t, s, fx) })
	t.Run("Relations", func(t *testing.T) { testRelations(t, s, fx) })
	t.Run("Expand", func(t *testing.T) { testExpand(t, s) })
	t.Run("Fields", func(t *testing.T) { testFields(t, s) })
	t.Run("Limits", func(t *testing.T) { testLimits(t, s) })
	t.Run("ListEntities", func(t *testing.T) { testListEntities(t, s) })
	t.Run("ListSources", func(t *testing.T) { testListSources(t, s) })
	t.Run("Cited", func(t *testing.T) { testCited(t, s, fx) })
	t.Run("Search", func(t *testing.T) { testSearch(t, s) })
	t.Run("SearchRanking/fixture", func(t *testing.T) { testSearchRanking(t, s, fx) })
	t.Run("Ping", func(t *testing.T) {
		if err := s.Ping(t.Context()); err != nil {
			t.Fatalf("Ping() = %v, want nil", err)
		}
	})
	t.Run("Explore", func(t *testing.T) { testExplore(t, s, fx) })
	t.Run("ExploreParallel", func(t *testing.T) { testExploreParallel(t, open(t, parallelBundle())) })
	// Each opens a store of its own; the shared one is not read after this point.
	t.Run("SearchRanking/builtin", func(t *testing.T) { b := builtinBundle(t); testSearchRanking(t, open(t, b), b) })
	t.Run("SearchRanking/generated", func(t *testing.T) { b := graphgen.Generate(2000); testSearchRanking(t, open(t, b), b) })
	t.Run("SearchRanking/edges", func(t *testing.T) { testSearchEdges(t, open(t, searchEdgeBundle())) })
	t.Run("CancelledContext", func(t *testing.T) { testCancelled(t, s) })
}

// RunSearch runs the search part of the conformance suite alone: search and its ranking on the
// fixture, the built-in data set, a generated graph and the ranking's edge cases. It is for a
// store that searches in more than one way (a threshold that picks its strategy, say), to check
// each way against the same answers. open is as for Run.
func RunSearch(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Helper()
	fx := Fixture()
	s := open(t, fx)
	t.Run("Search", func(t *testing.T) { testSearch(t, s) })
	t.Run("SearchRanking/fixture", func(t *testing.T) { testSearchRanking(t, s, fx) })
	t.Run("SearchRanking/builtin", func(t *testing.T) { b := builtinBundle(t); testSearchRanking(t, open(t, b), b) })
	t.Run("SearchRanking/generated", func(t *testing.T) { b := graphgen.Generate(2000); testSearchRanking(t, open(t, b), b) })
	t.Run("SearchRanking/edges", func(t *testing.T) { testSearchEdges(t, open(t, searchEdgeBundle())) })
}

func testDump(t *testing.T, s kg.Store, fx *kg.Bundle) {
	got, err := Dump(t.Context(), s)
	if err != nil {
		t.Fatalf("Dump() error = %v", err)
	}
	if want := DumpBundle(fx); got != want {
		t.Errorf("Dump() of a store opened with the fixture differs from DumpBundle(fixture):\n%s", lineDiff(got, want))
	}
}

func testEntities(t *testing.T, s kg.Store, fx *kg.Bundle) {
	byID := map[string]*kg.Entity{}
	var all []string
	for i := range fx.Entities {
		byID[fx.Entities[i].ID] = &fx.Entities[i]
		all = append(all, fx.Entities[i].ID)
	}
	tests := []struct {
		name string
		ids  []string
	}{
		{"in request order", []string{pSolberg, cCanada, m14th, oSE}},
		{"unknown ids give nil entries", []string{"person:nobody", pPoynter, "not an id", "organization:nobody"}},
		{"duplicate ids", []string{pNunez, pNunez, tTrade, pNunez}},
		{"empty list", []string{}},
		{"nil list", nil},
		{"every fixture entity round-trips", all},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Entities(t.Context(), tc.ids)
			if err != nil {
				t.Fatalf("Entities(%q) error = %v", tc.ids, err)
			}
			if len(got) != len(tc.ids) {
				t.Fatalf("Entities(%q) returned %d entries, want %d", tc.ids, len(got), len(tc.ids))
			}
			for i, id := range tc.ids {
				if g, w := canonEntityJSON(got[i]), canonEntityJSON(byID[id]); g != w {
					t.Errorf("Entities(...)[%d] (%s) =\n  %s\nwant\n  %s", i, id, g, w)
				}
			}
		})
	}
}

func testSources(t *testing.T, s kg.Store, fx *kg.Bundle) {
	byID := map[string]*kg.Source{}
	for i := range fx.Sources {
		byID[fx.Sources[i].ID] = &fx.Sources[i]
	}
	tests := []struct {
		name string
		ids  []string
	}{
		{"in request order", []string{srcPress, srcBriefing, srcJoint}},
		{"unknown ids give nil entries", []string{"source:nowhere", srcJoint, pPoynter}},
		{"duplicate ids", []string{srcJoint, srcJoint}},
		{"empty list", []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Sources(t.Context(), tc.ids)
			if err != nil {
				t.Fatalf("Sources(%q) error = %v", tc.ids, err)
			}
			if len(got) != len(tc.ids) {
				t.Fatalf("Sources(%q) returned %d entries, want %d", tc.ids, len(got), len(tc.ids))
			}
			for i, id := range tc.ids {
				if g, w := canonSourceJSON(got[i]), canonSourceJSON(byID[id]); g != w {
					t.Errorf("Sources(...)[%d] (%s) =\n  %s\nwant\n  %s", i, id, g, w)
				}
			}
		})
	}
}

// rk names a relation in expectations: "TYPE from -> to".
func rk(typ, from, to string) string { return typ + " " + from + " -> " + to }

func relKeys(rs []*kg.Relation) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = rk(r.Type, r.From, r.To)
	}
	return out
}

func testRelations(t *testing.T, s kg.Store, fx *kg.Bundle) {
	attended14 := []string{
		rk(kg.RelAttended, pOrtiz, m14th), rk(kg.RelAttended, pNunez, m14th), rk(kg.RelAttended, pOkafor, m14th),
		rk(kg.RelAttended, pRamirez, m14th), rk(kg.RelAttended, pPoynter, m14th),
	}
	out14 := []string{rk(kg.RelAdopted, m14th, iBIMP), rk(kg.RelHeldIn, m14th, plMexicoCity), rk(kg.RelSessionOf, m14th, dESC)}
	represented14 := []string{rk(kg.RelRepresentedAt, oDHS, m14th), rk(kg.RelRepresentedAt, oSRE, m14th)}
	both14 := slices.Concat(out14[:1], attended14, out14[1:2], represented14, out14[2:])
	bothSRE := []string{
		rk(kg.RelBelongsTo, oSRE, cMexico),
		rk(kg.RelHoldsPosition, pOrtiz, oSRE), rk(kg.RelHoldsPosition, pRamirez, oSRE),
		rk(kg.RelPartOf, oEmbassy, oSRE), rk(kg.RelPartOf, oSRE, oGovMX),
		rk(kg.RelRepresentedAt, oSRE, m14th),
	}
	tests := []struct {
		name string
		q    kg.RelationQuery
		want [][]string
	}{
		{"in, one type, sorted by from",
			kg.RelationQuery{IDs: []string{m14th}, Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit},
			[][]string{attended14}},
		{"out, every type, sorted by type",
			kg.RelationQuery{IDs: []string{m14th}, Direction: kg.Out, Limit: kg.NoLimit},
			[][]string{out14}},
		{"both",
			kg.RelationQuery{IDs: []string{m14th}, Direction: kg.Both, Limit: kg.NoLimit},
			[][]string{both14}},
		{"empty direction means both",
			kg.RelationQuery{IDs: []string{m14th}, Limit: kg.NoLimit},
			[][]string{both14}},
		{"both, ordered by type then from then to across directions",
			kg.RelationQuery{IDs: []string{oSRE}, Direction: kg.Both, Limit: kg.NoLimit},
			[][]string{bothSRE}},
		{"several types",
			kg.RelationQuery{IDs: []string{m14th}, Types: []string{kg.RelRepresentedAt, kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit},
			[][]string{slices.Concat(attended14, represented14)}},
		{"type that goes the other way gives nothing",
			kg.RelationQuery{IDs: []string{m14th}, Types: []string{kg.RelAttended}, Direction: kg.Out, Limit: kg.NoLimit},
			[][]string{nil}},
		{"limit applies per id, not in total",
			kg.RelationQuery{IDs: []string{m14th, m13th, mHLED2021}, Types: []string{kg.RelAttended}, Direction: kg.In, Limit: 2},
			[][]string{attended14[:2],
				{rk(kg.RelAttended, pOrtiz, m13th), rk(kg.RelAttended, pNunez, m13th)},
				{rk(kg.RelAttended, pOkafor, mHLED2021), rk(kg.RelAttended, pGarza, mHLED2021)}}},
		{"limit larger than the relations",
			kg.RelationQuery{IDs: []string{m14th}, Direction: kg.Out, Limit: 50},
			[][]string{out14}},
		{"index for index, with duplicate and unknown ids",
			kg.RelationQuery{IDs: []string{pPoynter, "person:nobody", pPoynter, cCanada}, Types: []string{kg.RelHoldsPosition, kg.RelLocatedIn}, Limit: kg.NoLimit},
			[][]string{{rk(kg.RelHoldsPosition, pPoynter, oWHA)}, nil, {rk(kg.RelHoldsPosition, pPoynter, oWHA)},
				{rk(kg.RelLocatedIn, plOttawa, cCanada)}}},
		{"unknown type gives nothing",
			kg.RelationQuery{IDs: []string{pPoynter}, Types: []string{"KNOWS"}, Limit: kg.NoLimit},
			[][]string{nil}},
		{"empty ids",
			kg.RelationQuery{IDs: []string{}, Limit: kg.NoLimit},
			[][]string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Relations(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Relations(%+v) error = %v", tc.q, err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("Relations(%+v) returned %d lists, want %d", tc.q, len(got), len(tc.want))
			}
			for i := range tc.want {
				if g := relKeys(got[i]); !slices.Equal(g, tc.want[i]) {
					t.Errorf("Relations(%+v)[%d] =\n  %s\nwant\n  %s", tc.q, i, strings.Join(g, "\n  "), strings.Join(tc.want[i], "\n  "))
				}
			}
		})
	}

	t.Run("properties and citations round-trip", func(t *testing.T) {
		want := map[string]*kg.Relation{}
		var ids []string
		for i := range fx.Relations {
			r := &fx.Relations[i]
			want[rk(r.Type, r.From, r.To)] = r
		}
		for i := range fx.Entities {
			ids = append(ids, fx.Entities[i].ID)
		}
		got, err := s.Relations(t.Context(), kg.RelationQuery{IDs: ids, Direction: kg.Out, Limit: kg.NoLimit})
		if err != nil {
			t.Fatalf("Relations(every id, OUT) error = %v", err)
		}
		n := 0
		for i, rs := range got {
			for _, r := range rs {
				n++
				if r.From != ids[i] {
					t.Errorf("Relations(OUT)[%d] holds %s, whose From is not %s", i, rk(r.Type, r.From, r.To), ids[i])
				}
				w, ok := want[rk(r.Type, r.From, r.To)]
				if !ok {
					t.Errorf("Relations(OUT) returned %s, which the fixture lacks", rk(r.Type, r.From, r.To))
					continue
				}
				if g, w := canonRelationJSON(r), canonRelationJSON(w); g != w {
					t.Errorf("relation =\n  %s\nwant\n  %s", g, w)
				}
			}
		}
		if n != len(fx.Relations) {
			t.Errorf("Relations(every id, OUT) returned %d relations, want %d", n, len(fx.Relations))
		}
	})
}

func testCancelled(t *testing.T, s kg.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"Ping", func() error { return s.Ping(ctx) }},
		{"Entities", func() error { _, err := s.Entities(ctx, []string{pPoynter}); return err }},
		{"Sources", func() error { _, err := s.Sources(ctx, []string{srcBriefing}); return err }},
		{"Relations", func() error {
			_, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{pPoynter}, Limit: kg.NoLimit})
			return err
		}},
		{"ListEntities", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: kg.NoLimit})
			return err
		}},
		{"ListSources", func() error { _, err := s.ListSources(ctx, kg.ListQuery{Limit: kg.NoLimit}); return err }},
		{"Search", func() error { _, err := s.Search(ctx, kg.SearchQuery{Text: "Poynter", Limit: kg.NoLimit}); return err }},
		{"Import", func() error { _, err := s.Import(ctx, Fixture(), kg.ImportOptions{}); return err }},
		{"UpsertEntity", func() error {
			_, err := s.UpsertEntity(ctx, &kg.Entity{Kind: kg.KindTopic, Name: "Trade", Citations: fixtureCitation()})
			return err
		}},
		{"Changes", func() error { _, err := s.Changes(ctx, kg.ChangeQuery{Limit: 1}); return err }},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); err == nil {
				t.Errorf("%s(cancelled ctx) = nil error, want an error", c.name)
			}
		})
	}
}

// lineDiff describes how two dumps differ, line by line.
func lineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	var b strings.Builder
	for _, l := range w {
		if !slices.Contains(g, l) {
			fmt.Fprintf(&b, "- %s\n", l)
		}
	}
	for _, l := range g {
		if !slices.Contains(w, l) {
			fmt.Fprintf(&b, "+ %s\n", l)
		}
	}
	return b.String()
}
