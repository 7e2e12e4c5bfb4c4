package memstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkExplore100k measures path searches, neighbourhoods, common connections and timelines
// on a generated graph of 100,000 entities, the same benchmarks as the Neo4j store's.
func BenchmarkExplore100k(b *testing.B) {
	bundle := graphgen.Generate(100_000)
	s := load(b, bundle)
	storetest.BenchExplore(b, s, bundle, nil)
}
