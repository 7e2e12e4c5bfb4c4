package neo4jstore

import (
	"context"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// How a search finds its hits in Neo4j, in one round trip.
//
// The full-text index (searchIndex) holds every entity's searchText: the tokens of its name,
// aliases and acronym (kg.SearchTokens), space-separated, one key a line. Its analyzer splits on
// white space only, so the index's terms are exactly kg's words.
//
// For each query token the search asks the index, through separate probes, for the entities
// with a word the token matches exactly (a term query), as a prefix (a prefix query) and, when kg
// allows the token a typo, one edit away (a disjunction of the ~4n terms and single-character
// wildcards that spell every word one edit from the token: each deletion and swap of two adjacent
// runes as a term, each replacement and insertion as "?"). Each probe finds every entity of its
// class and no other: term, prefix and wildcard queries enumerate the index's terms without a cap.
// Lucene's own fuzzy query (token~1) would not do: it keeps only the 50 closest terms, so a token
// with more neighbours in the index (a common 4-letter word, a number among thousands) would
// silently lose hits.
//
// Each entity found gets, per query token, the best class of the probes that found it: exactly
// kg.SearchPlan.Classes. From those classes and its searchText the query computes the parts of
// kg's rank (kg.SearchPlan.RankClasses: tier, matched tokens, quality, name tokens) and sorts by
// them, then by name and id as kg.CompareSearchHits does (Neo4j compares strings by UTF-16 code
// units, as kg.CompareNames does), and returns the first q.Limit entities. The order must be
// known in Cypher, not only in Go: the page boundary often falls inside a large group that only
// the name separates (a generated graph of 100,000 entities has a thousand people named García),
// so a page chosen by any coarser order would miss hits. Go then ranks the entities returned
// with kg itself, which sets the scores; the conformance suite checks that both agree with a
// brute-force ranking of every entity.
//
// The Cypher below mirrors kg's tier rules and the order of the rank's parts; the classes and
// tiers it uses come from kg as parameters.

// searchCypher finds and orders the hits of a search; $probes are searchProbe maps.
const searchCypher = `
UNWIND $probes AS probe
CALL db.index.fulltext.queryNodes($index, probe.query) YIELD node
WITH node, probe
WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels)
WITH node, probe.token AS token, max(probe.class) AS class
WITH node, count(token) AS matched, sum(class) AS quality, min(class) AS weakest
WITH node, matched, quality, weakest, split(node.searchText, '\n') AS keys
WITH node, matched, quality,
  CASE
    WHEN keys[0] = $key THEN $tierName
    WHEN $key IN keys[1..] THEN $tierAlias
    WHEN matched = $tokens AND weakest >= $prefixClass THEN $tierAllTokens
    WHEN matched = $tokens THEN $tierTypo
    ELSE $tierSomeTokens
  END AS tier,
  size([w IN split(keys[0], ' ') WHERE w <> '']) AS nameTokens
ORDER BY tier DESC, matched DESC, quality DESC,
  CASE WHEN nameTokens > $maxNameTokens THEN $maxNameTokens ELSE nameTokens END,
  node.name, node.id
`

// Search returns the hits of q as kg.Store.Search says, in one round trip (see above).
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	labels, none := kindLabels(q.Kinds)
	p := kg.PlanSearch(q.Text)
	if len(p.Tokens) == 0 || none {
		return []kg.SearchHit{}, nil
	}
	params := map[string]any{
		"index":          searchIndex,
		"probes":         searchProbes(p),
		"labels":         labels,
		"key":            p.Key,
		"tokens":         int64(len(p.Tokens)),
		"prefixClass":    int64(kg.PrefixMatch),
		"tierName":       int64(kg.TierName),
		"tierAlias":      int64(kg.TierAlias),
		"tierAllTokens":  int64(kg.TierAllTokens),
		"tierTypo":       int64(kg.TierTypo),
		"tierSomeTokens": int64(kg.TierSomeTokens),
		"maxNameTokens":  int64(kg.MaxRankedNameTokens),
	}
	cypher := searchCypher
	if q.Limit > 0 {
		cypher += "LIMIT $limit\n"
		params["limit"] = int64(q.Limit)
	}
	recs, err := s.read(ctx, cypher+"RETURN node {.*} AS n", params)
	if err != nil {
		return nil, s.mapError(ctx, "search", err)
	}
	hits := make([]kg.SearchHit, 0, len(recs))
	for _, rec := range recs {
		m, _ := rec.Values[0].(map[string]any)
		e := entityFromMap(m)
		r, ok := p.Rank(kg.NewSearchDoc(e))
		if !ok {
			// The index found an entity kg does not: a searchText written before the current
			// tokenization. Leave it out rather than rank it.
			continue
		}
		hits = append(hits, kg.SearchHit{Entity: e, Score: p.Score(r)})
	}
	slices.SortStableFunc(hits, kg.CompareSearchHits)
	return hits, nil
}

// searchProbes returns the full-text queries of plan p: for each token, one query per way it may
// match (exact, prefix, typo), each a map {token: its index, class: the kg.MatchClass of what it
// finds, query: Lucene query text}.
func searchProbes(p *kg.SearchPlan) []map[string]any {
	var out []map[string]any
	add := func(i int, c kg.MatchClass, query string) {
		out = append(out, map[string]any{"token": int64(i), "class": int64(c), "query": query})
	}
	for i, t := range p.Tokens {
		add(i, kg.ExactMatch, escapeLucene(t.Text))
		if t.Prefix {
			add(i, kg.PrefixMatch, escapeLucene(t.Text)+"*")
		}
		if t.Typo {
			add(i, kg.TypoMatch, strings.Join(oneEditPatterns(t.Text), " "))
		}
	}
	return out
}

// oneEditPatterns returns Lucene terms and wildcard patterns ("?" is any one character) that
// together match exactly the words at most one edit from t (kg.OneEdit, and t itself): t with a
// rune deleted, replaced, inserted, or swapped with the next. t must hold only letters and digits,
// which Lucene's query syntax never treats specially; a pattern with several clauses is one
// disjunction in Lucene's default OR.
func oneEditPatterns(t string) []string {
	rs := []rune(t)
	var out []string
	for i := 0; i <= len(rs); i++ {
		head := string(rs[:i])
		out = append(out, head+"?"+string(rs[i:])) // insertion before rs[i]
		if i == len(rs) {
			break
		}
		tail := string(rs[i+1:])
		out = append(out, head+tail, head+"?"+tail) // deletion and replacement of rs[i]
		if i+1 < len(rs) && rs[i] != rs[i+1] {
			out = append(out, head+string(rs[i+1])+string(rs[i])+string(rs[i+2:])) // swap
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
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

// dropStaleSearchIndex drops searchIndex if it exists with another analyzer than searchAnalyzer
// (databases set up before search ranked with kg used a standard analyzer, which splits some
// words kg keeps whole), so that EnsureSchema creates it anew. Neo4j then indexes every entity
// again, in the background; EnsureSchema waits for it.
func (s *Store) dropStaleSearchIndex(ctx context.Context) error {
	recs, err := s.read(ctx, `
		SHOW FULLTEXT INDEXES YIELD name, options
		WHERE name = $name
		RETURN options.indexConfig['fulltext.analyzer'] AS analyzer`, map[string]any{"name": searchIndex})
	if err != nil {
		return s.mapError(ctx, "ensure schema", err)
	}
	if len(recs) == 0 || recs[0].Values[0] == searchAnalyzer {
		return nil
	}
	return s.schemaCommand(ctx, "DROP INDEX "+searchIndex+" IF EXISTS")
}
