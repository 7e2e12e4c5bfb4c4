package graph

import (
	"context"
	"slices"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// maxNodes bounds nodes(ids:): each id is looked up.
const maxNodes = 100

// nodes finds the nodes with ids, index for index (nil for an id that names nothing), in at most
// one store call for entities, one for sources and one for relations.
func (r *Resolver) nodes(ctx context.Context, ids []string) ([]model.Node, error) {
	if len(ids) > maxNodes {
		return nil, badInput("nodes takes at most %d ids, got %d", maxNodes, len(ids))
	}
	out := make([]model.Node, len(ids))
	var entityIDs, sourceIDs, froms, types []string
	type view struct {
		i                     int
		prefix, typ, from, to string
	}
	var views []view
	for i, id := range ids {
		if prefix, typ, from, to, ok := model.ParseRelationViewID(id); ok {
			if !model.ViewFits(prefix, typ) {
				continue
			}
			views = append(views, view{i, prefix, typ, from, to})
			froms, types = append(froms, from), append(types, typ)
			continue
		}
		switch {
		case kg.KindOfID(id) != "":
			entityIDs = append(entityIDs, id)
		case kg.ValidID(id):
			sourceIDs = append(sourceIDs, id)
		}
	}
	if len(entityIDs) > 0 {
		es, err := r.Store.Entities(ctx, entityIDs)
		if err != nil {
			return nil, err
		}
		found := slices.DeleteFunc(slices.Clone(es), func(e *kg.Entity) bool { return e == nil })
		byID := map[string]model.Entity{}
		for _, e := range model.WrapAll(loader.NewBatch(r.Store, found)) {
			byID[e.Base().ID()] = e
		}
		for i, id := range ids {
			if e, ok := byID[id]; ok && kg.KindOfID(id) != "" {
				out[i] = e
			}
		}
	}
	if len(sourceIDs) > 0 {
		ss, err := r.Store.Sources(ctx, sourceIDs)
		if err != nil {
			return nil, err
		}
		byID := map[string]*kg.Source{}
		for _, s := range ss {
			if s != nil {
				byID[s.ID] = s
			}
		}
		for i, id := range ids {
			if s := byID[id]; s != nil && out[i] == nil {
				out[i] = &model.Source{Source: s}
			}
		}
	}
	if len(views) > 0 {
		froms, types = uniq(froms), uniq(types)
		rels, err := r.Store.Relations(ctx, kg.RelationQuery{IDs: froms, Types: types, Direction: kg.Out, Limit: kg.NoLimit})
		if err != nil {
			return nil, err
		}
		var found []*kg.Relation
		for _, rs := range rels {
			found = append(found, rs...)
		}
		batch := loader.NewRelBatch(ctx, r.Store, found)
		for _, v := range views {
			i := slices.IndexFunc(found, func(rel *kg.Relation) bool {
				return rel.Type == v.typ && rel.From == v.from && rel.To == v.to
			})
			if i < 0 {
				continue
			}
			out[v.i] = model.RelationView(v.prefix, found[i], batch)
		}
	}
	return out, nil
}

func uniq(xs []string) []string {
	slices.Sort(xs)
	return slices.Compact(xs)
}
