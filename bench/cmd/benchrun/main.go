// Command benchrun runs diplograph side by side with @neo4j/graphql and a hand-written Cypher HTTP
// handler on the same generated graph in its own Neo4j, checks that they answer alike, loads each
// in turn and writes a table, bench/out/<run>.json and PNG charts. See bench/README.md.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// sizes maps a size name to the entity count of the generated graph.
var sizes = map[string]int{"S": 10_000, "M": 100_000, "L": 1_000_000}

func generate(n int) *kg.Bundle { return graphgen.Generate(n) }

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
	// Neo4jCPUmsReq is the benchmark Neo4j's CPU per request in the same closed-loop runs: where
	// the database's share of the work shows (0 for the embedded store, which does not use it).
	Neo4jCPUmsReq float64 `json:"neo4j_cpu_ms_per_req"`
	RSSMB         float64 `json:"rss_mb"`
	// RoundP50ms is each round's open-loop p50, in order: drift between rounds shows there.
	RoundP50ms []float64 `json:"round_p50_ms,omitempty"`
	// The warm-up before timing (warmup.go): requests sent, seconds, and whether latency settled
	// before -warmup-max.
	WarmupRequests int     `json:"warmup_requests,omitempty"`
	WarmupS        float64 `json:"warmup_s,omitempty"`
	WarmupSettled  bool    `json:"warmup_settled,omitempty"`
	NA             string  `json:"na,omitempty"`
}

// Load is one row of the "loads" of bench/out/<run>.json: how long the graph of one size took to
// generate and to load into each store. Neo4j figures are 0 when Neo4j already held the graph.
type Load struct {
	Size           string  `json:"size"`
	Entities       int     `json:"entities"`
	Relations      int     `json:"relations"`
	GenerateS      float64 `json:"generate_s"`
	GenerateHeapMB float64 `json:"generate_heap_mb"` // Go heap holding the generated bundle
	// Neo4j: loading a new, empty database, in all (Neo4jLoadS) and by step: with -load admin the
	// import files written (FilesS), neo4j-admin's import (ImportS, the entities and relations
	// per second over it) and the indexes built once Neo4j is up again; with -load bolt
	// neo4jstore.BulkLoad's entities and relations steps and indexes.
	LoadWith      string  `json:"neo4j_load_with"`
	Neo4jLoadS    float64 `json:"neo4j_load_s"`
	FilesS        float64 `json:"neo4j_files_s,omitempty"`
	ImportS       float64 `json:"neo4j_import_s,omitempty"`
	EntitiesPerS  float64 `json:"neo4j_entities_per_s"`
	RelationsPerS float64 `json:"neo4j_relations_per_s"`
	IndexesS      float64 `json:"neo4j_indexes_s"`
	// diplograph-embedded: its own generation and memstore.Load, in its process.
	EmbeddedGenerateS float64 `json:"embedded_generate_s"`
	EmbeddedLoadS     float64 `json:"embedded_load_s"`
	EmbeddedMemLimit  string  `json:"embedded_memlimit,omitempty"` // GOMEMLIMIT it ran with
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
	flag.StringVar(&cfg.memLimit, "embedded-memlimit", "", "GOMEMLIMIT of the diplograph-embedded process, e.g. 1400MiB (docs/embedded-store.md, Memory); empty: none")
	flag.DurationVar(&cfg.warmMax, "warmup-max", time.Minute, "longest warm-up of one system and query (warmup.go: until latency stops falling)")
	flag.StringVar(&cfg.out, "out", "bench/out/run.json", "JSON output; charts go next to it")
	flag.IntVar(&cfg.neo4jPort, "neo4j-port", 7751, "Bolt port of the benchmark's own Neo4j (started and stopped here; must be free)")
	flag.StringVar(&cfg.neo4jHeap, "neo4j-heap", "2g", "JVM heap of the benchmark's Neo4j (NEO4J_HEAP of tools/neo4j/start.sh)")
	flag.StringVar(&cfg.neo4jPageCache, "neo4j-pagecache", "3g", "page cache of the benchmark's Neo4j (NEO4J_PAGECACHE); size L's store is 3.9 GB on disk (bench/README.md)")
	flag.StringVar(&cfg.loadWith, "load", "admin", "how an empty Neo4j is loaded: admin (neo4j-admin database import on the stopped database, from neo4jstore.WriteImportFiles) or bolt (neo4jstore.BulkLoad)")
	flag.IntVar(&cfg.loadBatch, "load-batch", 0, "items per transaction of -load bolt (0: neo4jstore.DefaultBulkLoadItems)")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "benchrun:", err)
		os.Exit(1)
	}
}

