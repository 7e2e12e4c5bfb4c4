package neo4jstore

import (
	"context"
	"errors"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// The store fails fast while Neo4j is unreachable. The first round trip that finds it unreachable
// opens the breaker; while the breaker is open, every call fails at once with
// CodeServiceUnavailable instead of waiting out connection and retry timeouts (or, while a
// restarting Neo4j already accepts connections but its database is not up yet, waiting for the
// database), and one background probe asks Neo4j for `RETURN 1` every ProbeInterval. The first
// probe that succeeds closes the breaker, so the store recovers by itself.

// ProbeInterval is how often a store whose Neo4j is unreachable checks whether it answers again.
const ProbeInterval = 500 * time.Millisecond

// opProbe is the kind of the probe's round trips, as Config.Observer sees it.
const opProbe = "probe"

// codeDatabaseUnavailable is what Neo4j answers while a database starts or stops.
const codeDatabaseUnavailable = "Neo.TransientError.General.DatabaseUnavailable"

// unreachable reports whether err, a driver error, says that Neo4j cannot be reached or cannot
// serve the database now (as opposed to a query's own failure).
func unreachable(err error) bool {
	if err == nil {
		return false
	}
	for _, e := range causes(err) {
		var cerr *neo4j.ConnectivityError
		if errors.As(e, &cerr) {
			return true
		}
		var nerr *neo4j.Neo4jError
		if errors.As(e, &nerr) && nerr.Code == codeDatabaseUnavailable {
			return true
		}
	}
	return false
}

// trip opens the breaker after a round trip failed with err, when err says Neo4j is unreachable,
// and starts the probe that will close it.
func (s *Store) trip(err error) {
	if !unreachable(err) || s.closed.Load() {
		return
	}
	if s.down.CompareAndSwap(false, true) {
		go s.probe()
	}
}

// probe asks Neo4j for `RETURN 1` every ProbeInterval, each time within Config.ConnectTimeout,
// until it answers (closing the breaker) or the store is closed.
func (s *Store) probe() {
	tick := time.NewTicker(ProbeInterval)
	defer tick.Stop()
	for {
		select {
		case <-s.done:
			return
		case <-tick.C:
		}
		ctx, cancel := context.WithTimeout(context.Background(), s.cfg.ConnectTimeout)
		start := time.Now()
		_, err := neo4j.ExecuteQuery(ctx, s.driver, "RETURN 1 AS ok", nil, neo4j.EagerResultTransformer,
			neo4j.ExecuteQueryWithReadersRouting(),
			neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
		cancel()
		s.observe(context.Background(), opProbe, start, err)
		if err == nil {
			s.down.Store(false)
			return
		}
	}
}

// errDown is what calls return while the breaker is open.
func (s *Store) errDown() error {
	return kg.Errorf(kg.CodeServiceUnavailable,
		"Neo4j at %s is unavailable; diplograph is checking it every %s: try again shortly", s.uri, ProbeInterval)
}
