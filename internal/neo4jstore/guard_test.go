package neo4jstore

import (
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestCheckStatement runs the lexical layer alone, without Neo4j: what it lets through and what
// it refuses, with which code.
func TestCheckStatement(t *testing.T) {
	const (
		ok        = ""
		forbidden = kg.CodeCypherForbidden
		write     = kg.CodeCypherNotReadOnly
		syntax    = kg.CodeCypherSyntax
	)
	tests := []struct {
		text string
		want string
	}{
		// Plain reads, and keywords where they are names, strings or comments.
		{"MATCH (p:Person) RETURN p.name", ok},
		{"MATCH (p:Person)-[a:ATTENDED]->(m:Meeting) WHERE a.role = 'LEAD' RETURN p, a, m", ok},
		{"MATCH (n) RETURN n.create, n.delete, n.set AS `set`", ok},
		{"MATCH (n:Show:Set) RETURN {create: 1, delete: 2, show: 3} AS m", ok},
		{"MATCH (n)-[:DELETE|`CREATE`]->() RETURN count(*)", ok},
		{"RETURN 'CREATE (n); DETACH DELETE n' AS s", ok},
		{`RETURN "it\"s; LOAD CSV" AS s, 'a\'b' AS t`, ok},
		{"RETURN 1 AS x // ; CREATE (n)", ok},
		{"RETURN 1 AS x /* CREATE (n); SHOW USERS */", ok},
		{"RETURN $create AS c, $`SHOW` AS s", ok},
		{"RETURN 1 AS `CREATE`, 2 AS `a``b`", ok},
		{"MATCH (n) RETURN n LIMIT 10;", ok},
		{"MATCH (n) RETURN n ;  // trailing comment\n", ok},
		{"CALL db.labels()", ok},
		{"CALL db.labels", ok},
		{"call DB.LABELS() YIELD label RETURN label", ok},
		{"CALL `db`.`relationshipTypes`() YIELD relationshipType RETURN relationshipType", ok},
		{"CALL db.index.fulltext.queryNodes('entitySearch', $q) YIELD node, score RETURN node, score", ok},
		{"MATCH (n) CALL (n) { MATCH (n)--(m) RETURN count(m) AS c } RETURN n, c", ok},
		{"MATCH (n) CALL { WITH n RETURN n.id AS id } RETURN id", ok},
		{"MATCH p = shortestPath((a)-[*..6]-(b)) RETURN p", ok},
		{"RETURN 1.5e3 AS f, 0x1F AS h, 1_000 AS t", ok},
		{"CYPHER 5 MATCH (n) RETURN count(n)", ok},
		{"MATCH (n) WHERE n.name =~ '.*\\\\.*' RETURN n", ok},

		// Writes.
		{"CREATE (n:X)", write},
		{"MATCH (n) SET n.x = 1", write},
		{"MATCH (n) detach delete n", write},
		{"MERGE (n:X {id: 1})", write},
		{"MATCH (n) REMOVE n.name", write},
		{"FOREACH (x IN [1] | CREATE (:X))", write},
		{"MATCH (n) CALL { CREATE (:X) } RETURN n", write},
		{"RETURN 1 AS x /* hidden */ CREATE (n)", write},
		{"RETURN 1 AS x // hidden\nCREATE (n)", write},
		{"RETURN 1 AS x // hidden\rCREATE (n)", write},
		{"RETURN 1 AS x // hidden\u2028CREATE (n)", write},
		{"RETURN 'x' AS x CREATE (n)", write},
		{"MATCH (n) WITH n LIMIT 1CREATE (m)", write},
		{"MATCH (n) WITH n LIMIT $1CREATE (m)", write},
		// Keywords used as names after "|" or at a clause's place must be backquoted: FOREACH
		// writes after "|", so the guard cannot tell a type from a clause there.
		{"MATCH (n)-[:DELETE|CREATE]->() RETURN count(*)", write},
		{"MATCH (n) RETURN n AS show", forbidden},

		// Forbidden whatever they read or write.
		{"LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", forbidden},
		{"load  csv with headers from 'https://x' as l return l", forbidden},
		{"SHOW DATABASES", forbidden},
		{"SHOW USERS YIELD user RETURN user", forbidden},
		{"USE system MATCH (n) RETURN n", forbidden},
		{"CREATE USER mallory SET PASSWORD 'secret'", forbidden},
		{"CREATE OR REPLACE DATABASE x", forbidden},
		{"DROP DATABASE neo4j", forbidden},
		{"ALTER USER neo4j SET PASSWORD 'x'", forbidden},
		{"GRANT ROLE admin TO mallory", forbidden},
		{"DENY READ {*} ON GRAPH * TO reader", forbidden},
		{"REVOKE ROLE admin FROM neo4j", forbidden},
		{"TERMINATE TRANSACTIONS 'neo4j-transaction-1'", forbidden},
		{"STOP DATABASE neo4j", forbidden},
		{"START DATABASE neo4j", forbidden},
		{"CREATE INDEX x FOR (n:X) ON (n.y)", forbidden},
		{"CREATE CONSTRAINT c FOR (n:X) REQUIRE n.id IS UNIQUE", forbidden},
		{"DROP INDEX entity_id", forbidden},
		{"CREATE FULLTEXT INDEX f FOR (n:X) ON EACH [n.y]", forbidden},
		{"MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS", forbidden},
		{"MATCH (n) CALL (n) { RETURN n.id AS id } IN 4 CONCURRENT TRANSACTIONS RETURN id", forbidden},
		{"CALL dbms.components()", forbidden},
		{"CALL dbms.killQuery('q')", forbidden},
		{"CALL db.createLabel('X')", forbidden},
		{"CALL apoc.cypher.runWrite('CREATE (n)', {})", forbidden},
		{"CALL `apoc`.`periodic`.`iterate`('MATCH (n) RETURN n', 'DELETE n', {})", forbidden},
		{"OPTIONAL CALL db.clearQueryCaches()", forbidden},
		{"MATCH (n) RETURN n; MATCH (m) DETACH DELETE m", forbidden},
		{"RETURN 1;RETURN 2", forbidden},
		{"RETURN 1; // a second statement\n CREATE (n)", forbidden},
		{"EXPLAIN MATCH (n) RETURN n", forbidden},
		{"PROFILE MATCH (n) RETURN n", forbidden},
		{`RETURN 1 AS \u0061bc`, forbidden},
		{`\u0043REATE (n)`, forbidden},
		{"LOAD CSV FROM 'x' AS l CREATE (n)", forbidden},

		// Unreadable.
		{"RETURN 'unterminated", syntax},
		{"RETURN 1 /* unterminated", syntax},
		{"RETURN 1 AS `unterminated", syntax},
		{"  // only a comment", kg.CodeBadUserInput},
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

// TestCheckStatementPosition checks that refusals point at the offending token.
func TestCheckStatementPosition(t *testing.T) {
	err := checkStatement("MATCH (n)\n  RETURN n /* ok */ ; DETACH DELETE n")
	var kerr *kg.Error
	if !asKgError(err, &kerr) || kerr.Code != kg.CodeCypherForbidden {
		t.Fatalf("checkStatement(two statements) = %v, want %s", err, kg.CodeCypherForbidden)
	}
	if kerr.Details["line"] != 2 || kerr.Details["column"] != 23 || !strings.Contains(kerr.Message, "line 2, column 23") {
		t.Errorf("position = %v in %q, want line 2, column 23", kerr.Details, kerr.Message)
	}
}

func asKgError(err error, target **kg.Error) bool {
	e, ok := err.(*kg.Error)
	*target = e
	return ok
}

// FuzzCheckStatement checks that no content of a string literal or a comment changes the
// verdict on the statement around it, and that no input makes the guard panic.
func FuzzCheckStatement(f *testing.F) {
	for _, s := range []string{"CREATE (n)", "'; DETACH DELETE n //", "*/ SHOW USERS /*", "`", "\\u0043REATE", "\r\nCREATE", "$1CREATE"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = checkStatement(s)
		quoted := strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s)
		if err := checkStatement("RETURN '" + quoted + "' AS s"); err != nil {
			t.Errorf("a string literal of %q was refused: %v", s, err)
		}
		if !strings.Contains(s, "*/") {
			if err := checkStatement("RETURN 1 AS x /* " + s + " */"); err != nil {
				t.Errorf("a block comment of %q was refused: %v", s, err)
			}
		}
	})
}

// BenchmarkCheckStatement measures the lexical guard on an analyst-sized statement.
func BenchmarkCheckStatement(b *testing.B) {
	const text = `
		// Who attended meetings together, and how often?
		MATCH (p:Person)-[:ATTENDED]->(m:Meeting)<-[:ATTENDED]-(q:Person)
		WHERE p.id < q.id AND m.date >= $since /* ISO dates compare as text */
		CALL db.labels() YIELD label
		RETURN p.name AS a, q.name AS b, count(DISTINCT m) AS shared, collect(label)[0..3] AS labels
		ORDER BY shared DESC, a, b
		LIMIT 50`
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		if err := checkStatement(text); err != nil {
			b.Fatal(err)
		}
	}
}
