package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// testSearchAfterWrites checks that search sees every kind of write at once and exactly: after
// many entities are imported at once, an entity is renamed and given aliases, others are created
// and one is deleted, positions (whose titles find their holders) are added, changed and removed,
// each search answers as the reference does over the entities and positions the store then holds:
// the old words find nothing of the renamed entity, the new ones find it in its new place.
func testSearchAfterWrites(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	ctx := asEditor(t.Context())
	fx := Fixture()
	s := open(t, Fixture())
	ids := map[string]bool{}
	for _, e := range fx.Entities {
		ids[e.ID] = true
	}

	// Many entities in one import (a store may index a large write otherwise than a small one),
	// first, so that the small writes after it are not reindexed with it.
	g := graphgen.Generate(200)
	if _, err := s.Import(ctx, g, kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(graphgen.Generate(200)) error = %v", err)
	}
	for _, e := range g.Entities {
		ids[e.ID] = true
	}
	// Renames with aliases: words leave and come, an alias goes, and the name's place in the
	// order changes. (Replacing what the one source of the person said renames; a plain write
	// would add the names.)
	mustReplace(t, s, &kg.Entity{ID: pPoynter, Kind: kg.KindPerson, Name: "Rachel Poynter Migration",
		Aliases: []string{"Trade", "Commerce Office"}, Citations: fixtureCitation()})
	if e := mustReplace(t, s, &kg.Entity{ID: pPoynter, Kind: kg.KindPerson, Name: "Aaron Pointer Migration",
		Aliases: []string{"A. Pointer"}, Citations: fixtureCitation()}); len(e.Aliases) != 1 {
		t.Fatalf("Import(replace %s) aliases = %q, want the new alias only", pPoynter, e.Aliases)
	}
	// New entities that share words with others and sort among them.
	for _, e := range []*kg.Entity{
		{Kind: kg.KindTopic, Name: "Migration Pointers", Citations: fixtureCitation()},
		{Kind: kg.KindTopic, Name: "Trade", Aliases: []string{"Commerce"}, Citations: fixtureCitation()},
		{Kind: kg.KindInitiative, Name: "Trade", Citations: fixtureCitation()},
	} {
		ids[mustEntity(t, s, e).ID] = true
	}
	if ok, err := s.DeleteEntity(ctx, pOkafor, "searched after writes"); err != nil || !ok {
		t.Fatalf("DeleteEntity(%s) = %v, %v; want true", pOkafor, err, ok)
	}
	// Titles: a renamed person keeps its own (Poynter's above), a new position gives one, a removed
	// position and the positions at a deleted organization take theirs away.
	mustRelation(t, s, &kg.Relation{Type: kg.RelHoldsPosition, From: pGarza, To: oGAC,
		Properties: map[string]any{kg.PropTitle: "Special Envoy for Pacific Trade"}, Citations: fixtureCitation()})
	if hits := searchIDs(t, s, "envoy"); !slices.Equal(hits, []string{pGarza}) {
		t.Errorf("Search(envoy) after a position with that title was added = %q, want [%s]", hits, pGarza)
	}
	if ok, err := s.RemoveRelation(ctx, kg.RelHoldsPosition, pOrtiz, oSRE); err != nil || !ok {
		t.Fatalf("RemoveRelation(HOLDS_POSITION %s) = %v, %v; want true", pOrtiz, ok, err)
	}
	if ok, err := s.DeleteEntity(ctx, oEmbassy, "searched after writes"); err != nil || !ok {
		t.Fatalf("DeleteEntity(%s) = %v, %v; want true", oEmbassy, err, ok)
	}
	delete(ids, oEmbassy)
	if hits := searchIDs(t, s, "minister"); slices.Contains(hits, pRamirez) {
		t.Errorf("Search(minister) after the embassy was deleted = %q, want no %s", hits, pRamirez)
	}

	var list []string
	for id := range ids {
		list = append(list, id)
	}
	held, err := s.Entities(t.Context(), list)
	if err != nil {
		t.Fatalf("Entities() error = %v", err)
	}
	now := &kg.Bundle{}
	for _, e := range held {
		if e != nil {
			now.Entities = append(now.Entities, *e)
		}
	}
	positions, err := s.Relations(t.Context(), kg.RelationQuery{IDs: list, Types: kg.TitledTypes, Direction: kg.Out, Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("Relations() error = %v", err)
	}
	for _, rs := range positions {
		for _, r := range rs {
			now.Relations = append(now.Relations, *r)
		}
	}
	if len(now.Entities) != len(ids)-1 {
		t.Fatalf("the store holds %d of the %d entities written, want all but the deleted one", len(now.Entities), len(ids))
	}
	queries := append([]kg.SearchQuery{}, rankingQueries...)
	for _, text := range []string{"rachel poynter", "poynter", "pointer", "a pointer", "aaron pointer migration", "migration",
		"migration pointers", "trade", "commerce", "commerce office", "rachel poynter migration", "david okafor", "okafor", "poyntr", "pointr",
		"envoy", "special envoy for pacific trade", "deputy assistant secretary", "minister", "director", "senior advisor", "undersecretary"} {
		for _, n := range []int{1, 3, 10, 0} {
			queries = append(queries, kg.SearchQuery{Text: text, Limit: n})
		}
	}
	queries = append(queries, kg.SearchQuery{Text: "trade", Kinds: []kg.Kind{kg.KindInitiative}, Limit: 2})
	for _, q := range queries {
		t.Run(fmt.Sprintf("%q kinds %v first %d", q.Text, q.Kinds, q.Limit), func(t *testing.T) { checkSearch(t, s, now, q) })
	}
}

// searchIDs returns the ids of the first ten hits of text on s.
func searchIDs(t *testing.T, s kg.Store, text string) []string {
	t.Helper()
	hits, err := s.Search(t.Context(), kg.SearchQuery{Text: text, Limit: 10})
	if err != nil {
		t.Fatalf("Search(%q) error = %v", text, err)
	}
	return hitIDs(hits)
}
