package neo4jstore_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

func benchStore(b *testing.B) *neo4jstore.Store {
	return neo4jtest.Store(b, graphgen.Generate(2000))
}

func benchIDs(n int) []string {
	g := graphgen.Generate(2000)
	var ids []string
	for _, e := range g.Entities {
		if e.Kind == kg.KindPerson || e.Kind == kg.KindMeeting {
			ids = append(ids, e.ID)
		}
		if len(ids) == n {
			break
		}
	}
	return ids
}

// BenchmarkRelations loads the relations of a batch of 100 entities, as one nesting level of a
// GraphQL query does.
func BenchmarkRelations(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids := benchIDs(100)
	b.ReportAllocs()
	before := s.RoundTrips()
	b.ResetTimer()
	for b.Loop() {
		rels, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Limit: 10})
		if err != nil || len(rels) != len(ids) {
			b.Fatalf("Relations = %d, %v", len(rels), err)
		}
	}
	b.ReportMetric(float64(s.RoundTrips()-before)/float64(b.N), "roundtrips/op")
}

// BenchmarkEntities loads a batch of 100 entities by id.
func BenchmarkEntities(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	ids := benchIDs(100)
	b.ReportAllocs()
	before := s.RoundTrips()
	b.ResetTimer()
	for b.Loop() {
		es, err := s.Entities(ctx, ids)
		if err != nil || len(es) != len(ids) || es[0] == nil {
			b.Fatalf("Entities = %d, %v", len(es), err)
		}
	}
	b.ReportMetric(float64(s.RoundTrips()-before)/float64(b.N), "roundtrips/op")
}

// BenchmarkImport imports a generated bundle into an empty database in one transaction. Compare
// with memstore's BenchmarkImport; run with -benchtime=1x. With NEO4J_PID set to the Neo4j
// server's pid (same machine), it also reports the server's CPU time per import.
func BenchmarkImport(b *testing.B) {
	for _, n := range storetest.ImportSizes() {
		b.Run(fmt.Sprintf("entities=%d", n), func(b *testing.B) {
			var server time.Duration
			_, ok := serverCPU()
			storetest.BenchImport(b, n, func(b *testing.B) kg.Store {
				return &timedStore{Store: neo4jtest.Store(b, nil), server: &server}
			})
			if ok {
				b.ReportMetric(server.Seconds()/float64(b.N), "neo4j-cpu-s/op")
			}
		})
	}
}

// timedStore adds the Neo4j server's CPU time during each Import to *server.
type timedStore struct {
	*neo4jstore.Store
	server *time.Duration
}

func (t *timedStore) Import(ctx context.Context, b *kg.Bundle, opts kg.ImportOptions) (*kg.ImportReport, error) {
	start, _ := serverCPU()
	rep, err := t.Store.Import(ctx, b, opts)
	end, _ := serverCPU()
	*t.server += end - start
	return rep, err
}

// serverCPU returns the CPU time the Neo4j process whose pid is in NEO4J_PID has used, and false
// when NEO4J_PID is unset or unreadable: benchmarks then report client-side figures only.
func serverCPU() (time.Duration, bool) {
	pid := os.Getenv("NEO4J_PID")
	if pid == "" {
		return 0, false
	}
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0, false
	}
	// Fields after the command name (which may hold spaces) start after the last ')'.
	f := strings.Fields(string(data[strings.LastIndexByte(string(data), ')')+1:]))
	if len(f) < 13 {
		return 0, false
	}
	ut, err1 := strconv.ParseInt(f[11], 10, 64)
	st, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const clockTicks = 100 // USER_HZ on Linux
	return time.Duration(ut+st) * time.Second / clockTicks, true
}
