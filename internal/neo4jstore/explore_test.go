package neo4jstore_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

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
	b := storetest.Generate(2000)
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
