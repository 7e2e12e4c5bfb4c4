package neo4jstore_test

import (
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestWrongShapedRowsFailLoudly stores values no writer of the store produces (an alias that is a
// number, a quote missing from a relation's citations) and checks that every read that meets them
// fails as INTERNAL, naming the key in the error for the log, instead of skipping or blanking them.
func TestWrongShapedRowsFailLoudly(t *testing.T) {
	s := neo4jtest.Store(t, storetest.Fixture())
	ctx := t.Context()
	const person, org = "person:rachel-poynter", "organization:bureau-of-western-hemisphere-affairs"
	if err := s.Exec(ctx, `MATCH (n:Entity {id: $id}) SET n.aliases = [1, 2]`, map[string]any{"id": person}); err != nil {
		t.Fatal(err)
	}
	if err := s.Exec(ctx, `
		MATCH (:Entity {id: $from})-[r:HOLDS_POSITION]->(:Entity {id: $to})
		SET r.citationQuotes = []`, map[string]any{"from": person, "to": org}); err != nil {
		t.Fatal(err)
	}
	recs, err := s.Query(ctx, `
		MATCH (:Entity {id: $from})-[r:HOLDS_POSITION {citationQuotes: []}]->(:Entity {id: $to})
		RETURN count(r) AS n`, map[string]any{"from": person, "to": org})
	if err != nil || recs[0]["n"] != int64(1) {
		t.Fatalf("a relation without quotes: %v, %v; want one", recs, err)
	}
	reads := []struct {
		name string
		read func() error
		want string
	}{
		{"Entities", func() error { _, err := s.Entities(ctx, []string{person}); return err }, "entity.aliases[0]"},
		{"ListEntities", func() error {
			_, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: kg.NoLimit})
			return err
		}, "aliases[0]"},
		{"Relations", func() error {
			_, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{person}, Types: []string{"HOLDS_POSITION"}, Limit: kg.NoLimit})
			return err
		}, "citationQuotes"},
		{"Expand", func() error {
			_, err := s.Expand(ctx, kg.ExpandQuery{IDs: []string{org}, Selects: []kg.RelationSelect{{Types: []string{"HOLDS_POSITION"}, Direction: kg.In, Limit: kg.NoLimit}}})
			return err
		}, "citationQuotes"},
		{"Neighborhood", func() error {
			_, err := s.Neighborhood(ctx, kg.NeighborhoodQuery{ID: org, Hops: 1, Limit: 100})
			return err
		}, "aliases[0]"},
		{"Search", func() error { _, err := s.Search(ctx, kg.SearchQuery{Text: "rachel poynter", Limit: 5}); return err }, "aliases[0]"},
		{"Cypher", func() error {
			_, err := s.Cypher(ctx, kg.CypherQuery{Text: "MATCH (n:Person {id: $id}) RETURN n", Params: map[string]any{"id": person}, Limit: 10})
			return err
		}, "aliases[0]"},
	}
	for _, tc := range reads {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.read()
			if err == nil {
				t.Fatalf("%s = no error, want %s naming %s", tc.name, kg.CodeInternal, tc.want)
			}
			if kg.ErrorCode(err) != kg.CodeInternal || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s = %v (%s), want %s naming %s", tc.name, err, kg.ErrorCode(err), kg.CodeInternal, tc.want)
			}
			if msg := kg.ErrorMessage(err); strings.Contains(msg, tc.want) {
				t.Errorf("%s: the client's message %q holds the detail", tc.name, msg)
			}
		})
	}
}
