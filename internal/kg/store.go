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
	// match q, ordered by type, then From, then To, at most q.Limit per id (every one for NoLimit).
	Relations(ctx context.Context, q RelationQuery) ([][]*Relation, error)

	// Expand returns, for the entities q.IDs, the relations each of q.Selects selects (exactly
	// what Relations returns for that select) and every entity at the far end of those relations,
	// then, for those far ends, what each select's Then selects, and so on down: all a nested
	// query reads below one list, in one store call.
	Expand(ctx context.Context, q ExpandQuery) (*Expansion, error)

	// ListEntities returns one page of the entities of q.Kind that match q.Where, sorted by q.Sort
	// then by id, with the total count of matches.
	ListEntities(ctx context.Context, q ListQuery) (*EntityPage, error)

	// ListSources returns one page of sources matching q.Where (fields id, title, publisher,
	// published), sorted by q.Sort then id.
	ListSources(ctx context.Context, q ListQuery) (*SourcePage, error)

	// Search returns the hits of q.Text among the entities of q.Kinds (all kinds if empty), best
	// first, at most q.Limit (every hit for NoLimit): exactly the hits, order and scores that the
	// search ranking (search.go: PlanSearch, SearchPlan.Rank, CompareSearchHits) gives over all
	// those entities. Kinds that are not kg.Kinds match nothing.
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)

	// CitedEntities returns one page of the entities of q.Kinds with a citation from q.Source,
	// by id, after q.After (cited.go); an unknown source gives an empty page.
	CitedEntities(ctx context.Context, q CitedQuery) (*CitedEntityPage, error)

	// CitedRelations returns one page of the relations of q.Types with a citation from q.Source,
	// by type, From and To, after the relation whose RelationKey is q.After.
	CitedRelations(ctx context.Context, q CitedQuery) (*CitedRelationPage, error)

	// Explorer: paths, neighborhoods, common connections and timelines (explore.go).
	Explorer

	// Ping reports whether the store can serve requests now.
	Ping(ctx context.Context) error

	// Close releases the store's resources.
	Close(ctx context.Context) error
}

// NoLimit, as the Limit of a query, asks for every match. A Limit of 0 asks for none (a list
// query still counts its matches), so that a client's `first: 0` needs no special case. Stores
// treat any negative Limit as NoLimit.
const NoLimit = -1

// RelationQuery selects relations of a batch of entities.
type RelationQuery struct {
	IDs       []string
	Types     []string  // empty: every type
	Direction Direction // "" means Both
	Limit     int       // at most this many per id (0: none); NoLimit: every one
}

// ExpandQuery selects several kinds of relations of one batch of entities, and their far ends.
type ExpandQuery struct {
	IDs     []string
	Selects []RelationSelect
	// WithEntities also returns the entities of IDs (Expansion.Entities), in the same call.
	WithEntities bool
	// Fields, when not nil, is all a caller reads of Expansion.Entities (see Entity.Loaded): a
	// store may load only these, and says so in each entity's Loaded.
	Fields []string
}

// RelationSelect is a RelationQuery without its ids: one kind of relation an ExpandQuery reads,
// and what to read next from the entities at the far ends of those relations.
type RelationSelect struct {
	Types     []string  // empty: every type
	Direction Direction // "" means Both
	Limit     int       // at most this many per id (0: none); NoLimit: every one
	Then      []RelationSelect
	// Delegations also returns the countries the relations' delegation codes name.
	Delegations bool
	// Fields, when not nil, is all a caller reads of the far ends (see Entity.Loaded). A far end
	// reached by two selects holds what either asked for.
	Fields []string
	// RelationFields, when not nil, is all a caller reads of the relations besides their type and
	// ends (see Relation.Loaded); with Delegations, the delegation is loaded too.
	RelationFields []string
}

