package memstore

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

// These tests open, write, close (or abandon) and reopen stores on a data directory, and damage
// its log the ways a crash or a disk can.

func editorCtx(t *testing.T) context.Context {
	return kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:wal", Authenticated: true})
}

func openDir(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(%s) error = %v", dir, err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

// state is what a test compares across reopening: the graph and the audit trail.
func state(t *testing.T, s *Store) string {
	t.Helper()
	d, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(d)
	for _, c := range p.Changes {
		b.WriteString("\n" + c.ID() + " " + c.At + " " + c.Actor + " " + c.Action + " " + c.Entity + " " + c.Other + " " + c.Summary)
	}
	return b.String()
}

var cite = []kg.Citation{{Source: "source:fixture-briefing", Quote: "Canada joined the trilateral migration talks in 2022."}}

// writeTopic upserts a topic and returns the log's size before the write.
func writeTopic(t *testing.T, s *Store, name string) int64 {
	t.Helper()
	before := s.log.size
	if _, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: name, Citations: cite}); err != nil {
		t.Fatalf("UpsertEntity(%s) error = %v", name, err)
	}
	return before
}

func TestReopenKeepsEveryWrite(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if !s.Fresh() || !s.Persistent() {
		t.Fatalf("a new data dir: Fresh() = %v, Persistent() = %v; want true, true", s.Fresh(), s.Persistent())
	}
	ctx := editorCtx(t)
	if _, err := s.Import(ctx, storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	writeTopic(t, s, "Energy")
	if _, err := s.AddRelation(ctx, &kg.Relation{Type: kg.RelAddresses, From: "dialogue:high-level-economic-dialogue", To: "topic:energy",
		Properties: map[string]any{"weight": 2.5, "since": int64(2021), "tags": []any{"a", "b"}}, Citations: cite}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.RemoveRelation(ctx, kg.RelAttended, "person:david-okafor", "meeting:21cb-esc-14th-plenary"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DeleteEntity(ctx, "person:ingrid-solberg", "test"); err != nil {
		t.Fatal(err)
	}
	want := state(t, s)
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}

	s2 := openDir(t, dir)
	if s2.Fresh() {
		t.Errorf("reopened data dir: Fresh() = true, want false")
	}
	if got := state(t, s2); got != want {
		t.Errorf("after reopening, the store differs:\n%s", firstDiff(got, want))
	}
	// Writing goes on where it stopped: numbering continues, and that write is kept too.
	last, _ := s2.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	writeTopic(t, s2, "Water")
	next, _ := s2.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	if next.Changes[0].Seq != last.Changes[0].Seq+1 {
		t.Errorf("change after reopening has seq %d, want %d", next.Changes[0].Seq, last.Changes[0].Seq+1)
	}
	want = state(t, s2)
	s2.Close(t.Context())
	if got := state(t, openDir(t, dir)); got != want {
		t.Errorf("after a second reopening, the store differs:\n%s", firstDiff(got, want))
	}
}

func TestOneProcessPerDir(t *testing.T) {
	dir := t.TempDir()
	openDir(t, dir)
	if s, err := Open(dir); err == nil {
		s.Close(t.Context())
		t.Fatal("a second Open of a data dir in use succeeded")
	} else if !strings.Contains(err.Error(), "in use") {
		t.Errorf("second Open error = %v, want it to say the dir is in use", err)
	}
}

// TestTornTail cuts the log inside the last transaction, as a crash during a write would, and
// checks that reopening drops exactly that write and that writing goes on cleanly.
func TestTornTail(t *testing.T) {
	for _, cut := range []struct {
		name string
		at   func(start, end int64, data []byte) int64
	}{
		{"in the middle of a line", func(start, end int64, _ []byte) int64 { return start + (end-start)/2 }},
		{"one byte short", func(_, end int64, _ []byte) int64 { return end - 1 }},
		{"after a whole op line, before the commit", func(start, _ int64, data []byte) int64 {
			return start + int64(strings.IndexByte(string(data[start:]), '\n')) + 1
		}},
	} {
		t.Run(cut.name, func(t *testing.T) {
			dir := t.TempDir()
			s := openDir(t, dir)
			if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
				t.Fatal(err)
			}
			writeTopic(t, s, "Energy")
			want := state(t, s)
			start := writeTopic(t, s, "Water")
			end := s.log.size
			s.Close(t.Context())

			path := filepath.Join(dir, walFile)
			data, err := os.ReadFile(path)
			if err != nil || int64(len(data)) != end {
				t.Fatalf("log is %d bytes (%v), want %d", len(data), err, end)
			}
			if err := os.Truncate(path, cut.at(start, end, data)); err != nil {
				t.Fatal(err)
			}
			s2 := openDir(t, dir)
			if got := state(t, s2); got != want {
				t.Errorf("after a torn last write, the store differs from before it:\n%s", firstDiff(got, want))
			}
			if fi, _ := os.Stat(path); fi.Size() != start {
				t.Errorf("log after reopening is %d bytes, want the torn write cut (%d)", fi.Size(), start)
			}
			writeTopic(t, s2, "Water")
			want = state(t, s2)
			s2.Close(t.Context())
			if got := state(t, openDir(t, dir)); got != want {
				t.Errorf("a write after the repair was not kept:\n%s", firstDiff(got, want))
			}
		})
	}
}

// TestDamagedLog flips a byte inside an early, committed transaction: that is not what a crash
// leaves, and Open refuses rather than drop the acknowledged writes after it.
func TestDamagedLog(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.AddSource(editorCtx(t), &kg.Source{ID: "source:fixture-briefing", Title: "Briefing", Text: "Canada joined the trilateral migration talks in 2022."}); err != nil {
		t.Fatal(err)
	}
	writeTopic(t, s, "Energy")
	writeTopic(t, s, "Water")
	s.Close(t.Context())
	path := filepath.Join(dir, walFile)
	data, _ := os.ReadFile(path)
	i := strings.Index(string(data), "Briefing")
	data[i] = 'b'
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
	if s, err := Open(dir); err == nil {
		s.Close(t.Context())
		t.Fatal("Open(damaged log) succeeded")
	} else if !strings.Contains(err.Error(), "damaged") {
		t.Errorf("Open(damaged log) error = %v, want it to say the log is damaged", err)
	}
}

// TestFailedLogWriteChangesNothing makes the log fail under a write: the write is refused, the
// store stays as it was, and later writes fail too rather than diverge from the log.
func TestFailedLogWriteChangesNothing(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := state(t, s)
	s.log.f.Close() // every write to the file now fails, and so does cutting it
	_, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: "Energy", Citations: cite})
	if kg.ErrorCode(err) != kg.CodeServiceUnavailable {
		t.Errorf("UpsertEntity(log failing) = %v, want %s", err, kg.CodeServiceUnavailable)
	}
	if got := state(t, s); got != want {
		t.Errorf("a write the log refused changed the store:\n%s", firstDiff(got, want))
	}
	if _, err := s.DeleteEntity(editorCtx(t), "person:rachel-poynter", "test"); err == nil {
		t.Errorf("a write after the log broke succeeded")
	}
	if got := state(t, s); got != want {
		t.Errorf("a write after the log broke changed the store")
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "got:  " + a + "\nwant: " + b
		}
	}
	return ""
}
