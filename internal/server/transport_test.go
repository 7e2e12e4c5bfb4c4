package server_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/server"
)

const (
	acceptGR   = "Accept: application/graphql-response+json"
	acceptJSON = "Accept: application/json"
	gqlResp    = "application/graphql-response+json"
	jsonMedia  = "application/json"
)

// The GraphQL-over-HTTP spec: media types, methods, status codes, and a code on every error.
func TestGraphQLOverHTTP(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	const ok = `{ entity(id: "person:roberto-velasco") { name } }`
	getURL := func(params url.Values) string { return "/graphql?" + params.Encode() }
	raw := func(method, path, body string, headers ...string) httpResult {
		var r io.Reader
		if body != "" {
			r = strings.NewReader(body)
		}
		return s.do(s.request(method, path, r, headers...))
	}

	for _, tc := range []struct {
		name      string
		res       func() httpResult
		status    int
		media     string // response Content-Type, before parameters
		code      string // the one error's code; "" for no error
		data      bool   // the body has a data entry
		wantAllow string
	}{
		{"POST graphql-response+json", func() httpResult { return s.query(ok, acceptGR) }, 200, gqlResp, "", true, ""},
		{"POST application/json", func() httpResult { return s.query(ok, acceptJSON) }, 200, jsonMedia, "", true, ""},
		{"POST without Accept answers JSON", func() httpResult { return s.query(ok) }, 200, jsonMedia, "", true, ""},
		{"POST Accept */* answers JSON", func() httpResult { return s.query(ok, "Accept: */*") }, 200, jsonMedia, "", true, ""},
		{"POST Accept by quality", func() httpResult {
			return s.query(ok, "Accept: application/graphql-response+json;q=0.4, application/json;q=0.9")
		}, 200, jsonMedia, "", true, ""},
		{"POST Accept nothing we serve", func() httpResult { return s.query(ok, "Accept: text/html") }, 406, jsonMedia, server.CodeNotAcceptable, false, ""},
		{"POST charset utf-8", func() httpResult {
			return raw("POST", "/graphql", `{"query": "{ __typename }"}`, "Content-Type: application/json; charset=utf-8")
		}, 200, jsonMedia, "", true, ""},
		{"POST another charset", func() httpResult {
			return raw("POST", "/graphql", `{"query": "{ __typename }"}`, "Content-Type: application/json; charset=latin1")
		}, 415, jsonMedia, server.CodeUnsupportedMediaType, false, ""},
		{"POST text/plain", func() httpResult {
			return raw("POST", "/graphql", `{"query": "{ __typename }"}`, "Content-Type: text/plain")
		}, 415, jsonMedia, server.CodeUnsupportedMediaType, false, ""},
		{"POST without Content-Type", func() httpResult { return raw("POST", "/graphql", `{"query": "{ __typename }"}`) }, 415, jsonMedia, server.CodeUnsupportedMediaType, false, ""},
		{"POST body not JSON", func() httpResult {
			return raw("POST", "/graphql", `{ "not a JSON`, "Content-Type: application/json", acceptGR)
		}, 400, gqlResp, server.CodeBadRequest, false, ""},
		{"POST no body", func() httpResult { return raw("POST", "/graphql", "", "Content-Type: application/json") }, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"POST body a JSON array", func() httpResult {
			return raw("POST", "/graphql", `[{"query": "{ __typename }"}]`, "Content-Type: application/json")
		}, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"POST query not a string", func() httpResult { return s.post(map[string]any{"query": 7}) }, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"POST no query", func() httpResult { return s.post(map[string]any{"qeury": ok}, acceptGR) }, 400, gqlResp, server.CodeBadRequest, false, ""},
		{"POST operationName not a string", func() httpResult { return s.post(map[string]any{"query": ok, "operationName": false}) }, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"POST variables not an object", func() httpResult { return s.post(map[string]any{"query": ok, "variables": "x"}) }, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"POST extensions not an object", func() httpResult { return s.post(map[string]any{"query": ok, "extensions": []int{1}}) }, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"POST null parameters", func() httpResult {
			return s.post(map[string]any{"query": ok, "operationName": nil, "variables": nil, "extensions": nil}, acceptGR)
		}, 200, gqlResp, "", true, ""},
		{"parse error, graphql-response+json", func() httpResult { return s.query(`{ people {`, acceptGR) }, 400, gqlResp, "GRAPHQL_PARSE_FAILED", false, ""},
		{"parse error, application/json", func() httpResult { return s.query(`{ people {`, acceptJSON) }, 200, jsonMedia, "GRAPHQL_PARSE_FAILED", false, ""},
		{"validation error, graphql-response+json", func() httpResult { return s.query(`{ nope }`, acceptGR) }, 400, gqlResp, "GRAPHQL_VALIDATION_FAILED", false, ""},
		{"validation error, application/json", func() httpResult { return s.query(`{ nope }`, acceptJSON) }, 200, jsonMedia, "GRAPHQL_VALIDATION_FAILED", false, ""},
		{"variable coercion error", func() httpResult {
			return s.post(map[string]any{"query": `query($id: ID!) { entity(id: $id) { name } }`, "variables": map[string]any{"id": nil}}, acceptGR)
		}, 400, gqlResp, "GRAPHQL_VALIDATION_FAILED", false, ""},
		{"unknown operationName", func() httpResult {
			return s.post(map[string]any{"query": `query A { __typename } query B { __typename }`, "operationName": "C"}, acceptGR)
		}, 400, gqlResp, "GRAPHQL_VALIDATION_FAILED", false, ""},
		{"cost limit, graphql-response+json", func() httpResult {
			return s.query(`{ f0: __typename f1: __typename f2: __typename f3: __typename f4: __typename f5: __typename f6: __typename f7: __typename f8: __typename f9: __typename f10: __typename f11: __typename f12: __typename f13: __typename f14: __typename f15: __typename f16: __typename f17: __typename f18: __typename f19: __typename f20: __typename }`, acceptGR)
		}, 400, gqlResp, kg.CodeCostLimit, false, ""},
		{"cost limit, application/json", func() httpResult {
			return s.query(`{ f0: __typename f1: __typename f2: __typename f3: __typename f4: __typename f5: __typename f6: __typename f7: __typename f8: __typename f9: __typename f10: __typename f11: __typename f12: __typename f13: __typename f14: __typename f15: __typename f16: __typename f17: __typename f18: __typename f19: __typename f20: __typename }`, acceptJSON)
		}, 200, jsonMedia, kg.CodeCostLimit, false, ""},
		{"field error keeps data and 200", func() httpResult { return s.query(`{ people(after: "bm9wZQ") { totalCount } }`, acceptGR) }, 200, gqlResp, kg.CodeBadUserInput, true, ""},
		{"GET query", func() httpResult { return raw("GET", getURL(url.Values{"query": {ok}}), "", acceptGR) }, 200, gqlResp, "", true, ""},
		{"GET with variables", func() httpResult {
			return raw("GET", getURL(url.Values{"query": {`query($id: ID!) { entity(id: $id) { name } }`}, "variables": {`{"id": "person:roberto-velasco"}`}}), "")
		}, 200, jsonMedia, "", true, ""},
		{"GET variables not JSON", func() httpResult { return raw("GET", getURL(url.Values{"query": {ok}, "variables": {`{x`}}), "") }, 400, jsonMedia, server.CodeBadRequest, false, ""},
		{"GET without query", func() httpResult { return raw("GET", "/graphql", "", acceptGR) }, 400, gqlResp, server.CodeBadRequest, false, ""},
		{"GET mutation", func() httpResult {
			return raw("GET", getURL(url.Values{"query": {`mutation { __typename }`}}), "", acceptGR)
		}, 405, gqlResp, server.CodeMethodNotAllowed, false, "POST"},
		{"GET mutation chosen by operationName", func() httpResult {
			return raw("GET", getURL(url.Values{"query": {`query Q { __typename } mutation M { __typename }`}, "operationName": {"M"}}), "")
		}, 405, jsonMedia, server.CodeMethodNotAllowed, false, "POST"},
		{"PUT", func() httpResult {
			return raw("PUT", "/graphql", `{"query": "{ __typename }"}`, "Content-Type: application/json")
		}, 405, jsonMedia, server.CodeMethodNotAllowed, false, "GET, POST, OPTIONS"},
		{"DELETE", func() httpResult { return raw("DELETE", "/graphql", "") }, 405, jsonMedia, server.CodeMethodNotAllowed, false, "GET, POST, OPTIONS"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.res()
			if r.status != tc.status {
				t.Errorf("status = %d, want %d (%s)", r.status, tc.status, r.body)
			}
			ct := r.header.Get("Content-Type")
			if mt, _, _ := strings.Cut(ct, ";"); mt != tc.media || !strings.Contains(ct, "charset=utf-8") {
				t.Errorf("Content-Type = %q, want %s; charset=utf-8", ct, tc.media)
			}
			if tc.code == "" && len(r.errors) > 0 {
				t.Errorf("errors %s, want none", r.body)
			}
			if tc.code != "" {
				if got := r.code(t); got != tc.code {
					t.Errorf("code = %q, want %q (%s)", got, tc.code, r.body)
				}
			}
			if r.hasData != tc.data {
				t.Errorf("data entry present = %t, want %t (%s)", r.hasData, tc.data, r.body)
			}
			if got := r.header.Get("Allow"); got != tc.wantAllow {
				t.Errorf("Allow = %q, want %q", got, tc.wantAllow)
			}
		})
	}
}

