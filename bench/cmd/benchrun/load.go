package main

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// closedLoop sends requests from conc workers, each waiting for its answer before the next, for d
// (and at most maxReq requests), and returns the count of answers, of errors and their latencies.
func closedLoop(url string, bodies [][]byte, conc int, d time.Duration, maxReq int64) (n, errs int64, lat []time.Duration) {
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: conc}}
	deadline := time.Now().Add(d)
	var next atomic.Int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			for time.Now().Before(deadline) {
				i := next.Add(1)
				if i > maxReq {
					break
				}
				t0 := time.Now()
				ok := post(client, url, bodies[int(i)%len(bodies)])
				mine = append(mine, time.Since(t0))
				if !ok {
					atomic.AddInt64(&errs, 1)
				}
			}
			mu.Lock()
			lat = append(lat, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	return int64(len(lat)), errs, lat
}

// post sends one request and reports whether it got a 200 without GraphQL errors.
func post(c *http.Client, url string, body []byte) bool {
	resp, err := c.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return err == nil && resp.StatusCode == 200 && !bytes.Contains(b, []byte(`"errors":[`))
}

// openLoop sends requests at a fixed rate for d whatever the answers' speed (vegeta's open model,
// so slow answers are not hidden), and returns vegeta's metrics.
func openLoop(url string, bodies [][]byte, rate int, d time.Duration) vegeta.Metrics {
	targets := make([]vegeta.Target, len(bodies))
	for i, b := range bodies {
		targets[i] = vegeta.Target{Method: "POST", URL: url, Body: b,
			Header: http.Header{"Content-Type": []string{"application/json"}}}
	}
	atk := vegeta.NewAttacker(vegeta.Timeout(30*time.Second), vegeta.MaxWorkers(256))
	var m vegeta.Metrics
	for res := range atk.Attack(vegeta.NewStaticTargeter(targets...), vegeta.Rate{Freq: rate, Per: time.Second}, d, "bench") {
		if res.Code == 200 && bytes.Contains(res.Body, []byte(`"errors":[`)) {
			res.Code, res.Error = 500, "graphql errors"
		}
		m.Add(res)
	}
	m.Close()
	return m
}

// cpuTicks returns the user+system CPU time of process pid, in clock ticks (1/100 s on Linux).
func cpuTicks(pid int) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses and may hold spaces.
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

// peakRSSMB returns process pid's peak resident set (VmHWM) in MB.
func peakRSSMB(pid int) float64 {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

// neo4jQueries scrapes diplograph's /metrics for the total of diplograph_neo4j_queries_total.
func neo4jQueries(base string) float64 {
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer resp.Body.Close()
	var total float64
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "diplograph_neo4j_queries_total") {
			f := strings.Fields(line)
			v, _ := strconv.ParseFloat(f[len(f)-1], 64)
			total += v
		}
	}
	return total
}

// httpPost sends one JSON request and returns the body of a 200 answer.
func httpPost(url string, body []byte) ([]byte, error) {
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != 200 {
		return nil, fmt.Errorf("HTTP %d: %.300s", resp.StatusCode, b)
	}
	return b, nil
}

// neo4jPID returns the pid of the benchmark's Neo4j on port, from the pid file tools/neo4j/start.sh
// writes; 0 when there is none (cpuTicks then reads nothing).
func neo4jPID(port int) int {
	b, err := os.ReadFile(fmt.Sprintf("tools/neo4j/data/%d/neo4j.pid", port))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(b)))
	return pid
}
