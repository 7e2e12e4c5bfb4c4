package memstore

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// maxListedProblems caps how many problems an import error message lists.
const maxListedProblems = 20

// Import merges b into the store: sources, entities and relations (identified by (Type, From,
// To)) that are new are created, those that differ are replaced whole, the rest are unchanged, and
// whatever the store holds that b lacks stays. b is validated first; a bundle with problems is a
// CodeBadUserInput *kg.Error listing them, and nothing is written. Importing the same bundle twice
// changes nothing.
func (s *Store) Import(ctx context.Context, b *kg.Bundle) (kg.ImportStats, error) {
	var stats kg.ImportStats
	if err := s.ready(ctx); err != nil {
		return stats, err
	}
	if b == nil {
		return stats, kg.Errorf(kg.CodeBadUserInput, "no bundle to import")
	}
	if ps := b.Validate(); len(ps) > 0 {
		return stats, problemsError(ps)
	}
	b = normalizedCopy(b)

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.ready(ctx); err != nil {
		return stats, err
	}
	newSources := false
	for i := range b.Sources {
		src := &b.Sources[i]
		old, existed := s.sources[src.ID]
		switch tally(&stats, existed, existed && reflect.DeepEqual(old, src)) {
		case updated:
			*old = *src
		case created:
			s.sources[src.ID] = src
			s.sourceIDs = append(s.sourceIDs, src.ID)
			newSources = true
		}
	}
	if newSources {
		slices.Sort(s.sourceIDs)
	}

	kindsTouched := map[kg.Kind]bool{}
	var indexed []*kg.Entity
	for i := range b.Entities {
		e := &b.Entities[i]
		old, existed := s.nodes[e.ID]
		switch tally(&stats, existed, existed && reflect.DeepEqual(old.entity, e)) {
		case updated:
			// Overwrite in place: edges and the search index point at this entity.
			*old.entity = *e
			indexed = append(indexed, old.entity)
		case created:
			n := &node{entity: e}
			s.nodes[e.ID] = n
			s.byKind[e.Kind] = append(s.byKind[e.Kind], n)
			kindsTouched[e.Kind] = true
			indexed = append(indexed, e)
		}
	}
	for k := range kindsTouched {
		slices.SortFunc(s.byKind[k], func(a, b *node) int { return strings.Compare(a.entity.ID, b.entity.ID) })
	}

	touched := map[*node]bool{}
	for i := range b.Relations {
		r := &b.Relations[i]
		old, existed := s.relations[keyOf(r)]
		switch tally(&stats, existed, existed && reflect.DeepEqual(old, r)) {
		case updated:
			*old = *r
		case created:
			// Validate saw both ends in the bundle, so both are nodes by now.
			from, to := s.nodes[r.From], s.nodes[r.To]
			s.relations[keyOf(r)] = r
			from.out = append(from.out, edge{rel: r, other: to})
			to.in = append(to.in, edge{rel: r, other: from})
			touched[from], touched[to] = true, true
		}
	}
	for n := range touched {
		slices.SortFunc(n.out, compareEdges)
		slices.SortFunc(n.in, compareEdges)
	}

	if len(indexed) > 0 {
		s.index.update(indexed)
	}
	return stats, nil
}

// outcome is what an import does to one item.
type outcome int

const (
	unchanged outcome = iota
	updated
	created
)

// tally counts one item in st and says what to do with it.
func tally(st *kg.ImportStats, existed, same bool) outcome {
	switch {
	case !existed:
		st.Created++
		return created
	case same:
		st.Unchanged++
		return unchanged
	}
	st.Updated++
	return updated
}

// normalizedCopy returns a deep copy of b in the form the store keeps: property values normalized
// (integers as int64), empty lists and maps as nil, so equal content compares equal.
func normalizedCopy(b *kg.Bundle) *kg.Bundle {
	c := &kg.Bundle{
		Sources:   make([]kg.Source, len(b.Sources)),
		Entities:  make([]kg.Entity, len(b.Entities)),
		Relations: make([]kg.Relation, len(b.Relations)),
	}
	for i := range b.Sources {
		c.Sources[i] = *cloneSource(&b.Sources[i])
	}
	for i := range b.Entities {
		e := cloneEntity(&b.Entities[i])
		e.Properties = kg.NormalizeProps(e.Properties)
		if len(e.Aliases) == 0 {
			e.Aliases = nil
		}
		c.Entities[i] = *e
	}
	for i := range b.Relations {
		r := cloneRelation(&b.Relations[i])
		r.Properties = kg.NormalizeProps(r.Properties)
		c.Relations[i] = *r
	}
	return c
}

func problemsError(ps []kg.Problem) error {
	var b strings.Builder
	fmt.Fprintf(&b, "the bundle has %d problem(s): ", len(ps))
	for i, p := range ps {
		if i == maxListedProblems {
			fmt.Fprintf(&b, "; and %d more", len(ps)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return kg.Errorf(kg.CodeBadUserInput, "%s", b.String())
}
