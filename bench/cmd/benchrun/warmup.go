package main

import (
	"slices"
	"time"
)

// Warm-up: a system is timed only once it stopped getting faster. A Neo4j just started (every
// size is loaded into a new database, and the offline importer restarts it) has an empty page
// cache, no plan in its query cache and its JIT cold: at L the first searches took 13 and 8 s,
// and the first 16 a mean 875 ms of Neo4j CPU against about 100 ms once warm. A fixed warm-up
// (2 s before 2026-12-07) covers that at S and not at L, and not alike for every query. The rule
// is the same for every system, query and size:
//
//  1. every request body once, one at a time, so each statement is planned and compiled before
//     the clock starts;
//  2. then rounds of every body from the closed loop's workers, until two rounds running each
//     have a median latency no more than warmSettle below the fastest round before them (one
//     round alone can be a hiccup of a busy machine), or -warmup-max has passed.
//
// What it took is in the results (warmup_requests, warmup_s, warmup_settled).
const (
	warmSettle = 0.10
	// warmSteady is how many rounds running must be no faster than warmSettle allows.
	warmSteady = 2
)

// warm is what a warm-up took.
type warm struct {
	requests int
	seconds  float64
	rounds   int
	settled  bool
}

// warmUp warms the system at url with bodies as the rule above says, for at most limit.
func warmUp(url string, bodies [][]byte, conc int, limit time.Duration) warm {
	return warmRounds(func(workers int, d time.Duration) []time.Duration {
		_, _, lat := closedLoop(url, bodies, workers, d, int64(len(bodies)))
		return lat
	}, conc, limit)
}

// warmRounds applies the rule with send, which sends every body once from workers workers, for
// at most d, and returns the latencies.
func warmRounds(send func(workers int, d time.Duration) []time.Duration, conc int, limit time.Duration) warm {
	start := time.Now()
	deadline := start.Add(limit)
	w := warm{requests: len(send(1, limit))}
	best, steady := time.Duration(0), 0
	for time.Now().Before(deadline) {
		lat := send(conc, time.Until(deadline))
		w.requests += len(lat)
		w.rounds++
		med := median(lat)
		steady++
		if w.rounds == 1 || float64(med) < (1-warmSettle)*float64(best) {
			steady = 0
		}
		if steady == warmSteady {
			w.settled = true
			break
		}
		if w.rounds == 1 || med < best {
			best = med
		}
	}
	w.seconds = time.Since(start).Seconds()
	return w
}

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
