package kg

import (
	"index/suffixarray"
	"strings"
)

// quoteIndex answers, for one source's text, whether quotes occur in it (as QuoteOccurs compares
// them). A bundle cites one source many times: looking for each quote in the whole text costs
// quotes × text length, which made a 40,000-entity import citing a 1 MB source take 16 s. After a
// few look-ups the index builds a suffix array of the text once (linear in its length), and each
// later look-up costs about the quote's length × log(text length).
type quoteIndex struct {
	text   string // squeezed (squeezeQuote)
	asked  int
	suffix *suffixarray.Index
}

// quoteScans is how many quotes are looked for by scanning the text before the suffix array is
// built: building it costs about as much as this many scans, so a write citing a long source a
// few times never pays for it.
const quoteScans = 32

func newQuoteIndex(text string) *quoteIndex { return &quoteIndex{text: squeezeQuote(text)} }

// contains reports whether quote occurs in the text; an empty quote never does.
func (x *quoteIndex) contains(quote string) bool {
	q := squeezeQuote(quote)
	if q == "" {
		return false
	}
	if x.suffix == nil {
		x.asked++
		if x.asked <= quoteScans || len(x.text) < 4<<10 {
			return strings.Contains(x.text, q)
		}
		x.suffix = suffixarray.New([]byte(x.text))
	}
	return len(x.suffix.Lookup([]byte(q), 1)) > 0
}
