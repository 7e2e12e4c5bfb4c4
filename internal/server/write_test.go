package server_test

import (
	"bytes"
	"context"
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
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// Writes through the real schema over HTTP, on both stores: who may write, what a write returns,
// that it shows at once, how bad input is answered, and the audit trail.

// The keys (editorKey, analystKey, readerKey) are cypher_test.go's.

// keyClient (cypher_test.go) posts GraphQL requests with a bearer key ("" for none).

func newKeyClients(t *testing.T, s kg.Store) (editor, analyst, reader, anonymous keyClient) {
	keys, err := server.ParseAPIKeys("editor:alice:" + editorKey + ",analyst:" + analystKey + ",reader:" + readerKey)
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{APIKeys: keys}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	return keyClient{t, h, editorKey}, keyClient{t, h, analystKey}, keyClient{t, h, readerKey}, keyClient{t, h, ""}
}

// on returns c reporting to t (each subtest its own).
func (c keyClient) on(t *testing.T) keyClient { c.t = t; return c }

func (c keyClient) post(body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if c.key != "" {
		req.Header.Set("Authorization", "Bearer "+c.key)
	}
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	return rec
}

type gqlError struct {
	Message    string `json:"message"`
	Extensions struct {
		Code     string `json:"code"`
		Problems []struct {
			Path    string `json:"path"`
			Message string `json:"message"`
		} `json:"problems"`
	} `json:"extensions"`
}

func (c keyClient) do(query string, vars map[string]any) (json.RawMessage, []gqlError) {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	rec := c.post(body)
	var res struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		c.t.Fatalf("response is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	return res.Data, res.Errors
}

// ok runs query, fails on any error, and decodes the data into out.
func (c keyClient) ok(query string, vars map[string]any, out any) {
	c.t.Helper()
	data, errs := c.do(query, vars)
	if len(errs) > 0 {
		c.t.Fatalf("query failed: %+v\n%s", errs, query)
	}
	if err := json.Unmarshal(data, out); err != nil {
		c.t.Fatalf("decode data: %v: %s", err, data)
	}
}

// fails runs query and returns its first error, failing if there is none.
func (c keyClient) fails(query string, vars map[string]any) gqlError {
	c.t.Helper()
	_, errs := c.do(query, vars)
	if len(errs) == 0 {
		c.t.Fatalf("query succeeded, want an error: %s", query)
	}
	return errs[0]
}

const (
	addSourceQ    = `mutation($in: SourceInput!) { addSource(input: $in) { id title text } }`
	upsertEntityQ = `mutation($in: EntityInput!) { upsertEntity(input: $in) { id name aliases ... on Meeting { date ordinal } citations { quote basis note fields source { id } } } }`
	addRelationQ  = `mutation($in: RelationInput!) { addRelation(input: $in) { type from { id } to { id } properties citations { quote } } }`
	removeRelQ    = `mutation($t: String!, $f: ID!, $to: ID!) { removeRelation(type: $t, from: $f, to: $to) }`
	deleteQ       = `mutation($id: ID!, $reason: String!) { deleteEntity(id: $id, reason: $reason) }`
	importQ       = `mutation($b: JSON!, $dry: Boolean) { importBundle(bundle: $b, dryRun: $dry) { created updated unchanged errors { path message } } }`
	withdrawQ     = `mutation($s: ID!, $e: [ID!], $r: String!, $dry: Boolean) { withdrawSource(source: $s, entities: $e, reason: $r, dryRun: $dry) {
		citationsRemoved entitiesUpdated entitiesDeleted relationsUpdated relationsDeleted } }`
	changesQ = `query($e: ID, $first: Int, $after: String) { changes(entity: $e, first: $first, after: $after) {
		totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id at actor action entity summary } } } }`
)

const writeNote = "The 2023 Border Talks were held in Tijuana. Rachel Poynter led the U.S. delegation to the 2023 Border Talks."

func noteSourceVars() map[string]any {
	return map[string]any{"in": map[string]any{"id": "source:border-talks-note", "title": "Border talks note", "published": "2023-03", "text": writeNote}}
}

func talksVars() map[string]any {
	return map[string]any{"in": map[string]any{"kind": "MEETING", "name": "2023 Border Talks",
		"properties": map[string]any{"date": "2023-03-02", "ordinal": 1},
		"citations": []any{map[string]any{"source": "source:border-talks-note", "quote": "The 2023 Border Talks were held in Tijuana."},
			map[string]any{"source": "source:border-talks-note", "quote": "The 2023 Border Talks", "basis": "INFERRED",
				"note": "the day is the note's, not the text's", "fields": []any{"properties.date"}}}}}
}

func ledVars() map[string]any {
	return map[string]any{"in": map[string]any{"type": "ATTENDED", "from": "person:rachel-poynter", "to": "meeting:2023-border-talks",
		"properties": map[string]any{"role": "LEAD", "delegation": "US"},
		"citations":  []any{map[string]any{"source": "source:border-talks-note", "quote": "Rachel Poynter led the U.S. delegation to the 2023 Border Talks."}}}}
}

func smallBundle() map[string]any {
	cite := []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined the trilateral migration talks in 2022."}}
	return map[string]any{
		"entities":  []any{map[string]any{"id": "topic:energy", "kind": "TOPIC", "name": "Energy", "citations": cite}},
		"relations": []any{map[string]any{"type": "ADDRESSES", "from": "dialogue:trilateral-migration-dialogue", "to": "topic:energy", "citations": cite}},
	}
}

func TestWrites(t *testing.T) {
	for name, open := range stores(t, storetest.Fixture) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			editor, analyst, reader, anonymous := newKeyClients(t, s)
			t.Run("refused without an editor key", func(t *testing.T) { testWritesRefused(t, s, analyst, reader, anonymous) })
			t.Run("cited writes show at once", func(t *testing.T) { testWritesShow(t, editor, anonymous) })
			t.Run("bad input", func(t *testing.T) { testWritesBadInput(t, s, editor) })
			t.Run("import", func(t *testing.T) { testImportBundle(t, s, editor) })
			t.Run("changes", func(t *testing.T) { testChangesQuery(t, anonymous) })
			t.Run("removals", func(t *testing.T) { testRemovals(t, editor) })
			t.Run("disagreements", func(t *testing.T) { testDisagreements(t, s, editor, anonymous) })
		})
	}
}

