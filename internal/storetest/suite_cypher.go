package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
)

// CypherOpener opens a store holding exactly bundle b, and returns it with a function that gives
// kg.CypherRunners over the same database with a given Cypher timeout. The suite uses a short
// timeout for runaway statements, and a generous one for everything else so that a busy machine
// does not fail analysts' reads.
type CypherOpener func(t *testing.T, b *kg.Bundle) (kg.Store, func(timeout time.Duration) kg.CypherRunner)

// Cypher timeouts of the suite: RunawayTimeout stops runaway statements, ReadTimeout is for the
// rest.
const (
	RunawayTimeout = time.Second
	ReadTimeout    = time.Minute
)

// RunCypher runs the conformance suite of kg.CypherRunner: hostile statements are refused with
// their codes and change nothing, parameters are never spliced, runaway statements stop at the
// timeout, and analysts' reads return the right rows as JSON-ready values.
func RunCypher(t *testing.T, open CypherOpener) {
	t.Helper()
	t.Run("Hostile", func(t *testing.T) {
		s, runner := open(t, graphgen.Generate(2000))
		testCypherHostile(t, s, runner(ReadTimeout), runner(RunawayTimeout))
	})
	s, runner := open(t, Fixture())
	r := runner(ReadTimeout)
	before := CypherFingerprint(t, s, r)
	t.Run("Reads", func(t *testing.T) { testCypherReads(t, r, Fixture()) })
	t.Run("Values", func(t *testing.T) { testCypherValues(t, r) })
	t.Run("GraphValues", func(t *testing.T) { testCypherGraphValues(t, r, Fixture()) })
	t.Run("Limit", func(t *testing.T) { testCypherLimit(t, r, Fixture()) })
	t.Run("Parameters", func(t *testing.T) { testCypherParams(t, r) })
	t.Run("Errors", func(t *testing.T) { testCypherErrors(t, r) })
	if after := CypherFingerprint(t, s, r); after != before {
		t.Errorf("the graph changed during the read tests:\n%s", lineDiff(after, before))
	}
}

// cypherRun runs text with params and limit (0: the default) and fails the test on error.
func cypherRun(t *testing.T, r kg.CypherRunner, text string, params map[string]any, limit int) *kg.CypherResult {
	t.Helper()
	if limit == 0 {
		limit = kg.DefaultCypherLimit
	}
	res, err := r.Cypher(t.Context(), kg.CypherQuery{Text: text, Params: params, Limit: limit})
	if err != nil {
		t.Fatalf("Cypher(%q) error = %v", text, err)
	}
	return res
}

// CypherFingerprint returns a text that changes whenever the graph does: Dump of s, plus what the
// kg.Store API does not see, read through r: the counts of all nodes and relationships and the
// labels, relationship types and property keys in use.
func CypherFingerprint(t testing.TB, s kg.Store, r kg.CypherRunner) string {
	t.Helper()
	ctx := context.Background()
	dump, err := Dump(ctx, s)
	if err != nil {
		t.Fatalf("Dump: %v", err)
	}
	var b strings.Builder
	b.WriteString(dump)
	for _, q := range []string{
		"MATCH (n) RETURN count(n) AS nodes",
		"MATCH ()-[r]->() RETURN count(r) AS relationships",
		"MATCH (n) UNWIND labels(n) AS label RETURN label, count(*) AS n ORDER BY label",
		"MATCH ()-[r]->() RETURN type(r) AS type, count(*) AS n ORDER BY type",
		"CALL db.labels() YIELD label RETURN label ORDER BY label",
		"CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType ORDER BY relationshipType",
		"CALL db.propertyKeys() YIELD propertyKey RETURN propertyKey ORDER BY propertyKey",
	} {
		res, err := r.Cypher(ctx, kg.CypherQuery{Text: q, Limit: kg.MaxCypherLimit})
		if err != nil {
			t.Fatalf("fingerprint %q: %v", q, err)
		}
		fmt.Fprintf(&b, "\n%s: %v", q, res.Rows)
	}
	return b.String()
}

