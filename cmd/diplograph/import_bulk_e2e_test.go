package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// `diplograph import --bulk` loads a bundle into an empty Neo4j as one import would, and refuses,
// writing nothing, a database that holds anything, a bad bundle, a dry run and a missing Neo4j.
func TestImportBulkCommand(t *testing.T) {
	s := neo4jtest.Store(t, nil) // an empty database
	env := neo4jEnv(t, "")
	uri := redactURI(env["NEO4J_URI"])
	b := builtinBundle(t)
	size := len(b.Sources) + len(b.Entities) + len(b.Relations)

	steps := []struct {
		name   string
		args   []string
		env    map[string]string
		code   int
		stdout string
		stderr []string
		dump   string
	}{
		{name: "a bad bundle lists its problems and writes nothing", args: []string{"--bulk", writeBundle(t, "bad.json", badBundle(t))},
			env: env, code: 1,
			stderr: []string{"the bundle has 3 problem(s); nothing was imported", "entities[0].citations[0].quote: quote",
				`relations[0].type: unknown relation type "KNOWS"`}},
		{name: "with --dry-run", args: []string{"--bulk", "--dry-run", "--builtin"}, env: env, code: 1,
			stderr: []string{"--bulk and --dry-run do not go together"}},
		{name: "without NEO4J_URI", args: []string{"--bulk", "--builtin"}, env: nil, code: 1,
			stderr: []string{"--bulk loads into Neo4j: set NEO4J_URI"}},
		{name: "the built-in dataset into the empty database", args: []string{"--bulk", "--builtin"}, env: env,
			stdout: fmt.Sprintf("bulk-loaded into %s: %d created\n", uri, size), dump: storetest.DumpBundle(b)},
		{name: "again: the database is not empty", args: []string{"--bulk", writeBundle(t, "builtin.json", b)}, env: env, code: 1,
			stderr: []string{"bulk load into " + uri + ": the database is not empty"}, dump: storetest.DumpBundle(b)},
		{name: "an ordinary import then changes nothing", args: []string{"--builtin"}, env: env,
			stdout: fmt.Sprintf("imported into %s: 0 created, 0 updated, %d unchanged\n", uri, size), dump: storetest.DumpBundle(b)},
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
			if got := dumpOf(t, s); got != st.dump {
				t.Errorf("after import %q the database holds\n%.500s\nwant\n%.500s", st.args, got, st.dump)
			}
		})
	}
	page, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Changes) != 1 || page.Changes[0].Actor != CLIActor || page.Changes[0].Action != kg.ActionImport {
		t.Errorf("the audit trail holds %+v, want the one import of the bulk load by %s", page.Changes, CLIActor)
	}
}
