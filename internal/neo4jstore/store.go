// Package neo4jstore is the kg.Store backed by Neo4j 5 through the official Go driver. Every Store
// call is one round trip: one auto-routed query or one managed transaction.
//
// The graph model: an entity is a node labelled :Entity:<Kind.Label()> whose properties are id,
// name, aliases, description, the entity's Properties flattened beside them, its citations as
// parallel lists (citationSources, citationQuotes, citationBases, and citationNotes and
// citationFields when a citation has one; addCitations), and derived fields (nameFolded,
// searchText for search, identityKeys for identity resolution). A relation is a relationship whose
// type is the relation type, with its Properties flattened and the same citation lists. A
// source is a :Source node {id, title, publisher, published, url, text}. The names the store owns
// are listed once, in reserved. The audit trail is a :Change node per change {seq, at, actor,
// action, entity, other, summary} and one :ChangeLog node {id: 'changes', seq} that every write
// locks (write_tx.go).
//
// It needs Neo4j 5.23 or later (scoped CALL subqueries, COLLECT subqueries, type predicates);
// Community edition is enough. Values reach Cypher only as parameters; the only names written
// into query text are kind labels and relation types from package kg and property keys that
// match a strict identifier pattern, backquoted.
package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/config"

	"github.com/diplograph/diplograph/internal/kg"
)

// Config says where Neo4j is and how long to wait for it. The zero value of each duration means
// its default.
type Config struct {
	URI      string // bolt://host:port or neo4j://host:port (also +s / +ssc variants)
	Username string // empty: no authentication
	Password string
	Database string // empty: the server's default (home) database

	QueryTimeout   time.Duration // server-side limit of one query or transaction; default 30s
	CypherTimeout  time.Duration // server-side limit of one ad hoc Cypher statement; default 10s
	ImportTimeout  time.Duration // server-side limit of one import's transaction; default 1h
	ConnectTimeout time.Duration // limit of connecting and of Open's checks; default 5s
	MaxRetryTime   time.Duration // how long transient failures are retried; default 5s
	MaxPoolSize    int           // connection pool size; default the driver's (100)

	// CypherConcurrency is how many analyst statements may run in Neo4j at once, on a pool of
	// their own (analyst.go); default DefaultCypherConcurrency.
	CypherConcurrency int

	// Observer, when set, is called after every query or transaction the store sends to Neo4j,
	// with its kind (read, write, ping, schema, or probe: see breaker.go), how long it took (retries included) and its
	// driver error (nil on success). It must be cheap and safe for concurrent use; cmd wires the
	// Prometheus metrics in here, so this package needs no metrics library.
	Observer func(op string, d time.Duration, err error)

	// Log receives what the store cannot return to a caller (a failed clean-up after an error it
	// does return); default slog.Default().
	Log *slog.Logger
}

// Default durations of Config.
const (
	DefaultQueryTimeout   = 30 * time.Second
	DefaultCypherTimeout  = 10 * time.Second
	DefaultImportTimeout  = time.Hour
	DefaultConnectTimeout = 5 * time.Second
	DefaultMaxRetryTime   = 5 * time.Second
)

func (c Config) withDefaults() Config {
	if c.QueryTimeout <= 0 {
		c.QueryTimeout = DefaultQueryTimeout
	}
	if c.CypherTimeout <= 0 {
		c.CypherTimeout = DefaultCypherTimeout
	}
	if c.ImportTimeout <= 0 {
		c.ImportTimeout = DefaultImportTimeout
	}
	if c.ConnectTimeout <= 0 {
		c.ConnectTimeout = DefaultConnectTimeout
	}
	if c.MaxRetryTime <= 0 {
		c.MaxRetryTime = DefaultMaxRetryTime
	}
	if c.CypherConcurrency <= 0 {
		c.CypherConcurrency = DefaultCypherConcurrency
	}
	if c.Log == nil {
		c.Log = slog.Default()
	}
	return c
}

// String returns c with the password masked, for logs.
func (c Config) String() string {
	pw := ""
	if c.Password != "" {
		pw = "***"
	}
	return fmt.Sprintf("neo4j{uri=%s user=%q password=%q database=%q}", redactURI(c.URI), c.Username, pw, c.Database)
}

// Store is a kg.Store over one Neo4j database. It is safe for concurrent use; it
// holds the process's one driver (and so its one connection pool).
type Store struct {
	driver     neo4j.DriverWithContext
	analyst    neo4j.DriverWithContext // analysts' statements only (analyst.go)
	slots      chan struct{}           // one element per analyst statement running in Neo4j
	cfg        Config
	uri        string // redacted, for messages
	roundTrips atomic.Int64
	takes      searchTakes
	closed     atomic.Bool
	done       chan struct{} // closed by Close, to end the probe
	down       atomic.Bool   // the breaker is open: Neo4j was found unreachable (see breaker.go)
	trial      atomic.Int32  // > 0: the breaker is half-closed for this many more round trips
}

