package storetest

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// testExplore checks kg.Explorer: hand-worked answers on the fixture that read as prose, and,
// for many combinations of ends and options, exact agreement with the brute-force reference.
func testExplore(t *testing.T, s kg.Store, fx *kg.Bundle) {
	ref := newReference(fx)
	t.Run("ShortestPath", func(t *testing.T) { testShortestPath(t, s, fx, ref) })
	t.Run("Paths", func(t *testing.T) { testPaths(t, s, fx, ref) })
	t.Run("Neighborhood", func(t *testing.T) { testNeighborhood(t, s, fx, ref) })
	t.Run("CommonConnections", func(t *testing.T) { testCommon(t, s, ref) })
	t.Run("Timeline", func(t *testing.T) { testTimeline(t, s, fx, ref) })
	t.Run("BadInput", func(t *testing.T) { testExploreBadInput(t, s) })
	t.Run("OutOfTime", func(t *testing.T) { testExploreOutOfTime(t, s) })
}

// pathKey spells a path hop by hop: "a -[TYPE>]- b -[<TYPE]- c", the arrow showing which way each
// relation goes.
func pathKey(p *kg.Path) string {
	if p == nil {
		return "<none>"
	}
	if len(p.Nodes) != len(p.Relations)+1 {
		return fmt.Sprintf("<malformed: %d nodes, %d relations>", len(p.Nodes), len(p.Relations))
	}
	var b strings.Builder
	b.WriteString(p.Nodes[0].ID)
	for i, r := range p.Relations {
		switch {
		case r.From == p.Nodes[i].ID && r.To == p.Nodes[i+1].ID:
			fmt.Fprintf(&b, " -[%s>]- ", r.Type)
		case r.To == p.Nodes[i].ID && r.From == p.Nodes[i+1].ID:
			fmt.Fprintf(&b, " -[<%s]- ", r.Type)
		default:
			fmt.Fprintf(&b, " -[%s %s->%s does not join these]- ", r.Type, r.From, r.To)
		}
		b.WriteString(p.Nodes[i+1].ID)
	}
	return b.String()
}

func pathKeys(ps []*kg.Path) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = pathKey(p)
	}
	return out
}

// checkWhole fails unless every entity and relation of the answer is the fixture's, whole: with
// its properties and citations, and a quote on every relation that occurs in its source.
func checkWhole(t *testing.T, fx *kg.Bundle, what string, es []*kg.Entity, rs []*kg.Relation) {
	t.Helper()
	entities, relations, sources := map[string]string{}, map[string]string{}, map[string]string{}
	for i := range fx.Entities {
		entities[fx.Entities[i].ID] = canonEntityJSON(&fx.Entities[i])
	}
	for i := range fx.Relations {
		r := &fx.Relations[i]
		relations[rk(r.Type, r.From, r.To)] = canonRelationJSON(r)
	}
	for i := range fx.Sources {
		sources[fx.Sources[i].ID] = fx.Sources[i].Text
	}
	for _, e := range es {
		if g := canonEntityJSON(e); g != entities[e.ID] {
			t.Errorf("%s: entity %s =\n  %s\nwant\n  %s", what, e.ID, g, entities[e.ID])
		}
	}
	for _, r := range rs {
		key := rk(r.Type, r.From, r.To)
		if g := canonRelationJSON(r); g != relations[key] {
			t.Errorf("%s: relation %s =\n  %s\nwant\n  %s", what, key, g, relations[key])
		}
		if len(r.Citations) == 0 || !kg.QuoteOccurs(sources[r.Citations[0].Source], r.Citations[0].Quote) {
			t.Errorf("%s: relation %s has no quote that occurs in its source: %+v", what, key, r.Citations)
		}
	}
}

// explored are the ends the suite tries every pair of: people, organizations, a country hub,
// meetings, a dialogue, an initiative and a topic, across the fixture's clusters.
var explored = []string{pPoynter, pGarza, pTremblay, oSRE, cMexico, m13th, dHLED, iRMF, tTrade}

// pathOptions are the option sets the suite tries on every pair.
var pathOptions = []struct {
	name string
	q    kg.PathQuery
}{
	{"2 hops", kg.PathQuery{MaxHops: 2}},
	{"4 hops", kg.PathQuery{MaxHops: 4}},
	{"4 hops avoiding the countries", kg.PathQuery{MaxHops: 4, Avoid: []string{cMexico, cUS, cCanada}}},
	{"5 hops through people, positions and delegations only", kg.PathQuery{MaxHops: 5,
		Types: []string{kg.RelAttended, kg.RelHoldsPosition, kg.RelRepresentedAt, kg.RelPartOf}}},
}

