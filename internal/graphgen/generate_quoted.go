package graphgen

import (
	"fmt"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// GenerateQuoted returns Generate(n) as a real curated bundle would cite it: one long source
// (about 40 bytes per entity: 1.6 MB at 40,000 entities) with a sentence about each entity, which
// that entity's citation quotes, and each relation quoting its From entity's sentence. Every
// quote is different and most are far into the text, so checking them costs what the text's
// length makes it cost.
func GenerateQuoted(n int) *kg.Bundle {
	b := Generate(n)
	var text strings.Builder
	sentence := make(map[string]string, len(b.Entities))
	for i, e := range b.Entities {
		s := fmt.Sprintf("Record %d names %s.", i, e.Name)
		sentence[e.ID] = s
		text.WriteString(s)
		text.WriteString(" ")
	}
	src := &b.Sources[0]
	src.Text = text.String()
	for i := range b.Entities {
		e := &b.Entities[i]
		e.Citations = []kg.Citation{{Source: src.ID, Quote: sentence[e.ID]}}
	}
	for i := range b.Relations {
		r := &b.Relations[i]
		r.Citations = []kg.Citation{{Source: src.ID, Quote: sentence[r.From]}}
	}
	return b
}
