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
// allows the token typos, one edit away (a disjunction of the terms and single-character
// wildcards that spell every word one edit from the token: each deletion and swap of two adjacent
// runes as a term, each replacement and insertion as "?"), and two edits away (the same for two
// edits, in disjunctions of at most maxClauses patterns). Each probe finds every entity with a
// word of its class: term, prefix and wildcard queries enumerate the index's terms without a cap.
// Lucene's own fuzzy query (token~1) would not do: it keeps only the 50 closest terms, so a token
// with more neighbours in the index (a common short word, a number among thousands) would
// silently lose hits.
//
// Each entity found gets, per query token, the best class of the probes that found it: exactly
// kg.SearchPlan.Classes. From those classes and its searchText the query computes the parts of
// kg's rank (kg.SearchPlan.RankClasses: tier, matched tokens, quality, name tokens) and sorts by
// them, then by name and id as kg.CompareSearchHits does (Neo4j compares strings by UTF-16 code
// units, as kg.CompareNames does), and returns the first q.Limit entities. The order must be
// known in Cypher, not only in Go: the page boundary often falls inside a large group that only
// the name separates (a generated graph of 100,000 entities has a thousand people named García),
// so a page chosen by any coarser order could miss hits. Go then ranks the entities returned with
// kg itself, which sets the scores; the conformance suite checks that both agree with a
// brute-force ranking of every entity.
//
// Two-edit probes are costly (hundreds of wildcard patterns for a long token), and a match two
// edits away is the weakest there is: a hit that needs one has tier kg.TierTypo at best and a
// quality of at most typoCeiling. So when the other probes already fill the page with hits that
// rank above that, the two-edit probes cannot change it, and the query skips them; otherwise it
// runs them and ranks again.
//
// The Cypher mirrors kg's tier rules and the order of the rank's parts; the classes and tiers it
// uses come from kg as parameters.

// maxClauses is the most patterns one probe holds: Lucene refuses queries of more than 1024 clauses.
const maxClauses = 1000

// Cypher fragments of the search queries. searchRank turns rows of (node, token, class: the best
// class of node for the query token) into rows of (node, tier, matched, quality, nameTokens).
const (
	searchProbe = `
CALL db.index.fulltext.queryNodes($index, probe.query) YIELD node
WITH node, probe
WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels)`

	searchRank = `
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
WITH node, tier, matched, quality,
  CASE WHEN nameTokens > $maxNameTokens THEN $maxNameTokens ELSE nameTokens END AS nameTokens`

	searchOrder = `
ORDER BY tier DESC, matched DESC, quality DESC, nameTokens, node.name, node.id`
)

// searchOnePass ranks the entities that $probes find.
const searchOnePass = `
UNWIND $probes AS probe` + searchProbe + `
WITH node, probe.token AS token, max(probe.class) AS class` + searchRank + searchOrder

// searchTwoPass ranks the entities that $probes find, and those that $typo2Probes find when the
// page ($limit hits) is not full of hits better than any that needs a two-edit match.
const searchTwoPass = `
UNWIND $probes AS probe` + searchProbe + `
WITH node, probe.token AS token, max(probe.class) AS class
WITH collect({node: node, token: token, class: class}) AS evidence
CALL {
  WITH evidence
  UNWIND evidence AS e
  WITH e.node AS node, e.token AS token, e.class AS class` + searchRank + searchOrder + `
  RETURN collect([tier, quality])[$limit - 1] AS floor
}
CALL {
  WITH floor
  WITH floor
  WHERE floor IS NULL OR floor[0] < $tierTypo OR (floor[0] = $tierTypo AND floor[1] <= $typoCeiling)
  UNWIND $typo2Probes AS probe` + searchProbe + `
  RETURN collect({node: node, token: probe.token, class: probe.class}) AS extra
}
UNWIND evidence + extra AS e
WITH e.node AS node, e.token AS token, max(e.class) AS class` + searchRank + searchOrder

