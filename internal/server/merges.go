package server

import (
	"math"

	"github.com/vektah/gqlparser/v2/ast"
)

// GraphQL validation compares every pair of fields that merge into one response entry (the rule
// "overlapping fields can be merged"), recursively through their sub-selections, and every pair of
// fragments spread into one selection set. That work grows with the square of a document's
// repeats: ten thousand tokens of `name name name ...` keep gqlparser's validator busy for tens of
// seconds. countMerges estimates the pairs before gqlgen validates, so such a document is refused
// for the price of parsing it.

// countMerges returns the number of field pairs and fragment-spread pairs that validating doc
// compares, or a number over limit as soon as it passes limit.
func countMerges(doc *ast.QueryDocument, limit int) int {
	m := &mergeCounter{fragments: map[string]*ast.FragmentDefinition{}, limit: limit, expanding: map[string]bool{}}
	for _, f := range doc.Fragments {
		m.fragments[f.Name] = f
	}
	for _, op := range doc.Operations {
		m.merged([]ast.SelectionSet{op.SelectionSet})
	}
	for _, f := range doc.Fragments {
		m.merged([]ast.SelectionSet{f.SelectionSet})
	}
	return m.total
}

// mergeCounter counts the comparisons of validation; it stops counting past limit.
type mergeCounter struct {
	fragments map[string]*ast.FragmentDefinition
	limit     int
	total     int
	visited   int             // selections visited, a guard against a document built to explode when expanded
	expanding map[string]bool // fragments being expanded, a guard against cycles (validation reports them)
}

// over reports whether counting can stop.
func (m *mergeCounter) over() bool {
	return m.total > m.limit || m.visited > 1_000_000
}

// merged counts the comparisons within the selection sets sets, which merge into one response
// object: the pairs among same-named fields and among fragment spreads, then, for each response
// name, the comparisons within the merged sub-selections of its fields.
func (m *mergeCounter) merged(sets []ast.SelectionSet) {
	counts := map[string]int{}
	children := map[string][]ast.SelectionSet{}
	spreads := 0
	var walk func(set ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			if m.visited++; m.over() {
				return
			}
			switch s := sel.(type) {
			case *ast.Field:
				name := s.Alias
				if name == "" {
					name = s.Name
				}
				counts[name]++
				if len(s.SelectionSet) > 0 {
					children[name] = append(children[name], s.SelectionSet)
				}
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				spreads++
				if def := m.fragments[s.Name]; def != nil && !m.expanding[s.Name] {
					m.expanding[s.Name] = true
					walk(def.SelectionSet)
					m.expanding[s.Name] = false
				}
			}
		}
	}
	for _, set := range sets {
		walk(set)
	}
	m.add(pairs(spreads))
	for _, n := range counts {
		m.add(pairs(n))
	}
	for _, sub := range children {
		if m.over() {
			return
		}
		m.merged(sub)
	}
}

func (m *mergeCounter) add(n int) {
	m.total = satAdd(m.total, n)
}

// pairs returns n choose 2, saturating.
func pairs(n int) int {
	if n < 2 {
		return 0
	}
	if n > math.MaxInt32 {
		return math.MaxInt
	}
	return n * (n - 1) / 2
}
