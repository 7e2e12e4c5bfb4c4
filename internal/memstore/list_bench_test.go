package memstore_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkListDeepPage100k: a page deep in the people of a generated graph of 100,000
// entities, by offset and by keyset position (storetest.BenchDeepPage).
func BenchmarkListDeepPage100k(b *testing.B) {
	storetest.BenchDeepPage(b, load(b, graphgen.Generate(100_000)))
}
