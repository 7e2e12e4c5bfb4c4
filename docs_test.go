package diplograph_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/server"
)

// graphqlBlock matches a fenced GraphQL example in markdown.
var graphqlBlock = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// docExamples returns the GraphQL examples of the README and of every page in docs/, by file, in
// the order they appear.
func docExamples(t *testing.T) map[string][]string {
	t.Helper()
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, f := range append([]string{"README.md"}, files...) {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range graphqlBlock.FindAllSubmatch(md, -1) {
			out[f] = append(out[f], string(m[1]))
		}
	}
	return out
}

// TestDocExamples runs every GraphQL example of the README and docs/ against the real server on
// the built-in data set, as an admin (so writes and Cypher are allowed), on both stores. A page's
// examples run in order on a store of their own, since later ones may read what earlier ones
// wrote. Any error fails the test: an example that no longer runs is a page that no longer tells
// the truth. Cypher examples run on Neo4j only (the embedded store has no Cypher).
func TestDocExamples(t *testing.T) {
	examples := docExamples(t)
	if n := len(examples["docs/api.md"]); n < 3 {
		t.Fatalf("docs/api.md has %d GraphQL examples, want its example queries (3 or more)", n)
	}
	stores := map[string]func(t *testing.T, b *kg.Bundle) kg.Store{
		"embedded": func(t *testing.T, b *kg.Bundle) kg.Store {
			s, err := memstore.Load(b)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
		"neo4j": func(t *testing.T, b *kg.Bundle) kg.Store { return neo4jtest.Store(t, b) },
	}
	const key = "docs-example-admin-key"
	for name, open := range stores {
		for file, queries := range examples {
			t.Run(name+"/"+filepath.Base(file), func(t *testing.T) {
				b, err := dataset.Bundle()
				if err != nil {
					t.Fatal(err)
				}
				cfg := server.Config{APIKeys: []server.APIKey{{Role: kg.RoleAdmin, Key: key}}}
				h := server.New(cfg, open(t, b), slog.New(slog.NewTextHandler(io.Discard, nil)))
				for i, q := range queries {
					if name == "embedded" && strings.Contains(q, "cypher(") {
						continue
					}
					if msg := runExample(t, h, key, q); msg != "" {
						t.Errorf("example %d of %s failed: %s\n%s", i+1, file, msg, q)
					}
				}
			})
		}
	}
}

// runExample posts query to h with the API key and returns what went wrong, or "".
func runExample(t *testing.T, h http.Handler, key, query string) string {
	t.Helper()
	body, err := json.Marshal(map[string]any{"query": query})
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+key)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var res struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		return "the answer is not JSON: " + rec.Body.String()
	}
	if len(res.Errors) > 0 || rec.Code != http.StatusOK {
		return "HTTP " + http.StatusText(rec.Code) + ": " + rec.Body.String()
	}
	for field, v := range res.Data {
		if v == nil {
			return "data." + field + " is null"
		}
	}
	return ""
}

// mdLink matches a markdown link or image whose target is in this repository (no scheme).
var mdLink = regexp.MustCompile(`\]\(([^)\s:]+)\)`)

// TestDocLinks checks that every relative link of the README and docs/ names a file that exists
// and, with a #fragment, a heading of that file (GitHub's anchor: lower-case, punctuation dropped,
// spaces to hyphens).
func TestDocLinks(t *testing.T) {
	files, err := filepath.Glob("docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	files = append(files, "README.md", "bench/README.md", "tools/neo4j/README.md")
	for _, f := range files {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range mdLink.FindAllSubmatch(md, -1) {
			target, frag, _ := strings.Cut(string(m[1]), "#")
			path := f
			if target != "" {
				path = filepath.Join(filepath.Dir(f), target)
			}
			if _, err := os.Stat(path); err != nil {
				t.Errorf("%s links to %s, which does not exist", f, m[1])
				continue
			}
			if frag != "" && !hasAnchor(t, path, frag) {
				t.Errorf("%s links to %s, but %s has no heading with anchor #%s", f, m[1], path, frag)
			}
		}
	}
}

// hasAnchor reports whether the markdown file at path has a heading whose anchor is frag.
func hasAnchor(t *testing.T, path, frag string) bool {
	t.Helper()
	md, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	drop := regexp.MustCompile(`[^\p{L}\p{N} -]`)
	fenced := false
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "```") {
			fenced = !fenced
		}
		if fenced {
			continue
		}
		heading := strings.TrimLeft(line, "#")
		if len(heading) == len(line) || !strings.HasPrefix(heading, " ") {
			continue
		}
		anchor := strings.ReplaceAll(drop.ReplaceAllString(strings.ToLower(strings.TrimSpace(heading)), ""), " ", "-")
		if anchor == frag {
			return true
		}
	}
	return false
}
