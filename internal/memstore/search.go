package memstore

import (
	"cmp"
	"context"
	"math/bits"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	edlib "github.com/hbollon/go-edlib"

	"github.com/diplograph/diplograph/internal/kg"
)

// Scores. A hit's score is its tier plus a quality in (0, 1), so a better tier always wins:
//
//	3  the whole folded query equals a whole name, alias or acronym
//	2  every query token equals or starts a token of one name, alias or acronym (a token that is
//	   not the query's last starts others only if it has 3 runes or more)
//	1  as 2, but some token only matches fuzzily (a typo)
//	0  only some query tokens match
//
// The quality rewards exact over prefix over fuzzy token matches and names whose tokens the query
// covers more fully (so "Trade" ranks the topic "Trade" above "Trade Agenda"), and is a little
// lower for aliases and acronyms than for names.
const (
	weightName  = 1.0
	weightAlias = 0.98
	// qualityScale keeps the quality part strictly below 1.
	qualityScale = 0.98
)

// searchIndex is an inverted index over the folded tokens of every entity's name, aliases and
// acronym. The caller holds Store.mu.
type searchIndex struct {
	docs     map[string]*searchDoc
	vocab    []string // sorted distinct tokens
	postings map[string][]*searchDoc
}

type searchDoc struct {
	entity *kg.Entity
	fields []searchField
}

type searchField struct {
	tokens []string
	joined string // tokens joined by one space
	weight float64
}

// tokenMatch is how well a query token matches an index token.
type tokenMatch struct {
	weight float64 // exact 1, prefix [0.5, 1), fuzzy < 0.5
	fuzzy  bool
}

func newSearchIndex() searchIndex {
	return searchIndex{docs: map[string]*searchDoc{}, postings: map[string][]*searchDoc{}}
}

// tokens splits the folded form of s (kg.Fold) into runs of letters and digits. ASCII text skips
// kg.Fold, whose Unicode normalization is costly and for ASCII amounts to lower-casing.
func tokens(s string) []string {
	isSep := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.FieldsFunc(kg.Fold(s), isSep)
		}
	}
	return strings.FieldsFunc(strings.ToLower(s), isSep)
}

func newSearchDoc(e *kg.Entity) *searchDoc {
	d := &searchDoc{entity: e}
	add := func(text string, weight float64) {
		if ts := tokens(text); len(ts) > 0 {
			d.fields = append(d.fields, searchField{tokens: ts, joined: strings.Join(ts, " "), weight: weight})
		}
	}
	add(e.Name, weightName)
	for _, a := range e.Aliases {
		add(a, weightAlias)
	}
	add(e.Prop(kg.PropAcronym), weightAlias)
	return d
}

// update (re)indexes the given entities. A few are updated in place; many (a bulk import) rebuild
// the postings and vocabulary in one pass, which is cheaper than as many in-place updates.
func (ix *searchIndex) update(es []*kg.Entity) {
	if len(es) > 64 && len(es) > len(ix.docs)/8 {
		for _, e := range es {
			ix.docs[e.ID] = newSearchDoc(e)
		}
		ix.rebuild()
		return
	}
	for _, e := range es {
		ix.remove(e.ID)
		d := newSearchDoc(e)
		ix.docs[e.ID] = d
		for _, t := range d.distinctTokens() {
			ps, known := ix.postings[t]
			if !known {
				i, _ := slices.BinarySearch(ix.vocab, t)
				ix.vocab = slices.Insert(ix.vocab, i, t)
			}
			ix.postings[t] = append(ps, d)
		}
	}
}

// remove drops entity id from the index.
func (ix *searchIndex) remove(id string) {
	d, ok := ix.docs[id]
	if !ok {
		return
	}
	delete(ix.docs, id)
	for _, t := range d.distinctTokens() {
		ps := slices.DeleteFunc(ix.postings[t], func(x *searchDoc) bool { return x == d })
		if len(ps) > 0 {
			ix.postings[t] = ps
			continue
		}
		delete(ix.postings, t)
		if i, found := slices.BinarySearch(ix.vocab, t); found {
			ix.vocab = slices.Delete(ix.vocab, i, i+1)
		}
	}
}

// rebuild recomputes the postings and vocabulary from the documents.
func (ix *searchIndex) rebuild() {
	postings := make(map[string][]*searchDoc, len(ix.postings))
	for _, d := range ix.docs {
		for _, t := range d.distinctTokens() {
			postings[t] = append(postings[t], d)
		}
	}
	vocab := make([]string, 0, len(postings))
	for t := range postings {
		vocab = append(vocab, t)
	}
	slices.Sort(vocab)
	ix.postings, ix.vocab = postings, vocab
}

// distinctTokens returns the tokens of every field of d, each once.
func (d *searchDoc) distinctTokens() []string {
	var out []string
	for _, f := range d.fields {
		for _, t := range f.tokens {
			if !slices.Contains(out, t) {
				out = append(out, t)
			}
		}
	}
	return out
}

