package memstore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// CitedEntities returns one page of the entities with a citation from q.Source, as
// kg.Store.CitedEntities says. It reads every entity of the kinds asked for: the store keeps no
// index by source.
func (s *graph) CitedEntities(ctx context.Context, q kg.CitedQuery) (*kg.CitedEntityPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	kinds := q.Kinds
	if len(kinds) == 0 {
		kinds = kg.Kinds
	}
	var cited []*kg.Entity
	for _, k := range kinds {
		for _, n := range s.byKind[k] {
			if kg.Cites(n.entity.Citations, q.Source) {
				cited = append(cited, n.entity)
			}
		}
	}
	slices.SortFunc(cited, func(a, b *kg.Entity) int { return strings.Compare(a.ID, b.ID) })
	lo, _ := slices.BinarySearchFunc(cited, q.After, func(e *kg.Entity, id string) int {
		return cmp.Or(strings.Compare(e.ID, id), -1) // an entity with id After comes before the page
	})
	hi := len(cited)
	if q.Before != "" {
		hi, _ = slices.BinarySearchFunc(cited, q.Before, func(e *kg.Entity, id string) int { return strings.Compare(e.ID, id) })
	}
	start, end, earlier, more := q.CitedWindow(len(cited), lo, hi)
	page := &kg.CitedEntityPage{Total: len(cited), Entities: []*kg.Entity{}, Earlier: earlier, More: more}
	for _, e := range cited[start:end] {
		page.Entities = append(page.Entities, cloneEntity(e))
	}
	return page, nil
}

// CitedRelations returns one page of the relations with a citation from q.Source, as
// kg.Store.CitedRelations says. It reads every relation.
func (s *graph) CitedRelations(ctx context.Context, q kg.CitedQuery) (*kg.CitedRelationPage, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var cited []*kg.Relation
	for _, n := range s.nodes {
		for _, e := range n.out {
			if r := s.rel(e.rel); (len(q.Types) == 0 || slices.Contains(q.Types, s.typeName(r))) && kg.Cites(r.attrs.cites, q.Source) {
				cited = append(cited, s.view(r))
			}
		}
	}
	slices.SortFunc(cited, compareRelations)
	lo, hi := 0, len(cited)
	if q.After != "" {
		lo, _ = slices.BinarySearchFunc(cited, q.After, func(r *kg.Relation, key string) int {
			return cmp.Or(strings.Compare(kg.RelationKey(r), key), -1)
		})
	}
	if q.Before != "" {
		hi, _ = slices.BinarySearchFunc(cited, q.Before, func(r *kg.Relation, key string) int {
			return strings.Compare(kg.RelationKey(r), key)
		})
	}
	start, end, earlier, more := q.CitedWindow(len(cited), lo, hi)
	page := &kg.CitedRelationPage{Total: len(cited), Relations: []*kg.Relation{}, Earlier: earlier, More: more}
	for _, r := range cited[start:end] {
		page.Relations = append(page.Relations, cloneRelation(r))
	}
	return page, nil
}