// A body over the limit gets 413 COST_LIMIT, whether or not it declares its length; one at the
// limit is served.
func TestBodyLimit(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	body := func(n int) []byte {
		b := []byte(`{"query": "{ __typename }"}`)
		return append(b, bytes.Repeat([]byte(" "), n-len(b))...)
	}
	for _, tc := range []struct {
		name    string
		size    int
		chunked bool
		status  int
	}{
		{"1 MiB declared", 1 << 20, false, 200},
		{"1 MiB + 1 declared", 1<<20 + 1, false, 413},
		{"1 MiB chunked", 1 << 20, true, 200},
		{"1 MiB + 1 chunked", 1<<20 + 1, true, 413},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var r io.Reader = bytes.NewReader(body(tc.size))
			if tc.chunked {
				r = io.MultiReader(r) // hides the length, so the client sends it chunked
			}
			req := s.request(http.MethodPost, "/graphql", r, "Content-Type: application/json")
			res := s.do(req)
			if res.status != tc.status {
				t.Fatalf("status = %d, want %d (%.200s)", res.status, tc.status, res.body)
			}
			if tc.status == 413 && res.code(t) != kg.CodeCostLimit {
				t.Errorf("code = %v, want COST_LIMIT", res.codes())
			}
		})
	}
}

// Automatic persisted queries: an unknown hash is refused with a code, a registered one runs, also
// over GET.
func TestPersistedQueries(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	const q = `{ entity(id: "person:katie-tobin") { name } }`
	sum := sha256.Sum256([]byte(q))
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": hex.EncodeToString(sum[:])}}

	if r := s.post(map[string]any{"extensions": ext}); r.code(t) != "PERSISTED_QUERY_NOT_FOUND" {
		t.Errorf("unknown persisted query: codes %v, want PERSISTED_QUERY_NOT_FOUND", r.codes())
	}
	if r := s.post(map[string]any{"query": q, "extensions": ext}); r.status != 200 || len(r.errors) > 0 {
		t.Fatalf("registering the persisted query: %d %s", r.status, r.body)
	}
	extJSON, _ := json.Marshal(ext)
	r := s.do(s.request(http.MethodGet, "/graphql?"+url.Values{"extensions": {string(extJSON)}}.Encode(), nil))
	if r.status != 200 || !strings.Contains(string(r.data), "Katie Tobin") {
		t.Errorf("GET of the persisted query = %d %s, want Katie Tobin", r.status, r.body)
	}
	bad := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": "00"}}
	if r := s.post(map[string]any{"query": q, "extensions": bad}); len(r.errors) != 1 || r.codes()[0] == "" {
		t.Errorf("mismatched hash: %s, want one coded error", r.body)
	}
}