// HostileStatement is a statement an analyst must not be able to run, and the code it must get.
type HostileStatement struct {
	Name   string
	Text   string
	Params map[string]any
	Code   string
}

// HostileCypher are the statements every CypherRunner refuses: each write clause, schema and
// administration commands, LOAD CSV, procedure tricks, subquery writes, writes hidden after
// comments, several statements, and runaway reads that only the timeout stops.
var HostileCypher = []HostileStatement{
	{"CREATE", "CREATE (n:Pwned {name: 'x'}) RETURN n", nil, kg.CodeCypherNotReadOnly},
	{"MERGE", "MERGE (n:Person {id: 'person:mallory'}) RETURN n", nil, kg.CodeCypherNotReadOnly},
	{"SET property", "MATCH (n:Person) SET n.name = 'pwned'", nil, kg.CodeCypherNotReadOnly},
	{"SET label", "MATCH (n:Person) SET n:Pwned RETURN count(n)", nil, kg.CodeCypherNotReadOnly},
	{"SET from parameter", "MATCH (n:Person) SET n += $props", map[string]any{"props": map[string]any{"name": "pwned"}}, kg.CodeCypherNotReadOnly},
	{"DELETE relationships", "MATCH ()-[r]->() DELETE r", nil, kg.CodeCypherNotReadOnly},
	{"DETACH DELETE", "MATCH (n) DETACH DELETE n", nil, kg.CodeCypherNotReadOnly},
	{"REMOVE", "MATCH (n:Person) REMOVE n.name", nil, kg.CodeCypherNotReadOnly},
	{"FOREACH with SET", "MATCH (n:Person) WITH collect(n) AS ns FOREACH (n IN ns | SET n.pwned = true)", nil, kg.CodeCypherNotReadOnly},
	{"FOREACH with CREATE", "FOREACH (i IN range(1, 3) | CREATE (:Pwned {i: i}))", nil, kg.CodeCypherNotReadOnly},
	{"CALL subquery write", "CALL { CREATE (n:Pwned) RETURN n } RETURN n", nil, kg.CodeCypherNotReadOnly},
	{"scoped subquery write", "MATCH (n:Person) CALL (n) { SET n.pwned = true } RETURN count(*)", nil, kg.CodeCypherNotReadOnly},
	{"UNION with a write", "MATCH (n:Person) RETURN n.name AS x UNION CREATE (m:Pwned {name: 'x'}) RETURN m.name AS x", nil, kg.CodeCypherNotReadOnly},
	{"write after a line comment", "MATCH (n) WITH count(n) AS c // harmless\nCREATE (:Pwned)", nil, kg.CodeCypherNotReadOnly},
	{"write after a line comment ended by CR", "MATCH (n) WITH count(n) AS c // harmless\rCREATE (:Pwned)", nil, kg.CodeCypherNotReadOnly},
	{"write after a block comment", "MATCH (n) /* just reading */ DETACH DELETE n", nil, kg.CodeCypherNotReadOnly},
	{"write after a string", "MATCH (n) WHERE n.name = 'CREATE (x)' DETACH DELETE n", nil, kg.CodeCypherNotReadOnly},
	{"write glued to a number", "MATCH (n) WITH n LIMIT 1CREATE (:Pwned)", nil, kg.CodeCypherNotReadOnly},
	{"CREATE INDEX", "CREATE INDEX pwned FOR (n:Person) ON (n.pwned)", nil, kg.CodeCypherForbidden},
	{"CREATE CONSTRAINT", "CREATE CONSTRAINT pwned FOR (n:Pwned) REQUIRE n.id IS UNIQUE", nil, kg.CodeCypherForbidden},
	{"DROP INDEX", "DROP INDEX entity_name", nil, kg.CodeCypherForbidden},
	{"DROP CONSTRAINT", "DROP CONSTRAINT entity_id", nil, kg.CodeCypherForbidden},
	{"SHOW USERS", "SHOW USERS", nil, kg.CodeCypherForbidden},
	{"SHOW DATABASES", "SHOW DATABASES YIELD name RETURN name", nil, kg.CodeCypherForbidden},
	{"CREATE USER", "CREATE USER mallory SET PASSWORD 'secret-secret'", nil, kg.CodeCypherForbidden},
	{"GRANT", "GRANT ROLE admin TO mallory", nil, kg.CodeCypherForbidden},
	{"ALTER DATABASE", "ALTER DATABASE neo4j SET ACCESS READ ONLY", nil, kg.CodeCypherForbidden},
	{"STOP DATABASE", "STOP DATABASE neo4j", nil, kg.CodeCypherForbidden},
	{"TERMINATE", "TERMINATE TRANSACTIONS 'neo4j-transaction-1'", nil, kg.CodeCypherForbidden},
	{"USE system", "USE system SHOW USERS", nil, kg.CodeCypherForbidden},
	{"USE system with a read", "USE system CALL dbms.showCurrentUser()", nil, kg.CodeCypherForbidden},
	{"LOAD CSV", "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line", nil, kg.CodeCypherForbidden},
	{"LOAD CSV with a write", "LOAD CSV FROM 'file:///etc/passwd' AS line CREATE (:Pwned {line: line[0]})", nil, kg.CodeCypherForbidden},
	{"CALL IN TRANSACTIONS", "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10 ROWS", nil, kg.CodeCypherForbidden},
	{"CALL dbms", "CALL dbms.components()", nil, kg.CodeCypherForbidden},
	{"CALL dbms.setConfigValue", "CALL dbms.setConfigValue('db.transaction.timeout', '0')", nil, kg.CodeCypherForbidden},
	{"CALL db.createLabel", "CALL db.createLabel('Pwned')", nil, kg.CodeCypherForbidden},
	{"CALL db.createProperty", "CALL db.createProperty('pwned')", nil, kg.CodeCypherForbidden},
	{"CALL db.clearQueryCaches", "CALL db.clearQueryCaches()", nil, kg.CodeCypherForbidden},
	{"CALL apoc write", "CALL apoc.cypher.runWrite('CREATE (:Pwned)', {})", nil, kg.CodeCypherForbidden},
	{"CALL backquoted apoc", "CALL `apoc`.`periodic`.`iterate`('MATCH (n) RETURN n', 'DETACH DELETE n', {})", nil, kg.CodeCypherForbidden},
	{"procedure in a subquery", "MATCH (n) CALL (n) { CALL db.createLabel('Pwned') } RETURN n", nil, kg.CodeCypherForbidden},
	{"two statements", "MATCH (n) RETURN count(n); MATCH (n) DETACH DELETE n", nil, kg.CodeCypherForbidden},
	{"two statements after a comment", "RETURN 1 AS x; /* and then */ CREATE (:Pwned)", nil, kg.CodeCypherForbidden},
	{"unicode escape outside a string", `\u0043REATE (:Pwned)`, nil, kg.CodeCypherForbidden},
	{"EXPLAIN of a write", "EXPLAIN CREATE (:Pwned)", nil, kg.CodeCypherForbidden},
	{"PROFILE of a write", "PROFILE CREATE (:Pwned)", nil, kg.CodeCypherForbidden},
	{"cartesian product", "MATCH (a), (b), (c), (d), (e), (f) WHERE a.name <> f.name RETURN count(*)", nil, kg.CodeCypherTimeout},
	{"unbounded variable-length path", "MATCH p = ()-[*]-() RETURN count(p)", nil, kg.CodeCypherTimeout},
	// Not listed: MATCH (a:Person)-[*]-(b) RETURN count(DISTINCT b). Neo4j plans DISTINCT ends of
	// a variable-length pattern as a pruning breadth-first expand, so it finishes quickly on small
	// graphs and is no runaway to test with.
	{"endless UNWIND", "UNWIND range(1, 10000000000) AS i WITH i WHERE i < 0 RETURN i", nil, kg.CodeCypherTimeout},
}

