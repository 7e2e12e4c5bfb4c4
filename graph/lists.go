package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

// marshalList marshals the elements of a list one after another in the calling goroutine. The
// generated executor calls it where gqlgen 0.17.98 calls graphql.MarshalSliceConcurrently, which
// starts a goroutine per element of every list of objects longer than one and has no setting to
// turn that off; `make generate` rewrites the calls (graph/internal/execpatch). A goroutine
// per element buys nothing here: the fields of an element are served from its batch, which
// fetches what every sibling reads in one store call when the first asks, and growing those
// goroutines' stacks cost a sixth of a nested page's CPU. The fields of one element that are
// still resolved concurrently (resolvers, methods taking a context) still are.
//
// marshalList keeps MarshalSliceConcurrently's contract: each element gets a field context with
// its index, and one that panics holds Null with the panic reported as its error (unless
// omitPanicHandler). workerLimit bounds goroutines, of which marshalList starts none.
func marshalList(ctx context.Context, length int, _ int64, omitPanicHandler bool,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		elemCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(elemCtx, i)
			continue
		}
		ret[i] = marshalRecovering(elemCtx, i, marshalElement)
	}
	return ret
}

// marshalRecovering marshals element i, and gives Null with the panic as the element's error if
// marshalling it panics.
func marshalRecovering(ctx context.Context, i int,
	marshalElement func(ctx context.Context, i int) graphql.Marshaler) (m graphql.Marshaler) {
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			m = graphql.Null
		}
	}()
	return marshalElement(ctx, i)
}

// newDeferredGroup returns graphql.NewDeferredGroup(ctx) when a field of fields (an object's) is
// @defer'd, and otherwise a group holding only ctx, which is all the generated executor reads of
// the group of an object without deferred fields (graphql.FieldSet.ResolveConcurrently touches
// its field set and views only for a deferred field; ProcessDeferredGroup runs only when there
// are views). The generated executor calls it where gqlgen calls NewDeferredGroup, for every
// object it marshals (`make generate` rewrites the calls, graph/internal/execpatch): that made the
// object's path, a field set and a map each time, a tenth of the bytes a nested page allocates.
func newDeferredGroup(ctx context.Context, fields []graphql.CollectedField) graphql.DeferredGroup {
	for i := range fields {
		if fields[i].IsDeferred() {
			return graphql.NewDeferredGroup(ctx)
		}
	}
	return graphql.DeferredGroup{Context: ctx}
}