var (
	_ kg.Store        = (*Store)(nil)
	_ kg.CypherRunner = (*Store)(nil)
)

// Open connects to the Neo4j named by cfg and checks, within cfg.ConnectTimeout, that the server
// answers and that the database exists. Every failure is a *kg.Error with CodeServiceUnavailable
// whose message names the URI (without credentials) and what to check.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cfg = cfg.withDefaults()
	uri := redactURI(cfg.URI)
	if cfg.URI == "" {
		return nil, kg.Errorf(kg.CodeServiceUnavailable, "no Neo4j URI configured: set NEO4J_URI (e.g. bolt://127.0.0.1:7687)")
	}
	token := neo4j.NoAuth()
	if cfg.Username != "" || cfg.Password != "" {
		token = neo4j.BasicAuth(cfg.Username, cfg.Password, "")
	}
	driver, err := neo4j.NewDriverWithContext(cfg.URI, token, func(c *config.Config) {
		c.SocketConnectTimeout = cfg.ConnectTimeout
		c.ConnectionAcquisitionTimeout = cfg.ConnectTimeout
		c.MaxTransactionRetryTime = cfg.MaxRetryTime
		if cfg.MaxPoolSize > 0 {
			c.MaxConnectionPoolSize = cfg.MaxPoolSize
		}
	})
	if err != nil {
		return nil, kg.Wrap(kg.CodeServiceUnavailable,
			fmt.Sprintf("invalid Neo4j URI %s: use bolt://host:port or neo4j://host:port", uri), err)
	}
	analyst, err := openAnalystDriver(cfg, token)
	if err != nil {
		_ = driver.Close(ctx)
		return nil, kg.Wrap(kg.CodeServiceUnavailable,
			fmt.Sprintf("invalid Neo4j URI %s: use bolt://host:port or neo4j://host:port", uri), err)
	}
	s := &Store{driver: driver, analyst: analyst, slots: make(chan struct{}, cfg.CypherConcurrency),
		cfg: cfg, uri: uri, done: make(chan struct{})}

	cctx, cancel := context.WithTimeout(ctx, cfg.ConnectTimeout)
	defer cancel()
	if err := driver.VerifyConnectivity(cctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, s.openError(err)
	}
	// VerifyConnectivity checks neither the credentials of a server with authentication disabled nor
	// the database, so run one trivial query against the configured database.
	if _, err := s.read(cctx, "RETURN 1 AS ok", nil); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, s.openError(err)
	}
	return s, nil
}

// openError turns a failure of Open's checks into a message naming the URI and what to check.
func (s *Store) openError(err error) error {
	var kerr *kg.Error
	if errors.As(err, &kerr) && kerr.Err != nil {
		err = kerr.Err
	}
	var nerr *neo4j.Neo4jError
	switch {
	case errors.As(err, &nerr) && nerr.Code == codeDatabaseNotFound:
		return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
			"Neo4j at %s has no database %q: check NEO4J_DATABASE (Neo4j Community has only \"neo4j\")",
			s.uri, s.cfg.Database), err)
	case errors.As(err, &nerr) && nerr.HasSecurityCode():
		return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
			"Neo4j at %s refused the credentials: check NEO4J_USERNAME and NEO4J_PASSWORD", s.uri), err)
	}
	return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
		"cannot reach Neo4j at %s: check that the server is running and reachable there (NEO4J_URI), "+
			"the credentials (NEO4J_USERNAME, NEO4J_PASSWORD) and the database name (NEO4J_DATABASE)", s.uri), err)
}

// RoundTrips returns how many queries and transactions the store has sent to Neo4j so far.
func (s *Store) RoundTrips() int64 { return s.roundTrips.Load() }

// Ping reports whether Neo4j answers now; on failure (or while the store's breaker is open, see
// breaker.go) it returns a *kg.Error with CodeServiceUnavailable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	start := time.Now()
	err := s.driver.VerifyConnectivity(ctx)
	s.observe(ctx, opPing, start, err)
	if err != nil {
		return s.mapError(ctx, "ping", err)
	}
	return nil
}

// Kinds of round trip reported to Config.Observer (and opProbe, in breaker.go).
const (
	opRead   = "read"
	opWrite  = "write"
	opPing   = "ping"
	opSchema = "schema"
)

