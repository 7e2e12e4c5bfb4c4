package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/metrics"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/server"
)

// Main is the running program: its config, store and HTTP server. Tests start the real program
// in-process with Open and Close.
type Main struct {
	Config Config
	Log    *slog.Logger
	// Store is the store served. Open opens the one Config names unless Store is already set (tests
	// set it to serve a store of their own); Close closes it either way.
	Store kg.Store
	// Metrics receives the request and Neo4j metrics served at /metrics; Open makes it when nil.
	Metrics *metrics.Metrics

	listener net.Listener
	server   *http.Server
}

// Open opens the store named by m.Config (seeding an empty Neo4j with the built-in dataset) and
// starts listening on m.Config.Addr; Serve then serves until Close.
func (m *Main) Open(ctx context.Context) error {
	if err := m.Config.check(); err != nil {
		return err
	}
	for _, k := range m.Config.APIKeys {
		if k.Unnamed {
			m.Log.Warn("an API key has no name; the audit trail calls it "+k.Role.String()+":"+k.Name+
				": give it one as role:name:key in DIPLOGRAPH_API_KEYS (e.g. "+k.Role.String()+":alice:KEY)",
				slog.String("role", k.Role.String()), slog.String("name", k.Name))
		}
	}
	if m.Metrics == nil {
		m.Metrics = metrics.New()
	}
	store := m.Store
	if store == nil {
		var err error
		if store, err = openStore(ctx, m.Config, m.Log, m.Metrics.ObserveNeo4j); err != nil {
			return err
		}
		m.Store = store
	}
	ln, err := net.Listen("tcp", m.Config.Addr)
	if err != nil {
		_ = store.Close(ctx)
		return fmt.Errorf("listen on %s: %w", m.Config.Addr, err)
	}
	m.listener = ln
	scfg := m.Config.ServerConfig()
	scfg.Metrics = m.Metrics
	// A reader's request ends in time to write its TIMEOUT answer before the write timeout.
	scfg.ReadRequestTimeout = httpWriteTimeout - 5*time.Second
	m.server = &http.Server{
		Handler:           server.New(scfg, store, m.Log),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      httpWriteTimeout,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(m.Log.Handler(), slog.LevelWarn),
	}
	return nil
}

// maxHeaderBytes bounds a request's header block (URL included): Go's default, 1 MiB, let every
// connection hold a megabyte of headers. A GET query of 10,000 tokens fits in a few dozen KB.
const maxHeaderBytes = 64 << 10

// URL returns the base URL the server listens on.
func (m *Main) URL() string { return "http://" + m.listener.Addr().String() }

// Serve serves HTTP until Close; it returns nil after a graceful shutdown.
func (m *Main) Serve() error {
	if err := m.server.Serve(m.listener); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// httpWriteTimeout is how long the server has to answer a request from reading its headers
// (editors' requests get server.Config.WriteRequestTimeout).
const httpWriteTimeout = 60 * time.Second

// Close stops accepting requests, lets in-flight ones finish (up to Config.ShutdownTimeout,
// default 15s), and then closes the store.
func (m *Main) Close() error {
	timeout := m.Config.ShutdownTimeout
	if timeout <= 0 {
		timeout = DefaultShutdownTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if m.server != nil {
		errs = append(errs, m.server.Shutdown(ctx))
	}
	if m.Store != nil {
		errs = append(errs, m.Store.Close(ctx))
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: diplograph serve [flags]\n\nEach flag overrides the environment variable named in its help.")
		fs.PrintDefaults()
	}
	var m Main
	m.Config.bindFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	m.Log = newLogger(m.Config.LogFormat, stderr)
	m.Log.Info("starting diplograph", slog.String("version", version), slog.String("config", m.Config.String()))
	if err := m.Open(ctx); err != nil {
		// The cause (the driver's words) is for the operator's log; stderr gets one line.
		m.Log.Error("cannot start", slog.String("error", err.Error()))
		return errors.New(userMessage(err))
	}
	m.Log.Info("serving", slog.String("explorer", m.URL()+"/"), slog.String("graphql", m.URL()+"/graphql"),
		slog.String("graphiql", m.URL()+"/graphiql"))
	done := make(chan error, 1)
	go func() { done <- m.Serve() }()
	select {
	case err := <-done:
		_ = m.Close()
		return err
	case <-ctx.Done():
		m.Log.Info("shutting down: draining in-flight requests")
		err := m.Close()
		return errors.Join(err, <-done)
	}
}

// openStore opens the store cfg names: Neo4j when NEO4J_URI is set (schema ensured, and the
// built-in dataset loaded into an empty database); else the embedded store, kept in cfg.DataDir
// when set (the built-in dataset loaded only into a new, empty data dir) or in memory only.
func openStore(ctx context.Context, cfg Config, log *slog.Logger, observe func(string, time.Duration, error)) (kg.Store, error) {
	builtin, err := dataset.Bundle()
	if err != nil {
		return nil, fmt.Errorf("built-in dataset: %w", err)
	}
	seed := kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: SeedActor, Authenticated: true})
	if cfg.Neo4jURI == "" {
		if cfg.DataDir == "" {
			s, err := memstore.Load(builtin)
			if err != nil {
				return nil, fmt.Errorf("embedded store: %w", err)
			}
			log.Warn("using the embedded store in memory, with the built-in dataset: writes are lost when the process stops (set DIPLOGRAPH_DATA_DIR or --data-dir to keep them)",
				slog.Int("entities", len(builtin.Entities)), slog.Int("relations", len(builtin.Relations)))
			return s, nil
		}
		s, err := openDataDir(cfg.DataDir, log)
		if err != nil {
			return nil, fmt.Errorf("embedded store: %w", err)
		}
		if s.Fresh() {
			rep, err := s.Import(seed, builtin, kg.ImportOptions{})
			if err != nil {
				_ = s.Close(ctx)
				return nil, fmt.Errorf("embedded store: seeding %s: %s", cfg.DataDir, kg.ErrorMessage(err))
			}
			log.Info("seeded a new data directory with the built-in dataset", slog.String("data_dir", cfg.DataDir), slog.Int("created", rep.Created))
		}
		n, _ := countEntities(ctx, s)
		log.Info("using the embedded store, every acknowledged write kept in the data directory",
			slog.String("data_dir", cfg.DataDir), slog.Int("entities", n))
		return s, nil
	}
	if cfg.DataDir != "" {
		log.Warn("DIPLOGRAPH_DATA_DIR is ignored: with NEO4J_URI set, Neo4j is the store", slog.String("data_dir", cfg.DataDir))
	}
	s, err := openNeo4j(ctx, cfg, observe, log)
	if err != nil {
		return nil, err
	}
	uri := redactURI(cfg.Neo4jURI)
	n, err := countEntities(ctx, s)
	if err == nil && n == 0 {
		var rep *kg.ImportReport
		if rep, err = s.Import(seed, builtin, kg.ImportOptions{}); err == nil {
			log.Info("seeded an empty Neo4j with the built-in dataset", slog.String("uri", uri), slog.Int("created", rep.Created))
		}
	}
	if err != nil {
		_ = s.Close(ctx)
		return nil, kg.Wrap(kg.ErrorCode(err), fmt.Sprintf("loading the built-in dataset into Neo4j at %s: %s", uri, kg.ErrorMessage(err)), err)
	}
	log.Info("using Neo4j", slog.String("uri", uri), slog.String("database", cfg.Neo4jDatabase))
	return s, nil
}