func testShortestPath(t *testing.T, s kg.Store, fx *kg.Bundle, ref *reference) {
	// Poynter is two hops from no economic dialogue entity; of her eight four-hop routes to the
	// HLED, the first in path order goes through the 14th plenary and the DHS delegation there.
	viaDHS := pPoynter + " -[ATTENDED>]- " + m14th + " -[<REPRESENTED_AT]- " + oDHS +
		" -[BELONGS_TO>]- " + cUS + " -[PARTY_TO>]- " + dHLED
	viaOkafor := pPoynter + " -[ATTENDED>]- " + m14th + " -[<ATTENDED]- " + pOkafor +
		" -[ATTENDED>]- " + mHLED2021 + " -[SESSION_OF>]- " + dHLED
	viaState := pPoynter + " -[HOLDS_POSITION>]- " + oWHA + " -[PART_OF>]- " + oDOS +
		" -[REPRESENTED_AT>]- " + mHLED2021 + " -[SESSION_OF>]- " + dHLED
	tests := []struct {
		name string
		q    kg.PathQuery
		want string
	}{
		{"first of the shortest in path order", kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 6}, viaDHS},
		{"avoiding the country hubs", kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 6, Avoid: []string{cUS, cMexico}}, viaOkafor},
		{"only through positions, organizations and sessions",
			kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 6, Types: []string{kg.RelHoldsPosition, kg.RelPartOf, kg.RelRepresentedAt, kg.RelSessionOf}},
			viaState},
		{"reversed ends walk the relations the other way", kg.PathQuery{From: dHLED, To: pPoynter, MaxHops: 6, Avoid: []string{cUS, cMexico, mHLED2021}},
			dHLED + " -[<SESSION_OF]- " + mHLED2022 + " -[<ATTENDED]- " + pOkafor + " -[ATTENDED>]- " + m14th + " -[<ATTENDED]- " + pPoynter},
		{"avoid lists ends, which stay allowed", kg.PathQuery{From: pPoynter, To: m14th, MaxHops: 2, Avoid: []string{pPoynter, m14th}},
			pPoynter + " -[ATTENDED>]- " + m14th},
		{"too few hops gives none", kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3}, "<none>"},
		{"avoiding every way gives none", kg.PathQuery{From: pSolberg, To: pPoynter, MaxHops: 8, Avoid: []string{mTrilateral}}, "<none>"},
		{"same ends give the path of length 0", kg.PathQuery{From: oSRE, To: oSRE, MaxHops: 1}, oSRE},
		{"unknown from gives none", kg.PathQuery{From: "person:nobody", To: pPoynter, MaxHops: 4}, "<none>"},
		{"unknown to gives none", kg.PathQuery{From: pPoynter, To: "not an id", MaxHops: 4}, "<none>"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := s.ShortestPath(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("ShortestPath(%+v) error = %v", tc.q, err)
			}
			if got := pathKey(p); got != tc.want {
				t.Errorf("ShortestPath(%+v) =\n  %s\nwant\n  %s", tc.q, got, tc.want)
			}
			if p != nil {
				checkWhole(t, fx, "ShortestPath", p.Nodes, p.Relations)
			}
		})
	}

	t.Run("agrees with the reference", func(t *testing.T) {
		for _, opt := range pathOptions {
			for _, from := range explored {
				for _, to := range explored {
					q := opt.q
					q.From, q.To = from, to
					p, err := s.ShortestPath(t.Context(), q)
					if err != nil {
						t.Fatalf("ShortestPath(%+v) error = %v", q, err)
					}
					want := "<none>"
					if all := ref.paths(q); len(all) > 0 {
						want = pathKey(all[0])
					}
					if got := pathKey(p); got != want {
						t.Errorf("ShortestPath(%s, %s -> %s) =\n  %s\nwant\n  %s", opt.name, from, to, got, want)
					}
				}
			}
		}
	})
}

