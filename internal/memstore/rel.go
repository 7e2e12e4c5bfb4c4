package memstore

import (
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// rel is a relation as the graph keeps it: its ends as their nodes, and what it holds behind one
// pointer that relations with equal properties and citations share (interner.attrs). It is 48
// bytes where a kg.Relation and the ids, maps and lists it points at took about three times that,
// and each edge of the adjacency lists points at it. It is made a kg.Relation only when read:
// relation (a copy the caller owns) or view (for kg's functions, which only read it).
type rel struct {
	typ       string
	from, to  *node
	attrs     *relAttrs
	createdIn int64 // seq of the import's change that created the relation; 0: none
}

// relAttrs is what a relation holds besides its key. Nothing changes it once made: a write that
// changes a relation gives it other attrs.
type relAttrs struct {
	props  map[string]any
	cites  []kg.Citation
	claims []kg.Claim
}

// view returns r as a kg.Relation that shares r's maps and lists: for reading only, within the
// read or write that asked for it.
func (r *rel) view() *kg.Relation {
	return &kg.Relation{Type: r.typ, From: r.from.entity.ID, To: r.to.entity.ID,
		Properties: r.attrs.props, Citations: r.attrs.cites, Claims: r.attrs.claims}
}

// relation returns r as a kg.Relation that shares nothing with the store.
func (r *rel) relation() *kg.Relation {
	return &kg.Relation{Type: r.typ, From: r.from.entity.ID, To: r.to.entity.ID, Properties: cloneProps(r.attrs.props),
		Citations: cloneCitations(r.attrs.cites), Claims: cloneClaims(r.attrs.claims)}
}

// prop returns the string property key of r, or "" if it is absent or not a string.
func (r *rel) prop(key string) string {
	s, _ := r.attrs.props[key].(string)
	return s
}

func (r *rel) key() relKey { return relKey{r.typ, r.from.entity.ID, r.to.entity.ID} }

// compareRels orders relations by (Type, From, To), as compareRelations. It reads an end's id
// only when what comes before it is equal (cmp.Or would read all three): sorting and merging
// adjacency lists call it in their inner loops.
func compareRels(a, b *rel) int {
	if c := strings.Compare(a.typ, b.typ); c != 0 {
		return c
	}
	if a.from != b.from {
		if c := strings.Compare(a.from.entity.ID, b.from.entity.ID); c != 0 {
			return c
		}
	}
	if a.to == b.to {
		return 0
	}
	return strings.Compare(a.to.entity.ID, b.to.entity.ID)
}
