package memstore

import (
	"cmp"
	"context"
	"maps"
	"math"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// searchIndex is an inverted index over the words (kg.SearchDoc.Words) of every entity: it finds
// the entities a search may hit, which kg's ranking then ranks. The caller holds graph.mu.
//
// Every list of documents in it is kept in the static order (compareDocs): the part of kg's
// ranking that does not depend on the query. That lets a search with a page to fill take the
// members of a rank in order and stop when the page is full (search_walk.go) instead of ranking
// every entity a common word matches.
type searchIndex struct {
	// docs holds each entity's document at its node's index (graph.nodeTab), nil where none:
	// no map keyed by id is needed beside the graph's own. Every list below names documents by
	// that index (4 bytes, no pointer for the collector to follow).
	docs     []*searchDoc
	ndocs    int                    // documents in docs
	vocab    []string               // sorted distinct words
	postings map[string][]int32     // word -> the documents with it
	names    map[string][]int32     // name key -> the documents with that name
	others   map[string][]int32     // alias or acronym key -> the documents with it
	kinds    map[kg.Kind][]int32    // kind -> its documents, for a search of some kinds to skip the rest
	shapes   map[wordShape][]string // the words of each shape, to find typos without trying every word
	// The shapes by rune count, so that a token tries only those of about its length; remade
	// when a write adds or drops a shape.
	shapeList   []wordShape
	shapesDirty bool // shapes has gained or lost a shape since shapeList was made
}

// noDoc is no document: the end of a stream.
const noDoc int32 = -1

// searchDoc is an entity's search document and a snapshot of its static order: the store
// overwrites an updated entity in place before it reindexes it, so the old place in the lists must
// not be read from the entity.
type searchDoc struct {
	// The static order first, in the first cache line with the entity and kind.
	nameTokens int32  // min(doc.NameTokens, kg.MaxRankedNameTokens): longer names rank alike
	idx        int32  // its index in searchIndex.docs (its node's)
	tie        uint64 // kg.SearchTieHash(id): with the id (which an update keeps), kg.SearchTieKey's order
	entity     *kg.Entity
	kind       kg.Kind
	doc        kg.SearchDoc // held, not pointed to: one allocation per entity, not two
}

func newSearchIndex() searchIndex {
	return searchIndex{
		postings: map[string][]int32{},
		names:    map[string][]int32{}, others: map[string][]int32{}, kinds: map[kg.Kind][]int32{},
		shapes: map[wordShape][]string{},
	}
}

func newSearchDoc(i int32, e *kg.Entity, titles []string) *searchDoc {
	d := kg.NewSearchDoc(e, titles)
	return &searchDoc{idx: i, entity: e, doc: *d, kind: e.Kind, nameTokens: int32(min(d.NameTokens, kg.MaxRankedNameTokens)),
		tie: kg.SearchTieHash(e.ID)}
}

// compareDocs is the static order: the order kg's ranking gives hits of equal tier, matched tokens
// and quality (kg's package notes): fewest name tokens (as far as the ranking tells them apart),
// then kg.SearchTieKey.
func compareDocs(a, b *searchDoc) int {
	return cmp.Or(cmp.Compare(a.nameTokens, b.nameTokens), cmp.Compare(a.tie, b.tie), strings.Compare(a.entity.ID, b.entity.ID))
}

// compare is compareDocs of the documents of indexes a and b.
func (ix *searchIndex) compare(a, b int32) int {
	if a == b {
		return 0
	}
	return compareDocs(ix.docs[a], ix.docs[b])
}

// otherKeys returns d's alias and acronym keys, each once and none equal to its name key: a
// document is listed once under a key, and under its name key only as a name.
func (d *searchDoc) otherKeys() []string {
	var ks []string
	for _, k := range d.doc.OtherKeys {
		if k != d.doc.NameKey && !slices.Contains(ks, k) {
			ks = append(ks, k)
		}
	}
	return ks
}

// find returns where d is or would be in l, a list in the static order, and whether it is there.
func (ix *searchIndex) find(l []int32, d *searchDoc) (int, bool) {
	return slices.BinarySearchFunc(l, d, func(x int32, d *searchDoc) int { return compareDocs(ix.docs[x], d) })
}

// insertDoc and deleteDoc keep one list of m in the static order. d is in ix.docs.
func insertDoc[K comparable](ix *searchIndex, m map[K][]int32, k K, d *searchDoc) {
	l := m[k]
	i, _ := ix.find(l, d)
	m[k] = slices.Insert(l, i, d.idx)
}

func deleteDoc[K comparable](ix *searchIndex, m map[K][]int32, k K, d *searchDoc) (emptied bool) {
	l := m[k]
	if i, found := ix.find(l, d); found {
		l = slices.Delete(l, i, i+1)
	}
	if len(l) == 0 {
		delete(m, k)
		return true
	}
	m[k] = l
	return false
}

// update (re)indexes the entities of the given nodes, titles giving the titles of each one's
// positions (kg.PositionTitles). A few are updated in place; many (a bulk import) rebuild the
// lists and vocabulary in one pass, which is cheaper than as many in-place updates.
func (ix *searchIndex) update(ns []*node, titles func(*node) []string) {
	if len(ns) > 64 && len(ns) > ix.ndocs/8 {
		for _, n := range ns {
			ix.put(n.idx, newSearchDoc(n.idx, n.entity, titles(n)))
		}
		ix.rebuild()
		return
	}
	for _, n := range ns {
		e := n.entity
		ix.drop(n.idx)
		d := newSearchDoc(n.idx, e, titles(n))
		ix.put(n.idx, d)
		for _, w := range d.doc.Words {
			if _, known := ix.postings[w]; !known {
				i, _ := slices.BinarySearch(ix.vocab, w)
				ix.vocab = slices.Insert(ix.vocab, i, w)
				s := shapeOf(w)
				if _, known := ix.shapes[s]; !known {
					ix.shapesDirty = true
				}
				ix.shapes[s] = append(ix.shapes[s], w)
			}
			insertDoc(ix, ix.postings, w, d)
		}
		insertDoc(ix, ix.names, d.doc.NameKey, d)
		for _, k := range d.otherKeys() {
			insertDoc(ix, ix.others, k, d)
		}
		insertDoc(ix, ix.kinds, e.Kind, d)
	}
	ix.listShapes()
}

// put sets the document of node i, growing docs as the node table grows.
func (ix *searchIndex) put(i int32, d *searchDoc) {
	if int(i) >= len(ix.docs) {
		ix.docs = slices.Grow(ix.docs, int(i)+1-len(ix.docs))[:i+1]
	}
	if ix.docs[i] == nil {
		ix.ndocs++
	}
	ix.docs[i] = d
}

// remove drops the entity of node i from the index.
func (ix *searchIndex) remove(i int32) {
	ix.drop(i)
	ix.listShapes()
}

// drop drops the entity of node i from the index but the list of shapes. The lists find it by
// its document, so it leaves docs last.
func (ix *searchIndex) drop(i int32) {
	if int(i) >= len(ix.docs) || ix.docs[i] == nil {
		return
	}
	d := ix.docs[i]
	for _, w := range d.doc.Words {
		if !deleteDoc(ix, ix.postings, w, d) {
			continue
		}
		if i, found := slices.BinarySearch(ix.vocab, w); found {
			ix.vocab = slices.Delete(ix.vocab, i, i+1)
		}
		s := shapeOf(w)
		if ws := slices.DeleteFunc(ix.shapes[s], func(x string) bool { return x == w }); len(ws) > 0 {
			ix.shapes[s] = ws
		} else {
			delete(ix.shapes, s)
			ix.shapesDirty = true
		}
	}
	deleteDoc(ix, ix.names, d.doc.NameKey, d)
	for _, k := range d.otherKeys() {
		deleteDoc(ix, ix.others, k, d)
	}
	deleteDoc(ix, ix.kinds, d.kind, d)
	ix.docs[i] = nil
	ix.ndocs--
}

// rebuild recomputes every list and the vocabulary from the documents. It adds the documents in
// the static order, so every list comes out in that order without sorting each.
func (ix *searchIndex) rebuild() {
	all := make([]*searchDoc, 0, ix.ndocs)
	for _, d := range ix.docs {
		if d != nil {
			all = append(all, d)
		}
	}
	slices.SortFunc(all, compareDocs)
	postings := make(map[string][]int32, len(ix.postings))
	names := make(map[string][]int32, len(ix.names))
	others := make(map[string][]int32, len(ix.others))
	kinds := map[kg.Kind][]int32{}
	for _, d := range all {
		kinds[d.kind] = append(kinds[d.kind], d.idx)
		for _, w := range d.doc.Words {
			postings[w] = append(postings[w], d.idx)
		}
		names[d.doc.NameKey] = append(names[d.doc.NameKey], d.idx)
		for _, k := range d.otherKeys() {
			others[k] = append(others[k], d.idx)
		}
	}
	vocab := make([]string, 0, len(postings))
	shapes := map[wordShape][]string{}
	for w := range postings {
		vocab = append(vocab, w)
		s := shapeOf(w)
		shapes[s] = append(shapes[s], w)
	}
	slices.Sort(vocab)
	ix.postings, ix.names, ix.others, ix.kinds, ix.vocab, ix.shapes = postings, names, others, kinds, vocab, shapes
	ix.shapesDirty = true
	ix.listShapes()
}

// listShapes remakes shapeList from shapes if a shape came or went.
func (ix *searchIndex) listShapes() {
	if !ix.shapesDirty {
		return
	}
	ix.shapeList = slices.Collect(maps.Keys(ix.shapes))
	slices.SortFunc(ix.shapeList, func(a, b wordShape) int { return cmp.Or(cmp.Compare(a.runes, b.runes), cmp.Compare(a.mask, b.mask)) })
	ix.shapesDirty = false
}

// wordShape is what a typo cannot change much: a word's length in runes, and which runes it has
// (one bit per rune: a to z and 0 to 9 each have their own, other runes share the remaining 28
// bits). An edit inserts, deletes or replaces one rune or swaps two, so a word k edits from a
// token has at most k runes more or fewer, and at most k distinct runes the token lacks (and the
// token at most k the word lacks): bits of the one's mask not in the other's are at most k (runes
// that share a bit can only make fewer bits differ). Grouping words by shape lets a search try the
// few shapes that pass instead of every word: most of a large vocabulary (the numbers in meeting
// names, say) has shapes no word of letters can be a typo of.
type wordShape struct {
	mask  uint64
	runes int
}

func shapeOf(w string) wordShape {
	var s wordShape
	for _, r := range w {
		s.runes++
		switch {
		case r >= 'a' && r <= 'z':
			s.mask |= 1 << (r - 'a')
		case r >= '0' && r <= '9':
			s.mask |= 1 << (26 + r - '0')
		default:
			s.mask |= 1 << (36 + r%28)
		}
	}
	return s
}

// mayBeWithin reports whether a word of shape s may be within k edits of a token of shape t.
func (s wordShape) mayBeWithin(t wordShape, k int) bool {
	return s.runes-t.runes <= k && t.runes-s.runes <= k &&
		bits.OnesCount64(s.mask&^t.mask) <= k && bits.OnesCount64(t.mask&^s.mask) <= k
}

// tokenWords is what one query token matches in the index: its words by class, as kg's
// QueryToken.Match classes them, and how many postings each class has.
type tokenWords struct {
	token   kg.QueryToken
	words   [kg.ExactMatch + 1][]string  // words[c]: the indexed words of class c
	typos   map[string]kg.MatchClass     // the words matched only with a typo, and how
	entries [kg.ExactMatch + 1]int       // entries[c]: postings of the words of class c
	lists   [kg.ExactMatch + 1][][]int32 // lists[c]: the posting lists of words[c]
}

// class returns how the token matches w, as kg.QueryToken.Match does, for any indexed word w: the
// typos were found by expand.
func (tw *tokenWords) class(w string) kg.MatchClass {
	switch t := tw.token; {
	case w == t.Text:
		return kg.ExactMatch
	case t.Prefix && strings.HasPrefix(w, t.Text):
		return kg.PrefixMatch
	}
	return tw.typos[w]
}

// classes returns, for each token, the best class of its matches with d's words: what
// kg.SearchPlan.Classes computes, from the words the index knows each token matches.
func classes(tws []tokenWords, d *searchDoc, into []kg.MatchClass) []kg.MatchClass {
	into = into[:0]
	for i := range tws {
		best := kg.NoMatch
		for _, w := range d.doc.Words {
			if best = max(best, tws[i].class(w)); best == kg.ExactMatch {
				break
			}
		}
		into = append(into, best)
	}
	return into
}

// expand returns every indexed word t matches, by class: t itself, the words it starts (if it may
// match as a prefix) and the words within its edits (if it may match with a typo). The classes are
// kg's (QueryToken.Match), so ranking from them is ranking by kg.
func (ix *searchIndex) expand(t kg.QueryToken) tokenWords {
	tw := tokenWords{token: t}
	add := func(c kg.MatchClass, w string) {
		tw.words[c] = append(tw.words[c], w)
		l := ix.postings[w]
		tw.lists[c] = append(tw.lists[c], l)
		tw.entries[c] += len(l)
	}
	if _, ok := ix.postings[t.Text]; ok {
		add(kg.ExactMatch, t.Text)
	}
	if t.Prefix {
		for i := sort.SearchStrings(ix.vocab, t.Text); i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], t.Text); i++ {
			if ix.vocab[i] != t.Text {
				add(kg.PrefixMatch, ix.vocab[i])
			}
		}
	}
	if t.MaxEdits > 0 {
		ts := shapeOf(t.Text)
		i, _ := slices.BinarySearchFunc(ix.shapeList, ts.runes-t.MaxEdits, func(s wordShape, n int) int { return cmp.Compare(s.runes, n) })
		for _, s := range ix.shapeList[i:] {
			if s.runes > ts.runes+t.MaxEdits {
				break
			}
			if !s.mayBeWithin(ts, t.MaxEdits) {
				continue
			}
			for _, w := range ix.shapes[s] {
				if tw.class(w) != kg.NoMatch {
					continue // exact or prefix: a better class than any typo
				}
				if c := t.Match(w); c != kg.NoMatch {
					if tw.typos == nil {
						tw.typos = map[string]kg.MatchClass{}
					}
					tw.typos[w] = c
					add(c, w)
				}
			}
		}
	}
	return tw
}

