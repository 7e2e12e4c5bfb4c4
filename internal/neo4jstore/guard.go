package neo4jstore

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/diplograph/diplograph/internal/kg"
)

// The lexical guard is one of the independent layers that keep analysts' ad hoc Cypher
// read-only (see cypher.go). It reads the statement as Neo4j's lexer would: comments, string
// literals and backquoted names are recognised and never mistaken for clauses, so a keyword
// inside a string is harmless and a clause after a comment is seen. Where the guard and Neo4j
// could disagree it errs towards seeing more code than there is: line comments end at any line
// break character, and a backslash outside a string (Neo4j reads unicode escapes in names) is
// refused outright.
//
// A word counts as a keyword unless it is written in backquotes, follows "." (a property or a
// namespace), follows ":" (a label or a type) or is followed by ":" (a map key). So a variable
// named like a clause ("show", "set", "use") must be backquoted.

// tokenKind tells what a token is.
type tokenKind int

const (
	tokWord   tokenKind = iota // an unquoted name or keyword
	tokQuoted                  // a `backquoted` name
	tokString                  // a 'string' or "string" literal
	tokNumber                  // a number literal
	tokParam                   // a $parameter
	tokPunct                   // one character of punctuation
)

// token is one lexical token of a Cypher statement.
type token struct {
	kind tokenKind
	text string // a word as written, a quoted name unescaped, a punctuation character
	pos  int    // byte offset in the statement
}

// lineBreak reports whether r ends a // comment: any vertical white space, so that the guard
// never reads code as a comment when Neo4j would not.
func lineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', 0x85, 0x2028, 0x2029:
		return true
	}
	return false
}

// Words are runs of letters, digits and underscores. Neo4j's names may hold more characters than
// that, never fewer, so every keyword Neo4j reads is a whole word to the guard too.
func wordStart(r rune) bool { return r == '_' || unicode.IsLetter(r) }
func wordPart(r rune) bool  { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
func isDigit(b byte) bool   { return b >= '0' && b <= '9' }
func isHex(b byte) bool     { return isDigit(b) || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F' }

// skip returns the offset of the first byte from i on that is not ok.
func skip(text string, i int, ok func(byte) bool) int {
	for i < len(text) && ok(text[i]) {
		i++
	}
	return i
}

// skipWord returns the offset just after the word that starts at i.
func skipWord(text string, i int) int {
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		if !wordPart(r) {
			break
		}
		i += size
	}
	return i
}

// numberEnd returns the offset just after the number literal that starts at i: 0x or 0o digits,
// or decimal digits (with _) and an optional fraction and exponent. Letters after it start a
// word, as they do for Neo4j ("LIMIT 1CREATE" is LIMIT 1 followed by CREATE).
func numberEnd(text string, i int) int {
	if strings.HasPrefix(text[i:], "0x") || strings.HasPrefix(text[i:], "0X") {
		return skip(text, i+2, isHex)
	}
	if strings.HasPrefix(text[i:], "0o") {
		return skip(text, i+2, isDigit)
	}
	digitOrUnderscore := func(b byte) bool { return isDigit(b) || b == '_' }
	i = skip(text, i, digitOrUnderscore)
	if i+1 < len(text) && text[i] == '.' && isDigit(text[i+1]) {
		i = skip(text, i+1, digitOrUnderscore)
	}
	if i < len(text) && (text[i] == 'e' || text[i] == 'E') {
		j := i + 1
		if j < len(text) && (text[j] == '+' || text[j] == '-') {
			j++
		}
		if j < len(text) && isDigit(text[j]) {
			i = skip(text, j, isDigit)
		}
	}
	return i
}

// tokenize splits a statement into tokens without white space and comments. An unterminated
// string, comment or backquoted name is a CodeCypherSyntax error; a backslash outside a string
// is a CodeCypherForbidden one.
func tokenize(text string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		start := i
		switch {
		case unicode.IsSpace(r):
			i += size
		case strings.HasPrefix(text[i:], "//"):
			i += 2
			for i < len(text) {
				r, size := utf8.DecodeRuneInString(text[i:])
				if lineBreak(r) {
					break
				}
				i += size
			}
		case strings.HasPrefix(text[i:], "/*"):
			end := strings.Index(text[i+2:], "*/")
			if end < 0 {
				return nil, guardError(kg.CodeCypherSyntax, text, start, "a comment starting with /* must end with */")
			}
			i += 2 + end + 2
		case r == '\'' || r == '"':
			i += size
			closed := false
			for i < len(text) {
				c, csize := utf8.DecodeRuneInString(text[i:])
				i += csize
				if c == '\\' {
					_, esize := utf8.DecodeRuneInString(text[i:])
					i += esize
					continue
				}
				if c == r {
					closed = true
					break
				}
			}
			if !closed {
				return nil, guardError(kg.CodeCypherSyntax, text, start, "a string starting here has no closing %c", r)
			}
			toks = append(toks, token{kind: tokString, pos: start})
		case r == '`':
			name, n, ok := quotedName(text[i:])
			if !ok {
				return nil, guardError(kg.CodeCypherSyntax, text, start, "a name starting with ` must end with `")
			}
			i += n
			toks = append(toks, token{kind: tokQuoted, text: name, pos: start})
		case r == '$':
			// A parameter is $name or $digits: "$1CREATE" is $1 followed by CREATE to Neo4j.
			i += size
			switch {
			case i < len(text) && text[i] == '`':
				name, n, ok := quotedName(text[i:])
				if !ok {
					return nil, guardError(kg.CodeCypherSyntax, text, start, "a name starting with ` must end with `")
				}
				i += n
				toks = append(toks, token{kind: tokParam, text: name, pos: start})
				continue
			case i < len(text) && isDigit(text[i]):
				i = skip(text, i, isDigit)
			default:
				i = skipWord(text, i)
			}
			toks = append(toks, token{kind: tokParam, text: text[start+1 : i], pos: start})
		case r == '\\':
			return nil, guardError(kg.CodeCypherForbidden, text, start, "a backslash may only appear inside a string literal")
		case isDigit(text[i]):
			i = numberEnd(text, i)
			toks = append(toks, token{kind: tokNumber, text: text[start:i], pos: start})
		case wordStart(r):
			i = skipWord(text, i)
			toks = append(toks, token{kind: tokWord, text: text[start:i], pos: start})
		default:
			i += size
			toks = append(toks, token{kind: tokPunct, text: text[start:i], pos: start})
		}
	}
	return toks, nil
}