func testPaths(t *testing.T, s kg.Store, fx *kg.Bundle, ref *reference) {
	t.Run("each simple path once, shortest first", func(t *testing.T) {
		q := kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 5, Limit: 100}
		ps, err := s.Paths(t.Context(), q)
		if err != nil {
			t.Fatalf("Paths(%+v) error = %v", q, err)
		}
		if len(ps) < 2 {
			t.Fatalf("Paths(%+v) = %d paths, want several", q, len(ps))
		}
		seen := map[string]bool{}
		for i, p := range ps {
			key := pathKey(p)
			if seen[key] {
				t.Errorf("Paths returned %s twice", key)
			}
			seen[key] = true
			if i > 0 && kg.ComparePaths(ps[i-1], p) >= 0 {
				t.Errorf("Paths[%d] = %s does not come after Paths[%d] = %s in path order", i, key, i-1, pathKey(ps[i-1]))
			}
			ids := entityIDs(p.Nodes)
			if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
				t.Errorf("Paths returned %s, which visits an entity twice", key)
			}
			if p.Length() > q.MaxHops || ids[0] != pPoynter || ids[len(ids)-1] != dHLED {
				t.Errorf("Paths returned %s, want at most %d hops from %s to %s", key, q.MaxHops, pPoynter, dHLED)
			}
			checkWhole(t, fx, "Paths", p.Nodes, p.Relations)
		}
		if ps[0].Length() != 4 || ps[len(ps)-1].Length() != 5 {
			t.Errorf("Paths lengths run from %d to %d, want 4 to 5", ps[0].Length(), ps[len(ps)-1].Length())
		}
	})
	t.Run("limit keeps the first paths", func(t *testing.T) {
		all, err := s.Paths(t.Context(), kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 5, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		three, err := s.Paths(t.Context(), kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 5, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		if g, w := pathKeys(three), pathKeys(all[:min(3, len(all))]); !slices.Equal(g, w) {
			t.Errorf("Paths(limit 3) =\n  %s\nwant the first three of limit 100:\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
		}
	})
	for _, tc := range []struct {
		name string
		q    kg.PathQuery
		want []string
	}{
		{"unknown from gives none", kg.PathQuery{From: "person:nobody", To: pPoynter, MaxHops: 4, Limit: 10}, []string{}},
		{"no path within the hops gives none", kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3, Limit: 10}, []string{}},
		{"same ends give the path of length 0", kg.PathQuery{From: oSRE, To: oSRE, MaxHops: 3, Limit: 10}, []string{oSRE}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ps, err := s.Paths(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Paths(%+v) error = %v", tc.q, err)
			}
			if ps == nil {
				t.Errorf("Paths(%+v) = nil, want an empty list", tc.q)
			}
			if g := pathKeys(ps); !slices.Equal(g, tc.want) {
				t.Errorf("Paths(%+v) = %q, want %q", tc.q, g, tc.want)
			}
		})
	}

	t.Run("agrees with the reference", func(t *testing.T) {
		for _, opt := range pathOptions {
			for _, limit := range []int{7, 100} {
				for _, from := range explored {
					for _, to := range explored {
						q := opt.q
						q.From, q.To, q.Limit = from, to, limit
						ps, err := s.Paths(t.Context(), q)
						if err != nil {
							t.Fatalf("Paths(%+v) error = %v", q, err)
						}
						want := pathKeys(ref.paths(q))
						want = want[:min(len(want), limit)]
						if got := pathKeys(ps); !slices.Equal(got, want) {
							t.Errorf("Paths(%s, limit %d, %s -> %s) =\n  %s\nwant\n  %s", opt.name, limit, from, to,
								strings.Join(got, "\n  "), strings.Join(want, "\n  "))
						}
					}
				}
			}
		}
	})
}

func subgraphKeys(g *kg.Subgraph) (nodes, rels []string) {
	return entityIDs(g.Nodes), relKeys(g.Relations)
}

