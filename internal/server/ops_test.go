package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	dto "github.com/prometheus/client_model/go"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/metrics"
	"github.com/diplograph/diplograph/internal/metrics/metricstest"
	"github.com/diplograph/diplograph/internal/server"
)

// downStore is a store whose database is unreachable.
type downStore struct{ kg.Store }

func (downStore) Ping(context.Context) error {
	return kg.Wrap(kg.CodeServiceUnavailable, "cannot reach Neo4j", errors.New("ConnectivityError: dial tcp 127.0.0.1:7687: connect: connection refused"))
}

func TestProbes(t *testing.T) {
	mem, err := memstore.Load(builtin(t)())
	if err != nil {
		t.Fatal(err)
	}
	up := newTestServer(t, server.Config{}, mem)
	down := newTestServer(t, server.Config{}, downStore{mem})
	for _, tc := range []struct {
		name   string
		s      *testServer
		path   string
		status int
		body   string
	}{
		{"liveness", up, "/healthz", 200, "ok\n"},
		{"liveness without the store", down, "/healthz", 200, "ok\n"},
		{"readiness", up, "/readyz", 200, "ready\n"},
		{"readiness without the store", down, "/readyz", 503, "store unavailable\n"},
	} {
		r := tc.s.do(tc.s.request(http.MethodGet, tc.path, nil))
		if r.status != tc.status || r.body != tc.body {
			t.Errorf("%s: GET %s = %d %q, want %d %q", tc.name, tc.path, r.status, r.body, tc.status, tc.body)
		}
	}
	if !strings.Contains(down.log.String(), "connection refused") {
		t.Errorf("the log does not say why the store is not ready:\n%s", down.log.String())
	}
}

// total sums every sample of family name.
func total(t *testing.T, m *metrics.Metrics, name string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for _, f := range families {
		if f.GetName() == name {
			for _, metric := range f.Metric {
				sum += value(metric)
			}
		}
	}
	return sum
}

func value(m *dto.Metric) float64 {
	switch {
	case m.Counter != nil:
		return m.Counter.GetValue()
	case m.Histogram != nil:
		return float64(m.Histogram.GetSampleCount())
	}
	return 0
}

func TestMetrics(t *testing.T) {
	m := metrics.New()
	s := newTestServer(t, server.Config{Metrics: m}, nil)
	s.query(`query Leads { entity(id: "meeting:21cb-esc-14th-plenary") { name } }`)
	s.query(`query Leads { entity(id: "meeting:21cb-esc-14th-plenary") { name } }`)
	s.query(`query Broken { people(after: "bm9wZQ") { totalCount } }`)
	s.query(`{ f0: __typename f1: __typename f2: __typename f3: __typename f4: __typename f5: __typename f6: __typename f7: __typename f8: __typename f9: __typename f10: __typename f11: __typename f12: __typename f13: __typename f14: __typename f15: __typename f16: __typename f17: __typename f18: __typename f19: __typename f20: __typename }`) // 21 root fields: COST_LIMIT
	s.post(map[string]any{"query": `query A { __typename } query B { __typename }`, "operationName": "B"})
	s.do(s.request(http.MethodGet, "/healthz", nil))

	for _, tc := range []struct {
		name   string
		labels map[string]string
		want   float64
	}{
		{metrics.GraphQLRequests, map[string]string{"operation": "Leads", "outcome": "ok"}, 2},
		{metrics.GraphQLRequestDuration, map[string]string{"operation": "Leads", "outcome": "ok"}, 2},
		{metrics.GraphQLRequests, map[string]string{"operation": "Broken", "outcome": "error"}, 1},
		{metrics.GraphQLRequests, map[string]string{"operation": "anonymous", "outcome": "error"}, 1},
		{metrics.GraphQLRequests, map[string]string{"operation": "B", "outcome": "ok"}, 1},
		{metrics.GraphQLErrors, map[string]string{"code": kg.CodeBadUserInput}, 1},
		{metrics.GraphQLErrors, map[string]string{"code": kg.CodeCostLimit}, 1},
	} {
		if got := metricstest.Sample(t, m, tc.name, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.name, tc.labels, got, tc.want)
		}
	}
	// Five GraphQL requests; the probe is not one.
	if got := total(t, m, metrics.GraphQLRequests); got != 5 {
		t.Errorf("%s summed = %v, want 5", metrics.GraphQLRequests, got)
	}

	r := s.do(s.request(http.MethodGet, "/metrics", nil))
	if r.status != 200 {
		t.Fatalf("GET /metrics = %d", r.status)
	}
	for _, name := range []string{metrics.GraphQLRequests, metrics.GraphQLRequestDuration + "_bucket", metrics.GraphQLErrors, "go_goroutines", "process_cpu_seconds_total"} {
		if !strings.Contains(r.body, "\n"+name) {
			t.Errorf("/metrics has no %s", name)
		}
	}
}

