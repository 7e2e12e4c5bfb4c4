package neo4jstore

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	edlib "github.com/hbollon/go-edlib"

	"github.com/diplograph/diplograph/internal/kg"
)

// maxSearchTokens bounds the tokens of a query that reach Lucene.
const maxSearchTokens = 32

// Search returns the entities best matching q.Text, best first, at most q.Limit (all when
// Limit <= 0), in one round trip through the full-text index. The text is folded and split into
// tokens as searchText was; an entity matches when any token matches one of its words exactly, as
// a prefix, or (from 4 runes on) with one typo (two from 8 runes on). Empty text, or text without
// letters or digits, finds nothing.
//
// A hit's score is a tier plus Lucene's score squashed into (0, 1), so a better tier always wins:
//
//	3  the whole query equals the whole name, an alias or the acronym (3.5 for the name)
//	2  every query token equals or starts a word of the name, one alias or the acronym
//	1  as 2, but some token only matches a word within its edit distance (a typo)
//	0  anything else Lucene found (some tokens only)
//
// Ties are broken by name, then id. Kinds that are not kg.Kinds match nothing. Tier 1 needs an
// edit distance Cypher lacks, so the query returns a pool of the best Lucene hits (see
// searchPool) and the tiers of that pool are settled here.
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	labels, none := kindLabels(q.Kinds)
	tokens := searchTokens(q.Text)
	if len(tokens) == 0 || none {
		return []kg.SearchHit{}, nil
	}
	tokens = tokens[:min(len(tokens), maxSearchTokens)]
	params := map[string]any{
		"query":  luceneQuery(tokens),
		"key":    strings.Join(tokens, " "),
		"tokens": tokens,
		"labels": labels,
	}
	limit := ""
	if q.Limit > 0 {
		limit = "LIMIT $limit"
		params["limit"] = int64(searchPool(q.Limit))
	}
	recs, err := s.read(ctx, `
		CALL db.index.fulltext.queryNodes('`+searchIndex+`', $query) YIELD node, score
		WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels)
		WITH node, score, split(node.searchText, '\n') AS keys
		WITH node, keys, score / (score + 1.0) + CASE
			WHEN keys[0] = $key THEN 3.5
			WHEN $key IN keys THEN 3.0
			WHEN any(k IN keys WHERE all(t IN $tokens WHERE any(w IN split(k, ' ') WHERE w STARTS WITH t))) THEN 2.0
			ELSE 0.0
		END AS score
		RETURN node {.*} AS n, score, keys
		ORDER BY score DESC, n.name, n.id
		`+limit, params)
	if err != nil {
		return nil, s.mapError(ctx, "search", err)
	}
	hits := make([]kg.SearchHit, 0, len(recs))
	for _, rec := range recs {
		m, _ := rec.Values[0].(map[string]any)
		score, _ := rec.Values[1].(float64)
		if keys, _ := rec.Values[2].([]any); score < 1 && typoMatch(tokens, keys) {
			score++
		}
		hits = append(hits, kg.SearchHit{Entity: entityFromMap(m), Score: score})
	}
	slices.SortStableFunc(hits, func(a, b kg.SearchHit) int {
		return cmp.Or(cmp.Compare(b.Score, a.Score), strings.Compare(a.Entity.Name, b.Entity.Name), strings.Compare(a.Entity.ID, b.Entity.ID))
	})
	if q.Limit > 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits, nil
}

// searchPool is how many of the best Lucene hits a search with limit n settles the tiers of: the
// hits that match every token, if with typos, score among the best of Lucene's, which rewards
// matching more tokens.
func searchPool(n int) int { return max(4*n, 50) }

// typoMatch reports whether every token matches a word of one of keys (search keys: words
// separated by spaces): equally, as a prefix (from 3 runes on, or if it is the last token), or
// within the edit distance Lucene's fuzzy queries allowed it (luceneQuery), counting a swap of
// two adjacent letters as one edit as Lucene does.
func typoMatch(tokens []string, keys []any) bool {
	for _, k := range keys {
		key, _ := k.(string)
		words := strings.Split(key, " ")
		all := true
		for i, t := range tokens {
			n := utf8.RuneCountInString(t)
			prefix := i == len(tokens)-1 || n >= 3
			if !slices.ContainsFunc(words, func(w string) bool {
				if w == t || prefix && strings.HasPrefix(w, t) {
					return true
				}
				e := fuzzyEdits(n)
				if d := utf8.RuneCountInString(w) - n; e == 0 || d > e || d < -e {
					return false
				}
				return edlib.OSADamerauLevenshteinDistance(t, w) <= e
			}) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// fuzzyEdits is the edit distance luceneQuery allows a token of n runes.
func fuzzyEdits(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// luceneQuery returns the Lucene query for tokens: any token may match, a word exactly (best), as
// a prefix, or within an edit distance that grows with its length; Lucene adds up the scores of
// the tokens that match. Every Lucene special character is escaped, although searchTokens leaves
// only letters and digits.
func luceneQuery(tokens []string) string {
	var b strings.Builder
	for i, t := range tokens {
		if i > 0 {
			b.WriteString(" OR ")
		}
		e := escapeLucene(t)
		b.WriteString("(" + e + "^4 OR " + e + "*^2")
		if k := fuzzyEdits(utf8.RuneCountInString(t)); k > 0 {
			b.WriteString(fmt.Sprintf(" OR %s~%d", e, k))
		}
		b.WriteString(")")
	}
	return b.String()
}

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