func testNeighborhood(t *testing.T, s kg.Store, fx *kg.Bundle, ref *reference) {
	t.Run("the 14th plenary and everything one hop away", func(t *testing.T) {
		q := kg.NeighborhoodQuery{ID: m14th, Hops: 1, Limit: 100}
		g, err := s.Neighborhood(t.Context(), q)
		if err != nil {
			t.Fatalf("Neighborhood(%+v) error = %v", q, err)
		}
		// The plenary, then its ten neighbours, most connected first: the SRE (6 relations), then
		// those with 4, 3 and 2, each group by id.
		wantNodes := []string{m14th, oSRE, iBIMP, pNunez, pOkafor, pRamirez, dESC, oDHS, pOrtiz, plMexicoCity, pPoynter}
		nodes, rels := subgraphKeys(g)
		if !slices.Equal(nodes, wantNodes) {
			t.Errorf("Neighborhood(%s, 1 hop) nodes =\n  %q\nwant\n  %q", m14th, nodes, wantNodes)
		}
		// Its ten relations, and those among its neighbours: positions in the SRE and the DHS;
		// Ramírez's position in the embassy is not there, for the embassy is not kept.
		among := []string{rk(kg.RelHoldsPosition, pNunez, oDHS), rk(kg.RelHoldsPosition, pOrtiz, oSRE), rk(kg.RelHoldsPosition, pRamirez, oSRE)}
		if len(rels) != 13 || !slices.Contains(rels, rk(kg.RelAttended, pPoynter, m14th)) {
			t.Errorf("Neighborhood(%s, 1 hop) relations = %q, want its 10 and %q", m14th, rels, among)
		}
		for _, want := range among {
			if !slices.Contains(rels, want) {
				t.Errorf("Neighborhood(%s, 1 hop) relations = %q, want them to include %s", m14th, rels, want)
			}
		}
		checkWhole(t, fx, "Neighborhood", g.Nodes, g.Relations)
	})
	t.Run("unknown id gives an empty subgraph", func(t *testing.T) {
		g, err := s.Neighborhood(t.Context(), kg.NeighborhoodQuery{ID: "meeting:none", Hops: 2, Limit: 10})
		if err != nil || g == nil || len(g.Nodes) != 0 || len(g.Relations) != 0 {
			t.Errorf("Neighborhood(meeting:none) = %+v, %v, want an empty subgraph", g, err)
		}
	})
	t.Run("agrees with the reference", func(t *testing.T) {
		options := []kg.NeighborhoodQuery{
			{Hops: 1, Limit: 100},
			{Hops: 2, Limit: 100},
			{Hops: 3, Limit: 12},
			{Hops: 2, Limit: 5},
			{Hops: 1, Limit: 1},
			{Hops: 2, Limit: 100, Types: []string{kg.RelAttended, kg.RelHoldsPosition}},
			{Hops: 3, Limit: 100, Kinds: []kg.Kind{kg.KindPerson, kg.KindMeeting}},
			{Hops: 2, Limit: 100, Kinds: []kg.Kind{kg.KindOrganization}, Types: []string{kg.RelPartOf, kg.RelBelongsTo}},
		}
		for _, opt := range options {
			for _, id := range explored {
				q := opt
				q.ID = id
				g, err := s.Neighborhood(t.Context(), q)
				if err != nil {
					t.Fatalf("Neighborhood(%+v) error = %v", q, err)
				}
				gotN, gotR := subgraphKeys(g)
				wantN, wantR := subgraphKeys(ref.neighborhood(q))
				if !slices.Equal(gotN, wantN) {
					t.Errorf("Neighborhood(%+v) nodes =\n  %q\nwant\n  %q", q, gotN, wantN)
				}
				if !slices.Equal(gotR, wantR) {
					t.Errorf("Neighborhood(%+v) relations =\n  %s\nwant\n  %s", q, strings.Join(gotR, "\n  "), strings.Join(wantR, "\n  "))
				}
				if len(g.Nodes) > 0 && g.Nodes[0].ID != id {
					t.Errorf("Neighborhood(%+v) starts with %s, want the entity itself", q, g.Nodes[0].ID)
				}
			}
		}
	})
}

func testCommon(t *testing.T, s kg.Store, ref *reference) {
	tests := []struct {
		name string
		q    kg.CommonQuery
		want []string
	}{
		{"the plenary two delegation leads co-chaired", kg.CommonQuery{A: pPoynter, B: pOrtiz, Limit: 10}, []string{m14th}},
		{"equally connected, by name", kg.CommonQuery{A: pOrtiz, B: pRamirez, Limit: 10}, []string{m13th, m14th, oSRE}},
		{"a person and a dialogue", kg.CommonQuery{A: pOkafor, B: dHLED, Limit: 10}, []string{mHLED2021, mHLED2022}},
		{"limit", kg.CommonQuery{A: pOrtiz, B: pRamirez, Limit: 2}, []string{m13th, m14th}},
		{"a country and a dialogue", kg.CommonQuery{A: cCanada, B: dTrilateral, Limit: 10}, []string{}},
		{"unknown id gives none", kg.CommonQuery{A: pPoynter, B: "person:nobody", Limit: 10}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.CommonConnections(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("CommonConnections(%+v) error = %v", tc.q, err)
			}
			if got == nil {
				t.Errorf("CommonConnections(%+v) = nil, want a list", tc.q)
			}
			if ids := entityIDs(got); !slices.Equal(ids, tc.want) || !slices.Equal(ids, entityIDs(ref.common(tc.q))) {
				t.Errorf("CommonConnections(%+v) = %q, want %q (reference %q)", tc.q, ids, tc.want, entityIDs(ref.common(tc.q)))
			}
		})
	}
	t.Run("agrees with the reference", func(t *testing.T) {
		for _, a := range explored {
			for _, b := range explored {
				if a == b {
					continue
				}
				q := kg.CommonQuery{A: a, B: b, Limit: 100}
				got, err := s.CommonConnections(t.Context(), q)
				if err != nil {
					t.Fatalf("CommonConnections(%+v) error = %v", q, err)
				}
				if g, w := entityIDs(got), entityIDs(ref.common(q)); !slices.Equal(g, w) {
					t.Errorf("CommonConnections(%s, %s) = %q, want %q", a, b, g, w)
				}
			}
		}
	})
}

