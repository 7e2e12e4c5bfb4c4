package main

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// cooling returns a send for warmRounds whose bodies answer in latencies that start at slow and
// fall by a share of themselves (cooling) at each request, down to fast, as a Neo4j just started
// gets faster; and the count of requests it answered. It sleeps not at all: the latencies are
// made up, so the rule is tested whatever the machine's load.
func cooling(bodies int, slow, fast time.Duration, cooling float64) (func(int, time.Duration) []time.Duration, *int) {
	var n int
	cur := float64(slow)
	return func(int, time.Duration) []time.Duration {
		lat := make([]time.Duration, bodies)
		for i := range lat {
			n++
			cur *= 1 - cooling
			lat[i] = max(fast, time.Duration(cur))
		}
		return lat
	}, &n
}

// The warm-up goes on while the system gets faster, and stops two rounds after it stops.
func TestWarmUpLastsUntilLatencySettles(t *testing.T) {
	// 64 bodies, 2% faster a request, from 2 s to 20 ms: about 230 requests cold.
	send, served := cooling(64, 2*time.Second, 20*time.Millisecond, 0.02)
	w := warmRounds(send, 8, time.Minute)
	if !w.settled || w.requests != *served {
		t.Fatalf("warmRounds = %+v after %d requests, want settled, every request counted", w, *served)
	}
	// Requests 1-64 one at a time; round medians 282, 77 and 21 ms (rounds 1-3, to request 256,
	// where latency reaches the floor); rounds 4 and 5 are no faster than round 3: settled.
	if w.rounds != 5 || w.requests != 6*64 {
		t.Errorf("warmRounds = %+v, want 5 rounds after the pass, 384 requests", w)
	}
}

// A system that keeps getting faster is warmed for the limit and no longer, and the result says
// it did not settle.
func TestWarmUpStopsAtItsLimit(t *testing.T) {
	never, _ := cooling(8, time.Hour, 0, 0.05)
	slow := func(workers int, d time.Duration) []time.Duration {
		time.Sleep(10 * time.Millisecond)
		return never(workers, d)
	}
	start := time.Now()
	w := warmRounds(slow, 2, 200*time.Millisecond)
	if w.settled {
		t.Errorf("warmRounds = %+v, want not settled: latency never stopped falling", w)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("warmRounds with a 200 ms limit took %v", took)
	}
}

// warmUp sends every body once one at a time, then rounds of every body, to the system's URL.
func TestWarmUpSendsEveryBodyEachRound(t *testing.T) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	defer srv.Close()
	bodies := make([][]byte, 16)
	for i := range bodies {
		bodies[i] = []byte(`{}`)
	}
	w := warmUp(srv.URL, bodies, 4, time.Minute)
	if int64(w.requests) != served.Load() || w.requests != len(bodies)*(1+w.rounds) {
		t.Errorf("warmUp = %+v with %d served, want %d bodies a round, the pass included", w, served.Load(), len(bodies))
	}
}
