package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/neo4jtest"
)

// These helpers run the real command line, run(), in-process, the way main does, and talk to the
// server it starts over HTTP.

// hangGuard bounds how long a test waits for the program; reaching it means the program hung.
const hangGuard = 2 * time.Minute

// program is one run of the diplograph command line.
type program struct {
	stdout  syncBuffer
	stderr  lineBuffer
	cancel  context.CancelFunc
	done    chan struct{}
	code    int
	serving chan string // the base URL, once the server listens
}

// start runs `diplograph args...` with environment vars in the background.
func start(t *testing.T, vars map[string]string, args ...string) *program {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	p := &program{cancel: cancel, done: make(chan struct{}), serving: make(chan string, 1)}
	p.stderr.onLine = func(line string) {
		// The base URL is taken from the explorer's address in the log line, so that every test
		// that serves also checks that the line names the explorer (and the API beside it).
		var rec struct{ Msg, Explorer, GraphQL string }
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "serving" {
			base := strings.TrimSuffix(rec.Explorer, "/")
			if rec.GraphQL != base+"/graphql" {
				base = "(the serving line names no explorer beside " + rec.GraphQL + ")"
			}
			select {
			case p.serving <- base:
			default:
			}
		}
	}
	getenv := func(key string) string { return vars[key] }
	go func() {
		defer close(p.done)
		p.code = run(ctx, args, getenv, &p.stdout, &p.stderr)
	}()
	t.Cleanup(func() {
		cancel()
		<-p.done
	})
	return p
}

// execute runs `diplograph args...` to its end and returns its exit code, stdout and stderr.
func execute(t *testing.T, vars map[string]string, args ...string) (int, string, string) {
	t.Helper()
	p := start(t, vars, args...)
	code := p.wait(t)
	return code, p.stdout.String(), p.stderr.String()
}

// wait waits for the program to exit and returns its exit code.
func (p *program) wait(t *testing.T) int {
	t.Helper()
	select {
	case <-p.done:
		return p.code
	case <-time.After(hangGuard):
		t.Fatalf("diplograph did not exit within %v; stderr:\n%s", hangGuard, p.stderr.String())
		return -1
	}
}

// serve starts `diplograph serve` with vars (listening on a free loopback port, logging JSON) and
// returns the server's base URL once it listens. When the test ends the server is stopped as by
// SIGTERM and must exit with code 0.
func serve(t *testing.T, vars map[string]string) (string, *program) {
	t.Helper()
	all := map[string]string{"DIPLOGRAPH_ADDR": "127.0.0.1:0", "DIPLOGRAPH_LOG_FORMAT": "json"}
	for k, v := range vars {
		all[k] = v
	}
	p := start(t, all, "serve")
	select {
	case url := <-p.serving:
		t.Cleanup(func() {
			p.cancel()
			if code := p.wait(t); code != 0 {
				t.Errorf("serve exited with %d after SIGTERM; stderr:\n%s", code, p.stderr.String())
			}
		})
		return url, p
	case <-p.done:
		t.Fatalf("serve exited with %d before serving; stderr:\n%s", p.code, p.stderr.String())
	case <-time.After(hangGuard):
		t.Fatalf("serve did not listen within %v; stderr:\n%s", hangGuard, p.stderr.String())
	}
	return "", nil
}

// neo4jEnv returns the environment that points diplograph at the test Neo4j, with its URI's
// scheme replaced by scheme ("bolt" or "neo4j") when that is not empty.
func neo4jEnv(t *testing.T, scheme string) map[string]string {
	t.Helper()
	cfg := neo4jtest.Open(t)
	uri := cfg.URI
	if scheme != "" {
		_, rest, ok := strings.Cut(uri, "://")
		if !ok {
			t.Fatalf("NEO4J_URI %q has no scheme", uri)
		}
		uri = scheme + "://" + rest
	}
	return map[string]string{
		"NEO4J_URI": uri, "NEO4J_USERNAME": cfg.Username, "NEO4J_PASSWORD": cfg.Password,
		"NEO4J_DATABASE": cfg.Database,
	}
}

// post sends one GraphQL request to the server at base and returns the response body as is.
func post(t *testing.T, base, query string, vars map[string]any) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s/graphql: %v", base, err)
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read the response of %s/graphql: %v", base, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("POST %s/graphql: status %d: %s", base, res.StatusCode, out)
	}
	return out
}

// syncBuffer is a bytes.Buffer safe for one writer and concurrent readers.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lineBuffer is a syncBuffer that also hands every complete line to onLine, as it is written.
type lineBuffer struct {
	syncBuffer
	onLine  func(string)
	partial []byte
}

func (b *lineBuffer) Write(p []byte) (int, error) {
	n, err := b.syncBuffer.Write(p)
	b.mu.Lock()
	b.partial = append(b.partial, p...)
	var lines []string
	for {
		i := bytes.IndexByte(b.partial, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, string(b.partial[:i]))
		b.partial = b.partial[i+1:]
	}
	b.mu.Unlock()
	for _, l := range lines {
		if b.onLine != nil {
			b.onLine(l)
		}
	}
	return n, err
}

// logRecords splits stderr into the JSON log records the program wrote and the other lines.
func logRecords(stderr string) (records []map[string]any, other []string) {
	sc := bufio.NewScanner(strings.NewReader(stderr))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) == nil {
			records = append(records, rec)
			continue
		}
		if strings.TrimSpace(line) != "" {
			other = append(other, line)
		}
	}
	return records, other
}

// logged returns the log records of stderr whose msg is msg.
func logged(stderr, msg string) []map[string]any {
	recs, _ := logRecords(stderr)
	var out []map[string]any
	for _, r := range recs {
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}
