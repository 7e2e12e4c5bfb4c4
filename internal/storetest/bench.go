package storetest

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// BenchExplore runs the same exploration benchmarks on any store, so that stores can be compared
// side by side: s must hold bundle (a graphgen.Generate graph). Each benchmark cycles through a
// fixed set of 64 queries spread over the graph, so that no single answer is served from a cache
// every time; each is run once untimed first. roundTrips, when not nil, returns the store's round trips so far, reported per operation.
// Path searches also report the share of them that found a path ("found").
func BenchExplore(b *testing.B, s kg.Store, bundle *kg.Bundle, roundTrips func() int64) {
	var people, meetings []string
	for _, e := range bundle.Entities {
		switch e.Kind {
		case kg.KindPerson:
			people = append(people, e.ID)
		case kg.KindMeeting:
			meetings = append(meetings, e.ID)
		}
	}
	const n = 64
	// Far apart: people a half of the list away from each other. Near: people who attended the
	// same meeting (graphgen.Generate seats people 4i..4i+3 at meeting i).
	far := make([][2]string, n)
	near := make([][2]string, n)
	for i := range n {
		a := i * len(people) / n
		far[i] = [2]string{people[a], people[(a+len(people)/2)%len(people)]}
		near[i] = [2]string{people[a], people[(a+1)%len(people)]}
	}

	run := func(name string, op func(i int) (found bool, err error)) {
		b.Run(name, func(b *testing.B) {
			// One run first, untimed, so that the time of planning a query (Neo4j caches plans by
			// query text) is not taken for the time of running it.
			if _, err := op(n - 1); err != nil {
				b.Fatalf("%s: %v", name, err)
			}
			b.ReportAllocs()
			var before int64
			if roundTrips != nil {
				before = roundTrips()
			}
			i, found := 0, 0
			for b.Loop() {
				ok, err := op(i % n)
				if err != nil {
					b.Fatalf("%s #%d: %v", name, i%n, err)
				}
				if ok {
					found++
				}
				i++
			}
			b.ReportMetric(float64(found)/float64(i), "found")
			if roundTrips != nil {
				b.ReportMetric(float64(roundTrips()-before)/float64(i), "roundtrips/op")
			}
		})
	}
	ctx := b.Context()
	run("ShortestPath/far/6hops", func(i int) (bool, error) {
		p, err := s.ShortestPath(ctx, kg.PathQuery{From: far[i][0], To: far[i][1], MaxHops: 6})
		return p != nil, err
	})
	run("ShortestPath/near/6hops", func(i int) (bool, error) {
		p, err := s.ShortestPath(ctx, kg.PathQuery{From: near[i][0], To: near[i][1], MaxHops: 6})
		return p != nil, err
	})
	run("Paths/near/4hops/first10", func(i int) (bool, error) {
		ps, err := s.Paths(ctx, kg.PathQuery{From: near[i][0], To: near[i][1], MaxHops: 4, Limit: 10})
		return len(ps) > 0, err
	})
	run("Neighborhood/1hop/first100", func(i int) (bool, error) {
		g, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: meetings[i*len(meetings)/n], Hops: 1, Limit: 100})
		return g != nil && len(g.Nodes) > 1, err
	})
	run("Neighborhood/2hops/first100", func(i int) (bool, error) {
		g, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: meetings[i*len(meetings)/n], Hops: 2, Limit: 100})
		return g != nil && len(g.Nodes) > 1, err
	})
	run("CommonConnections/near", func(i int) (bool, error) {
		es, err := s.CommonConnections(ctx, kg.CommonQuery{A: near[i][0], B: near[i][1], Limit: 20})
		return len(es) > 0, err
	})
	run("Timeline/person/first50", func(i int) (bool, error) {
		ms, err := s.Timeline(ctx, kg.TimelineQuery{ID: far[i][0], Limit: 50})
		return len(ms) > 0, err
	})
}
