package neo4jstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// LoadEmpty writes b into a database that holds none of its items, with CREATE instead of
// MERGE and without reading what is stored first, in transactions of one UNWIND batch each. It is
// the benchmark's bulk loader (bench/cmd/benchrun): Import and ImportInParts compare every item
// with the stored one, which is the right thing for a bundle but slow for a generated graph of a
// million items. On a database that already holds some of b's items it fails (the id constraint)
// or duplicates relations; the entities are all written before any relation, so that the relation
// statements are planned against a populated id index.
func (s *Store) LoadEmpty(ctx context.Context, b *kg.Bundle) error {
	if b == nil {
		return badInput("no bundle to load")
	}
	if ps := b.Validate(); len(ps) > 0 {
		return invalidBundle(ps)
	}
	plan, err := planImport(b)
	if err != nil {
		return err
	}
	batches := func(cypher string, rows []map[string]any) error {
		for start := 0; start < len(rows); start += batchSize {
			part := rows[start:min(start+batchSize, len(rows))]
			if _, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
				return nil, runBatches(ctx, tx, cypher, part)
			}); err != nil {
				return err
			}
		}
		return nil
	}
	if err := batches(`
		UNWIND $rows AS row
		CREATE (n:Source)
		SET n = row.props`, plan.sources); err != nil {
		return err
	}
	for _, label := range sortedKeys(plan.entities) {
		// label comes from kg.Kind.Label of a kind Validate accepted.
		if err := batches(`
			UNWIND $rows AS row
			CREATE (n:Entity:`+label+`)
			SET n = row.props`, plan.entities[label]); err != nil {
			return err
		}
	}
	for _, typ := range sortedKeys(plan.relations) {
		// Validate has checked typ against kg.RelationSpecs, so it is safe as a Cypher type.
		if err := batches(`
			UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			CREATE (a)-[r:`+typ+`]->(b)
			SET r = row.props`, plan.relations[typ]); err != nil {
			return err
		}
	}
	return nil
}
