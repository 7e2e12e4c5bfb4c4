package memstore

import (
	"fmt"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestReadsGoOnWhileAWriteApplies holds a write while it has a copy of the graph locked to apply
// it: first the spare, before it is current, then the copy it replaced. Reads answer meanwhile,
// with the store before the write and then after it, never waiting for the write; and once the
// write is done, both copies hold it.
func TestReadsGoOnWhileAWriteApplies(t *testing.T) {
	s, err := Load(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan string), make(chan struct{})
	s.applying = func(stage string) {
		entered <- stage
		<-release
	}
	written := make(chan error, 1)
	go func() {
		_, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: "Energy", Citations: cite})
		written <- err
	}()

	reads := func(stage string, want bool) {
		t.Helper()
		es, err := s.Entities(t.Context(), []string{"topic:energy", "person:rachel-poynter"})
		if err != nil || (es[0] != nil) != want || es[1] == nil {
			t.Errorf("%s: Entities(topic:energy, person:rachel-poynter) = %v, %v; want topic:energy found = %v", stage, es, err, want)
		}
		hits, err := s.Search(t.Context(), kg.SearchQuery{Text: "energy", Limit: 5, Kinds: []kg.Kind{kg.KindTopic}})
		if err != nil || (len(hits) > 0) != want {
			t.Errorf("%s: Search(energy) = %v, %v; want a hit = %v", stage, hits, err, want)
		}
		page, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: kg.KindTopic, Limit: 100})
		found := false
		if page != nil {
			for _, e := range page.Entities {
				found = found || e.ID == "topic:energy"
			}
		}
		if err != nil || found != want {
			t.Errorf("%s: ListEntities(TOPIC) found topic:energy = %v, %v; want %v", stage, found, err, want)
		}
	}
	if stage := <-entered; stage != "spare" {
		t.Fatalf("first stage = %q, want spare", stage)
	}
	reads("while the spare is applied", false)
	release <- struct{}{}
	if stage := <-entered; stage != "previous" {
		t.Fatalf("second stage = %q, want previous", stage)
	}
	reads("while the replaced copy is applied", true)
	release <- struct{}{}
	if err := <-written; err != nil {
		t.Fatal(err)
	}

	// The next write makes the other copy current: it holds the first write too.
	s.applying = nil
	if _, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: "Water", Citations: cite}); err != nil {
		t.Fatal(err)
	}
	reads("after a second write", true)
}

// TestCloneSharesNothingAWriteChanges clones a loaded store's graph (as its first write does),
// checks that the clone answers as the original, then writes to the clone (an entity created,
// one updated, one deleted with its relations) while the original is read: the original answers
// as before. Run with -race, a write reaching into the original is also a race.
func TestCloneSharesNothingAWriteChanges(t *testing.T) {
	s, err := Load(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	look := func(s *Store) string {
		t.Helper()
		hits, err := s.Search(t.Context(), kg.SearchQuery{Text: "poynter migration", Limit: 20})
		if err != nil {
			t.Fatal(err)
		}
		out := state(t, s)
		for _, h := range hits {
			out += fmt.Sprintf("\nhit %s %s %v %.4f", h.Entity.ID, h.Entity.Name, h.Entity.Aliases, h.Score)
		}
		return out
	}
	before := look(s)
	c := &Store{now: time.Now}
	c.cur.Store(s.cur.Load().clone())
	if got := look(c); got != before {
		t.Fatalf("the clone answers otherwise than the original:\n%s", firstDiff(got, before))
	}

	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			look(s)
		}
	}()
	ctx := editorCtx(t)
	if _, err := c.UpsertEntity(ctx, &kg.Entity{Kind: kg.KindTopic, Name: "Energy", Citations: cite}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpsertEntity(ctx, &kg.Entity{ID: "person:rachel-poynter", Kind: kg.KindPerson, Name: "Rachel Poynter",
		Aliases: []string{"R. Poynter"}, Citations: cite}); err != nil {
		t.Fatal(err)
	}
	if ok, err := c.DeleteEntity(ctx, "person:rachel-poynter", "a test of the clone"); err != nil || !ok {
		t.Fatalf("DeleteEntity() = %v, %v", ok, err)
	}
	<-done
	if got := look(s); got != before {
		t.Errorf("after writes to the clone, the original answers otherwise:\n%s", firstDiff(got, before))
	}
	if look(c) == before {
		t.Errorf("the writes to the clone changed nothing it answers")
	}
}
