package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// sourceDigest computes what scripts/stamp.mjs writes to dist/source.sha256: sha256 over
// "<path>\n<sha256 hex>\n" for every file the build reads, in byte order of path.
func sourceDigest(t *testing.T) string {
	t.Helper()
	files := []string{"index.html", "graphiql.html", "vite.config.js", "package.json", "package-lock.json"}
	err := filepath.WalkDir("src", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, filepath.ToSlash(p))
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(files)
	h := sha256.New()
	for _, f := range files {
		b, err := os.ReadFile(filepath.FromSlash(f))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(b)
		fmt.Fprintf(h, "%s\n%s\n", f, hex.EncodeToString(sum[:]))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestDistIsCurrent fails when a source changed after the committed build was made.
func TestDistIsCurrent(t *testing.T) {
	stamp, err := fs.ReadFile(Dist(), "source.sha256")
	if err != nil {
		t.Fatalf("the build has no source.sha256: run `make web` (%v)", err)
	}
	if got, want := strings.TrimSpace(string(stamp)), sourceDigest(t); got != want {
		t.Fatalf("web/dist was built from other sources (digest %s, sources %s): run `make web` and commit web/dist", got, want)
	}
}

func TestDistHasBothPages(t *testing.T) {
	for _, name := range []string{"index.html", "graphiql.html"} {
		b, err := fs.ReadFile(Dist(), name)
		if err != nil {
			t.Fatalf("Dist() has no %s: %v", name, err)
		}
		if !bytes.Contains(b, []byte(`src="/assets/`)) {
			t.Errorf("%s loads no script from /assets/", name)
		}
	}
	for _, hook := range []string{"search-input", "graph-canvas", "citation-panel"} {
		b, _ := fs.ReadFile(Dist(), "index.html")
		if !bytes.Contains(b, []byte(`data-testid="`+hook+`"`)) {
			t.Errorf("index.html lacks the hook data-testid=%q", hook)
		}
	}
}

// exampleDocs are the pages whose GraphQL examples GraphiQL opens as tabs, in tab order.
var exampleDocs = []string{"../README.md", "../docs/api.md", "../docs/exploring.md", "../docs/cypher.md", "../docs/adding-data.md"}

// TestGraphiQLExamplesMatchREADME keeps the tabs GraphiQL opens with equal to the example queries
// of the README and the docs (exampleDocs), in order.
func TestGraphiQLExamplesMatchREADME(t *testing.T) {
	var want []string
	for _, f := range exampleDocs {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range regexp.MustCompile("(?s)```graphql\n(.*?)```").FindAllSubmatch(md, -1) {
			want = append(want, string(m[1]))
		}
	}
	raw, err := os.ReadFile("src/graphiql/examples.json")
	if err != nil {
		t.Fatal(err)
	}
	var examples []struct{ Name, Title, Query string }
	if err := json.Unmarshal(raw, &examples); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range examples {
		if e.Title == "" || !regexp.MustCompile(`^[A-Z][A-Za-z]+$`).MatchString(e.Name) {
			t.Errorf("example %q needs a title and an operation name, has %q and %q", e.Query, e.Title, e.Name)
		}
		got = append(got, e.Query)
	}
	if len(want) == 0 || !slices.Equal(got, want) {
		t.Errorf("src/graphiql/examples.json queries = %q\ngraphql blocks of %v = %q", got, exampleDocs, want)
	}
}
