package neo4jstore

import (
	"context"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// CypherLayers runs q like Cypher but with only the chosen layers before the read transaction
// (which always runs), so tests can show that each layer alone stops a write.
func (s *Store) CypherLayers(ctx context.Context, q kg.CypherQuery, lexical, planner bool) (*kg.CypherResult, error) {
	return s.cypher(ctx, q, cypherLayers{lexical: lexical, planner: planner})
}

// SetCypherGrace sets how long after the Cypher timeout the client gives up, and returns a
// function that restores it.
func SetCypherGrace(d time.Duration) (restore func()) {
	old := cypherGrace
	cypherGrace = d
	return func() { cypherGrace = old }
}
