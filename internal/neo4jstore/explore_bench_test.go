package neo4jstore_test

import (
	"context"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// BenchmarkExplore100k measures path searches, neighbourhoods, common connections and timelines
// on a generated graph of 100,000 entities in Neo4j, the same benchmarks as the embedded store's.
// Loading the graph takes a minute or two, so a database that already holds exactly that graph (left by
// an earlier run) is used as it is; the load time is logged.
func BenchmarkExplore100k(b *testing.B) {
	bundle := graphgen.Generate(100_000)
	s := loadedStore(b, bundle)
	storetest.BenchExplore(b, s, bundle, s.RoundTrips)
}

// loadedStore returns a store on the test Neo4j holding bundle, emptying the database and loading
// it with BulkLoad unless the database already holds every entity of bundle and nothing else.
func loadedStore(b testing.TB, bundle *kg.Bundle) *neo4jstore.Store {
	cfg := neo4jtest.Open(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cfg.QueryTimeout = 10 * time.Minute
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close(context.Background()) })
	if holds(ctx, s, bundle) {
		b.Logf("the database already holds the %d entities", len(bundle.Entities))
		return s
	}
	if err := s.DeleteAll(ctx); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	st, err := s.BulkLoad(ctx, bundle, neo4jstore.BulkLoadOptions{})
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("loaded %d items with BulkLoad in %v", st.Created, time.Since(start).Round(time.Second))
	return s
}

// holds reports whether s has exactly as many entities of each kind and relations as bundle, and
// its first and last entities.
func holds(ctx context.Context, s *neo4jstore.Store, bundle *kg.Bundle) bool {
	want := map[kg.Kind]int{}
	for _, e := range bundle.Entities {
		want[e.Kind]++
	}
	for _, k := range kg.Kinds {
		p, err := s.ListEntities(ctx, kg.ListQuery{Kind: k, Limit: 1})
		if err != nil || p.Total != want[k] {
			return false
		}
	}
	rows, err := s.Query(ctx, "MATCH ()-[r]->() RETURN count(r) AS n", nil)
	if err != nil || rows[0]["n"] != int64(len(bundle.Relations)) {
		return false
	}
	es, err := s.Entities(ctx, []string{bundle.Entities[0].ID, bundle.Entities[len(bundle.Entities)-1].ID})
	return err == nil && es[0] != nil && es[1] != nil
}