// quotedName reads the backquoted name at the start of s (a doubled backquote is one backquote)
// and returns it, the bytes it took, and false if it does not end.
func quotedName(s string) (string, int, bool) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		if s[i] != '`' {
			b.WriteByte(s[i])
			continue
		}
		if i+1 < len(s) && s[i+1] == '`' {
			b.WriteByte('`')
			i++
			continue
		}
		return b.String(), i + 1, true
	}
	return "", 0, false
}

// readOnlyProcedures are the procedures analysts may CALL: they describe the schema or search the
// full-text indexes, and write nothing.
var readOnlyProcedures = []string{
	"db.labels",
	"db.relationshipTypes",
	"db.propertyKeys",
	"db.schema.visualization",
	"db.schema.nodeTypeProperties",
	"db.schema.relTypeProperties",
	"db.index.fulltext.queryNodes",
	"db.index.fulltext.queryRelationships",
}

// adminKeywords start administration and system commands wherever they stand as keywords.
var adminKeywords = []string{
	"SHOW", "GRANT", "DENY", "REVOKE", "TERMINATE", "USE", "DROP", "ALTER", "RENAME",
	"DEALLOCATE", "REALLOCATE", "DRYRUN",
}

// adminCreations are the words after CREATE that make it an administration or schema command.
var adminCreations = []string{
	"USER", "ROLE", "DATABASE", "COMPOSITE", "ALIAS", "SERVER", "INDEX", "CONSTRAINT", "OR",
	"RANGE", "TEXT", "POINT", "LOOKUP", "FULLTEXT", "VECTOR", "BTREE",
}

// writeKeywords start clauses that write.
var writeKeywords = []string{"CREATE", "MERGE", "SET", "DELETE", "DETACH", "NODETACH", "REMOVE", "FOREACH", "INSERT"}

