package graph

import (
	"bytes"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalList answers what graphql.MarshalSliceConcurrently answers: the elements in order, each
// marshalled with its index in its field context, and an element whose marshalling panics as
// null with the panic reported on its path; the rest of the list is kept.
func TestMarshalListAnswersAsConcurrently(t *testing.T) {
	for _, tc := range []struct {
		name     string
		length   int
		panicAt  int
		wantJSON string
		wantErrs []string
	}{
		{"empty", 0, -1, `[]`, nil},
		{"one", 1, -1, `["0"]`, nil},
		{"several", 3, -1, `["0","1","2"]`, nil},
		{"one of several panics", 3, 1, `["0",null,"2"]`, []string{"input: [1] internal system error"}},
		{"the only one panics", 1, 0, `[null]`, []string{"input: [0] internal system error"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, list := range []struct {
				name    string
				marshal func(context.Context, int, int64, bool, func(context.Context, int) graphql.Marshaler) graphql.Array
			}{{"marshalList", marshalList}, {"MarshalSliceConcurrently", graphql.MarshalSliceConcurrently}} {
				ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, graphql.DefaultRecover)
				var got bytes.Buffer
				list.marshal(ctx, tc.length, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
					if idx := graphql.GetFieldContext(ctx).Index; idx == nil || *idx != i {
						t.Errorf("%s: element %d marshalled with index %v", list.name, i, idx)
					}
					if i == tc.panicAt {
						panic("element panics")
					}
					return graphql.MarshalString(strconv.Itoa(i))
				}).MarshalGQL(&got)
				if compact := strings.ReplaceAll(got.String(), " ", ""); compact != tc.wantJSON {
					t.Errorf("%s = %s, want %s", list.name, compact, tc.wantJSON)
				}
				var errs []string
				for _, e := range graphql.GetErrors(ctx) {
					errs = append(errs, e.Error())
				}
				if strings.Join(errs, "\n") != strings.Join(tc.wantErrs, "\n") {
					t.Errorf("%s errors = %q, want %q", list.name, errs, tc.wantErrs)
				}
			}
		})
	}
}

// An object without deferred fields gets a group holding only its context; one with a deferred
// field gets gqlgen's, with its path and a field set to collect the deferred fields into.
func TestNewDeferredGroupOnlyForDeferredFields(t *testing.T) {
	ctx := graphql.WithFieldContext(context.Background(), &graphql.FieldContext{Field: graphql.CollectedField{Field: &ast.Field{Alias: "meeting"}}})
	plain := []graphql.CollectedField{{Field: &ast.Field{Name: "id"}}, {Field: &ast.Field{Name: "name"}}}
	if g := newDeferredGroup(ctx, plain); g.Context != ctx || g.FieldSet != nil || g.Path != nil || g.Defers != nil {
		t.Errorf("newDeferredGroup(no deferred field) = %+v, want only the context", g)
	}
	deferred := append(slices.Clone(plain), graphql.CollectedField{Field: &ast.Field{Name: "date"}, Deferrables: []*graphql.Deferrable{{Label: "late"}}})
	g, want := newDeferredGroup(ctx, deferred), graphql.NewDeferredGroup(ctx)
	if g.Context != ctx || g.FieldSet == nil || g.Defers == nil || g.Path.String() != want.Path.String() || g.Path.String() != "meeting" {
		t.Errorf("newDeferredGroup(a deferred field) = %+v, want %+v", g, want)
	}
}
