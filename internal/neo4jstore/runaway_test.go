package neo4jstore_test

import (
	"context"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
)

// runaway is an analyst statement that would run away, and the codes it may end with: the guard
// refuses what Neo4j could not stop (CYPHER_UNBOUNDED); Neo4j stops the rest at the time limit
// (CYPHER_TIMEOUT) or the memory limit of one transaction (COST_LIMIT), whichever comes first on
// a loaded machine.
type runaway struct {
	name   string
	text   string
	codes  []string
	limit  int // rows asked for; 0 means 10
	params map[string]any
}

var (
	refused = []string{kg.CodeCypherUnbounded}
	stopped = []string{kg.CodeCypherTimeout, kg.CodeCostLimit}
)

// runaways are the statement of issue 17 and seventeen of its kind.
var runaways = []runaway{
	{"issue 17: reduce over 50M", "RETURN size(reduce(s = [], x IN range(1, 50000000) | s + x)) AS n", refused, 0, nil},
	{"string doubling in reduce", "RETURN size(reduce(s = 'x', i IN range(1, 40) | s + s)) AS n", refused, 0, nil},
	{"list doubling in reduce", "RETURN size(reduce(l = [1], i IN range(1, 40) | l + l)) AS n", refused, 0, nil},
	{"quantifier over 10^10", "RETURN any(x IN range(1, 10000000000) WHERE x < 0) AS n", refused, 0, nil},
	{"comprehension over 10^8", "RETURN size([x IN range(1, 100000000) | [x, x]]) AS n", refused, 0, nil},
	{"huge range returned", "RETURN range(1, 1000000000) AS l", refused, 0, nil},
	{"range from a parameter", "WITH 1000000000 AS n RETURN size(range(1, n)) AS l", refused, 0, nil},
	{"nested comprehensions", "MATCH (n) WITH collect(n) AS ns RETURN size([a IN ns | [b IN ns | [c IN ns | 1]]]) AS n", refused, 0, nil},
	{"quantifier in a comprehension", "MATCH (n) WITH collect(n.name) AS ns RETURN size([a IN ns WHERE any(b IN ns WHERE b + a = a + b + 'x')]) AS n", refused, 0, nil},
	{"huge UNWIND", "UNWIND range(1, 10000000000) AS i WITH i WHERE i < 0 RETURN i", stopped, 0, nil},
	{"UNWIND cartesian", "UNWIND range(1, 100000) AS a UNWIND range(1, 100000) AS b WITH a, b WHERE a = -b RETURN count(*) AS n", stopped, 0, nil},
	{"cartesian product", "MATCH (a), (b), (c), (d), (e), (f) WHERE a.name < b.name AND c.name <> d.name AND e.name <> f.name RETURN count(*) AS n", stopped, 0, nil},
	{"deep variable-length paths", "MATCH p = (a)-[*]-(b) RETURN count(p) AS n", stopped, 0, nil},
	{"all shortest paths of all pairs, fifty times", "MATCH (a), (b), (c) WHERE a <> b MATCH p = allShortestPaths((a)-[*]-(b)) RETURN count(p) AS n", stopped, 0, nil},
	{"sort of 10^8 rows", "UNWIND range(1, 100000000) AS x WITH x ORDER BY x DESC RETURN x", stopped, 0, nil},
	{"collect of 10^8 strings", "UNWIND range(1, 100000000) AS x RETURN size(collect(toString(x) + ' padding padding')) AS n", stopped, 0, nil},
	{"DISTINCT of 10^8", "UNWIND range(1, 100000000) AS x RETURN count(DISTINCT x) AS n", stopped, 0, nil},
	// Each row is fine; 10,000 of them would be 10 GB in the API's memory.
	{"answer of 10 GB", "UNWIND range(1, 10000) AS i RETURN i, $text AS text", []string{kg.CodeCostLimit}, kg.MaxCypherLimit,
		map[string]any{"text": strings.Repeat("x", 1<<20)}},
}

// TestRunaways runs every runaway statement against the real Neo4j, one after the other, while a
// reader asks Neo4j for counts through the store's own pool. Each statement must end with one of
// its codes, the reader must never fail, and Neo4j must answer the reader right after each
// statement ends. At the end no analyst statement may be left running in Neo4j.
func TestRunaways(t *testing.T) {
	s := neo4jtest.Store(t, graphgen.Generate(300))
	cfg := neo4jtest.Open(t)
	cfg.CypherTimeout = 2 * time.Second
	analyst, err := neo4jstore.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer analyst.Close(context.Background())

	var answers, failures atomic.Int64
	var lastErr atomic.Value
	var mu sync.Mutex
	var latencies []time.Duration // of the reader's answers, for the log
	read := func(ctx context.Context) error {
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		start := time.Now()
		_, err := s.Query(ctx, "MATCH (n:Entity) RETURN count(n) AS n", nil)
		if err == nil {
			mu.Lock()
			latencies = append(latencies, time.Since(start))
			mu.Unlock()
		}
		return err
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if err := read(context.Background()); err != nil {
				failures.Add(1)
				lastErr.Store(err)
			} else {
				answers.Add(1)
			}
		}
	}()

	for _, r := range runaways {
		t.Run(r.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
			defer cancel()
			limit := r.limit
			if limit == 0 {
				limit = 10
			}
			start := time.Now()
			res, err := analyst.Cypher(ctx, kg.CypherQuery{Text: r.text, Params: r.params, Limit: limit})
			t.Logf("%s: %s after %v", r.name, kg.ErrorCode(err), time.Since(start).Round(time.Millisecond))
			if err == nil {
				t.Fatalf("Cypher(%q) = %v, want one of %v", r.text, res.Rows, r.codes)
			}
			if got := kg.ErrorCode(err); !slices.Contains(r.codes, got) {
				t.Errorf("Cypher(%q) = %v (%s), want one of %v", r.text, err, got, r.codes)
			}
			if err := read(t.Context()); err != nil {
				t.Errorf("read right after %q: %v", r.name, err)
			}
		})
	}
	close(stop)
	wg.Wait()
	if n := failures.Load(); n > 0 {
		t.Errorf("the reader failed %d times (answered %d), last: %v", n, answers.Load(), lastErr.Load())
	}
	if answers.Load() == 0 {
		t.Errorf("the reader got no answer while the runaways ran")
	}
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		t.Logf("reader: %d answers, p50 %v, p95 %v, max %v", n, latencies[n/2].Round(time.Millisecond),
			latencies[n*95/100].Round(time.Millisecond), latencies[n-1].Round(time.Millisecond))
	}
	waitSlotFree(t, analyst)
}

