package server_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/server"
)

func TestCORS(t *testing.T) {
	const app, evil = "https://explorer.example.org", "https://evil.example.com"
	query := strings.NewReader(`{"query": "{ __typename }"}`)
	post := func(s *testServer, origin string) httpResult {
		if _, err := query.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		return s.do(s.request(http.MethodPost, "/graphql", query, "Content-Type: application/json", "Origin: "+origin))
	}
	preflight := func(s *testServer, origin, method, headers string) httpResult {
		h := []string{"Origin: " + origin, "Access-Control-Request-Method: " + method}
		if headers != "" {
			h = append(h, "Access-Control-Request-Headers: "+headers)
		}
		return s.do(s.request(http.MethodOptions, "/graphql", nil, h...))
	}

	t.Run("allowed origin", func(t *testing.T) {
		s := newTestServer(t, server.Config{CORSOrigins: []string{app}}, nil)
		r := post(s, app)
		if r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != app {
			t.Errorf("POST from %s: %d, Access-Control-Allow-Origin %q, want 200 and the origin", app, r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
		if got := r.header.Get("Access-Control-Expose-Headers"); got != server.RequestIDHeader {
			t.Errorf("Access-Control-Expose-Headers = %q, want %s so pages can report the request id", got, server.RequestIDHeader)
		}
		if !strings.Contains(strings.Join(r.header.Values("Vary"), ","), "Origin") {
			t.Errorf("Vary = %q, want Origin", r.header.Values("Vary"))
		}
	})
	t.Run("refused origin", func(t *testing.T) {
		s := newTestServer(t, server.Config{CORSOrigins: []string{app}}, nil)
		if r := post(s, evil); r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("POST from %s: Access-Control-Allow-Origin %q, want none", evil, r.header.Get("Access-Control-Allow-Origin"))
		}
		if r := preflight(s, evil, "POST", "content-type"); r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight from %s allowed", evil)
		}
	})
	t.Run("preflight", func(t *testing.T) {
		s := newTestServer(t, server.Config{CORSOrigins: []string{app}}, nil)
		// Browsers send the header names sorted and lower-cased (Fetch standard).
		r := preflight(s, app, "POST", "accept,authorization,content-type,x-request-id")
		if r.status != http.StatusNoContent || r.header.Get("Access-Control-Allow-Origin") != app {
			t.Fatalf("preflight: %d, Access-Control-Allow-Origin %q, want 204 and the origin", r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
		if got := r.header.Get("Access-Control-Allow-Methods"); got != "POST" {
			t.Errorf("Access-Control-Allow-Methods = %q, want POST", got)
		}
		if got := r.header.Get("Access-Control-Allow-Headers"); got != "accept,authorization,content-type,x-request-id" {
			t.Errorf("Access-Control-Allow-Headers = %q", got)
		}
		if got := r.header.Get("Access-Control-Max-Age"); got != strconv.Itoa(server.CORSMaxAge) {
			t.Errorf("Access-Control-Max-Age = %q, want %d (preflights cached)", got, server.CORSMaxAge)
		}
		// Only the methods and headers the API uses.
		for _, bad := range []struct{ method, headers string }{{"PUT", ""}, {"DELETE", ""}, {"POST", "x-custom"}, {"POST", "cookie"}} {
			if r := preflight(s, app, bad.method, bad.headers); r.header.Get("Access-Control-Allow-Origin") != "" {
				t.Errorf("preflight for %s with headers %q allowed, want refused", bad.method, bad.headers)
			}
		}
	})
	t.Run("no origins configured allows none", func(t *testing.T) {
		s := newTestServer(t, server.Config{}, nil)
		if r := post(s, evil); r.status != 200 || r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("POST from %s with no origins configured: %d, Access-Control-Allow-Origin %q, want none", evil, r.status, r.header.Get("Access-Control-Allow-Origin"))
		}
		if r := preflight(s, evil, "POST", "content-type"); r.header.Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("preflight allowed with no origins configured")
		}
	})
	t.Run("any origin", func(t *testing.T) {
		s := newTestServer(t, server.Config{CORSOrigins: []string{"*"}}, nil)
		if r := post(s, evil); r.header.Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("Access-Control-Allow-Origin = %q, want *", r.header.Get("Access-Control-Allow-Origin"))
		}
	})
	// The API authenticates with bearer keys, never cookies: no configuration lets a page on
	// another origin send the browser's credentials, which with a reflected origin would let any
	// site act as a signed-in user.
	t.Run("never with credentials", func(t *testing.T) {
		for _, origins := range [][]string{{app}, {"*"}} {
			s := newTestServer(t, server.Config{CORSOrigins: origins}, nil)
			for _, r := range []httpResult{post(s, app), post(s, evil), preflight(s, app, http.MethodPost, "content-type, authorization")} {
				if got := r.header.Get("Access-Control-Allow-Credentials"); got != "" {
					t.Errorf("origins %q: Access-Control-Allow-Credentials = %q, want none", origins, got)
				}
				if got := r.header.Get("Access-Control-Allow-Origin"); len(origins) == 1 && origins[0] == "*" && got != "" && got != "*" {
					t.Errorf("origins *: Access-Control-Allow-Origin = %q, want * (an origin reflected back)", got)
				}
			}
		}
	})
}
