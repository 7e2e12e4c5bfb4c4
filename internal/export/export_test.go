package export_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/export"
	"github.com/diplograph/diplograph/internal/kg"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// graph is a small graph with every awkward value the formats must carry: markup characters,
// quotes, commas, line breaks, a control character, accents, properties, several citations, and
// inferred and curated ones with notes.
func graph() ([]*kg.Entity, []*kg.Relation) {
	cite := func(q ...string) []kg.Citation {
		var cs []kg.Citation
		for _, x := range q {
			cs = append(cs, kg.Citation{Source: "source:memo", Quote: x})
		}
		return cs
	}
	es := []*kg.Entity{
		{ID: "person:ana-lucia-ortiz", Kind: kg.KindPerson, Name: "Ana Lucía Ortiz", Aliases: []string{"A. L. Ortiz", "\"Ana\""},
			Description: "Led <b>both</b> delegations & more", Citations: cite("Ortiz, who led the delegation,\nspoke first.", "She said \"yes\".")},
		{ID: "meeting:talks", Kind: kg.KindMeeting, Name: "Talks, round 2", Properties: map[string]any{"date": "2022-12", "ordinal": int64(2)},
			Citations: append(cite("Round 2 of the talks\x01 took place."), kg.Citation{Source: "source:memo", Quote: "took place",
				Basis: kg.BasisInferred, Note: "the year & month are the memo's", Fields: []string{"properties.date"}})},
	}
	// Two sources disagree on the meeting's date.
	es[1].Claims = []kg.Claim{{Field: "name", Value: "Talks, round 2", Source: "source:memo"}, {Field: "properties.date", Value: "2022-11", Source: "source:memo", Basis: kg.BasisInferred},
		{Field: "properties.date", Value: "2022-12", Source: "source:memo"}, {Field: "properties.ordinal", Value: int64(2), Source: "source:memo"}}
	rs := []*kg.Relation{
		{Type: kg.RelAttended, From: "person:ana-lucia-ortiz", To: "meeting:talks", Properties: map[string]any{"role": "LEAD", "delegation": "MX"},
			Citations: []kg.Citation{{Source: "source:memo", Quote: "Ortiz, who led the delegation,\nspoke first.", Basis: kg.BasisCurated,
				Note: "the delegation is Mexico's, by the curator"}, cite("She said \"yes\".")[0]}},
	}
	return es, rs
}

