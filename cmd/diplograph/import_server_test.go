package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestImportToServer: import --server checks against, and imports into, what a running server
// holds, through its API with an editor's key; without a key, or with a reader's, nothing is
// written.
func TestImportToServer(t *testing.T) {
	const editorKey, readerKey = "import-editor-key-0123456789", "import-reader-key-0123456789"
	m := &Main{Config: testConfig(t, map[string]string{"DIPLOGRAPH_API_KEYS": "editor:" + editorKey + ",reader:" + readerKey}),
		Log: slog.New(slog.DiscardHandler)}
	if err := m.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve() }()
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		if err := <-served; err != nil {
			t.Errorf("Main.Serve: %v", err)
		}
	})
	file := filepath.Join(t.TempDir(), "kenneth.json")
	const text = "Kenneth Salazar met Roberto Velasco in 2023."
	if err := os.WriteFile(file, []byte(`{"sources": [{"id": "source:note", "title": "Note", "text": "`+text+`"}],
		"entities": [{"kind": "PERSON", "name": "Kenneth Salazar", "colour": "red", "citations": [{"source": "source:note", "quote": "Kenneth Salazar met Roberto Velasco"}]}],
		"relations": [{"type": "ATTENDED", "from": "person:kenneth-salazar", "to": "meeting:21cb-esc-14th-plenary",
			"properties": {"role": "MEMBER"}, "citations": [{"source": "source:note", "quote": "Kenneth Salazar met Roberto Velasco"}]}]}`), 0o640); err != nil {
		t.Fatal(err)
	}
	cli := func(key string, args ...string) (int, string, string) {
		var stdout, stderr strings.Builder
		env := func(k string) string {
			if k == "DIPLOGRAPH_API_KEY" {
				return key
			}
			return ""
		}
		code := run(t.Context(), append([]string{"import", "--server", m.URL()}, args...), env, &stdout, &stderr)
		return code, stdout.String(), stderr.String()
	}
	// The unknown field is reported with its path, and nothing else is wrong.
	code, out, stderr := cli(editorKey, "--dry-run", file)
	if code != 1 || !strings.Contains(stderr, "entities[0].colour") || strings.Count(stderr, "\n  ") != 1 {
		t.Fatalf("import --server --dry-run (unknown field) = %d, %q %q; want the one problem", code, out, stderr)
	}
	if err := os.WriteFile(file, []byte(strings.Replace(mustRead(t, file), `"colour": "red", `, "", 1)), 0o640); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = cli(editorKey, "--dry-run", file)
	if code != 0 || !strings.Contains(out, "dry run against the server at "+m.URL()) || !strings.Contains(out, "would create 3") ||
		!strings.Contains(out, `~ person:ken-salazar "Ken Salazar"`) {
		t.Errorf("import --server --dry-run = %d, %q %q; want 3 to create and Ken Salazar as a possible duplicate", code, out, stderr)
	}
	for _, key := range []string{"", readerKey} {
		if code, _, stderr := cli(key, file); code != 1 || !strings.Contains(stderr, "key") && !strings.Contains(stderr, "FORBIDDEN") {
			t.Errorf("import --server with key %q = %d, %q; want refused", key, code, stderr)
		}
	}
	code, out, stderr = cli(editorKey, file)
	if code != 0 || !strings.Contains(out, "imported into the server at "+m.URL()+": 3 created") {
		t.Fatalf("import --server = %d, %q %q; want 3 created", code, out, stderr)
	}
	es, err := m.Store.Entities(context.Background(), []string{"person:kenneth-salazar"})
	if err != nil || es[0] == nil {
		t.Fatalf("the server's store after import --server: %v, %v; want Kenneth Salazar", es, err)
	}
	rs, err := m.Store.Relations(context.Background(), kg.RelationQuery{IDs: []string{"person:kenneth-salazar"}, Limit: kg.NoLimit})
	if err != nil || len(rs[0]) != 1 {
		t.Errorf("Kenneth Salazar's relations = %v, %v; want his attendance", rs, err)
	}
	// A release that disagrees with the built-in one: the server's report lists the disagreements.
	release := filepath.Join("testdata", "releases", "15th-plenary-2023.json")
	code, out, stderr = cli(editorKey, release)
	if code != 0 || !strings.Contains(out, "6 field(s) where sources now disagree") ||
		!strings.Contains(out, `properties.established: "2011" (source:us-mexico-21cb-esc-15th-plenary-2023) vs "2010" (source:us-mexico-21cb-esc-14th-plenary-2022, INFERRED)`) {
		t.Errorf("import --server of a disagreeing release = %d, %q %q; want its 6 disagreements listed", code, out, stderr)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
