package neo4jstore_test

import (
	"context"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// BenchmarkCypher runs analysts' statements on the generated graph of 2000 entities: with every
// layer, and without the planner's EXPLAIN to show what that layer costs.
func BenchmarkCypher(b *testing.B) {
	s := benchStore(b)
	ctx := context.Background()
	cases := []struct {
		name  string
		text  string
		limit int
	}{
		{"100 entities", "MATCH (p:Person) RETURN p ORDER BY p.id", 100},
		{"100 relationships", "MATCH (:Person)-[r:ATTENDED]->(:Meeting) RETURN r", 100},
		{"join and aggregation", `
			MATCH (p:Person)-[:ATTENDED]->(m:Meeting)<-[:ATTENDED]-(q:Person)
			WHERE p.id < q.id
			RETURN p.id AS a, q.id AS b, count(m) AS shared ORDER BY shared DESC, a, b`, 100},
		{"10000 of 20000 scalars", "UNWIND range(1, 20000) AS i RETURN i", kg.MaxCypherLimit},
	}
	for _, c := range cases {
		for _, layers := range []struct {
			name    string
			planner bool
		}{{"all layers", true}, {"without EXPLAIN", false}} {
			b.Run(c.name+"/"+layers.name, func(b *testing.B) {
				q := kg.CypherQuery{Text: c.text, Limit: c.limit}
				b.ReportAllocs()
				before := s.RoundTrips()
				for b.Loop() {
					res, err := s.CypherLayers(ctx, q, true, layers.planner)
					if err != nil || len(res.Rows) == 0 {
						b.Fatalf("Cypher = %v, %v", res, err)
					}
				}
				b.ReportMetric(float64(s.RoundTrips()-before)/float64(b.N), "roundtrips/op")
			})
		}
	}
}
