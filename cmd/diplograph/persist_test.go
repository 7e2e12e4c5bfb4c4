package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/dataset"
)

// childEnv, when set, makes the test binary run diplograph itself (serve, with configuration from
// the environment), so a test can start the real program as a process and kill it.
const childEnv = "DIPLOGRAPH_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, []string{"serve"}, os.Getenv, os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

const crashKey = "editor-crash-key-0123456789"

// child is diplograph serving in another process.
type child struct {
	cmd *exec.Cmd
	url string
}

// startChild starts diplograph serve on dataDir, on a free port, and waits until it serves.
func startChild(t *testing.T, dataDir string) *child {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1",
		"DIPLOGRAPH_ADDR=127.0.0.1:0", "DIPLOGRAPH_DATA_DIR="+dataDir, "DIPLOGRAPH_LOG_FORMAT=json",
		"DIPLOGRAPH_API_KEYS=editor:"+crashKey, "NEO4J_URI=")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	serving := regexp.MustCompile(`"graphql":"(http://[^"]+)/graphql"`)
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := serving.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
	}()
	select {
	case url := <-found:
		return &child{cmd: cmd, url: url}
	case <-time.After(60 * time.Second):
		t.Fatal("diplograph did not start serving within 60s")
	}
	return nil
}

func (c *child) post(ctx context.Context, query string, vars map[string]any) (map[string]any, error) {
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+"/graphql", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+crashKey)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	var out struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("status %d: %s", res.StatusCode, data)
	}
	if len(out.Errors) > 0 || res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %v", res.StatusCode, out.Errors)
	}
	return out.Data, nil
}

const quote = "High-level representatives from the U.S. and Mexican Governments met in Mexico City on December 1"

// TestKill9KeepsAcknowledgedWrites runs diplograph on a data dir, writes to it over HTTP from
// several clients, kills it with SIGKILL while writes are in flight, restarts it on the same dir,
// and checks that every write it acknowledged is there.
func TestKill9KeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	c := startChild(t, dir)

	var (
		mu    sync.Mutex
		acked []string // ids of entities whose write was acknowledged
		n     atomic.Int64
	)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := n.Add(1)
				name := fmt.Sprintf("Crash test topic %d", i)
				data, err := c.post(ctx, `mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{
					"kind": "TOPIC", "name": name, "description": fmt.Sprintf("written by client %d", w),
					"citations": []any{map[string]any{"source": dataset.SourceID, "quote": quote}}}})
				if err != nil {
					continue // refused or cut off by the kill: not acknowledged
				}
				id, _ := data["upsertEntity"].(map[string]any)["id"].(string)
				mu.Lock()
				acked = append(acked, id)
				mu.Unlock()
			}
		})
	}
	// Let writes flow, then kill the server mid-stream.
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		k := len(acked)
		mu.Unlock()
		if k >= 60 || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := c.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = c.cmd.Wait()
	cancel()
	wg.Wait()
	if len(acked) < 10 {
		t.Fatalf("only %d writes were acknowledged before the kill; the test needs more", len(acked))
	}
	if ws, ok := c.cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("the server ended with %v, not by SIGKILL", c.cmd.ProcessState)
	}

	c2 := startChild(t, dir)
	ids := make([]any, len(acked))
	for i, id := range acked {
		ids[i] = id
	}
	data, err := c2.post(context.Background(), `query($ids: [ID!]) {
		topics(where: { id: { in: $ids } }, first: 0) { totalCount }
		all: topics(first: 0) { totalCount }
		changes(first: 0) { totalCount }
		plenary: entity(id: "meeting:21cb-esc-14th-plenary") { id }
	}`, map[string]any{"ids": ids})
	if err != nil {
		t.Fatal(err)
	}
	count := func(k string) int { return int(data[k].(map[string]any)["totalCount"].(float64)) }
	if got := count("topics"); got != len(acked) {
		t.Errorf("after kill -9 and restart, %d of the %d acknowledged writes are there", got, len(acked))
	}
	if data["plenary"] == nil {
		t.Errorf("after kill -9 and restart, the seeded dataset is gone")
	}
	// Writes that were committed but whose answer the kill cut off may be there too; nothing else.
	if all := count("all"); all < len(acked) || int64(all) > n.Load()+20 {
		t.Errorf("topics after restart = %d, want between %d acknowledged and %d attempted (+ the dataset's)", all, len(acked), n.Load())
	}
	t.Logf("%d writes acknowledged before SIGKILL, all present after restart; %d changes in the audit trail", len(acked), count("changes"))

	// The restarted server writes on.
	if _, err := c2.post(context.Background(), `mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"kind": "TOPIC", "name": "After the crash", "citations": []any{map[string]any{"source": dataset.SourceID, "quote": quote}}}}); err != nil {
		t.Errorf("write after restart: %v", err)
	}
	if err := c2.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := c2.cmd.Wait(); err != nil {
		t.Errorf("diplograph did not stop cleanly on SIGTERM: %v", err)
	}
}

func TestStartsSaysWhereDataLives(t *testing.T) {
	var stderr strings.Builder
	m := Main{Config: testConfig(t, nil), Log: newLogger("json", &stderr)}
	if err := m.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	m.Close()
	if !strings.Contains(stderr.String(), "writes are lost when the process stops") {
		t.Errorf("start-up log without a data dir does not say writes are not kept:\n%s", stderr.String())
	}
}
