package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
)

// testServer is a real HTTP server over the API handler, with its log kept for inspection.
type testServer struct {
	t   *testing.T
	url string
	log *syncBuffer
}

// syncBuffer is a log sink safe for the server's concurrent writes.
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

// newTestServer serves store (the built-in dataset on the embedded store when nil) with cfg.
func newTestServer(t *testing.T, cfg server.Config, store kg.Store) *testServer {
	t.Helper()
	if store == nil {
		s, err := memstore.Load(builtin(t)())
		if err != nil {
			t.Fatal(err)
		}
		store = s
	}
	logs := &syncBuffer{}
	srv := httptest.NewServer(server.New(cfg, store, slog.New(slog.NewJSONHandler(logs, nil))))
	t.Cleanup(srv.Close)
	return &testServer{t: t, url: srv.URL, log: logs}
}

// httpResult is one HTTP answer with its body decoded as a GraphQL response where it is one.
type httpResult struct {
	status int
	header http.Header
	body   string
	// hasData says whether the body has a data entry at all (null included).
	hasData bool
	data    json.RawMessage
	errors  []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	}
}

// codes returns the extensions.code of every error.
func (r httpResult) codes() []string {
	var out []string
	for _, e := range r.errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// code returns the code of the only error, failing unless there is exactly one.
func (r httpResult) code(t *testing.T) string {
	t.Helper()
	if len(r.errors) != 1 {
		t.Fatalf("got %d errors (%s), want one", len(r.errors), r.body)
	}
	return r.codes()[0]
}

// do sends req and decodes the answer.
func (s *testServer) do(req *http.Request) httpResult {
	s.t.Helper()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	r := httpResult{status: res.StatusCode, header: res.Header, body: string(body)}
	var fields map[string]json.RawMessage
	if json.Unmarshal(body, &fields) == nil {
		r.data, r.hasData = fields["data"]
		_ = json.Unmarshal(fields["errors"], &r.errors)
	}
	return r
}

// request builds a request to path with the given headers ("Name: value").
func (s *testServer) request(method, path string, body io.Reader, headers ...string) *http.Request {
	s.t.Helper()
	req, err := http.NewRequest(method, s.url+path, body)
	if err != nil {
		s.t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	return req
}

// post posts a JSON body of params to /graphql with the given extra headers.
func (s *testServer) post(params map[string]any, headers ...string) httpResult {
	s.t.Helper()
	body, _ := json.Marshal(params)
	return s.do(s.request(http.MethodPost, "/graphql", bytes.NewReader(body), append([]string{"Content-Type: application/json"}, headers...)...))
}

// query posts query and returns the answer.
func (s *testServer) query(query string, headers ...string) httpResult {
	s.t.Helper()
	return s.post(map[string]any{"query": query}, headers...)
}
