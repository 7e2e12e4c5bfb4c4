package kg

import (
	"cmp"
	"context"
	"slices"
	"strings"
)

// Limits of the exploration operations. A query beyond them is a CodeBadUserInput error, so that
// no request can ask a store for unbounded work.
const (
	MaxPathHops          = 8    // PathQuery.MaxHops
	MaxNeighborhoodHops  = 3    // NeighborhoodQuery.Hops
	MaxExploreResults    = 100  // PathQuery.Limit, CommonQuery.Limit, TimelineQuery.Limit
	MaxNeighborhoodNodes = 5000 // NeighborhoodQuery.Limit: exports ask for more than the API's 100
	MaxAvoid             = 100  // PathQuery.Avoid
)

// Explorer answers the questions researchers ask of the graph as a whole: how two entities are
// connected, what surrounds one, what two have in common, and when things happened. Every method
// is one store round trip, honours ctx's deadline (a store that runs queries elsewhere passes the
// remaining time on as a server-side limit) and fails with CodeTimeout when it runs out of time,
// with CodeBadUserInput when its query fails Validate, and never with an error for an unknown id:
// unknown ids give nil or empty answers.
//
// Paths ignore relation direction when walking but every Relation they return keeps its own
// From and To, and its citations.
type Explorer interface {
	// ShortestPath returns the first of the shortest paths from q.From to q.To in path order
	// (ComparePaths), or nil when there is none within q.MaxHops. From == To gives the path of
	// length 0. q.Limit is ignored.
	ShortestPath(ctx context.Context, q PathQuery) (*Path, error)

	// Paths returns the first q.Limit simple paths (no entity twice) from q.From to q.To of at
	// most q.MaxHops relations, in path order (ComparePaths): shortest first, each path once.
	Paths(ctx context.Context, q PathQuery) ([]*Path, error)

	// Neighborhood returns the entities within q.Hops of q.ID and the relations between them, as
	// NeighborhoodQuery describes; an unknown id gives an empty Subgraph.
	Neighborhood(ctx context.Context, q NeighborhoodQuery) (*Subgraph, error)

	// CommonConnections returns the entities related to both q.A and q.B (by relations of any
	// type, in either direction), other than A and B, most connected first: by the number of
	// relations between the entity and A or B, descending, then by name, then id. At most q.Limit.
	CommonConnections(ctx context.Context, q CommonQuery) ([]*Entity, error)

	// Timeline returns meetings in timeline order (CompareTimeline): every meeting when q.ID is
	// empty, else the meetings the entity took part in as TimelineQuery describes, each with the
	// ways it took part (Via, in CompareVia order), kept when their date can fall within
	// [q.From, q.To], at most q.Limit.
	Timeline(ctx context.Context, q TimelineQuery) ([]*TimelineEntry, error)
}

// PathQuery asks for paths between two entities.
//
// The walk follows relations of Types (every type when empty) in either direction and never
// enters an entity of Avoid (hubs such as a country); From and To themselves are always allowed.
type PathQuery struct {
	From, To string
	MaxHops  int      // 1..MaxPathHops
	Types    []string // relation types to follow; empty: every type
	Avoid    []string // ids of entities no path may pass through; at most MaxAvoid
	Limit    int      // Paths only: 0..MaxExploreResults (0: no paths)
}

// Validate returns a CodeBadUserInput error naming the first thing wrong with q, or nil. paths
// says whether q is for Paths, whose Limit is checked.
func (q PathQuery) Validate(paths bool) error {
	if q.MaxHops < 1 || q.MaxHops > MaxPathHops {
		return Errorf(CodeBadUserInput, "maxHops must be between 1 and %d, got %d", MaxPathHops, q.MaxHops)
	}
	if paths {
		if err := checkLimit("first", q.Limit, MaxExploreResults); err != nil {
			return err
		}
	}
	if len(q.Avoid) > MaxAvoid {
		return Errorf(CodeBadUserInput, "avoid may list at most %d entities, got %d", MaxAvoid, len(q.Avoid))
	}
	return checkTypes(q.Types)
}

