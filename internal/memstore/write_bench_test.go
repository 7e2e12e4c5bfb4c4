package memstore_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// BenchmarkFirstWrite loads 100,000 generated entities and times the first write (one entity
// updated), which makes the store's second copy of the graph by cloning the first, and a write
// after it, applied to both copies; it reports both (first-write-ms, later-write-ms), the first's
// CPU time (first-write-cpu-ms, the collector's included: steadier than wall time on a loaded
// machine) and what the second copy adds to the heap (second-copy-MB). Run it with -benchtime=1x.
func BenchmarkFirstWrite(b *testing.B) {
	ctx := kg.WithPrincipal(b.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:bench", Authenticated: true})
	bundle := graphgen.Generate(100_000)
	var first, firstCPU, later time.Duration
	var added float64
	b.StopTimer()
	for range b.N {
		s := load(b, bundle)
		before := liveHeap()
		e := bundle.Entities[0]
		e.Description = "updated once"
		t0, c0 := time.Now(), cpuTime()
		if _, err := s.UpsertEntity(ctx, &e); err != nil {
			b.Fatal(err)
		}
		first += time.Since(t0)
		firstCPU += cpuTime() - c0
		added += float64(liveHeap()) - float64(before)
		e.Description = "updated twice"
		t0 = time.Now()
		if _, err := s.UpsertEntity(ctx, &e); err != nil {
			b.Fatal(err)
		}
		later += time.Since(t0)
		runtime.KeepAlive(s)
	}
	b.ReportMetric(float64(first.Microseconds())/1e3/float64(b.N), "first-write-ms")
	b.ReportMetric(float64(firstCPU.Microseconds())/1e3/float64(b.N), "first-write-cpu-ms")
	b.ReportMetric(float64(later.Microseconds())/1e3/float64(b.N), "later-write-ms")
	b.ReportMetric(added/(1<<20)/float64(b.N), "second-copy-MB")
}

// liveHeap returns the bytes of the heap in use after a collection.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}