type config struct {
	sizes, queries, systems, out, loadWith   string
	conc, rounds, rate, neo4jPort, loadBatch int
	neo4jHeap, neo4jPageCache, memLimit      string
	dur, warmMax                             time.Duration
}

// child is one system under test: its process, base URL and log.
type child struct {
	name, url string
	cmd       *exec.Cmd
	log       *os.File
}

func run(cfg config) error {
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
	db := &neo4jProc{port: cfg.neo4jPort, dir: filepath.Join(root, "tools/neo4j/data", fmt.Sprint(cfg.neo4jPort)),
		env: append(os.Environ(), fmt.Sprintf("NEO4J_PORT=%d", cfg.neo4jPort), "NEO4J_AUTH=none",
			"NEO4J_HEAP="+cfg.neo4jHeap, "NEO4J_PAGECACHE="+cfg.neo4jPageCache)}
	// The benchmark's own Neo4j, auth off. A port that answers already is someone else's Neo4j
	// (the shared test instance, another run's): it is never used, let alone wiped or stopped.
	if c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", cfg.neo4jPort), time.Second); err == nil {
		c.Close()
		return fmt.Errorf("port %d is in use: benchrun starts, wipes and stops a Neo4j of its own there; "+
			"pick a free -neo4j-port (or stop a Neo4j a failed run left: NEO4J_PORT=%d tools/neo4j/stop.sh)", cfg.neo4jPort, cfg.neo4jPort)
	}
	if err := db.start(); err != nil {
		return err
	}
	defer db.stop()

	var results []Result
	var loads []Load
	for _, size := range strings.Split(cfg.sizes, ",") {
		n, ok := sizes[size]
		if !ok {
			return fmt.Errorf("unknown size %q", size)
		}
		ld, w, err := prepare(cfg, db, size, n)
		if err != nil {
			return err
		}
		kids, err := startSystems(cfg, root, self, logs, db.uri(), size, n, w)
		if err != nil {
			return err
		}
		ld.EmbeddedGenerateS, ld.EmbeddedLoadS = embeddedTimes(filepath.Join(logs, sysDiploMem+"-"+size+".log"))
		ld.EmbeddedMemLimit = cfg.memLimit
		loads = append(loads, ld)
		for _, q := range strings.Split(cfg.queries, ",") {
			results = append(results, measure(cfg, size, q, kids, w)...)
		}
		for _, k := range kids {
			k.stop()
		}
		// What the sizes so far measured, in case a later one does not finish.
		if err := writeJSON(cfg.out, results, loads); err != nil {
			return err
		}
	}
	printTable(results)
	printLoads(loads)
	if err := writeJSON(cfg.out, results, loads); err != nil {
		return err
	}
	return charts(strings.TrimSuffix(cfg.out, ".json"), results)
}

