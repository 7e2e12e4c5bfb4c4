package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
)

// TestServeRefusesHugeHeaders sends a request whose headers are 200 KB: the server answers 431
// instead of holding them, and still serves normal requests.
func TestServeRefusesHugeHeaders(t *testing.T) {
	base, _ := serve(t, map[string]string{"NEO4J_URI": "", "DIPLOGRAPH_DATA_DIR": t.TempDir()})
	req, err := http.NewRequest(http.MethodGet, base+"/healthz", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("X-Padding", strings.Repeat("a", 200<<10))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("GET /healthz with 200 KB of headers = %d, want 431", res.StatusCode)
	}
	res, err = http.Get(base + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("GET /healthz afterwards = %d, want 200", res.StatusCode)
	}
}

// TestServeDropsSlowHeaders opens a connection that sends its request line and then one header
// byte at a time, slower than any client would (slowloris): the server closes it once the header
// timeout passes, while other requests are answered meanwhile.
func TestServeDropsSlowHeaders(t *testing.T) {
	base, _ := serve(t, map[string]string{"NEO4J_URI": "", "DIPLOGRAPH_DATA_DIR": t.TempDir()})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() {
		// One byte a second until the server gives up on us; a generous bound ends the loop.
		for range 120 {
			if _, err := conn.Write([]byte("a")); err != nil {
				closed <- err
				return
			}
			time.Sleep(time.Second)
		}
		closed <- nil
	}()
	res, err := http.Get(base + "/healthz")
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /healthz while a slow client holds a connection: %v %v", err, res)
	}
	res.Body.Close()
	reply, readErr := bufio.NewReader(conn).ReadString('\n')
	if err := <-closed; err == nil {
		t.Fatalf("the server kept a connection that sent one header byte a second for two minutes (read %q, %v)", reply, readErr)
	}
}

// TestServeStaysReadyUnderRunawayCypher runs the program on the test Neo4j and sends, as an
// analyst, the runaway statement of issue 17 and two that Neo4j itself must stop, while a client
// keeps asking /readyz and a GraphQL read: every runaway ends with its code, and every probe and
// read is answered 200 without errors throughout.
func TestServeStaysReadyUnderRunawayCypher(t *testing.T) {
	neo4jtest.Store(t, nil) // an empty database, which serve seeds
	const key = "analyst-key-0123456789"
	env := neo4jEnv(t, "bolt")
	env["DIPLOGRAPH_API_KEYS"] = "analyst:" + key
	env["DIPLOGRAPH_CYPHER_TIMEOUT"] = "2s"
	base, _ := serve(t, env)

	var answered, failed atomic.Int64
	var lastFailure atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		client := &http.Client{Timeout: time.Minute}
		for {
			select {
			case <-stop:
				return
			case <-time.After(100 * time.Millisecond):
			}
			if err := probe(client, base); err != nil {
				failed.Add(1)
				lastFailure.Store(err.Error())
			} else {
				answered.Add(1)
			}
		}
	}()

	for _, tc := range []struct{ text, code string }{
		{"RETURN size(reduce(s = [], x IN range(1, 50000000) | s + x)) AS n", kg.CodeCypherUnbounded},
		{"UNWIND range(1, 10000000000) AS i WITH i WHERE i < 0 RETURN i", kg.CodeCypherTimeout},
		{"MATCH (a), (b), (c), (d), (e), (f) WHERE a.name < b.name AND c.name <> d.name AND e.name <> f.name RETURN count(*) AS n", kg.CodeCypherTimeout},
	} {
		body, _ := json.Marshal(map[string]any{"query": `query($q: String!) { cypher(query: $q) { rows } }`,
			"variables": map[string]any{"q": tc.text}})
		req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+key)
		res, err := (&http.Client{Timeout: 3 * time.Minute}).Do(req)
		if err != nil {
			t.Fatalf("cypher %q: %v", tc.text, err)
		}
		var out struct {
			Errors []struct{ Extensions map[string]any }
		}
		_ = json.NewDecoder(res.Body).Decode(&out)
		res.Body.Close()
		if len(out.Errors) != 1 || out.Errors[0].Extensions["code"] != tc.code {
			t.Errorf("cypher %q: errors %+v, want %s", tc.text, out.Errors, tc.code)
		}
	}
	close(stop)
	wg.Wait()
	if n := failed.Load(); n > 0 {
		t.Errorf("%d probes or reads failed while the runaways ran (%d answered), last: %v", n, answered.Load(), lastFailure.Load())
	}
	if answered.Load() == 0 {
		t.Errorf("no probe or read was answered while the runaways ran")
	}
}

// probe asks base for /readyz and for one entity over GraphQL, and fails unless both answer 200
// (the read without errors).
func probe(client *http.Client, base string) error {
	res, err := client.Get(base + "/readyz")
	if err != nil {
		return err
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("/readyz: %d", res.StatusCode)
	}
	body := []byte(`{"query":"{ entity(id: \"person:roberto-velasco\") { name } }"}`)
	res, err = client.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK || !strings.Contains(string(out), "Roberto Velasco") {
		return fmt.Errorf("read: %d %.200s", res.StatusCode, out)
	}
	return nil
}

// TestServeAPIKeys checks the keys at start: a key listed under two roles stops serve with a
// message that names the entries but not the key; a key given the old way, role:key, serves and
// logs a warning that asks for a name.
func TestServeAPIKeys(t *testing.T) {
	const key = "the-same-key-0123456789"
	code, _, stderr := execute(t, map[string]string{"NEO4J_URI": "", "DIPLOGRAPH_DATA_DIR": t.TempDir(),
		"DIPLOGRAPH_API_KEYS": "reader:ruth:" + key + ",admin:ada:" + key}, "serve")
	if code == 0 || !strings.Contains(stderr, "admin:ada is also the key of reader:ruth") || strings.Contains(stderr, key) {
		t.Errorf("serve with a key under two roles: exit %d, stderr:\n%s\nwant a failure naming both entries and not the key", code, stderr)
	}

	_, p := serve(t, map[string]string{"NEO4J_URI": "", "DIPLOGRAPH_DATA_DIR": t.TempDir(),
		"DIPLOGRAPH_API_KEYS": "editor:" + key})
	warned := logged(p.stderr.String(), "an API key has no name; the audit trail calls it editor:key1: give it one as role:name:key in DIPLOGRAPH_API_KEYS (e.g. editor:alice:KEY)")
	if len(warned) != 1 || warned[0]["level"] != "WARN" || strings.Contains(p.stderr.String(), key) {
		t.Errorf("serve with an unnamed key logged %v; stderr:\n%s\nwant one WARN naming editor:key1 and not the key", warned, p.stderr.String())
	}
}