// fullRankLimit is the number of postings (summed over the words the query's tokens match) up to
// which a search ranks every entity they hold; above it, a search with a limit walks the ranks
// best first instead (walkRanks), whose cost depends on the page, not on how common the words are.
// Ranking all is cheaper for few candidates and is the one way for a search without a limit. A
// variable so that tests can make every search walk.
var fullRankLimit = 256

// walkEvery makes every search with a limit walk the ranks and never give up (walkRanks): tests
// set it to check the walk against the reference ranking on small graphs.
var walkEvery = false

// Search returns copies of the entities q finds, ranked by kg's search ranking (kg.Store.Search).
func (s *graph) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return s.search(q), nil
}

// search is Search for a caller that holds graph.mu (a write's planning, which looks for
// possible duplicates).
func (s *graph) search(q kg.SearchQuery) []kg.SearchHit {
	p := kg.PlanSearch(q.Text)
	if len(p.Tokens) == 0 || q.Limit == 0 {
		return []kg.SearchHit{}
	}
	tws := make([]tokenWords, len(p.Tokens))
	entries := 0
	for i, t := range p.Tokens {
		tws[i] = s.index.expand(t)
		for _, n := range tws[i].entries {
			entries += n
		}
	}
	var hits []kg.SearchHit
	walked := false
	if q.Limit > 0 && (entries > fullRankLimit || walkEvery) {
		budget := entries
		if walkEvery {
			budget = math.MaxInt
		}
		hits, walked = s.index.walkRanks(p, tws, q, budget)
	}
	if !walked {
		hits = s.index.rankAll(p, tws, q, entries)
	}
	for i := range hits {
		hits[i].Entity = cloneEntity(hits[i].Entity)
	}
	return hits
}

