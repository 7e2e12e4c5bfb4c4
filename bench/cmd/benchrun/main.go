// Command benchrun runs diplograph side by side with @neo4j/graphql and a hand-written Cypher HTTP
// handler on the same generated graph in its own Neo4j, checks that they answer alike, loads each
// in turn and writes a table, bench/out/<run>.json and PNG charts. See bench/README.md.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/storetest"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// sizes maps a size name to the entity count of the generated graph.
var sizes = map[string]int{"S": 10_000, "M": 100_000, "L": 1_000_000}

func generate(n int) *kg.Bundle { return storetest.Generate(n) }

// Result is one row of bench/out/<run>.json.
type Result struct {
	System     string   `json:"system"`
	Query      string   `json:"query"`
	Size       string   `json:"size"`
	RPS        float64  `json:"rps"`
	P50ms      float64  `json:"p50_ms"`
	P99ms      float64  `json:"p99_ms"`
	Errors     int64    `json:"errors"`
	Roundtrips *float64 `json:"roundtrips"`
	CPUmsReq   float64  `json:"cpu_ms_per_req"`
	RSSMB      float64  `json:"rss_mb"`
	NA         string   `json:"na,omitempty"`
}

func main() {
	if len(os.Args) > 1 && strings.HasPrefix(os.Args[1], "serve-") {
		fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
		addr := fs.String("addr", "127.0.0.1:0", "listen address")
		n := fs.Int("n", 10_000, "entities of the generated graph")
		uri := fs.String("neo4j-uri", "", "Neo4j URI")
		_ = fs.Parse(os.Args[2:])
		var err error
		if os.Args[1] == "serve-embedded" {
			err = serveEmbedded(*addr, *n)
		} else {
			err = serveHand(*addr, *uri)
		}
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cfg := config{}
	flag.StringVar(&cfg.sizes, "sizes", "S", "comma-separated graph sizes: S (10k entities), M (100k), L (1M)")
	flag.StringVar(&cfg.queries, "queries", "point,nested,search", "comma-separated queries: point, nested, search, path, neighborhood")
	flag.StringVar(&cfg.systems, "systems", strings.Join([]string{sysDiploNeo4j, sysDiploMem, sysHand, sysNG}, ","), "comma-separated systems")
	flag.IntVar(&cfg.conc, "concurrency", 8, "closed-loop workers")
	flag.DurationVar(&cfg.dur, "duration", 5*time.Second, "length of one closed-loop and one open-loop run of one system and query")
	flag.IntVar(&cfg.rounds, "rounds", 2, "rounds of alternation (A B A B)")
	flag.IntVar(&cfg.rate, "rate", 50, "requests/s of the open-loop (latency) runs")
	flag.StringVar(&cfg.out, "out", "bench/out/run.json", "JSON output; charts go next to it")
	flag.IntVar(&cfg.neo4jPort, "neo4j-port", 7751, "Bolt port of the benchmark's own Neo4j (started and stopped here)")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

type config struct {
	sizes, queries, systems, out  string
	conc, rounds, rate, neo4jPort int
	dur                           time.Duration
}

// child is one system under test: its process and base URL.
type child struct {
	name, url string
	cmd       *exec.Cmd
}

func run(cfg config) error {
	ctx := context.Background()
	root, err := os.Getwd()
	if err != nil {
		return err
	}
	logs := filepath.Join(filepath.Dir(cfg.out), "logs")
	if err := os.MkdirAll(logs, 0o755); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	// The benchmark's own Neo4j, auth off, so the shared test instance is never disturbed.
	env := append(os.Environ(), fmt.Sprintf("NEO4J_PORT=%d", cfg.neo4jPort), "NEO4J_AUTH=none")
	start := exec.Command("bash", "tools/neo4j/start.sh")
	start.Env, start.Stderr = env, os.Stderr
	if _, err := start.Output(); err != nil {
		return fmt.Errorf("starting Neo4j: %w", err)
	}
	defer func() {
		stop := exec.Command("bash", "tools/neo4j/stop.sh")
		stop.Env, stop.Stderr = env, os.Stderr
		_ = stop.Run()
	}()
	uri := fmt.Sprintf("bolt://127.0.0.1:%d", cfg.neo4jPort)

	var results []Result
	for _, size := range strings.Split(cfg.sizes, ",") {
		n, ok := sizes[size]
		if !ok {
			return fmt.Errorf("unknown size %q", size)
		}
		t0 := time.Now()
		b := generate(n)
		fmt.Fprintf(os.Stderr, "size %s: generated %d entities, %d relations in %s\n", size, len(b.Entities), len(b.Relations), time.Since(t0).Round(time.Millisecond))
		if err := load(ctx, uri, b); err != nil {
			return err
		}
		w := &workload{}
		for _, e := range b.Entities {
			if e.Kind == kg.KindPerson && len(w.people) < 200 {
				w.people = append(w.people, e.ID)
			}
		}
		w.searches = []string{"garcia", "ministry of trade", "maria lopez", "pacific", "energy plan", "smith", "agency", "jose"}

		var kids []*child
		port := 18760
		for _, sys := range strings.Split(cfg.systems, ",") {
			port++
			addr := fmt.Sprintf("127.0.0.1:%d", port)
			var cmd *exec.Cmd
			switch sys {
			case sysDiploNeo4j:
				cmd = exec.Command(filepath.Join(root, "bin/diplograph"), "serve", "--addr", addr, "--neo4j-uri", uri, "--log-format", "text")
			case sysDiploMem:
				cmd = exec.Command(self, "serve-embedded", "-addr", addr, "-n", fmt.Sprint(n))
			case sysHand:
				cmd = exec.Command(self, "serve-hand", "-addr", addr, "-neo4j-uri", uri)
			case sysNG:
				cmd = exec.Command("node", "bench/neo4j-graphql/server.mjs")
				cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, fmt.Sprintf("PORT=%d", port))
			default:
				return fmt.Errorf("unknown system %q", sys)
			}
			lf, err := os.Create(filepath.Join(logs, sys+"-"+size+".log"))
			if err != nil {
				return err
			}
			cmd.Stdout, cmd.Stderr = lf, lf
			if err := cmd.Start(); err != nil {
				return fmt.Errorf("starting %s: %w", sys, err)
			}
			k := &child{name: sys, url: "http://" + addr, cmd: cmd}
			kids = append(kids, k)
			defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait(); lf.Close() }()
		}
		for _, k := range kids {
			if err := waitUp(k, w); err != nil {
				return err
			}
		}
		for _, q := range strings.Split(cfg.queries, ",") {
			results = append(results, measure(cfg, size, q, kids, w)...)
		}
		for _, k := range kids {
			_ = k.cmd.Process.Kill()
		}
	}
	printTable(results)
	if err := writeJSON(cfg.out, results); err != nil {
		return err
	}
	return charts(strings.TrimSuffix(cfg.out, ".json"), results)
}

