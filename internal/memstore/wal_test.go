package memstore

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
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

// openBriefing opens dir and adds the source that cite quotes.
func openBriefing(t *testing.T, dir string) *Store {
	t.Helper()
	s := openDir(t, dir)
	if _, err := s.AddSource(editorCtx(t), &kg.Source{ID: cite[0].Source, Title: "Briefing", Text: cite[0].Quote}); err != nil {
		t.Fatal(err)
	}
	return s
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
	// A second source that disagrees on a title: the log keeps the claims of both.
	later := &kg.Bundle{Sources: []kg.Source{{ID: "source:later", Title: "Later", Published: "2024", Text: "David Okafor, Senior Adviser."}},
		Relations: []kg.Relation{{Type: kg.RelHoldsPosition, From: "person:david-okafor", To: "organization:department-of-state",
			Properties: map[string]any{"title": "Senior Adviser", "rank": int64(3)}, Citations: []kg.Citation{{Source: "source:later", Quote: "Senior Adviser",
				Basis: kg.BasisInferred, Note: "the adviser's rank", Fields: []string{"properties.rank"}}, {Source: "source:later", Quote: "David Okafor"}}}}}
	if rep, err := s.Import(ctx, later, kg.ImportOptions{}); err != nil || len(rep.Disagreements) != 1 {
		t.Fatalf("Import(later) = %+v, %v; want one disagreement", rep, err)
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

// crash abandons s as a killed process would: its files are closed without the clean close that
// Close records in the manifest.
func crash(s *Store) {
	s.closed.Store(true)
	s.log.release()
}

// TestTornTail cuts the log inside the last transaction, as a crash during a write would, and
// checks that reopening drops exactly that write, says how many bytes it dropped and keeps them,
// and that writing goes on cleanly.
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
			crash(s)

			path := filepath.Join(dir, walFile)
			data, err := os.ReadFile(path)
			if err != nil || int64(len(data)) != end {
				t.Fatalf("log is %d bytes (%v), want %d", len(data), err, end)
			}
			at := cut.at(start, end, data)
			if err := os.Truncate(path, at); err != nil {
				t.Fatal(err)
			}
			s2 := openDir(t, dir)
			if got := state(t, s2); got != want {
				t.Errorf("after a torn last write, the store differs from before it:\n%s", firstDiff(got, want))
			}
			if fi, _ := os.Stat(path); fi.Size() != start {
				t.Errorf("log after reopening is %d bytes, want the torn write cut (%d)", fi.Size(), start)
			}
			rec := s2.Recovered()
			if rec == nil || rec.At != start || rec.Bytes != at-start {
				t.Fatalf("Recovered() = %+v, want %d bytes dropped at %d", rec, at-start, start)
			}
			if kept, err := os.ReadFile(rec.SavedTo); err != nil || string(kept) != string(data[start:at]) {
				t.Errorf("the copy of the dropped bytes (%s) = %q (%v), want %q", rec.SavedTo, kept, err, data[start:at])
			}
			writeTopic(t, s2, "Water")
			want = state(t, s2)
			s2.Close(t.Context())
			s3 := openDir(t, dir)
			if got := state(t, s3); got != want {
				t.Errorf("a write after the repair was not kept:\n%s", firstDiff(got, want))
			}
			if s3.Recovered() != nil {
				t.Errorf("after a clean close, Recovered() = %+v, want nil", s3.Recovered())
			}
		})
	}
}

