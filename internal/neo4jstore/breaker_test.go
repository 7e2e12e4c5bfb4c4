package neo4jstore_test

import (
	"context"
	"net"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// switchProxy stands between the store and Neo4j on one fixed address and behaves as told:
// forward, refuse (close each connection at once, like a stopped server), hold (accept and never
// answer, like a Neo4j that is starting), or stall (hold new connections, and keep the open ones
// open but pass nothing either way, like a Neo4j starved of CPU or thrashing in GC).
type switchProxy struct {
	ln     net.Listener
	target string
	mode   atomic.Value // "forward", "refuse", "hold" or "stall"
	mu     sync.Mutex
	conns  []net.Conn
}

func startSwitchProxy(t *testing.T, target string) *switchProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &switchProxy{ln: ln, target: target}
	p.mode.Store("forward")
	t.Cleanup(func() { ln.Close(); p.set("refuse") })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.track(c)
			switch p.mode.Load() {
			case "refuse":
				c.Close()
			case "hold", "stall":
				// Keep it open and silent until cut.
			default:
				up, err := net.Dial("tcp", target)
				if err != nil {
					c.Close()
					continue
				}
				p.track(up)
				go p.pipe(up, c)
				go p.pipe(c, up)
			}
		}
	}()
	return p
}

// pipe copies src to dst until either closes, holding what it read while the proxy stalls.
func (p *switchProxy) pipe(dst, src net.Conn) {
	defer dst.Close()
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		for p.mode.Load() == "stall" {
			time.Sleep(10 * time.Millisecond)
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			return // either side closed; the error says only that
		}
	}
}

// stall stops passing bytes on every connection, open or new, without closing any.
func (p *switchProxy) stall() { p.mode.Store("stall") }

func (p *switchProxy) track(c net.Conn) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.conns = append(p.conns, c)
}

// set switches the mode and cuts every open connection.
func (p *switchProxy) set(mode string) {
	p.mode.Store(mode)
	p.cut()
}

func (p *switchProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// roundTrips counts what the store reports to its observer, by kind and outcome.
type roundTrips struct {
	mu sync.Mutex
	n  map[string]int
}

func (r *roundTrips) observe(op string, d time.Duration, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	outcome := "ok"
	if err != nil {
		outcome = "error"
	}
	r.n[op+" "+outcome]++
}

func (r *roundTrips) get(key string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n[key]
}

// When Neo4j goes away, the first call that finds it unreachable opens the breaker: later calls
// fail at once with SERVICE_UNAVAILABLE without sending anything to Neo4j, also while Neo4j accepts
// connections but does not answer (as when it starts). A background probe notices when Neo4j
// answers again, and the store recovers by itself.
func TestBreaker(t *testing.T) {
	neo4jtest.Store(t, storetest.Fixture())
	cfg := neo4jtest.Open(t)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	p := startSwitchProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	cfg.URI = u.String()
	cfg.ConnectTimeout = time.Second
	cfg.MaxRetryTime = 500 * time.Millisecond
	trips := &roundTrips{n: map[string]int{}}
	cfg.Observer = trips.observe
	ctx := context.Background()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	defer s.Close(ctx)
	entities := func() error {
		_, err := s.Entities(ctx, []string{"country:mexico"})
		return err
	}
	if err := entities(); err != nil {
		t.Fatalf("Entities through the proxy: %v", err)
	}
	if trips.get("read ok") == 0 {
		t.Errorf("the observer saw no successful read: %v", trips.n)
	}

	p.set("refuse")
	if err := entities(); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
		t.Fatalf("Entities with Neo4j gone: %v, want SERVICE_UNAVAILABLE", err)
	}
	reads := trips.get("read ok") + trips.get("read error")
	for _, mode := range []string{"refuse", "hold"} {
		p.set(mode)
		for range 5 {
			if err := entities(); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
				t.Errorf("Entities with the breaker open (%s): %v, want SERVICE_UNAVAILABLE", mode, err)
			}
		}
		if err := s.Ping(ctx); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
			t.Errorf("Ping with the breaker open (%s): %v, want SERVICE_UNAVAILABLE", mode, err)
		}
		// The probe keeps failing, and the breaker stays open, while Neo4j does not answer.
		failed := trips.get("probe error")
		deadline := time.Now().Add(15 * time.Second)
		for trips.get("probe error") == failed && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if trips.get("probe error") == failed {
			t.Errorf("no probe failed within 15s while Neo4j did not answer (%s)", mode)
		}
		if err := entities(); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
			t.Errorf("Entities after a failed probe (%s): %v, want SERVICE_UNAVAILABLE", mode, err)
		}
	}
	if got := trips.get("read ok") + trips.get("read error"); got != reads {
		t.Errorf("calls with the breaker open sent %d reads to Neo4j, want none", got-reads)
	}

	p.set("forward")
	deadline := time.Now().Add(30 * time.Second)
	for entities() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the store did not recover within 30s of Neo4j answering again (round trips %v)", trips.n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := s.Ping(ctx); err != nil {
		t.Errorf("Ping after recovery: %v", err)
	}
	if trips.get("probe error") == 0 || trips.get("probe ok") == 0 {
		t.Errorf("probes: %v, want failures while Neo4j was away and a success", trips.n)
	}
}