func write(t *testing.T, f export.Format) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := export.NewWriter(&buf, f)
	es, rs := graph()
	for _, e := range es {
		if err := w.Node(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range rs {
		if err := w.Edge(r, "Ana Lucía Ortiz", "Talks, round 2"); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestGolden compares each format's document with its golden file (go test -update rewrites
// them), so a change of the output is a reviewed change.
func TestGolden(t *testing.T) {
	for _, f := range export.Formats {
		t.Run(string(f), func(t *testing.T) {
			got := write(t, f)
			path := filepath.Join("testdata", "graph."+f.Extension())
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s export differs from %s:\n%s", f, path, got)
			}
		})
	}
}

// TestRoundTrip reads each format back with a standard reader and finds every value as written.
func TestRoundTrip(t *testing.T) {
	es, rs := graph()
	t.Run("graphml", func(t *testing.T) {
		var doc struct {
			XMLName xml.Name             `xml:"http://graphml.graphdrawing.org/xmlns graphml"`
			Keys    []export.GraphMLKey  `xml:"key"`
			Nodes   []export.GraphMLNode `xml:"graph>node"`
			Edges   []export.GraphMLEdge `xml:"graph>edge"`
		}
		if err := xml.Unmarshal(write(t, export.GraphML), &doc); err != nil {
			t.Fatalf("not XML: %v", err)
		}
		if !slices.EqualFunc(doc.Keys, export.GraphMLKeys, func(a, b export.GraphMLKey) bool {
			return a.ID == b.ID && a.For == b.For && a.Name == b.Name && a.Type == b.Type
		}) {
			t.Errorf("keys = %+v, want %+v", doc.Keys, export.GraphMLKeys)
		}
		data := map[string]string{}
		for _, d := range doc.Nodes[0].Data {
			data[d.Key] = d.Value
		}
		if len(doc.Nodes) != 2 || doc.Nodes[0].ID != es[0].ID || data["name"] != es[0].Name || data["description"] != es[0].Description ||
			data["aliases"] != "A. L. Ortiz\n\"Ana\"" || data["citations"] != es[0].Citations[0].Quote+"\n"+es[0].Citations[1].Quote {
			t.Errorf("nodes = %+v", doc.Nodes)
		}
		var props map[string]any
		for _, d := range doc.Nodes[1].Data {
			if d.Key == "properties" {
				_ = json.Unmarshal([]byte(d.Value), &props)
			}
			if d.Key == "citations" && d.Value != "Round 2 of the talks\uFFFD took place.\ntook place" {
				t.Errorf("a control character became %q, want U+FFFD in its place", d.Value)
			}
			if d.Key == "bases" && d.Value != "STATED\nINFERRED" {
				t.Errorf("bases = %q, want STATED and INFERRED, one a line", d.Value)
			}
			if d.Key == "claims" && !strings.Contains(d.Value, `{"field":"properties.date","value":"2022-11","source":"source:memo","basis":"INFERRED"}`) {
				t.Errorf("claims = %q, want the meeting's claims as JSON", d.Value)
			}
			if d.Key == "notes" && d.Value != "\nthe year & month are the memo's" {
				t.Errorf("notes = %q, want one a line, the stated citation's empty", d.Value)
			}
		}
		if props["date"] != "2022-12" || props["ordinal"] != 2.0 {
			t.Errorf("meeting properties = %v", props)
		}
		if len(doc.Edges) != 1 || doc.Edges[0].Source != rs[0].From || doc.Edges[0].Target != rs[0].To {
			t.Errorf("edges = %+v", doc.Edges)
		}
	})
	t.Run("json", func(t *testing.T) {
		var doc export.CytoscapeDocument
		if err := json.Unmarshal(write(t, export.JSON), &doc); err != nil {
			t.Fatalf("not JSON: %v", err)
		}
		n, e := doc.Elements.Nodes, doc.Elements.Edges
		kg.NormalizeClaims(n[1].Data.Claims)
		if len(n) == 2 && !kg.EqualClaims(n[1].Data.Claims, es[1].Claims) {
			t.Errorf("meeting claims = %+v, want %+v", n[1].Data.Claims, es[1].Claims)
		}
		if len(n) != 2 || n[0].Data.Label != es[0].Name || !kg.EqualCitations(n[0].Data.Citations, es[0].Citations) ||
			len(e) != 1 || e[0].Data.Source != rs[0].From || e[0].Data.Label != kg.RelAttended || e[0].Data.Properties["role"] != "LEAD" {
			t.Errorf("document = %+v", doc)
		}
	})
	t.Run("csv", func(t *testing.T) {
		rows, err := csv.NewReader(bytes.NewReader(write(t, export.CSV))).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v", err)
		}
		want := [][]string{export.CSVHeader, {rs[0].From, "Ana Lucía Ortiz", kg.RelAttended, rs[0].To, "Talks, round 2", rs[0].Citations[0].Quote, "source:memo",
			"CURATED", "the delegation is Mexico's, by the curator"}}
		if !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("rows = %q, want %q", rows, want)
		}
	})
	t.Run("empty graph", func(t *testing.T) {
		for _, f := range export.Formats {
			var buf bytes.Buffer
			if err := export.NewWriter(&buf, f).Close(); err != nil {
				t.Fatal(err)
			}
			var err error
			switch f {
			case export.GraphML:
				err = xml.Unmarshal(buf.Bytes(), new(struct{}))
			case export.JSON:
				var doc export.CytoscapeDocument
				err = json.Unmarshal(buf.Bytes(), &doc)
			case export.CSV:
				_, err = csv.NewReader(&buf).ReadAll()
			}
			if err != nil {
				t.Errorf("an empty %s export does not parse: %v", f, err)
			}
		}
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestWriteErrors checks that every format reports the underlying writer's failure.
func TestWriteErrors(t *testing.T) {
	es, rs := graph()
	for _, f := range export.Formats {
		w := export.NewWriter(failingWriter{}, f)
		err := errors.Join(w.Node(es[0]), w.Edge(rs[0], "", ""), w.Close())
		if err == nil {
			t.Errorf("%s: writing to a failing writer gave no error", f)
		}
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range export.Formats {
		if got, err := export.ParseFormat(string(f)); got != f || err != nil {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	for _, s := range []string{"", "GraphML", "xml", "pdf"} {
		if _, err := export.ParseFormat(s); kg.ErrorCode(err) != kg.CodeBadUserInput {
			t.Errorf("ParseFormat(%q) error = %v, want %s", s, err, kg.CodeBadUserInput)
		}
	}
}

// TestNeutralizeCell checks the OWASP rule for CSV cells: a leading character that makes a
// spreadsheet run the cell gets a ' in front; anything else stays as it is.
func TestNeutralizeCell(t *testing.T) {
	tests := []struct{ in, want string }{
		{"=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3", "'-2+3"},
		{"@SUM(A1:A9)", "'@SUM(A1:A9)"},
		{"\t=1", "'\t=1"},
		{"\r=1", "'\r=1"},
		{"\n=1", "'\n=1"},
		{"\uFF1D1+1", "'\uFF1D1+1"},
		{"", ""},
		{"Ana Lucía Ortiz", "Ana Lucía Ortiz"},
		{"person:ana-lucia-ortiz", "person:ana-lucia-ortiz"},
		{"a = b", "a = b"},
		{"'quoted'", "'quoted'"},
		{"Émile", "Émile"},
	}
	for _, tc := range tests {
		if got := export.NeutralizeCell(tc.in); got != tc.want {
			t.Errorf("NeutralizeCell(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