func testCypherHostile(t *testing.T, s kg.Store, r, short kg.CypherRunner) {
	before := CypherFingerprint(t, s, r)
	for _, h := range HostileCypher {
		t.Run(h.Name, func(t *testing.T) {
			res, err := short.Cypher(t.Context(), kg.CypherQuery{Text: h.Text, Params: h.Params, Limit: kg.DefaultCypherLimit})
			if err == nil {
				t.Fatalf("Cypher(%q) = %d rows, want error %s", h.Text, len(res.Rows), h.Code)
			}
			if got := kg.ErrorCode(err); got != h.Code {
				t.Errorf("Cypher(%q) error = %v (%s), want %s", h.Text, err, got, h.Code)
			}
			var kerr *kg.Error
			if errors.As(err, &kerr) && (strings.Contains(kerr.Message, "Neo.") || strings.Contains(kerr.Message, "\n")) {
				t.Errorf("Cypher(%q) message %q leaks driver detail", h.Text, kerr.Message)
			}
		})
	}
	if after := CypherFingerprint(t, s, r); after != before {
		t.Errorf("the graph changed under hostile statements:\n%s", lineDiff(after, before))
	}
	// A statement only the count store answers is not runaway: n^4 of four unconnected nodes.
	res := cypherRun(t, r, "MATCH (a), (b), (c), (d) RETURN count(*) AS n", nil, 0)
	nodes := cypherRun(t, r, "MATCH (n) RETURN count(n) AS n", nil, 0).Rows[0][0].(int64)
	if got := res.Rows[0][0]; got != nodes*nodes*nodes*nodes {
		t.Errorf("count of (a),(b),(c),(d) = %v, want %d", got, nodes*nodes*nodes*nodes)
	}
}

