package neo4jstore

import (
	"math/big"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The bounds check is the guard's answer to statements that nothing else could stop. Neo4j
// checks a transaction's time limit and counts its memory between rows and inside operators
// (aggregation, sorting, DISTINCT); it does neither while it evaluates one expression. A loop
// inside one row, such as reduce() over range(1, 50000000), runs to its end whatever the
// timeout says, and the lists it builds fill the heap unseen by db.memory.transaction.max until
// the JVM does nothing but collect garbage (issue 17: one such statement kept Neo4j at 200% CPU
// for minutes, deaf to every request and to SIGTERM). So the guard refuses, as
// CodeCypherUnbounded, what would loop inside a row without a bound it can see:
//
//   - reduce(), the accumulator: it can grow its value at every step (s + s doubles it);
//   - range() anywhere but directly after UNWIND (where Neo4j reads it row by row and stops it)
//     unless its bounds and step are integer literals, and all such ranges of the statement
//     together have at most maxInRowRange elements;
//   - an iteration (a list comprehension, all/any/none/single) inside another's brackets, whose
//     work multiplies, and range() inside an iteration other than as its source.
//
// What remains loops at most over lists Neo4j counts (collect()), stored values, parameters
// (capped by the request size) or a literal range, once per row. The guard cannot see types, so
// a list doubled by a chain of WITH l + l AS l clauses still passes: the analyst slots
// (analyst.go) keep such a statement to one Neo4j thread until Neo4j lets it go.

// maxInRowRange is the most elements the range() calls outside UNWIND may have together: a loop
// over them takes milliseconds, and a row of them is a megabyte.
const maxInRowRange = 100_000

// quantifiers iterate like list comprehensions: name(variable IN list WHERE predicate).
var quantifiers = []string{"ALL", "ANY", "NONE", "SINGLE"}

// bracket is an open (, [ or { of the statement; iter is set for the bracket of an iteration,
// source for the index of the token that starts the iteration's list (after IN).
type bracket struct {
	iter   bool
	source int
}

// checkBounds returns a CodeCypherUnbounded error for the first loop inside a row that has no
// bound the guard can see (see above), and nil otherwise. toks are the statement's tokens.
func checkBounds(text string, toks []token) error {
	var open []bracket
	inRow := int64(0) // elements of the literal ranges outside UNWIND so far
	inIteration := func() bool {
		for _, b := range open {
			if b.iter {
				return true
			}
		}
		return false
	}
	unbounded := func(pos int, format string, args ...any) error {
		return guardError(kg.CodeCypherUnbounded, text, pos, format, args...)
	}
	for i, t := range toks {
		if t.kind == tokPunct {
			switch t.text {
			case "(", "[", "{":
				b := bracket{}
				if iter, src := startsIteration(toks, i); iter {
					if inIteration() {
						return unbounded(t.pos, "an iteration inside another multiplies work that Neo4j cannot stop "+
							"inside one row; UNWIND the outer list instead")
					}
					b = bracket{iter: true, source: src}
				}
				open = append(open, b)
			case ")", "]", "}":
				if len(open) > 0 {
					open = open[:len(open)-1]
				}
			}
			continue
		}
		if t.kind != tokWord || !isFunctionCall(toks, i) {
			continue
		}
		switch keyword(t) {
		case "REDUCE":
			return unbounded(t.pos, "reduce() loops inside one row, where Neo4j neither checks the time limit nor "+
				"counts memory; use UNWIND and an aggregation (sum, collect, ...) instead, which Neo4j can stop")
		case "RANGE":
			if i >= 1 && toks[i-1].kind == tokWord && keyword(toks[i-1]) == "UNWIND" {
				continue // read row by row: the time limit stops it
			}
			if inIteration() && (len(open) == 0 || !open[len(open)-1].iter || open[len(open)-1].source != i) {
				return unbounded(t.pos, "range() inside an iteration multiplies work that Neo4j cannot stop "+
					"inside one row; UNWIND the range instead")
			}
			n, ok := literalRangeSize(toks, i+1)
			if !ok {
				return unbounded(t.pos, "range() outside UNWIND needs integer literal bounds (at most %d elements): "+
					"Neo4j cannot stop a loop over it inside one row; write UNWIND range(...) AS x instead", maxInRowRange)
			}
			if inRow += n; inRow > maxInRowRange {
				return unbounded(t.pos, "the ranges outside UNWIND may have at most %d elements in all, not %d: Neo4j "+
					"cannot stop a loop over them inside one row; write UNWIND range(...) AS x instead", maxInRowRange, inRow)
			}
		}
	}
	return nil
}

// isFunctionCall reports whether the word toks[i] names a function being called: it is followed
// by "(" and is not a property, label or map key.
func isFunctionCall(toks []token, i int) bool {
	return isKeyword(toks, i) && i+1 < len(toks) && toks[i+1].kind == tokPunct && toks[i+1].text == "("
}

// startsIteration reports whether the bracket toks[i] opens a list comprehension
// ([x IN list ...]) or a quantifier's arguments (any(x IN list ...)), and the index of the first
// token of the list it iterates.
func startsIteration(toks []token, i int) (bool, int) {
	if i+3 >= len(toks) {
		return false, 0
	}
	variable := toks[i+1].kind == tokWord || toks[i+1].kind == tokQuoted
	in := toks[i+2].kind == tokWord && keyword(toks[i+2]) == "IN"
	if !variable || !in {
		return false, 0
	}
	switch toks[i].text {
	case "[":
		return true, i + 3
	case "(":
		if i > 0 && isFunctionCall(toks, i-1) {
			name := keyword(toks[i-1])
			for _, q := range quantifiers {
				if name == q {
					return true, i + 3
				}
			}
		}
	}
	return false, 0
}

// literalRangeSize reads the arguments of range( at toks[i] ("(" start, end [, step] ")") and
// returns how many elements the range has, and false unless they are all integer literals (with
// an optional minus sign) and the step is not 0.
func literalRangeSize(toks []token, i int) (int64, bool) {
	if i >= len(toks) || toks[i].text != "(" {
		return 0, false
	}
	var args []*big.Int
	for i++; i < len(toks); {
		neg := false
		if toks[i].kind == tokPunct && toks[i].text == "-" {
			neg = true
			i++
		}
		if i >= len(toks) || toks[i].kind != tokNumber {
			return 0, false
		}
		n, ok := integerLiteral(toks[i].text)
		if !ok {
			return 0, false
		}
		if neg {
			n.Neg(n)
		}
		args = append(args, n)
		i++
		if i >= len(toks) || toks[i].kind != tokPunct {
			return 0, false
		}
		if toks[i].text == ")" {
			break
		}
		if toks[i].text != "," {
			return 0, false
		}
		i++
	}
	if len(args) < 2 || len(args) > 3 {
		return 0, false
	}
	step := big.NewInt(1)
	if len(args) == 3 {
		step = args[2]
	}
	if step.Sign() == 0 {
		return 0, false
	}
	// (end - start) / step + 1 elements, none when the step points away from end.
	span := new(big.Int).Sub(args[1], args[0])
	if span.Sign() != 0 && span.Sign() != step.Sign() {
		return 0, true
	}
	n := new(big.Int).Quo(span, step)
	n.Add(n, big.NewInt(1))
	if !n.IsInt64() {
		return maxInRowRange + 1, true
	}
	return n.Int64(), true
}

// integerLiteral parses a Cypher integer literal (decimal with _, 0x hex, 0o octal).
func integerLiteral(s string) (*big.Int, bool) {
	s = strings.ReplaceAll(s, "_", "")
	base := 10
	switch {
	case strings.HasPrefix(s, "0x"), strings.HasPrefix(s, "0X"):
		s, base = s[2:], 16
	case strings.HasPrefix(s, "0o"):
		s, base = s[2:], 8
	}
	return new(big.Int).SetString(s, base)
}
