package memstore

import (
	"context"
	"slices"
	"sort"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// searchIndex is an inverted index over the words (kg.SearchDoc.Words) of every entity: it finds
// the entities a search may hit, which kg's ranking then ranks. The caller holds Store.mu.
type searchIndex struct {
	docs     map[string]*searchDoc
	vocab    []string // sorted distinct words
	postings map[string][]*searchDoc
}

type searchDoc struct {
	entity *kg.Entity
	doc    *kg.SearchDoc
}

func newSearchIndex() searchIndex {
	return searchIndex{docs: map[string]*searchDoc{}, postings: map[string][]*searchDoc{}}
}

func newSearchDoc(e *kg.Entity) *searchDoc { return &searchDoc{entity: e, doc: kg.NewSearchDoc(e)} }

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
		for _, w := range d.doc.Words {
			ps, known := ix.postings[w]
			if !known {
				i, _ := slices.BinarySearch(ix.vocab, w)
				ix.vocab = slices.Insert(ix.vocab, i, w)
			}
			ix.postings[w] = append(ps, d)
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
	for _, w := range d.doc.Words {
		ps := slices.DeleteFunc(ix.postings[w], func(x *searchDoc) bool { return x == d })
		if len(ps) > 0 {
			ix.postings[w] = ps
			continue
		}
		delete(ix.postings, w)
		if i, found := slices.BinarySearch(ix.vocab, w); found {
			ix.vocab = slices.Delete(ix.vocab, i, i+1)
		}
	}
}

// rebuild recomputes the postings and vocabulary from the documents.
func (ix *searchIndex) rebuild() {
	postings := make(map[string][]*searchDoc, len(ix.postings))
	for _, d := range ix.docs {
		for _, w := range d.doc.Words {
			postings[w] = append(postings[w], d)
		}
	}
	vocab := make([]string, 0, len(postings))
	for w := range postings {
		vocab = append(vocab, w)
	}
	slices.Sort(vocab)
	ix.postings, ix.vocab = postings, vocab
}

// expand returns every indexed word that t matches, with its class: t itself, the words it
// starts (if it may match as a prefix) and the words within its edits (if it may match with a
// typo).
// The classes are kg's (QueryToken.Match), so ranking from them is ranking by kg.
func (ix *searchIndex) expand(t kg.QueryToken) map[string]kg.MatchClass {
	m := map[string]kg.MatchClass{}
	add := func(w string) {
		if c := t.Match(w); c != kg.NoMatch {
			m[w] = c
		}
	}
	if _, ok := ix.postings[t.Text]; ok {
		add(t.Text)
	}
	if t.Prefix {
		for i := sort.SearchStrings(ix.vocab, t.Text); i < len(ix.vocab) && strings.HasPrefix(ix.vocab[i], t.Text); i++ {
			add(ix.vocab[i])
		}
	}
	if t.MaxEdits > 0 {
		// A word k edits away has at most k runes more or less, so at most 4k bytes more or less.
		bytes := 4 * t.MaxEdits
		for _, w := range ix.vocab {
			if d := len(w) - len(t.Text); d <= bytes && d >= -bytes {
				if _, seen := m[w]; !seen {
					add(w)
				}
			}
		}
	}
	return m
}

// Search returns copies of the entities q finds, ranked by kg's search ranking (kg.Store.Search):
// the index narrows the entities to those with a word some query token matches, which are all the
// entities the ranking can hit, and kg ranks them.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	if err := s.ready(ctx); err != nil {
		return nil, err
	}
	p := kg.PlanSearch(q.Text)
	if len(p.Tokens) == 0 {
		return []kg.SearchHit{}, nil
	}

	s.mu.RLock()
	defer s.mu.RUnlock()
	// Every entity with a word some token matches, and for each the best class per token, as
	// kg.SearchPlan.Classes would compute it: classes[k*m+i] is candidate k's class for token i.
	m := len(p.Tokens)
	index := map[*searchDoc]int{}
	var docs []*searchDoc
	var classes []kg.MatchClass
	for i, t := range p.Tokens {
		for w, c := range s.index.expand(t) {
			for _, d := range s.index.postings[w] {
				k, seen := index[d]
				if !seen {
					if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, d.entity.Kind) {
						continue
					}
					k = len(docs)
					index[d] = k
					docs = append(docs, d)
					classes = append(classes, make([]kg.MatchClass, m)...)
				}
				classes[k*m+i] = max(classes[k*m+i], c)
			}
		}
	}
	top := topHits{limit: q.Limit}
	for k, d := range docs {
		if r, ok := p.RankClasses(d.doc, classes[k*m:(k+1)*m]); ok {
			top.add(kg.SearchHit{Entity: d.entity, Score: p.Score(r)})
		}
	}
	hits := top.sorted()
	for i := range hits {
		hits[i].Entity = cloneEntity(hits[i].Entity)
	}
	return hits, nil
}

// topHits keeps the best hits seen (kg.CompareSearchHits), at most limit of them (all when
// limit <= 0): a search may rank tens of thousands of candidates for a page of ten.
type topHits struct {
	limit int
	hits  []kg.SearchHit // when limited: sorted, best first
}

func (t *topHits) add(h kg.SearchHit) {
	if t.limit <= 0 {
		t.hits = append(t.hits, h)
		return
	}
	if len(t.hits) == t.limit && kg.CompareSearchHits(h, t.hits[len(t.hits)-1]) >= 0 {
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
	if t.limit <= 0 {
		slices.SortFunc(t.hits, kg.CompareSearchHits)
	}
	if t.hits == nil {
		return []kg.SearchHit{}
	}
	return t.hits
}
