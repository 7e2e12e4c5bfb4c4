package neo4jstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// CypherLayers runs q like Cypher but with only the chosen layers before the read transaction
// (which always runs), so tests can show that each layer alone stops a write.
func (s *Store) CypherLayers(ctx context.Context, q kg.CypherQuery, lexical, planner bool) (*kg.CypherResult, error) {
	return s.cypher(ctx, q, cypherLayers{lexical: lexical, planner: planner})
}
