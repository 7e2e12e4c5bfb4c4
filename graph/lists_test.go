package graph

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
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
