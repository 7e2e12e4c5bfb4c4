package kg

import "context"

// Direction selects relations by which end an entity is on.
type Direction string

// Directions.
const (
	Out  Direction = "OUT"  // the entity is the relation's From
	In   Direction = "IN"   // the entity is the relation's To
	Both Direction = "BOTH" // either
)

// Store is the graph storage every adapter implements. Every read is a batch: a nested GraphQL
// query costs one Store call per nesting level, never one per parent object. Writes (Writer) are
// validated, identity-resolved, all-or-nothing and audited.
//
// Every method returns a *Error with CodeServiceUnavailable when the backing database cannot be
// reached, and honours ctx's deadline and cancellation.
type Store interface {
	Writer

	// Entities returns the entities with the given ids, index for index; an unknown id gives a nil
	// entry, never an error.
	Entities(ctx context.Context, ids []string) ([]*Entity, error)

	// Sources returns the sources with the given ids, index for index; unknown ids give nil entries.
	Sources(ctx context.Context, ids []string) ([]*Source, error)

	// Relations returns, for each id of q.IDs (index for index), the relations that touch it and
	// match q, ordered by type, then From, then To, at most q.Limit per id (all when Limit <= 0).
	Relations(ctx context.Context, q RelationQuery) ([][]*Relation, error)

	// ListEntities returns one page of the entities of q.Kind that match q.Where, sorted by q.Sort
	// then by id, with the total count of matches.
	ListEntities(ctx context.Context, q ListQuery) (*EntityPage, error)

	// ListSources returns one page of sources matching q.Where (fields id, title, publisher,
	// published), sorted by q.Sort then id.
	ListSources(ctx context.Context, q ListQuery) (*SourcePage, error)

	// Search returns the hits of q.Text among the entities of q.Kinds (all kinds if empty), best
	// first, at most q.Limit (all when Limit <= 0): exactly the hits, order and scores that the
	// search ranking (search.go: PlanSearch, SearchPlan.Rank, CompareSearchHits) gives over all
	// those entities. Kinds that are not kg.Kinds match nothing.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)

	// Explorer: paths, neighborhoods, common connections and timelines (explore.go).
	Explorer

	// Ping reports whether the store can serve requests now.
	Ping(ctx context.Context) error

	// Close releases the store's resources.
	Close(ctx context.Context) error
}

// RelationQuery selects relations of a batch of entities.
type RelationQuery struct {
	IDs       []string
	Types     []string  // empty: every type
	Direction Direction // "" means Both
	Limit     int       // per id; <= 0: no limit
}

// ListQuery selects one page of entities (or sources) of one kind.
type ListQuery struct {
	Kind   Kind // ignored by ListSources
	Where  *Filter
	Sort   []SortField
	Offset int
	Limit  int // <= 0: no limit
}

// SortField orders by one field (a name Filter conditions accept). Ascending order puts missing
// values last and descending order puts them first, as Neo4j does.
type SortField struct {
	Field string
	Desc  bool
}

// EntityPage is one page of a ListEntities answer.
type EntityPage struct {
	Entities []*Entity
	Total    int
}

// SourcePage is one page of a ListSources answer.
type SourcePage struct {
	Sources []*Source
	Total   int
}

// SearchQuery is a full-text search over entities.
type SearchQuery struct {
	Text  string
	Kinds []Kind // empty: every kind
	Limit int
}

// SearchHit is one search result; a higher Score is a better match.
type SearchHit struct {
	Entity *Entity
	Score  float64
}
