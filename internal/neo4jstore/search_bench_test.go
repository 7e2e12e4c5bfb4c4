package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkSearch10k and BenchmarkSearch100k time search on generated graphs of 10,000 and
// 100,000 entities in Neo4j, the same searches as the embedded store's benchmarks of those sizes,
// so that two sizes show how a search's cost grows with the graph. Like BenchmarkExplore100k they
// reuse a database that already holds that graph.
func BenchmarkSearch10k(b *testing.B) {
	s := loadedStore(b, graphgen.Generate(10_000))
	storetest.BenchSearch(b, s, s.RoundTrips)
}

func BenchmarkSearch100k(b *testing.B) {
	s := loadedStore(b, graphgen.Generate(100_000))
	storetest.BenchSearch(b, s, s.RoundTrips)
}
