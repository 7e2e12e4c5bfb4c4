package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// The GraphQL documents diplograph answers, by query name.
var diploQueries = map[string]string{
	"point": `query Point($id: ID!) { node(id: $id) { ... on Person { id name positions { title organization { id name } } } } }`,
	"nested": `query Nested { meetings(where: {date: {exists: true}}, sort: [{date: ASC}, {id: ASC}], first: 20) { edges { node {
		id name date place { id name } dialogue { id name }
		attendances { role person { id name positions { title organization { id name } } } }
		representations { organization { id name } }
		outcomes { action initiative { id name } } } } } }`,
	"search":       `query Search($q: String!) { search(query: $q, first: 10) { score entity { id name kind } } }`,
	"path":         `query Path($from: ID!, $to: ID!) { shortestPath(from: $from, to: $to, maxHops: 6) { nodes { id } relations { type from { id } to { id } } } }`,
	"neighborhood": `query Hood($id: ID!) { neighborhood(id: $id, hops: 2, first: 100) { nodes { id } relations { type from { id } to { id } } } }`,
}

// The GraphQL documents @neo4j/graphql answers: the same data in its generated schema's shape.
var ngQueries = map[string]string{
	"point": `query Point($id: ID!) { people(where: {id: {eq: $id}}) { id name positionsConnection { edges { properties { title } node { id name } } } } }`,
	"nested": `query Nested { meetings(sort: [{date: ASC}, {id: ASC}], limit: 20) {
		id name date place { id name } dialogue { id name }
		attendeesConnection { edges { properties { role } node { id name positionsConnection { edges { properties { title } node { id name } } } } } }
		representedBy { id name }
		adopted { id name } affirmed { id name } reviewed { id name } advanced { id name } applauded { id name } } }`,
}

// notExpressible says why a system cannot run a query; such cells are n/a in the table.
var notExpressible = map[[2]string]string{
	{sysNG, "search"}:       "no ranked, accent-folding search over names, aliases and acronyms",
	{sysHand, "search"}:     "diplograph's search statements are generated per query (exact, prefix and typo probes per word and their combinations, ranked by kg's order, with walks of a range index for large groups); a hand-written equal would be those statements",
	{sysNG, "path"}:         "no shortestPath in the generated schema (only a @cypher field would do)",
	{sysNG, "neighborhood"}: "no variable-length traversal in the generated schema",
}

// Systems, by the name the table uses.
const (
	sysDiploNeo4j = "diplograph-neo4j"
	sysDiploMem   = "diplograph-embedded"
	sysHand       = "hand-cypher-http"
	sysNG         = "neo4j-graphql"
)

// workload holds the parameters requests cycle through, drawn from the generated graph.
type workload struct {
	people   []string
	searches []string
}

// body returns the JSON body of request i of query q for system sys.
func (w *workload) body(sys, q string, i int) []byte {
	vars := map[string]any{}
	switch q {
	case "point", "neighborhood":
		vars["id"] = w.people[i%len(w.people)]
	case "search":
		vars["q"] = w.searches[i%len(w.searches)]
	case "path":
		vars["from"], vars["to"] = w.people[i%len(w.people)], w.people[(i*7+3)%len(w.people)]
	}
	var v any
	switch sys {
	case sysHand:
		v = handRequest{Query: q, Params: vars}
	case sysNG:
		v = map[string]any{"query": ngQueries[q], "variables": vars}
	default:
		v = map[string]any{"query": diploQueries[q], "variables": vars}
	}
	b, _ := json.Marshal(v)
	return b
}

