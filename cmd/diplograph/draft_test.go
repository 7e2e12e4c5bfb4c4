package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

func TestDraftCommand(t *testing.T) {
	text := filepath.Join("..", "..", "internal", "draft", "testdata", "esc-15th-plenary.txt")
	out := filepath.Join(t.TempDir(), "draft.json")
	code, stdout, stderr := runCLI(t, "draft", text, "--out", out, "--published", "2023-11", "--title", "15th plenary")
	if code != 0 || stdout != "" {
		t.Fatalf("draft = %d, stdout %q, stderr %s; want 0 and the bundle in --out", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b, err := kg.ParseBundle(data)
	if err != nil {
		t.Fatalf("the draft is not a bundle: %v", err)
	}
	if ps := b.Validate(); len(ps) > 0 {
		t.Errorf("the draft does not validate: %v", ps)
	}
	if b.Sources[0].Title != "15th plenary" || b.Sources[0].Published != "2023-11" {
		t.Errorf("draft source = %+v, want the title and date given", b.Sources[0])
	}
	for _, want := range []string{"matched against the built-in dataset", `matched: "Kenneth Salazar" (person:ken-salazar)`, "Ken is a nickname of Kenneth", "inferred: "} {
		if !strings.Contains(stderr, want) {
			t.Errorf("draft's review on stderr lacks %q:\n%s", want, stderr)
		}
	}
	if code, _, stderr := runCLI(t, "import", "--dry-run", out); code != 0 {
		t.Errorf("import --dry-run of the draft = %d: %s", code, stderr)
	}

	// Against a data directory that holds the built-in set and the plenary imported above.
	dir := filepath.Join(t.TempDir(), "data")
	if code, _, stderr := runCLI(t, "import", "--data-dir", dir, "--builtin"); code != 0 {
		t.Fatalf("import --builtin = %d: %s", code, stderr)
	}
	if code, _, stderr := runCLI(t, "import", "--data-dir", dir, out); code != 0 {
		t.Fatalf("import of the draft = %d: %s", code, stderr)
	}
	code, _, stderr = runCLI(t, "draft", "--data-dir", dir, "--published", "2023-11", text)
	if code != 0 || !strings.Contains(stderr, "matched against the data directory") ||
		!strings.Contains(stderr, `matched: "Diane Morales" (person:diane-morales)`) {
		t.Errorf("draft --data-dir = %d, want the plenary's new people matched to the imported ones:\n%s", code, stderr)
	}

	code, stdout, stderr = runCLI(t, "draft", "--no-match", text)
	if code != 0 || !strings.Contains(stdout, `"person:kenneth-salazar"`) || strings.Contains(stderr, "matched:") {
		t.Errorf("draft --no-match = %d, want Kenneth Salazar drafted as new:\n%s", code, stderr)
	}
	for _, args := range [][]string{{"draft"}, {"draft", text, text}, {"draft", "--published", "2023-13", text}, {"draft", filepath.Join(t.TempDir(), "missing.txt")},
		{"draft", "--server", "http://127.0.0.1:1", text}, // no editor's key
		{"draft", "--server", "http://127.0.0.1:1", "--api-key", "k", "--builtin", text},
		{"draft", "--server", "http://127.0.0.1:1", "--api-key", "k", text}, // nothing listens there
	} {
		if code, _, stderr := runCLI(t, args...); code != 1 || stderr == "" {
			t.Errorf("%v = %d, stderr %q; want 1 and a message", args, code, stderr)
		}
	}
}