// openThroughProxy opens a store on the shared test Neo4j through a switchProxy, with cfg's
// timeouts changed by set.
func openThroughProxy(t *testing.T, set func(*neo4jstore.Config)) (*neo4jstore.Store, *switchProxy, *roundTrips) {
	t.Helper()
	neo4jtest.Store(t, storetest.Fixture())
	cfg := neo4jtest.Open(t)
	u, err := url.Parse(cfg.URI)
	if err != nil {
		t.Fatal(err)
	}
	p := startSwitchProxy(t, u.Host)
	u.Host = p.ln.Addr().String()
	cfg.URI = u.String()
	trips := &roundTrips{n: map[string]int{}}
	cfg.Observer = trips.observe
	set(&cfg)
	s, err := neo4jstore.Open(context.Background(), cfg)
	if err != nil {
		t.Fatalf("Open through the proxy: %v", err)
	}
	t.Cleanup(func() { _ = s.Close(context.Background()) })
	return s, p, trips
}

// answerWithin runs call and returns its error, failing the test when call has not returned
// after wait: a call that hangs is the failure these tests look for.
func answerWithin(t *testing.T, wait time.Duration, what string, call func() error) error {
	t.Helper()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- call() }()
	select {
	case err := <-done:
		t.Logf("%s answered after %s: %v", what, time.Since(start).Round(time.Millisecond), err)
		return err
	case <-time.After(wait):
		t.Fatalf("%s: no answer after %s", what, wait)
		return nil
	}
}

// A Neo4j that keeps its connections open but stops answering (a starting database, a JVM starved
// of CPU or thrashing in GC) never holds a call without end: the call fails with
// SERVICE_UNAVAILABLE once Neo4j has overrun its own transaction timeout (QueryTimeout +
// ConnectTimeout + MaxRetryTime, 4.5s here), which opens the breaker; the calls after it fail at
// once, and the store recovers when Neo4j answers again. Before the store bounded its round trips,
// the call waited as long as Neo4j stayed silent.
func TestBreakerStalledNeo4j(t *testing.T) {
	s, p, trips := openThroughProxy(t, func(c *neo4jstore.Config) {
		c.QueryTimeout = 3 * time.Second
		c.ConnectTimeout = time.Second
		c.MaxRetryTime = 500 * time.Millisecond
	})
	ctx := context.Background()
	entities := func() error { _, err := s.Entities(ctx, []string{"country:mexico"}); return err }
	if err := entities(); err != nil {
		t.Fatalf("Entities through the proxy: %v", err)
	}

	p.stall()
	err := answerWithin(t, 30*time.Second, "Entities with Neo4j silent", entities)
	if kg.ErrorCode(err) != kg.CodeServiceUnavailable || !strings.Contains(kg.ErrorMessage(err), "did not answer within 4.5s") {
		t.Fatalf("Entities with Neo4j silent: %v, want SERVICE_UNAVAILABLE saying it did not answer within 4.5s", err)
	}
	reads := trips.get("read ok") + trips.get("read error")
	if err := answerWithin(t, 30*time.Second, "Entities after the overrun", entities); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
		t.Errorf("Entities after the overrun: %v, want SERVICE_UNAVAILABLE", err)
	}
	if got := trips.get("read ok") + trips.get("read error"); got != reads {
		t.Errorf("a call after the overrun sent %d reads to Neo4j, want none (the breaker is open)", got-reads)
	}

	p.set("forward")
	deadline := time.Now().Add(30 * time.Second)
	for entities() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the store did not recover within 30s of Neo4j answering again (round trips %v)", trips.n)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Right after the probe found Neo4j back, the breaker is half-closed: a read Neo4j does not answer
// within 2 x ConnectTimeout (2s here) fails with SERVICE_UNAVAILABLE and reopens the breaker,
// instead of waiting out a query timeout of a minute: a Neo4j that answers `RETURN 1` but not real
// queries (a database still starting, a cold JVM short of CPU) is not back yet.
func TestBreakerTrialAfterRecovery(t *testing.T) {
	s, p, trips := openThroughProxy(t, func(c *neo4jstore.Config) {
		c.QueryTimeout = time.Minute
		c.ConnectTimeout = time.Second
		c.MaxRetryTime = 500 * time.Millisecond
	})
	ctx := context.Background()
	entities := func() error { _, err := s.Entities(ctx, []string{"country:mexico"}); return err }
	p.set("refuse")
	if err := entities(); kg.ErrorCode(err) != kg.CodeServiceUnavailable {
		t.Fatalf("Entities with Neo4j gone: %v, want SERVICE_UNAVAILABLE", err)
	}
	p.set("forward")
	deadline := time.Now().Add(30 * time.Second)
	for trips.get("probe ok") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("no probe succeeded within 30s of Neo4j answering again (round trips %v)", trips.n)
		}
		time.Sleep(20 * time.Millisecond)
	}

	p.stall()
	err := answerWithin(t, 20*time.Second, "Entities right after recovery, Neo4j silent", entities)
	if kg.ErrorCode(err) != kg.CodeServiceUnavailable || !strings.Contains(kg.ErrorMessage(err), "did not answer within 2s") {
		t.Fatalf("Entities right after recovery, Neo4j silent: %v, want SERVICE_UNAVAILABLE saying it did not answer within 2s", err)
	}
	p.set("forward")
	deadline = time.Now().Add(30 * time.Second)
	for entities() != nil {
		if time.Now().After(deadline) {
			t.Fatalf("the store did not recover within 30s of Neo4j answering again (round trips %v)", trips.n)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if trips.get("probe ok") < 2 {
		t.Errorf("probes: %v, want the breaker reopened and closed by a second probe", trips.n)
	}
}