// waitSlotFree waits, within a generous deadline, until analyst runs a trivial statement, which
// it can only once no analyst statement of its own still runs in Neo4j; CYPHER_BUSY meanwhile is
// expected, any other error is not.
func waitSlotFree(t *testing.T, analyst *neo4jstore.Store) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Minute)
	for {
		_, err := analyst.Cypher(t.Context(), kg.CypherQuery{Text: "RETURN 1 AS one", Limit: 1})
		if err == nil {
			return
		}
		if kg.ErrorCode(err) != kg.CodeCypherBusy || time.Now().After(deadline) {
			t.Fatalf("RETURN 1 after the runaways: %v", err)
		}
	}
}

// TestRunawayHoldsItsSlot shows that a statement the guard lets through, which Neo4j cannot stop
// at its time limit, keeps its analyst slot after the client gave up: the next analyst statement
// is CYPHER_BUSY while Neo4j still lists the first, the API's reads keep being answered, and the
// slot comes back by itself once Neo4j has ended it. (The lexical guard is switched off to let
// through a loop inside one row: about 6*10^8 steps, several seconds of one core on an idle machine, little memory.)
func TestRunawayHoldsItsSlot(t *testing.T) {
	s := neo4jtest.Store(t, nil)
	cfg := neo4jtest.Open(t)
	cfg.CypherTimeout = 500 * time.Millisecond
	defer neo4jstore.SetCypherGrace(200 * time.Millisecond)()
	analyst, err := neo4jstore.Open(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer analyst.Close(context.Background())

	const loop = "RETURN any(x IN range(1, 600000000) WHERE x < 0) AS n"
	_, err = analyst.CypherLayers(t.Context(), kg.CypherQuery{Text: loop, Limit: 1}, false, true)
	if got := kg.ErrorCode(err); got != kg.CodeCypherTimeout {
		t.Fatalf("CypherLayers(%q) = %v (%s), want %s", loop, err, got, kg.CodeCypherTimeout)
	}
	lingering, err := s.Query(t.Context(), `
		SHOW TRANSACTIONS YIELD currentQuery, metaData
		WHERE metaData.purpose = 'ad hoc cypher' AND currentQuery = $q
		RETURN count(*) AS n`, map[string]any{"q": loop})
	if err != nil {
		t.Fatal(err)
	}
	if lingering[0]["n"] == int64(0) {
		t.Fatalf("Neo4j had already ended %q when the client gave up; nothing lingers to test", loop)
	}
	_, err = analyst.Cypher(t.Context(), kg.CypherQuery{Text: "RETURN 1 AS one", Limit: 1})
	var kerr *kg.Error
	if !errors.As(err, &kerr) || kerr.Code != kg.CodeCypherBusy {
		t.Errorf("Cypher while the runaway lingers = %v, want %s", err, kg.CodeCypherBusy)
	}
	if _, err := s.Query(t.Context(), "MATCH (n) RETURN count(n) AS n", nil); err != nil {
		t.Errorf("the API's read while the runaway lingers: %v", err)
	}
	waitSlotFree(t, analyst)
}

// TestNeo4jBounds checks that the Neo4j the tests run against has the limits of
// tools/neo4j/bounds.conf in force (the same file docker-compose.yml follows), as Neo4j reports
// them in SHOW SETTINGS.
func TestNeo4jBounds(t *testing.T) {
	s := neo4jtest.Store(t, nil)
	data, err := os.ReadFile(filepath.Join("..", "..", "tools", "neo4j", "bounds.conf"))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			name, value, _ := strings.Cut(line, "=")
			want[name] = value
		}
	}
	rows, err := s.Query(t.Context(), "SHOW SETTINGS YIELD name, value WHERE name IN $names RETURN name, value",
		map[string]any{"names": slices.Collect(maps.Keys(want))})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows {
		got[r["name"].(string)] = r["value"].(string)
	}
	for name, value := range want {
		if settingValue(got[name]) != settingValue(value) {
			t.Errorf("Neo4j has %s = %q, want %q as bounds.conf sets it", name, got[name], value)
		}
	}
}

// settingValue normalizes a Neo4j setting for comparison: sizes ("256m", "256.00MiB") to bytes,
// anything else as it is.
func settingValue(v string) string {
	m := regexp.MustCompile(`^(\d+(?:\.\d+)?)\s*([kmg])(?:i?b)?$`).FindStringSubmatch(strings.ToLower(v))
	if m == nil {
		return v
	}
	n, _ := strconv.ParseFloat(m[1], 64)
	shift := map[string]uint{"k": 10, "m": 20, "g": 30}[m[2]]
	return strconv.FormatInt(int64(n*float64(uint64(1)<<shift)), 10)
}
