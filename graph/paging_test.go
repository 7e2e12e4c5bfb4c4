package graph

import (
	"reflect"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// A cursor gives back the position it was made of, with each sort value's type (an ordinal
// stays an integer, a missing value missing), and only for the sort it was made for.
func TestCursorRoundTrip(t *testing.T) {
	sort := []kg.SortField{{Field: "ordinal", Desc: true}, {Field: "date"}, {Field: "score"}, {Field: "name"}}
	pos := kg.Position{Keys: []any{int64(14), nil, 2.5, "Plenary – “14th”"}, ID: "meeting:21cb-esc-14th-plenary"}
	c := encodeCursor(sort, pos)
	got, err := decodeCursor("after", &c, sort)
	if err != nil || !reflect.DeepEqual(*got, pos) {
		t.Fatalf("decodeCursor(encodeCursor(%v)) = %#v, %v; want it back", pos, got, err)
	}
	for name, other := range map[string][]kg.SortField{
		"another direction": {{Field: "ordinal"}, {Field: "date"}, {Field: "score"}, {Field: "name"}},
		"fewer fields":      sort[:1],
		"no sort":           nil,
	} {
		if _, err := decodeCursor("after", &c, other); kg.ErrorCode(err) != kg.CodeBadUserInput {
			t.Errorf("decodeCursor with %s = %v, want %s", name, err, kg.CodeBadUserInput)
		}
	}
	for _, bad := range []string{"bm9wZQ", "cG9zOjI", "!!", encodeCursor(nil, kg.Position{})} {
		if _, err := decodeCursor("before", &bad, nil); kg.ErrorCode(err) != kg.CodeBadUserInput {
			t.Errorf("decodeCursor(%q) = %v, want %s", bad, err, kg.CodeBadUserInput)
		}
	}
}
