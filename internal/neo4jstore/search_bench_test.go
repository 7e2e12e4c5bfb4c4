package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkSearch100k times search on a generated graph of 100,000 entities in Neo4j, the same
// searches as the embedded store's BenchmarkSearch100k. Like BenchmarkExplore100k it reuses a
// database that already holds that graph.
func BenchmarkSearch100k(b *testing.B) {
	s := loadedStore(b, graphgen.Generate(100_000))
	storetest.BenchSearch(b, s, s.RoundTrips)
}
