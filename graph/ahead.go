package graph

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// AttachLookahead is field middleware (handler.Server.AroundFields) that hands the batch of
// every entity a field returns the request's context and what the field selects on it
// (loader.Batch.Attach). The relation fields of entities are methods without a context, so that
// gqlgen runs them inline rather than in a goroutine each; this is how they still fetch every
// relation field selected on their siblings, and what the query reads below, in one store call,
// whatever made the batch (a search, node, a mutation, the far end of `relations`).
func AttachLookahead(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil || res == nil {
		return res, err
	}
	switch v := res.(type) {
	case string, *string, bool, int, *int, []string, graphql.Marshaler:
		return res, err // scalars, the most common answers: nothing to attach
	case model.Entity:
		attach(ctx, v, nil)
	default:
		rv := reflect.ValueOf(res)
		// A list of entities, or of nodes (an entity or a source each).
		if rv.Kind() != reflect.Slice || (rv.Type().Elem().Kind() != reflect.Interface && !rv.Type().Elem().Implements(entityType)) {
			return res, err
		}
		var last *loader.Batch
		for i := range rv.Len() {
			if e, ok := rv.Index(i).Interface().(model.Entity); ok {
				last = attach(ctx, e, last)
			}
		}
	}
	return res, err
}

var entityType = reflect.TypeFor[model.Entity]()

// attach attaches the field of ctx to e's batch unless it is done (the batch of the element
// before, in a list); it returns e's batch.
func attach(ctx context.Context, e model.Entity, done *loader.Batch) *loader.Batch {
	if rv := reflect.ValueOf(e); rv.Kind() == reflect.Pointer && rv.IsNil() {
		return done
	}
	b := e.Base().Batch
	if b == nil || b == done {
		return b
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil || !graphql.HasOperationContext(ctx) || b.Attached(fc.Field.Field) {
		return b // the field is attached once, not once per element of the list above
	}
	oc, sel := graphql.GetOperationContext(ctx), fc.Field.Selections
	b.Attach(ctx, fc.Field.Field, func(kinds []kg.Kind) []loader.RelSpec {
		// A batch of several kinds (search hits, a path's nodes) reads what the query selects on
		// each of them in the same store call.
		var specs []loader.RelSpec
		for _, k := range kinds {
			specs = append(specs, specsOn(oc, sel, typeOf(k), maxLookahead)...)
		}
		return mergeSpecs(specs)
	})
	return b
}