// observe reports one round trip of kind op that started at start and failed with err (nil on
// success) to the configured observer, and opens the breaker when err says Neo4j is unreachable;
// a failure caused by the caller's ctx (canceled, or out of time) says nothing about Neo4j.
func (s *Store) observe(ctx context.Context, op string, start time.Time, err error) {
	if s.cfg.Observer != nil {
		s.cfg.Observer(op, time.Since(start), err)
	}
	// Only queries count towards closing a half-closed breaker: pings and probes say nothing of how
	// Neo4j copes with them.
	if err == nil && (op == opRead || op == opWrite) && s.trial.Load() > 0 {
		s.trial.Add(-1)
	}
	if ctx.Err() == nil {
		s.trip(err)
	}
}

// Close closes the driver and its connections. Later calls of the store fail with
// CodeServiceUnavailable; closing again does nothing.
func (s *Store) Close(ctx context.Context) error {
	if s.closed.Swap(true) {
		return nil
	}
	close(s.done)
	return errors.Join(s.analyst.Close(ctx), s.driver.Close(ctx))
}

// errClosed is what calls of a closed store return.
var errClosed = kg.Errorf(kg.CodeServiceUnavailable, "the Neo4j store is closed")

func (s *Store) usable() error {
	if s.closed.Load() {
		return errClosed
	}
	if s.down.Load() {
		return s.errDown()
	}
	return nil
}

// read runs one read-only query, routed to readers, as one round trip.
func (s *Store) read(ctx context.Context, cypher string, params map[string]any) ([]*neo4j.Record, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	s.roundTrips.Add(1)
	bctx, cancel, limit := s.bounded(ctx, s.cfg.QueryTimeout, true)
	defer cancel()
	start := time.Now()
	res, err := neo4j.ExecuteQuery(bctx, s.driver, cypher, params, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithReadersRouting(),
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database),
		neo4j.ExecuteQueryWithTransactionConfig(neo4j.WithTxTimeout(s.cfg.QueryTimeout)))
	s.observe(ctx, opRead, start, err)
	if err != nil {
		return nil, s.overdue(ctx, bctx, limit, false, err)
	}
	return res.Records, nil
}

// write runs work in one managed write transaction, as one round trip (work may be retried on
// transient failures, so it must not keep state between attempts), within QueryTimeout.
func (s *Store) write(ctx context.Context, work neo4j.ManagedTransactionWork) (any, error) {
	return s.writeWithin(ctx, s.cfg.QueryTimeout, work)
}

// writeWithin is write with a transaction timeout of its own.
func (s *Store) writeWithin(ctx context.Context, timeout time.Duration, work neo4j.ManagedTransactionWork) (any, error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	s.roundTrips.Add(1)
	bctx, cancel, limit := s.bounded(ctx, timeout, false)
	defer cancel()
	session := s.driver.NewSession(bctx, neo4j.SessionConfig{
		DatabaseName: s.cfg.Database,
		AccessMode:   neo4j.AccessModeWrite,
	})
	defer s.closeSession(ctx, session)
	start := time.Now()
	res, err := session.ExecuteWrite(bctx, work, neo4j.WithTxTimeout(timeout))
	s.observe(ctx, opWrite, start, err)
	return res, s.overdue(ctx, bctx, limit, true, err)
}

// closeSession closes session, giving its connection back, within ConnectTimeout (a connection
// whose Neo4j stopped answering is not waited on).
func (s *Store) closeSession(ctx context.Context, session neo4j.SessionWithContext) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), s.cfg.ConnectTimeout)
	defer cancel()
	_ = session.Close(cctx)
}

// DeleteAll removes every node and relationship of the database, in batches of auto-committed
// transactions; constraints and indexes stay. It is for tests and full re-imports.
func (s *Store) DeleteAll(ctx context.Context) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.roundTrips.Add(1)
	session := s.driver.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName: s.cfg.Database,
		AccessMode:   neo4j.AccessModeWrite,
	})
	defer s.closeSession(ctx, session)
	// CALL { ... } IN TRANSACTIONS only runs in an auto-commit transaction, hence session.Run.
	start := time.Now()
	res, err := session.Run(ctx, `
		MATCH (n)
		CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	if err == nil {
		_, err = res.Consume(ctx)
	}
	s.observe(ctx, opWrite, start, err)
	if err != nil {
		return s.mapError(ctx, "delete all", err)
	}
	return nil
}

// redactURI returns uri without any user information, for messages.
func redactURI(uri string) string {
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return "(the NEO4J_URI given, which is not a URL)"
	}
	u.User = nil
	return u.String()
}
