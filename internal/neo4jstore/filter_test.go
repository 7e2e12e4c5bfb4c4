package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestCompileFilter pins the Cypher that filters compile to: values only as parameters, every
// leaf null-safe, relation conditions as existential subqueries.
func TestCompileFilter(t *testing.T) {
	tests := []struct {
		name   string
		filter *kg.Filter
		want   string
		params map[string]any
	}{
		{"nil", nil, "true", map[string]any{}},
		{"zero", &kg.Filter{}, "true", map[string]any{}},
		{"eq", &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: kg.OpEq, Value: "Mexico"}}},
			"coalesce(n.`name` = $p0, false)", map[string]any{"p0": "Mexico"}},
		{"in and int normalization", &kg.Filter{Conds: []kg.Cond{{Field: "ordinal", Op: kg.OpIn, Value: []any{13, 14.0}}}},
			"coalesce(n.`ordinal` IN $p0, false)", map[string]any{"p0": []any{int64(13), int64(14)}}},
		{"includes", &kg.Filter{Conds: []kg.Cond{{Field: "aliases", Op: kg.OpIncludes, Value: "USA"}}},
			"(CASE WHEN n.`aliases` IS :: LIST<ANY> NOT NULL THEN coalesce($p0 IN n.`aliases`, false) ELSE false END)",
			map[string]any{"p0": "USA"}},
		{"exists false", &kg.Filter{Conds: []kg.Cond{{Field: "date", Op: kg.OpExists, Value: false}}},
			"(n.`date` IS NULL)", map[string]any{}},
		{"internal field is missing", &kg.Filter{Conds: []kg.Cond{{Field: "searchText", Op: kg.OpContains, Value: "x"}}},
			"coalesce(null CONTAINS $p0, false)", map[string]any{"p0": "x"}},
		{"and or not", &kg.Filter{
			Conds: []kg.Cond{{Field: "date", Op: kg.OpGte, Value: "2022"}},
			Or: []*kg.Filter{
				{Conds: []kg.Cond{{Field: "ordinal", Op: kg.OpLt, Value: 14}}},
				{Not: &kg.Filter{Conds: []kg.Cond{{Field: "name", Op: kg.OpStartsWith, Value: "21"}}}},
			},
		}, "(coalesce(n.`date` >= $p0, false) AND (coalesce(n.`ordinal` < $p1, false) OR NOT coalesce(n.`name` STARTS WITH $p2, false)))",
			map[string]any{"p0": "2022", "p1": int64(14), "p2": "21"}},
		{"nested relation conditions", &kg.Filter{Rels: []kg.RelCond{{
			Types: []string{kg.RelHoldsPosition, kg.RelAttended}, Direction: kg.Out, Quantifier: kg.All,
			Where: &kg.Filter{Rels: []kg.RelCond{{Types: []string{kg.RelBelongsTo}, Direction: kg.Out, Quantifier: kg.None}}},
		}}}, "NOT EXISTS { MATCH (n)-[:ATTENDED|HOLDS_POSITION]->(m1) WHERE NOT NOT EXISTS { MATCH (m1)-[:BELONGS_TO]->(m2) } }",
			map[string]any{}},
		{"some without where, any type, in", &kg.Filter{Rels: []kg.RelCond{{Direction: kg.In, Quantifier: kg.Some}}},
			"EXISTS { MATCH (n)<-[]-(m1) }", map[string]any{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newCompiler()
			got, err := c.where("n", tc.filter)
			if err != nil {
				t.Fatalf("where(%s) error = %v", tc.name, err)
			}
			if got != tc.want {
				t.Errorf("where(%s) =\n  %s\nwant\n  %s", tc.name, got, tc.want)
			}
			if g, w := sprint(c.params), sprint(tc.params); g != w {
				t.Errorf("where(%s) params = %s, want %s", tc.name, g, w)
			}
		})
	}
}

func TestCompileFilterDepth(t *testing.T) {
	f := &kg.Filter{}
	for range maxFilterDepth + 2 {
		f = &kg.Filter{Not: f}
	}
	if _, err := newCompiler().where("n", f); kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("where(deep filter) error = %v, want %s", err, kg.CodeBadUserInput)
	}
}

func TestOrderBy(t *testing.T) {
	got, err := newCompiler().orderBy("n", []kg.SortField{{Field: "date", Desc: true}, {Field: "nameFolded"}, {Field: "name"}})
	if want := "n.`date` DESC, n.`name`, n.id"; err != nil || got != want {
		t.Errorf("orderBy = %q, %v; want %q", got, err, want)
	}
}

