package memstore_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// countdown is a context whose deadline passes after its Err has been asked a given number of
// times: a clock that tests can step, so that they check where a search stops without timing it.
type countdown struct {
	context.Context
	left atomic.Int64
}

func newCountdown(n int64) *countdown {
	c := &countdown{Context: context.Background()}
	c.left.Store(n)
	return c
}

func (c *countdown) Err() error {
	if c.left.Add(-1) < 0 {
		return context.DeadlineExceeded
	}
	return nil
}

// TestSearchesStopInTheMiddle checks that path searches and neighbourhoods watch their deadline
// while they run, not only when they start, and stop with kg.OutOfTime.
func TestSearchesStopInTheMiddle(t *testing.T) {
	b := graphgen.Generate(5000)
	s := load(t, b)
	var people, countries []string
	for _, e := range b.Entities {
		switch e.Kind {
		case kg.KindPerson:
			people = append(people, e.ID)
		case kg.KindCountry:
			countries = append(countries, e.ID)
		}
	}
	// Two people, one of them cut off by avoiding everything it is related to: the search looks
	// through the whole graph for a way and finds none.
	from, to := people[0], people[len(people)-1]
	var cutOff []string
	for _, r := range b.Relations {
		if r.From == from {
			cutOff = append(cutOff, r.To)
		}
		if r.To == from {
			cutOff = append(cutOff, r.From)
		}
	}
	calls := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"ShortestPath", func(ctx context.Context) error {
			// As far apart as the graph allows: the searches from both ends look at thousands of
			// relations before they meet.
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: from, To: farthest(b, from), MaxHops: 8})
			return err
		}},
		{"Paths", func(ctx context.Context) error {
			_, err := s.Paths(ctx, kg.PathQuery{From: from, To: to, MaxHops: 8, Avoid: cutOff, Limit: 100})
			return err
		}},
		{"Neighborhood", func(ctx context.Context) error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: countries[0], Hops: 3, Limit: 100})
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			// Enough time for the checks on entry, not for the search.
			err := c.call(newCountdown(2))
			if kg.ErrorCode(err) != kg.CodeTimeout || kg.ErrorMessage(err) != kg.ErrorMessage(kg.OutOfTime(nil)) {
				t.Errorf("%s with time for 2 checks: %v, want kg.OutOfTime", c.name, err)
			}
			if err := c.call(newCountdown(1 << 40)); err != nil {
				t.Errorf("%s with time enough: %v", c.name, err)
			}
		})
	}
}

// farthest returns an entity of b as far from id as any (by relations in either direction).
func farthest(b *kg.Bundle, id string) string {
	adj := map[string][]string{}
	for _, r := range b.Relations {
		adj[r.From] = append(adj[r.From], r.To)
		adj[r.To] = append(adj[r.To], r.From)
	}
	seen := map[string]bool{id: true}
	level, last := []string{id}, id
	for len(level) > 0 {
		last = level[0]
		var next []string
		for _, n := range level {
			for _, m := range adj[n] {
				if !seen[m] {
					seen[m] = true
					next = append(next, m)
				}
			}
		}
		level = next
	}
	return last
}
