package memstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkSearch100k times search on a generated graph of 100,000 entities, the same searches as
// the Neo4j store's BenchmarkSearch100k.
func BenchmarkSearch100k(b *testing.B) {
	s := load(b, storetest.Generate(100_000))
	storetest.BenchSearch(b, s, nil)
}