func testTimeline(t *testing.T, s kg.Store, fx *kg.Bundle, ref *reference) {
	all := []string{mHLED2021, mHLED2022, m13th, m14th, mTrilateral}
	tests := []struct {
		name string
		q    kg.TimelineQuery
		want []string
	}{
		{"every meeting by date, partial dates by their string, undated last", kg.TimelineQuery{Limit: 100}, all},
		{"limit", kg.TimelineQuery{Limit: 2}, all[:2]},
		{"a person's own meetings", kg.TimelineQuery{ID: pPoynter, Limit: 100}, []string{m14th}},
		{"a person directly and through an organization", kg.TimelineQuery{ID: pGarza, Limit: 100}, []string{mHLED2021, mHLED2022}},
		{"a person directly only", kg.TimelineQuery{ID: pGarza, Limit: 100, Direct: true}, []string{mHLED2021, mHLED2022}},
		{"a person's meetings, each once", kg.TimelineQuery{ID: pOkafor, Limit: 100}, []string{mHLED2021, mHLED2022, m14th}},
		{"a person through a past position", kg.TimelineQuery{ID: pRamirez, Limit: 100}, []string{m13th, m14th}},
		{"an organization represented", kg.TimelineQuery{ID: oSE, Limit: 100}, []string{mHLED2022}},
		{"a country through delegations and organizations", kg.TimelineQuery{ID: cMexico, Limit: 100}, []string{mHLED2021, mHLED2022, m13th, m14th}},
		{"a country takes part in nothing directly", kg.TimelineQuery{ID: cMexico, Limit: 100, Direct: true}, []string{}},
		{"a smaller country", kg.TimelineQuery{ID: cCanada, Limit: 100}, []string{mTrilateral}},
		{"a dialogue through its parts", kg.TimelineQuery{ID: d21CB, Limit: 100}, []string{m13th, m14th}},
		{"a dialogue without its parts' sessions", kg.TimelineQuery{ID: d21CB, Limit: 100, Direct: true}, []string{}},
		{"a dialogue's sessions", kg.TimelineQuery{ID: dHLED, Limit: 100}, []string{mHLED2021, mHLED2022}},
		{"a place", kg.TimelineQuery{ID: plMexicoCity, Limit: 100}, []string{mHLED2022, m14th}},
		{"an initiative", kg.TimelineQuery{ID: iBIMP, Limit: 100}, []string{m13th, m14th}},
		{"a meeting is its own timeline", kg.TimelineQuery{ID: m13th, Limit: 100}, []string{m13th}},
		{"from and to at the precision of the meeting dates", kg.TimelineQuery{From: "2022", To: "2022", Limit: 100}, []string{mHLED2022, m13th, m14th}},
		{"a month bound keeps a meeting dated by its year only", kg.TimelineQuery{From: "2022-07", Limit: 100}, []string{mHLED2022, m14th}},
		{"a year bound keeps dates within it", kg.TimelineQuery{To: "2021", Limit: 100}, []string{mHLED2021}},
		{"a day bound", kg.TimelineQuery{From: "2022-06-15", To: "2022-12-01", Limit: 100}, []string{mHLED2022, m13th, m14th}},
		{"bounds with an id", kg.TimelineQuery{ID: cMexico, From: "2022-07-01", Limit: 100}, []string{mHLED2022, m14th}},
		{"from after to gives none", kg.TimelineQuery{From: "2023", To: "2022", Limit: 100}, []string{}},
		{"unknown id gives none", kg.TimelineQuery{ID: "person:nobody", Limit: 100}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Timeline(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Timeline(%+v) error = %v", tc.q, err)
			}
			if got == nil {
				t.Errorf("Timeline(%+v) = nil, want a list", tc.q)
			}
			if ids := timelineIDs(got); !slices.Equal(ids, tc.want) {
				t.Errorf("Timeline(%+v) = %q, want %q", tc.q, ids, tc.want)
			}
			for _, e := range got {
				if e.Meeting.Kind != kg.KindMeeting || len(e.Meeting.Citations) == 0 {
					t.Errorf("Timeline(%+v) returned %+v, want whole meetings", tc.q, e.Meeting)
				}
			}
		})
	}

	// How each meeting is reached, worked by hand.
	vias := []struct {
		name    string
		q       kg.TimelineQuery
		meeting string
		want    string
	}{
		{"attended", kg.TimelineQuery{ID: pGarza, Limit: 100}, mHLED2021, "DIRECT ATTENDED"},
		{"attended and through the organization", kg.TimelineQuery{ID: pGarza, Limit: 100}, mHLED2022, "DIRECT ATTENDED; ORGANIZATION REPRESENTED_AT " + oSE},
		{"directly only", kg.TimelineQuery{ID: pGarza, Limit: 100, Direct: true}, mHLED2022, "DIRECT ATTENDED"},
		{"through a past position", kg.TimelineQuery{ID: pRamirez, Limit: 100}, m14th, "DIRECT ATTENDED; ORGANIZATION REPRESENTED_AT " + oSRE},
		{"a country through its organizations and delegation", kg.TimelineQuery{ID: cCanada, Limit: 100}, mTrilateral,
			"ORGANIZATION REPRESENTED_AT " + oGAC + "; DELEGATION ATTENDED " + pTremblay + "; DELEGATION ATTENDED " + pSolberg + "; DELEGATION REPRESENTED_AT " + oGAC},
		{"a dialogue through its part", kg.TimelineQuery{ID: d21CB, Limit: 100}, m14th, "DIALOGUE SESSION_OF " + dESC},
		{"a meeting itself", kg.TimelineQuery{ID: m13th, Limit: 100}, m13th, "DIRECT"},
		{"every meeting, no ways", kg.TimelineQuery{Limit: 100}, m13th, ""},
	}
	for _, tc := range vias {
		t.Run("via/"+tc.name, func(t *testing.T) {
			got, err := s.Timeline(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("Timeline(%+v) error = %v", tc.q, err)
			}
			for _, e := range got {
				if e.Meeting.ID == tc.meeting {
					if v := viaLine(e.Via); v != tc.want {
						t.Errorf("Timeline(%+v) reaches %s via %q, want %q", tc.q, tc.meeting, v, tc.want)
					}
					return
				}
			}
			t.Errorf("Timeline(%+v) = %q, want it to hold %s", tc.q, timelineIDs(got), tc.meeting)
		})
	}
	if got, err := s.Timeline(t.Context(), kg.TimelineQuery{ID: cMexico, Limit: 100}); err == nil {
		for _, e := range got {
			for _, v := range e.Via {
				if v.Way == kg.WayDelegation && v.Through == "" {
					t.Errorf("Timeline(%s) reaches %s through a delegation with no member named", cMexico, e.Meeting.ID)
				}
			}
		}
	}

	// Every entity's timeline, whole and direct, as the reference gives it.
	for _, e := range fx.Entities {
		for _, q := range []kg.TimelineQuery{{ID: e.ID, Limit: 100}, {ID: e.ID, Limit: 100, Direct: true}, {ID: e.ID, Limit: 1, From: "2022"}} {
			got, err := s.Timeline(t.Context(), q)
			if err != nil {
				t.Fatalf("Timeline(%+v) error = %v", q, err)
			}
			if g, w := timelineLines(got), timelineLines(ref.timeline(q)); g != w {
				t.Errorf("Timeline(%+v) differs from the reference:\n%s", q, lineDiff(g, w))
			}
		}
	}
}

