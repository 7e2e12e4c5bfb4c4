package memstore

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

// TestBackupWhileWriting takes backups of a data dir while a writer keeps writing to it: each one
// restores into a store that opens cleanly and holds every write acknowledged before the backup
// began, and no write that had not begun when it ended. A backup taken when writes have stopped
// restores the same store: the same graph, the same audit trail.
func TestBackupWhileWriting(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	var fixtureTopics int64
	for _, e := range storetest.Fixture().Entities {
		if e.Kind == kg.KindTopic {
			fixtureTopics++
		}
	}
	var (
		acked   atomic.Int64 // writes acknowledged
		started atomic.Int64 // writes begun
		stop    = make(chan struct{})
		wg      sync.WaitGroup
	)
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			started.Store(int64(i + 1))
			if _, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: fmt.Sprintf("Backup topic %d", i), Citations: cite}); err != nil {
				t.Error(err)
				return
			}
			acked.Store(int64(i + 1))
		}
	})
	for b := range 3 {
		for acked.Load() < int64(30*(b+1)) {
			runtime.Gosched()
		}
		before := acked.Load()
		path := filepath.Join(t.TempDir(), "backup")
		info, err := Backup(dir, path)
		if err != nil {
			t.Fatalf("Backup() while writing: %v", err)
		}
		after := started.Load()
		restored := filepath.Join(t.TempDir(), "restored")
		if _, err := Restore(restored, path); err != nil {
			t.Fatalf("Restore() error = %v", err)
		}
		r := openDir(t, restored)
		page, err := r.ListEntities(t.Context(), kg.ListQuery{Kind: kg.KindTopic, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		topics := int64(page.Total) - fixtureTopics
		if topics < before || topics > after {
			t.Errorf("backup %d (%d bytes, %d transactions) restores %d written topics; want between %d acknowledged before it and %d begun after it",
				b, info.Bytes, info.Tx, topics, before, after)
		}
		r.Close(t.Context())
	}
	close(stop)
	wg.Wait()

	want := state(t, s)
	path := filepath.Join(t.TempDir(), "backup")
	if _, err := Backup(dir, path); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(restored, path); err != nil {
		t.Fatal(err)
	}
	if got := state(t, openDir(t, restored)); got != want {
		t.Errorf("a restored backup differs from the store it was taken of:\n%s", firstDiff(got, want))
	}
}

func TestRestoreRefuses(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	writeTopic(t, s, "Energy")
	path := filepath.Join(t.TempDir(), "backup")
	if _, err := Backup(dir, path); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(path)

	// Into a dir that holds data (here, the one backed up, still open).
	if _, err := Restore(dir, path); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Errorf("Restore(dir in use) error = %v, want it refused", err)
	}
	s.Close(t.Context())
	if _, err := Restore(dir, path); err == nil || !strings.Contains(err.Error(), "holds data") {
		t.Errorf("Restore(dir holding data) error = %v, want it refused", err)
	}
	// A backup cut short, or with a flipped byte.
	for name, bad := range map[string][]byte{
		"cut short":    data[:len(data)-7],
		"flipped byte": append(append([]byte{}, data[:100]...), append([]byte{data[100] ^ 1}, data[101:]...)...),
	} {
		p := filepath.Join(t.TempDir(), "bad")
		if err := os.WriteFile(p, bad, 0o640); err != nil {
			t.Fatal(err)
		}
		into := filepath.Join(t.TempDir(), "new")
		if _, err := Restore(into, p); err == nil || !strings.Contains(err.Error(), "not a whole backup") {
			t.Errorf("Restore(backup %s) error = %v, want it refused", name, err)
		}
		if _, err := os.Stat(filepath.Join(into, walFile)); err == nil {
			t.Errorf("Restore(backup %s) left a log in the new dir", name)
		}
	}
}
