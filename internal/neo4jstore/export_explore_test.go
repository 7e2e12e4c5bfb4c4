package neo4jstore

import "context"

// ExploreQuery runs cypher as an exploration runs its query: one round trip whose server-side
// time limit is what ctx has left (at most QueryTimeout), with running out of time mapped to
// kg.OutOfTime.
func (s *Store) ExploreQuery(ctx context.Context, cypher string) error {
	_, err := s.explore(ctx, "test", cypher, nil)
	return err
}
