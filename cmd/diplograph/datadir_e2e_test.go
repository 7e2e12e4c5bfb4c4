package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
)

// These tests run `diplograph serve` and `diplograph repair` on data directories that a full disk,
// an operator or a crash damaged, and check that each is named as such and never served as if
// nothing had happened.

func dataDirVars(dir string) map[string]string {
	return map[string]string{"DIPLOGRAPH_DATA_DIR": dir, "DIPLOGRAPH_API_KEYS": "editor:" + crashKey}
}

// seedDir serves dir once (which seeds it with the built-in dataset), writes one topic, and stops.
func seedDir(t *testing.T, dir string) {
	t.Helper()
	url, p := serve(t, dataDirVars(dir))
	c := &child{url: url}
	if _, err := c.post(t.Context(), `mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{
		"kind": "TOPIC", "name": "Written before the damage", "citations": []any{map[string]any{"source": dataset.SourceID, "quote": quote}}}}); err != nil {
		t.Fatal(err)
	}
	p.cancel()
	if code := p.wait(t); code != 0 {
		t.Fatalf("serve exited with %d; stderr:\n%s", code, p.stderr.String())
	}
}

// TestFullDiskAtStartIsNamed starts on a data dir whose log is /dev/full, where every write fails
// as on a full disk (ENOSPC): serve must say the disk is full, not that a write failed.
func TestFullDiskAtStartIsNamed(t *testing.T) {
	dir := t.TempDir()
	if err := os.Symlink("/dev/full", filepath.Join(dir, "wal.jsonl")); err != nil {
		t.Fatal(err)
	}
	code, stderr := serveFails(t, dataDirVars(dir))
	if code != 1 || !strings.Contains(stderr, "the disk is full: free space in the data directory") || !strings.Contains(stderr, dir) {
		t.Errorf("serve on a full disk = exit %d, stderr:\n%s\nwant exit 1 saying the disk under %s is full", code, stderr, dir)
	}
}

// TestDamagedLogRefusesThenRepairs cuts 5 bytes off the log of a cleanly stopped server: serve
// refuses and says what to do; repair --dry-run names the acknowledged write it would drop and
// changes nothing; repair drops it, keeps the damaged log, and serve starts again.
func TestDamagedLogRefusesThenRepairs(t *testing.T) {
	dir := t.TempDir()
	seedDir(t, dir)
	path := filepath.Join(dir, "wal.jsonl")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data[:len(data)-5], 0o640); err != nil {
		t.Fatal(err)
	}
	code, stderr := serveFails(t, dataDirVars(dir))
	if code != 1 || !strings.Contains(stderr, "damaged") || !strings.Contains(stderr, "diplograph repair --dry-run --data-dir "+dir) {
		t.Fatalf("serve on a damaged log = exit %d, stderr:\n%s\nwant exit 1 naming the damage and the repair", code, stderr)
	}

	code, stdout, stderr := execute(t, map[string]string{"DIPLOGRAPH_DATA_DIR": dir}, "repair", "--dry-run")
	if code != 0 || !strings.Contains(stdout, "ACKNOWLEDGED") || !strings.Contains(stdout, "topic:written-before-the-damage") || !strings.Contains(stdout, "dry run: nothing changed") {
		t.Fatalf("repair --dry-run = exit %d, stdout:\n%s\nstderr:\n%s\nwant the acknowledged write it would drop", code, stdout, stderr)
	}
	if now, _ := os.ReadFile(path); len(now) != len(data)-5 {
		t.Fatalf("repair --dry-run changed the log: %d bytes, want %d", len(now), len(data)-5)
	}

	code, stdout, stderr = execute(t, map[string]string{"DIPLOGRAPH_DATA_DIR": dir}, "repair")
	if code != 0 || !strings.Contains(stdout, "repaired; the damaged log is kept in ") {
		t.Fatalf("repair = exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	url, _ := serve(t, dataDirVars(dir))
	var out struct {
		Data struct {
			Plenary *struct{ ID string } `json:"plenary"`
			Topic   *struct{ ID string } `json:"topic"`
		}
	}
	if err := json.Unmarshal(post(t, url, `{ plenary: entity(id: "meeting:21cb-esc-14th-plenary") { id } topic: entity(id: "topic:written-before-the-damage") { id } }`, nil), &out); err != nil {
		t.Fatal(err)
	}
	if out.Data.Plenary == nil || out.Data.Topic != nil {
		t.Errorf("after the repair: plenary %v, dropped topic %v; want the seeded data without the dropped write", out.Data.Plenary, out.Data.Topic)
	}
}

// TestEmptyLogIsNotReseeded empties the log of a data dir that held data: serve must refuse
// rather than load the built-in dataset over the loss.
func TestEmptyLogIsNotReseeded(t *testing.T) {
	dir := t.TempDir()
	seedDir(t, dir)
	if err := os.Truncate(filepath.Join(dir, "wal.jsonl"), 0); err != nil {
		t.Fatal(err)
	}
	code, stderr := serveFails(t, dataDirVars(dir))
	if code != 1 || !strings.Contains(stderr, "held data") || !strings.Contains(stderr, "diplograph restore") {
		t.Errorf("serve on an emptied log = exit %d, stderr:\n%s\nwant exit 1 saying the dir held data", code, stderr)
	}
}

// TestTornWriteIsLogged leaves what a crash leaves (a half-written record at the end, and a
// manifest that says the log was open): serve drops it and says so, with the byte count, at WARN.
func TestTornWriteIsLogged(t *testing.T) {
	dir := t.TempDir()
	seedDir(t, dir)
	man := filepath.Join(dir, "manifest.json")
	data, err := os.ReadFile(man)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(man, []byte(strings.Replace(string(data), `"clean":true`, `"clean":false`, 1)), 0o640); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(filepath.Join(dir, "wal.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	torn := `1a2b3c4d {"tx":99,"op":{"entity":{"id":"topic:half`
	if _, err := f.WriteString(torn); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, p := serve(t, dataDirVars(dir))
	var warned bool
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		var rec struct {
			Level, Msg string
			Bytes      int
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Level == "WARN" && strings.Contains(rec.Msg, "crash cut short") && rec.Bytes == len(torn) {
			warned = true
		}
	}
	if !warned {
		t.Errorf("serve dropped a torn write without a WARN giving its %d bytes; stderr:\n%s", len(torn), p.stderr.String())
	}
}

// getExport returns the server's whole-graph JSON export.
func getExport(t *testing.T, url string) string {
	t.Helper()
	res, err := http.Get(url + "/export?format=json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET /export = %d, %v: %s", res.StatusCode, err, data)
	}
	return string(data)
}

// TestBackupWhileServingRestores backs up a data dir while diplograph serves it, writes on, and
// restores the backup into a new dir: served, it exports exactly what the first server exported
// when the backup was taken.
func TestBackupWhileServingRestores(t *testing.T) {
	dir := t.TempDir()
	url, p := serve(t, dataDirVars(dir))
	c := &child{url: url}
	write := func(name string) {
		t.Helper()
		if _, err := c.post(t.Context(), `mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{
			"kind": "TOPIC", "name": name, "citations": []any{map[string]any{"source": dataset.SourceID, "quote": quote}}}}); err != nil {
			t.Fatal(err)
		}
	}
	write("Before the backup")
	want := getExport(t, url)
	backup := filepath.Join(t.TempDir(), "diplograph.backup")
	code, stdout, stderr := execute(t, map[string]string{"DIPLOGRAPH_DATA_DIR": dir}, "backup", backup)
	if code != 0 || !strings.Contains(stdout, "backed up "+dir) {
		t.Fatalf("backup while serving = exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	write("After the backup")
	p.cancel()
	p.wait(t)

	restored := filepath.Join(t.TempDir(), "restored")
	code, stdout, stderr = execute(t, map[string]string{"DIPLOGRAPH_DATA_DIR": restored}, "restore", backup)
	if code != 0 || !strings.Contains(stdout, "restored ") {
		t.Fatalf("restore = exit %d, stdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	url2, _ := serve(t, dataDirVars(restored))
	if got := getExport(t, url2); got != want {
		t.Errorf("the restored store exports %d bytes that differ from the %d the served store exported at the backup", len(got), len(want))
	}
	if code, _, stderr := execute(t, map[string]string{"DIPLOGRAPH_DATA_DIR": dir}, "restore", backup); code != 1 || !strings.Contains(stderr, "holds data") {
		t.Errorf("restore into the original dir = exit %d, stderr:\n%s\nwant it refused", code, stderr)
	}
}
