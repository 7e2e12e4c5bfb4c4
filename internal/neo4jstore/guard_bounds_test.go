package neo4jstore

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestCheckBounds runs the bounds check through checkStatement, without Neo4j: loops inside one
// row that nothing could stop are CodeCypherUnbounded; bounded ones, and every row-by-row form,
// pass.
func TestCheckBounds(t *testing.T) {
	const (
		ok        = ""
		unbounded = kg.CodeCypherUnbounded
	)
	tests := []struct {
		text string
		want string
	}{
		// The statement of issue 17 and its kin.
		{"RETURN size(reduce(s = [], x IN range(1, 50000000) | s + x))", unbounded},
		{"RETURN REDUCE(s = '', x IN [1, 2] | s + x)", unbounded},
		{"MATCH (n) RETURN reduce (t = 0, x IN n.aliases | t + 1)", unbounded},
		{"RETURN any(x IN range(1, 10000000000) WHERE x < 0)", unbounded},
		{"RETURN size([x IN range(1, 100000001) | [x]])", unbounded},
		{"RETURN range(1, 1000000000) AS l", unbounded},
		{"RETURN range(0, 0x7fffffffffffffff) AS l", unbounded},
		{"RETURN range(1, 200001, 2) AS l", unbounded},
		{"WITH $n AS n RETURN range(1, n) AS l", unbounded},
		{"RETURN range(1, $n) AS l", unbounded},
		{"RETURN range(1, 10 * 1000000) AS l", unbounded},
		{"RETURN [x IN [1, 2] | [y IN [3, 4] | x * y]] AS m", unbounded},
		{"MATCH (n) WITH collect(n) AS ns RETURN size([a IN ns WHERE any(b IN ns WHERE b = a)])", unbounded},
		{"RETURN [x IN range(1, 10) | range(1, 10)] AS m", unbounded},
		{"RETURN all(x IN [1] WHERE none(y IN [2] WHERE x = y))", unbounded},
		{"RETURN range(1, 60000) AS a, range(1, 60000) AS b", unbounded},

		// Bounded, or stopped row by row.
		{"RETURN range(1, 100000) AS l", ok},
		{"RETURN range(10, 1, -1) AS l, range(1, 10, -1) AS none", ok},
		{"RETURN range(1, 1_000, 10) AS l, range(-5, 5) AS m", ok},
		{"RETURN [x IN range(1, 10) WHERE x % 2 = 0 | x * x] AS squares", ok},
		{"UNWIND range(1, 10000000000) AS i WITH i WHERE i < 0 RETURN i", ok},
		{"unwind RANGE(1, $n) AS i RETURN count(i)", ok},
		{"MATCH p = (a)-[*..4]-(b) RETURN [r IN relationships(p) | type(r)] AS types, [n IN nodes(p) | n.id] AS ids", ok},
		{"MATCH (n) WHERE any(a IN n.aliases WHERE a STARTS WITH 'A') RETURN n", ok},
		{"MATCH (n) WHERE n.kind IN ['PERSON'] RETURN [x IN [1, 2, 3] | x] AS l", ok},
		{"MATCH (a) RETURN a.range, a.reduce, {range: 1, reduce: 2} AS m, `reduce` AS r", ok},
		{"MATCH (n) RETURN count(n) AS all UNION ALL MATCH (m) RETURN count(m) AS all", ok},
		{"RETURN 'reduce(s = [], x IN range(1, 50000000) | s + x)' AS text", ok},
	}
	for _, tc := range tests {
		err := checkStatement(tc.text)
		got := ""
		if err != nil {
			got = kg.ErrorCode(err)
		}
		if got != tc.want {
			t.Errorf("checkStatement(%q) = %v (%s), want %q", tc.text, err, got, tc.want)
		}
	}
}
