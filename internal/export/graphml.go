package export

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// GraphMLNamespace is the XML namespace of GraphML documents.
const GraphMLNamespace = "http://graphml.graphdrawing.org/xmlns"

// GraphMLKey is a <key>: the declaration of a node or edge attribute.
type GraphMLKey struct {
	XMLName xml.Name `xml:"key"`
	ID      string   `xml:"id,attr"`
	For     string   `xml:"for,attr"`
	Name    string   `xml:"attr.name,attr"`
	Type    string   `xml:"attr.type,attr"`
}

// GraphMLData is a <data> value of a declared attribute.
type GraphMLData struct {
	Key   string `xml:"key,attr"`
	Value string `xml:",chardata"`
}

// GraphMLNode is a <node>.
type GraphMLNode struct {
	XMLName xml.Name      `xml:"node"`
	ID      string        `xml:"id,attr"`
	Data    []GraphMLData `xml:"data"`
}

// GraphMLEdge is an <edge>.
type GraphMLEdge struct {
	XMLName xml.Name      `xml:"edge"`
	ID      string        `xml:"id,attr"`
	Source  string        `xml:"source,attr"`
	Target  string        `xml:"target,attr"`
	Data    []GraphMLData `xml:"data"`
}

// GraphMLKeys are the attributes every document declares. Multi-valued ones (aliases, citations,
// sources, bases, notes) hold their values one a line, citations, sources, bases and notes index
// for index (a note is one line; "" for none); properties is a JSON object, claims a JSON list
// (only where sources disagree or say more than the values, kg.Entity.Claims). "label" repeats the name (of an entity) or the type (of a relation) because Gephi
// labels nodes and edges with the attribute of that name.
var GraphMLKeys = []GraphMLKey{
	{ID: "label", For: "node", Name: "label", Type: "string"},
	{ID: "name", For: "node", Name: "name", Type: "string"},
	{ID: "kind", For: "node", Name: "kind", Type: "string"},
	{ID: "aliases", For: "node", Name: "aliases", Type: "string"},
	{ID: "description", For: "node", Name: "description", Type: "string"},
	{ID: "properties", For: "node", Name: "properties", Type: "string"},
	{ID: "citations", For: "node", Name: "citations", Type: "string"},
	{ID: "sources", For: "node", Name: "sources", Type: "string"},
	{ID: "bases", For: "node", Name: "bases", Type: "string"},
	{ID: "notes", For: "node", Name: "notes", Type: "string"},
	{ID: "claims", For: "node", Name: "claims", Type: "string"},
	{ID: "elabel", For: "edge", Name: "label", Type: "string"},
	{ID: "type", For: "edge", Name: "type", Type: "string"},
	{ID: "eproperties", For: "edge", Name: "properties", Type: "string"},
	{ID: "ecitations", For: "edge", Name: "citations", Type: "string"},
	{ID: "esources", For: "edge", Name: "sources", Type: "string"},
	{ID: "ebases", For: "edge", Name: "bases", Type: "string"},
	{ID: "enotes", For: "edge", Name: "notes", Type: "string"},
	{ID: "eclaims", For: "edge", Name: "claims", Type: "string"},
}

type graphMLWriter struct {
	w     io.Writer
	enc   *xml.Encoder
	edges int
	err   error
}

func newGraphMLWriter(w io.Writer) *graphMLWriter {
	g := &graphMLWriter{w: w, enc: xml.NewEncoder(w)}
	g.enc.Indent("", " ")
	_, g.err = io.WriteString(w, xml.Header)
	g.start(xml.StartElement{Name: xml.Name{Local: "graphml"}, Attr: []xml.Attr{{Name: xml.Name{Local: "xmlns"}, Value: GraphMLNamespace}}})
	for _, k := range GraphMLKeys {
		g.encode(k)
	}
	g.start(xml.StartElement{Name: xml.Name{Local: "graph"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "id"}, Value: "diplograph"},
		{Name: xml.Name{Local: "edgedefault"}, Value: "directed"},
	}})
	return g
}

func (g *graphMLWriter) start(el xml.StartElement) {
	if g.err == nil {
		g.err = g.enc.EncodeToken(el)
	}
}

func (g *graphMLWriter) encode(v any) {
	if g.err == nil {
		g.err = g.enc.Encode(v)
	}
}

// data returns the <data> elements of the non-empty values of keys and values, pairwise.
func data(kv ...string) []GraphMLData {
	var out []GraphMLData
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			out = append(out, GraphMLData{Key: kv[i], Value: kv[i+1]})
		}
	}
	return out
}

func propsJSON(p map[string]any) string {
	if len(p) == 0 {
		return ""
	}
	b, err := json.Marshal(p)
	if err != nil {
		return ""
	}
	return string(b)
}

func claimsJSON(cs []kg.Claim) string {
	if len(cs) == 0 {
		return ""
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return ""
	}
	return string(b)
}

func (g *graphMLWriter) Node(e *kg.Entity) error {
	g.encode(GraphMLNode{ID: e.ID, Data: data(
		"label", e.Name,
		"name", e.Name,
		"kind", string(e.Kind),
		"aliases", strings.Join(e.Aliases, "\n"),
		"description", e.Description,
		"properties", propsJSON(e.Properties),
		"citations", strings.Join(quotes(e.Citations), "\n"),
		"sources", strings.Join(sources(e.Citations), "\n"),
		"bases", strings.Join(bases(e.Citations), "\n"),
		"notes", notes(e.Citations),
		"claims", claimsJSON(e.Claims),
	)})
	return g.err
}

func (g *graphMLWriter) Edge(r *kg.Relation, _, _ string) error {
	g.encode(GraphMLEdge{ID: fmt.Sprintf("e%d", g.edges), Source: r.From, Target: r.To, Data: data(
		"elabel", r.Type,
		"type", r.Type,
		"eproperties", propsJSON(r.Properties),
		"ecitations", strings.Join(quotes(r.Citations), "\n"),
		"esources", strings.Join(sources(r.Citations), "\n"),
		"ebases", strings.Join(bases(r.Citations), "\n"),
		"enotes", notes(r.Citations),
		"eclaims", claimsJSON(r.Claims),
	)})
	g.edges++
	return g.err
}

func (g *graphMLWriter) Close() error {
	for _, name := range []string{"graph", "graphml"} {
		if g.err == nil {
			g.err = g.enc.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
		}
	}
	if g.err == nil {
		g.err = g.enc.Close()
	}
	if g.err == nil {
		_, g.err = io.WriteString(g.w, "\n")
	}
	return g.err
}