// maxEdits is how many edits a query token of n runes may be from an index token: none below 4
// runes, 1 from 4, 2 from 8.
func maxEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// minPrefixRunes is the shortest query token that matches as a prefix when it is not the last
// token of the query, so "secretaria de economia" does not match "department" through "de". The
// last token always may, for search as you type.
const minPrefixRunes = 3

// expand returns the index tokens that query token q matches: itself, the tokens it starts (if
// prefix), and the tokens within maxEdits of it.
func (ix *searchIndex) expand(q string, prefix bool) map[string]tokenMatch {
	m := map[string]tokenMatch{}
	n := utf8.RuneCountInString(q)
	for i := sort.SearchStrings(ix.vocab, q); i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], q); i++ {
		t := ix.vocab[i]
		if t == q {
			m[t] = tokenMatch{weight: 1}
			continue
		}
		if !prefix {
			break
		}
		m[t] = tokenMatch{weight: 0.5 + 0.5*float64(n)/float64(utf8.RuneCountInString(t))}
	}
	k := maxEdits(n)
	if k == 0 {
		return m
	}
	for _, t := range ix.vocab {
		if _, ok := m[t]; ok {
			continue
		}
		if d := len(t) - len(q); d > 2*k+2 || d < -(2*k+2) { // cheap byte-length bound first
			continue
		}
		tn := utf8.RuneCountInString(t)
		if tn-n > k || n-tn > k {
			continue
		}
		if d := editDistance(q, t, k); d <= k {
			m[t] = tokenMatch{weight: 0.4 * (1 - float64(d)/float64(n)), fuzzy: true}
		}
	}
	return m
}

// editDistance returns the optimal string alignment (restricted Damerau-Levenshtein) distance
// of a and b: like Lucene's fuzzy queries, which Neo4j's full-text search uses, it counts a swap of
// two adjacent runes as one edit. Callers only compare it with small bounds.
func editDistance(a, b string, _ int) int {
	return edlib.OSADamerauLevenshteinDistance(a, b)
}

// score returns how well the query (its joined tokens and per-token matches) matches d, 0 if not.
func (d *searchDoc) score(joined string, ms []map[string]tokenMatch) float64 {
	best := 0.0
	for i := range d.fields {
		best = max(best, d.fields[i].score(joined, ms))
	}
	return best
}

func (f *searchField) score(joined string, ms []map[string]tokenMatch) float64 {
	if f.joined == joined {
		return 3 + qualityScale*f.weight
	}
	matched, fuzzy, sum := 0, false, 0.0
	var covered uint64 // field tokens the query hit (the first 64)
	for _, m := range ms {
		bestW, bestJ, bestFuzzy := 0.0, -1, false
		for j, t := range f.tokens {
			if tm, ok := m[t]; ok && tm.weight > bestW {
				bestW, bestJ, bestFuzzy = tm.weight, j, tm.fuzzy
			}
		}
		if bestJ < 0 {
			continue
		}
		matched++
		sum += bestW
		fuzzy = fuzzy || bestFuzzy
		if bestJ < 64 {
			covered |= 1 << bestJ
		}
	}
	if matched == 0 {
		return 0
	}
	tier := 2.0
	switch {
	case matched < len(ms):
		tier = 0
	case fuzzy:
		tier = 1
	}
	quality := 0.5*sum/float64(len(ms)) + 0.5*float64(bits.OnesCount64(covered))/float64(len(f.tokens))
	return tier + qualityScale*quality*f.weight
}

// Search returns copies of the entities best matching q.Text, best first, at most q.Limit (all
// when Limit <= 0). Matching is case- and accent-insensitive over names, aliases and acronyms,
// by whole text, token prefix and, for tokens of 4 runes or more, by edit distance; ties are
// broken by name, then id. A text without letters or digits gives no hits.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	qt := tokens(q.Text)
	if len(qt) == 0 {
		return []kg.SearchHit{}, nil
	}
	joined := strings.Join(qt, " ")

	s.mu.RLock()
	defer s.mu.RUnlock()
	ms := make([]map[string]tokenMatch, len(qt))
	candidates := map[*searchDoc]bool{}
	for i, t := range qt {
		ms[i] = s.index.expand(t, i == len(qt)-1 || utf8.RuneCountInString(t) >= minPrefixRunes)
		for tok := range ms[i] {
			for _, d := range s.index.postings[tok] {
				candidates[d] = true
			}
		}
	}
	type scored struct {
		d     *searchDoc
		score float64
	}
	var hits []scored
	for d := range candidates {
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, d.entity.Kind) {
			continue
		}
		if sc := d.score(joined, ms); sc > 0 {
			hits = append(hits, scored{d, sc})
		}
	}
	slices.SortFunc(hits, func(a, b scored) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(a.d.entity.Name, b.d.entity.Name), cmp.Compare(a.d.entity.ID, b.d.entity.ID))
	})
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	out := make([]kg.SearchHit, len(hits))
	for i, h := range hits {
		out[i] = kg.SearchHit{Entity: cloneEntity(h.d.entity), Score: h.score}
	}
	return out, nil
}
