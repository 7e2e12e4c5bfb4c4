package memstore

import (
	"path/filepath"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestMergeSurvivesReopen: a merge's redirects are in the log, so a merged id still resolves to
// the survivor after the data directory is opened again, and its record is in the audit trail.
func TestMergeSurvivesReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	s := openDir(t, dir)
	if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	writeTopic(t, s, "Trade talks")
	m := kg.MergeRequest{Into: "topic:trade", From: []string{"topic:trade-talks"}, Reason: "one topic"}
	if _, err := s.MergeEntities(editorCtx(t), m); err != nil {
		t.Fatalf("MergeEntities error = %v", err)
	}
	want := state(t, s)
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	s = openDir(t, dir)
	if got := state(t, s); got != want {
		t.Errorf("the store reopened differs:\n%s", got)
	}
	es, err := s.Entities(t.Context(), []string{"topic:trade-talks"})
	if err != nil || es[0] == nil || es[0].ID != "topic:trade" {
		t.Errorf("Entities(topic:trade-talks) after reopening = %v, %v; want topic:trade", es, err)
	}
	p, err := s.Changes(t.Context(), kg.ChangeQuery{Entity: "topic:trade-talks", Limit: 1})
	if err != nil || len(p.Changes) != 1 || p.Changes[0].Action != kg.ActionMergeEntities || p.Changes[0].Detail == "" {
		t.Errorf("Changes(topic:trade-talks) after reopening = %+v, %v; want the merge with its record", p, err)
	}
}