// Search returns the hits of q as kg.Store.Search says, in one round trip (see above).
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	labels, none := kindLabels(q.Kinds)
	p := kg.PlanSearch(q.Text)
	if len(p.Tokens) == 0 || none {
		return []kg.SearchHit{}, nil
	}
	probes, typo2 := searchProbes(p)
	params := map[string]any{
		"index":          searchIndex,
		"probes":         probes,
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
	cypher := searchOnePass
	switch {
	case len(typo2) == 0:
	case q.Limit <= 0: // every hit is asked for: no page to fill first
		params["probes"] = append(probes, typo2...)
	default:
		cypher = searchTwoPass
		params["typo2Probes"] = typo2
		params["typoCeiling"] = typoCeiling(p)
	}
	if q.Limit > 0 {
		cypher += "\nLIMIT $limit"
		params["limit"] = int64(q.Limit)
	}
	recs, err := s.read(ctx, cypher+"\nRETURN node {.*} AS n", params)
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

// typoCeiling is the best quality of a hit that needs a two-edit match: every other token exact.
func typoCeiling(p *kg.SearchPlan) int64 {
	return int64(len(p.Tokens)-1)*int64(kg.ExactMatch) + int64(kg.Typo2Match)
}

// searchProbes returns the full-text queries of plan p, each a map {token: its index, class: the
// kg.MatchClass of what it finds, query: Lucene query text}: for each token, one query per way it
// may match (exact, prefix, one edit), and apart, the two-edit queries.
func searchProbes(p *kg.SearchPlan) (probes, typo2 []map[string]any) {
	probe := func(i int, c kg.MatchClass, query string) map[string]any {
		return map[string]any{"token": int64(i), "class": int64(c), "query": query}
	}
	for i, t := range p.Tokens {
		probes = append(probes, probe(i, kg.ExactMatch, escapeLucene(t.Text)))
		if t.Prefix {
			probes = append(probes, probe(i, kg.PrefixMatch, escapeLucene(t.Text)+"*"))
		}
		if t.MaxEdits >= 1 {
			probes = append(probes, probe(i, kg.TypoMatch, strings.Join(editPatterns(t.Text, 1), " ")))
		}
		if t.MaxEdits >= 2 {
			ps := editPatterns(t.Text, 2)
			for len(ps) > 0 {
				n := min(len(ps), maxClauses)
				typo2 = append(typo2, probe(i, kg.Typo2Match, strings.Join(ps[:n], " ")))
				ps = ps[n:]
			}
		}
	}
	return probes, typo2
}

// editPatterns returns Lucene terms and wildcard patterns ("?" is any one character) that together
// match exactly the words k edits from t, as kg counts edits (kg.Edits), and some words closer to
// t: t with runes deleted, replaced, inserted, or swapped with the next, for k = 1 (about 4n
// patterns for n runes) and k = 2 (about 8n², without those of k = 1). t must hold only letters
// and digits, which Lucene's query syntax never treats specially.
func editPatterns(t string, k int) []string {
	all := map[string]bool{}
	var edit func(head string, rest []rune, k int)
	edit = func(head string, rest []rune, k int) {
		all[head+string(rest)] = true
		if k == 0 {
			return
		}
		for i := 0; i <= len(rest); i++ {
			h := head + string(rest[:i])
			edit(h+"?", rest[i:], k-1) // insertion before rest[i]
			if i == len(rest) {
				break
			}
			edit(h, rest[i+1:], k-1)     // deletion of rest[i]
			edit(h+"?", rest[i+1:], k-1) // replacement of rest[i]
			if i+1 < len(rest) && rest[i] != rest[i+1] {
				edit(h+string(rest[i+1])+string(rest[i]), rest[i+2:], k-1) // swap
			}
		}
	}
	edit("", []rune(t), k)
	if k > 1 {
		for _, p := range editPatterns(t, k-1) {
			delete(all, p)
		}
	}
	out := make([]string, 0, len(all))
	for p := range all {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
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
