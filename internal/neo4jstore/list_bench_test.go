package neo4jstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkListDeepPage10k: a page deep in the people of a generated graph of 10,000 entities,
// by offset and by keyset position (storetest.BenchDeepPage).
func BenchmarkListDeepPage10k(b *testing.B) {
	storetest.BenchDeepPage(b, neo4jtest.Store(b, graphgen.Generate(10_000)))
}
