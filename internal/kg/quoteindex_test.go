package kg

import (
	"fmt"
	"strings"
	"testing"
)

// TestQuoteIndexAgreesWithQuoteOccurs asks one index about many quotes, so that it answers the
// first ones by scanning and the rest from its suffix array, and checks every answer against
// QuoteOccurs.
func TestQuoteIndexAgreesWithQuoteOccurs(t *testing.T) {
	var b strings.Builder
	for i := range 400 {
		fmt.Fprintf(&b, "Paragraph %d: the delegation of “Country %d” met in\n\n  Room %d. ", i, i*7, i%13)
	}
	text := b.String()
	x := newQuoteIndex(text)
	var quotes []string
	for i := range 200 {
		quotes = append(quotes,
			fmt.Sprintf(`the delegation of "Country %d" met in Room %d.`, i*7, i%13), // present, quotes and space folded
			fmt.Sprintf("the delegation of “Country %d”  met", i*7),                  // present
			fmt.Sprintf("the delegation of Country %d met", i*7),                     // absent: the quotes are missing
			fmt.Sprintf("Paragraph %d: The delegation", i),                           // absent: case differs
			fmt.Sprintf("Room %d. Paragraph %d:", i%13, i+1),                         // present, across paragraphs
		)
	}
	quotes = append(quotes, "Paragraph 0:", "Room 11. ", "Room 11.", "", "  ", "Paragraph 400")
	for _, q := range quotes {
		if got, want := x.contains(q), QuoteOccurs(text, q); got != want {
			t.Errorf("contains(%q) = %v, want %v (asked %d times, suffix array built: %v)", q, got, want, x.asked, x.suffix != nil)
		}
	}
	if x.suffix == nil {
		t.Errorf("after %d look-ups the index built no suffix array", len(quotes))
	}
}