// load makes the benchmark Neo4j hold exactly b: when it holds another graph, it is wiped and b
// imported in batched transactions.
func load(ctx context.Context, uri string, b *kg.Bundle) error {
	drv, err := neo4j.NewDriverWithContext(uri, neo4j.NoAuth())
	if err != nil {
		return err
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv, `MATCH (n:Entity) RETURN count(n) AS n`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return err
	}
	rels, err := neo4j.ExecuteQuery(ctx, drv, `MATCH ()-[r]->() RETURN count(r) AS n`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return err
	}
	have, _ := res.Records[0].Values[0].(int64)
	haveRels, _ := rels.Records[0].Values[0].(int64)
	if have == int64(len(b.Entities)) && haveRels == int64(len(b.Relations)) {
		fmt.Fprintf(os.Stderr, "Neo4j already holds the %d entities\n", have)
		return nil
	}
	t0 := time.Now()
	sess := drv.NewSession(ctx, neo4j.SessionConfig{})
	r, err := sess.Run(ctx, `MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS`, nil)
	if err == nil {
		_, err = r.Consume(ctx)
	}
	sess.Close(ctx)
	if err != nil {
		return fmt.Errorf("wiping Neo4j: %w", err)
	}
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: uri, QueryTimeout: 10 * time.Minute})
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	if err := s.EnsureSchema(ctx); err != nil {
		return err
	}
	// Import checks every item against what is stored; ImportInParts keeps each transaction
	// within a default heap. A dedicated CREATE-only bulk loader would be faster for L.
	if _, err := s.ImportInParts(kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: "benchrun", Authenticated: true}), b, 0); err != nil {
		return fmt.Errorf("loading Neo4j: %w", err)
	}
	fmt.Fprintf(os.Stderr, "loaded Neo4j in %s\n", time.Since(t0).Round(time.Millisecond))
	return nil
}

// waitUp waits until k answers a point request, at most two minutes.
func waitUp(k *child, w *workload) error {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) {
		if _, err := ask(k, "point", w, 0); err == nil {
			return nil
		}
		time.Sleep(500 * time.Millisecond)
	}
	return fmt.Errorf("%s did not come up at %s (see bench/out/logs)", k.name, k.url)
}

func endpoint(k *child) string {
	if k.name == sysHand {
		return k.url + "/"
	}
	if k.name == sysNG {
		return k.url + "/"
	}
	return k.url + "/graphql"
}

