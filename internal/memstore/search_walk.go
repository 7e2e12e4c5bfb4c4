package memstore

import (
	"cmp"
	"container/heap"
	"slices"
	"sort"

	"github.com/diplograph/diplograph/internal/kg"
)

// A search for a page of hits need not rank every entity a common word matches. kg orders hits by
// a rank (tier, matched tokens, quality), then by the static order (compareDocs) in which the
// index keeps every list. So walkRanks fills the page rank by rank, best first, taking the members
// of each rank in the static order and stopping when the page is full:
//
//   - tiers 4 and 3 (the query is a whole name, or a whole alias or acronym) are the lists of the
//     name and other keys equal to the query: every token matches exactly, so each is one rank;
//   - every other hit's rank follows from its class vector, the best class of each token (kg's
//     RankClasses), so walkRanks lists the vectors the matched words allow, orders them by the rank
//     they give, and for each takes the entities whose vector it is, in the static order. Such an
//     entity has a word of the vector's class for each matched token, so it is in the merge of
//     those words' posting lists (a stream) for every matched token, and in the list of its kind
//     if the search names kinds: walkRanks walks the intersection of these streams, skipping
//     through them in the static order (leaving out streams of many lists, which are slow to skip
//     through), and keeps the entities whose whole vector is the one sought. Every entity has one
//     vector, so none is taken twice, and the vectors of one rank are merged in the static order.
//
// Skipping is what makes a walk cheap when words seldom meet: names sort together, so the
// entities with all of the words cluster. Still, a walk may pass many entities that have another
// vector, so walkRanks counts its steps and gives up once they outnumber the postings a full
// ranking reads: the search then ranks all, and a walk never costs more than twice that.

// maxRankVectors bounds the class vectors walkRanks lists (each token: no match or one of the
// classes its words have); a query of many tokens that allows more is ranked in full.
const maxRankVectors = 4096

// walkRanks returns the first q.Limit hits of p (q.Limit > 0), and false if it gave up after
// budget steps, or if the query allows too many class vectors.
func (ix *searchIndex) walkRanks(p *kg.SearchPlan, tws []tokenWords, q kg.SearchQuery, budget int) ([]kg.SearchHit, bool) {
	m := len(tws)
	kindOK := func(d *searchDoc) bool { return len(q.Kinds) == 0 || slices.Contains(q.Kinds, d.entity.Kind) }
	cmpDocs := ix.compare
	hits := make([]kg.SearchHit, 0, q.Limit)
	cs := make([]kg.MatchClass, 0, m)
	add := func(d *searchDoc) {
		cs = classes(tws, d, cs)
		r, _ := p.RankClasses(&d.doc, cs)
		hits = append(hits, kg.SearchHit{Entity: d.entity, Score: p.Score(r)})
	}

	// A search of some kinds skips through the lists of those kinds too (a topic "Trade" sorts
	// before every initiative "Trade ..." of more words).
	var kinds [][]int32
	for i, k := range q.Kinds {
		if !slices.Contains(q.Kinds[:i], k) {
			kinds = append(kinds, ix.kinds[k])
		}
	}

	// Tiers 4 and 3.
	for _, l := range [][]int32{ix.names[p.Key], ix.others[p.Key]} {
		for _, i := range l {
			if len(hits) == q.Limit {
				return hits, true
			}
			if d := ix.docs[i]; kindOK(d) {
				add(d)
			}
		}
	}

	// The class vectors the matched words allow: each token no match or one of its classes.
	options := make([][]kg.MatchClass, m)
	count := 1
	for i := range tws {
		options[i] = []kg.MatchClass{kg.NoMatch}
		for c := kg.ExactMatch; c > kg.NoMatch; c-- {
			if len(tws[i].words[c]) > 0 {
				options[i] = append(options[i], c)
			}
		}
		if count *= len(options[i]); count > maxRankVectors {
			return nil, false
		}
	}
	type vector struct {
		classes []kg.MatchClass
		rank    kg.SearchRank
	}
	var vectors []vector
	odometer := make([]int, m)
	for {
		v := make([]kg.MatchClass, m)
		for i, o := range odometer {
			v[i] = options[i][o]
		}
		// No name or other key is the query here (those are tiers 4 and 3 above): an empty
		// document ranks the vector as every other hit with it ranks.
		if r, ok := p.RankClasses(&kg.SearchDoc{}, v); ok {
			vectors = append(vectors, vector{v, r})
		}
		i := 0
		for ; i < m; i++ {
			if odometer[i]++; odometer[i] < len(options[i]) {
				break
			}
			odometer[i] = 0
		}
		if i == m {
			break
		}
	}
	byRank := func(a, b vector) int {
		return cmp.Or(cmp.Compare(b.rank.Tier, a.rank.Tier), cmp.Compare(b.rank.Matched, a.rank.Matched), cmp.Compare(b.rank.Quality, a.rank.Quality))
	}
	slices.SortFunc(vectors, byRank)

	passed := 0
	for start := 0; start < len(vectors) && len(hits) < q.Limit; {
		end := start + 1
		for end < len(vectors) && byRank(vectors[start], vectors[end]) == 0 {
			end++
		}
		need := q.Limit - len(hits)
		var found []int32 // the first need of each vector of this rank, in the static order
		for _, v := range vectors[start:end] {
			// The entities with vector v are in the stream of each matched token's words of its
			// class: walk the intersection of the cheapest one and those of the others that are
			// cheap to skip through (few lists), and test the rest per entity.
			var streams []*docStream
			driver := -1
			for i, c := range v.classes {
				if c != kg.NoMatch && (driver < 0 || cost(&tws[i], c) < cost(&tws[driver], v.classes[driver])) {
					driver = i
				}
			}
			for i, c := range v.classes {
				if i == driver || c != kg.NoMatch && len(tws[i].lists[c]) <= maxSeekLists {
					streams = append(streams, ix.newDocStream(tws[i].lists[c]))
				}
			}
			if len(kinds) > 0 {
				streams = append(streams, ix.newDocStream(kinds))
			}
			taken := 0
			for taken < need {
				i, steps := intersect(streams)
				if passed += steps; passed > budget {
					return nil, false
				}
				if i == noDoc {
					break
				}
				streams[0].next()
				d := ix.docs[i]
				if !kindOK(d) || d.doc.NameKey == p.Key || slices.Contains(d.doc.OtherKeys, p.Key) {
					continue
				}
				if slices.Equal(classes(tws, d, cs), v.classes) {
					found = append(found, i)
					taken++
				}
			}
		}
		slices.SortFunc(found, cmpDocs)
		for _, i := range found[:min(len(found), need)] {
			add(ix.docs[i])
		}
		start = end
	}
	return hits, true
}