// prepare generates the graph of size (n entities), makes the benchmark's Neo4j hold exactly it,
// and returns the times this took and the workload drawn from the graph. The bundle is dropped
// before the systems start, so that benchrun's own memory does not crowd them.
func prepare(cfg config, db *neo4jProc, size string, n int) (Load, *workload, error) {
	t0 := time.Now()
	b := generate(n)
	ld := Load{Size: size, Entities: len(b.Entities), Relations: len(b.Relations), GenerateS: time.Since(t0).Seconds()}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	ld.GenerateHeapMB = float64(ms.HeapAlloc) / (1 << 20)
	fmt.Fprintf(os.Stderr, "size %s: generated %d entities, %d relations in %.1f s (heap %.0f MB)\n",
		size, ld.Entities, ld.Relations, ld.GenerateS, ld.GenerateHeapMB)
	if err := load(cfg, db, b, &ld); err != nil {
		return ld, nil, err
	}
	w := &workload{searches: []string{"garcia", "ministry of trade", "maria lopez", "pacific", "energy plan", "smith", "agency", "jose"}}
	for _, e := range b.Entities {
		if e.Kind == kg.KindPerson && len(w.people) < 200 {
			w.people = append(w.people, e.ID)
		}
	}
	b = nil
	debug.FreeOSMemory()
	return ld, w, nil
}

// load makes the benchmark's Neo4j hold exactly b. When it holds another graph, it is stopped,
// its data folder removed and started again, so every size is loaded into a new database (as
// BulkLoad requires, and without the leftovers of deleting the previous graph).
func load(cfg config, db *neo4jProc, b *kg.Bundle, ld *Load) error {
	ctx := context.Background()
	nodes, entities, relations, err := db.counts(ctx)
	if err != nil {
		return err
	}
	if entities == int64(len(b.Entities)) && relations == int64(len(b.Relations)) {
		fmt.Fprintf(os.Stderr, "Neo4j holds the graph already (%d entities, %d relations): not loaded\n", entities, relations)
		return nil
	}
	if nodes > 0 && cfg.loadWith != "admin" { // neo4j-admin replaces the database itself
		db.stop()
		if err := os.RemoveAll(db.dir); err != nil {
			return err
		}
		if err := db.start(); err != nil {
			return err
		}
	}
	ld.LoadWith = cfg.loadWith
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: "benchrun", Authenticated: true})
	switch cfg.loadWith {
	case "admin":
		return loadAdmin(ctx, db, b, ld)
	case "bolt":
		return loadBolt(ctx, cfg, db, b, ld)
	}
	return fmt.Errorf("unknown -load %q: admin or bolt", cfg.loadWith)
}

// loadAdmin loads b into the empty database of db as an operator would a new deployment: the
// import files (neo4jstore.WriteImportFiles), neo4j-admin's offline import into the stopped
// database (tools/neo4j/admin.sh), then Neo4j started and the schema built (EnsureSchema).
func loadAdmin(ctx context.Context, db *neo4jProc, b *kg.Bundle, ld *Load) error {
	t0 := time.Now()
	dir, err := os.MkdirTemp("", "benchrun-import-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, err := neo4jstore.WriteImportFiles(ctx, b, dir)
	if err != nil {
		return fmt.Errorf("import files: %w", err)
	}
	t1 := time.Now()
	db.stop()
	// The importer's default memory is 90% of what is free, which a busy machine leaves little of.
	args := append(files.AdminArgs(""), "--max-off-heap-memory=2G", "--verbose")
	admin := exec.Command("bash", append([]string{"tools/neo4j/admin.sh"}, args...)...)
	admin.Env = append(db.env, "NEO4J_ADMIN_HEAP=2g")
	if out, err := admin.CombinedOutput(); err != nil {
		// A failed import leaves store files Neo4j cannot start on: the next run starts afresh.
		_ = os.RemoveAll(db.dir)
		return fmt.Errorf("neo4j-admin database import: %w\n%s", err, out)
	}
	t2 := time.Now()
	if err := db.start(); err != nil {
		return err
	}
	t3 := time.Now()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: db.uri(), QueryTimeout: time.Hour})
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	if err := s.EnsureSchema(ctx); err != nil {
		return fmt.Errorf("building the schema: %w", err)
	}
	end := time.Now()
	ld.Neo4jLoadS, ld.FilesS, ld.ImportS = end.Sub(t0).Seconds(), t1.Sub(t0).Seconds(), t2.Sub(t1).Seconds()
	ld.EntitiesPerS = float64(len(b.Entities)) / ld.ImportS
	ld.RelationsPerS = float64(len(b.Relations)) / ld.ImportS
	ld.IndexesS = end.Sub(t3).Seconds()
	fmt.Fprintf(os.Stderr, "loaded Neo4j in %.1f s: files %.1f s, neo4j-admin import %.1f s, start %.1f s, indexes %.1f s\n",
		ld.Neo4jLoadS, ld.FilesS, ld.ImportS, t3.Sub(t2).Seconds(), ld.IndexesS)
	return nil
}

