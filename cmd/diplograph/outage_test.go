package main

import (
	"context"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/metrics"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

// The Neo4j outage test starts a Neo4j of its own with the project's launcher (tools/neo4j), on a
// private port so that the shared test instance is never touched: DIPLOGRAPH_OUTAGE_NEO4J_PORT,
// default 7731. It needs Java 17+ and Maven, like `make test`, and fails without them.
const defaultOutagePort = "7731"

// The outage test's own Neo4j runs with authentication, as a real one does.
const (
	outageUser     = "neo4j"
	outagePassword = "password"
)

// neo4jLauncher runs tools/neo4j/start.sh and stop.sh for one port.
type neo4jLauncher struct {
	t    *testing.T
	port string
	dir  string
}

// outageNeo4j is the launcher of the Neo4j on DIPLOGRAPH_OUTAGE_NEO4J_PORT, which the tests that
// stop, restart or replace a Neo4j use (never the shared test Neo4j: a package's tests run one at
// a time, so they share it). It is stopped when the test ends.
func outageNeo4j(t *testing.T) neo4jLauncher {
	t.Helper()
	port := os.Getenv("DIPLOGRAPH_OUTAGE_NEO4J_PORT")
	if port == "" {
		port = defaultOutagePort
	}
	if port == "7687" {
		t.Fatal("DIPLOGRAPH_OUTAGE_NEO4J_PORT must not be the shared test Neo4j's port 7687: this test stops its Neo4j")
	}
	dir, err := filepath.Abs("../../tools/neo4j")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd := exec.Command("bash", filepath.Join(dir, "stop.sh"))
		cmd.Env = append(os.Environ(), "NEO4J_PORT="+port)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("stopping the Neo4j on port %s: %v\n%s", port, err, out)
		}
	})
	return neo4jLauncher{t: t, port: port, dir: dir}
}

func (l neo4jLauncher) run(script string) {
	l.t.Helper()
	start := time.Now()
	cmd := exec.Command("bash", filepath.Join(l.dir, script))
	cmd.Env = append(os.Environ(), "NEO4J_PORT="+l.port, "NEO4J_AUTH="+outageUser+"/"+outagePassword)
	out, err := cmd.CombinedOutput()
	if err != nil {
		l.t.Fatalf("tools/neo4j/%s (NEO4J_PORT=%s) failed after %s: %v\n%s", script, l.port, time.Since(start).Round(time.Millisecond), err, out)
	}
	l.t.Logf("tools/neo4j/%s (NEO4J_PORT=%s) took %s", script, l.port, time.Since(start).Round(time.Millisecond))
}

func (l neo4jLauncher) start() { l.run("start.sh") }
func (l neo4jLauncher) stop()  { l.run("stop.sh") }

// outageQuery reads three levels of the graph, so each request costs several Neo4j round trips.
const outageQuery = `query Outage { meetings(first: 5, sort: [{date: ASC}]) { edges { node { name
	attendances { role person { name } } } } } }`

// requestRecord is what one load request got.
type requestRecord struct {
	phase    string // "before", "outage" or "after"
	ok       bool
	codes    []string
	err      error // transport error or undecodable answer
	start    time.Time
	duration time.Duration
}

