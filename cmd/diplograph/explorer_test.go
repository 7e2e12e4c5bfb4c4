package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
)

// The browser tests drive Debian's Chromium through playwright-core (web/node_modules) against the
// real program serving the embedded store. `make e2e-deps` installs what they need; without it
// they fail and say so.

// webDir is the front end's folder, relative to this package.
const webDir = "../../web"

// browserDeps returns node's path, or fails the test naming the missing piece.
func browserDeps(tb testing.TB) string {
	tb.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		tb.Fatal("node is not installed; the browser tests need Node.js 20+ (then `make e2e-deps`)")
	}
	if _, err := os.Stat(filepath.Join(webDir, "node_modules", "playwright-core", "package.json")); err != nil {
		tb.Fatal("web/node_modules lacks playwright-core: run `make e2e-deps` (npm ci in web/)")
	}
	chromium := os.Getenv("CHROMIUM")
	if chromium == "" {
		chromium = "/usr/bin/chromium"
	}
	if _, err := os.Stat(chromium); err != nil {
		tb.Fatalf("%s is missing: run `make e2e-deps` (apt-get install chromium)", chromium)
	}
	return node
}

// runNode runs node with args in web/ and env added, streaming its output to the test log, and
// returns its standard output.
func runNode(ctx context.Context, tb testing.TB, node string, args []string, env ...string) string {
	tb.Helper()
	cmd := exec.CommandContext(ctx, node, args...)
	cmd.Dir = webDir
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout = io.MultiWriter(&out, testWriter{tb})
	cmd.Stderr = testWriter{tb}
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		tb.Fatalf("node %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

type testWriter struct{ tb testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	for _, line := range strings.Split(strings.TrimRight(string(p), "\n"), "\n") {
		w.tb.Log(line)
	}
	return len(p), nil
}

// screenshotDir is where the browser tests save screenshots: $SCREENSHOTS (`make screenshots`
// sets docs/screenshots) or a temporary folder.
func screenshotDir(tb testing.TB) string {
	if d := os.Getenv("SCREENSHOTS"); d != "" {
		abs, err := filepath.Abs(d)
		if err != nil {
			tb.Fatal(err)
		}
		return abs
	}
	return tb.TempDir()
}

// TestExplorerInBrowser walks the explorer and GraphiQL in headless Chromium (web/e2e/
// explorer.spec.mjs) against the real program on the embedded store with the built-in data set;
// at the end it imports a further release (testdata/releases) to see disagreements shown.
func TestExplorerInBrowser(t *testing.T) {
	node := browserDeps(t)
	const editorKey = "e2e-editor-key-0123456789abcdef"
	release, err := filepath.Abs(filepath.Join("testdata", "releases", "15th-plenary-2023.json"))
	if err != nil {
		t.Fatal(err)
	}
	m := &Main{
		Config: testConfig(t, map[string]string{"DIPLOGRAPH_API_KEYS": "editor:" + editorKey}),
		Log:    slog.New(slog.DiscardHandler),
	}
	if err := m.Open(t.Context()); err != nil {
		t.Fatalf("Open: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve() }()
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	runNode(ctx, t, node, []string{"e2e/explorer.spec.mjs"}, "DIPLOGRAPH_URL="+m.URL(), "SCREENSHOTS="+screenshotDir(t),
		"EDITOR_KEY="+editorKey, "RELEASE_BUNDLE="+release)
}

// TestWebUnits runs the front end's unit tests (web/test, node's test runner; no browser).
func TestWebUnits(t *testing.T) {
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed; the front end's tests need Node.js 20+")
	}
	runNode(t.Context(), t, node, []string{"--test", "test/"})
}

// serveHandler serves h on a free loopback port until the test ends and returns its base URL.
func serveHandler(tb testing.TB, h http.Handler) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	tb.Cleanup(func() {
		_ = srv.Shutdown(context.Background())
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			tb.Errorf("Serve: %v", err)
		}
	})
	return fmt.Sprintf("http://%s", ln.Addr())
}

// BenchmarkExplorerDraw10k measures the explorer in headless Chromium on a generated graph of
// 10,000 entities (embedded store): the 1-hop and 2-hop neighborhoods of the most connected
// entity (the API returns at most 100 nodes), the expansion of its most connected neighbor (a
// tap), and a link that opens the 2-hop view with its ten most connected neighbors expanded. It
// reports the page's own timings (web/e2e/draw.mjs): ms from request to drawn, of which ms laying
// out, and the nodes and edges drawn.
func BenchmarkExplorerDraw10k(b *testing.B) {
	node := browserDeps(b)
	bundle := graphgen.Generate(10_000)
	store, err := memstore.Load(bundle)
	if err != nil {
		b.Fatal(err)
	}
	hub, neighbors := mostConnected(bundle, 10)
	base := serveHandler(b, server.New(server.Config{}, store, slog.New(slog.DiscardHandler)))
	b.ResetTimer()
	out := runNode(b.Context(), b, node, []string{"e2e/draw.mjs"}, "DIPLOGRAPH_URL="+base, "HUB="+hub,
		"EXPAND="+strings.Join(neighbors, ","), fmt.Sprintf("ITERATIONS=%d", b.N))
	b.StopTimer()

	type draw struct {
		View                       string
		Nodes, Edges               int
		FetchMs, LayoutMs, TotalMs float64
		Hash                       string
	}
	sums := map[string]*draw{}
	var order []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var d draw
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			b.Fatalf("draw.mjs printed %q: %v", line, err)
		}
		key := d.View
		if key == "neighborhood" {
			key = map[bool]string{true: "hop1", false: "hop2"}[strings.Contains(d.Hash, "hops=1")]
		}
		s, ok := sums[key]
		if !ok {
			s = &draw{}
			sums[key] = s
			order = append(order, key)
		}
		s.Nodes, s.Edges = d.Nodes, d.Edges
		s.FetchMs += d.FetchMs
		s.LayoutMs += d.LayoutMs
		s.TotalMs += d.TotalMs
	}
	if len(order) != 4 {
		b.Fatalf("draw.mjs measured %v, want hop1, hop2, expand and link", order)
	}
	for _, k := range order {
		s := sums[k]
		n := float64(b.N)
		b.ReportMetric(s.TotalMs/n, "ms/"+k+"-draw")
		b.ReportMetric(s.LayoutMs/n, "ms/"+k+"-layout")
		b.ReportMetric(float64(s.Nodes), k+"-nodes")
		b.ReportMetric(float64(s.Edges), k+"-edges")
	}
}

// mostConnected returns the entity of b with the most relations and its n most connected
// neighbors, most connected first (ties by id).
func mostConnected(b *kg.Bundle, n int) (hub string, neighbors []string) {
	degree := map[string]int{}
	for _, r := range b.Relations {
		degree[r.From]++
		degree[r.To]++
	}
	for id, d := range degree {
		if d > degree[hub] || d == degree[hub] && id < hub {
			hub = id
		}
	}
	seen := map[string]bool{}
	for _, r := range b.Relations {
		for _, other := range []string{r.From, r.To} {
			if (r.From == hub || r.To == hub) && other != hub && !seen[other] {
				seen[other] = true
				neighbors = append(neighbors, other)
			}
		}
	}
	slices.SortFunc(neighbors, func(x, y string) int {
		return cmp.Or(cmp.Compare(degree[y], degree[x]), strings.Compare(x, y))
	})
	return hub, neighbors[:min(n, len(neighbors))]
}
