package main

import (
	"math"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// coolingServer answers each request after a delay that starts at slow and falls by a share of
// itself (cooling) at each request, as a Neo4j just started gets faster, down to fast.
func coolingServer(t *testing.T, slow, fast time.Duration, cooling float64) (*httptest.Server, *atomic.Int64) {
	var served atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := served.Add(1)
		time.Sleep(max(fast, time.Duration(float64(slow)*math.Pow(1-cooling, float64(n)))))
		_, _ = w.Write([]byte(`{"data":{}}`))
	}))
	t.Cleanup(srv.Close)
	return srv, &served
}

// The warm-up goes on while the system gets faster, past a fixed warm-up's length, and stops
// once a round is no faster than the one before.
func TestWarmUpLastsUntilLatencySettles(t *testing.T) {
	bodies := make([][]byte, 8)
	for i := range bodies {
		bodies[i] = []byte(`{}`)
	}
	// 8% faster a request, from 200 ms to 5 ms: cold for 45 requests, the one-at-a-time pass (8)
	// and 5 rounds of 8, each about half as slow as the one before.
	srv, served := coolingServer(t, 200*time.Millisecond, 5*time.Millisecond, 0.08)
	w := warmUp(srv.URL, bodies, 4, time.Minute)
	if !w.settled {
		t.Fatalf("warmUp = %+v, want settled", w)
	}
	if served.Load() < 40 || int64(w.requests) != served.Load() {
		t.Errorf("warmUp = %+v after %d requests served, want it to go on past the first 40 and count them all", w, served.Load())
	}
	if w.rounds > 45/len(bodies)+5 {
		t.Errorf("warmUp took %d rounds, want it to stop within a few rounds of the last cold request", w.rounds)
	}
}

// A system that keeps getting faster is warmed for the limit and no longer, and the result says
// it did not settle.
func TestWarmUpStopsAtItsLimit(t *testing.T) {
	bodies := [][]byte{[]byte(`{}`), []byte(`{}`)}
	// 25% faster a request, from 400 ms: each round is 44% faster than the one before when the
	// limit comes, after the one-at-a-time pass (525 ms) and three rounds.
	srv, _ := coolingServer(t, 400*time.Millisecond, 0, 0.25)
	start := time.Now()
	w := warmUp(srv.URL, bodies, 2, 800*time.Millisecond)
	if w.settled {
		t.Errorf("warmUp = %+v, want not settled: latency never stopped falling", w)
	}
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("warmUp with an 800 ms limit took %v", took)
	}
}
