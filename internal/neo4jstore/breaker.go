package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// The store fails fast while Neo4j is unreachable. The first round trip that finds it unreachable
// opens the breaker; while the breaker is open, every call fails at once with
// CodeServiceUnavailable instead of waiting out connection and retry timeouts (or, while a
// restarting Neo4j already accepts connections but its database is not up yet, waiting for the
// database), and one background probe asks Neo4j for `RETURN 1` every ProbeInterval. The first
// probe that succeeds half-closes the breaker, so the store recovers by itself.
//
// No round trip waits on Neo4j without a deadline (bounded): the driver bounds connecting, but not
// waiting for the answer on a connection it has, and a Neo4j that is starting, starved of CPU or
// thrashing in garbage collection can keep a query unanswered for longer than any client waits.
// A round trip gets its server-side transaction timeout plus ConnectTimeout and MaxRetryTime;
// Neo4j not answering within that ignored its own limit, so the breaker opens. Half-closed (the
// first TrialCalls round trips after a probe succeeded), a read gets 2 x ConnectTimeout: a Neo4j
// that answers `RETURN 1` but takes longer than that over real queries (cold, starting up) is not
// back yet, and the request is told so at once instead of waiting out the query timeout (the
// slow-call rule of a half-open breaker, as in resilience4j).

// ProbeInterval is how often a store whose Neo4j is unreachable checks whether it answers again.
const ProbeInterval = 500 * time.Millisecond

// opProbe is the kind of the probe's round trips, as Config.Observer sees it.
const opProbe = "probe"

// TrialCalls is how many round trips must succeed after a probe did before reads get their full
// time again (see bounded).
const TrialCalls = 10

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
	if unreachable(err) {
		s.open()
	}
}

// open opens the breaker and starts the probe that will close it, unless it is open already.
func (s *Store) open() {
	if s.closed.Load() {
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
			s.trial.Store(TrialCalls)
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

// bounded returns ctx with the deadline of one round trip whose server-side transaction timeout
// is txTimeout (see the top of this file), and that deadline's length. With trial set (a read
// that is quick when Neo4j is well), a round trip made while the breaker is half-closed gets the
// shorter trial deadline; writes and explorations, which may take long by design, never do.
func (s *Store) bounded(ctx context.Context, txTimeout time.Duration, trial bool) (context.Context, context.CancelFunc, time.Duration) {
	limit := txTimeout + s.cfg.ConnectTimeout + s.cfg.MaxRetryTime
	if trial && s.trial.Load() > 0 {
		limit = min(limit, 2*s.cfg.ConnectTimeout)
	}
	bctx, cancel := context.WithTimeout(ctx, limit)
	return bctx, cancel, limit
}

// overdue turns err, the failure of a round trip run under bctx = bounded(ctx, ...) whose deadline
// was limit, into CodeServiceUnavailable and opens the breaker when that deadline (and not ctx's
// own) ended it; any other err is returned as it is. A write that ran out so may or may not have
// been applied, and the message says so.
func (s *Store) overdue(ctx, bctx context.Context, limit time.Duration, write bool, err error) error {
	if err == nil || ctx.Err() != nil || !errors.Is(bctx.Err(), context.DeadlineExceeded) {
		return err
	}
	s.open()
	outcome := ""
	if write {
		outcome = "; the write may or may not have been applied: check before repeating it"
	}
	return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
		"Neo4j at %s did not answer within %s%s; diplograph is checking it every %s: try again shortly",
		s.uri, limit, outcome, ProbeInterval), err)
}