// canonical turns system sys's answer to query q into one shape shared by every system, with
// every list sorted, so that equal data compares equal whatever order a system lists it in.
func canonical(sys, q string, raw []byte) (string, error) {
	var resp struct {
		Data   map[string]any `json:"data"`
		Errors []any          `json:"errors"`
	}
	if sys == sysHand {
		var h struct{ Data any }
		if err := json.Unmarshal(raw, &h); err != nil {
			return "", fmt.Errorf("%s: %w: %.200s", sys, err, raw)
		}
		resp.Data = map[string]any{"answer": h.Data}
	} else if err := json.Unmarshal(raw, &resp); err != nil {
		return "", fmt.Errorf("%s: %w: %.200s", sys, err, raw)
	}
	if len(resp.Errors) > 0 {
		return "", fmt.Errorf("%s: errors: %.300s", sys, raw)
	}
	var v any
	switch {
	case sys == sysHand:
		v = resp.Data["answer"]
	case sys == sysNG && q == "point":
		if people, _ := resp.Data["people"].([]any); len(people) == 1 {
			p := people[0].(map[string]any)
			v = map[string]any{"id": p["id"], "name": p["name"], "positions": ngPositions(p)}
		}
	case sys == sysNG && q == "nested":
		var ms []any
		for _, x := range resp.Data["meetings"].([]any) {
			m := x.(map[string]any)
			var att, reps, outs []any
			for _, e := range edges(m["attendeesConnection"]) {
				n := e["node"].(map[string]any)
				att = append(att, map[string]any{"role": e["properties"].(map[string]any)["role"],
					"person": map[string]any{"id": n["id"], "name": n["name"], "positions": ngPositions(n)}})
			}
			for _, o := range m["representedBy"].([]any) {
				reps = append(reps, map[string]any{"organization": o})
			}
			for _, a := range []string{"adopted", "affirmed", "reviewed", "advanced", "applauded"} {
				for _, i := range m[a].([]any) {
					outs = append(outs, map[string]any{"action": strings.ToUpper(a), "initiative": i})
				}
			}
			ms = append(ms, map[string]any{"id": m["id"], "name": m["name"], "date": m["date"],
				"place": first(m["place"]), "dialogue": first(m["dialogue"]),
				"attendances": att, "representations": reps, "outcomes": outs})
		}
		v = ms
	case q == "point":
		v = resp.Data["node"]
	case q == "nested":
		var ms []any
		for _, e := range resp.Data["meetings"].(map[string]any)["edges"].([]any) {
			ms = append(ms, e.(map[string]any)["node"])
		}
		v = ms
	case q == "search":
		v = resp.Data["search"]
	case q == "path":
		v = resp.Data["shortestPath"]
	case q == "neighborhood":
		v = resp.Data["neighborhood"]
	}
	switch q {
	case "path":
		// Order matters, and there may be no path (null): the nodes in walk order, then the
		// relations in walk order, each as one line.
		v = pathLines(v)
	case "search":
		// Ranked hits in rank order. Scores are left out: the embedded store scores otherwise
		// than Lucene, and the same hits in the same order are the same answer.
		v = hitLines(v)
	}
	if v == nil {
		return "", errors.New(sys + ": empty answer")
	}
	b, err := json.Marshal(sortLists(v))
	return string(b), err
}

// pathLines turns a path ({nodes: [{id}], relations: [{type, from: {id}, to: {id}}]}, or null)
// into one string that keeps its order.
func pathLines(v any) any {
	p, _ := v.(map[string]any)
	if p == nil {
		return "no path"
	}
	var b strings.Builder
	for _, n := range list(p["nodes"]) {
		fmt.Fprintf(&b, "%v ", n.(map[string]any)["id"])
	}
	for _, r := range list(p["relations"]) {
		m := r.(map[string]any)
		fmt.Fprintf(&b, "| %v %v -> %v ", m["type"], m["from"].(map[string]any)["id"], m["to"].(map[string]any)["id"])
	}
	return b.String()
}

// hitLines turns search hits ([{score, entity: {id, name, kind}}]) into one string that keeps
// their order.
func hitLines(v any) any {
	if v == nil {
		return nil
	}
	var b strings.Builder
	for _, h := range list(v) {
		e := h.(map[string]any)["entity"].(map[string]any)
		fmt.Fprintf(&b, "%v %v %q\n", e["kind"], e["id"], e["name"])
	}
	return b.String()
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func edges(conn any) []map[string]any {
	var out []map[string]any
	for _, e := range conn.(map[string]any)["edges"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

func ngPositions(p map[string]any) []any {
	var out []any
	for _, e := range edges(p["positionsConnection"]) {
		out = append(out, map[string]any{"title": e["properties"].(map[string]any)["title"], "organization": e["node"]})
	}
	return out
}

func first(x any) any {
	if l, _ := x.([]any); len(l) > 0 {
		return l[0]
	}
	return nil
}

// sortLists sorts every list inside v by its elements' JSON, and makes empty lists nil.
func sortLists(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			t[k] = sortLists(x)
		}
	case []any:
		if len(t) == 0 {
			return nil
		}
		keys := make([]string, len(t))
		for i, x := range t {
			t[i] = sortLists(x)
			b, _ := json.Marshal(t[i])
			keys[i] = string(b)
		}
		sort.Sort(byKey{t, keys})
	}
	return v
}

type byKey struct {
	xs   []any
	keys []string
}

func (b byKey) Len() int           { return len(b.xs) }
func (b byKey) Less(i, j int) bool { return b.keys[i] < b.keys[j] }
func (b byKey) Swap(i, j int) {
	b.xs[i], b.xs[j] = b.xs[j], b.xs[i]
	b.keys[i], b.keys[j] = b.keys[j], b.keys[i]
}
