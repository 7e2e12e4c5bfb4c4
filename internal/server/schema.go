package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"

	"github.com/diplograph/diplograph/internal/kg"
)

// What a client build needs of the schema, served beside /graphql so that code generators and
// normalized caches read it from the server they run against (docs/frontend.md):
//
//	GET /graphql/schema.graphql      the schema as SDL
//	GET /graphql/possible-types.json each interface and union with the object types that
//	                                 implement it: Apollo Client's possibleTypes, urql
//	                                 Graphcache's (and Relay's) fragment matching
//
// With introspection off (Config.DisableIntrospection) both answer 403 FORBIDDEN instead.

// schemaSDL returns s as SDL: every type and directive of the API, without the ones every GraphQL
// schema has (Int, @skip, ...).
func schemaSDL(s *ast.Schema) []byte {
	var buf bytes.Buffer
	formatter.NewFormatter(&buf, formatter.WithIndent("  ")).FormatSchema(s)
	return buf.Bytes()
}

// possibleTypes returns, for each abstract type of s (interface or union), the names of the
// object types that implement it, sorted, as JSON.
func possibleTypes(s *ast.Schema) []byte {
	m := map[string][]string{}
	for name, def := range s.Types {
		if def.BuiltIn || def.Kind != ast.Interface && def.Kind != ast.Union {
			continue
		}
		var names []string
		for _, t := range s.GetPossibleTypes(def) {
			// Interfaces that implement it (Entity, of Node) are left out: caches match fragments
			// on the concrete types.
			if t.Kind == ast.Object {
				names = append(names, t.Name)
			}
		}
		slices.Sort(names)
		m[name] = names
	}
	out, _ := json.MarshalIndent(m, "", "  ") // maps of strings always marshal
	return append(out, '\n')
}

// staticHandler serves body with contentType; it never changes while the process runs.
func staticHandler(contentType string, body []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(body)
	})
}

// schemaWithheld refuses the schema endpoints of a server whose introspection is off.
func schemaWithheld() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusForbidden, kg.CodeForbidden,
			"introspection is turned off on this server, and so is the schema it would serve: build clients against a server that has it on (DIPLOGRAPH_INTROSPECTION)")
	})
}
