package neo4jstore_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// bulkActor is the actor the bulk loads of these tests record, as neo4jtest.Store's imports do.
func bulkActor(ctx context.Context) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: neo4jtest.LoadActor, Authenticated: true})
}

// emptyDatabase removes every node, constraint and index of the test database, as a new database
// has none.
func emptyDatabase(t *testing.T, s *neo4jstore.Store) {
	t.Helper()
	if err := s.DeleteAll(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, what := range [][2]string{{"CONSTRAINT", "CONSTRAINTS"}, {"INDEX", "INDEXES"}} {
		rows, err := s.Query(t.Context(), "SHOW "+what[1]+" YIELD name, type WHERE type <> 'LOOKUP' RETURN name", nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range rows {
			// name comes from Neo4j's own list, not from input.
			if err := s.Schema(t.Context(), "DROP "+what[0]+" `"+row["name"].(string)+"`"); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// rawGraph returns everything the database holds, as stored: every node's labels and properties
// and every relationship's type, ends and properties, one line each, sorted. Only the times a
// write stamps (a :Change's at, the :ChangeLog's lockedAt) are left out.
func rawGraph(t *testing.T, s *neo4jstore.Store) string {
	t.Helper()
	nodes, err := s.Query(t.Context(), `
		MATCH (n)
		RETURN labels(n) AS labels, properties(n) AS props`, nil)
	if err != nil {
		t.Fatal(err)
	}
	rels, err := s.Query(t.Context(), `
		MATCH (a)-[r]->(b)
		RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props`, nil)
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, n := range nodes {
		labels := fmt.Sprint(n["labels"])
		props := n["props"].(map[string]any)
		delete(props, "at")
		delete(props, "lockedAt")
		lines = append(lines, labels+" "+fmt.Sprint(props))
	}
	for _, r := range rels {
		lines = append(lines, fmt.Sprintf("%s %s->%s %v", r["type"], r["from"], r["to"], r["props"]))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// changesOf returns the store's audit trail without the times of the changes.
func changesOf(t *testing.T, s *neo4jstore.Store) []kg.Change {
	t.Helper()
	page, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	out := make([]kg.Change, len(page.Changes))
	for i, c := range page.Changes {
		out[i] = *c
		out[i].At = ""
	}
	return out
}

// TestBulkLoad checks that a bulk load leaves exactly what one Import of the bundle leaves (nodes,
// relationships, every property, the audit trail), that ImportInParts reads back the same, and
// that the schema it creates serves search and reads.
func TestBulkLoad(t *testing.T) {
	s := neo4jtest.Store(t, nil)
	ctx := bulkActor(t.Context())
	b := graphgen.Generate(2000)
	items := len(b.Sources) + len(b.Entities) + len(b.Relations)

	emptyDatabase(t, s)
	var steps []neo4jstore.BulkProgress
	st, err := s.BulkLoad(ctx, b, neo4jstore.BulkLoadOptions{ItemsPerTx: 777, Progress: func(p neo4jstore.BulkProgress) { steps = append(steps, p) }})
	if err != nil {
		t.Fatalf("BulkLoad(Generate(2000)) error = %v", err)
	}
	if st != (kg.ImportStats{Created: items}) {
		t.Errorf("BulkLoad(Generate(2000)) = %+v, want %d created", st, items)
	}
	// Progress: each step begins at 0 and counts up to its total, a transaction at a time.
	if len(steps) < 4 {
		t.Fatalf("BulkLoad reported progress %v, want at least the four steps", steps)
	}
	var last neo4jstore.BulkProgress
	var began []string
	for _, p := range steps {
		switch {
		case p.Done == 0:
			if last.Done != last.Total {
				t.Errorf("step %s ended at %d of %d", last.Step, last.Done, last.Total)
			}
			began = append(began, p.Step)
		case p.Step != last.Step || p.Done <= last.Done || p.Done-last.Done > 777 || p.Done > p.Total:
			t.Errorf("progress %+v after %+v", p, last)
		}
		last = p
	}
	if fmt.Sprint(began) != "[sources entities relations indexes]" || steps[len(steps)-2].Total != len(b.Relations) {
		t.Errorf("progress steps %v, last of relations %+v; want sources, entities, relations, indexes", began, steps[len(steps)-2])
	}
	bulkDump, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if bulkDump != storetest.DumpBundle(b) {
		t.Errorf("the store after BulkLoad differs from the bundle")
	}
	bulkRaw, bulkChanges := rawGraph(t, s), changesOf(t, s)
	want := []kg.Change{{Seq: 1, Actor: neo4jtest.LoadActor, Action: kg.ActionImport, Summary: kg.ImportSummary(kg.ImportStats{Created: items})}}
	if fmt.Sprint(bulkChanges) != fmt.Sprint(want) {
		t.Errorf("the audit trail after BulkLoad = %+v, want %+v", bulkChanges, want)
	}
	// The schema is complete: search finds a generated name through the full-text index.
	hits, err := s.Search(t.Context(), kg.SearchQuery{Text: b.Entities[len(b.Entities)-1].Name, Limit: 5})
	if err != nil || len(hits) == 0 {
		t.Errorf("Search after BulkLoad = %d hits, %v; want some", len(hits), err)
	}
	indexes, err := s.Query(t.Context(), "SHOW INDEXES YIELD name, state WHERE state <> 'ONLINE' RETURN name, state", nil)
	if err != nil || len(indexes) > 0 {
		t.Errorf("indexes not online after BulkLoad: %v, %v", indexes, err)
	}

	t.Run("one Import writes the same", func(t *testing.T) {
		emptyDatabase(t, s)
		if err := s.EnsureSchema(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Import(ctx, b, kg.ImportOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := rawGraph(t, s); got != bulkRaw {
			t.Errorf("nodes and relationships after Import differ from those after BulkLoad:\n%s", firstDiff(got, bulkRaw))
		}
		if got := changesOf(t, s); fmt.Sprint(got) != fmt.Sprint(bulkChanges) {
			t.Errorf("the audit trail after Import = %+v, after BulkLoad %+v", got, bulkChanges)
		}
	})

	t.Run("ImportInParts reads back the same", func(t *testing.T) {
		emptyDatabase(t, s)
		if err := s.EnsureSchema(t.Context()); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ImportInParts(ctx, b, 0); err != nil {
			t.Fatal(err)
		}
		got, err := storetest.Dump(t.Context(), s)
		if err != nil {
			t.Fatal(err)
		}
		if got != bulkDump {
			t.Errorf("Dump after ImportInParts differs from Dump after BulkLoad:\n%s", firstDiff(got, bulkDump))
		}
	})

	t.Run("a database that is not empty is refused", func(t *testing.T) {
		before, changes := rawGraph(t, s), changesOf(t, s)
		small := graphgen.Generate(100)
		if _, err := s.BulkLoad(ctx, small, neo4jstore.BulkLoadOptions{}); kg.ErrorCode(err) != kg.CodeConflict {
			t.Errorf("BulkLoad into a database that holds a graph: error = %v, want %s", err, kg.CodeConflict)
		}
		if rawGraph(t, s) != before || fmt.Sprint(changesOf(t, s)) != fmt.Sprint(changes) {
			t.Errorf("a refused BulkLoad changed the database")
		}
		// Even a database that holds nothing but the change log of writes since undone.
		emptyDatabase(t, s)
		if err := s.Exec(t.Context(), `CREATE (:ChangeLog {id: 'changes', seq: 4})`, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.BulkLoad(ctx, small, neo4jstore.BulkLoadOptions{}); kg.ErrorCode(err) != kg.CodeConflict {
			t.Errorf("BulkLoad into a database with a change log: error = %v, want %s", err, kg.CodeConflict)
		}
		if got := rawGraph(t, s); got != "[ChangeLog] map[id:changes seq:4]" {
			t.Errorf("a refused BulkLoad changed the database: it holds\n%s", got)
		}
	})

	t.Run("a bad bundle writes nothing", func(t *testing.T) {
		badQuote := graphgen.Generate(2000)
		badQuote.Relations[len(badQuote.Relations)-1].Citations = []kg.Citation{{Source: badQuote.Sources[0].ID, Quote: "words the source does not have"}}
		reserved := graphgen.Generate(2000)
		reserved.Entities[len(reserved.Entities)-1].Properties = map[string]any{"searchText": "planted"}
		for _, tc := range []struct {
			name string
			b    *kg.Bundle
		}{{"a quote its source lacks", badQuote}, {"a property name the store reserves", reserved}, {"no bundle", nil}} {
			emptyDatabase(t, s)
			if _, err := s.BulkLoad(ctx, tc.b, neo4jstore.BulkLoadOptions{ItemsPerTx: 100}); kg.ErrorCode(err) != kg.CodeBadUserInput {
				t.Errorf("BulkLoad(%s) error = %v, want %s", tc.name, err, kg.CodeBadUserInput)
			}
			if got := rawGraph(t, s); got != "" {
				t.Errorf("BulkLoad(%s) wrote:\n%.300s", tc.name, got)
			}
		}
		st, err := s.BulkLoad(ctx, &kg.Bundle{}, neo4jstore.BulkLoadOptions{})
		if err != nil || st != (kg.ImportStats{}) || rawGraph(t, s) != "" {
			t.Errorf("BulkLoad(empty bundle) = %+v, %v; want nothing created and nothing written", st, err)
		}
	})
}

// TestBulkLoadedStoreConforms runs the read-only part of the conformance suite on stores that
// BulkLoad filled, in small transactions, into databases without any schema.
func TestBulkLoadedStoreConforms(t *testing.T) {
	storetest.RunReads(t, func(t *testing.T, b *kg.Bundle) kg.Store {
		s := neo4jtest.Store(t, nil)
		emptyDatabase(t, s)
		if _, err := s.BulkLoad(bulkActor(t.Context()), b, neo4jstore.BulkLoadOptions{ItemsPerTx: 3}); err != nil {
			t.Fatalf("BulkLoad: %v", err)
		}
		return s
	})
}

// firstDiff returns the first line where a and b differ.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("line %d:\n  %.400s\nvs\n  %.400s", i, al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines vs %d", len(al), len(bl))
}