// SeedActor is the actor of the built-in dataset's import into a new store.
const SeedActor = "system:seed"

// countEntities counts the entities of every kind the database holds.
func countEntities(ctx context.Context, s kg.Store) (int, error) {
	total := 0
	for _, k := range kg.Kinds {
		p, err := s.ListEntities(ctx, kg.ListQuery{Kind: k, Limit: 1})
		if err != nil {
			return 0, err
		}
		total += p.Total
	}
	return total, nil
}

// neo4jConfig is the store configuration cfg names, reporting every round trip to observe (when
// not nil) and logging what the store cannot return to log (nil: slog's default logger).
func neo4jConfig(cfg Config, observe func(string, time.Duration, error), log *slog.Logger) neo4jstore.Config {
	return neo4jstore.Config{
		URI: cfg.Neo4jURI, Username: cfg.Neo4jUsername, Password: cfg.Neo4jPassword,
		Database: cfg.Neo4jDatabase, QueryTimeout: cfg.QueryTimeout, CypherTimeout: cfg.CypherTimeout,
		ConnectTimeout: cfg.Neo4jConnectTimeout, MaxRetryTime: cfg.Neo4jMaxRetryTime,
		CypherConcurrency: cfg.CypherConcurrency,
		Observer:          observe,
		Log:               log,
	}
}

// openNeo4j opens the Neo4j store cfg names (see neo4jConfig) and ensures its schema.
func openNeo4j(ctx context.Context, cfg Config, observe func(string, time.Duration, error), log *slog.Logger) (*neo4jstore.Store, error) {
	s, err := neo4jstore.Open(ctx, neo4jConfig(cfg, observe, log))
	if err != nil {
		return nil, err // a *kg.Error naming the URI and what to check
	}
	if err := s.EnsureSchema(ctx); err != nil {
		_ = s.Close(ctx)
		return nil, kg.Wrap(kg.ErrorCode(err), fmt.Sprintf("setting up the schema in Neo4j at %s: %s",
			redactURI(cfg.Neo4jURI), kg.ErrorMessage(err)), err)
	}
	return s, nil
}

// userMessage returns what a person reading stderr should see of err: the client-safe message of
// a *kg.Error (the driver's words stay in the log), or err's own text for errors of the program
// itself, such as a port already in use.
func userMessage(err error) string {
	var kerr *kg.Error
	if errors.As(err, &kerr) {
		return kerr.Message
	}
	return err.Error()
}

func newLogger(format string, w io.Writer) *slog.Logger {
	if format == "" {
		format = "json"
		if f, ok := w.(*os.File); ok {
			if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
				format = "text"
			}
		}
	}
	if format == "text" {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}
