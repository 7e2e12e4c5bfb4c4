package export

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/diplograph/diplograph/internal/kg"
)

// CytoscapeDocument is the shape of a JSON export: Cytoscape.js elements, which
// cytoscape({elements: doc.elements}) or cy.add(doc.elements) load as they are.
type CytoscapeDocument struct {
	Elements struct {
		Nodes []CytoscapeElement[CytoscapeNode] `json:"nodes"`
		Edges []CytoscapeElement[CytoscapeEdge] `json:"edges"`
	} `json:"elements"`
}

// CytoscapeElement is one element: its fields sit under "data", as Cytoscape.js wants them.
type CytoscapeElement[T any] struct {
	Data T `json:"data"`
}

// CytoscapeNode is the data of an entity.
type CytoscapeNode struct {
	ID          string         `json:"id"`
	Label       string         `json:"label"` // the name
	Kind        kg.Kind        `json:"kind"`
	Aliases     []string       `json:"aliases,omitempty"`
	Description string         `json:"description,omitempty"`
	Properties  map[string]any `json:"properties,omitempty"`
	Citations   []kg.Citation  `json:"citations"`
	// Claims are present where sources disagree or say more than the values (kg.Entity.Claims).
	Claims []kg.Claim `json:"claims,omitempty"`
}

// CytoscapeEdge is the data of a relation.
type CytoscapeEdge struct {
	ID         string         `json:"id"`
	Source     string         `json:"source"`
	Target     string         `json:"target"`
	Label      string         `json:"label"` // the type
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties,omitempty"`
	Citations  []kg.Citation  `json:"citations"`
	Claims     []kg.Claim     `json:"claims,omitempty"`
}

// cytoscapeWriter writes the document's framing itself and each element with encoding/json, so
// that elements stream out one by one.
type cytoscapeWriter struct {
	w            io.Writer
	nodes, edges int
	inEdges      bool
	err          error
}

func newCytoscapeWriter(w io.Writer) *cytoscapeWriter {
	c := &cytoscapeWriter{w: w}
	c.write(`{"elements":{"nodes":[`)
	return c
}

func (c *cytoscapeWriter) write(s string) {
	if c.err == nil {
		_, c.err = io.WriteString(c.w, s)
	}
}

func (c *cytoscapeWriter) element(sep bool, v any) {
	if sep {
		c.write(",")
	}
	c.write("\n")
	if c.err != nil {
		return
	}
	b, err := json.Marshal(v)
	if err != nil {
		c.err = err
		return
	}
	_, c.err = c.w.Write(b)
}

func (c *cytoscapeWriter) Node(e *kg.Entity) error {
	if c.inEdges {
		return fmt.Errorf("export: entity %s written after relations", e.ID)
	}
	c.element(c.nodes > 0, CytoscapeElement[CytoscapeNode]{Data: CytoscapeNode{
		ID: e.ID, Label: e.Name, Kind: e.Kind, Aliases: e.Aliases, Description: e.Description,
		Properties: e.Properties, Citations: nonNil(e.Citations), Claims: e.Claims,
	}})
	c.nodes++
	return c.err
}

func (c *cytoscapeWriter) startEdges() {
	if !c.inEdges {
		c.inEdges = true
		c.write(`],"edges":[`)
	}
}

func (c *cytoscapeWriter) Edge(r *kg.Relation, _, _ string) error {
	c.startEdges()
	c.element(c.edges > 0, CytoscapeElement[CytoscapeEdge]{Data: CytoscapeEdge{
		ID: fmt.Sprintf("e%d", c.edges), Source: r.From, Target: r.To, Label: r.Type, Type: r.Type,
		Properties: r.Properties, Citations: nonNil(r.Citations), Claims: r.Claims,
	}})
	c.edges++
	return c.err
}

func (c *cytoscapeWriter) Close() error {
	c.startEdges()
	c.write("]}}\n")
	return c.err
}

func nonNil(cs []kg.Citation) []kg.Citation {
	if cs == nil {
		return []kg.Citation{}
	}
	return cs
}
