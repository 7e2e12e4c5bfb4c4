package server_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
)

// uiServer serves the API over an empty store with the pages in files (nil: the embedded build).
func uiServer(t *testing.T, files fstest.MapFS) *httptest.Server {
	t.Helper()
	cfg := server.Config{}
	if files != nil {
		cfg.UI = files
	}
	srv := httptest.NewServer(server.New(cfg, memstore.New(), slog.New(slog.DiscardHandler)))
	t.Cleanup(srv.Close)
	return srv
}

func fetch(t *testing.T, srv *httptest.Server, path string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func TestUIServesPagesAndAssets(t *testing.T) {
	srv := uiServer(t, fstest.MapFS{
		"index.html":              {Data: []byte(`<title>explorer</title>`)},
		"graphiql.html":           {Data: []byte(`<title>GraphiQL</title>`)},
		"assets/app-1a2b.js":      {Data: []byte(`console.log(1)`)},
		"assets/style-3c4d.css":   {Data: []byte(`body{}`)},
		"assets/codicon-5e6f.ttf": {Data: []byte{0, 1, 0, 0}},
		"source.sha256":           {Data: []byte("abc\n")},
	})
	for _, tc := range []struct {
		path, status, body, contentType, cache string
		csp                                    bool
	}{
		{"/", "200 OK", "<title>explorer</title>", "text/html; charset=utf-8", "no-cache", true},
		{"/graphiql", "200 OK", "<title>GraphiQL</title>", "text/html; charset=utf-8", "no-cache", true},
		{"/assets/app-1a2b.js", "200 OK", "console.log(1)", "text/javascript; charset=utf-8", "public, max-age=31536000, immutable", false},
		{"/assets/style-3c4d.css", "200 OK", "body{}", "text/css; charset=utf-8", "public, max-age=31536000, immutable", false},
		{"/assets/codicon-5e6f.ttf", "200 OK", "\x00\x01\x00\x00", "font/ttf", "public, max-age=31536000, immutable", false},
		{"/assets/missing-0000.js", "404 Not Found", "", "", "", false},
		// Only the pages and assets/ are served, not the rest of the build.
		{"/source.sha256", "404 Not Found", "", "", "", false},
		{"/index.html", "404 Not Found", "", "", "", false},
	} {
		t.Run(tc.path, func(t *testing.T) {
			res, body := fetch(t, srv, tc.path, nil)
			if res.Status != tc.status {
				t.Fatalf("GET %s = %s, want %s", tc.path, res.Status, tc.status)
			}
			if tc.status != "200 OK" {
				return
			}
			if body != tc.body {
				t.Errorf("GET %s body = %q, want %q", tc.path, body, tc.body)
			}
			if got := res.Header.Get("Content-Type"); got != tc.contentType {
				t.Errorf("GET %s Content-Type = %q, want %q", tc.path, got, tc.contentType)
			}
			if got := res.Header.Get("Cache-Control"); got != tc.cache {
				t.Errorf("GET %s Cache-Control = %q, want %q", tc.path, got, tc.cache)
			}
			if got := res.Header.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("GET %s X-Content-Type-Options = %q, want nosniff", tc.path, got)
			}
			csp := res.Header.Get("Content-Security-Policy")
			if tc.csp && !strings.Contains(csp, "default-src 'self'") {
				t.Errorf("GET %s Content-Security-Policy = %q, want default-src 'self'", tc.path, csp)
			}
			// A repeated request with the ETag is answered 304 without a body.
			etag := res.Header.Get("ETag")
			if etag == "" {
				t.Fatalf("GET %s has no ETag", tc.path)
			}
			again, body := fetch(t, srv, tc.path, map[string]string{"If-None-Match": etag})
			if again.StatusCode != http.StatusNotModified || body != "" {
				t.Errorf("GET %s If-None-Match %s = %s %q, want 304 and no body", tc.path, etag, again.Status, body)
			}
		})
	}
}

// TestUIEmbeddedBuild checks the build in the binary: both pages are served, and every file they
// load is served from this server with its content type.
func TestUIEmbeddedBuild(t *testing.T) {
	srv := uiServer(t, nil)
	ref := regexp.MustCompile(`(?:src|href)="([^"]+)"`)
	for _, page := range []string{"/", "/graphiql"} {
		res, body := fetch(t, srv, page, nil)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s = %s", page, res.Status)
		}
		refs := ref.FindAllStringSubmatch(body, -1)
		assets := 0
		for _, m := range refs {
			u := m[1]
			if strings.HasPrefix(u, "data:") || strings.HasPrefix(u, "#") || u == "/" || u == "/graphiql" {
				continue
			}
			if !strings.HasPrefix(u, "/assets/") {
				t.Errorf("%s loads %q, want only /assets/ files of this server", page, u)
				continue
			}
			assets++
			res, _ := fetch(t, srv, u, nil)
			want := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}[u[strings.LastIndex(u, "."):]]
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != want {
				t.Errorf("GET %s (from %s) = %s %q, want 200 %q", u, page, res.Status, res.Header.Get("Content-Type"), want)
			}
		}
		if assets < 2 {
			t.Errorf("%s loads %d assets, want its script and its style sheet", page, assets)
		}
	}
	if res, _ := fetch(t, srv, "/", nil); !strings.Contains(res.Header.Get("Content-Security-Policy"), "script-src 'self';") {
		t.Errorf("explorer CSP = %q, want scripts from this server only", res.Header.Get("Content-Security-Policy"))
	}
}