// rankAll ranks every entity with a word some token matches, which are all the entities the
// ranking can hit, and keeps the best q.Limit (all for kg.NoLimit). entries, the postings of
// the words the tokens match, bounds the candidates.
func (ix *searchIndex) rankAll(p *kg.SearchPlan, tws []tokenWords, q kg.SearchQuery, entries int) []kg.SearchHit {
	// For each candidate, the best class per token, as kg.SearchPlan.Classes would compute it:
	// classes[k*m+i] is candidate k's class for token i.
	m := len(p.Tokens)
	index := make(map[int32]int, entries) // growing it would cost more than the ranking
	var docs []*searchDoc
	var classes []kg.MatchClass
	for i := range tws {
		for c := kg.ExactMatch; c > kg.NoMatch; c-- {
			for _, l := range tws[i].lists[c] {
				for _, x := range l {
					k, seen := index[x]
					if !seen {
						d := ix.docs[x]
						if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, d.entity.Kind) {
							continue
						}
						k = len(docs)
						index[x] = k
						docs = append(docs, d)
						classes = append(classes, make([]kg.MatchClass, m)...)
					}
					classes[k*m+i] = max(classes[k*m+i], c)
				}
			}
		}
	}
	top := topHits{limit: q.Limit}
	for k, d := range docs {
		if r, ok := p.RankClasses(&d.doc, classes[k*m:(k+1)*m]); ok {
			top.add(kg.SearchHit{Entity: d.entity, Score: p.Score(r)})
		}
	}
	return top.sorted()
}

// topHits keeps the best hits seen (kg.CompareSearchHits), at most limit of them (all when
// limit is negative, kg.NoLimit): a search may rank tens of thousands of candidates for a page of ten.
type topHits struct {
	limit int
	hits  []kg.SearchHit // when limited: sorted, best first
}

func (t *topHits) add(h kg.SearchHit) {
	if t.limit < 0 {
		t.hits = append(t.hits, h)
		return
	}
	if len(t.hits) == t.limit && (t.limit == 0 || kg.CompareSearchHits(h, t.hits[len(t.hits)-1]) >= 0) {
		return
	}
	i, _ := slices.BinarySearchFunc(t.hits, h, kg.CompareSearchHits)
	if len(t.hits) == t.limit {
		t.hits = t.hits[:len(t.hits)-1]
	}
	t.hits = slices.Insert(t.hits, i, h)
}

// sorted returns the hits kept, best first.
func (t *topHits) sorted() []kg.SearchHit {
	if t.limit < 0 {
		slices.SortFunc(t.hits, kg.CompareSearchHits)
	}
	if t.hits == nil {
		return []kg.SearchHit{}
	}
	return t.hits
}
