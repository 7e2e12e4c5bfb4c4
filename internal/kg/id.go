package kg

import (
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Fold returns s lower-cased, with accents removed, typographic quotes and dashes made ASCII and
// runs of white space squeezed to one space. It is the one normal form used to compare names,
// search text and quotes, so "Nuñez-Neto" and "nunez-neto" are equal.
func Fold(s string) string {
	if isPlainASCII(s) {
		return foldASCII(s)
	}
	t := foldChains.Get().(transform.Transformer)
	out, _, err := transform.String(t, s) // String resets t first
	foldChains.Put(t)
	if err != nil {
		out = s
	}
	out = strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u201A', '\u201B', '\u2032':
			return '\''
		case '\u201C', '\u201D', '\u201E', '\u201F', '\u2033':
			return '"'
		case '\u2010', '\u2011', '\u2012', '\u2013', '\u2014', '\u2015', '\u2212':
			return '-'
		case '\u00A0':
			return ' '
		}
		return unicode.ToLower(r)
	}, out)
	return strings.Join(strings.Fields(out), " ")
}

// foldChains pools the accent-removing transformer Fold uses: a chain holds buffers that cost far
// more to allocate than to reuse, and it may serve one caller at a time.
var foldChains = sync.Pool{New: func() any {
	return transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)
}}

// Slug returns the ASCII slug of name: folded, with every run of characters other than ASCII
// letters and digits turned into one hyphen, e.g. "Blas Nuñez-Neto" -> "blas-nunez-neto".
func Slug(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range Fold(name) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return b.String()
}

// NewID returns the stable, readable id of an entity of kind k named name: "<kind>:<slug>".
func NewID(k Kind, name string) string { return k.Prefix() + ":" + Slug(name) }

// ValidID reports whether id has the form "<kind>:<slug>" for a known kind (or "source:<slug>"),
// with a slug of lower-case ASCII letters, digits and single inner hyphens (a slug Slug returns
// unchanged).
func ValidID(id string) bool {
	prefix, slug, ok := strings.Cut(id, ":")
	if !ok || slug == "" {
		return false
	}
	if prefix != "source" && !Kind(strings.ToUpper(prefix)).Valid() {
		return false
	}
	for i := 0; i < len(slug); i++ {
		c := slug[i]
		switch {
		case c >= 'a' && c <= 'z' || c >= '0' && c <= '9':
		case c == '-' && i > 0 && i < len(slug)-1 && slug[i-1] != '-':
		default:
			return false
		}
	}
	return true
}

// QuoteOccurs reports whether quote occurs verbatim in text, comparing with white space squeezed
// and typographic quotes folded to ASCII ones; case, accents and every other character must match.
// An empty quote never occurs.
func QuoteOccurs(text, quote string) bool {
	q := squeezeQuote(quote)
	return q != "" && strings.Contains(squeezeQuote(text), q)
}

func squeezeQuote(s string) string {
	if isSqueezed(s) {
		return s
	}
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u201A', '\u201B':
			return '\''
		case '\u201C', '\u201D', '\u201E', '\u201F':
			return '"'
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// isPlainASCII reports whether s has only ASCII characters, which Fold need not decompose.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// foldASCII is Fold for ASCII text: lower-cased, white space squeezed to single spaces, in one
// pass, and without allocating when s already is.
func foldASCII(s string) string {
	if isSqueezed(s) && strings.ToLower(s) == s {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case ' ', '\t', '\n', '\v', '\f', '\r':
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		b.WriteByte(c)
	}
	return b.String()
}

// isSqueezed reports whether s is plain ASCII with no typographic quotes to fold and no white
// space but single inner spaces, so squeezing it (or folding, when lower-case) changes nothing.
func isSqueezed(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 0x80:
			return false
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		}
	}
	return true
}
