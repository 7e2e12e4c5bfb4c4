package neo4jstore

import (
	"context"

	"github.com/diplograph/diplograph/internal/kg"
)

// DefaultBulkItems is ImportInParts's default number of items per transaction.
const DefaultBulkItems = 20_000

// ImportInParts loads a bundle too large for one transaction: Neo4j keeps a transaction's
// changes in memory until it commits, and by default allows all transactions together 70% of
// its heap, so Import of some 50,000 entities and their relations fails on a 1 GiB heap.
//
// It validates the whole bundle on its own first (a bundle with problems is a CodeBadUserInput
// error and writes nothing), then imports it with Import in parts of at most itemsPerTx items
// (DefaultBulkItems when itemsPerTx <= 0): sources first, then entities, then relations, so
// every citation's source and every relation's ends are committed before they are needed. Each
// part is all or nothing; the whole is not. Since imports resolve identity and are idempotent,
// running it again after a failure completes the import, and importing the same bundle twice
// changes nothing.
func (s *Store) ImportInParts(ctx context.Context, b *kg.Bundle, itemsPerTx int) (kg.ImportStats, error) {
	var total kg.ImportStats
	if b == nil {
		return total, badInput("no bundle to import")
	}
	if ps := b.Validate(); len(ps) > 0 {
		return total, &kg.Error{Code: kg.CodeBadUserInput, Message: "the bundle has problems; nothing was imported: " + ps[0].String(), Problems: ps}
	}
	if itemsPerTx <= 0 {
		itemsPerTx = DefaultBulkItems
	}
	var parts []*kg.Bundle
	for i := 0; i < len(b.Sources); i += itemsPerTx {
		parts = append(parts, &kg.Bundle{Sources: b.Sources[i:min(i+itemsPerTx, len(b.Sources))]})
	}
	for i := 0; i < len(b.Entities); i += itemsPerTx {
		parts = append(parts, &kg.Bundle{Entities: b.Entities[i:min(i+itemsPerTx, len(b.Entities))]})
	}
	for i := 0; i < len(b.Relations); i += itemsPerTx {
		parts = append(parts, &kg.Bundle{Relations: b.Relations[i:min(i+itemsPerTx, len(b.Relations))]})
	}
	for _, part := range parts {
		rep, err := s.Import(ctx, part, kg.ImportOptions{})
		if err != nil {
			return total, err
		}
		total.Created += rep.Created
		total.Updated += rep.Updated
		total.Unchanged += rep.Unchanged
	}
	return total, nil
}
