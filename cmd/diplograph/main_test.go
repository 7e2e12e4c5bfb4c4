package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// testConfig returns the configuration serve would build from env and args, listening on a free
// loopback port.
func testConfig(t *testing.T, env map[string]string, args ...string) Config {
	t.Helper()
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.bindFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(append([]string{"--addr", "127.0.0.1:0"}, args...)); err != nil {
		t.Fatalf("parse flags: %v", err)
	}
	return c
}

// logBuffer is a concurrency-safe log sink for tests that read the log.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startMain opens m and serves it until the test ends.
func startMain(t *testing.T, m *Main) {
	t.Helper()
	if m.Log == nil {
		m.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if err := m.Open(t.Context()); err != nil {
		t.Fatalf("Main.Open: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve() }()
	t.Cleanup(func() {
		_ = m.Close()
		if err := <-served; err != nil {
			t.Errorf("Main.Serve: %v", err)
		}
	})
}

// gqlResult is a decoded GraphQL response.
type gqlResult struct {
	Status int
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// codes returns the extensions.code of every error of r.
func (r gqlResult) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// postQuery posts query to the server at base with client and decodes the answer.
func postQuery(client *http.Client, base, query string) (gqlResult, error) {
	body, _ := json.Marshal(map[string]any{"query": query})
	res, err := client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return gqlResult{}, err
	}
	defer res.Body.Close()
	var r gqlResult
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil {
		return gqlResult{}, err
	}
	r.Status = res.StatusCode
	return r, nil
}

// getStatus returns the status code of GET base+path.
func getStatus(t *testing.T, client *http.Client, base, path string) int {
	t.Helper()
	res, err := client.Get(base + path)
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// waitFor polls cond every 200ms until it holds or timeout passes, and reports whether it held.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// metricValue returns the sum of the samples of the metric name whose labels include every
// label="value" pair of labels, from the Prometheus text exposition at base/metrics.
func metricValue(t *testing.T, client *http.Client, base, name string, labels ...string) float64 {
	t.Helper()
	res, err := client.Get(base + "/metrics")
	if err != nil {
		t.Fatalf("GET /metrics: %v", err)
	}
	defer res.Body.Close()
	text, _ := io.ReadAll(res.Body)
	total := 0.0
	for _, line := range strings.Split(string(text), "\n") {
		if !strings.HasPrefix(line, name+"{") && !strings.HasPrefix(line, name+" ") {
			continue
		}
		ok := true
		for _, l := range labels {
			ok = ok && strings.Contains(line, l)
		}
		if !ok {
			continue
		}
		var v float64
		fields := strings.Fields(line)
		if err := json.Unmarshal([]byte(fields[len(fields)-1]), &v); err == nil {
			total += v
		}
	}
	return total
}