// One log line per request, with the request id the response carries, the operation name and the
// error codes.
func TestAccessLog(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	r := s.query(`query Broken { people(after: "bm9wZQ") { totalCount } }`, "X-Request-Id: trace-42")
	if got := r.header.Get(server.RequestIDHeader); got != "trace-42" {
		t.Errorf("%s = %q, want the client's sane id trace-42", server.RequestIDHeader, got)
	}
	r2 := s.query(`{ __typename }`, "X-Request-Id: not sane!")
	id2 := r2.header.Get(server.RequestIDHeader)
	if id2 == "" || id2 == "not sane!" {
		t.Errorf("%s = %q, want a fresh id instead of the client's", server.RequestIDHeader, id2)
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(s.log.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line is not JSON: %s", l)
		}
		if m["msg"] == "request" {
			lines = append(lines, m)
		}
	}
	if len(lines) != 2 {
		t.Fatalf("%d request log lines, want one per request:\n%s", len(lines), s.log.String())
	}
	want := map[string]any{"request_id": "trace-42", "operation": "Broken", "errors": kg.CodeBadUserInput, "status": float64(200), "path": "/graphql", "method": "POST"}
	for k, v := range want {
		if lines[0][k] != v {
			t.Errorf("log %s = %v, want %v (%v)", k, lines[0][k], v, lines[0])
		}
	}
	if lines[1]["request_id"] != id2 {
		t.Errorf("log request_id = %v, want the id of the response header %s", lines[1]["request_id"], id2)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// TestMetricsNeedAKey checks who may read /metrics: anyone while the server has no API keys, and
// once it has some, only a caller with a key (any role); an anonymous caller gets 401.
func TestMetricsNeedAKey(t *testing.T) {
	ms, err := memstore.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	const readerKey = "reader-key-0123456789"
	open := server.New(server.Config{}, ms, logger)
	keyed := server.New(server.Config{APIKeys: []server.APIKey{{Role: kg.RoleReader, Key: readerKey}}}, ms, logger)
	for _, tc := range []struct {
		name   string
		h      http.Handler
		key    string
		status int
	}{
		{"no keys configured, anonymous", open, "", http.StatusOK},
		{"keys configured, anonymous", keyed, "", http.StatusUnauthorized},
		{"keys configured, reader key", keyed, readerKey, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/metrics", nil)
			if tc.key != "" {
				req.Header.Set("Authorization", "Bearer "+tc.key)
			}
			rec := httptest.NewRecorder()
			tc.h.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("GET /metrics = %d, want %d: %.200s", rec.Code, tc.status, rec.Body.String())
			}
			if tc.status == http.StatusOK && !strings.Contains(rec.Body.String(), "go_gc_duration_seconds") {
				t.Errorf("GET /metrics = %.200s, want the metrics", rec.Body.String())
			}
			if tc.status == http.StatusUnauthorized && !strings.Contains(rec.Body.String(), kg.CodeUnauthenticated) {
				t.Errorf("GET /metrics = %s, want %s", rec.Body.String(), kg.CodeUnauthenticated)
			}
		})
	}
}