// TestDamageIsNeverSilent damages a log the ways the probes did (and a few more), after a
// clean close and after a crash. Damage that may hide an acknowledged write refuses to start and
// says what to do; the only thing ever dropped is what a crash can leave (a write never
// acknowledged), and that is reported.
func TestDamageIsNeverSilent(t *testing.T) {
	type outcome int
	const (
		refused outcome = iota // Open fails, naming repair and restore
		dropped                // Open drops the tail and reports it in Recovered
		empty                  // Open fails: the dir held data but the log is gone
	)
	lastLine := func(data []byte) int { return strings.LastIndexByte(string(data[:len(data)-1]), '\n') + 1 }
	for _, d := range []struct {
		name         string
		damage       func(data []byte) []byte // nil: remove the log
		clean, crash outcome
	}{
		{"a flipped byte in the last record", func(b []byte) []byte { b[len(b)-5] ^= 0x20; return b }, refused, dropped},
		{"a flipped byte in the last write's first record", func(b []byte) []byte {
			i := strings.Index(string(b), `"name":"Water"`)
			b[i+9] ^= 0x20
			return b
		}, refused, refused},
		{"5 bytes cut", func(b []byte) []byte { return b[:len(b)-5] }, refused, dropped},
		{"200 bytes cut", func(b []byte) []byte { return b[:len(b)-200] }, refused, dropped},
		{"the last record cut whole", func(b []byte) []byte { return b[:lastLine(b)] }, refused, dropped},
		{"100 bytes zeroed at the end", func(b []byte) []byte { clear(b[len(b)-100:]); return b }, refused, dropped},
		{"100 bytes zeroed in the middle", func(b []byte) []byte { clear(b[len(b)/2 : len(b)/2+100]); return b }, refused, refused},
		{"a 0-byte log", func([]byte) []byte { return []byte{} }, empty, empty},
		{"no log", nil, empty, empty},
	} {
		for _, crashed := range []bool{false, true} {
			want := d.clean
			name := d.name + ", closed cleanly"
			if crashed {
				want, name = d.crash, d.name+", after a crash"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				s := openBriefing(t, dir)
				writeTopic(t, s, "Energy")
				before := state(t, s)
				writeTopic(t, s, "Water")
				if crashed {
					crash(s)
				} else {
					s.Close(t.Context())
				}
				path := filepath.Join(dir, walFile)
				data, _ := os.ReadFile(path)
				if d.damage == nil {
					os.Remove(path)
				} else if err := os.WriteFile(path, d.damage(data), 0o640); err != nil {
					t.Fatal(err)
				}
				s2, err := Open(dir)
				switch want {
				case dropped:
					if err != nil {
						t.Fatalf("Open() error = %v, want the torn write dropped", err)
					}
					defer s2.Close(t.Context())
					if s2.Recovered() == nil || s2.Recovered().Bytes == 0 {
						t.Errorf("Open() dropped a torn write without reporting it: Recovered() = %+v", s2.Recovered())
					}
					if got := state(t, s2); got != before {
						t.Errorf("after dropping the torn write, the store differs from before it:\n%s", firstDiff(got, before))
					}
				case refused:
					if err == nil {
						s2.Close(t.Context())
						t.Fatal("Open() succeeded, want it to refuse a log whose acknowledged writes are damaged")
					}
					for _, w := range []string{"damaged", "diplograph repair --dry-run --data-dir " + dir, "restore"} {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("Open() error = %v, want it to say %q", err, w)
						}
					}
				case empty:
					if err == nil {
						fresh := s2.Fresh()
						s2.Close(t.Context())
						t.Fatalf("Open() succeeded (Fresh() = %v), want it to refuse a dir that held data and lost its log", fresh)
					}
					for _, w := range []string{"held data", "restore"} {
						if !strings.Contains(err.Error(), w) {
							t.Errorf("Open() error = %v, want it to say %q", err, w)
						}
					}
				}
			})
		}
	}
}

