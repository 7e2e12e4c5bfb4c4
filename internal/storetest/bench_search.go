package storetest

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// benchSearches are the searches BenchSearch times, chosen for a graphgen.Generate graph: a name many
// people share, search as you type, typos, a whole organization name, a meeting name with its
// number, an acronym, one letter (the broadest prefix) and a kinds filter; then the searches of
// `make bench` (bench/cmd/benchrun), so that its figures can be taken apart here.
var benchSearches = []struct {
	name string
	q    kg.SearchQuery
}{
	{"last name/García", kg.SearchQuery{Text: "García", Limit: 10}},
	{"as typed/maria gar", kg.SearchQuery{Text: "maria gar", Limit: 10}},
	{"typo/Poyntr", kg.SearchQuery{Text: "Poyntr", Limit: 10}},
	{"typo and word/Telecomunications Partnership", kg.SearchQuery{Text: "Telecomunications Partnership", Limit: 10}},
	{"whole name/Secretariat of Migration", kg.SearchQuery{Text: "Secretariat of Migration", Limit: 10}},
	{"meeting/pacific trade meeting 1234", kg.SearchQuery{Text: "pacific trade meeting 1234", Limit: 10}},
	{"acronym/NTD", kg.SearchQuery{Text: "NTD", Limit: 10}},
	{"one letter/a", kg.SearchQuery{Text: "a", Limit: 10}},
	{"kinds/trade initiatives", kg.SearchQuery{Text: "trade", Kinds: []kg.Kind{kg.KindInitiative}, Limit: 10}},
	{"first 100/security", kg.SearchQuery{Text: "security", Limit: 100}},
	{"make bench/garcia", kg.SearchQuery{Text: "garcia", Limit: 10}},
	{"make bench/ministry of trade", kg.SearchQuery{Text: "ministry of trade", Limit: 10}},
	{"make bench/maria lopez", kg.SearchQuery{Text: "maria lopez", Limit: 10}},
	{"make bench/pacific", kg.SearchQuery{Text: "pacific", Limit: 10}},
	{"make bench/energy plan", kg.SearchQuery{Text: "energy plan", Limit: 10}},
	{"make bench/smith", kg.SearchQuery{Text: "smith", Limit: 10}},
	{"make bench/agency", kg.SearchQuery{Text: "agency", Limit: 10}},
	{"make bench/jose", kg.SearchQuery{Text: "jose", Limit: 10}},
}

// BenchSearch runs the same search benchmarks on any store, so that stores can be compared side
// by side: s must hold a graphgen.Generate graph. Each search is run once untimed first (Neo4j plans a
// query once per text). roundTrips, when not nil, returns the store's round trips so far,
// reported per operation; "hits" is the number of hits per search.
func BenchSearch(b *testing.B, s kg.Store, roundTrips func() int64) {
	for _, bs := range benchSearches {
		b.Run(bs.name, func(b *testing.B) {
			if _, err := s.Search(b.Context(), bs.q); err != nil {
				b.Fatalf("Search(%q): %v", bs.q.Text, err)
			}
			b.ReportAllocs()
			var before int64
			if roundTrips != nil {
				before = roundTrips()
			}
			n, hits := 0, 0
			for b.Loop() {
				hs, err := s.Search(b.Context(), bs.q)
				if err != nil {
					b.Fatalf("Search(%q): %v", bs.q.Text, err)
				}
				hits += len(hs)
				n++
			}
			b.ReportMetric(float64(hits)/float64(n), "hits")
			if roundTrips != nil {
				b.ReportMetric(float64(roundTrips()-before)/float64(n), "roundtrips/op")
			}
		})
	}
}
