package neo4jstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// openCypher seeds the test Neo4j with b and returns the seeded store and a function that opens
// more stores on the same database with a given Cypher timeout.
func openCypher(t *testing.T, b *kg.Bundle) (*neo4jstore.Store, func(time.Duration) *neo4jstore.Store) {
	s := neo4jtest.Store(t, b)
	return s, func(timeout time.Duration) *neo4jstore.Store {
		cfg := neo4jtest.Open(t)
		cfg.CypherTimeout = timeout
		r, err := neo4jstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { r.Close(context.Background()) })
		return r
	}
}

func TestCypherConformance(t *testing.T) {
	storetest.RunCypher(t, func(t *testing.T, b *kg.Bundle) (kg.Store, func(time.Duration) kg.CypherRunner) {
		s, open := openCypher(t, b)
		return s, func(timeout time.Duration) kg.CypherRunner { return open(timeout) }
	})
}

// layerStatements are the writes each layer must stop on its own: every hostile statement that
// writes data, and the schema writes and procedure tricks that are also forbidden outright. (A
// write glued to a number is left out: Neo4j does not read it as a write at all, the guard does.)
func layerStatements() []storetest.HostileStatement {
	extra := []string{"CREATE INDEX", "CREATE CONSTRAINT", "DROP INDEX", "DROP CONSTRAINT",
		"CALL db.createLabel", "CALL db.createProperty", "CALL IN TRANSACTIONS", "LOAD CSV with a write"}
	var out []storetest.HostileStatement
	for _, h := range storetest.HostileCypher {
		if (h.Code == kg.CodeCypherNotReadOnly && h.Name != "write glued to a number") || slices.Contains(extra, h.Name) {
			out = append(out, h)
		}
	}
	return out
}

// schemaFingerprint lists the indexes and constraints, which the store's Dump does not see.
func schemaFingerprint(t *testing.T, s *neo4jstore.Store) string {
	t.Helper()
	var b strings.Builder
	for _, q := range []string{
		"SHOW INDEXES YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties ORDER BY name",
		"SHOW CONSTRAINTS YIELD name, type, labelsOrTypes, properties RETURN name, type, labelsOrTypes, properties ORDER BY name",
	} {
		rows, err := s.Query(context.Background(), q, nil)
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		fmt.Fprintf(&b, "%v\n", rows)
	}
	return b.String()
}

// TestCypherLayersAlone shows that each safety layer stops every write by itself: the lexical
// guard before anything reaches Neo4j, the planner's statement type before the statement runs,
// and the read transaction when nothing else stands in the way.
func TestCypherLayersAlone(t *testing.T) {
	s, open := openCypher(t, storetest.Fixture())
	r := open(time.Minute)
	before := storetest.CypherFingerprint(t, s, r) + schemaFingerprint(t, s)
	layers := []struct {
		name             string
		lexical, planner bool
		check            func(t *testing.T, h storetest.HostileStatement, err error, trips int64)
	}{
		{"lexical guard alone", true, false, func(t *testing.T, h storetest.HostileStatement, err error, trips int64) {
			if code := kg.ErrorCode(err); trips != 0 || (code != kg.CodeCypherNotReadOnly && code != kg.CodeCypherForbidden) {
				t.Errorf("%q: %v after %d round trips, want refused before reaching Neo4j", h.Text, err, trips)
			}
		}},
		{"planner alone", false, true, func(t *testing.T, h storetest.HostileStatement, err error, trips int64) {
			var kerr *kg.Error
			if !errors.As(err, &kerr) || kerr.Code != kg.CodeCypherNotReadOnly || !strings.Contains(kerr.Message, "planner") {
				t.Errorf("%q: %v, want %s from the planner", h.Text, err, kg.CodeCypherNotReadOnly)
			}
		}},
		{"read transaction alone", false, false, func(t *testing.T, h storetest.HostileStatement, err error, trips int64) {
			var kerr *kg.Error
			if !errors.As(err, &kerr) || kerr.Code != kg.CodeCypherNotReadOnly || strings.Contains(kerr.Message, "planner") {
				t.Errorf("%q: %v, want %s from the read transaction", h.Text, err, kg.CodeCypherNotReadOnly)
			}
		}},
	}
	for _, l := range layers {
		t.Run(l.name, func(t *testing.T) {
			for _, h := range layerStatements() {
				trips := r.RoundTrips()
				res, err := r.CypherLayers(t.Context(), kg.CypherQuery{Text: h.Text, Params: h.Params, Limit: 10}, l.lexical, l.planner)
				if err == nil {
					t.Errorf("%q ran (%d rows), want it refused", h.Text, len(res.Rows))
					continue
				}
				l.check(t, h, err, r.RoundTrips()-trips)
			}
		})
	}
	if after := storetest.CypherFingerprint(t, s, r) + schemaFingerprint(t, s); after != before {
		t.Errorf("the graph or its schema changed:\nbefore %s\nafter  %s", before, after)
	}
}

// TestCypherRoundTrips checks that one Cypher call is one transaction, relationship ends and all.
func TestCypherRoundTrips(t *testing.T) {
	_, open := openCypher(t, storetest.Fixture())
	r := open(time.Minute)
	before := r.RoundTrips()
	res, err := r.Cypher(t.Context(), kg.CypherQuery{Text: "MATCH ()-[r:ATTENDED]->() RETURN r", Limit: 100})
	if err != nil || len(res.Rows) == 0 || res.Rows[0][0].(*kg.Relation).From == "" {
		t.Fatalf("Cypher = %v, %v; want relations with named ends", res, err)
	}
	if got := r.RoundTrips() - before; got != 1 {
		t.Errorf("Cypher took %d round trips, want 1", got)
	}
}

// TestCypherFulltext runs the full-text index the store keeps for search through the allowed
// procedure.
func TestCypherFulltext(t *testing.T) {
	_, open := openCypher(t, storetest.Fixture())
	r := open(time.Minute)
	res, err := r.Cypher(t.Context(), kg.CypherQuery{Text: `
		CALL db.index.fulltext.queryNodes($index, 'poynter') YIELD node, score
		RETURN node.id AS id, score ORDER BY score DESC LIMIT 1`,
		Params: map[string]any{"index": neo4jstore.SearchIndex}, Limit: 10})
	if err != nil || len(res.Rows) != 1 || res.Rows[0][0] != "person:rachel-poynter" {
		t.Errorf("full-text query = %v, %v; want person:rachel-poynter first", res, err)
	}
}
