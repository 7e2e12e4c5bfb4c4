package neo4jstore

import (
	"context"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// DefaultBulkItems is ImportInParts's default number of items per transaction.
const DefaultBulkItems = 20_000

// ImportInParts loads a bundle too large for one transaction: Neo4j keeps a transaction's
// changes in memory until it commits, and by default allows all transactions together 70% of
// its heap, so Import of some 50,000 entities and their relations fails on a 1 GiB heap.
//
// It validates the whole bundle first (a bundle with problems is a CodeBadUserInput error and
// writes nothing), then writes it as Import does, but in transactions of at most itemsPerTx
// sources, entities and relations each (DefaultBulkItems when itemsPerTx <= 0): sources first,
// then entities, then relations, so every relation's ends are committed before it. Each
// transaction is all or nothing; the whole is not. Since every write merges on identity, running
// it again after a failure completes the import, and importing the same bundle twice changes
// nothing. It costs one round trip per transaction.
func (s *Store) ImportInParts(ctx context.Context, b *kg.Bundle, itemsPerTx int) (kg.ImportStats, error) {
	var total kg.ImportStats
	if b == nil {
		return total, badInput("no bundle to import")
	}
	if ps := b.Validate(); len(ps) > 0 {
		return total, invalidBundle(ps)
	}
	plan, err := planImport(b)
	if err != nil {
		return total, err
	}
	if itemsPerTx <= 0 {
		itemsPerTx = DefaultBulkItems
	}
	for _, part := range plan.split(itemsPerTx) {
		res, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			return part.run(ctx, tx)
		})
		if err != nil {
			return total, s.mapError(ctx, "import", err)
		}
		st := res.(kg.ImportStats)
		total.Created += st.Created
		total.Updated += st.Updated
		total.Unchanged += st.Unchanged
	}
	return total, nil
}

// split cuts p into plans of at most n items each, in the order run writes them: sources, then
// entities by label, then relations by type.
func (p *importPlan) split(n int) []*importPlan {
	var parts []*importPlan
	cur, size := newImportPlan(), 0
	next := func() {
		if size == n {
			parts = append(parts, cur)
			cur, size = newImportPlan(), 0
		}
	}
	for _, row := range p.sources {
		cur.sources = append(cur.sources, row)
		size++
		next()
	}
	for _, label := range sortedKeys(p.entities) {
		for _, row := range p.entities[label] {
			cur.entities[label] = append(cur.entities[label], row)
			size++
			next()
		}
	}
	for _, typ := range sortedKeys(p.relations) {
		for _, row := range p.relations[typ] {
			cur.relations[typ] = append(cur.relations[typ], row)
			size++
			next()
		}
	}
	if size > 0 {
		parts = append(parts, cur)
	}
	return parts
}

func newImportPlan() *importPlan {
	return &importPlan{entities: map[string][]map[string]any{}, relations: map[string][]map[string]any{}}
}
