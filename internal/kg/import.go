package kg

import "context"

// Importer loads a bundle into a store. Importing is idempotent: importing the same bundle twice
// changes nothing the second time. The import is all-or-nothing: on error nothing is written.
type Importer interface {
	Import(ctx context.Context, b *Bundle) (ImportStats, error)
}

// ImportStats counts what an import did.
type ImportStats struct {
	Created   int
	Updated   int
	Unchanged int
}
