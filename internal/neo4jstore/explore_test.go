package neo4jstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// endless is a query that would run for minutes.
const endless = "UNWIND range(1, 4000000000) AS x RETURN sum(x) AS s"

// TestExploreTimeLimitIsServerSide checks that an exploration's time limit is enforced by Neo4j:
// with no deadline on the client, the server ends the query at the store's QueryTimeout, and the
// caller gets kg.OutOfTime.
func TestExploreTimeLimitIsServerSide(t *testing.T) {
	cfg := neo4jtest.Open(t)
	cfg.QueryTimeout = 300 * time.Millisecond
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	err = s.ExploreQuery(ctx, endless)
	if code, msg := kg.ErrorCode(err), kg.ErrorMessage(err); code != kg.CodeTimeout || msg != kg.ErrorMessage(kg.OutOfTime(nil)) {
		t.Errorf("endless exploration: code %s, message %q (%v), want %s and the out-of-time advice", code, msg, err, kg.CodeTimeout)
	}
	var nerr *neo4j.Neo4jError
	if !errors.As(err, &nerr) || !slices.Contains([]string{
		"Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
		"Neo.ClientError.Transaction.TransactionTimedOut",
	}, nerr.Code) {
		t.Errorf("endless exploration failed with %v, want the server's transaction timeout", err)
	}
}

// TestExploreDeadlineReachesTheServer checks that when ctx's deadline ends an exploration, Neo4j
// stops the query too instead of running on (the deadline is the transaction's timeout, and the
// driver also resets the connection of a cancelled query).
func TestExploreDeadlineReachesTheServer(t *testing.T) {
	s := neo4jtest.Store(t, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if err := s.ExploreQuery(ctx, endless); kg.ErrorCode(err) != kg.CodeTimeout {
		t.Fatalf("endless exploration with a 300ms deadline: %v, want %s", err, kg.CodeTimeout)
	}
	// The server's transaction monitor checks timeouts every 2s; the query alone would run for
	// minutes.
	for range 40 {
		rows, err := s.Query(context.Background(), `
			SHOW TRANSACTIONS YIELD currentQuery
			WHERE currentQuery CONTAINS $q
			RETURN count(*) AS n`, map[string]any{"q": endless})
		if err != nil {
			t.Fatal(err)
		}
		if rows[0]["n"] == int64(0) {
			return
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Errorf("the endless exploration still runs on the server 20s after its deadline")
}

// TestPathsOutOfTime checks that a path search on a generated graph that needs more time than it
// has stops with kg.OutOfTime.
func TestPathsOutOfTime(t *testing.T) {
	b := graphgen.Generate(2000)
	s := neo4jtest.Store(t, b)
	// The two countries with the most relations: every path of up to 8 hops between them is
	// millions of trails to enumerate.
	degree := map[string]int{}
	for _, r := range b.Relations {
		degree[r.From]++
		degree[r.To]++
	}
	var countries []string
	for _, e := range b.Entities {
		if e.Kind == kg.KindCountry {
			countries = append(countries, e.ID)
		}
	}
	slices.SortFunc(countries, func(a, b string) int { return degree[b] - degree[a] })
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	q := kg.PathQuery{From: countries[0], To: countries[1], MaxHops: 8, Limit: 100}
	_, err := s.Paths(ctx, q)
	if code, msg := kg.ErrorCode(err), kg.ErrorMessage(err); code != kg.CodeTimeout || msg != kg.ErrorMessage(kg.OutOfTime(nil)) {
		t.Errorf("Paths(%+v) with 200ms: code %s, message %q (%v), want %s and the out-of-time advice", q, code, msg, err, kg.CodeTimeout)
	}
}

// TestExploreRoundTrips checks that every exploration is one round trip, whatever its answer.
func TestExploreRoundTrips(t *testing.T) {
	ctx := context.Background()
	s := neo4jtest.Store(t, storetest.Fixture())
	const (
		poynter = "person:rachel-poynter"
		hled    = "dialogue:high-level-economic-dialogue"
		plenary = "meeting:21cb-esc-14th-plenary"
	)
	calls := []struct {
		name string
		call func() error
	}{
		{"ShortestPath", func() error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: poynter, To: hled, MaxHops: 6})
			return err
		}},
		{"ShortestPath to itself", func() error {
			_, err := s.ShortestPath(ctx, kg.PathQuery{From: poynter, To: poynter, MaxHops: 6})
			return err
		}},
		{"Paths", func() error {
			_, err := s.Paths(ctx, kg.PathQuery{From: poynter, To: hled, MaxHops: 5, Limit: 100})
			return err
		}},
		{"Neighborhood", func() error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: plenary, Hops: 3, Limit: 100})
			return err
		}},
		{"CommonConnections", func() error {
			_, err := s.CommonConnections(ctx, kg.CommonQuery{A: poynter, B: "person:ana-lucia-ortiz", Limit: 10})
			return err
		}},
		{"Timeline", func() error {
			_, err := s.Timeline(ctx, kg.TimelineQuery{ID: "country:mexico", From: "2022", Limit: 10})
			return err
		}},
	}
	for _, c := range calls {
		before := s.RoundTrips()
		if err := c.call(); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if got := s.RoundTrips() - before; got != 1 {
			t.Errorf("%s took %d round trips, want 1", c.name, got)
		}
	}
}

// TestExploreInjection checks that hostile ids are plain data to every exploration: unknown ids,
// no error, no change to the graph.
func TestExploreInjection(t *testing.T) {
	ctx := context.Background()
	fx := storetest.Fixture()
	s := neo4jtest.Store(t, fx)
	const poynter = "person:rachel-poynter"
	for _, v := range hostile {
		if p, err := s.ShortestPath(ctx, kg.PathQuery{From: poynter, To: v, MaxHops: 4, Avoid: []string{v}}); err != nil || p != nil {
			t.Errorf("ShortestPath(to %q) = %v, %v; want none", v, p, err)
		}
		if ps, err := s.Paths(ctx, kg.PathQuery{From: v, To: poynter, MaxHops: 4, Limit: 5, Avoid: []string{v}}); err != nil || len(ps) != 0 {
			t.Errorf("Paths(from %q) = %v, %v; want none", v, ps, err)
		}
		if g, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: v, Hops: 2, Limit: 10}); err != nil || len(g.Nodes) != 0 {
			t.Errorf("Neighborhood(%q) = %v, %v; want none", v, g, err)
		}
		if es, err := s.CommonConnections(ctx, kg.CommonQuery{A: poynter, B: v, Limit: 5}); err != nil || len(es) != 0 {
			t.Errorf("CommonConnections(%q) = %v, %v; want none", v, es, err)
		}
		if ms, err := s.Timeline(ctx, kg.TimelineQuery{ID: v, Limit: 5}); err != nil || len(ms) != 0 {
			t.Errorf("Timeline(%q) = %v, %v; want none", v, ms, err)
		}
	}
	if got, err := storetest.Dump(ctx, s); err != nil || got != storetest.DumpBundle(fx) {
		t.Errorf("the graph changed after hostile explorations (%v)", err)
	}
}
