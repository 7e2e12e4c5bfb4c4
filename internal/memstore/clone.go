package memstore

import (
	"maps"
	"slices"

	"github.com/diplograph/diplograph/internal/kg"
)

// clone returns a copy of s that shares nothing a write changes: new maps, lists and nodes, and
// shallow copies of the entities, relations and sources (what they hold is never changed in
// place); the changes themselves, never changed, are shared. The caller reads s: no write applies
// to it meanwhile. The store makes its spare this way at its first write (Store.publish), which
// costs a pass over the graph, less than applying the writes that made it again.
func (s *graph) clone() *graph {
	c := &graph{
		nodes:         make(map[string]*node, len(s.nodes)),
		sources:       make(map[string]*kg.Source, len(s.sources)),
		byKind:        make(map[kg.Kind][]*node, len(s.byKind)),
		sourceIDs:     slices.Clone(s.sourceIDs),
		names:         make(map[kg.NameKey][]string, len(s.names)),
		redirects:     maps.Clone(s.redirects),
		changes:       slices.Clone(s.changes),
		changesOf:     make(map[string][]int, len(s.changesOf)),
		seq:           s.seq,
		sourceCreated: maps.Clone(s.sourceCreated),
	}
	for id, src := range s.sources {
		x := *src
		c.sources[id] = &x
	}
	// The tables keep their indexes, so edges and relations are copied as they are (the
	// relations' attrs, never changed, are shared); each node gets its own entity and lists.
	ents := make(map[*kg.Entity]*kg.Entity, len(s.nodes))
	c.nodeTab = s.nodeTab.clone(func(dst, src *node) {
		*dst = node{created: src.created, idx: src.idx, out: slices.Clone(src.out), in: slices.Clone(src.in)}
		if src.entity != nil {
			e := *src.entity
			dst.entity = &e
			ents[src.entity] = &e
		}
	})
	c.relTab = s.relTab.clone(nil)
	c.typeNames = slices.Clone(s.typeNames)
	c.typeIDs = maps.Clone(s.typeIDs)
	c.imports = slices.Clone(s.imports)
	for id, n := range s.nodes {
		c.nodes[id] = c.node(n.idx)
	}
	for k, ns := range s.byKind {
		l := make([]*node, len(ns))
		for i, n := range ns {
			l[i] = c.node(n.idx)
		}
		c.byKind[k] = l
	}
	for k, ids := range s.names {
		c.names[k] = slices.Clone(ids)
	}
	for id, is := range s.changesOf {
		c.changesOf[id] = slices.Clone(is)
	}
	c.index = s.index.clone(ents)
	return c
}

// clone returns a copy of ix whose documents point at ents[their entity], sharing nothing a
// write changes (kg.SearchDocs, never changed, are shared). The lists name documents by index,
// which the copy keeps, so they are copied as they are.
func (ix *searchIndex) clone(ents map[*kg.Entity]*kg.Entity) searchIndex {
	c := searchIndex{
		docs:        make([]*searchDoc, len(ix.docs)),
		ndocs:       ix.ndocs,
		vocab:       slices.Clone(ix.vocab),
		shapes:      make(map[wordShape][]string, len(ix.shapes)),
		shapeList:   slices.Clone(ix.shapeList),
		shapesDirty: ix.shapesDirty,
		postings:    cloneLists(ix.postings),
		names:       cloneLists(ix.names),
		others:      cloneLists(ix.others),
		kinds:       cloneLists(ix.kinds),
	}
	for i, d := range ix.docs {
		if d == nil {
			continue
		}
		x := *d
		x.entity = ents[d.entity]
		c.docs[i] = &x
	}
	for k, ws := range ix.shapes {
		c.shapes[k] = slices.Clone(ws)
	}
	return c
}

func cloneLists[K comparable](m map[K][]int32) map[K][]int32 {
	c := make(map[K][]int32, len(m))
	for k, l := range m {
		c[k] = slices.Clone(l)
	}
	return c
}