// testCypherReads runs analysts' queries (joins, aggregations, paths, procedures) and compares
// their rows with what bundle fx says.
func testCypherReads(t *testing.T, r kg.CypherRunner, fx *kg.Bundle) {
	t.Run("count", func(t *testing.T) {
		want := int64(0)
		for _, e := range fx.Entities {
			if e.Kind == kg.KindPerson {
				want++
			}
		}
		res := cypherRun(t, r, "MATCH (p:Person) RETURN count(p) AS people", nil, 0)
		if !slices.Equal(res.Columns, []string{"people"}) || len(res.Rows) != 1 || res.Rows[0][0] != want {
			t.Errorf("count of people = %v %v, want [people] [[%d]]", res.Columns, res.Rows, want)
		}
	})
	t.Run("join", func(t *testing.T) {
		var want []string
		for _, rel := range fx.Relations {
			if rel.Type == kg.RelAttended && rel.Prop("role") == "LEAD" {
				want = append(want, fmt.Sprintf("%s %s %s", rel.From, rel.To, rel.Prop("delegation")))
			}
		}
		sort.Strings(want)
		res := cypherRun(t, r, `
			MATCH (p:Person)-[a:ATTENDED]->(m:Meeting)
			WHERE a.role = 'LEAD'
			RETURN p.id AS person, m.id AS meeting, a.delegation AS delegation
			ORDER BY person, meeting`, nil, 0)
		got := rowStrings(res)
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("delegation leads = %q, want %q", got, want)
		}
	})
	t.Run("aggregation", func(t *testing.T) {
		counts := map[string]int{}
		for _, rel := range fx.Relations {
			if rel.Type == kg.RelAttended {
				counts[rel.To]++
			}
		}
		var want []string
		for m, n := range counts {
			want = append(want, fmt.Sprintf("%s %d", m, n))
		}
		sort.Strings(want)
		res := cypherRun(t, r, `
			MATCH (p:Person)-[:ATTENDED]->(m:Meeting)
			RETURN m.id AS meeting, count(p) AS attendees
			ORDER BY meeting`, nil, 0)
		if got := rowStrings(res); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("attendees per meeting = %q, want %q", got, want)
		}
	})
	t.Run("shortestPath", func(t *testing.T) {
		// Two people linked only through a meeting they both attended.
		from, to := attendedTogether(t, fx)
		res := cypherRun(t, r, `
			MATCH p = shortestPath((a:Entity {id: $from})-[*..6]-(b:Entity {id: $to}))
			RETURN p, length(p) AS hops`, map[string]any{"from": from, "to": to}, 0)
		if len(res.Rows) != 1 {
			t.Fatalf("shortestPath rows = %v, want 1", res.Rows)
		}
		p, ok := res.Rows[0][0].(*kg.CypherPath)
		if !ok {
			t.Fatalf("path value = %T, want *kg.CypherPath", res.Rows[0][0])
		}
		hops := res.Rows[0][1].(int64)
		if hops != 2 || len(p.Relations) != 2 || len(p.Nodes) != 3 {
			t.Fatalf("shortestPath %s -> %s: %d hops, %d relations, %d nodes, want 2, 2, 3", from, to, hops, len(p.Relations), len(p.Nodes))
		}
		if first, last := p.Nodes[0].(*kg.Entity), p.Nodes[2].(*kg.Entity); first.ID != from || last.ID != to {
			t.Errorf("path ends = %s, %s, want %s, %s", first.ID, last.ID, from, to)
		}
		for _, rel := range p.Relations {
			if !hasRelation(fx, rel.Type, rel.From, rel.To) {
				t.Errorf("path relation %s %s -> %s is not in the graph", rel.Type, rel.From, rel.To)
			}
		}
	})
	t.Run("procedures", func(t *testing.T) {
		res := cypherRun(t, r, "CALL db.labels() YIELD label RETURN label ORDER BY label", nil, 0)
		got := rowStrings(res)
		for _, k := range []kg.Kind{kg.KindPerson, kg.KindMeeting} {
			if !slices.Contains(got, k.Label()) {
				t.Errorf("db.labels() = %q, want %s among them", got, k.Label())
			}
		}
		res = cypherRun(t, r, "CALL db.relationshipTypes()", nil, 0)
		if !slices.Equal(res.Columns, []string{"relationshipType"}) || !slices.Contains(rowStrings(res), kg.RelAttended) {
			t.Errorf("db.relationshipTypes() = %v %v, want a relationshipType column with %s", res.Columns, res.Rows, kg.RelAttended)
		}
		res = cypherRun(t, r, "CALL db.schema.visualization() YIELD nodes UNWIND nodes AS n RETURN n", nil, 0)
		var labels []string
		for _, row := range res.Rows {
			n, ok := row[0].(*kg.CypherNode)
			if !ok {
				t.Fatalf("db.schema.visualization() node = %T, want *kg.CypherNode", row[0])
			}
			labels = append(labels, n.Labels...)
		}
		if !slices.Contains(labels, kg.KindPerson.Label()) {
			t.Errorf("db.schema.visualization() labels = %q, want %s among them", labels, kg.KindPerson.Label())
		}
	})
	t.Run("looks hostile, only reads", func(t *testing.T) {
		res := cypherRun(t, r, "RETURN 'x; DETACH DELETE n' AS s, size('CREATE') AS n // ; CREATE (:Pwned)", nil, 0)
		if res.Rows[0][0] != "x; DETACH DELETE n" || res.Rows[0][1] != int64(6) {
			t.Errorf("row = %v, want the string and 6", res.Rows[0])
		}
		res = cypherRun(t, r, "MATCH (n) RETURN n.`set` AS `create`, {delete: 1} AS m LIMIT 1", nil, 0)
		if !slices.Equal(res.Columns, []string{"create", "m"}) {
			t.Errorf("columns = %q, want [create m]", res.Columns)
		}
	})
}

