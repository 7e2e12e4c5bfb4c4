package neo4jstore

import (
	"context"
	"math"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Search asks Neo4j's full-text index for the entities each query word matches and ranks them as
// kg does: a page by the page search (search_page.go), which reads only what the page needs, and
// otherwise every hit, ranked in one statement (below). How and why: docs/search.md.

// Cypher fragments of the search query, in the order the query runs them.
const (
	// searchProbe runs one probe and keeps the entities of the kinds asked for.
	searchProbe = `
CALL db.index.fulltext.queryNodes($index, probe.query) YIELD node
WITH node, probe
WHERE size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels)`

	// searchEvidence runs $probes and gives, per entity found, how many query tokens it matches,
	// the sum of their classes (quality) and the worst of them: the probes find an entity at
	// most once per token.
	searchEvidence = `
UNWIND $probes AS probe` + searchProbe + `
WITH node, count(*) AS matched, sum(probe.class) AS quality, min(probe.class) AS weakest`

	// searchTierLow adds the tier the evidence proves, without whole keys (which need the
	// entity's searchText, and every token exact).
	searchTierLow = `
WITH node, matched, quality, weakest,
  CASE
    WHEN matched = $tokens AND weakest >= $prefixClass THEN $tierAllTokens
    WHEN matched = $tokens THEN $tierTypo
    ELSE $tierSomeTokens
  END AS tierLow`

	// searchRanked ranks the evidence and returns the page. Ranking needs each entity's
	// searchText, which costs more than the evidence, so it first sorts the evidence by what it
	// proves (tierLow, matched, quality) and ranks only the entities that may reach the page: as
	// good as the page's last by that order. An entity with a whole key has every token exact,
	// so it sorts among the first already. The grouping after UNWIND (on node, unique already)
	// starts rows afresh: without it the rows the final sort keeps still hold the evidence list,
	// and Neo4j counts it against the transaction's memory once per row (a page of 100 over 3,000
	// entities went past the default 256 MiB limit).
	searchRanked = searchTierLow + `
ORDER BY tierLow DESC, matched DESC, quality DESC
WITH collect({node: node, matched: matched, quality: quality, weakest: weakest, low: [tierLow, matched, quality]}) AS evidence
WITH evidence, evidence[$limit - 1].low AS bound
UNWIND [e IN evidence WHERE bound IS NULL OR e.low >= bound] AS e
WITH e.node AS node, max(e.matched) AS matched, max(e.quality) AS quality, max(e.weakest) AS weakest
WITH node, matched, quality, weakest, split(node.searchText, '\n') AS keys
WITH node, matched, quality,
  CASE
    WHEN keys[0] = $key THEN $tierName
    WHEN $key IN keys[1..] THEN $tierAlias
    WHEN matched = $tokens AND weakest >= $prefixClass THEN $tierAllTokens
    WHEN matched = $tokens THEN $tierTypo
    ELSE $tierSomeTokens
  END AS tier
ORDER BY tier DESC, matched DESC, quality DESC, node.searchOrder
LIMIT $limit`

	// searchTypo2Evidence is searchEvidence for queries with two-edit probes: it adds
	// $typo2Probes to $probes unless they cannot change the page, which it learns cheaply first
	// when at least $limit entities match every token exactly or as a prefix ($allTokens): they
	// fill the page and outrank any hit with a typo. Otherwise it runs $probes once to find the
	// last hit of the page they fill (tierLow is its tier but for whole keys, which outrank any
	// typo anyway): if that ranks above any hit that needs a two-edit match (tier kg.TierTypo at
	// best, quality at most $typoCeiling), the two-edit probes are left out too. They find
	// entities for tokens $probes do not, but may find one more than once for a token (the
	// chunks of a token's patterns overlap), so the evidence counts each token once (codes:
	// token * $classes + class).
	searchTypo2Evidence = `
CALL {
  CALL db.index.fulltext.queryNodes($index, $allTokens) YIELD node
  WITH node
  WHERE $paged AND (size($labels) = 0 OR any(l IN labels(node) WHERE l IN $labels))
  WITH node
  LIMIT $limit
  RETURN $paged AND count(*) = $limit AS full
}
CALL {
  WITH full
  WITH full
  WHERE $paged AND NOT full
  UNWIND $probes AS probe` + searchProbe + `
  WITH node, count(*) AS matched, sum(probe.class) AS quality, min(probe.class) AS weakest` + searchTierLow + `
  ORDER BY tierLow DESC, matched DESC, quality DESC
  LIMIT $limit
  WITH collect([tierLow, quality]) AS page
  RETURN NOT $paged OR size(page) < $limit OR page[-1][0] < $tierTypo
    OR (page[-1][0] = $tierTypo AND page[-1][1] <= $typoCeiling) AS typos
}
WITH CASE WHEN NOT full AND typos THEN $probes + $typo2Probes ELSE $probes END AS probes
UNWIND probes AS probe` + searchProbe + `
WITH node, collect(DISTINCT probe.token * $classes + probe.class) AS codes
WITH node, size(codes) AS matched,
  reduce(q = 0, c IN codes | q + c % $classes) AS quality,
  reduce(w = $classes, c IN codes | CASE WHEN c % $classes < w THEN c % $classes ELSE w END) AS weakest`

	searchPage = `
RETURN node {.*} AS entity`
)

// Search returns the hits of q as kg.Store.Search says, in one round trip (see above).
func (s *Store) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	labels, none := kindLabels(q.Kinds)
	p := kg.PlanSearch(q.Text)
	if len(p.Tokens) == 0 || none || q.Limit == 0 {
		return []kg.SearchHit{}, nil
	}
	if q.Limit > 0 {
		hits, ok, err := s.searchPage(ctx, q, p, labels)
		if ok || err != nil {
			return hits, err
		}
	}
	probes, typo2 := searchProbes(p)
	limit := int64(q.Limit)
	if limit < 0 { // kg.NoLimit: a page larger than any search finds
		limit = math.MaxInt32
	}
	params := map[string]any{
		"index":          searchIndex,
		"probes":         probeParams(probes),
		"labels":         labels,
		"key":            p.Key,
		"tokens":         int64(len(p.Tokens)),
		"limit":          limit,
		"paged":          q.Limit > 0,
		"exactClass":     int64(kg.ExactMatch),
		"prefixClass":    int64(kg.PrefixMatch),
		"tierName":       int64(kg.TierName),
		"tierAlias":      int64(kg.TierAlias),
		"tierAllTokens":  int64(kg.TierAllTokens),
		"tierTypo":       int64(kg.TierTypo),
		"tierSomeTokens": int64(kg.TierSomeTokens),
	}
	cypher := searchEvidence + searchRanked + searchPage
	if len(typo2) > 0 {
		cypher = searchTypo2Evidence + searchRanked + searchPage
		params["typo2Probes"] = probeParams(typo2)
		params["typoCeiling"] = typoCeiling(p)
		params["classes"] = int64(kg.ExactMatch) + 1
		params["allTokens"] = allTokensQuery(p)
	}
	recs, err := s.read(ctx, cypher, params)
	if err != nil {
		return nil, s.mapError(ctx, "search", err)
	}
	var d decoder
	fs := make([]*found, len(recs))
	for i, rec := range recs {
		fs[i] = foundOf(d.record(rec).sub("entity", true))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "search", d.err)
	}
	return rankedHits(p, fs), nil
}

