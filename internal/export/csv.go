package export

import (
	"encoding/csv"
	"io"

	"github.com/diplograph/diplograph/internal/kg"
)

// CSVHeader is the header row of a CSV export; each further row is one relation. quote is the
// relation's first quote, source the id of the source it is from, basis and note how it supports
// the relation.
var CSVHeader = []string{"from_id", "from_name", "type", "to_id", "to_name", "quote", "source", "basis", "note"}

type csvWriter struct {
	w   *csv.Writer
	err error
}

func newCSVWriter(w io.Writer) *csvWriter {
	c := &csvWriter{w: csv.NewWriter(w)}
	c.err = c.w.Write(CSVHeader)
	return c
}

// Node writes nothing: a CSV export is an edge list.
func (c *csvWriter) Node(*kg.Entity) error { return c.err }

func (c *csvWriter) Edge(r *kg.Relation, fromName, toName string) error {
	if c.err != nil {
		return c.err
	}
	var quote, source, basis, note string
	if len(r.Citations) > 0 {
		c0 := r.Citations[0]
		quote, source, basis, note = c0.Quote, c0.Source, string(c0.Basis.Or()), c0.Note
	}
	c.err = c.w.Write([]string{r.From, fromName, r.Type, r.To, toName, quote, source, basis, note})
	return c.err
}

func (c *csvWriter) Close() error {
	if c.err != nil {
		return c.err
	}
	c.w.Flush()
	return c.w.Error()
}
