package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// openCypher seeds the test Neo4j with b and returns the seeded store and a function that opens
// more stores on the same database with a given Cypher timeout.
func openCypher(t *testing.T, b *kg.Bundle) (*neo4jstore.Store, func(time.Duration) *neo4jstore.Store) {
	s := neo4jtest.Store(t, b)
	return s, func(timeout time.Duration) *neo4jstore.Store {
		cfg := neo4jtest.Open(t)
		cfg.CypherTimeout = timeout
		r, err := neo4jstore.Open(context.Background(), cfg)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { r.Close(context.Background()) })
		return r
	}
}

func TestCypherConformance(t *testing.T) {
	storetest.RunCypher(t, func(t *testing.T, b *kg.Bundle) (kg.Store, func(time.Duration) kg.CypherRunner) {
		s, open := openCypher(t, b)
		return s, func(timeout time.Duration) kg.CypherRunner { return open(timeout) }
	})
}
