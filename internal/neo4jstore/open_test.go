package neo4jstore_test

import (
	"context"
	"io"
	"net"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestOpenErrors checks that Open fails fast, with a coded message naming the URI, when Neo4j
// cannot be used.
func TestOpenErrors(t *testing.T) {
	cfg := neo4jtest.Open(t)
	cases := []struct {
		name    string
		cfg     neo4jstore.Config
		mention []string
	}{
		{"closed port bolt", neo4jstore.Config{URI: "bolt://127.0.0.1:1"}, []string{"bolt://127.0.0.1:1", "reachable"}},
		{"closed port neo4j", neo4jstore.Config{URI: "neo4j://127.0.0.1:1"}, []string{"neo4j://127.0.0.1:1"}},
		{"credentials not shown", neo4jstore.Config{URI: "bolt://alice:s3cret@127.0.0.1:1"}, []string{"bolt://127.0.0.1:1"}},
		{"bad scheme", neo4jstore.Config{URI: "http://127.0.0.1:7474"}, []string{"http://127.0.0.1:7474", "bolt://"}},
		{"no uri", neo4jstore.Config{}, []string{"NEO4J_URI"}},
		{"missing database", neo4jstore.Config{URI: cfg.URI, Username: cfg.Username, Password: cfg.Password, Database: "nosuchdb"},
			[]string{"nosuchdb", "NEO4J_DATABASE"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			s, err := neo4jstore.Open(context.Background(), tc.cfg)
			if err == nil {
				s.Close(context.Background())
				t.Fatalf("Open(%v) succeeded, want an error", tc.cfg)
			}
			if d := time.Since(start); d > 6*time.Second {
				t.Errorf("Open(%v) took %v, want it to fail fast", tc.cfg, d)
			}
			if code := kg.ErrorCode(err); code != kg.CodeServiceUnavailable {
				t.Errorf("Open(%v) code = %s, want %s (%v)", tc.cfg, code, kg.CodeServiceUnavailable, err)
			}
			msg := kg.ErrorMessage(err)
			for _, m := range tc.mention {
				if !strings.Contains(msg, m) {
					t.Errorf("Open(%v) message %q does not mention %q", tc.cfg, msg, m)
				}
			}
			if strings.Contains(msg, "s3cret") || strings.Contains(msg, "Neo4jError") || strings.Contains(msg, "ConnectivityError") {
				t.Errorf("Open(%v) message %q leaks credentials or driver text", tc.cfg, msg)
			}
		})
	}
}

// TestRoutingURI checks that a neo4j:// URI (client-side routing) works against the test server.
func TestRoutingURI(t *testing.T) {
	neo4jtest.Store(t, storetest.Fixture()) // loads the fixture
	cfg := neo4jtest.Open(t)
	_, rest, ok := strings.Cut(cfg.URI, "://")
	if !ok {
		t.Fatalf("NEO4J_URI %q has no scheme", cfg.URI)
	}
	cfg.URI = "neo4j://" + rest
	if cfg.Database == "" {
		cfg.Database = "neo4j" // and name the database explicitly
	}
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open(%s): %v", cfg.URI, err)
	}
	defer s.Close(ctx)
	es, err := s.Entities(ctx, []string{"country:mexico"})
	if err != nil || len(es) != 1 || es[0] == nil || es[0].Name != "Mexico" {
		t.Fatalf("Entities over %s = %v, %v; want Mexico", cfg.URI, es, err)
	}
	if _, err := s.Import(ctx, storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Errorf("Import over %s: %v", cfg.URI, err)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping over %s: %v", cfg.URI, err)
	}
}

