package neo4jstore

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// importFilesBundle is a generated graph with one person whose properties the files must quote or
// type with care.
func importFilesBundle(n int) *kg.Bundle {
	b := graphgen.Generate(n)
	for i := range b.Entities {
		if b.Entities[i].Kind == kg.KindPerson {
			b.Entities[i].Properties = map[string]any{"note": "said \"yes\"\nand left", "empty": "", "n": 3,
				"ok": true, "f": 1.5, "tags": []any{"a", `b"c`}}
			break
		}
	}
	return b
}

// importFilesIn returns the files of dir by name, with the time of the load masked: the change
// log's and the change's lines hold the clock.
func importFilesIn(t *testing.T, dir string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "*.csv"))
	if err != nil {
		t.Fatal(err)
	}
	clock := regexp.MustCompile(`"\d{4}-\d\d-\d\dT[0-9:.]+Z"`)
	files := map[string]string{}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(name)] = clock.ReplaceAllString(string(b), `"TIME"`)
	}
	return files
}

// The files are rendered in chunks on every core and written in order: any chunk size and any
// number of cores write the same files, byte for byte, as one loop over the items (one chunk,
// one core).
func TestImportFilesAreTheSameWhateverTheChunksAndCores(t *testing.T) {
	b := importFilesBundle(3000)
	ctx := context.Background()
	write := func(cores, entities, relations int) map[string]string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cores))
		defer func(e, r int) { importEntitiesPerChunk, importRelationsPerChunk = e, r }(importEntitiesPerChunk, importRelationsPerChunk)
		importEntitiesPerChunk, importRelationsPerChunk = entities, relations
		dir := t.TempDir()
		f, err := WriteImportFiles(ctx, b, dir)
		if err != nil {
			t.Fatal(err)
		}
		if f.Stats.Created != len(b.Sources)+len(b.Entities)+len(b.Relations) {
			t.Fatalf("WriteImportFiles created %d, want %d", f.Stats.Created, len(b.Sources)+len(b.Entities)+len(b.Relations))
		}
		return importFilesIn(t, dir)
	}
	want := write(1, 1<<30, 1<<30)
	if len(want) < 10 {
		t.Fatalf("one loop wrote %d files, want one per kind of row and shape (at least 10)", len(want))
	}
	for _, tc := range []struct{ cores, entities, relations int }{{4, 1, 1}, {4, 7, 13}, {2, 64, 1000}, {3, 2048, 8192}} {
		got := write(tc.cores, tc.entities, tc.relations)
		if !slices.Equal(fileNames(got), fileNames(want)) {
			t.Errorf("%+v: files %v, want %v", tc, fileNames(got), fileNames(want))
			continue
		}
		for name := range want {
			if got[name] != want[name] {
				t.Errorf("%+v: %s differs from one loop's (%d bytes against %d)", tc, name, len(got[name]), len(want[name]))
			}
		}
	}
}

// An item the files cannot hold, late in the bundle, fails the whole write while other chunks are
// under way: a coded error, and no file left.
func TestImportFilesFailingLateLeaveNoFile(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(4))
	defer func(e, r int) { importEntitiesPerChunk, importRelationsPerChunk = e, r }(importEntitiesPerChunk, importRelationsPerChunk)
	importEntitiesPerChunk, importRelationsPerChunk = 5, 5
	for _, late := range []string{"entity", "relation"} {
		b := importFilesBundle(2000)
		if late == "entity" {
			e := &b.Entities[len(b.Entities)-3]
			e.Description = "a list delimiter \x1f inside"
		} else {
			r := &b.Relations[len(b.Relations)-3]
			r.Properties = map[string]any{"note": "a list delimiter \x1f inside"}
		}
		dir := t.TempDir()
		_, err := WriteImportFiles(context.Background(), b, dir)
		if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
			t.Errorf("a late %s holding U+001F: WriteImportFiles = %v (%s), want %s", late, err, code, kg.CodeBadUserInput)
		}
		if left := importFilesIn(t, dir); len(left) > 0 {
			t.Errorf("a late %s holding U+001F: left %v, want no file", late, fileNames(left))
		}
	}
}

// A cancelled load stops and leaves no file.
func TestImportFilesCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	if _, err := WriteImportFiles(ctx, importFilesBundle(500), dir); err == nil {
		t.Error("WriteImportFiles with a cancelled context = nil error, want one")
	}
	if left := importFilesIn(t, dir); len(left) > 0 {
		t.Errorf("a cancelled load left %v, want no file", fileNames(left))
	}
}

func fileNames(files map[string]string) []string { return slices.Sorted(maps.Keys(files)) }

// BenchmarkWriteImportFiles100k writes the import files of a generated graph of 100,000 entities
// (about 500,000 relations), the bundle's checks included.
func BenchmarkWriteImportFiles100k(b *testing.B) {
	bundle := graphgen.Generate(100_000)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := WriteImportFiles(context.Background(), bundle, b.TempDir()); err != nil {
			b.Fatal(err)
		}
	}
}