func TestSearchText(t *testing.T) {
	e := &kg.Entity{Name: "Secretaría de Relaciones Exteriores", Aliases: []string{"SRE's office", "Nuñez-Neto"},
		Properties: map[string]any{kg.PropAcronym: "S.R.E."}}
	want := "secretaria de relaciones exteriores\nsre s office\nnunez neto\ns r e\n_____04"
	if got := searchPropsOf(e, nil).text; got != want {
		t.Errorf("searchText = %q, want %q", got, want)
	}
	// The titles of positions come after the entity's own keys, before the band.
	want = "secretaria de relaciones exteriores\nsre s office\nnunez neto\ns r e\nu s ambassador to mexico\n_____04"
	if got := searchPropsOf(e, []string{"U.S. Ambassador to Mexico"}).text; got != want {
		t.Errorf("searchText with a title = %q, want %q", got, want)
	}
}

// TestSearchOrder checks that the searchOrder property sorts entities as kg ranks equal hits: fewer name
// tokens first, then by kg.SearchTieKey, and that a name of more than kg.MaxRankedNameTokens
// tokens sorts as one of that many.
func TestSearchOrder(t *testing.T) {
	long := strings.Repeat("word ", kg.MaxRankedNameTokens+5)
	es := []*kg.Entity{
		{ID: "topic:a", Name: "Trade Agenda"}, {ID: "topic:b", Name: "Trade"}, {ID: "topic:c", Name: "Zeta"},
		{ID: "topic:d", Name: long}, {ID: "topic:e", Name: "Agenda of Trade"},
	}
	for _, e := range es {
		want := fmt.Sprintf("%02d", min(len(kg.SearchTokens(e.Name)), kg.MaxRankedNameTokens)) + kg.SearchTieKey(e.ID)
		if got := searchPropsOf(e, nil).order; got != want {
			t.Errorf("searchOrder(%q) = %q, want %q", e.Name, got, want)
		}
	}
	order := func(e *kg.Entity) string { return searchPropsOf(e, nil).order }
	if got := order(es[3])[:2]; got != "63" {
		t.Errorf("searchOrder of a %d-token name starts %q, want 63", kg.MaxRankedNameTokens+5, got)
	}
	if !(order(es[1]) < order(es[0]) && order(es[2]) < order(es[0]) && order(es[0]) < order(es[4])) {
		t.Errorf("searchOrder does not put one-token names before two-token before three-token ones")
	}
}

func TestMapError(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"tx timeout", &neo4j.Neo4jError{Code: codeTxTimedOutClientCfg, Msg: "timed out"}, kg.CodeTimeout},
		{"connectivity", &neo4j.ConnectivityError{Inner: errors.New("dial tcp: refused")}, kg.CodeServiceUnavailable},
		{"retries exhausted", &neo4j.TransactionExecutionLimit{Cause: "timeout",
			Errors: []error{&neo4j.ConnectivityError{Inner: errors.New("refused")}}}, kg.CodeServiceUnavailable},
		{"no database", &neo4j.Neo4jError{Code: codeDatabaseNotFound}, kg.CodeServiceUnavailable},
		{"transient", &neo4j.Neo4jError{Code: "Neo.TransientError.General.DatabaseUnavailable"}, kg.CodeServiceUnavailable},
		{"syntax", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.SyntaxError", Msg: "secret detail"}, kg.CodeInternal},
		{"deadline", context.DeadlineExceeded, kg.CodeTimeout},
		{"constraint", &neo4j.Neo4jError{Code: codeConstraintViolated, Msg: "Node(1) already exists"}, kg.CodeConflict},
		{"transaction memory", &neo4j.TransactionExecutionLimit{Cause: "timeout",
			Errors: []error{&neo4j.Neo4jError{Code: codeTxMemoryExhausted, Msg: "limit 1.4 GiB"}}}, kg.CodeServiceUnavailable},
	}
	for _, tc := range tests {
		err := mapError(ctx, "test", tc.err)
		if got := kg.ErrorCode(err); got != tc.want {
			t.Errorf("mapError(%s) code = %s, want %s", tc.name, got, tc.want)
		}
		if msg := kg.ErrorMessage(err); strings.Contains(msg, "Neo4jError") || strings.Contains(msg, "secret") || strings.Contains(msg, "refused") {
			t.Errorf("mapError(%s) message %q leaks driver text", tc.name, msg)
		}
		if !errors.Is(err, tc.err) {
			t.Errorf("mapError(%s) lost the cause", tc.name)
		}
	}
	if msg := kg.ErrorMessage(mapError(ctx, "import", &neo4j.Neo4jError{Code: codeTxMemoryExhausted})); !strings.Contains(msg, "transaction memory") {
		t.Errorf("mapError(transaction memory) message %q does not say what ran out", msg)
	}
}

// sprint prints params with their types, so that an int and an int64 differ.
func sprint(m map[string]any) string {
	var b strings.Builder
	for _, k := range sortedKeys(m) {
		fmt.Fprintf(&b, "%s=%T:%v;", k, m[k], m[k])
		if l, ok := m[k].([]any); ok {
			for _, x := range l {
				fmt.Fprintf(&b, "%T,", x)
			}
		}
	}
	return b.String()
}
