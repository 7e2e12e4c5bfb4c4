// Package export writes graphs in the formats the tools researchers already use can open:
// GraphML (Gephi, yEd), Cytoscape.js elements (JSON) and CSV edge lists (spreadsheets, pandas).
//
// A Writer streams: it writes each entity and relation as it is given them, keeping nothing but
// what the format's framing needs, so a whole graph never has to be in memory. Entities come
// first, then relations, which is the order GraphML readers and Cytoscape.js expect.
package export

import (
	"io"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Format is an export format, named as the export endpoint's format parameter names it.
type Format string

// The formats.
const (
	GraphML Format = "graphml" // GraphML 1.0, attributes declared as <key>s
	JSON    Format = "json"    // Cytoscape.js: {"elements": {"nodes": [...], "edges": [...]}}
	CSV     Format = "csv"     // one row per relation, with a header row
)

// Formats lists every format, in the order messages name them.
var Formats = []Format{GraphML, JSON, CSV}

// ParseFormat returns the format named s, or a CodeBadUserInput error naming the formats.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = string(f)
	}
	return "", kg.Errorf(kg.CodeBadUserInput, "unknown export format %q: use one of %s", s, strings.Join(names, ", "))
}

// ContentType returns the media type of f's documents.
func (f Format) ContentType() string {
	switch f {
	case GraphML:
		return "application/graphml+xml; charset=utf-8"
	case JSON:
		return "application/json"
	}
	return "text/csv; charset=utf-8; header=present"
}

// Extension returns the file name extension of f's documents, without the dot.
func (f Format) Extension() string { return string(f) }

// NeedsEndNames reports whether f's Edge writes the names of a relation's ends (CSV does), so
// that a caller fetches them only when they are written.
func (f Format) NeedsEndNames() bool { return f == CSV }

// Writer writes one graph document. Call Node for every entity, then Edge for every relation,
// then Close, which finishes the document and flushes it to the underlying writer; the document
// is complete only after a Close that returns nil. Each method returns the first error of the
// underlying writer.
type Writer interface {
	// Node writes an entity.
	Node(e *kg.Entity) error
	// Edge writes a relation; fromName and toName are its ends' names, which only formats that
	// NeedsEndNames use.
	Edge(r *kg.Relation, fromName, toName string) error
	// Close finishes the document.
	Close() error
}

// NewWriter returns a Writer of format f onto w.
func NewWriter(w io.Writer, f Format) Writer {
	switch f {
	case GraphML:
		return newGraphMLWriter(w)
	case JSON:
		return newCytoscapeWriter(w)
	}
	return newCSVWriter(w)
}

// quotes returns the quotes of cs, in order.
func quotes(cs []kg.Citation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Quote
	}
	return out
}

// sources returns the source ids of cs, in order.
func sources(cs []kg.Citation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Source
	}
	return out
}

// bases returns the bases of cs, in order, STATED written out.
func bases(cs []kg.Citation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = string(c.Basis.Or())
	}
	return out
}

// notes returns the notes of cs one a line ("" for a citation without one), or "" when none has
// one.
func notes(cs []kg.Citation) string {
	out := make([]string, len(cs))
	has := false
	for i, c := range cs {
		out[i] = c.Note
		has = has || c.Note != ""
	}
	if !has {
		return ""
	}
	return strings.Join(out, "\n")
}