// testCypherValues checks how scalar, spatial and container values come back, and that temporal
// values come back as the ISO 8601 text Neo4j's own toString() writes.
func testCypherValues(t *testing.T, r kg.CypherRunner) {
	res := cypherRun(t, r, `
		RETURN 9007199254740993 AS big, -9223372036854775808 AS min, 1.5 AS f, 'é' AS s, true AS b,
		       null AS nothing, [1, 'a', [2.5]] AS list, {k: 1, n: {m: 'x'}} AS map,
		       point({x: 1.5, y: 2.0}) AS point, $bytes AS bytes`,
		map[string]any{"bytes": []byte{0, 1, 2, 255}}, 0)
	want := map[string]any{
		"big": int64(9007199254740993), "min": int64(math.MinInt64), "f": 1.5, "s": "é", "b": true, "nothing": nil,
		"list": []any{int64(1), "a", []any{2.5}}, "map": map[string]any{"k": int64(1), "n": map[string]any{"m": "x"}},
		"point": map[string]any{"srid": int64(7203), "x": 1.5, "y": 2.0}, "bytes": "AAEC/w==",
	}
	if len(res.Rows) != 1 || len(res.Columns) != len(want) {
		t.Fatalf("got %d rows of %d columns, want 1 of %d", len(res.Rows), len(res.Columns), len(want))
	}
	for i, c := range res.Columns {
		if g, w := fmt.Sprintf("%#v", res.Rows[0][i]), fmt.Sprintf("%#v", want[c]); g != w {
			t.Errorf("%s = %s, want %s", c, g, w)
		}
	}

	res = cypherRun(t, r, `
		UNWIND [
		  date('2022-12-01'), date('0033-04-03'),
		  datetime('2022-12-01T10:15:30.5Z'), datetime('2022-12-01T10:15:30.123456789-06:00'),
		  localdatetime('2022-12-01T10:15:30'), localtime('10:15:30'), localtime('23:59:59.000000001'),
		  time('10:15:30+01:00'), time('10:15:30Z'),
		  duration('P1DT2H'), duration('P1Y2M3DT4H5M6.5S'), duration('PT0S'), duration({seconds: -0.5}),
		  duration({months: 14, days: -2}), duration('PT49H')
		] AS v
		RETURN v, toString(v) AS iso`, nil, 0)
	if len(res.Rows) != 15 {
		t.Fatalf("got %d temporal rows, want 15", len(res.Rows))
	}
	for _, row := range res.Rows {
		if row[0] != row[1] {
			t.Errorf("temporal value = %#v, want Neo4j's %q", row[0], row[1])
		}
	}
}

