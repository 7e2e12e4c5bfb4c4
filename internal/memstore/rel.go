package memstore

import (
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// rel is a relation as the graph keeps it, 24 bytes in a flat table (graph.relTab): its ends as the
// indexes of their nodes, its type as an index into the graph's type names, the import that
// created it as an index into the graph's import seqs, and what it holds behind one pointer that
// relations with equal properties and citations share (interner.attrs). Each edge of the
// adjacency lists names it by its index. It is made a kg.Relation only when read: relationOf (a
// copy the caller owns) or view (for kg's functions, which only read it).
type rel struct {
	attrs    *relAttrs
	from, to int32  // node indexes (graph.node)
	created  uint32 // index into graph.imports of the import that created it; 0: none
	typ      uint16 // index into graph.typeNames
}

// relAttrs is what a relation holds besides its key. Nothing changes it once made: a write that
// changes a relation gives it other attrs.
type relAttrs struct {
	props  map[string]any
	cites  []kg.Citation
	claims []kg.Claim
}

// edge is one entry of an adjacency list: the relation's index in graph.relTab and the index of
// the node at the other end. It holds no pointer, so the collector never scans the lists.
type edge struct {
	rel, other int32
}

// link is an edge resolved in its graph, as the adjacency walks (graph.eachEdge) hand it out.
type link struct {
	rel   *rel
	other *node
}

// The graph's tables grow a chunk at a time and never move what they hold, so pointers to their
// entries stay valid (nodes are pointed at by the id map, kind lists and walks) and growing
// copies nothing.
const (
	chunkBits = 13
	chunkLen  = 1 << chunkBits
)

// table is a growable array of T in fixed chunks, addressed by int32, with the indexes of freed
// entries kept for reuse. Freeing is deferred (release, then reuse at the end of a write), so an
// index freed by a write is not given out again within it.
type table[T any] struct {
	chunks   []*[chunkLen]T
	n        int32   // entries ever allocated (the next new index)
	free     []int32 // freed indexes, reused first
	released []int32 // freed during the current write; free at its end (settle)
}

func (t *table[T]) at(i int32) *T { return &t.chunks[i>>chunkBits][i&(chunkLen-1)] }

// add returns the index of a zeroed entry.
func (t *table[T]) add() int32 {
	if k := len(t.free); k > 0 {
		i := t.free[k-1]
		t.free = t.free[:k-1]
		return i
	}
	if int(t.n)>>chunkBits == len(t.chunks) {
		t.chunks = append(t.chunks, new([chunkLen]T))
	}
	t.n++
	return t.n - 1
}

// release zeroes entry i and frees its index at the end of the write (settle).
func (t *table[T]) release(i int32) {
	var zero T
	*t.at(i) = zero
	t.released = append(t.released, i)
}

func (t *table[T]) settle() {
	t.free = append(t.free, t.released...)
	t.released = t.released[:0]
}

// clone returns a copy of t whose entries are set by each (a plain copy when each is nil).
func (t *table[T]) clone(each func(dst, src *T)) table[T] {
	c := table[T]{chunks: make([]*[chunkLen]T, len(t.chunks)), n: t.n, free: append([]int32(nil), t.free...)}
	for k, ch := range t.chunks {
		c.chunks[k] = new([chunkLen]T)
		if each == nil {
			*c.chunks[k] = *ch
			continue
		}
		for i := range ch {
			each(&c.chunks[k][i], &ch[i])
		}
	}
	return c
}

// node returns the node of index i.
func (s *graph) node(i int32) *node { return s.nodeTab.at(i) }

// rel returns the relation of index i.
func (s *graph) rel(i int32) *rel { return s.relTab.at(i) }

// typeName returns the name of r's type.
func (s *graph) typeName(r *rel) string { return s.typeNames[r.typ] }

// typeOf returns the index of type name t, adding it.
func (s *graph) typeOf(t string) uint16 {
	if i, ok := s.typeIDs[t]; ok {
		return i
	}
	s.typeNames = append(s.typeNames, t)
	i := uint16(len(s.typeNames) - 1)
	s.typeIDs[t] = i
	return i
}

// typeIndex returns the index of type name t, and whether the graph has it.
func (s *graph) typeIndex(t string) (uint16, bool) {
	i, ok := s.typeIDs[t]
	return i, ok
}

// importIndex returns the index into s.imports of the import change seq (0: none), adding it: imports
// apply in seq order, so a new one is the last.
func (s *graph) importIndex(seq int64) uint32 {
	if seq == 0 {
		return 0
	}
	if k := len(s.imports); k > 0 && s.imports[k-1] == seq {
		return uint32(k - 1)
	}
	s.imports = append(s.imports, seq)
	return uint32(len(s.imports) - 1)
}

// createdIn returns the seq of the import change that created r; 0: none.
func (s *graph) createdIn(r *rel) int64 { return s.imports[r.created] }

// view returns r as a kg.Relation that shares r's maps and lists: for reading only, within the
// read or write that asked for it.
func (s *graph) view(r *rel) *kg.Relation {
	return &kg.Relation{Type: s.typeName(r), From: s.node(r.from).entity.ID, To: s.node(r.to).entity.ID,
		Properties: r.attrs.props, Citations: r.attrs.cites, Claims: r.attrs.claims}
}

// relationOf returns r as a kg.Relation that shares nothing with the store.
func (s *graph) relationOf(r *rel) *kg.Relation {
	return &kg.Relation{Type: s.typeName(r), From: s.node(r.from).entity.ID, To: s.node(r.to).entity.ID,
		Properties: cloneProps(r.attrs.props), Citations: cloneCitations(r.attrs.cites), Claims: cloneClaims(r.attrs.claims)}
}

// prop returns the string property key of r, or "" if it is absent or not a string.
func (r *rel) prop(key string) string {
	s, _ := r.attrs.props[key].(string)
	return s
}

func (s *graph) key(r *rel) relKey {
	return relKey{s.typeName(r), s.node(r.from).entity.ID, s.node(r.to).entity.ID}
}

// compareRels orders relations by (Type, From, To), as compareRelations. It reads an end's id
// only when what comes before it is equal (cmp.Or would read all three): sorting and merging
// adjacency lists call it in their inner loops.
func (s *graph) compareRels(a, b *rel) int {
	if a.typ != b.typ {
		if c := strings.Compare(s.typeNames[a.typ], s.typeNames[b.typ]); c != 0 {
			return c
		}
	}
	if a.from != b.from {
		if c := strings.Compare(s.node(a.from).entity.ID, s.node(b.from).entity.ID); c != 0 {
			return c
		}
	}
	if a.to == b.to {
		return 0
	}
	return strings.Compare(s.node(a.to).entity.ID, s.node(b.to).entity.ID)
}

func (s *graph) compareEdges(a, b edge) int {
	if a.rel == b.rel {
		return 0
	}
	return s.compareRels(s.rel(a.rel), s.rel(b.rel))
}
