package graph

import (
	"context"

	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// Defaults of the exploration fields' arguments, as graph/schema/explore.graphqls declares them; they apply
// when a client passes null.
const (
	defaultShortestHops = 6
	defaultPathHops     = 4
	defaultPaths        = 10
	defaultHops         = 1
	defaultNeighbors    = 100
	defaultCommon       = 20
	defaultTimeline     = 50
)

// exploreContext returns ctx limited to the resolver's ExploreTimeout, if it has one. Only the
// store call runs under it: nested fields load later, under the request's own context.
func (r *Resolver) exploreContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.ExploreTimeout > 0 {
		return context.WithTimeout(ctx, r.ExploreTimeout)
	}
	return context.WithCancel(ctx)
}

func intArg(v *int, def int) int {
	if v == nil {
		return def
	}
	return *v
}

func stringArg(v *string) string {
	if v == nil {
		return ""
	}
	return *v
}

// wrapPaths turns the store's paths into API paths that share one batch of entities and one of
// relations, so that a field asked of any node or relation is fetched for all of them at once,
// under ctx, the request's.
func (r *Resolver) wrapPaths(ctx context.Context, ps []*kg.Path) []*model.Path {
	var nodes []*kg.Entity
	var rels []*kg.Relation
	for _, p := range ps {
		nodes = append(nodes, p.Nodes...)
		rels = append(rels, p.Relations...)
	}
	batch := loader.NewBatch(r.Store, nodes)
	relBatch := loader.NewRelBatchWithEnds(ctx, r.Store, rels, batch)
	out := make([]*model.Path, len(ps))
	for i, p := range ps {
		mp := &model.Path{ID: model.PathID(p.Nodes, p.Relations), Length: p.Length(), Nodes: make([]model.Entity, len(p.Nodes)), Relations: make([]*model.Relation, len(p.Relations))}
		for j, e := range p.Nodes {
			mp.Nodes[j] = model.WrapID(batch, e.ID)
		}
		for j, rel := range p.Relations {
			mp.Relations[j] = &model.Relation{Rel: rel, Batch: relBatch}
		}
		out[i] = mp
	}
	return out
}

// wrapSubgraph turns the store's subgraph into the API's, batched as wrapPaths does.
func (r *Resolver) wrapSubgraph(ctx context.Context, g *kg.Subgraph) *model.Subgraph {
	batch := loader.NewBatch(r.Store, g.Nodes)
	relBatch := loader.NewRelBatchWithEnds(ctx, r.Store, g.Relations, batch)
	out := &model.Subgraph{ID: model.SubgraphID(g.Nodes, g.Relations), Nodes: model.WrapAll(batch), Relations: make([]*model.Relation, len(g.Relations))}
	for i, rel := range g.Relations {
		out.Relations[i] = &model.Relation{Rel: rel, Batch: relBatch}
	}
	return out
}
