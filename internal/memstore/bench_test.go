package memstore_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

const benchEntities = 10_000

var benchStore *memstore.Store

// generated returns a store holding graphgen.Generate(benchEntities), built once per process.
func generated(b *testing.B) (*memstore.Store, *kg.Bundle) {
	b.Helper()
	bundle := graphgen.Generate(benchEntities)
	if benchStore == nil {
		benchStore = load(b, bundle)
	}
	return benchStore, bundle
}

func idsOf(b *kg.Bundle, k kg.Kind, n int) []string {
	var ids []string
	for i := range b.Entities {
		if b.Entities[i].Kind == k && len(ids) < n {
			ids = append(ids, b.Entities[i].ID)
		}
	}
	return ids
}

func BenchmarkRelations(b *testing.B) {
	s, bundle := generated(b)
	meetings := idsOf(bundle, kg.KindMeeting, 100)
	b.Run("100 meetings, both, limit 10", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Relations(b.Context(), kg.RelationQuery{IDs: meetings, Limit: 10}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("100 meetings, ATTENDED in", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Relations(b.Context(), kg.RelationQuery{IDs: meetings, Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkListEntities(b *testing.B) {
	s, _ := generated(b)
	queries := []struct {
		name string
		q    kg.ListQuery
	}{
		{"people by name, page of 20", kg.ListQuery{Kind: kg.KindPerson, Sort: []kg.SortField{{Field: "name"}}, Limit: 20}},
		{"meetings since 2015 by date desc", kg.ListQuery{Kind: kg.KindMeeting,
			Where: &kg.Filter{Conds: []kg.Cond{{Field: kg.PropDate, Op: kg.OpGte, Value: "2015"}}},
			Sort:  []kg.SortField{{Field: kg.PropDate, Desc: true}}, Limit: 20}},
		{"meetings with a LEAD-holding ministry official, nested", kg.ListQuery{Kind: kg.KindMeeting,
			Where: &kg.Filter{Rels: []kg.RelCond{{Types: []string{kg.RelAttended}, Direction: kg.In, Quantifier: kg.Some,
				Where: &kg.Filter{Rels: []kg.RelCond{{Types: []string{kg.RelHoldsPosition}, Direction: kg.Out, Quantifier: kg.Some,
					Where: &kg.Filter{Conds: []kg.Cond{{Field: kg.PropClassification, Op: kg.OpEq, Value: "MINISTRY"}}}}}}}}},
			Limit: 20}},
	}
	for _, tc := range queries {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.ListEntities(b.Context(), tc.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSearch(b *testing.B) {
	s, _ := generated(b)
	for _, text := range []string{"García", "maria gar", "Poyntr", "Telecomunications Partnership"} {
		b.Run(text, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Search(b.Context(), kg.SearchQuery{Text: text, Limit: 10}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoad(b *testing.B) {
	bundle := graphgen.Generate(benchEntities)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := memstore.Load(bundle); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkImport imports a generated bundle into an empty store: in memory, and into a data
// directory (every write synced to the write-ahead log). Compare with neo4jstore's BenchmarkImport.
func BenchmarkImport(b *testing.B) {
	for _, n := range storetest.ImportSizes() {
		b.Run(fmt.Sprintf("entities=%d/memory", n), func(b *testing.B) {
			storetest.BenchImport(b, n, func(b *testing.B) kg.Store { return memstore.New() })
		})
		b.Run(fmt.Sprintf("entities=%d/data-dir", n), func(b *testing.B) {
			storetest.BenchImport(b, n, func(b *testing.B) kg.Store {
				s, err := memstore.Open(b.TempDir())
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { s.Close(context.Background()) })
				return s
			})
		})
	}
}
