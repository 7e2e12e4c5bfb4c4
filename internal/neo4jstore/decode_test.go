package neo4jstore_test

import (
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestWrongShapedRowsFailLoudly stores values no writer of the store produces (an alias that is a
// number, a quote missing from a relation's citations, claims that are not JSON, a citation basis
// kg does not know) and checks that every read that meets them
// fails as INTERNAL, naming the key in the error for the log, instead of skipping or blanking them.
func TestWrongShapedRowsFailLoudly(t *testing.T) {
	s := neo4jtest.Store(t, storetest.Fixture())
	ctx := t.Context()
	const person, org = "person:rachel-poynter", "organization:bureau-of-western-hemisphere-affairs"
	const claimed = "person:mateo-garza" // damaged provenance: claims, and the bases of its relations
	if err := s.Exec(ctx, `MATCH (n:Entity {id: $id}) SET n.claims = '[{"field": "name", "val'`, map[string]any{"id": claimed}); err != nil {
		t.Fatal(err)
	}
	if err := s.Exec(ctx, `
		MATCH (:Entity {id: $id})-[r]-()
		SET r.citationBases = [x IN r.citationSources | 'GUESSED']`, map[string]any{"id": claimed}); err != nil {
		t.Fatal(err)
	}
	const relClaimed = "person:ana-lucia-ortiz" // damaged provenance: the claims of its relations
	if err := s.Exec(ctx, `
		MATCH (:Entity {id: $id})-[r]-()
		SET r.claims = '{"field": 1}'`, map[string]any{"id": relClaimed}); err != nil {
		t.Fatal(err)
	}
	srcs, err := s.Query(ctx, `MATCH (n:Entity {id: $id}) RETURN n.citationSources[0] AS source`, map[string]any{"id": claimed})
	if err != nil || len(srcs) != 1 || srcs[0]["source"] == nil {
		t.Fatalf("the source citing %s: %v, %v", claimed, srcs, err)
	}
	source, _ := srcs[0]["source"].(string)
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
		}, "entity.claims"}, // Mateo Garza's claims: the first damaged person in the list's order
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
		{"Entities/claims", func() error { _, err := s.Entities(ctx, []string{claimed}); return err }, "entity.claims"},
		{"CitedEntities/claims", func() error {
			_, err := s.CitedEntities(ctx, kg.CitedQuery{Source: source, Kinds: []kg.Kind{kg.KindPerson}, Limit: kg.MaxCitedPage})
			return err
		}, "claims"},
		{"Relations/bases", func() error {
			_, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{claimed}, Limit: kg.NoLimit})
			return err
		}, "citationBases[0]"},
		{"UpsertEntity/claims", func() error {
			var e kg.Entity
			for _, x := range storetest.Fixture().Entities {
				if x.ID == claimed {
					e = x
				}
			}
			e.Description = "A new description."
			_, err := s.UpsertEntity(kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleEditor, Name: "test", Authenticated: true}), &e)
			return err
		}, "claims"},
		{"Relations/claims", func() error {
			_, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{relClaimed}, Limit: kg.NoLimit})
			return err
		}, "claims"},
		// Writes that read what they change refuse damaged claims rather than write less.
		{"MergeEntities/claims", func() error {
			_, err := s.MergeEntities(kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleEditor, Name: "test", Authenticated: true}),
				kg.MergeRequest{Into: claimed, From: []string{relClaimed}, Reason: "test"})
			return err
		}, "claims"},
		{"WithdrawSource/claims", func() error {
			_, err := s.WithdrawSource(kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleEditor, Name: "test", Authenticated: true}),
				kg.Withdrawal{Source: source, Entities: []string{claimed}, Reason: "test", DryRun: true})
			return err
		}, "claims"},
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