// TestServerGone checks that every call on a store whose Neo4j went away fails with
// CodeServiceUnavailable, within the retry time. Neo4j is reached through a TCP proxy that the
// test then shuts.
func TestServerGone(t *testing.T) {
	neo4jtest.Store(t, storetest.Fixture())
	cfg := neo4jtest.Open(t)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	p := startProxy(t, u.Host)
	u.Host = p.addr()
	cfg.URI = u.String()
	cfg.MaxRetryTime = 500 * time.Millisecond
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	t.Cleanup(func() { s.Close(ctx) }) // after the parallel subtests
	if _, err := s.Entities(ctx, []string{"country:mexico"}); err != nil {
		t.Fatalf("Entities through the proxy: %v", err)
	}
	p.shut()

	calls := []struct {
		name string
		call func() error
	}{
		{"Ping", func() error { return s.Ping(ctx) }},
		{"Entities", func() error { _, err := s.Entities(ctx, []string{"country:mexico"}); return err }},
		{"Sources", func() error { _, err := s.Sources(ctx, []string{"source:fixture-briefing"}); return err }},
		{"Relations", func() error {
			_, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{"country:mexico"}, Limit: kg.NoLimit})
			return err
		}},
		{"ListEntities", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindCountry, Limit: kg.NoLimit})
			return err
		}},
		{"ListSources", func() error { _, err := s.ListSources(ctx, kg.ListQuery{Limit: kg.NoLimit}); return err }},
		{"Search", func() error { _, err := s.Search(ctx, kg.SearchQuery{Text: "mexico", Limit: kg.NoLimit}); return err }},
		{"Import", func() error { _, err := s.Import(ctx, storetest.Fixture(), kg.ImportOptions{}); return err }},
		{"EnsureSchema", func() error { return s.EnsureSchema(ctx) }},
	}
	// Each call retries for a while before giving up, so they run side by side.
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			err := c.call()
			if code := kg.ErrorCode(err); code != kg.CodeServiceUnavailable {
				t.Errorf("%s with Neo4j gone: code %s (%v), want %s", c.name, code, err, kg.CodeServiceUnavailable)
			}
			if msg := kg.ErrorMessage(err); !strings.Contains(msg, p.addr()) {
				t.Errorf("%s with Neo4j gone: message %q does not name the server %s", c.name, msg, p.addr())
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("%s with Neo4j gone took %v", c.name, d)
			}
		})
	}
}

// proxy forwards TCP connections to a target until it is shut.
type proxy struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func startProxy(t *testing.T, target string) *proxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln}
	t.Cleanup(p.shut)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			// A copy ends when either side closes; its error says only that.
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

// shut stops accepting and cuts every open connection.
func (p *proxy) shut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// TestClosed checks that a closed store refuses calls with CodeServiceUnavailable.
func TestClosed(t *testing.T) {
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, neo4jtest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(ctx); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(ctx); err != nil {
		t.Errorf("second Close: %v", err)
	}
	_, err = s.Entities(ctx, []string{"country:mexico"})
	if code := kg.ErrorCode(err); code != kg.CodeServiceUnavailable {
		t.Errorf("Entities on a closed store: code %s (%v), want %s", code, err, kg.CodeServiceUnavailable)
	}
	if code := kg.ErrorCode(s.Ping(ctx)); code != kg.CodeServiceUnavailable {
		t.Errorf("Ping on a closed store: code %s, want %s", code, kg.CodeServiceUnavailable)
	}
}

// TestDeadline checks that a call whose context ran out of time fails with CodeTimeout.
func TestDeadline(t *testing.T) {
	s := neo4jtest.Store(t, storetest.Fixture())
	ctx, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: kg.NoLimit})
	if code := kg.ErrorCode(err); code != kg.CodeTimeout {
		t.Errorf("ListEntities with an expired deadline: code %s (%v), want %s", code, err, kg.CodeTimeout)
	}
}

// TestQueryTimeout checks that a query that runs past Config.QueryTimeout is stopped by the server
// and fails with CodeTimeout.
func TestQueryTimeout(t *testing.T) {
	cfg := neo4jtest.Open(t)
	cfg.QueryTimeout = 200 * time.Millisecond
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	start := time.Now()
	_, err = s.Query(ctx, "UNWIND range(1, 2000000000) AS x RETURN sum(x) AS s", nil)
	if code := kg.ErrorCode(err); code != kg.CodeTimeout {
		t.Errorf("slow query: code %s (%v), want %s", code, err, kg.CodeTimeout)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("slow query took %v with a 200ms timeout", d)
	}
}
