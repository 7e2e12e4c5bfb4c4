package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

// runCLI runs the diplograph command line in-process, without a Neo4j, and returns its exit code
// and output.
func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr strings.Builder
	env := func(k string) string {
		if k == "NEO4J_URI" {
			return ""
		}
		return os.Getenv(k)
	}
	code := run(t.Context(), args, env, &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
}

func dumpDir(t *testing.T, dir string) string {
	t.Helper()
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(t.Context())
	d, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestImportExportCommands(t *testing.T) {
	tmp := t.TempDir()
	dir, dir2 := filepath.Join(tmp, "data"), filepath.Join(tmp, "data2")
	fixture := filepath.Join(tmp, "fixture.json")
	writeJSON(t, fixture, storetest.Fixture())
	n := len(storetest.Fixture().Sources) + len(storetest.Fixture().Entities) + len(storetest.Fixture().Relations)

	if code, _, stderr := runCLI(t, "import", fixture); code != 1 || !strings.Contains(stderr, "DIPLOGRAPH_DATA_DIR") {
		t.Errorf("import without a target = %d, %q; want 1 and a hint", code, stderr)
	}
	// A dry run without a target checks against the built-in dataset, as serve holds it: the
	// built-in bundle itself changes nothing there, and a bundle that extends it resolves against it.
	builtinFile := filepath.Join(tmp, "builtin.json")
	builtin, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	writeJSON(t, builtinFile, builtin)
	size := len(builtin.Sources) + len(builtin.Entities) + len(builtin.Relations)
	code, out, stderr := runCLI(t, "import", "--dry-run", builtinFile)
	if code != 0 || !strings.Contains(out, "against the built-in dataset") || !strings.Contains(out, "would create 0, update 0, leave "+strconv.Itoa(size)+" unchanged") {
		t.Errorf("import --dry-run builtin.json = %d, %q %q; want all %d unchanged against the built-in dataset", code, out, stderr, size)
	}
	extension := filepath.Join(tmp, "extension.json")
	if err := os.WriteFile(extension, []byte(`{"sources": [{"id": "source:note", "title": "Note", "text": "Ken Salazar met Roberto Velasco in 2023."}],
		"relations": [{"type": "ATTENDED", "from": "person:ken-salazar", "to": "meeting:21cb-esc-14th-plenary",
			"properties": {"role": "MEMBER"}, "citations": [{"source": "source:note", "quote": "Ken Salazar met Roberto Velasco"}]}]}`), 0o640); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCLI(t, "import", "--dry-run", extension); code != 0 || !strings.Contains(out, "would create 1, update 1") {
		t.Errorf("import --dry-run extension.json = %d, %q %q; want a new source and an existing relation updated", code, out, stderr)
	}
	// A new entity that resembles a stored one is listed with the stored id, score and reason.
	kenneth := filepath.Join(tmp, "kenneth.json")
	if err := os.WriteFile(kenneth, []byte(`{"sources": [{"id": "source:note", "title": "Note", "text": "Kenneth Salazar met Roberto Velasco in 2023."}],
		"entities": [{"kind": "PERSON", "name": "Kenneth Salazar", "citations": [{"source": "source:note", "quote": "Kenneth Salazar met Roberto Velasco"}]}]}`), 0o640); err != nil {
		t.Fatal(err)
	}
	code, out, stderr = runCLI(t, "import", "--dry-run", kenneth)
	if code != 0 || !strings.Contains(out, "1 possible duplicate(s)") || !strings.Contains(out, `entities[0] person:kenneth-salazar "Kenneth Salazar" ~ person:ken-salazar "Ken Salazar"`) {
		t.Errorf("import --dry-run kenneth.json = %d, %q %q; want Ken Salazar named as a possible duplicate", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "import", "--dry-run", "--data-dir", dir, fixture)
	if code != 0 || !strings.Contains(out, "would create "+strconv.Itoa(n)) {
		t.Errorf("import --dry-run = %d, %q %q; want %d to create", code, out, stderr, n)
	}
	if d := dumpDir(t, dir); d != "" {
		t.Errorf("a dry run wrote to the data dir:\n%s", d)
	}
	code, out, stderr = runCLI(t, "import", "--data-dir", dir, fixture)
	if code != 0 || !strings.Contains(out, strconv.Itoa(n)+" created, 0 updated, 0 unchanged") {
		t.Errorf("import = %d, %q %q; want %d created", code, out, stderr, n)
	}
	code, out, _ = runCLI(t, "import", "--data-dir", dir, fixture)
	if code != 0 || !strings.Contains(out, "0 created, 0 updated, "+strconv.Itoa(n)+" unchanged") {
		t.Errorf("import again = %d, %q; want nothing created", code, out)
	}

	// A later source that gives a position another title: the dry run and the import list the
	// disagreement; replacing what that source said with the fixture's title ends it.
	later := func(title string) *kg.Bundle {
		const text = "David Okafor, Senior Adviser for Trade at the Department of State, briefed the press."
		return &kg.Bundle{Sources: []kg.Source{{ID: "source:trade-briefing", Title: "Trade briefing", Published: "2023-08", Text: text}},
			Relations: []kg.Relation{{Type: kg.RelHoldsPosition, From: "person:david-okafor", To: "organization:department-of-state",
				Properties: map[string]any{"title": title}, Citations: []kg.Citation{{Source: "source:trade-briefing", Quote: "David Okafor"}}}}}
	}
	laterFile := filepath.Join(tmp, "later.json")
	writeJSON(t, laterFile, later("Senior Adviser for Trade"))
	const line = `HOLDS_POSITION person:david-okafor -> organization:department-of-state properties.title: "Senior Adviser for Trade" (source:trade-briefing) vs "Senior Advisor" (source:fixture-briefing); shown first: "Senior Adviser for Trade"`
	for _, args := range [][]string{{"--dry-run"}, {}} {
		code, out, stderr = runCLI(t, append(append([]string{"import"}, args...), "--data-dir", dir, laterFile)...)
		if code != 0 || !strings.Contains(out, "1 field(s) where sources now disagree") || !strings.Contains(out, line) {
			t.Errorf("import %v of a later title = %d, %q %q; want the disagreement listed", args, code, out, stderr)
		}
	}
	writeJSON(t, laterFile, later("Senior Advisor"))
	code, out, stderr = runCLI(t, "import", "--replace", "--data-dir", dir, laterFile)
	if code != 0 || !strings.Contains(out, "1 updated") || strings.Contains(out, "disagree") {
		t.Errorf("import --replace of the title the fixture gives = %d, %q %q; want 1 updated, no disagreement", code, out, stderr)
	}
	want := dumpDir(t, dir)

	// A bad bundle: every problem with its path, nothing written.
	bad := storetest.Fixture()
	bad.Entities[2].Citations[0].Quote = "Nobody said this."
	bad.Relations[0].To = "meeting:nowhere"
	badFile := filepath.Join(tmp, "bad.json")
	writeJSON(t, badFile, bad)
	code, _, stderr = runCLI(t, "import", "--data-dir", dir, badFile)
	if code != 1 || !strings.Contains(stderr, "entities[2].citations[0].quote") || !strings.Contains(stderr, "relations[0].to") ||
		!strings.Contains(stderr, "nothing was imported") {
		t.Errorf("import(bad) = %d, %q; want 1 and both problems with their paths", code, stderr)
	}
	if err := os.WriteFile(badFile, []byte(`{"entities": [{"kind": "TOPIC", "name": "x", "colour": "red"}]}`), 0o640); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr = runCLI(t, "import", "--data-dir", dir, badFile); code != 1 || !strings.Contains(stderr, "entities[0]") {
		t.Errorf("import(unknown field) = %d, %q; want 1 and the item's path", code, stderr)
	}
	if got := dumpDir(t, dir); got != want {
		t.Errorf("refused imports changed the data dir")
	}

	// Export, and import the export into a new data dir: the same graph.
	exported := filepath.Join(tmp, "export.json")
	if code, _, stderr := runCLI(t, "export", "--format", "bundle", "--data-dir", dir, "--out", exported); code != 0 {
		t.Fatalf("export = %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "import", "--data-dir", dir2, exported); code != 0 {
		t.Fatalf("import(export) = %d, %q", code, stderr)
	}
	if got := dumpDir(t, dir2); got != want {
		t.Errorf("export then import gives another graph")
	}
	if code, _, stderr := runCLI(t, "export", "--data-dir", filepath.Join(tmp, "nowhere")); code != 1 || !strings.Contains(stderr, "no data directory") {
		t.Errorf("export from a missing data dir = %d, %q; want 1", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(tmp, "nowhere")); err == nil {
		t.Errorf("export created the data dir it was to read")
	}
	if code, _, stderr := runCLI(t, "export", "--format", "graphml"); code != 1 || !strings.Contains(stderr, "bundle") {
		t.Errorf("export --format graphml = %d, %q; want 1, pointing at bundle", code, stderr)
	}
	// Without a store configured, export writes the built-in dataset.
	code, out, _ = runCLI(t, "export")
	b, err := kg.ParseBundle([]byte(out))
	if code != 0 || err != nil || len(b.Entities) == 0 {
		t.Errorf("export (built-in) = %d, %v, %d entities", code, err, len(b.Entities))
	}
}
