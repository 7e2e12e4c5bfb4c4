package kg

import (
	"slices"
	"strings"
)

// What one source says: the entities and relations that cite it, page by page, and the citedBy
// filter field of entity lists.

// FieldCitedBy is a filter field of entities: the ids of the sources their citations name. It is
// a list: OpIncludes holds when one of the entity's citations is from the source given.
const FieldCitedBy = "citedBy"

// MaxCitedPage is the most items one page of CitedEntities or CitedRelations may ask for.
const MaxCitedPage = 100

// CitedQuery selects one page of the entities (CitedEntities) or relations (CitedRelations) with a
// citation from Source, in their natural order: entities by id, relations by type, From and To.
type CitedQuery struct {
	Source string
	Kinds  []Kind   // CitedEntities: only these kinds; empty: every kind
	Types  []string // CitedRelations: only these types; empty: every type
	// After is where the page starts: after the entity with this id, or after the relation with
	// this RelationKey; "" from the first. Before, of the same form, bounds it at the other end:
	// the page holds only what comes before it; "" to the last.
	After  string
	Before string
	// FromEnd takes the last Limit of those between After and Before instead of the first:
	// Relay's `last`.
	FromEnd bool
	Limit   int // 0..MaxCitedPage (no NoLimit: a source may cite thousands)
}

// CitedWindow returns the page of q in a list of n items in order, given lo, the index of the
// first item after q.After (0 without it), and hi, that of the first item at or past q.Before (n
// without it): the page is items[start:end]; earlier and more tell whether items lie before and
// after it. Paging forwards, more looks only up to Before; backwards, earlier only back to After
// (as Relay's cursor connections specify).
func (q CitedQuery) CitedWindow(n, lo, hi int) (start, end int, earlier, more bool) {
	hi = max(lo, hi)
	if q.FromEnd {
		start, end = max(lo, hi-q.Limit), hi
		return start, end, start > lo, end < n
	}
	start, end = lo, min(hi, lo+q.Limit)
	return start, end, start > 0, end < hi
}

// Validate returns a CodeBadUserInput error naming the first thing wrong with q, or nil.
func (q CitedQuery) Validate() error {
	if err := checkLimit("first", q.Limit, MaxCitedPage); err != nil {
		return err
	}
	for _, k := range q.Kinds {
		if !k.Valid() {
			return Errorf(CodeBadUserInput, "unknown entity kind %q", k)
		}
	}
	return CheckRelationTypes(q.Types)
}

// CitedEntityPage is one page of CitedEntities.
type CitedEntityPage struct {
	Entities []*Entity
	More     bool // entities follow this page
	Earlier  bool // entities come before this page
	Total    int  // every entity the query selects, on every page
}

// CitedRelationPage is one page of CitedRelations.
type CitedRelationPage struct {
	Relations []*Relation
	More      bool
	Earlier   bool
	Total     int
}

// Cites reports whether one of cs is from source.
func Cites(cs []Citation, source string) bool {
	return slices.ContainsFunc(cs, func(c Citation) bool { return c.Source == source })
}

// RelationKey returns the key of r in relation order (type, From, To): the After of the page that
// follows it. Keys compare as their relations do, since ids and types hold no NUL.
func RelationKey(r *Relation) string { return r.Type + "\x00" + r.From + "\x00" + r.To }

// ParseRelationKey splits a RelationKey into type, from and to; ok is false if key is not one.
func ParseRelationKey(key string) (typ, from, to string, ok bool) {
	parts := strings.Split(key, "\x00")
	if len(parts) != 3 {
		return "", "", "", false
	}
	return parts[0], parts[1], parts[2], true
}