// testCypherGraphValues checks that nodes, relationships and paths come back in the API's shapes,
// with relationship ends named even when the statement did not return the end nodes.
func testCypherGraphValues(t *testing.T, r kg.CypherRunner, fx *kg.Bundle) {
	var person *kg.Entity
	for i := range fx.Entities {
		if fx.Entities[i].Kind == kg.KindPerson && len(fx.Entities[i].Citations) > 0 {
			person = &fx.Entities[i]
			break
		}
	}
	res := cypherRun(t, r, "MATCH (p:Entity {id: $id}) RETURN p", map[string]any{"id": person.ID}, 0)
	got, ok := res.Rows[0][0].(*kg.Entity)
	if !ok {
		t.Fatalf("entity node = %T, want *kg.Entity", res.Rows[0][0])
	}
	if g, w := canonEntityJSON(got), canonEntityJSON(person); g != w {
		t.Errorf("entity node = %s, want %s", g, w)
	}

	src := &fx.Sources[0]
	res = cypherRun(t, r, "MATCH (s:Source {id: $id}) RETURN s", map[string]any{"id": src.ID}, 0)
	if gs, ok := res.Rows[0][0].(*kg.Source); !ok || canonSourceJSON(gs) != canonSourceJSON(src) {
		t.Errorf("source node = %#v, want %s", res.Rows[0][0], canonSourceJSON(src))
	}

	var want []string
	for i := range fx.Relations {
		if fx.Relations[i].From == person.ID {
			want = append(want, canonRelationJSON(&fx.Relations[i]))
		}
	}
	sort.Strings(want)
	res = cypherRun(t, r, "MATCH (:Entity {id: $id})-[r]->() RETURN r", map[string]any{"id": person.ID}, 0)
	var gotRels []string
	for _, row := range res.Rows {
		rel, ok := row[0].(*kg.Relation)
		if !ok {
			t.Fatalf("relationship = %T, want *kg.Relation", row[0])
		}
		gotRels = append(gotRels, canonRelationJSON(rel))
	}
	sort.Strings(gotRels)
	if !slices.Equal(gotRels, want) || len(want) == 0 {
		t.Errorf("relationships of %s =\n%s\nwant\n%s", person.ID, strings.Join(gotRels, "\n"), strings.Join(want, "\n"))
	}
}

