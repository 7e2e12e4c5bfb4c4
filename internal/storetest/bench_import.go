package storetest

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// BenchImport measures importing graphgen.Generate(n) into an empty store, the same way for
// every store: each iteration gets a new empty store from open (outside the timer), imports the
// bundle once, and the benchmark reports entities/s and items/s (sources, entities and relations) besides the
// time and allocations per import, and the CPU time the test process spent meanwhile (cpu-s/op:
// on a shared machine wall time varies with the load, CPU time much less; for a store in another
// process, such as Neo4j, it counts only this side). Run it with -benchtime=1x for large n.
func BenchImport(b *testing.B, n int, open func(b *testing.B) kg.Store) {
	bundle := graphgen.Generate(n)
	items := len(bundle.Sources) + len(bundle.Entities) + len(bundle.Relations)
	ctx := kg.WithPrincipal(b.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:bench", Authenticated: true})
	b.ReportAllocs()
	var elapsed, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s := open(b)
		fresh := graphgen.Generate(n) // the store may keep the bundle's items, so each import gets its own
		b.StartTimer()
		start, cpuStart := time.Now(), cpuTime()
		rep, err := s.Import(ctx, fresh, kg.ImportOptions{})
		elapsed += time.Since(start)
		cpu += cpuTime() - cpuStart
		if err != nil || rep.Created != items {
			b.Fatalf("Import(graphgen.Generate(%d)) = %+v, %v; want %d created", n, rep, err, items)
		}
	}
	b.ReportMetric(float64(len(bundle.Entities)*b.N)/elapsed.Seconds(), "entities/s")
	b.ReportMetric(float64(items*b.N)/elapsed.Seconds(), "items/s")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
}

// ImportSizes returns the bundle sizes import benchmarks run: the comma-separated entity counts
// in DIPLOGRAPH_BENCH_IMPORT_ENTITIES, default 10000 (`make bench-import` runs 10000,100000; a
// 100k import in one Neo4j transaction needs a Neo4j heap of several GB).
func ImportSizes() []int {
	v := os.Getenv("DIPLOGRAPH_BENCH_IMPORT_ENTITIES")
	if v == "" {
		return []int{10_000}
	}
	var out []int
	for _, part := range strings.Split(v, ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(part)); err == nil && n > 0 {
			out = append(out, n)
		}
	}
	return out
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