// ask sends request i of query q to k and returns its canonical answer.
func ask(k *child, q string, w *workload, i int) (string, error) {
	resp, err := httpPost(endpoint(k), w.body(k.name, q, i))
	if err != nil {
		return "", err
	}
	return canonical(k.name, q, resp)
}

// measure checks the systems answer q alike, then loads them in alternation and returns a row each.
func measure(cfg config, size, q string, kids []*child, w *workload) []Result {
	var out []Result
	var live []*child
	var want string
	for _, k := range kids {
		if why, ok := notExpressible[[2]string{k.name, q}]; ok {
			out = append(out, Result{System: k.name, Query: q, Size: size, NA: why})
			continue
		}
		same := ""
		for i := range 3 {
			got, err := ask(k, q, w, i)
			if err != nil {
				same = err.Error()
				break
			}
			if k == kids[0] && i == 0 {
				want = got
			}
			ref, _ := ask(kids[0], q, w, i)
			if got != ref {
				same = fmt.Sprintf("answer differs from %s: %.300s ... vs %.300s", kids[0].name, got, ref)
				break
			}
		}
		if same != "" {
			fmt.Fprintf(os.Stderr, "%s %s: %s\n", k.name, q, same)
			out = append(out, Result{System: k.name, Query: q, Size: size, NA: "answers differ: not timed"})
			continue
		}
		live = append(live, k)
	}
	_ = want
	bodies := map[string][][]byte{}
	for _, k := range live {
		for i := range 64 {
			bodies[k.name] = append(bodies[k.name], w.body(k.name, q, i))
		}
		closedLoop(endpoint(k), bodies[k.name], cfg.conc, cfg.dur/2, 1<<20) // warm-up
	}
	type acc struct {
		n, errs    int64
		lat        []time.Duration
		wall       time.Duration
		ticks      int64
		q0, q1     float64
		openLat    []time.Duration
		openErrors int64
	}
	accs := map[string]*acc{}
	for _, k := range live {
		accs[k.name] = &acc{}
	}
	for range cfg.rounds {
		for _, k := range live {
			a := accs[k.name]
			c0, q0 := cpuTicks(k.cmd.Process.Pid), neo4jQueries(k.url)
			t0 := time.Now()
			n, errs, lat := closedLoop(endpoint(k), bodies[k.name], cfg.conc, cfg.dur, 1<<20)
			a.wall += time.Since(t0)
			a.ticks += cpuTicks(k.cmd.Process.Pid) - c0
			a.q1 += neo4jQueries(k.url) - q0
			a.n, a.errs, a.lat = a.n+n, a.errs+errs, append(a.lat, lat...)
		}
		for _, k := range live {
			a := accs[k.name]
			m := openLoop(endpoint(k), bodies[k.name], cfg.rate, cfg.dur)
			a.openErrors += int64(m.Requests) - int64(float64(m.Requests)*m.Success+0.5)
			a.openLat = append(a.openLat, m.Latencies.P50, m.Latencies.P99)
		}
	}
	for _, k := range live {
		a := accs[k.name]
		r := Result{System: k.name, Query: q, Size: size, Errors: a.errs + a.openErrors, RSSMB: peakRSSMB(k.cmd.Process.Pid)}
		if a.wall > 0 && a.n > 0 {
			r.RPS = float64(a.n) / a.wall.Seconds()
			r.CPUmsReq = float64(a.ticks) * 10 / float64(a.n)
		}
		// p50 and p99 of the open-loop runs: the worst round's, so drift does not flatter.
		for i := 0; i+1 < len(a.openLat); i += 2 {
			r.P50ms = max(r.P50ms, ms(a.openLat[i]))
			r.P99ms = max(r.P99ms, ms(a.openLat[i+1]))
		}
		var rt float64
		switch k.name {
		case sysDiploNeo4j:
			rt = a.q1 / float64(a.n)
		case sysDiploMem:
			rt = 0
		default:
			rt = 1 // one statement per request, by construction (hand) and by design (@neo4j/graphql)
		}
		r.Roundtrips = &rt
		out = append(out, r)
	}
	return out
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func printTable(rs []Result) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "size\tquery\tsystem\trps\tp50 ms\tp99 ms\terrors\tround trips\tCPU ms/req\tpeak RSS MB\t")
	for _, r := range rs {
		if r.NA != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\tn/a\t\t\t\t\t\t\t%s\n", r.Size, r.Query, r.System, r.NA)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.1f\t%.1f\t%d\t%.2f\t%.2f\t%.0f\t\n", r.Size, r.Query, r.System, r.RPS, r.P50ms, r.P99ms, r.Errors, *r.Roundtrips, r.CPUmsReq, r.RSSMB)
	}
	tw.Flush()
}

func writeJSON(path string, rs []Result) error {
	b, err := json.MarshalIndent(map[string]any{"results": rs}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