// timelineIDs returns the ids of the meetings of a timeline, in order.
func timelineIDs(es []*kg.TimelineEntry) []string {
	out := make([]string, len(es))
	for i, e := range es {
		out[i] = e.Meeting.ID
	}
	return out
}

// viaLine spells ways as "WAY RELATION THROUGH", separated by "; ".
func viaLine(vs []kg.Via) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = strings.TrimSpace(strings.Join([]string{string(v.Way), v.Relation, v.Through}, " "))
	}
	return strings.Join(parts, "; ")
}

// timelineLines spells a timeline one meeting a line, with its ways.
func timelineLines(es []*kg.TimelineEntry) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, "%s [%s]\n", e.Meeting.ID, viaLine(e.Via))
	}
	return b.String()
}

func testExploreBadInput(t *testing.T, s kg.Store) {
	many := make([]string, kg.MaxAvoid+1)
	for i := range many {
		many[i] = fmt.Sprintf("person:p%d", i)
	}
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"ShortestPath maxHops 0", func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: pPoynter, To: dHLED})
			return err
		}},
		{"ShortestPath maxHops over the limit", func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: kg.MaxPathHops + 1})
			return err
		}},
		{"ShortestPath unknown type", func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3, Types: []string{"KNOWS"}})
			return err
		}},
		{"ShortestPath hostile type", func(ctx context.Context) error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3, Types: []string{"ATTENDED]-() DETACH DELETE (n) //"}})
			return err
		}},
		{"Paths avoid too long", func(ctx context.Context) error {
			_, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3, Limit: 10, Avoid: many})
			return err
		}},
		{"Paths without a limit", func(ctx context.Context) error {
			_, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3, Limit: kg.NoLimit})
			return err
		}},
		{"Paths limit over the maximum", func(ctx context.Context) error {
			_, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 3, Limit: kg.MaxExploreResults + 1})
			return err
		}},
		{"Paths maxHops over the limit", func(ctx context.Context) error {
			_, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 9, Limit: 10})
			return err
		}},
		{"Neighborhood hops 0", func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Limit: 10})
			return err
		}},
		{"Neighborhood hops over the limit", func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Hops: kg.MaxNeighborhoodHops + 1, Limit: 10})
			return err
		}},
		{"Neighborhood limit over the maximum", func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Hops: 1, Limit: kg.MaxNeighborhoodNodes + 1})
			return err
		}},
		{"Neighborhood unknown kind", func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Hops: 1, Limit: 10, Kinds: []kg.Kind{"ROBOT"}})
			return err
		}},
		{"Neighborhood unknown type", func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Hops: 1, Limit: 10, Types: []string{"knows"}})
			return err
		}},
		{"CommonConnections same entity twice", func(ctx context.Context) error {
			_, err := s.CommonConnections(ctx, kg.CommonQuery{A: pPoynter, B: pPoynter, Limit: 10})
			return err
		}},
		{"CommonConnections limit over the maximum", func(ctx context.Context) error {
			_, err := s.CommonConnections(ctx, kg.CommonQuery{A: pPoynter, B: pOrtiz, Limit: 101})
			return err
		}},
		{"Timeline bad from", func(ctx context.Context) error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{From: "December 2022", Limit: 10})
			return err
		}},
		{"Timeline bad to", func(ctx context.Context) error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{To: "2022-13", Limit: 10})
			return err
		}},
		{"Timeline without a limit", func(ctx context.Context) error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{Limit: kg.NoLimit})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(t.Context()); kg.ErrorCode(err) != kg.CodeBadUserInput {
				t.Errorf("%s: error = %v (code %s), want %s", c.name, err, kg.ErrorCode(err), kg.CodeBadUserInput)
			}
		})
	}
	// Nothing changed.
	if g, err := s.Neighborhood(t.Context(), kg.NeighborhoodQuery{ID: m14th, Hops: 1, Limit: 100}); err != nil || len(g.Nodes) != 11 {
		t.Errorf("after bad input, Neighborhood(%s) = %d nodes, %v; want the 11 it had", m14th, len(g.Nodes), err)
	}
}

