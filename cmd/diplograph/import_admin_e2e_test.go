package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

// `diplograph import --admin-files DIR` writes files that neo4j-admin's offline importer turns
// into exactly the graph BulkLoad writes (and so one Import would): every label, property and
// relationship, the audit record included. The test imports them with tools/neo4j/admin.sh into
// the outage test's own Neo4j (DIPLOGRAPH_OUTAGE_NEO4J_PORT), which it may stop and replace: the
// tests of one package run one at a time.
func TestImportAdminFiles(t *testing.T) {
	neo := outageNeo4j(t)
	port, dir := neo.port, neo.dir

	b := adminBundle()
	files := t.TempDir()
	code, stdout, stderr := execute(t, nil, "import", "--admin-files", files, writeBundle(t, "bundle.json", b))
	if code != 0 {
		t.Fatalf("import --admin-files exited with %d: %s", code, stderr)
	}
	size := len(b.Sources) + len(b.Entities) + len(b.Relations)
	head, command, _ := strings.Cut(strings.TrimSpace(stdout), "\nneo4j-admin ")
	if !strings.HasPrefix(head, fmt.Sprintf("wrote %d created in ", size)) || !strings.HasPrefix(command, "database import full neo4j ") {
		t.Fatalf("import --admin-files printed %q, want the count and a neo4j-admin command", stdout)
	}

	neo.stop()
	admin := exec.Command("bash", append([]string{filepath.Join(dir, "admin.sh")}, strings.Fields(command)...)...)
	admin.Env = append(os.Environ(), "NEO4J_PORT="+port)
	if out, err := admin.CombinedOutput(); err != nil {
		t.Fatalf("tools/neo4j/admin.sh %s: %v\n%s", command, err, out)
	}
	neo.start()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, neo4jstore.Config{URI: "bolt://127.0.0.1:" + port, Username: outageUser,
		Password: outagePassword, ConnectTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(context.WithoutCancel(ctx))
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatal(err)
	}
	if got, want := dumpOf(t, s), storetest.DumpBundle(b); got != want {
		t.Errorf("after the offline import the store holds\n%s\nwant\n%s", got, want)
	}
	offline := storedGraph(ctx, t, s)

	if err := s.DeleteAll(ctx); err != nil {
		t.Fatal(err)
	}
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: CLIActor, Authenticated: true})
	if _, err := s.BulkLoad(ctx, b, neo4jstore.BulkLoadOptions{}); err != nil {
		t.Fatal(err)
	}
	if bulk := storedGraph(ctx, t, s); offline != bulk {
		t.Errorf("the offline import stored\n%s\nBulkLoad stored\n%s", offline, bulk)
	}
}

// adminBundle is the fixture, a generated graph, and an entity whose properties hold what the
// import files must quote or type with care: an empty string, quotes and a line break, a
// number, a boolean, a float and lists.
func adminBundle() *kg.Bundle {
	b := storetest.Fixture()
	g := graphgen.Generate(300)
	b.Sources = append(b.Sources, g.Sources...)
	b.Entities = append(b.Entities, g.Entities...)
	b.Relations = append(b.Relations, g.Relations...)
	e := b.Entities[slices.IndexFunc(b.Entities, func(e kg.Entity) bool { return e.Kind == kg.KindPerson })]
	e.ID, e.Name, e.Aliases = "person:the-careful-one", "The \"Careful\" One", []string{"Careful, One", "C;O"}
	e.Description = "two\nlines, \"quoted\""
	e.Properties = map[string]any{"blank": "", "count": int64(3), "open": true, "share": 0.25,
		"tags": []any{"a;b", "c,d"}, "years": []any{int64(2022), int64(2023)}}
	b.Entities = append(b.Entities, e)
	return b
}

// storedGraph returns every node's labels and properties and every relationship's type, ends and
// properties, one line each, sorted, but for the times a write stamps (a :Change's at, the
// :ChangeLog's lockedAt).
func storedGraph(ctx context.Context, t *testing.T, s *neo4jstore.Store) string {
	t.Helper()
	var lines []string
	for _, q := range []string{
		"MATCH (n) RETURN labels(n) AS what, properties(n) AS props",
		"MATCH (a)-[r]->(b) RETURN [type(r), a.id, b.id] AS what, properties(r) AS props",
	} {
		res, err := s.Cypher(ctx, kg.CypherQuery{Text: q, Limit: kg.MaxCypherLimit})
		if err != nil {
			t.Fatal(err)
		}
		if res.Truncated {
			t.Fatalf("%s: more than %d rows", q, kg.MaxCypherLimit)
		}
		for _, row := range res.Rows {
			props, ok := row[1].(map[string]any)
			if !ok {
				t.Fatalf("%s: props = %T", q, row[1])
			}
			delete(props, "at")
			delete(props, "lockedAt")
			lines = append(lines, fmt.Sprint(row[0], " ", props))
		}
	}
	slices.Sort(lines)
	return strings.Join(lines, "\n")
}
