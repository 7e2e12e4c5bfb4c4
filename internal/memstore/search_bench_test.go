package memstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkSearch10k, BenchmarkSearch100k and BenchmarkSearch1M time the same searches
// (storetest.BenchSearch) on generated graphs of 10,000, 100,000 and 1,000,000 entities, so that
// one run shows how search time grows with the graph. BenchmarkSearch100k runs the same searches
// as the Neo4j store's BenchmarkSearch100k. The 1M graph takes some 20 s and 2 GB to build: run
// it on its own, e.g. go test -run '^$' -bench 'Search1M' -benchtime 200x ./internal/memstore/.
func BenchmarkSearch10k(b *testing.B) { benchSearch(b, 10_000) }

func BenchmarkSearch100k(b *testing.B) { benchSearch(b, 100_000) }

func BenchmarkSearch1M(b *testing.B) { benchSearch(b, 1_000_000) }

func benchSearch(b *testing.B, n int) {
	s := load(b, graphgen.Generate(n))
	storetest.BenchSearch(b, s, nil)
}