// testExploreOutOfTime checks that a search whose deadline has passed fails with CodeTimeout,
// the code a client sees when a search runs into the server's time limit.
func testExploreOutOfTime(t *testing.T, s kg.Store) {
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	calls := []struct {
		name string
		call func() error
	}{
		{"ShortestPath", func() error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 8})
			return err
		}},
		{"Paths", func() error {
			_, err := s.Paths(ctx, kg.PathQuery{From: pPoynter, To: dHLED, MaxHops: 8, Limit: 100})
			return err
		}},
		{"Neighborhood", func() error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: m14th, Hops: 3, Limit: 100})
			return err
		}},
		{"CommonConnections", func() error {
			_, err := s.CommonConnections(ctx, kg.CommonQuery{A: pPoynter, B: pOrtiz, Limit: 10})
			return err
		}},
		{"Timeline", func() error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{Limit: 10})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			if err := c.call(); kg.ErrorCode(err) != kg.CodeTimeout {
				t.Errorf("%s(deadline passed) error = %v (code %s), want %s", c.name, err, kg.ErrorCode(err), kg.CodeTimeout)
			}
		})
	}
}

// parallelBundle is a small graph with parallel relations (two relations between the same two
// entities), which the fixture lacks: the 2021 summit both adopted and advanced the compact, which
// the 2022 summit reviewed; both summits adopted the roadmap and met in Lima.
func parallelBundle() *kg.Bundle {
	const text = "The 2021 summit in Lima adopted and advanced the compact and adopted the roadmap. " +
		"The 2022 summit in Lima reviewed the compact and adopted the roadmap."
	cite := func(q string) []kg.Citation { return []kg.Citation{{Source: "source:summits", Quote: q}} }
	first, second := cite("The 2021 summit in Lima adopted and advanced the compact and adopted the roadmap."),
		cite("The 2022 summit in Lima reviewed the compact and adopted the roadmap.")
	return &kg.Bundle{
		Sources: []kg.Source{{ID: "source:summits", Title: "Summits", Text: text}},
		Entities: []kg.Entity{
			{ID: "meeting:summit-2021", Kind: kg.KindMeeting, Name: "Summit 2021", Properties: map[string]any{kg.PropDate: "2021"}, Citations: first},
			{ID: "meeting:summit-2022", Kind: kg.KindMeeting, Name: "Summit 2022", Properties: map[string]any{kg.PropDate: "2022"}, Citations: second},
			{ID: "initiative:compact", Kind: kg.KindInitiative, Name: "Compact", Citations: first},
			{ID: "initiative:roadmap", Kind: kg.KindInitiative, Name: "Roadmap", Citations: first},
			{ID: "place:lima", Kind: kg.KindPlace, Name: "Lima", Citations: first},
		},
		Relations: []kg.Relation{
			{Type: kg.RelAdopted, From: "meeting:summit-2021", To: "initiative:compact", Citations: first},
			{Type: kg.RelAdvanced, From: "meeting:summit-2021", To: "initiative:compact", Citations: first},
			{Type: kg.RelReviewed, From: "meeting:summit-2022", To: "initiative:compact", Citations: second},
			{Type: kg.RelAdopted, From: "meeting:summit-2021", To: "initiative:roadmap", Citations: first},
			{Type: kg.RelAdopted, From: "meeting:summit-2022", To: "initiative:roadmap", Citations: second},
			{Type: kg.RelHeldIn, From: "meeting:summit-2021", To: "place:lima", Citations: first},
			{Type: kg.RelHeldIn, From: "meeting:summit-2022", To: "place:lima", Citations: second},
		},
	}
}

