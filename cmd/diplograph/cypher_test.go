package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// cypherCLI seeds the test Neo4j with the built-in dataset and returns a function that runs
// `diplograph cypher` with args (and stdin) against it, returning exit code, stdout and stderr.
func cypherCLI(t *testing.T) func(stdin string, args ...string) (int, string, string) {
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	s := neo4jtest.Store(t, b)
	cfg := neo4jtest.Open(t)
	env := map[string]string{
		"NEO4J_URI": cfg.URI, "NEO4J_USERNAME": cfg.Username, "NEO4J_PASSWORD": cfg.Password, "NEO4J_DATABASE": cfg.Database,
	}
	before := storetest.CypherFingerprint(t, s, s)
	t.Cleanup(func() {
		if after := storetest.CypherFingerprint(t, s, s); after != before {
			t.Errorf("the graph changed through the CLI")
		}
	})
	return func(stdin string, args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := 0
		err := runCypher(context.Background(), args, func(k string) string { return env[k] }, strings.NewReader(stdin), &out, &errOut)
		if err != nil {
			code = 1
			errOut.WriteString(err.Error())
		}
		return code, out.String(), errOut.String()
	}
}

func TestCypherCommand(t *testing.T) {
	run := cypherCLI(t)

	t.Run("table", func(t *testing.T) {
		code, out, errOut := run("", "--limit", "2", `
			MATCH (p:Person)-[a:ATTENDED {role: 'LEAD'}]->(m:Meeting {id: $meeting})
			RETURN a.delegation AS delegation, p, a ORDER BY delegation, p.name`,
			"--param", "meeting=meeting:21cb-esc-14th-plenary")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		want := []string{
			"delegation  p                                         a",
			"----------  -                                         -",
			"MX          Roberto Velasco (person:roberto-velasco)  (person:roberto-velasco)-[:ATTENDED]->(meeting:21cb-esc-14th-plenary)",
			"US          Blas Nuñez-Neto (person:blas-nunez-neto)  (person:blas-nunez-neto)-[:ATTENDED]->(meeting:21cb-esc-14th-plenary)",
		}
		if len(lines) != 5 || strings.Join(lines[:4], "\n") != strings.Join(want, "\n") {
			t.Fatalf("table =\n%s\nwant\n%s\n(...)", out, strings.Join(want, "\n"))
		}
		if !strings.HasPrefix(lines[4], "(2 rows, ") || !strings.Contains(lines[4], "more rows exist") {
			t.Errorf("footer = %q, want 2 rows and more rows exist", lines[4])
		}
	})

	t.Run("json with parameters", func(t *testing.T) {
		code, out, errOut := run("", "--format", "json", "--params", `{"n": 9007199254740993, "names": ["Rachel Poynter"]}`,
			"--param", "label=Person", "--param", `quoted="5"`,
			`MATCH (p:Person) WHERE p.name IN $names RETURN p.id AS id, $n AS n, $label AS label, $quoted AS quoted`)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var res struct {
			Columns   []string `json:"columns"`
			Rows      [][]any  `json:"rows"`
			Truncated bool     `json:"truncated"`
		}
		dec := json.NewDecoder(strings.NewReader(out))
		dec.UseNumber()
		if err := dec.Decode(&res); err != nil {
			t.Fatalf("output is not JSON: %v\n%s", err, out)
		}
		if len(res.Rows) != 1 || res.Rows[0][0] != "person:rachel-poynter" || res.Rows[0][1] != json.Number("9007199254740993") ||
			res.Rows[0][2] != "Person" || res.Rows[0][3] != "5" || res.Truncated {
			t.Errorf("json = %s", out)
		}
	})

	t.Run("query from stdin", func(t *testing.T) {
		code, out, errOut := run("MATCH (p:Person) RETURN count(p) AS people", "-")
		if code != 0 || !strings.Contains(out, "people\n------\n9\n(1 rows") {
			t.Errorf("exit %d, out %q, err %q; want the count of people", code, out, errOut)
		}
	})

	t.Run("refused", func(t *testing.T) {
		for _, tc := range []struct {
			args []string
			want string
		}{
			{[]string{"MATCH (n) DETACH DELETE n"}, kg.CodeCypherNotReadOnly},
			{[]string{"LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l"}, kg.CodeCypherForbidden},
			{[]string{"CALL dbms.components()"}, kg.CodeCypherForbidden},
			{[]string{"MATCH (n RETURN n"}, kg.CodeCypherSyntax},
			{[]string{"--limit", "0", "RETURN 1"}, kg.CodeBadUserInput},
			{[]string{"--params", "[1]", "RETURN 1"}, "--params"},
			{[]string{"--format", "xml", "RETURN 1"}, "--format"},
			{[]string{}, "one QUERY"},
		} {
			code, out, errOut := run("", tc.args...)
			if code == 0 || out != "" || !strings.Contains(errOut, tc.want) {
				t.Errorf("cypher %q: exit %d, out %q, err %q; want a failure naming %s", tc.args, code, out, errOut, tc.want)
			}
		}
	})
}

func TestCypherCommandNeedsNeo4j(t *testing.T) {
	var out, errOut bytes.Buffer
	err := runCypher(context.Background(), []string{"RETURN 1"}, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "NEO4J_URI") {
		t.Errorf("cypher without NEO4J_URI = %v, want an error naming NEO4J_URI", err)
	}
}

func TestCell(t *testing.T) {
	tests := []struct {
		v    any
		want string
	}{
		{nil, "null"},
		{"two\nlines\tand a tab", "two lines and a tab"},
		{int64(9007199254740993), "9007199254740993"},
		{[]any{int64(1), "<a>"}, `[1,"<a>"]`},
		{&kg.Entity{ID: "person:x", Name: "X"}, "X (person:x)"},
		{&kg.Source{ID: "source:s", Title: "S"}, "S (source:s)"},
		{&kg.Relation{Type: "HELD_IN", From: "meeting:m"}, "(meeting:m)-[:HELD_IN]->(?)"},
		{&kg.CypherNode{Labels: []string{"A", "B"}, Properties: map[string]any{"b": 1, "a": "x"}}, `:A:B {"a":"x","b":1}`},
		{&kg.CypherPath{
			Nodes:     []any{&kg.Entity{ID: "person:a"}, &kg.Entity{ID: "meeting:m"}, &kg.Entity{ID: "person:b"}},
			Relations: []*kg.Relation{{Type: "ATTENDED", From: "person:a", To: "meeting:m"}, {Type: "ATTENDED", From: "person:b", To: "meeting:m"}},
		}, "(person:a)-[:ATTENDED]->(meeting:m)<-[:ATTENDED]-(person:b)"},
	}
	for _, tc := range tests {
		if got := cell(tc.v); got != tc.want {
			t.Errorf("cell(%#v) = %q, want %q", tc.v, got, tc.want)
		}
	}
}