func testWritesRefused(t *testing.T, s kg.Store, analyst, reader, anonymous keyClient) {
	analyst, reader, anonymous = analyst.on(t), reader.on(t), anonymous.on(t)
	before, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	mutations := []struct {
		name  string
		query string
		vars  map[string]any
	}{
		{"addSource", addSourceQ, noteSourceVars()},
		{"upsertEntity", upsertEntityQ, map[string]any{"in": map[string]any{"kind": "TOPIC", "name": "Energy",
			"citations": []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined the trilateral migration talks in 2022."}}}}},
		{"addRelation", addRelationQ, ledVars()},
		{"removeRelation", removeRelQ, map[string]any{"t": "ATTENDED", "f": "person:rachel-poynter", "to": "meeting:21cb-esc-14th-plenary"}},
		{"deleteEntity", deleteQ, map[string]any{"id": "person:rachel-poynter", "reason": "test"}},
		{"importBundle", importQ, map[string]any{"b": smallBundle()}},
		{"withdrawSource", withdrawQ, map[string]any{"s": "source:fixture-briefing", "r": "test"}},
	}
	for _, m := range mutations {
		t.Run(m.name, func(t *testing.T) {
			anonymous, reader, analyst := anonymous.on(t), reader.on(t), analyst.on(t)
			if e := anonymous.fails(m.query, m.vars); e.Extensions.Code != kg.CodeUnauthenticated {
				t.Errorf("%s without a key: %s (%s), want %s", m.name, e.Extensions.Code, e.Message, kg.CodeUnauthenticated)
			}
			for _, c := range []keyClient{reader, analyst} {
				if e := c.fails(m.query, m.vars); e.Extensions.Code != kg.CodeForbidden {
					t.Errorf("%s with key %s: %s (%s), want %s", m.name, c.key[:6], e.Extensions.Code, e.Message, kg.CodeForbidden)
				}
			}
		})
	}
	after, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("refused mutations changed the store")
	}
}

func testWritesShow(t *testing.T, editor, anonymous keyClient) {
	editor, anonymous = editor.on(t), anonymous.on(t)
	var src struct {
		AddSource struct{ ID, Title, Text string } `json:"addSource"`
	}
	editor.ok(addSourceQ, noteSourceVars(), &src)
	if src.AddSource.ID != "source:border-talks-note" || src.AddSource.Text != writeNote {
		t.Errorf("addSource = %+v", src.AddSource)
	}
	var ent struct {
		UpsertEntity struct {
			ID, Name, Date string
			Ordinal        int
			Citations      []struct {
				Quote, Basis string
				Note         *string
				Fields       []string
				Source       struct{ ID string }
			}
		} `json:"upsertEntity"`
	}
	editor.ok(upsertEntityQ, talksVars(), &ent)
	if e := ent.UpsertEntity; e.ID != "meeting:2023-border-talks" || e.Date != "2023-03-02" || e.Ordinal != 1 ||
		len(e.Citations) != 2 || e.Citations[0].Source.ID != "source:border-talks-note" {
		t.Errorf("upsertEntity = %+v, want the new meeting with its date, ordinal and citations", e)
	} else if c0, c1 := e.Citations[0], e.Citations[1]; c0.Basis != "STATED" || c0.Note != nil || len(c0.Fields) != 0 ||
		c1.Basis != "INFERRED" || c1.Note == nil || *c1.Note != "the day is the note's, not the text's" || !slices.Equal(c1.Fields, []string{"properties.date"}) {
		t.Errorf("upsertEntity citations = %+v, want a STATED one and an INFERRED one with its note, for properties.date", e.Citations)
	}
	var rel struct {
		AddRelation struct {
			Type       string
			From, To   struct{ ID string }
			Properties map[string]any
		} `json:"addRelation"`
	}
	editor.ok(addRelationQ, ledVars(), &rel)
	if r := rel.AddRelation; r.Type != "ATTENDED" || r.From.ID != "person:rachel-poynter" || r.To.ID != "meeting:2023-border-talks" || r.Properties["role"] != "LEAD" {
		t.Errorf("addRelation = %+v", r)
	}

	// Anyone reads it at once: the typed field, search, a list filter and a path through it.
	var q struct {
		Entity struct {
			Attendances []struct {
				Role   string
				Person struct{ Name string }
			}
		}
		Search []struct{ Entity struct{ ID string } }
		People struct{ TotalCount int }
		Path   *struct {
			Length    int
			Nodes     []struct{ ID string }
			Relations []struct{ Type string }
		}
	}
	anonymous.ok(`{
		path: shortestPath(from: "meeting:2023-border-talks", to: "person:rachel-poynter") { length nodes { id } relations { type } }
		entity(id: "meeting:2023-border-talks") { ... on Meeting { attendances { role person { name } } } }
		search(query: "border talks 2023", first: 3) { entity { id } }
		people(where: { meetings: { some: { id: { eq: "meeting:2023-border-talks" } } } }) { totalCount }
	}`, nil, &q)
	if a := q.Entity.Attendances; len(a) != 1 || a[0].Person.Name != "Rachel Poynter" || a[0].Role != "LEAD" {
		t.Errorf("attendances of the new meeting = %+v", a)
	}
	if len(q.Search) == 0 || q.Search[0].Entity.ID != "meeting:2023-border-talks" {
		t.Errorf("search(border talks 2023) = %+v, want the new meeting first", q.Search)
	}
	if q.People.TotalCount != 1 {
		t.Errorf("people who attended the new meeting = %d, want 1", q.People.TotalCount)
	}
	// The one relation written is at once a path.
	if p := q.Path; p == nil || p.Length != 1 || len(p.Relations) != 1 || p.Relations[0].Type != "ATTENDED" {
		t.Errorf("shortestPath(new meeting, Poynter) = %+v, want the one ATTENDED hop just written", p)
	}
}

func testWritesBadInput(t *testing.T, s kg.Store, editor keyClient) {
	editor = editor.on(t)
	before, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, query string
		vars        map[string]any
		path        string
	}{
		{"quote not in the source", upsertEntityQ, map[string]any{"in": map[string]any{"kind": "TOPIC", "name": "Energy",
			"citations": []any{map[string]any{"source": "source:fixture-briefing", "quote": "Nobody said this."}}}}, "input.citations[0].quote"},
		{"dangling reference", addRelationQ, map[string]any{"in": map[string]any{"type": "ATTENDED", "from": "person:rachel-poynter", "to": "meeting:nowhere",
			"properties": map[string]any{"role": "LEAD"},
			"citations":  []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined the trilateral migration talks in 2022."}}}}, "input.to"},
		{"bad property", upsertEntityQ, map[string]any{"in": map[string]any{"kind": "MEETING", "name": "Bad", "properties": map[string]any{"date": "next week"},
			"citations": []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined the trilateral migration talks in 2022."}}}}, "input.properties.date"},
		{"properties not an object", upsertEntityQ, map[string]any{"in": map[string]any{"kind": "MEETING", "name": "Bad", "properties": []any{"x"},
			"citations": []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined the trilateral migration talks in 2022."}}}}, "input.properties"},
		{"inferred without a note", upsertEntityQ, map[string]any{"in": map[string]any{"kind": "TOPIC", "name": "Energy",
			"citations": []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined", "basis": "INFERRED"}}}}, "input.citations[0].note"},
		{"citation for a value not given", upsertEntityQ, map[string]any{"in": map[string]any{"kind": "TOPIC", "name": "Energy",
			"citations": []any{map[string]any{"source": "source:fixture-briefing", "quote": "Canada joined", "fields": []any{"description"}}}}}, "input.citations[0].fields[0]"},
		{"delete without a reason", deleteQ, map[string]any{"id": "person:rachel-poynter", "reason": ""}, "reason"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := editor.on(t).fails(tc.query, tc.vars)
			if e.Extensions.Code != kg.CodeBadUserInput {
				t.Fatalf("code = %s (%s), want %s", e.Extensions.Code, e.Message, kg.CodeBadUserInput)
			}
			var paths []string
			for _, p := range e.Extensions.Problems {
				paths = append(paths, p.Path)
			}
			if !strings.Contains(strings.Join(paths, " "), tc.path) {
				t.Errorf("extensions.problems at %q, want one at %q (%s)", paths, tc.path, e.Message)
			}
		})
	}
	// A Date that is not one is refused by the schema before the store sees it.
	if e := editor.fails(addSourceQ, map[string]any{"in": map[string]any{"title": "x", "text": "y", "published": "soon"}}); e.Extensions.Code != kg.CodeBadUserInput {
		t.Errorf("addSource(published: soon) code = %s, want %s", e.Extensions.Code, kg.CodeBadUserInput)
	}
	after, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	if after != before {
		t.Errorf("refused writes changed the store")
	}
}

type importResult struct {
	ImportBundle struct {
		Created, Updated, Unchanged int
		Errors                      []struct{ Path, Message string }
	} `json:"importBundle"`
}

func testImportBundle(t *testing.T, s kg.Store, editor keyClient) {
	editor = editor.on(t)
	before, err := storetest.Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	var r importResult
	editor.ok(importQ, map[string]any{"b": smallBundle(), "dry": true}, &r)
	if got := r.ImportBundle; got.Created != 2 || len(got.Errors) != 0 {
		t.Errorf("importBundle(dry run) = %+v, want 2 created", got)
	}
	if after, _ := storetest.Dump(t.Context(), s); after != before {
		t.Errorf("a dry run changed the store")
	}

	bad := smallBundle()
	bad["entities"] = append(bad["entities"].([]any), map[string]any{"kind": "COUNTRY", "name": "Atlantis", "citations": []any{}})
	bad["relations"].([]any)[0].(map[string]any)["to"] = "topic:nowhere"
	editor.ok(importQ, map[string]any{"b": bad}, &r)
	var paths []string
	for _, e := range r.ImportBundle.Errors {
		paths = append(paths, e.Path)
	}
	if want := "entities[1].properties.code entities[1].citations relations[0].to"; strings.Join(paths, " ") != want {
		t.Errorf("importBundle(bad) errors at %q, want %q", paths, want)
	}
	if r.ImportBundle.Created != 0 {
		t.Errorf("importBundle(bad) created %d, want 0", r.ImportBundle.Created)
	}
	editor.ok(importQ, map[string]any{"b": map[string]any{"entities": "many", "extra": 1}}, &r)
	if len(r.ImportBundle.Errors) != 2 {
		t.Errorf("importBundle(not a bundle) errors = %+v, want 2 (extra, entities)", r.ImportBundle.Errors)
	}
	if after, _ := storetest.Dump(t.Context(), s); after != before {
		t.Errorf("a refused import changed the store")
	}

	editor.ok(importQ, map[string]any{"b": smallBundle()}, &r)
	if got := r.ImportBundle; got.Created != 2 || got.Updated != 0 || len(got.Errors) != 0 {
		t.Errorf("importBundle = %+v, want 2 created", got)
	}
	editor.ok(importQ, map[string]any{"b": smallBundle()}, &r)
	if got := r.ImportBundle; got.Created != 0 || got.Updated != 0 || got.Unchanged != 2 {
		t.Errorf("importBundle again = %+v, want 2 unchanged", got)
	}
}

// testDisagreements imports a later source that gives David Okafor's position another title: the
// report lists the disagreement, and the position serves both titles with their sources, the later
// first, and its basis; the fixture's curated alias of Mexico says so.
func testDisagreements(t *testing.T, s kg.Store, editor, anonymous keyClient) {
	editor, anonymous = editor.on(t), anonymous.on(t)
	const text = "David Okafor, Senior Adviser for Trade at the Department of State, briefed the press."
	bundle := map[string]any{
		"sources": []any{map[string]any{"id": "source:trade-briefing", "title": "Trade briefing", "published": "2023-08", "text": text}},
		"relations": []any{map[string]any{"type": "HOLDS_POSITION", "from": "person:david-okafor", "to": "organization:department-of-state",
			"properties": map[string]any{"title": "Senior Adviser for Trade"},
			"citations":  []any{map[string]any{"source": "source:trade-briefing", "quote": "David Okafor, Senior Adviser for Trade at the Department of State"}}}},
	}
	const q = `mutation($b: JSON!, $dry: Boolean) { importBundle(bundle: $b, dryRun: $dry) {
		created updated errors { path } disagreements { entity relation field values { value basis sources } } } }`
	var r struct {
		ImportBundle struct {
			Created, Updated int
			Errors           []struct{ Path string }
			Disagreements    []struct {
				Entity   string
				Relation *string
				Field    string
				Values   []struct {
					Value   any
					Basis   string
					Sources []string
				}
			}
		} `json:"importBundle"`
	}
	for _, dry := range []bool{true, false} {
		editor.ok(q, map[string]any{"b": bundle, "dry": dry}, &r)
		got := r.ImportBundle
		if got.Created != 1 || got.Updated != 1 || len(got.Errors) != 0 || len(got.Disagreements) != 1 {
			t.Fatalf("importBundle(dry run %v) = %+v, want the source created, the position updated, one disagreement", dry, got)
		}
		d := got.Disagreements[0]
		if d.Entity != "person:david-okafor" || d.Relation == nil || *d.Relation != "HOLDS_POSITION person:david-okafor -> organization:department-of-state" ||
			d.Field != "properties.title" || len(d.Values) != 2 || d.Values[0].Value != "Senior Adviser for Trade" ||
			!slices.Equal(d.Values[0].Sources, []string{"source:trade-briefing"}) || d.Values[1].Value != "Senior Advisor" || d.Values[1].Basis != "STATED" {
			t.Errorf("disagreement (dry run %v) = %+v, want the title: the trade briefing's first, then the fixture's", dry, d)
		}
	}
	var e struct {
		Entity struct {
			Positions []struct {
				Title  string
				Basis  string
				Claims []struct {
					Value   string
					Shown   bool
					Sources []struct{ ID string }
				}
				Alternatives []struct {
					Field, Value string
					Sources      []struct{ ID, Published string }
				}
			}
		}
		Mexico struct {
			Basis  string
			Claims []struct {
				Value, Basis string
				Shown        bool
			}
			Citations []struct{ Basis, Note string }
		}
	}
	anonymous.ok(`{
		entity(id: "person:david-okafor") { ... on Person { positions { title basis
			claims(field: "properties.title") { value shown sources { id } }
			alternatives { field value sources { id published } } } } }
		mexico: entity(id: "country:mexico") { basis claims(field: "aliases") { value basis shown } citations { basis note } }
	}`, nil, &e)
	if ps := e.Entity.Positions; len(ps) != 1 || ps[0].Title != "Senior Adviser for Trade" || ps[0].Basis != "STATED" ||
		len(ps[0].Claims) != 2 || !ps[0].Claims[0].Shown || ps[0].Claims[1].Shown || ps[0].Claims[1].Value != "Senior Advisor" ||
		len(ps[0].Alternatives) != 1 || ps[0].Alternatives[0].Field != "properties.title" || ps[0].Alternatives[0].Sources[0].ID != "source:fixture-briefing" ||
		ps[0].Alternatives[0].Sources[0].Published != "2023-02" {
		t.Errorf("positions = %+v, want the later title shown, the fixture's as its alternative with its source", ps)
	}
	m := e.Mexico
	// Withdrawing the trade briefing leaves the fixture's title, alone; a reader may not, and an
	// unknown source is not found.
	if e := anonymous.fails(withdrawQ, map[string]any{"s": "source:trade-briefing", "r": "retracted"}); e.Extensions.Code != kg.CodeUnauthenticated {
		t.Errorf("withdrawSource without a key: %s, want %s", e.Extensions.Code, kg.CodeUnauthenticated)
	}
	if e := editor.fails(withdrawQ, map[string]any{"s": "source:nowhere", "r": "retracted"}); e.Extensions.Code != kg.CodeNotFound {
		t.Errorf("withdrawSource(unknown source): %s (%s), want %s", e.Extensions.Code, e.Message, kg.CodeNotFound)
	}
	if e := editor.fails(withdrawQ, map[string]any{"s": "source:trade-briefing", "e": []any{"person:rachel-poynter"}, "r": "retracted"}); e.Extensions.Code != kg.CodeBadUserInput ||
		len(e.Extensions.Problems) != 1 || e.Extensions.Problems[0].Path != "entities[0]" {
		t.Errorf("withdrawSource(from an entity it does not support): %s %+v, want %s at entities[0]", e.Extensions.Code, e.Extensions.Problems, kg.CodeBadUserInput)
	}
	var wr struct {
		WithdrawSource struct{ CitationsRemoved, EntitiesUpdated, EntitiesDeleted, RelationsUpdated, RelationsDeleted int } `json:"withdrawSource"`
	}
	editor.ok(withdrawQ, map[string]any{"s": "source:trade-briefing", "r": "retracted"}, &wr)
	if got := wr.WithdrawSource; got.CitationsRemoved != 1 || got.RelationsUpdated != 1 || got.EntitiesUpdated+got.EntitiesDeleted+got.RelationsDeleted != 0 {
		t.Errorf("withdrawSource = %+v, want 1 citation removed from 1 relation", got)
	}
	var after struct {
		Entity struct {
			Positions []struct {
				Title        string
				Alternatives []struct{ Value string }
			}
		}
	}
	anonymous.ok(`{ entity(id: "person:david-okafor") { ... on Person { positions { title alternatives { value } } } } }`, nil, &after)
	if ps := after.Entity.Positions; len(ps) != 1 || ps[0].Title != "Senior Advisor" || len(ps[0].Alternatives) != 0 {
		t.Errorf("positions after the withdrawal = %+v, want the fixture's title alone", ps)
	}

	// Claims rank the stated alias before the curated one.
	if m.Basis != "STATED" || len(m.Claims) != 2 || m.Claims[1].Value != "México" || m.Claims[1].Basis != "CURATED" || !m.Claims[1].Shown ||
		m.Claims[0].Basis != "STATED" || len(m.Citations) != 2 || m.Citations[1].Note != "the country's name in Spanish" {
		t.Errorf("Mexico = %+v, want its stated alias, then its curated Spanish one with the citation's note", m)
	}
}

type changesResult struct {
	Changes struct {
		TotalCount int
		PageInfo   struct {
			HasNextPage bool
			EndCursor   string
		}
		Edges []struct {
			Cursor string
			Node   struct {
				ID, At, Actor, Action, Summary string
				Entity                         *string
			}
		}
	}
}

func testChangesQuery(t *testing.T, anonymous keyClient) {
	anonymous = anonymous.on(t)
	var r changesResult
	anonymous.ok(changesQ, map[string]any{"e": "meeting:2023-border-talks"}, &r)
	var acts []string
	for _, e := range r.Changes.Edges {
		acts = append(acts, e.Node.Action)
		// The actor is the name the operator gave the key (editor:alice:KEY), nothing of the key.
		if e.Node.Actor != "editor:alice" || !strings.HasPrefix(e.Node.ID, "change:") || e.Node.At == "" {
			t.Errorf("change %+v lacks the actor editor:alice, an id or a time", e.Node)
		}
	}
	if strings.Join(acts, " ") != "ADD_RELATION UPSERT_ENTITY" || r.Changes.TotalCount != 2 {
		t.Errorf("changes(meeting) = %q (total %d), want ADD_RELATION UPSERT_ENTITY", acts, r.Changes.TotalCount)
	}
	// Paging through everything, newest first: the import's summary has no entity.
	anonymous.ok(changesQ, map[string]any{"first": 2}, &r)
	if !r.Changes.PageInfo.HasNextPage || len(r.Changes.Edges) != 2 {
		t.Fatalf("changes(first: 2) = %+v, want a full page and more", r.Changes)
	}
	total := r.Changes.TotalCount
	newest := r.Changes.Edges[0].Node
	if newest.Action != "IMPORT" || newest.Entity != nil || !strings.HasPrefix(newest.Summary, "import: 2 created") {
		t.Errorf("newest change = %+v, want the import's summary", newest)
	}
	seen := 2
	for r.Changes.PageInfo.HasNextPage {
		anonymous.ok(changesQ, map[string]any{"first": 50, "after": r.Changes.PageInfo.EndCursor}, &r)
		seen += len(r.Changes.Edges)
	}
	if seen != total {
		t.Errorf("paging through changes saw %d, totalCount says %d", seen, total)
	}
	if e := anonymous.fails(changesQ, map[string]any{"first": 101}); e.Extensions.Code != kg.CodeBadUserInput {
		t.Errorf("changes(first: 101) code = %s, want %s", e.Extensions.Code, kg.CodeBadUserInput)
	}
}

func testRemovals(t *testing.T, editor keyClient) {
	editor = editor.on(t)
	var r struct{ RemoveRelation, DeleteEntity bool }
	vars := map[string]any{"t": "ATTENDED", "f": "person:rachel-poynter", "to": "meeting:2023-border-talks"}
	editor.ok(removeRelQ, vars, &r)
	if !r.RemoveRelation {
		t.Errorf("removeRelation(present) = false")
	}
	editor.ok(removeRelQ, vars, &r)
	if r.RemoveRelation {
		t.Errorf("removeRelation(gone) = true")
	}
	editor.ok(deleteQ, map[string]any{"id": "meeting:2023-border-talks", "reason": "recorded twice"}, &r)
	if !r.DeleteEntity {
		t.Errorf("deleteEntity(present) = false")
	}
	var q struct{ Entity *struct{ ID string } }
	editor.ok(`{ entity(id: "meeting:2023-border-talks") { id } }`, nil, &q)
	if q.Entity != nil {
		t.Errorf("entity(deleted) = %+v, want null", q.Entity)
	}
	var c changesResult
	editor.ok(changesQ, map[string]any{"e": "meeting:2023-border-talks", "first": 1}, &c)
	if n := c.Changes.Edges[0].Node; n.Action != "DELETE_ENTITY" || !strings.Contains(n.Summary, "recorded twice") {
		t.Errorf("newest change of the deleted meeting = %+v, want its deletion with the reason", n)
	}
}

// TestWriteBodyLimit checks that editors may send bundles larger than the 1 MiB readers may.
func TestWriteBodyLimit(t *testing.T) {
	s, err := memstore.Load(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	editor, _, reader, _ := newKeyClients(t, s)
	// A bundle of about 2 MiB: one source with a long text.
	text := strings.Repeat("Border cooperation continued. ", 70_000)
	b := map[string]any{"sources": []any{map[string]any{"id": "source:long", "title": "Long", "text": text}}}
	body, _ := json.Marshal(map[string]any{"query": importQ, "variables": map[string]any{"b": b, "dry": true}})
	if len(body) < 2<<20 {
		t.Fatalf("body is %d bytes, want more than 2 MiB", len(body))
	}
	if rec := reader.post(body); rec.Code != http.StatusRequestEntityTooLarge {
		t.Errorf("a reader's 2 MiB request: status %d, want 413", rec.Code)
	}
	rec := editor.post(body)
	var res struct {
		Data   importResult
		Errors []gqlError
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) > 0 || res.Data.ImportBundle.Created != 1 {
		t.Errorf("an editor's 2 MiB import: status %d, %+v, %v; want 1 created (dry run)", rec.Code, res, err)
	}
}

// slowStore answers Import and Search only after a delay.
type slowStore struct {
	kg.Store
	delay time.Duration
}

func (s slowStore) Import(ctx context.Context, b *kg.Bundle, opts kg.ImportOptions) (*kg.ImportReport, error) {
	time.Sleep(s.delay)
	return s.Store.Import(ctx, b, opts)
}

func (s slowStore) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	time.Sleep(s.delay)
	return s.Store.Search(ctx, q)
}

// TestEditorsOutlastServerTimeouts checks that an editor's request (an import, which may take
// minutes) is not cut off by the server's write timeout, which still cuts other requests.
func TestEditorsOutlastServerTimeouts(t *testing.T) {
	mem, err := memstore.Load(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := server.ParseAPIKeys("editor:" + editorKey)
	h := server.New(server.Config{APIKeys: keys}, slowStore{mem, 400 * time.Millisecond}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ts := httptest.NewUnstartedServer(h)
	ts.Config.WriteTimeout = 100 * time.Millisecond
	ts.Start()
	defer ts.Close()
	post := func(key, query string, vars map[string]any) (int, string, error) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := ts.Client().Do(req)
		if err != nil {
			return 0, "", err
		}
		defer res.Body.Close()
		data, err := io.ReadAll(res.Body)
		return res.StatusCode, string(data), err
	}
	if _, _, err := post("", `{ search(query: "poynter") { score } }`, nil); err == nil {
		t.Fatalf("a slow anonymous query outlasted the server's write timeout; the test proves nothing")
	}
	code, body, err := post(editorKey, importQ, map[string]any{"b": smallBundle(), "dry": true})
	if err != nil || code != http.StatusOK || !strings.Contains(body, `"created":2`) {
		t.Errorf("a slow editor import: %d %s %v; want it answered", code, body, err)
	}
}