// The graphql-http server audit suite (npm graphql-http, pinned in tools/graphql-http-audit) runs
// against the real server: every audit passes, MUST, SHOULD and MAY alike. `make test` installs the
// packages; by hand: npm ci --prefix tools/graphql-http-audit.
func TestGraphQLOverHTTPAudit(t *testing.T) {
	dir, err := filepath.Abs("../../tools/graphql-http-audit")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the GraphQL-over-HTTP audit needs Node 20 or later")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "graphql-http")); err != nil {
		t.Fatal("tools/graphql-http-audit has no node_modules: run `npm ci --prefix tools/graphql-http-audit` (make test does)")
	}
	s := newTestServer(t, server.Config{}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(dir, "audit.mjs"), s.url+"/graphql")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var report struct {
		Results []struct{ ID, Name, Status, Reason string }
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil || len(report.Results) == 0 {
		t.Fatalf("audit.mjs: %v; no report (%v):\n%s", runErr, err, stderr.String())
	}
	counts := map[string]int{}
	for _, r := range report.Results {
		level, _, _ := strings.Cut(r.Name, " ")
		counts[level+" "+r.Status]++
		if r.Status != "ok" {
			t.Errorf("audit %s %q: %s: %s", r.ID, r.Name, r.Status, r.Reason)
		}
	}
	t.Logf("graphql-http audits: %d, by level and result: %v", len(report.Results), counts)
	if runErr != nil {
		t.Errorf("audit.mjs exited with %v (a MUST audit failed)", runErr)
	}
}
