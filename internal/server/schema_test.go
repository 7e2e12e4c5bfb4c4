package server_test

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/diplograph/diplograph/graph"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/server"
)

func fetchText(t *testing.T, url string) (string, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s = %d (%v)", url, res.StatusCode, err)
	}
	return string(body), res.Header.Get("Content-Type")
}

// The SDL the server serves is the schema it runs: loaded by another parser it has every type,
// field and argument, and possible-types.json lists every object type of each interface.
func TestSchemaForClients(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	live := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{}}).Schema()

	sdl, ct := fetchText(t, s.url+"/graphql/schema.graphql")
	if !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("schema.graphql Content-Type = %q", ct)
	}
	served, err := gqlparser.LoadSchema(&ast.Source{Name: "schema.graphql", Input: sdl})
	if err != nil {
		t.Fatalf("the served SDL does not load: %v", err)
	}
	for name, def := range live.Types {
		if def.BuiltIn {
			continue
		}
		got := served.Types[name]
		if got == nil {
			t.Errorf("the served SDL lacks type %s", name)
			continue
		}
		for _, f := range def.Fields {
			g := got.Fields.ForName(f.Name)
			if g == nil || g.Type.String() != f.Type.String() || len(g.Arguments) != len(f.Arguments) {
				t.Errorf("the served SDL's %s.%s = %v, want %s with %d arguments", name, f.Name, g, f.Type, len(f.Arguments))
			}
		}
	}

	body, ct := fetchText(t, s.url+"/graphql/possible-types.json")
	if ct != "application/json" {
		t.Errorf("possible-types.json Content-Type = %q", ct)
	}
	var pt map[string][]string
	if err := json.Unmarshal([]byte(body), &pt); err != nil {
		t.Fatal(err)
	}
	for name, def := range live.Types {
		if def.Kind != ast.Interface && def.Kind != ast.Union || def.BuiltIn {
			continue
		}
		var want []string
		for _, o := range live.Types {
			if o.Kind == ast.Object && (slices.Contains(o.Interfaces, name) || slices.Contains(def.Types, o.Name)) {
				want = append(want, o.Name)
			}
		}
		slices.Sort(want)
		if !slices.Equal(pt[name], want) {
			t.Errorf("possible types of %s = %q, want %q", name, pt[name], want)
		}
	}
	for _, typ := range []string{"Person", "Source", "Relation", "Attendance", "Position", "Representation", "Outcome"} {
		if !slices.Contains(pt["Node"], typ) {
			t.Errorf("possible types of Node lack %s", typ)
		}
	}
}

// @defer is not offered (graph/defer.go): not in introspection or the SDL, and a query that uses
// it is refused as invalid rather than answered as if it had been deferred.
func TestNoDefer(t *testing.T) {
	s := newTestServer(t, server.Config{}, nil)
	r := s.query(`{ __schema { directives { name } } }`)
	if strings.Contains(string(r.data), `"defer"`) {
		t.Errorf("introspection lists @defer: %s", r.data)
	}
	sdl, _ := fetchText(t, s.url+"/graphql/schema.graphql")
	if strings.Contains(sdl, "@defer") {
		t.Error("the SDL declares @defer")
	}
	r = s.query(`{ entity(id: "person:katie-tobin") { id ... @defer { name } } }`, "Accept: multipart/mixed;deferSpec=20220824, application/json")
	if codes := r.codes(); len(codes) != 1 || codes[0] != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("a query with @defer: codes %v, body %s; want GRAPHQL_VALIDATION_FAILED", codes, r.body)
	}
}

// With introspection off, the schema endpoints refuse too: the SDL would tell what introspection
// is turned off not to tell.
func TestSchemaForClientsWithIntrospectionOff(t *testing.T) {
	s := newTestServer(t, server.Config{DisableIntrospection: true}, nil)
	for _, path := range []string{"/graphql/schema.graphql", "/graphql/possible-types.json"} {
		res, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		var body struct {
			Errors []struct {
				Message    string
				Extensions struct{ Code string }
			}
		}
		err = json.NewDecoder(res.Body).Decode(&body)
		_ = res.Body.Close()
		if err != nil {
			t.Fatalf("GET %s: the answer is not JSON: %v", path, err)
		}
		if res.StatusCode != http.StatusForbidden || len(body.Errors) != 1 || body.Errors[0].Extensions.Code != kg.CodeForbidden {
			t.Errorf("GET %s with introspection off = %d %+v, want 403 FORBIDDEN", path, res.StatusCode, body.Errors)
		}
		if len(body.Errors) == 1 && strings.Contains(body.Errors[0].Message, "Person") {
			t.Errorf("GET %s with introspection off tells a type name: %q", path, body.Errors[0].Message)
		}
	}
}
