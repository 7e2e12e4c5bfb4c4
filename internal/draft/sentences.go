package draft

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a stretch of the text, by byte offsets.
type span struct{ start, end int }

// sentences splits text into sentences: a sentence ends at a period, question or exclamation mark
// (and any closing quotes or parentheses after it) followed by white space and a capital, a digit
// or an opening quote, unless the word the period ends is an abbreviation of the lexicon ("U.S.")
// or an initial ("J."); a blank line always ends one. The spans exclude the white space around
// sentences, so each sentence is a verbatim quote of the text.
//
// Why not a library: on the seed release, github.com/neurosnap/sentences (and prose, which splits
// the same way) broke three of sixteen sentences after "U.S." inside a name, and "U.S." is in
// nearly every sentence of this register (docs/drafting.md).
func sentences(text string) []span {
	var out []span
	start := -1
	emit := func(end int) {
		if start >= 0 {
			s := strings.TrimRightFunc(text[start:end], unicode.IsSpace)
			if s != "" {
				out = append(out, span{start, start + len(s)})
			}
		}
		start = -1
	}
	for i := 0; i < len(text); {
		r, size := utf8.DecodeRuneInString(text[i:])
		if start < 0 {
			if !unicode.IsSpace(r) {
				start = i
			}
			i += size
			continue
		}
		if r == '\n' && blankLineAt(text, i) {
			emit(i)
			i += size
			continue
		}
		if r == '.' || r == '?' || r == '!' {
			end := i + size
			for end < len(text) {
				c, n := utf8.DecodeRuneInString(text[end:])
				if !strings.ContainsRune(`"'”’)]`, c) {
					break
				}
				end += n
			}
			if endsSentence(text, start, i, end) {
				emit(end)
				i = end
				continue
			}
		}
		i += size
	}
	emit(len(text))
	return out
}

// blankLineAt reports whether the newline at i is followed by a line of white space only.
func blankLineAt(text string, i int) bool {
	for j := i + 1; j < len(text); j++ {
		switch text[j] {
		case '\n':
			return true
		case ' ', '\t', '\r':
			continue
		}
		return false
	}
	return true
}

// endsSentence reports whether the mark at i (through end) ends the sentence that began at start.
func endsSentence(text string, start, i, end int) bool {
	next := end
	for next < len(text) {
		c, n := utf8.DecodeRuneInString(text[next:])
		if !unicode.IsSpace(c) {
			break
		}
		next += n
	}
	if next == end && next < len(text) {
		return false // no white space: "U.S.-Mexico", "3.5"
	}
	if next < len(text) {
		c, _ := utf8.DecodeRuneInString(text[next:])
		if !unicode.IsUpper(c) && !unicode.IsDigit(c) && !strings.ContainsRune(`"“'‘(`, c) {
			return false
		}
	}
	if text[i] != '.' {
		return true
	}
	// The word the period ends.
	w := i
	for w > start {
		c, n := utf8.DecodeLastRuneInString(text[start:w])
		if unicode.IsSpace(c) || c == '(' {
			break
		}
		w -= n
	}
	word := text[w : i+1]
	if r, n := utf8.DecodeRuneInString(word); n+1 == len(word) && unicode.IsUpper(r) {
		return false // an initial
	}
	if lex().abbreviations[word] {
		nw := text[next:]
		if k := strings.IndexFunc(nw, func(r rune) bool { return !unicode.IsLetter(r) }); k >= 0 {
			nw = nw[:k]
		}
		return lex().sentenceStarts[nw]
	}
	return true
}
