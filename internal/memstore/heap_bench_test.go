package memstore_test

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strconv"
	"syscall"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/memstore"
)

// BenchmarkLoadHeap loads a generated graph of 100k entities and reports the heap the store holds
// afterwards (live bytes after a collection, the bundle dropped) as heap-MB, beside the load's
// time: what the embedded store costs at a size where memory, not time, is the limit.
func BenchmarkLoadHeap(b *testing.B) {
	sizes := []int{100_000}
	if n, err := strconv.Atoi(os.Getenv("MEMSTORE_LOAD_ENTITIES")); err == nil {
		sizes = []int{n} // e.g. 1000000, once, on a machine with the memory for it
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				bundle := graphgen.Generate(n)
				runtime.GC()
				var before runtime.MemStats
				runtime.ReadMemStats(&before)
				b.StartTimer()
				s, err := memstore.Load(bundle)
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				bundle = nil
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc)/1e6, "heap-MB")
				b.ReportMetric(float64(peakRSS())/1e6, "peak-RSS-MB")
				if path := os.Getenv("MEMSTORE_HEAP_PROFILE"); path != "" {
					writeHeapProfile(b, path)
				}
				runtime.KeepAlive(s)
				runtime.KeepAlive(bundle)
				b.StartTimer()
			}
		})
	}
}

// BenchmarkLoadPartsHeap is BenchmarkLoadHeap for a graph generated and loaded in parts of
// 100k items (MEMSTORE_LOAD_PART for another size; memstore.LoadParts, as bench's serve-embedded
// loads): the time is generating and
// loading together, and peak-RSS-MB is the process's peak so far (run it alone, once, for the
// load's peak).
func BenchmarkLoadPartsHeap(b *testing.B) {
	sizes := []int{100_000}
	if n, err := strconv.Atoi(os.Getenv("MEMSTORE_LOAD_ENTITIES")); err == nil {
		sizes = []int{n}
	}
	part := 100_000
	if p, err := strconv.Atoi(os.Getenv("MEMSTORE_LOAD_PART")); err == nil {
		part = p // items a part
	}
	for _, n := range sizes {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			for b.Loop() {
				s, err := memstore.LoadParts(graphgen.GenerateParts(n, part))
				if err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				runtime.GC()
				var after runtime.MemStats
				runtime.ReadMemStats(&after)
				b.ReportMetric(float64(after.HeapAlloc)/1e6, "heap-MB")
				b.ReportMetric(float64(peakRSS())/1e6, "peak-RSS-MB")
				runtime.KeepAlive(s)
				b.StartTimer()
			}
		})
	}
}

// peakRSS returns the process's peak resident set so far, in bytes (Linux reports kilobytes).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss * 1024
}

// writeHeapProfile writes the live heap to path, for `go tool pprof -sample_index=inuse_space`.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	if err := pprof.WriteHeapProfile(f); err != nil {
		b.Fatal(err)
	}
}
