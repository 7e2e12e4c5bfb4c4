package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

func benchStore(b *testing.B) *neo4jstore.Store {
	return neo4jtest.Store(b, storetest.Generate(2000))
}

func benchIDs(n int) []string {
	g := storetest.Generate(2000)
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
