package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// writeBundle writes b as JSON into a file of the test's temporary folder and returns its path.
func writeBundle(t *testing.T, name string, b *kg.Bundle) string {
	t.Helper()
	data, err := json.MarshalIndent(b, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func builtinBundle(t *testing.T) *kg.Bundle {
	t.Helper()
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// dumpOf returns storetest.Dump of the store s.
func dumpOf(t *testing.T, s kg.Store) string {
	t.Helper()
	d, err := storetest.Dump(context.Background(), s)
	if err != nil {
		t.Fatalf("dump the database: %v", err)
	}
	return d
}

func TestImportCommand(t *testing.T) {
	s := neo4jtest.Store(t, nil) // an empty database
	env := neo4jEnv(t, "")
	uri := redactURI(env["NEO4J_URI"])
	b := builtinBundle(t)
	size := len(b.Sources) + len(b.Entities) + len(b.Relations)
	empty := dumpOf(t, s)

	// Each step runs `diplograph import ...` and checks its exit code, output and what the
	// database then holds.
	steps := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stdout string   // the exact standard output
		stderr []string // strings the standard error must contain
		dump   string   // what the database must hold afterwards
	}{
		{name: "dry run of the built-in dataset writes nothing", args: []string{"--dry-run", "--builtin"}, env: env,
			stdout: fmt.Sprintf("dry run against %s, nothing written: would create %d, update 0, leave 0 unchanged\n", uri, size),
			dump:   empty},
		{name: "the built-in dataset", args: []string{"--builtin"}, env: env,
			stdout: fmt.Sprintf("imported into %s: %d created, 0 updated, 0 unchanged\n", uri, size),
			dump:   storetest.DumpBundle(b)},
		{name: "the same bundle from a file changes nothing", args: []string{writeBundle(t, "builtin.json", b)}, env: env,
			stdout: fmt.Sprintf("imported into %s: 0 created, 0 updated, %d unchanged\n", uri, size),
			dump:   storetest.DumpBundle(b)},
		{name: "the built-in dataset again changes nothing", args: []string{"--builtin"}, env: env,
			stdout: fmt.Sprintf("imported into %s: 0 created, 0 updated, %d unchanged\n", uri, size),
			dump:   storetest.DumpBundle(b)},
		{name: "a bad bundle lists its problems by JSON path and changes nothing", args: []string{writeBundle(t, "bad.json", badBundle(t))},
			env: env, code: 1,
			stderr: []string{
				"the bundle has 3 problem(s); nothing was imported",
				"entities[0].citations[0].quote: quote",
				"relations[0].type: unknown relation type \"KNOWS\"",
				fmt.Sprintf("entities[%d].properties.date: \"1 December 2022\" is not an ISO 8601 date", plenaryIndex(t, b)),
			},
			dump: storetest.DumpBundle(b)},
		{name: "a bad bundle fails its dry run too", args: []string{"--dry-run", writeBundle(t, "bad.json", badBundle(t))},
			env: env, code: 1, stderr: []string{"the bundle has 3 problem(s)", "entities[0].citations[0].quote"}, dump: storetest.DumpBundle(b)},
		{name: "a file that is not JSON", args: []string{notJSON(t)}, env: env, code: 1,
			stderr: []string{"not.json: the bundle is not valid JSON of the bundle format"}, dump: storetest.DumpBundle(b)},
		{name: "a missing file", args: []string{filepath.Join(t.TempDir(), "missing.json")}, env: env, code: 1,
			stderr: []string{"cannot read the bundle", "missing.json"}, dump: storetest.DumpBundle(b)},
		{name: "no file and no --builtin", args: nil, env: env, code: 1,
			stderr: []string{"import takes one bundle FILE (- for stdin), or --builtin"}, dump: storetest.DumpBundle(b)},
		{name: "without NEO4J_URI", args: []string{"--builtin"}, env: nil, code: 1,
			stderr: []string{"import needs somewhere to write: set NEO4J_URI"}, dump: storetest.DumpBundle(b)},
		{name: "an unknown flag", args: []string{"--bogus"}, env: env, code: 2,
			stderr: []string{"flag provided but not defined: -bogus"}, dump: storetest.DumpBundle(b)},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			code, stdout, stderr := execute(t, st.env, append([]string{"import"}, st.args...)...)
			if code != st.code {
				t.Errorf("import %q exited with %d, want %d; stderr:\n%s", st.args, code, st.code, stderr)
			}
			if stdout != st.stdout {
				t.Errorf("import %q wrote %q to stdout, want %q", st.args, stdout, st.stdout)
			}
			for _, want := range st.stderr {
				if !strings.Contains(stderr, want) {
					t.Errorf("import %q stderr does not say %q:\n%s", st.args, want, stderr)
				}
			}
			if st.code == 0 && stderr != "" {
				t.Errorf("import %q succeeded but wrote to stderr:\n%s", st.args, stderr)
			}
			if got := dumpOf(t, s); got != st.dump {
				t.Errorf("after import %q the database holds\n%s\nwant\n%s", st.args, got, st.dump)
			}
		})
	}

	// The same source saying something else of an entity: the import adds it as a claim beside the
	// old value and says so; --replace makes the bundle's word the only one.
	t.Run("an update counts what changed", func(t *testing.T) {
		changed := builtinBundle(t)
		changed.Entities[0].Description = "Changed by the import test."
		id, old := changed.Entities[0].ID, b.Entities[0].Description
		path := writeBundle(t, "changed.json", changed)
		counts := fmt.Sprintf("imported into %s: 0 created, 1 updated, %d unchanged\n", uri, size-1)
		code, stdout, stderr := execute(t, env, "import", path)
		if code != 0 || !strings.HasPrefix(stdout, counts) || !strings.Contains(stdout, id+" description: ") {
			t.Errorf("import of a bundle with one changed entity = %d, %q, want 0, %q and the disagreement on %s; stderr:\n%s",
				code, stdout, counts, id, stderr)
		}
		es, err := s.Entities(t.Context(), []string{id})
		if err != nil || es[0] == nil {
			t.Fatalf("Entities(%s) = %v, %v", id, es, err)
		}
		var descriptions []string
		for _, c := range es[0].ItemClaims() {
			if c.Field == kg.FieldDescription {
				descriptions = append(descriptions, fmt.Sprint(c.Value))
			}
		}
		if !slices.Contains(descriptions, old) || !slices.Contains(descriptions, changed.Entities[0].Description) {
			t.Errorf("after the update %s's descriptions = %q, want the old and the new", id, descriptions)
		}
		code, stdout, stderr = execute(t, env, "import", "--replace", path)
		if code != 0 || stdout != counts {
			t.Errorf("import --replace = %d, %q, want 0, %q; stderr:\n%s", code, stdout, counts, stderr)
		}
		if got := dumpOf(t, s); got != storetest.DumpBundle(changed) {
			t.Errorf("after import --replace the database holds\n%s\nwant\n%s", got, storetest.DumpBundle(changed))
		}
	})
}

// badBundle returns the built-in dataset with three problems: a quote its source does not say, a
// relation of an unknown type and a date that is not ISO 8601.
func badBundle(t *testing.T) *kg.Bundle {
	b := builtinBundle(t)
	b.Entities[0].Citations[0].Quote = "words the press release never says"
	b.Relations[0].Type = "KNOWS"
	b.Entities[plenaryIndex(t, b)].Properties[kg.PropDate] = "1 December 2022"
	return b
}

// plenaryIndex returns the index of the 14th plenary among b's entities.
func plenaryIndex(t *testing.T, b *kg.Bundle) int {
	t.Helper()
	for i := range b.Entities {
		if b.Entities[i].ID == "meeting:21cb-esc-14th-plenary" {
			return i
		}
	}
	t.Fatal("the built-in dataset has no 14th plenary")
	return -1
}

func notJSON(t *testing.T) string {
	path := filepath.Join(t.TempDir(), "not.json")
	if err := os.WriteFile(path, []byte("sources:\n  - id: source:x\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