// TestDirWithoutManifest opens a dir written before manifests existed: its log is replayed, and
// from then on the dir is known to hold data.
func TestDirWithoutManifest(t *testing.T) {
	dir := t.TempDir()
	s := openBriefing(t, dir)
	writeTopic(t, s, "Energy")
	want := state(t, s)
	s.Close(t.Context())
	if err := os.Remove(filepath.Join(dir, manifestFile)); err != nil {
		t.Fatal(err)
	}
	s2 := openDir(t, dir)
	if s2.Fresh() {
		t.Errorf("a dir with a log and no manifest: Fresh() = true, want false")
	}
	if got := state(t, s2); got != want {
		t.Errorf("store differs:\n%s", firstDiff(got, want))
	}
	s2.Close(t.Context())
	if err := os.Truncate(filepath.Join(dir, walFile), 0); err != nil {
		t.Fatal(err)
	}
	if s3, err := Open(dir); err == nil {
		s3.Close(t.Context())
		t.Errorf("Open() of an emptied log succeeded after the manifest was rebuilt")
	}
}

// TestRepair damages an acknowledged write in the middle of the log: the dry run says what a
// repair would drop and changes nothing; the repair drops it and what follows, keeps a copy of
// the damaged log, and the store opens with every write before the damage.
func TestRepair(t *testing.T) {
	dir := t.TempDir()
	s := openBriefing(t, dir)
	writeTopic(t, s, "Energy")
	want := state(t, s)
	writeTopic(t, s, "Water")
	writeTopic(t, s, "Trade")
	s.Close(t.Context())
	path := filepath.Join(dir, walFile)
	data, _ := os.ReadFile(path)
	i := strings.Index(string(data), `"name":"Water"`)
	data[i+9] = 'w'
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}

	rep, err := Repair(dir, true)
	if err != nil {
		t.Fatalf("Repair(dry run) error = %v", err)
	}
	if rep.Sound() || rep.Problem == "" || rep.Keep >= rep.Size {
		t.Errorf("Repair(dry run) = %+v, want the damage found", rep)
	}
	var acked []string
	for _, d := range rep.Dropped {
		for _, c := range d.Changes {
			if d.Committed {
				acked = append(acked, c.Entity)
			}
		}
	}
	if strings.Join(acked, " ") != "topic:water topic:trade" {
		t.Errorf("Repair(dry run) would drop the acknowledged changes of %q, want topic:water and topic:trade", acked)
	}
	if after, _ := os.ReadFile(path); string(after) != string(data) {
		t.Errorf("a dry run changed the log")
	}
	if _, err := Open(dir); err == nil {
		t.Fatal("Open() after a dry run succeeded, want it still refused")
	}

	rep, err = Repair(dir, false)
	if err != nil {
		t.Fatalf("Repair() error = %v", err)
	}
	if kept, err := os.ReadFile(rep.SavedTo); err != nil || string(kept) != string(data) {
		t.Errorf("Repair() kept %s = %d bytes (%v), want the damaged log whole (%d bytes)", rep.SavedTo, len(kept), err, len(data))
	}
	s2 := openDir(t, dir)
	if got := state(t, s2); got != want {
		t.Errorf("after the repair, the store differs from the writes before the damage:\n%s", firstDiff(got, want))
	}
	if s2.Recovered() != nil {
		t.Errorf("after the repair, Recovered() = %+v, want nil", s2.Recovered())
	}
	s2.Close(t.Context())
	if rep, err := Repair(dir, true); err != nil || !rep.Sound() {
		t.Errorf("Repair(dry run) of the repaired dir = %+v, %v; want a sound log", rep, err)
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

// fullDisk passes writes on to w until room bytes are written, then fails as a full disk does:
// the part that fits is written, and the write returns ENOSPC.
type fullDisk struct {
	w    io.Writer
	room int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) <= d.room {
		d.room -= len(p)
		return d.w.Write(p)
	}
	n, _ := d.w.Write(p[:d.room])
	d.room = 0
	return n, syscall.ENOSPC
}

