package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// Ad hoc Cypher through the real schema over HTTP: who may run it, what it answers on each store,
// and the JSON it writes.

const (
	analystKey = "analyst-key-0123456789"
	readerKey  = "reader-key-0123456789"
	editorKey  = "editor-key-0123456789"
)

// keyClient posts GraphQL requests with a bearer key (none when key is "").
type keyClient struct {
	t   *testing.T
	h   http.Handler
	key string
}

func newKeyClient(t *testing.T, s kg.Store, key string) keyClient {
	keys, err := server.ParseAPIKeys("analyst:" + analystKey + ",reader:" + readerKey + ",editor:" + editorKey)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return keyClient{t: t, h: server.New(server.Config{APIKeys: keys}, s, log), key: key}
}

// raw posts query with vars and returns the response body.
func (c keyClient) raw(query string, vars map[string]any) []byte {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return rec.Body.Bytes()
}

// cypherResponse is the answer to cypherQuery, numbers kept as written.
type cypherResponse struct {
	Data *struct {
		Cypher *struct {
			Columns   []string `json:"columns"`
			Rows      [][]any  `json:"rows"`
			Truncated bool     `json:"truncated"`
			ElapsedMs float64  `json:"elapsedMs"`
		} `json:"cypher"`
	} `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

const cypherQuery = `query($q: String!, $params: JSON, $limit: Int) {
	cypher(query: $q, params: $params, limit: $limit) { columns rows truncated elapsedMs } }`

// cypher runs statement q through the API; limit 0 leaves the schema's default.
func (c keyClient) cypher(q string, params any, limit int) (cypherResponse, []byte) {
	c.t.Helper()
	vars := map[string]any{"q": q, "params": params}
	if limit != 0 {
		vars["limit"] = limit
	}
	body := c.raw(cypherQuery, vars)
	var res cypherResponse
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&res); err != nil {
		c.t.Fatalf("response is not JSON: %s", body)
	}
	return res, body
}

// code returns the code of the first error of res, or "".
func (res cypherResponse) code() string {
	if len(res.Errors) == 0 {
		return ""
	}
	code, _ := res.Errors[0].Extensions["code"].(string)
	return code
}

func TestCypherAccess(t *testing.T) {
	mem, err := memstore.Load(builtin(t)())
	if err != nil {
		t.Fatal(err)
	}
	neo := neo4jtest.Store(t, builtin(t)())
	tests := []struct {
		name  string
		store kg.Store
		key   string
		code  string
		words string // in the message
	}{
		{"no key, Neo4j", neo, "", kg.CodeUnauthenticated, "analyst"},
		{"reader key, Neo4j", neo, readerKey, kg.CodeForbidden, "analyst"},
		{"no key, embedded", mem, "", kg.CodeUnauthenticated, "analyst"},
		{"reader key, embedded", mem, readerKey, kg.CodeForbidden, "analyst"},
		{"analyst key, embedded", mem, analystKey, kg.CodeCypherUnsupported, "NEO4J_URI"},
		{"editor key, embedded behind a wrapper", storetest.NewCounting(mem), editorKey, kg.CodeCypherUnsupported, "NEO4J_URI"},
		{"analyst key, Neo4j", neo, analystKey, "", ""},
		{"editor key, Neo4j behind a wrapper", storetest.NewCounting(neo), editorKey, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			trips := neo.RoundTrips()
			res, _ := newKeyClient(t, tc.store, tc.key).cypher("MATCH (p:Person) RETURN count(p) AS n", nil, 0)
			if got := res.code(); got != tc.code {
				t.Fatalf("code = %q (%+v), want %q", got, res.Errors, tc.code)
			}
			if tc.code == "" {
				if res.Data == nil || res.Data.Cypher == nil || len(res.Data.Cypher.Rows) != 1 {
					t.Fatalf("data = %+v, want one row", res.Data)
				}
				return
			}
			if !strings.Contains(res.Errors[0].Message, tc.words) {
				t.Errorf("message %q does not say %q", res.Errors[0].Message, tc.words)
			}
			if got := neo.RoundTrips() - trips; got != 0 {
				t.Errorf("a refused request made %d round trips to Neo4j", got)
			}
		})
	}
}

func TestCypherAPI(t *testing.T) {
	b := builtin(t)()
	neo := neo4jtest.Store(t, b)
	c := newKeyClient(t, storetest.NewCounting(neo), analystKey)
	before := storetest.CypherFingerprint(t, neo, neo)

	t.Run("count of people", func(t *testing.T) {
		people := 0
		for _, e := range b.Entities {
			if e.Kind == kg.KindPerson {
				people++
			}
		}
		res, _ := c.cypher("MATCH (p:Person) RETURN count(p) AS people", nil, 0)
		// The press release names nine people.
		if res.code() != "" || res.Data.Cypher.Rows[0][0] != json.Number("9") || people != 9 {
			t.Errorf("count of people = %+v, bundle %d; want 9", res, people)
		}
	})

	t.Run("who led the delegations", func(t *testing.T) {
		res, _ := c.cypher(`
			MATCH (p:Person)-[a:ATTENDED {role: 'LEAD'}]->(m:Meeting {id: $meeting})
			RETURN a.delegation AS delegation, p, a
			ORDER BY delegation, p.name`, map[string]any{"meeting": plenary}, 0)
		if res.code() != "" {
			t.Fatalf("errors: %+v", res.Errors)
		}
		if !slices.Equal(res.Data.Cypher.Columns, []string{"delegation", "p", "a"}) {
			t.Errorf("columns = %q", res.Data.Cypher.Columns)
		}
		var got []string
		for _, row := range res.Data.Cypher.Rows {
			p, a := row[1].(map[string]any), row[2].(map[string]any)
			got = append(got, row[0].(string)+" "+p["name"].(string))
			if p["kind"] != "PERSON" || !strings.HasPrefix(p["id"].(string), "person:") {
				t.Errorf("person value = %v, want the entity shape", p)
			}
			if a["type"] != kg.RelAttended || a["from"] != p["id"] || a["to"] != plenary {
				t.Errorf("relation value = %v, want ATTENDED from %s to %s", a, p["id"], plenary)
			}
			props := a["properties"].(map[string]any)
			if props["role"] != "LEAD" || props["delegation"] != row[0] {
				t.Errorf("relation properties = %v", props)
			}
			cites := a["citations"].([]any)
			quote := cites[0].(map[string]any)["quote"].(string)
			if !kg.QuoteOccurs(b.Sources[0].Text, quote) || !strings.Contains(quote, "led the") {
				t.Errorf("citation %q does not say who led, verbatim", quote)
			}
		}
		want := []string{"MX Roberto Velasco", "US Blas Nuñez-Neto", "US Rachel Poynter"}
		if !slices.Equal(got, want) {
			t.Errorf("leads = %q, want %q", got, want)
		}
	})

	t.Run("integers exact over JSON", func(t *testing.T) {
		res, body := c.cypher("RETURN 9007199254740993 AS big, $n AS n, $n + 1 AS next", map[string]any{"n": json.Number("9007199254740993")}, 0)
		if res.code() != "" {
			t.Fatalf("errors: %+v", res.Errors)
		}
		row := res.Data.Cypher.Rows[0]
		if row[0] != json.Number("9007199254740993") || row[1] != json.Number("9007199254740993") || row[2] != json.Number("9007199254740994") {
			t.Errorf("row = %v in %s, want the exact integers", row, body)
		}
	})

	t.Run("limit and truncated", func(t *testing.T) {
		res, _ := c.cypher("MATCH (p:Person) RETURN p.id AS id ORDER BY id", nil, 2)
		if res.code() != "" || len(res.Data.Cypher.Rows) != 2 || !res.Data.Cypher.Truncated || res.Data.Cypher.ElapsedMs <= 0 {
			t.Errorf("limit 2 = %+v, want 2 rows, truncated, a positive elapsedMs", res.Data)
		}
		res, _ = c.cypher("MATCH (p:Person) RETURN p.id AS id", nil, 0)
		if res.code() != "" || len(res.Data.Cypher.Rows) != 9 || res.Data.Cypher.Truncated {
			t.Errorf("default limit = %+v, want all 9 rows, not truncated", res.Data)
		}
	})

	t.Run("bad input", func(t *testing.T) {
		for _, tc := range []struct {
			name   string
			q      string
			params any
			limit  int
			code   string
		}{
			{"limit over the cap", "RETURN 1", nil, kg.MaxCypherLimit + 1, kg.CodeBadUserInput},
			{"negative limit", "RETURN 1", nil, -1, kg.CodeBadUserInput},
			{"params not an object", "RETURN $x", []any{1}, 0, kg.CodeBadUserInput},
			{"write", "MATCH (n) DETACH DELETE n", nil, 0, kg.CodeCypherNotReadOnly},
			{"LOAD CSV", "LOAD CSV FROM 'file:///etc/passwd' AS l RETURN l", nil, 0, kg.CodeCypherForbidden},
			{"USE system", "USE system SHOW USERS", nil, 0, kg.CodeCypherForbidden},
			{"several statements", "RETURN 1; MATCH (n) DETACH DELETE n", nil, 0, kg.CodeCypherForbidden},
		} {
			res, _ := c.cypher(tc.q, tc.params, tc.limit)
			if res.code() != tc.code {
				t.Errorf("%s: %+v, want %s", tc.name, res.Errors, tc.code)
			}
		}
	})

	t.Run("syntax error position", func(t *testing.T) {
		res, body := c.cypher("MATCH (p:Person)\nRETURN p.name AS name,, p.id", nil, 0)
		if res.code() != kg.CodeCypherSyntax {
			t.Fatalf("errors = %+v, want %s", res.Errors, kg.CodeCypherSyntax)
		}
		ext := res.Errors[0].Extensions
		if ext["line"] != json.Number("2") || ext["column"] != json.Number("23") {
			t.Errorf("extensions = %v, want line 2, column 23", ext)
		}
		if bytes.Contains(body, []byte("Neo.")) || bytes.Contains(body, []byte("EXPLAIN")) {
			t.Errorf("response leaks driver detail: %s", body)
		}
	})

	t.Run("timeout", func(t *testing.T) {
		cfg := neo4jtest.Open(t)
		cfg.CypherTimeout = time.Second
		short, err := neo4jstore.Open(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		defer short.Close(t.Context())
		res, _ := newKeyClient(t, short, analystKey).cypher("UNWIND range(1, 10000000000) AS i WITH i WHERE i < 0 RETURN i", nil, 0)
		if res.code() != kg.CodeCypherTimeout || !strings.Contains(res.Errors[0].Message, "DIPLOGRAPH_CYPHER_TIMEOUT") {
			t.Errorf("runaway statement = %+v, want %s naming DIPLOGRAPH_CYPHER_TIMEOUT", res.Errors, kg.CodeCypherTimeout)
		}
	})

	if after := storetest.CypherFingerprint(t, neo, neo); after != before {
		t.Errorf("the graph changed through the API")
	}
}
