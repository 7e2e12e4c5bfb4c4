package neo4jstore

import (
	"strings"
)

// Lucene's query syntax, for the full-text indexes' queries.

// escapeLucene escapes every character that Lucene's classic query parser treats specially.
func escapeLucene(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`+-&|!(){}[]^"~*?:\/`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	out := b.String()
	// Bare AND, OR and NOT are operators; lower-case tokens never are, but be safe.
	switch out {
	case "AND", "OR", "NOT":
		return `\` + out
	}
	return out
}

// escapePhrase escapes s for a quoted Lucene phrase: only the quote and the backslash are special
// there.
func escapePhrase(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}
