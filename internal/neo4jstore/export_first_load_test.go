package neo4jstore

import "context"

// Schema runs one schema command (a constraint or index change) for the external tests.
func (s *Store) Schema(ctx context.Context, stmt string) error {
	return s.schemaCommand(ctx, stmt)
}