// When Neo4j stops under load and comes back on the same port, every request either succeeds or
// gets a coded SERVICE_UNAVAILABLE or TIMEOUT error, quickly; liveness stays up, readiness goes down
// and comes back; the server recovers by itself, and the data is intact.
func TestNeo4jOutage(t *testing.T) {
	neo := outageNeo4j(t)
	neo.start()
	uri := "bolt://127.0.0.1:" + neo.port

	// Load the built-in dataset into a clean database and fingerprint it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	before := loadAndDump(ctx, t, uri, true)

	logs := &logBuffer{}
	m := &Main{
		Config: testConfig(t, map[string]string{"NEO4J_URI": uri, "NEO4J_USERNAME": outageUser, "NEO4J_PASSWORD": outagePassword}),
		Log:    slog.New(slog.NewJSONHandler(logs, nil)),
	}
	startMain(t, m)
	base := m.URL()
	client := &http.Client{Timeout: 15 * time.Second} // a request that hangs this long fails the test

	// Bounded load: 4 workers, one request every 100ms each, at most 1500 each, until told to stop
	// or 6 minutes pass.
	var phase atomic.Value
	phase.Store("before")
	var (
		mu      sync.Mutex
		records []requestRecord
		wg      sync.WaitGroup
	)
	stop := make(chan struct{})
	deadline := time.Now().Add(6 * time.Minute)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 1500 && time.Now().Before(deadline); i++ {
				select {
				case <-stop:
					return
				default:
				}
				p := phase.Load().(string)
				start := time.Now()
				res, err := postQuery(client, base, outageQuery)
				rec := requestRecord{phase: p, err: err, start: start, duration: time.Since(start), codes: res.codes()}
				rec.ok = err == nil && res.Status == http.StatusOK && len(res.Errors) == 0 && strings.Contains(string(res.Data), "14th Plenary")
				mu.Lock()
				records = append(records, rec)
				mu.Unlock()
				time.Sleep(100 * time.Millisecond)
			}
		}()
	}
	successes := func(p string) int {
		mu.Lock()
		defer mu.Unlock()
		n := 0
		for _, r := range records {
			if r.phase == p && r.ok {
				n++
			}
		}
		return n
	}

	if !waitFor(90*time.Second, func() bool { return successes("before") >= 20 }) {
		t.Fatalf("fewer than 20 requests succeeded before the outage")
	}
	if s := getStatus(t, client, base, "/readyz"); s != http.StatusOK {
		t.Fatalf("/readyz before the outage = %d, want 200", s)
	}

	phase.Store("outage")
	t0 := time.Now()
	events := map[string]time.Duration{}
	neo.stop()
	events["stopped"] = time.Since(t0)
	if !waitFor(15*time.Second, func() bool { return getStatus(t, client, base, "/readyz") == http.StatusServiceUnavailable }) {
		t.Errorf("/readyz did not turn 503 while Neo4j was down")
	}
	if s := getStatus(t, client, base, "/healthz"); s != http.StatusOK {
		t.Errorf("/healthz while Neo4j is down = %d, want 200 (liveness must not depend on Neo4j)", s)
	}
	time.Sleep(3 * time.Second) // keep the load on the server while Neo4j is down

	events["starting"] = time.Since(t0)
	neo.start()
	events["started"] = time.Since(t0)
	phase.Store("after")
	if !waitFor(90*time.Second, func() bool { return getStatus(t, client, base, "/readyz") == http.StatusOK }) {
		t.Fatalf("/readyz did not return to 200 within 90s of Neo4j coming back")
	}
	if !waitFor(90*time.Second, func() bool { return successes("after") >= 20 }) {
		t.Errorf("fewer than 20 requests succeeded within 90s of Neo4j coming back: the server did not recover")
	}
	close(stop)
	wg.Wait()

	// Every request succeeded or got a coded error that says what happened.
	var outageErrors []time.Duration
	counts := map[string]int{}
	for _, r := range records {
		switch {
		case r.err != nil:
			t.Errorf("%s: request sent at %s (events %v) failed without a GraphQL answer after %s: %v", r.phase, r.start.Sub(t0), events, r.duration, r.err)
		case r.ok:
			counts[r.phase+" ok"]++
		default:
			for _, c := range r.codes {
				counts[r.phase+" "+c]++
				if c != kg.CodeServiceUnavailable && c != kg.CodeTimeout {
					t.Errorf("%s: a request got error code %q, want SERVICE_UNAVAILABLE or TIMEOUT", r.phase, c)
				}
			}
			if len(r.codes) == 0 {
				t.Errorf("%s: a request failed without an error", r.phase)
			}
			if r.phase == "outage" {
				outageErrors = append(outageErrors, r.duration)
			}
		}
	}
	t.Logf("requests: %d; by phase and outcome: %v", len(records), counts)
	if len(outageErrors) == 0 {
		t.Errorf("no request failed while Neo4j was down: the outage was not observed")
	} else {
		sort.Slice(outageErrors, func(i, j int) bool { return outageErrors[i] < outageErrors[j] })
		t.Logf("failed requests while Neo4j was down: %d, median %s, max %s",
			len(outageErrors), outageErrors[len(outageErrors)/2].Round(time.Millisecond), outageErrors[len(outageErrors)-1].Round(time.Millisecond))
	}

	// The errors are counted, and the driver's text stayed in the log.
	if v := metricValue(t, client, base, metrics.GraphQLErrors, `code="SERVICE_UNAVAILABLE"`); v == 0 {
		t.Errorf("%s{code=SERVICE_UNAVAILABLE} = 0 after the outage", metrics.GraphQLErrors)
	}
	for _, outcome := range []string{"ok", "error"} {
		if v := metricValue(t, client, base, metrics.Neo4jQueries, `op="read"`, `outcome="`+outcome+`"`); v == 0 {
			t.Errorf("%s{op=read,outcome=%s} = 0, want read queries of both outcomes", metrics.Neo4jQueries, outcome)
		}
	}
	if !strings.Contains(logs.String(), `"code":"SERVICE_UNAVAILABLE"`) {
		t.Errorf("the log has no SERVICE_UNAVAILABLE request error")
	}

	// The data is intact.
	if after := loadAndDump(ctx, t, uri, false); after != before {
		t.Errorf("the graph changed across the outage:\nbefore: %d bytes\nafter:  %d bytes", len(before), len(after))
	}
}

// loadAndDump opens the Neo4j at uri, replaces its data with the built-in dataset when load is
// set, and returns storetest.Dump of it.
func loadAndDump(ctx context.Context, t *testing.T, uri string, load bool) string {
	t.Helper()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, Username: outageUser, Password: outagePassword, QueryTimeout: 5 * time.Minute, ConnectTimeout: 30 * time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", uri, err)
	}
	defer s.Close(context.WithoutCancel(ctx))
	if load {
		b, err := dataset.Bundle()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteAll(ctx); err != nil {
			t.Fatalf("wipe: %v", err)
		}
		if err := s.EnsureSchema(ctx); err != nil {
			t.Fatalf("schema: %v", err)
		}
		if _, err := s.Import(ctx, b, kg.ImportOptions{}); err != nil {
			t.Fatalf("import: %v", err)
		}
	}
	d, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatalf("dump: %v", err)
	}
	if !load && d == "" {
		t.Fatal("the graph is empty after the outage")
	}
	return d
}
