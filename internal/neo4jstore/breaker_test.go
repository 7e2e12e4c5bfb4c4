package neo4jstore_test

import (
	"context"
	"io"
	"net"
	"net/url"
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
// forward, refuse (close each connection at once, like a stopped server), or hold (accept and never
// answer, like a Neo4j that is starting).
type switchProxy struct {
	ln     net.Listener
	target string
	mode   atomic.Value // "forward", "refuse" or "hold"
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
	t.Cleanup(func() { ln.Close(); p.cut() })
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
			case "hold":
				// Keep it open and silent until cut.
			default:
				up, err := net.Dial("tcp", target)
				if err != nil {
					c.Close()
					continue
				}
				p.track(up)
				// A copy ends when either side closes; its error says only that.
				go func() { _, _ = io.Copy(up, c); up.Close() }()
				go func() { _, _ = io.Copy(c, up); c.Close() }()
			}
		}
	}()
	return p
}

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
	if trips.get("probe error") == 0 || trips.get("probe ok") != 1 {
		t.Errorf("probes: %v, want failures while Neo4j was away and one success", trips.n)
	}
}
