package draft

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// token is a word or a punctuation mark of a sentence, by byte offsets in the text.
type token struct {
	s          string
	start, end int
}

// tokenize splits the sentence sp of text into words and punctuation marks. A word keeps its
// inner punctuation ("U.S.-Mexico", "Nuñez-Neto", "Mexico's") and a final period when it is an
// abbreviation or an initial ("U.S.", "J."); quotes, parentheses, commas and the like are tokens
// of their own.
func tokenize(text string, sp span) []token {
	var out []token
	s := text[sp.start:sp.end]
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		j := i
		for j < len(s) {
			c, m := utf8.DecodeRuneInString(s[j:])
			if unicode.IsSpace(c) {
				break
			}
			j += m
		}
		out = append(out, splitWord(s[i:j], sp.start+i)...)
		i = j
	}
	return out
}

const leadingMarks = `("“‘'[`
const trailingMarks = `,;:.)"”’'?!]`

func splitWord(w string, at int) []token {
	var head, tail []token
	for w != "" {
		r, n := utf8.DecodeRuneInString(w)
		if !strings.ContainsRune(leadingMarks, r) {
			break
		}
		head = append(head, token{w[:n], at, at + n})
		w, at = w[n:], at+n
	}
	for w != "" {
		r, n := utf8.DecodeLastRuneInString(w)
		if !strings.ContainsRune(trailingMarks, r) {
			break
		}
		if r == '.' && keepsPeriod(w) {
			break
		}
		if r == '\'' || r == '’' {
			// "Mexico's" keeps its apostrophe; only a quote that closes is a mark.
			if len(head) == 0 || !strings.ContainsAny(head[len(head)-1].s, "'‘") {
				break
			}
		}
		tail = append([]token{{w[len(w)-n:], at + len(w) - n, at + len(w)}}, tail...)
		w = w[:len(w)-n]
	}
	out := head
	if w != "" {
		out = append(out, token{w, at, at + len(w)})
	}
	return append(out, tail...)
}

// keepsPeriod reports whether the period ending w belongs to it: an abbreviation or an initial.
func keepsPeriod(w string) bool {
	if lex().abbreviations[w] {
		return true
	}
	r, n := utf8.DecodeRuneInString(w)
	return n+1 == len(w) && unicode.IsUpper(r)
}

// isCap reports whether t may be a word of a name: it starts with a capital, or it is an ordinal
// or a year ("14th", "21st", "2023") or an acronym with digits ("21CB").
func isCap(t string) bool {
	r, _ := utf8.DecodeRuneInString(t)
	return unicode.IsUpper(r) || unicode.IsDigit(r) && strings.IndexFunc(t, unicode.IsLetter) != 0
}

// isAcronym reports whether t is an acronym: 2 to 8 capitals and digits with at least two capitals.
func isAcronym(t string) bool {
	caps := 0
	for _, r := range t {
		switch {
		case unicode.IsUpper(r):
			caps++
		case unicode.IsDigit(r):
		default:
			return false
		}
	}
	return caps >= 2 && len(t) <= 8
}

// connectors may join the words of one name ("Secretariat of the Economy").
var connectors = map[string]bool{"of": true, "the": true, "and": true, "for": true, "de": true, "del": true, "y": true, "la": true, "on": true}
