package memstore_test

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// BenchmarkImportQuoted imports graphgen.GenerateQuoted bundles (one long source, a different
// quote for each entity) of 10k, 40k and 160k entities into a store that already holds the same
// graph under other ids, while a reader keeps reading it, and reports the import's time per entity
// (ns/entity, flat when the import grows linearly) and the longest a read waited
// (max-read-stall-ms; p99-read-ms, the 99th percentile of the reads' times, tells a rare wait,
// such as the machine's scheduler's, from a steady one), the CPU time the process spent meanwhile (cpu-s/op, steadier than wall
// time on a loaded machine; it includes the reader's), the import's share of it (import-cpu-s/op:
// less the reader's thread, on Linux; a reader that is not blocked reads more), and the heap the
// store holds afterwards (heap-MB, after a collection). Run it with -benchtime=1x.
func BenchmarkImportQuoted(b *testing.B) {
	for _, n := range []int{10_000, 40_000, 160_000} {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			ctx := kg.WithPrincipal(b.Context(), kg.Principal{Role: kg.RoleEditor, Name: "editor:bench", Authenticated: true})
			var elapsed, cpu time.Duration
			var heap uint64
			var readerCPU time.Duration
			var times []time.Duration // of every read, by the reader goroutine: read after wg.Wait
			b.StopTimer()
			for range b.N {
				s := memstore.New()
				base := graphgen.Generate(10_000)
				if _, err := s.Import(ctx, base, kg.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				bundle := graphgen.GenerateQuoted(n)
				for i := range bundle.Entities {
					bundle.Entities[i].ID += "-q"
				}
				for i := range bundle.Relations {
					bundle.Relations[i].From += "-q"
					bundle.Relations[i].To += "-q"
				}
				bundle.Sources[0].ID += "-q"
				for i := range bundle.Entities {
					bundle.Entities[i].Citations[0].Source = bundle.Sources[0].ID
				}
				for i := range bundle.Relations {
					bundle.Relations[i].Citations[0].Source = bundle.Sources[0].ID
				}
				probe := []string{base.Entities[len(base.Entities)/2].ID}
				done := make(chan struct{})
				var wg sync.WaitGroup
				wg.Go(func() {
					runtime.LockOSThread()
					defer runtime.UnlockOSThread()
					r0 := threadCPU()
					defer func() { readerCPU += threadCPU() - r0 }()
					for {
						select {
						case <-done:
							return
						default:
						}
						t0 := time.Now()
						if _, err := s.Entities(ctx, probe); err != nil {
							b.Error(err)
							return
						}
						if _, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: 10}); err != nil {
							b.Error(err)
							return
						}
						times = append(times, time.Since(t0))
						time.Sleep(200 * time.Microsecond)
					}
				})
				b.StartTimer()
				t0, c0 := time.Now(), cpuTime()
				if _, err := s.Import(ctx, bundle, kg.ImportOptions{}); err != nil {
					b.Fatal(err)
				}
				elapsed += time.Since(t0)
				cpu += cpuTime() - c0
				b.StopTimer()
				close(done)
				wg.Wait()
				base, bundle = nil, nil
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				heap += ms.HeapAlloc
				runtime.KeepAlive(s)
			}
			b.ReportMetric(float64(elapsed.Nanoseconds())/float64(n*b.N), "ns/entity")
			slices.Sort(times)
			if len(times) > 0 {
				b.ReportMetric(float64(times[len(times)-1])/1e6, "max-read-stall-ms")
				b.ReportMetric(float64(times[len(times)*99/100])/1e6, "p99-read-ms")
			}
			b.ReportMetric(float64(len(times))/float64(b.N), "reads/op")
			b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/op")
			b.ReportMetric((cpu-readerCPU).Seconds()/float64(b.N), "import-cpu-s/op")
			b.ReportMetric(float64(heap)/float64(b.N)/(1<<20), "heap-MB")
		})
	}
}

// cpuTime returns the user and system CPU time the process has used.
func cpuTime() time.Duration { return rusage(syscall.RUSAGE_SELF) }

// threadCPU returns the CPU time the calling thread has used: Linux's RUSAGE_THREAD (1), which
// package syscall does not name; 0 where it is unknown.
func threadCPU() time.Duration { return rusage(1) }

func rusage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