// testCypherLimit checks the row limit, truncation, and that reading stops early: an endless
// result comes back truncated within the timeout.
func testCypherLimit(t *testing.T, r kg.CypherRunner, fx *kg.Bundle) {
	people := 0
	for _, e := range fx.Entities {
		if e.Kind == kg.KindPerson {
			people++
		}
	}
	const q = "MATCH (p:Person) RETURN p.id AS id ORDER BY id"
	for _, tc := range []struct {
		limit     int
		rows      int
		truncated bool
	}{
		{people, people, false},
		{people + 1, people, false},
		{people - 1, people - 1, true},
		{1, 1, true},
	} {
		res := cypherRun(t, r, q, nil, tc.limit)
		if len(res.Rows) != tc.rows || res.Truncated != tc.truncated {
			t.Errorf("limit %d: %d rows, truncated %v; want %d, %v", tc.limit, len(res.Rows), res.Truncated, tc.rows, tc.truncated)
		}
	}
	start := time.Now()
	res := cypherRun(t, r, "UNWIND range(1, 100000000000) AS i RETURN i", nil, 10)
	if len(res.Rows) != 10 || !res.Truncated || res.Rows[9][0] != int64(10) {
		t.Errorf("endless UNWIND with limit 10 = %v, truncated %v; want 1..10, truncated", res.Rows, res.Truncated)
	}
	if res.Elapsed <= 0 || res.Elapsed > time.Since(start) {
		t.Errorf("Elapsed = %s, want a positive duration no longer than the call", res.Elapsed)
	}
	res = cypherRun(t, r, "UNWIND range(1, $n) AS i RETURN i", map[string]any{"n": kg.MaxCypherLimit + 1}, kg.MaxCypherLimit)
	if len(res.Rows) != kg.MaxCypherLimit || !res.Truncated {
		t.Errorf("limit %d of %d rows: %d rows, truncated %v", kg.MaxCypherLimit, kg.MaxCypherLimit+1, len(res.Rows), res.Truncated)
	}
	for _, limit := range []int{0, -1, kg.MaxCypherLimit + 1} {
		_, err := r.Cypher(t.Context(), kg.CypherQuery{Text: q, Limit: limit})
		if kg.ErrorCode(err) != kg.CodeBadUserInput {
			t.Errorf("limit %d: error = %v, want %s", limit, err, kg.CodeBadUserInput)
		}
	}
}

// testCypherParams checks that parameter values are data, never Cypher: values that would change
// the statement if spliced into it come back unchanged and match nothing.
func testCypherParams(t *testing.T, r kg.CypherRunner) {
	for _, v := range []string{
		"x' OR 1=1 //",
		`x" OR true //`,
		"x'}) MATCH (m) DETACH DELETE m //",
		"`}) DETACH DELETE n WITH 1 AS x MATCH (n) RETURN n //",
		"x; CREATE (:Pwned)",
		"$name",
	} {
		res := cypherRun(t, r, "MATCH (n:Entity) WHERE n.name = $name WITH count(n) AS n RETURN n, $name AS name",
			map[string]any{"name": v}, 0)
		if res.Rows[0][0] != int64(0) || res.Rows[0][1] != v {
			t.Errorf("parameter %q: row %v, want [0 %q]", v, res.Rows[0], v)
		}
	}
	res := cypherRun(t, r, "RETURN $n + 1 AS n, $f AS f, $list AS list, $map.k AS k",
		map[string]any{"n": 9007199254740992, "f": 0.25, "list": []any{1, "a"}, "map": map[string]any{"k": nil}}, 0)
	if fmt.Sprint(res.Rows[0]) != "[9007199254740993 0.25 [1 a] <nil>]" {
		t.Errorf("parameters came back as %v", res.Rows[0])
	}
	if _, err := kg.CypherParams([]any{1}); kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("CypherParams(a list) error = %v, want %s", err, kg.CodeBadUserInput)
	}
}