// Expansion is the answer to an ExpandQuery (or to one select's Then).
type Expansion struct {
	// IDs are the entities expanded: the query's IDs at the top; below, the far ends of the
	// select above, each once, in the order of its relations.
	IDs []string
	// Relations[s][i] are the relations of IDs[i] that select s selects, ordered as Relations
	// orders them.
	Relations [][][]*Relation
	// Ends holds, by id, every entity at the far end of a relation in Relations (for a relation of
	// an entity with itself, that entity).
	Ends map[string]*Entity
	// Then[s] expands select s's Then over the far ends of Relations[s]; nil when it has none.
	Then []*Expansion
	// Entities are the entities of IDs, index for index (nil for an unknown id), when the query
	// asked for them with WithEntities; at the top only.
	Entities []*Entity
	// Delegations holds, by code, the country each delegation code of the relations of a select
	// that asked for Delegations names (the one with the least id when several share a code;
	// nil when none has it).
	Delegations map[string]*Entity
}

// FarEnds returns the far ends of relations rels[i] of ids[i], each once, in relation order: the
// IDs of an Expansion's Then.
func FarEnds(ids []string, rels [][]*Relation) []string {
	seen := map[string]bool{}
	var out []string
	for i, rs := range rels {
		for _, r := range rs {
			if o := r.Other(ids[i]); !seen[o] {
				seen[o] = true
				out = append(out, o)
			}
		}
	}
	return out
}

// ListQuery selects one page of entities (or sources) of one kind.
//
// The page holds, in the order of Sort then id, the first Limit matches of Where that lie after
// After and before Before (both exclusive; nil: no bound), once Offset of them are skipped; with
// FromEnd, the last Limit of them instead (Offset must then be 0). Positions keep a page in place
// when entities are added or removed before it; an offset does not.
type ListQuery struct {
	Kind   Kind // ignored by ListSources
	Where  *Filter
	Sort   []SortField
	After  *Position
	Before *Position
	// FromEnd takes the page from the end of the bounded matches: Relay's `last`.
	FromEnd bool
	Offset  int
	Limit   int // at most this many (0: none, with Total and More still answered); NoLimit: every one

	// SkipTotal leaves EntityPage.Total at -1 instead of counting every match, which takes a pass
	// over all of them; EntityPage.More still says whether matches follow the page. ListEntities
	// only.
	SkipTotal bool
	// Expand reads below the page's entities what an ExpandQuery of these selects would, in the
	// same call (EntityPage.Expansion). ListEntities only.
	Expand []RelationSelect
	// Fields, when not nil, is all a caller reads of the listed entities besides the sort fields,
	// which are always loaded (see Entity.Loaded). ListEntities only.
	Fields []string
}

// SortField orders by one field (a name Filter conditions accept). Ascending order puts missing
// values last and descending order puts them first, as Neo4j does.
type SortField struct {
	Field string
	Desc  bool
}

// EntityPage is one page of a ListEntities answer.
//
// More and Earlier say whether matches of Where lie after and before the page, as Relay's
// hasNextPage and hasPreviousPage do: a page read forwards (not FromEnd) counts for More only the
// matches before its query's Before, and a page read backwards counts for Earlier only those after
// its query's After; the other flag looks past the bound. An empty page has More false when read
// forwards and Earlier false when read backwards.
type EntityPage struct {
	Entities []*Entity
	Total    int // every match of Where, whatever the bounds; -1 when the query asked to skip counting
	More     bool
	Earlier  bool
	// Expansion answers the query's Expand over Entities; nil when it had none.
	Expansion *Expansion
}

// SourcePage is one page of a ListSources answer; its fields mean what EntityPage's do.
type SourcePage struct {
	Sources []*Source
	Total   int
	More    bool
	Earlier bool
}

// SearchQuery is a full-text search over entities.
type SearchQuery struct {
	Text  string
	Kinds []Kind // empty: every kind
	Limit int    // at most this many hits (0: none); NoLimit: every hit
}

// SearchHit is one search result; a higher Score is a better match.
type SearchHit struct {
	Entity *Entity
	Score  float64
}
