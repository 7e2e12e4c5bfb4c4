package neo4jstore

import "context"

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