// testCypherErrors checks syntax errors (with position), semantic and runtime errors.
func testCypherErrors(t *testing.T, r kg.CypherRunner) {
	for _, tc := range []struct {
		text         string
		code         string
		line, column int // 0: not checked
	}{
		{"MATCH (p:Person)\nRETURN p.name AS name,, p.id", kg.CodeCypherSyntax, 2, 23},
		{"MATCH (p:Person RETURN p", kg.CodeCypherSyntax, 1, 17},
		{"MATCH (p:Person)\n  RETURN q", kg.CodeCypherSyntax, 2, 10},
		{"RETURN 'unterminated", kg.CodeCypherSyntax, 1, 8},
		{"RETURN 1 / 0 AS x", kg.CodeBadUserInput, 0, 0},
		{"RETURN $missing AS x", kg.CodeBadUserInput, 0, 0},
		{"   ", kg.CodeBadUserInput, 0, 0},
	} {
		_, err := r.Cypher(t.Context(), kg.CypherQuery{Text: tc.text, Limit: 10})
		var kerr *kg.Error
		if !errors.As(err, &kerr) || kerr.Code != tc.code {
			t.Errorf("Cypher(%q) error = %v, want %s", tc.text, err, tc.code)
			continue
		}
		if strings.Contains(kerr.Message, "EXPLAIN") || strings.Contains(kerr.Message, "\n") || strings.Contains(kerr.Message, "Neo.") {
			t.Errorf("Cypher(%q) message %q shows more than the explanation", tc.text, kerr.Message)
		}
		if tc.line > 0 && (kerr.Details["line"] != tc.line || kerr.Details["column"] != tc.column) {
			t.Errorf("Cypher(%q) position = %v, want line %d, column %d", tc.text, kerr.Details, tc.line, tc.column)
		}
	}
}

// rowStrings joins each row's cells with spaces.
func rowStrings(res *kg.CypherResult) []string {
	out := make([]string, len(res.Rows))
	for i, row := range res.Rows {
		cells := make([]string, len(row))
		for j, c := range row {
			cells[j] = fmt.Sprint(c)
		}
		out[i] = strings.Join(cells, " ")
	}
	return out
}

// attendedTogether returns two people of fx who attended one meeting and are not related
// directly, so their shortest path has two hops.
func attendedTogether(t *testing.T, fx *kg.Bundle) (string, string) {
	byMeeting := map[string][]string{}
	for _, rel := range fx.Relations {
		if rel.Type == kg.RelAttended {
			byMeeting[rel.To] = append(byMeeting[rel.To], rel.From)
		}
	}
	meetings := make([]string, 0, len(byMeeting))
	for m := range byMeeting {
		meetings = append(meetings, m)
	}
	sort.Strings(meetings)
	for _, m := range meetings {
		ps := byMeeting[m]
		sort.Strings(ps)
		for i := range ps {
			for j := i + 1; j < len(ps); j++ {
				if !hasRelation(fx, "", ps[i], ps[j]) && !hasRelation(fx, "", ps[j], ps[i]) {
					return ps[i], ps[j]
				}
			}
		}
	}
	t.Fatal("the bundle has no two people who attended one meeting")
	return "", ""
}

// hasRelation reports whether fx has a relation of type typ ("" for any) from -> to.
func hasRelation(fx *kg.Bundle, typ, from, to string) bool {
	return slices.ContainsFunc(fx.Relations, func(r kg.Relation) bool {
		return (typ == "" || r.Type == typ) && r.From == from && r.To == to
	})
}