// checkStatement is the lexical layer: it returns nil for text that may run, and otherwise a
// *kg.Error whose Details give the position of the first offending token: CodeCypherForbidden
// for several statements, LOAD CSV, administration and schema commands, CALL ... IN
// TRANSACTIONS, EXPLAIN/PROFILE and procedures outside readOnlyProcedures; CodeCypherNotReadOnly
// for write clauses (when nothing is forbidden); CodeCypherUnbounded for loops inside a row that
// nothing could stop (guard_bounds.go); CodeCypherSyntax when the text cannot be read.
func checkStatement(text string) error {
	toks, err := tokenize(text)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return kg.Errorf(kg.CodeBadUserInput, "the Cypher query is empty")
	}
	var write error
	for i, t := range toks {
		if t.kind == tokPunct && t.text == ";" {
			if i < len(toks)-1 {
				return guardError(kg.CodeCypherForbidden, text, toks[i+1].pos,
					"only one statement may be sent at a time; a ; may only end the statement")
			}
			continue
		}
		if !isKeyword(toks, i) {
			continue
		}
		kw := keyword(t)
		next := ""
		if i+1 < len(toks) && toks[i+1].kind == tokWord {
			next = keyword(toks[i+1])
		}
		forbid := func(format string, args ...any) error {
			return guardError(kg.CodeCypherForbidden, text, t.pos, format, args...)
		}
		switch {
		case kw == "LOAD" && next == "CSV":
			return forbid("LOAD CSV is not allowed: it reads files and URLs from the database server")
		case slices.Contains(adminKeywords, kw),
			(kw == "START" || kw == "STOP") && next == "DATABASE",
			kw == "ENABLE" && next == "SERVER",
			kw == "CREATE" && slices.Contains(adminCreations, next):
			return forbid("administration, system and schema commands (%s ...) are not allowed; if %q is a name here, write it in backquotes",
				kw, t.text)
		case kw == "EXPLAIN" || kw == "PROFILE":
			return forbid("%s is not available here: send the plain statement", kw)
		case kw == "TRANSACTIONS" && i > 0 && toks[i-1].kind == tokWord &&
			(keyword(toks[i-1]) == "IN" || keyword(toks[i-1]) == "CONCURRENT"):
			return forbid("CALL { ... } IN TRANSACTIONS is not allowed: it commits batches of its own")
		case kw == "CALL":
			name, ok := procedureName(toks[i+1:])
			if ok && !slices.ContainsFunc(readOnlyProcedures, func(p string) bool { return strings.EqualFold(p, name) }) {
				return forbid("the procedure %s is not allowed; analysts may call only %s", name, strings.Join(readOnlyProcedures, ", "))
			}
		case slices.Contains(writeKeywords, kw):
			if (kw == "DETACH" || kw == "NODETACH") && next == "DELETE" {
				kw += " DELETE"
			}
			if write == nil {
				write = guardError(kg.CodeCypherNotReadOnly, text, t.pos,
					"%s writes to the graph and only read queries may run; if %q is a name here, write it in backquotes",
					kw, t.text)
			}
		}
	}
	if write != nil {
		return write
	}
	return checkBounds(text, toks)
}

// isKeyword reports whether toks[i] stands where a keyword can: an unquoted word that is neither
// a property or namespace part (after "."), a label or type (after ":"), nor a map key (before
// ":").
func isKeyword(toks []token, i int) bool {
	if toks[i].kind != tokWord {
		return false
	}
	if i > 0 && toks[i-1].kind == tokPunct && (toks[i-1].text == "." || toks[i-1].text == ":") {
		return false
	}
	if i+1 < len(toks) && toks[i+1].kind == tokPunct && toks[i+1].text == ":" {
		return false
	}
	return true
}

// keyword returns a word in upper case, as Neo4j compares keywords.
func keyword(t token) string { return strings.ToUpper(t.text) }

// procedureName reads a dotted procedure name (parts plain or backquoted) at the start of toks,
// as after CALL; ok is false when toks start a subquery instead ("{" or "(").
func procedureName(toks []token) (name string, ok bool) {
	var parts []string
	for i := 0; i < len(toks); i += 2 {
		if toks[i].kind != tokWord && toks[i].kind != tokQuoted {
			break
		}
		parts = append(parts, toks[i].text)
		if i+1 >= len(toks) || toks[i+1].kind != tokPunct || toks[i+1].text != "." {
			break
		}
	}
	return strings.Join(parts, "."), len(parts) > 0
}

// guardError returns a coded error about the token at byte offset pos of text, with its line,
// column (in characters, from 1) and offset in Details and in the message.
func guardError(code, text string, pos int, format string, args ...any) error {
	line, col := lineColumn(text, pos)
	e := kg.Errorf(code, format+fmt.Sprintf(" (line %d, column %d)", line, col), args...)
	e.Details = map[string]any{"line": line, "column": col, "offset": utf8.RuneCountInString(text[:pos])}
	return e
}

// lineColumn returns the line and column, both from 1, of byte offset pos in text; the column
// counts characters.
func lineColumn(text string, pos int) (line, col int) {
	before := text[:pos]
	line = strings.Count(before, "\n") + 1
	col = utf8.RuneCountInString(before[strings.LastIndexByte(before, '\n')+1:]) + 1
	return line, col
}
