package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Query runs one read query for the external tests, with the store's error mapping, and returns
// its records as maps.
func (s *Store) Query(ctx context.Context, cypher string, params map[string]any) ([]map[string]any, error) {
	recs, err := s.read(ctx, cypher, params)
	if err != nil {
		return nil, s.mapError(ctx, "test query", err)
	}
	out := make([]map[string]any, len(recs))
	for i, r := range recs {
		out[i] = r.AsMap()
	}
	return out, nil
}

// SearchIndex and SearchAnalyzer name the full-text index and its analyzer.
const (
	SearchIndex    = searchIndex
	SearchAnalyzer = searchAnalyzer
)

// Exec runs one write query for the external tests, outside the store's write path, to plant
// states the store itself would never write.
func (s *Store) Exec(ctx context.Context, cypher string, params map[string]any) error {
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, cypher, params)
		if err != nil {
			return nil, err
		}
		return res.Consume(ctx)
	})
	return err
}

// BatchSize is how many items one UNWIND statement of a write carries.
const BatchSize = batchSize

// SetSearchCap sets how many entities a search probe may find for the search to read them all
// (searchCap) until the test ends, so that a small graph takes the paths of a large one.
func SetSearchCap(t interface{ Cleanup(func()) }, n int) {
	old := searchCap
	searchCap = n
	t.Cleanup(func() { searchCap = old })
}

// SearchTakes returns how many pages of groups too large to read s's searches took by walking the
// group and, by bits, from a level of the search index (search_levels.go).
func SearchTakes(s *Store) (walks int64, levels map[int]int64) {
	levels = map[int]int64{}
	for i := 1; i < len(s.takes); i++ {
		if n := s.takes[i].Load(); n > 0 {
			levels[i-1] = n
		}
	}
	return s.takes[0].Load(), levels
}

// BeforeDropPrewritten makes f run as a large import that did not commit begins to drop the
// vocabulary words it pre-wrote (created: those words), until the test ends.
func BeforeDropPrewritten(t interface{ Cleanup(func()) }, f func(created []string)) {
	beforeDropPrewritten = f
	t.Cleanup(func() { beforeDropPrewritten = nil })
}

// Backfill runs EnsureSchema's backfills of derived properties, titles and search words, without
// its schema commands.
func (s *Store) Backfill(ctx context.Context) error {
	if err := s.backfillDerived(ctx); err != nil {
		return err
	}
	if err := s.backfillTitles(ctx); err != nil {
		return err
	}
	return s.backfillWords(ctx)
}