// AvoidSet returns the ids of q.Avoid other than q.From and q.To, sorted and without repeats:
// the entities a path may not enter.
func (q PathQuery) AvoidSet() []string {
	out := make([]string, 0, len(q.Avoid))
	for _, id := range q.Avoid {
		if id != q.From && id != q.To {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Path is a walk through the graph: Relations[i] connects Nodes[i] and Nodes[i+1], in whichever
// direction the relation itself goes. A path of length 0 has one node and no relations.
type Path struct {
	Nodes     []*Entity
	Relations []*Relation
}

// Length returns the number of relations of p.
func (p *Path) Length() int { return len(p.Relations) }

// ComparePaths compares paths in path order: by length, then hop by hop by the id of the entity
// the hop reaches, then by the hop's relation (type, From, To). It returns -1, 0 or +1.
//
// Path order is the one order every store gives paths in, so that their answers can be compared
// exactly; it is what Cypher's ORDER BY gives for the key
// [length(p), [hop | [next node id, type(r), startNode(r).id, endNode(r).id]]].
func ComparePaths(a, b *Path) int {
	if c := cmp.Compare(a.Length(), b.Length()); c != 0 {
		return c
	}
	for i := range a.Relations {
		ra, rb := a.Relations[i], b.Relations[i]
		if c := cmp.Or(
			strings.Compare(a.Nodes[i+1].ID, b.Nodes[i+1].ID),
			strings.Compare(ra.Type, rb.Type),
			strings.Compare(ra.From, rb.From),
			strings.Compare(ra.To, rb.To),
		); c != 0 {
			return c
		}
	}
	return 0
}

// NeighborhoodQuery asks for the surroundings of one entity.
//
// The walk starts at ID, follows relations of Types (every type when empty) in either direction
// and enters only entities of Kinds (every kind when empty); the entity itself is always
// included. The entities reached within Hops relations are ranked by distance from ID, then by
// degree (their relations of Types to entities of Kinds, anywhere in the graph: most connected
// first), then by id, and the first Limit are kept, so the subgraph stays connected. Its
// relations are every relation of Types between two kept entities, ordered by type, From, To.
type NeighborhoodQuery struct {
	ID    string
	Hops  int      // 1..MaxNeighborhoodHops
	Types []string // empty: every type
	Kinds []Kind   // empty: every kind
	Limit int      // 0..MaxNeighborhoodNodes, counting the entity itself (0: an empty subgraph)
}

// Validate returns a CodeBadUserInput error naming the first thing wrong with q, or nil.
func (q NeighborhoodQuery) Validate() error {
	if q.Hops < 1 || q.Hops > MaxNeighborhoodHops {
		return Errorf(CodeBadUserInput, "hops must be between 1 and %d, got %d", MaxNeighborhoodHops, q.Hops)
	}
	if err := checkLimit("first", q.Limit, MaxNeighborhoodNodes); err != nil {
		return err
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return Errorf(CodeBadUserInput, "unknown entity kind %q", k)
		}
	}
	return checkTypes(q.Types)
}

// Subgraph is a set of entities and the relations between them.
type Subgraph struct {
	Nodes     []*Entity
	Relations []*Relation
}

// CommonQuery asks what two entities are both related to.
type CommonQuery struct {
	A, B  string
	Limit int // 0..MaxExploreResults (0: none)
}

// Validate returns a CodeBadUserInput error naming the first thing wrong with q, or nil.
func (q CommonQuery) Validate() error {
	if q.A == q.B {
		return Errorf(CodeBadUserInput, "a and b must be two different entities, got %q twice", q.A)
	}
	return checkLimit("first", q.Limit, MaxExploreResults)
}

// TimelineQuery asks for meetings in date order.
//
// With an ID, the meetings are those the entity took part in, each with every way it did (Via):
//
//   - directly (WayDirect): every meeting with a relation to the entity, of any type and
//     direction (a person's ATTENDED, an organization's REPRESENTED_AT, a dialogue's sessions, a
//     place's meetings, an initiative's or topic's meetings), one Via per relation type; a
//     meeting's own timeline is itself (WayDirect, no relation);
//   - a person, through its organizations (WayOrganization): the meetings where an organization
//     the person HOLDS_POSITION in was REPRESENTED_AT, one Via per organization;
//   - a country, through its delegations (WayDelegation): the meetings with an ATTENDED or
//     REPRESENTED_AT relation whose delegation is the country's code, one Via per member of the
//     delegation and relation; and through its organizations (WayOrganization): the meetings
//     where an organization that BELONGS_TO the country was REPRESENTED_AT;
//   - a dialogue, through its parts (WayDialogue): the sessions of every dialogue PART_OF it, at
//     any depth, one Via per part.
//
// Direct keeps only the meetings the entity took part in directly, with those ways only: the
// meetings the sources put the entity at, not those of its organizations, delegations or parts.
//
// From and To bound the dates, compared at the precision both have: a meeting is kept when its
// date can fall within [From, To], so From "2022-07" keeps a meeting dated "2022" and To "2022"
// keeps one dated "2022-12-01". Undated meetings are kept only when neither bound is given.
type TimelineQuery struct {
	ID       string // empty: every meeting
	From, To string // ISO 8601 dates, possibly partial; empty: unbounded
	Limit    int    // 0..MaxExploreResults (0: none)
	Direct   bool   // only the meetings ID took part in directly
}

// Validate returns a CodeBadUserInput error naming the first thing wrong with q, or nil.
func (q TimelineQuery) Validate() error {
	for _, d := range []struct{ name, value string }{{"from", q.From}, {"to", q.To}} {
		if d.value != "" && !ValidDate(d.value) {
			return Errorf(CodeBadUserInput, "%s is not a Date: %q (use YYYY, YYYY-MM or YYYY-MM-DD)", d.name, d.value)
		}
	}
	return checkLimit("first", q.Limit, MaxExploreResults)
}

// InDateRange reports whether a meeting dated date is kept by the bounds from and to (each
// possibly empty), as TimelineQuery describes.
func InDateRange(date, from, to string) bool {
	if from == "" && to == "" {
		return true
	}
	if date == "" {
		return false
	}
	if from != "" && prefix(date, len(from)) < prefix(from, len(date)) {
		return false
	}
	if to != "" && prefix(date, len(to)) > prefix(to, len(date)) {
		return false
	}
	return true
}

// CompareTimeline compares meetings in timeline order: dated ones first, by date as a string
// ("2022" < "2022-07" < "2022-07-01"), then by name, then by id.
func CompareTimeline(a, b *Entity) int {
	da, db := a.Prop(PropDate), b.Prop(PropDate)
	if (da == "") != (db == "") {
		if da == "" {
			return 1
		}
		return -1
	}
	return cmp.Or(strings.Compare(da, db), strings.Compare(a.Name, b.Name), strings.Compare(a.ID, b.ID))
}

func prefix(s string, n int) string { return s[:min(n, len(s))] }

// checkLimit refuses an exploration's limit outside 0..most. Explorations have no NoLimit: their
// work grows with the graph, so a caller always says how much it wants.
func checkLimit(name string, n, most int) error {
	if n < 0 || n > most {
		return Errorf(CodeBadUserInput, "%s must be between 0 and %d, got %d", name, most, n)
	}
	return nil
}

func checkTypes(types []string) error { return CheckRelationTypes(types) }

// OutOfTime returns the CodeTimeout error of an exploration that ran into its time limit, with
// advice a person can act on; cause is kept for the log.
func OutOfTime(cause error) *Error {
	return Wrap(CodeTimeout, "the search ran out of time: ask for fewer hops, restrict the relation types or avoid hub entities", cause)
}
