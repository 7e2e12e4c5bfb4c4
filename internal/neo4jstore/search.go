package neo4jstore

import (
	"context"
	"strings"
	"unicode/utf8"

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
//	0  anything else Lucene found (some tokens only, or typos)
//
// Ties are broken by name, then id. Kinds that are not kg.Kinds match nothing.
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
		params["limit"] = int64(q.Limit)
	}
	recs, err := s.read(ctx, `
		CALL db.index.fulltext.queryNodes('`+searchIndex+`', $query) YIELD node, score
		WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels)
		WITH node, score, split(node.searchText, '\n') AS keys
		WITH node, score / (score + 1.0) + CASE
			WHEN keys[0] = $key THEN 3.5
			WHEN $key IN keys THEN 3.0
			WHEN any(k IN keys WHERE all(t IN $tokens WHERE any(w IN split(k, ' ') WHERE w STARTS WITH t))) THEN 2.0
			ELSE 0.0
		END AS score
		RETURN node {.*} AS n, score
		ORDER BY score DESC, n.name, n.id
		`+limit, params)
	if err != nil {
		return nil, s.mapError(ctx, "search", err)
	}
	hits := make([]kg.SearchHit, 0, len(recs))
	for _, rec := range recs {
		m, _ := rec.Values[0].(map[string]any)
		score, _ := rec.Values[1].(float64)
		hits = append(hits, kg.SearchHit{Entity: entityFromMap(m), Score: score})
	}
	return hits, nil
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
		switch n := utf8.RuneCountInString(t); {
		case n >= 8:
			b.WriteString(" OR " + e + "~2")
		case n >= 4:
			b.WriteString(" OR " + e + "~1")
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
