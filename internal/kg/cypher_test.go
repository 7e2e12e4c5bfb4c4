package kg_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// runnerStore is a Store that also runs Cypher; plainStore does not; wrapper wraps either.
type (
	plainStore  struct{ kg.Store }
	runnerStore struct{ kg.Store }
	wrapper     struct{ kg.Store }
)

func (runnerStore) Cypher(context.Context, kg.CypherQuery) (*kg.CypherResult, error) { return nil, nil }
func (w wrapper) Unwrap() kg.Store                                                   { return w.Store }

func TestCypherRunnerOf(t *testing.T) {
	for _, tc := range []struct {
		name  string
		store kg.Store
		want  bool
	}{
		{"a runner", runnerStore{}, true},
		{"a runner behind two wrappers", wrapper{wrapper{runnerStore{}}}, true},
		{"a store without Cypher", plainStore{}, false},
		{"a store without Cypher behind a wrapper", wrapper{plainStore{}}, false},
		{"nil", nil, false},
	} {
		if _, got := kg.CypherRunnerOf(tc.store); got != tc.want {
			t.Errorf("CypherRunnerOf(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestCypherQueryCheck(t *testing.T) {
	for _, tc := range []struct {
		q    kg.CypherQuery
		code string
	}{
		{kg.CypherQuery{Text: "RETURN 1", Limit: 1}, ""},
		{kg.CypherQuery{Text: "RETURN 1", Limit: kg.MaxCypherLimit}, ""},
		{kg.CypherQuery{Text: "RETURN 1", Limit: 0}, kg.CodeBadUserInput},
		{kg.CypherQuery{Text: "RETURN 1", Limit: kg.MaxCypherLimit + 1}, kg.CodeBadUserInput},
		{kg.CypherQuery{Text: " \n ", Limit: 1}, kg.CodeBadUserInput},
	} {
		_, err := tc.q.Check()
		if got := codeOf(err); got != tc.code {
			t.Errorf("%+v.Check() = %v, want %q", tc.q, err, tc.code)
		}
	}
	q, err := kg.CypherQuery{Text: "RETURN $p", Limit: 1, Params: map[string]any{
		"int": json.Number("9007199254740993"), "float": json.Number("1.5"), "go": 7,
		"list": []any{json.Number("1"), nil}, "map": map[string]any{}, "null": nil,
	}}.Check()
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprintf("%#v", q.Params); got != `map[string]interface {}{"float":1.5, "go":7, "int":9007199254740993, "list":[]interface {}{1, interface {}(nil)}, "map":map[string]interface {}{}, "null":interface {}(nil)}` {
		t.Errorf("Check() params = %s", got)
	}
	for k, v := range map[string]any{"int": int64(0), "go": int64(0), "float": 0.0} {
		if fmt.Sprintf("%T", q.Params[k]) != fmt.Sprintf("%T", v) {
			t.Errorf("param %s is %T, want %T", k, q.Params[k], v)
		}
	}
}

func TestCypherParams(t *testing.T) {
	for _, v := range []any{[]any{1}, "x", json.Number("1")} {
		if _, err := kg.CypherParams(v); codeOf(err) != kg.CodeBadUserInput {
			t.Errorf("CypherParams(%#v) = %v, want %s", v, err, kg.CodeBadUserInput)
		}
	}
	if p, err := kg.CypherParams(nil); p != nil || err != nil {
		t.Errorf("CypherParams(nil) = %v, %v; want nil, nil", p, err)
	}
}

func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return kg.ErrorCode(err)
}
