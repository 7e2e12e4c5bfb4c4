package storetest

import (
	"cmp"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// reference answers the exploration queries over a bundle by brute force, as plainly as the
// contracts in kg read, with none of the stores' shortcuts: every simple path enumerated and
// sorted, every neighbourhood walked level by level. The suite compares both stores with it.
type reference struct {
	entities map[string]*kg.Entity
	adj      map[string][]*kg.Relation // every relation touching an entity
}

func newReference(b *kg.Bundle) *reference {
	ref := &reference{entities: map[string]*kg.Entity{}, adj: map[string][]*kg.Relation{}}
	for i := range b.Entities {
		ref.entities[b.Entities[i].ID] = &b.Entities[i]
	}
	for i := range b.Relations {
		r := &b.Relations[i]
		ref.adj[r.From] = append(ref.adj[r.From], r)
		ref.adj[r.To] = append(ref.adj[r.To], r)
	}
	return ref
}

// paths returns every simple path q allows, in path order (kg.ComparePaths), whatever q.Limit says.
func (ref *reference) paths(q kg.PathQuery) []*kg.Path {
	from, to := ref.entities[q.From], ref.entities[q.To]
	if from == nil || to == nil {
		return nil
	}
	avoid := q.AvoidSet()
	var out []*kg.Path
	nodes := []*kg.Entity{from}
	var rels []*kg.Relation
	var walk func(id string)
	walk = func(id string) {
		if id == q.To {
			out = append(out, &kg.Path{Nodes: slices.Clone(nodes), Relations: slices.Clone(rels)})
			return
		}
		if len(rels) == q.MaxHops {
			return
		}
		for _, r := range ref.adj[id] {
			next := r.Other(id)
			if (len(q.Types) > 0 && !slices.Contains(q.Types, r.Type)) || slices.Contains(avoid, next) ||
				slices.ContainsFunc(nodes, func(e *kg.Entity) bool { return e.ID == next }) {
				continue
			}
			nodes, rels = append(nodes, ref.entities[next]), append(rels, r)
			walk(next)
			nodes, rels = nodes[:len(nodes)-1], rels[:len(rels)-1]
		}
	}
	walk(q.From)
	slices.SortFunc(out, kg.ComparePaths)
	return out
}

// neighborhood returns the subgraph of q, as kg.NeighborhoodQuery describes it.
func (ref *reference) neighborhood(q kg.NeighborhoodQuery) *kg.Subgraph {
	g := &kg.Subgraph{}
	if ref.entities[q.ID] == nil {
		return g
	}
	usable := func(r *kg.Relation, other string) bool {
		return (len(q.Types) == 0 || slices.Contains(q.Types, r.Type)) &&
			(len(q.Kinds) == 0 || slices.Contains(q.Kinds, ref.entities[other].Kind))
	}
	dist := map[string]int{q.ID: 0}
	for d := 1; d <= q.Hops; d++ {
		for id, di := range dist {
			if di != d-1 {
				continue
			}
			for _, r := range ref.adj[id] {
				if o := r.Other(id); usable(r, o) {
					if _, seen := dist[o]; !seen {
						dist[o] = d
					}
				}
			}
		}
	}
	degree := func(id string) int {
		n := 0
		for _, r := range ref.adj[id] {
			if usable(r, r.Other(id)) {
				n++
			}
		}
		return n
	}
	ids := make([]string, 0, len(dist))
	for id := range dist {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(dist[a], dist[b]), cmp.Compare(degree(b), degree(a)), strings.Compare(a, b))
	})
	ids = ids[:min(len(ids), q.Limit)]
	for _, id := range ids {
		g.Nodes = append(g.Nodes, ref.entities[id])
		for _, r := range ref.adj[id] {
			if r.From == id && slices.Contains(ids, r.To) && (len(q.Types) == 0 || slices.Contains(q.Types, r.Type)) {
				g.Relations = append(g.Relations, r)
			}
		}
	}
	slices.SortFunc(g.Relations, func(a, b *kg.Relation) int {
		return cmp.Or(strings.Compare(a.Type, b.Type), strings.Compare(a.From, b.From), strings.Compare(a.To, b.To))
	})
	return g
}

// common returns the common connections of q, as kg.Explorer describes them.
func (ref *reference) common(q kg.CommonQuery) []*kg.Entity {
	counts := func(id string) map[string]int {
		m := map[string]int{}
		for _, r := range ref.adj[id] {
			m[r.Other(id)]++
		}
		return m
	}
	ca, cb := counts(q.A), counts(q.B)
	var out []*kg.Entity
	for id := range ca {
		if _, ok := cb[id]; ok && id != q.A && id != q.B {
			out = append(out, ref.entities[id])
		}
	}
	slices.SortFunc(out, func(x, y *kg.Entity) int {
		return cmp.Or(cmp.Compare(ca[y.ID]+cb[y.ID], ca[x.ID]+cb[x.ID]), strings.Compare(x.Name, y.Name), strings.Compare(x.ID, y.ID))
	})
	return out[:min(len(out), q.Limit)]
}