// loadBolt loads b into the empty database of db with neo4jstore.BulkLoad: batched UNWIND
// transactions over Bolt, the way to load a database that is up.
func loadBolt(ctx context.Context, cfg config, db *neo4jProc, b *kg.Bundle, ld *Load) error {
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: db.uri(), ImportTimeout: time.Hour})
	if err != nil {
		return err
	}
	defer s.Close(ctx)
	t0 := time.Now()
	began := map[string]time.Time{}
	progress := func(p neo4jstore.BulkProgress) {
		if p.Done == 0 {
			began[p.Step] = time.Now()
			fmt.Fprintf(os.Stderr, "  bulk load: %s (%d) after %.1f s\n", p.Step, p.Total, time.Since(t0).Seconds())
		}
	}
	if _, err := s.BulkLoad(ctx, b, neo4jstore.BulkLoadOptions{ItemsPerTx: cfg.loadBatch, Progress: progress}); err != nil {
		return fmt.Errorf("loading Neo4j: %w", err)
	}
	end := time.Now()
	ld.Neo4jLoadS = end.Sub(t0).Seconds()
	ld.EntitiesPerS = float64(len(b.Entities)) / began["relations"].Sub(began["entities"]).Seconds()
	ld.RelationsPerS = float64(len(b.Relations)) / began["indexes"].Sub(began["relations"]).Seconds()
	ld.IndexesS = end.Sub(began["indexes"]).Seconds()
	fmt.Fprintf(os.Stderr, "loaded Neo4j in %.1f s: %.0f entities/s, %.0f relations/s, indexes %.1f s\n",
		ld.Neo4jLoadS, ld.EntitiesPerS, ld.RelationsPerS, ld.IndexesS)
	return nil
}

// neo4jProc is the benchmark's own Neo4j: tools/neo4j/start.sh and stop.sh on its port.
type neo4jProc struct {
	port int
	dir  string // its data folder
	env  []string
}

func (d *neo4jProc) uri() string { return fmt.Sprintf("bolt://127.0.0.1:%d", d.port) }

func (d *neo4jProc) start() error {
	start := exec.Command("bash", "tools/neo4j/start.sh")
	start.Env, start.Stderr = d.env, os.Stderr
	if _, err := start.Output(); err != nil {
		return fmt.Errorf("starting Neo4j: %w", err)
	}
	return nil
}

func (d *neo4jProc) stop() {
	stop := exec.Command("bash", "tools/neo4j/stop.sh")
	stop.Env, stop.Stderr = d.env, os.Stderr
	_ = stop.Run()
}

// counts returns how many nodes, entities and relationships the database holds.
func (d *neo4jProc) counts(ctx context.Context) (nodes, entities, relations int64, err error) {
	drv, err := neo4j.NewDriverWithContext(d.uri(), neo4j.NoAuth())
	if err != nil {
		return 0, 0, 0, err
	}
	defer drv.Close(ctx)
	res, err := neo4j.ExecuteQuery(ctx, drv, `
		CALL () { MATCH (n) RETURN count(n) AS nodes }
		CALL () { MATCH (:Entity) RETURN count(*) AS entities }
		CALL () { MATCH ()-[r]->() RETURN count(r) AS relations }
		RETURN nodes, entities, relations`, nil, neo4j.EagerResultTransformer)
	if err != nil {
		return 0, 0, 0, err
	}
	nodes, _ = res.Records[0].Values[0].(int64)
	entities, _ = res.Records[0].Values[1].(int64)
	relations, _ = res.Records[0].Values[2].(int64)
	return nodes, entities, relations, nil
}