// testExploreParallel checks what only parallel relations show: paths that differ in a relation
// alone, ordered by relation type; common connections ranked by how many relations join them;
// degrees that count every relation.
func testExploreParallel(t *testing.T, s kg.Store) {
	b := parallelBundle()
	ref := newReference(b)
	const s21, s22 = "meeting:summit-2021", "meeting:summit-2022"
	q := kg.PathQuery{From: s21, To: s22, MaxHops: 2, Limit: 10}
	ps, err := s.Paths(t.Context(), q)
	if err != nil {
		t.Fatalf("Paths(%+v) error = %v", q, err)
	}
	want := []string{
		s21 + " -[ADOPTED>]- initiative:compact -[<REVIEWED]- " + s22,
		s21 + " -[ADVANCED>]- initiative:compact -[<REVIEWED]- " + s22,
		s21 + " -[ADOPTED>]- initiative:roadmap -[<ADOPTED]- " + s22,
		s21 + " -[HELD_IN>]- place:lima -[<HELD_IN]- " + s22,
	}
	if got := pathKeys(ps); !slices.Equal(got, want) || !slices.Equal(got, pathKeys(ref.paths(q))) {
		t.Errorf("Paths(%s -> %s) =\n  %s\nwant\n  %s", s21, s22, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
	p, err := s.ShortestPath(t.Context(), q)
	if err != nil || pathKey(p) != want[0] {
		t.Errorf("ShortestPath(%s -> %s) = %s, %v; want %s", s21, s22, pathKey(p), err, want[0])
	}
	common, err := s.CommonConnections(t.Context(), kg.CommonQuery{A: s21, B: s22, Limit: 10})
	if g, w := entityIDs(common), []string{"initiative:compact", "place:lima", "initiative:roadmap"}; err != nil || !slices.Equal(g, w) {
		t.Errorf("CommonConnections(%s, %s) = %q, %v; want %q: three relations, then two each by name", s21, s22, g, err, w)
	}
	nq := kg.NeighborhoodQuery{ID: "place:lima", Hops: 2, Limit: 10}
	g, err := s.Neighborhood(t.Context(), nq)
	if err != nil {
		t.Fatalf("Neighborhood(%+v) error = %v", nq, err)
	}
	gotN, gotR := subgraphKeys(g)
	wantN, wantR := subgraphKeys(ref.neighborhood(nq))
	if !slices.Equal(gotN, wantN) || !slices.Equal(gotR, wantR) || len(gotR) != 7 {
		t.Errorf("Neighborhood(%+v) = %q %q, want %q %q", nq, gotN, gotR, wantN, wantR)
	}
	// The 2021 summit has four relations, the 2022 one three; the compact three, the roadmap two.
	if w := []string{"place:lima", s21, s22, "initiative:compact", "initiative:roadmap"}; !slices.Equal(gotN, w) {
		t.Errorf("Neighborhood(%+v) nodes = %q, want %q", nq, gotN, w)
	}
}