// maxSeekLists bounds the lists of a stream that walkRanks skips through (docStream.seek costs a
// binary search in each).
const maxSeekLists = 16

// intersect returns the first entity in every stream, after moving each to it (noDoc if there is
// none), and how many rounds of skips that took: streams skip to the greatest of their heads until
// all heads agree. Names sort together, so entities sharing words often cluster and the skips are
// long: "pacific trade meeting" skips over all the meetings of the Pacific about other topics.
func intersect(streams []*docStream) (int32, int) {
	d := streams[0].peek()
	steps := 1
	for agreed := false; !agreed && d != noDoc; steps++ {
		agreed = true
		for _, s := range streams {
			if h := s.seek(d); h != d {
				d, agreed = h, false
				if d == noDoc {
					break
				}
			}
		}
	}
	return d, steps
}

// cost estimates what walking the entities of tw's words of class c costs: setting up the merge
// of their lists, and the entities in them.
func cost(tw *tokenWords, c kg.MatchClass) int { return len(tw.words[c]) + tw.entries[c] }

// docStream merges posting lists (each in the static order) into one stream in the static order,
// each entity once: a heap of the lists by their first entity.
type docStream struct {
	ix    *searchIndex
	lists [][]int32
}

func (ix *searchIndex) newDocStream(lists [][]int32) *docStream {
	s := &docStream{ix: ix, lists: make([][]int32, 0, len(lists))}
	for _, l := range lists {
		if len(l) > 0 {
			s.lists = append(s.lists, l)
		}
	}
	heap.Init(s)
	return s
}

// peek returns the next entity of the stream without taking it, or noDoc at its end.
func (s *docStream) peek() int32 {
	if len(s.lists) == 0 {
		return noDoc
	}
	return s.lists[0][0]
}

// seek drops the entities before d in the static order and returns the next one (noDoc at the
// end).
func (s *docStream) seek(d int32) int32 {
	if h := s.peek(); h == noDoc || s.ix.compare(h, d) >= 0 {
		return h // the head is the least entity of every list
	}
	doc := s.ix.docs[d]
	lists := s.lists[:0]
	for _, l := range s.lists {
		l = l[sort.Search(len(l), func(j int) bool { return compareDocs(s.ix.docs[l[j]], doc) >= 0 }):]
		if len(l) > 0 {
			lists = append(lists, l)
		}
	}
	s.lists = lists
	heap.Init(s)
	return s.peek()
}

// next returns the next entity of the stream, or noDoc at its end. An entity in several lists is
// at the head of each when its turn comes, as the order is total; next drops it from all of them.
func (s *docStream) next() int32 {
	if len(s.lists) == 0 {
		return noDoc
	}
	d := s.lists[0][0]
	for len(s.lists) > 0 && s.lists[0][0] == d {
		if s.lists[0] = s.lists[0][1:]; len(s.lists[0]) == 0 {
			heap.Pop(s)
		} else {
			heap.Fix(s, 0)
		}
	}
	return d
}

func (s *docStream) Len() int           { return len(s.lists) }
func (s *docStream) Less(i, j int) bool { return s.ix.compare(s.lists[i][0], s.lists[j][0]) < 0 }
func (s *docStream) Swap(i, j int)      { s.lists[i], s.lists[j] = s.lists[j], s.lists[i] }
func (s *docStream) Push(x any)         { s.lists = append(s.lists, x.([]int32)) }
func (s *docStream) Pop() any {
	old := s.lists
	l := old[len(old)-1]
	s.lists = old[:len(old)-1]
	return l
}