// startSystems starts every system of cfg over the graph of size (n entities) and waits until
// each answers.
func startSystems(cfg config, root, self, logs, uri, size string, n int, w *workload) ([]*child, error) {
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
			if cfg.memLimit != "" {
				cmd.Env = append(os.Environ(), "GOMEMLIMIT="+cfg.memLimit)
			}
		case sysHand:
			cmd = exec.Command(self, "serve-hand", "-addr", addr, "-neo4j-uri", uri)
		case sysNG:
			cmd = exec.Command("node", "bench/neo4j-graphql/server.mjs")
			cmd.Env = append(os.Environ(), "NEO4J_URI="+uri, fmt.Sprintf("PORT=%d", port))
		default:
			stopAll(kids)
			return nil, fmt.Errorf("unknown system %q", sys)
		}
		lf, err := os.Create(filepath.Join(logs, sys+"-"+size+".log"))
		if err != nil {
			stopAll(kids)
			return nil, err
		}
		cmd.Stdout, cmd.Stderr = lf, lf
		if err := cmd.Start(); err != nil {
			lf.Close()
			stopAll(kids)
			return nil, fmt.Errorf("starting %s: %w", sys, err)
		}
		kids = append(kids, &child{name: sys, url: "http://" + addr, cmd: cmd, log: lf})
	}
	// The embedded store generates and loads the graph itself: about a minute a million entities.
	up := 2*time.Minute + time.Duration(n/1000)*200*time.Millisecond
	for _, k := range kids {
		if err := waitUp(k, w, up); err != nil {
			stopAll(kids)
			return nil, err
		}
	}
	return kids, nil
}

func stopAll(kids []*child) {
	for _, k := range kids {
		k.stop()
	}
}

// stop ends the child process and closes its log.
func (k *child) stop() {
	_ = k.cmd.Process.Kill()
	_ = k.cmd.Wait()
	k.log.Close()
}

// embeddedTimes reads the generation and load times serve-embedded logged.
func embeddedTimes(log string) (generate, load float64) {
	f, err := os.Open(log)
	if err != nil {
		return 0, 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if _, err := fmt.Sscanf(sc.Text(), embeddedTimesFormat, &generate, &load); err == nil {
			return generate, load
		}
	}
	return 0, 0
}

