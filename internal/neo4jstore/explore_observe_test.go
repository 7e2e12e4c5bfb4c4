package neo4jstore_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// Every exploration is one round trip the observer sees (as a read), so the queries metric counts
// it like any other.
func TestExplorationsAreObserved(t *testing.T) {
	neo4jtest.Store(t, storetest.Fixture())
	cfg := neo4jtest.Open(t)
	var mu sync.Mutex
	var seen []string
	cfg.Observer = func(op string, _ time.Duration, err error) {
		mu.Lock()
		defer mu.Unlock()
		if err == nil {
			seen = append(seen, op)
		}
	}
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	calls := map[string]func() error{
		"ShortestPath": func() error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: "country:mexico", To: "country:canada", MaxHops: 4})
			return err
		},
		"Paths": func() error {
			_, err := s.Paths(ctx, kg.PathQuery{From: "country:mexico", To: "country:canada", MaxHops: 3, Limit: 5})
			return err
		},
		"Neighborhood": func() error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: "country:mexico", Hops: 1, Limit: 10})
			return err
		},
		"CommonConnections": func() error {
			_, err := s.CommonConnections(ctx, kg.CommonQuery{A: "country:mexico", B: "country:canada", Limit: 10})
			return err
		},
		"Timeline": func() error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{ID: "country:mexico", Limit: 10})
			return err
		},
	}
	for name, call := range calls {
		mu.Lock()
		seen = nil
		mu.Unlock()
		before := s.RoundTrips()
		if err := call(); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		mu.Lock()
		got := append([]string(nil), seen...)
		mu.Unlock()
		if len(got) != 1 || got[0] != "read" || s.RoundTrips()-before != 1 {
			t.Errorf("%s: the observer saw %v in %d round trips, want one read", name, got, s.RoundTrips()-before)
		}
	}
}