// found is an entity a search read, with its searchText, which holds the titles of its positions
// as the entity does not.
type found struct {
	entity *kg.Entity
	text   string
}

// foundOf reads a found entity from an entity node's map projection (n {.*}).
func foundOf(r row) *found {
	return &found{entity: entityOf(r), text: maybe[string](r, keySearchText)}
}

// rankedHits returns fs as hits, scored and ordered by kg from their searchText. An entity kg
// does not find (a searchText written before the current tokenization) is left out rather than
// ranked.
func rankedHits(p *kg.SearchPlan, fs []*found) []kg.SearchHit {
	hits := make([]kg.SearchHit, 0, len(fs))
	for _, f := range fs {
		e := f.entity
		if r, ok := p.Rank(kg.SearchDocOfKeys(strings.Split(f.text, "\n"))); ok {
			hits = append(hits, kg.SearchHit{Entity: e, Score: p.Score(r)})
		}
	}
	slices.SortStableFunc(hits, kg.CompareSearchHits)
	return hits
}

// allTokensQuery returns the Lucene query for the entities that match every token of p exactly
// or as a prefix.
func allTokensQuery(p *kg.SearchPlan) string {
	var b strings.Builder
	for _, t := range p.Tokens {
		b.WriteString(" +" + escapeLucene(t.Text))
		if t.Prefix {
			b.WriteString("*")
		}
	}
	return strings.TrimSpace(b.String())
}

// typoCeiling is the best quality of a hit that needs a two-edit match: every other token exact.
func typoCeiling(p *kg.SearchPlan) int64 {
	return int64(len(p.Tokens)-1)*int64(kg.ExactMatch) + int64(kg.Typo2Match)
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
	if len(recs) == 0 {
		return nil
	}
	var d decoder
	analyzer := maybe[string](d.record(recs[0]), "analyzer")
	if d.err != nil {
		return s.mapError(ctx, "ensure schema", d.err)
	}
	if analyzer == searchAnalyzer {
		return nil
	}
	return s.schemaCommand(ctx, "DROP INDEX "+searchIndex+" IF EXISTS")
}