// waitUp waits until k answers a point request, at most d.
func waitUp(k *child, w *workload, d time.Duration) error {
	deadline := time.Now().Add(d)
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

// checks is how many of the parameter sets requests cycle through are checked for equal answers
// before timing: every search, and as many people for the other queries.
const checks = 8

// measure checks the systems answer q alike, then loads them in alternation and returns a row each.
func measure(cfg config, size, q string, kids []*child, w *workload) []Result {
	var out []Result
	var live []*child
	var refs []string // the answers of the first system that gave them all: the reference
	for _, k := range kids {
		if why, ok := notExpressible[[2]string{k.name, q}]; ok {
			out = append(out, Result{System: k.name, Query: q, Size: size, NA: why})
			continue
		}
		differs := ""
		var answers []string
		for i := range checks {
			got, err := ask(k, q, w, i)
			if err != nil {
				differs = err.Error()
				break
			}
			if refs != nil && got != refs[i] {
				differs = fmt.Sprintf("answer %d differs from %s's: %.300s ... vs %.300s", i, live[0].name, got, refs[i])
				break
			}
			answers = append(answers, got)
		}
		if differs == "" && refs == nil {
			refs = answers
		}
		if differs != "" {
			fmt.Fprintf(os.Stderr, "%s %s: %s\n", k.name, q, differs)
			out = append(out, Result{System: k.name, Query: q, Size: size, NA: "answers differ: not timed"})
			continue
		}
		live = append(live, k)
	}
	bodies := map[string][][]byte{}
	warms := map[string]warm{}
	for _, k := range live {
		for i := range 64 {
			bodies[k.name] = append(bodies[k.name], w.body(k.name, q, i))
		}
		wu := warmUp(endpoint(k), bodies[k.name], cfg.conc, cfg.warmMax)
		warms[k.name] = wu
		fmt.Fprintf(os.Stderr, "%s %s %s: warmed in %d requests, %d rounds, %.1f s (settled: %v)\n",
			size, q, k.name, wu.requests, wu.rounds, wu.seconds, wu.settled)
	}
	type acc struct {
		n, errs    int64
		lat        []time.Duration
		wall       time.Duration
		ticks      int64
		neoTicks   int64
		q1         float64
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
			neo := neo4jPID(cfg.neo4jPort)
			c0, q0, n0 := cpuTicks(k.cmd.Process.Pid), neo4jQueries(k.url), cpuTicks(neo)
			t0 := time.Now()
			n, errs, lat := closedLoop(endpoint(k), bodies[k.name], cfg.conc, cfg.dur, 1<<20)
			a.wall += time.Since(t0)
			a.ticks += cpuTicks(k.cmd.Process.Pid) - c0
			if k.name != sysDiploMem {
				a.neoTicks += cpuTicks(neo) - n0
			}
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
		wu := warms[k.name]
		r := Result{System: k.name, Query: q, Size: size, Errors: a.errs + a.openErrors, RSSMB: peakRSSMB(k.cmd.Process.Pid),
			WarmupRequests: wu.requests, WarmupS: wu.seconds, WarmupSettled: wu.settled}
		if a.wall > 0 && a.n > 0 {
			r.RPS = float64(a.n) / a.wall.Seconds()
			r.CPUmsReq = float64(a.ticks) * 10 / float64(a.n)
			r.Neo4jCPUmsReq = float64(a.neoTicks) * 10 / float64(a.n)
		}
		// p50 and p99 of the open-loop runs: the worst round's, so drift does not flatter.
		for i := 0; i+1 < len(a.openLat); i += 2 {
			r.P50ms = max(r.P50ms, ms(a.openLat[i]))
			r.P99ms = max(r.P99ms, ms(a.openLat[i+1]))
			r.RoundP50ms = append(r.RoundP50ms, ms(a.openLat[i]))
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
	fmt.Fprintln(tw, "size\tquery\tsystem\trps\tp50 ms\tp99 ms\terrors\tround trips\tCPU ms/req\tNeo4j CPU ms/req\tpeak RSS MB\t")
	for _, r := range rs {
		if r.NA != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\tn/a\t\t\t\t\t\t\t\t%s\n", r.Size, r.Query, r.System, r.NA)
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.1f\t%.1f\t%d\t%.2f\t%.2f\t%.2f\t%.0f\t\n", r.Size, r.Query, r.System, r.RPS, r.P50ms, r.P99ms, r.Errors, *r.Roundtrips, r.CPUmsReq, r.Neo4jCPUmsReq, r.RSSMB)
	}
	tw.Flush()
}

// printLoads writes the generation and load times of each size to stdout.
func printLoads(ls []Load) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "size\tentities\trelations\tgenerate s\theap MB\tNeo4j load\ts\tfiles s\timport s\tentities/s\trelations/s\tindexes s\tembedded generate s\tembedded load s\t")
	for _, l := range ls {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.0f\t%s\t%.1f\t%.1f\t%.1f\t%.0f\t%.0f\t%.1f\t%.1f\t%.1f\t\n", l.Size, l.Entities, l.Relations,
			l.GenerateS, l.GenerateHeapMB, l.LoadWith, l.Neo4jLoadS, l.FilesS, l.ImportS, l.EntitiesPerS, l.RelationsPerS, l.IndexesS, l.EmbeddedGenerateS, l.EmbeddedLoadS)
	}
	tw.Flush()
}

func writeJSON(path string, rs []Result, ls []Load) error {
	b, err := json.MarshalIndent(map[string]any{"results": rs, "loads": ls}, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}