// TestDiskFull fills the disk in the middle of a write: the write is refused with a message that
// says the disk is full, nothing of it stays in the store or the log, and once there is room again
// writes go on and are kept.
func TestDiskFull(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := state(t, s)
	size := s.log.size
	disk := &fullDisk{w: s.log.f, room: 100}
	s.log.out = disk
	s.log.w.Reset(disk)

	_, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: "Energy", Citations: cite})
	if kg.ErrorCode(err) != kg.CodeServiceUnavailable || !strings.Contains(kg.ErrorMessage(err), "the disk is full: free space in the data directory") {
		t.Errorf("UpsertEntity(disk full) = %v (%s), want %s saying the disk is full", err, kg.ErrorCode(err), kg.CodeServiceUnavailable)
	}
	if !strings.Contains(err.Error(), "the disk is full: free space in "+dir) {
		t.Errorf("UpsertEntity(disk full) error = %v, want the cause to name the data directory", err)
	}
	if got := state(t, s); got != want {
		t.Errorf("a write the full disk refused changed the store:\n%s", firstDiff(got, want))
	}
	if fi, _ := os.Stat(filepath.Join(dir, walFile)); fi.Size() != size {
		t.Errorf("log after the refused write is %d bytes, want %d", fi.Size(), size)
	}

	disk.room = 1 << 30 // space freed
	writeTopic(t, s, "Water")
	want = state(t, s)
	s.Close(t.Context())
	if got := state(t, openDir(t, dir)); got != want {
		t.Errorf("after the disk had room again, a write was not kept:\n%s", firstDiff(got, want))
	}
}

// stallingDisk holds the first write it gets until release is closed, telling entered when it
// has one.
type stallingDisk struct {
	w       io.Writer
	entered chan struct{}
	release chan struct{}
	once    sync.Once
}

func (d *stallingDisk) Write(p []byte) (int, error) {
	d.once.Do(func() {
		close(d.entered)
		<-d.release
	})
	return d.w.Write(p)
}

// TestReadsGoOnWhileAWriteIsLogged holds a write inside its log write (as a slow disk or a long
// import would) and reads meanwhile: the reads answer, with the store as it was before the write,
// and a second write waits its turn. Once the log write ends, the write is applied and kept.
func TestReadsGoOnWhileAWriteIsLogged(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	if _, err := s.Import(editorCtx(t), storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	disk := &stallingDisk{w: s.log.f, entered: make(chan struct{}), release: make(chan struct{})}
	s.log.out = disk
	s.log.w.Reset(disk)
	written := make(chan error, 2)
	go func() {
		_, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: "Energy", Citations: cite})
		written <- err
	}()
	<-disk.entered
	second := make(chan error, 1)
	go func() {
		_, err := s.UpsertEntity(editorCtx(t), &kg.Entity{Kind: kg.KindTopic, Name: "Water", Citations: cite})
		second <- err
	}()

	// These would wait for the write to finish if it held the write lock while logging.
	es, err := s.Entities(t.Context(), []string{"topic:energy", "person:rachel-poynter"})
	if err != nil || es[0] != nil || es[1] == nil {
		t.Errorf("Entities() during a write = %v, %v; want the store as before the write", es, err)
	}
	if _, err := s.Search(t.Context(), kg.SearchQuery{Text: "energy", Limit: 5}); err != nil {
		t.Errorf("Search() during a write: %v", err)
	}
	if _, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: kg.KindTopic, Limit: kg.NoLimit}); err != nil {
		t.Errorf("ListEntities() during a write: %v", err)
	}
	select {
	case err := <-second:
		t.Fatalf("a second write finished (%v) while the first was still being logged", err)
	default:
	}

	close(disk.release)
	if err := <-written; err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	want := state(t, s)
	if !strings.Contains(want, "topic:energy") || !strings.Contains(want, "topic:water") {
		t.Fatalf("after both writes, the store lacks one of them")
	}
	s.Close(t.Context())
	if got := state(t, openDir(t, dir)); got != want {
		t.Errorf("after reopening, the store differs:\n%s", firstDiff(got, want))
	}
}
