package export

import (
	"encoding/csv"
	"io"
	"strings"
	"unicode/utf8"

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
	row := []string{r.From, fromName, r.Type, r.To, toName, quote, source, basis, note}
	for i := range row {
		row[i] = NeutralizeCell(row[i])
	}
	c.err = c.w.Write(row)
	return c.err
}

// formulaStarts are the first characters that make a spreadsheet read a cell as a formula: the
// ones OWASP lists for CSV injection (=, +, -, @, tab, carriage return), line feed and NUL, and
// the full-width =, +, - and @ that some spreadsheets read the same way.
const formulaStarts = "=+-@\t\r\n\x00\uFF1D\uFF0B\uFF0D\uFF20"

// NeutralizeCell returns s with a ' in front when it starts with a character in formulaStarts,
// as OWASP advises against CSV injection: a spreadsheet then shows the text instead of running
// it (quotes and names come from outside documents, so "=HYPERLINK(...)" is possible). Other
// cells come back as they are. A program that reads the CSV as data sees the ', and can drop a
// leading ' that precedes one of those characters.
func NeutralizeCell(s string) string {
	if r, _ := utf8.DecodeRuneInString(s); s != "" && strings.ContainsRune(formulaStarts, r) {
		return "'" + s
	}
	return s
}

func (c *csvWriter) Close() error {
	if c.err != nil {
		return c.err
	}
	c.w.Flush()
	return c.w.Error()
}
