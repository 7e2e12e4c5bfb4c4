package neo4jstore

import (
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The vectors of the page search: an entity no small probe finds matches each word in the class
// of a large probe or not at all, so its group is known from which large probes find it. A vector
// asks the index for the entities of one such combination, and per band (name length) for the
// group the page ends in (docs/search.md).

// maxVectors bounds the vectors over large probes a search asks the index about.
const maxVectors = 64

// maxEarlyVectors bounds the vectors over every probe that the statement running the probes
// takes along, to run those whose probes turn out large: more than the index is asked about, so
// that a query of four words (four or five probes each) still needs one round trip.
const maxEarlyVectors = 256

// searchVector is a vector of the page search: a Lucene query, the probes it needs large (their
// indexes), and the group its entities rank in but for the band.
type searchVector struct {
	query  string
	probes []any
	rank   kg.SearchRank
	known  bool // the query is its one probe's
}

// pageVectors returns the vectors over the probes of byToken (each token in the class of one of
// them, or unmatched), or false if there are more than most or one cannot be put as a query.
func pageVectors(p *kg.SearchPlan, byToken [][]*searchPageProbe, byTokenClass map[[2]int]*searchPageProbe, most int) ([]searchVector, bool) {
	combos := [][]*searchPageProbe{{}}
	for i := range p.Tokens {
		var next [][]*searchPageProbe
		for _, v := range combos {
			next = append(next, append(slices.Clone(v), nil)) // token i unmatched
			for _, sp := range byToken[i] {
				if len(sp.queries) == 1 { // a probe of several queries would fit no vector
					next = append(next, append(slices.Clone(v), sp))
				}
			}
		}
		combos = next
		if len(combos) > most+1 {
			return nil, false
		}
	}
	var out []searchVector
	for _, v := range combos {
		classes := make([]kg.MatchClass, len(v))
		var probes []any
		for i, sp := range v {
			if sp != nil {
				classes[i] = sp.class
				probes = append(probes, sp.index)
			}
		}
		r, ok := p.ClassRank(classes)
		if !ok {
			continue // every token unmatched
		}
		query, ok := vectorQuery(v, byTokenClass)
		if !ok {
			return nil, false
		}
		// With one token a vector is its probe: large when it runs.
		out = append(out, searchVector{query: query, probes: probes, rank: r, known: len(p.Tokens) == 1})
	}
	return out, true
}

// vectorRows returns the vectors as searchPageVectorRuns takes them; points orders their groups.
func vectorRows(p *kg.SearchPlan, vs []searchVector) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		out[i] = map[string]any{"i": int64(i), "query": v.query, "probes": v.probes, "known": v.known,
			"points": p.Points(v.rank), "tier": int64(v.rank.Tier), "matched": int64(v.rank.Matched),
			"quality": int64(v.rank.Quality)}
	}
	return out
}

// vectorQuery returns the Lucene query for the entities whose classes are exactly v (nil: the
// token unmatched), and false if it would hold more clauses than Lucene allows.
func vectorQuery(v []*searchPageProbe, byTokenClass map[[2]int]*searchPageProbe) (string, bool) {
	var b strings.Builder
	clauses := 0
	for i, sp := range v {
		if sp != nil {
			if len(sp.queries) != 1 {
				return "", false
			}
			b.WriteString(" +(" + sp.queries[0] + ")")
			clauses += strings.Count(sp.queries[0], " ") + 1
			continue
		}
		// Unmatched: none of the token's exact, prefix and one-edit probes finds the entity. Two-edit
		// probes are too large to exclude: the query may then find more than the vector's
		// entities, which costs a larger candidate set or walk but changes no rank.
		for _, c := range []kg.MatchClass{kg.ExactMatch, kg.PrefixMatch, kg.TypoMatch} {
			other := byTokenClass[[2]int{i, int(c)}]
			if other == nil {
				continue
			}
			for _, q := range other.queries {
				b.WriteString(" -(" + q + ")")
				clauses += strings.Count(q, " ") + 1
			}
		}
	}
	return strings.TrimSpace(b.String()), clauses <= maxClauses
}

// bands are each band and its searchBand term, for searchPageVectorRuns.
var bands = func() []any {
	out := make([]any, kg.MaxRankedNameTokens+1)
	for n := range out {
		out[n] = map[string]any{"band": int64(n), "term": searchBand(n), "prefix": bandPrefix(n)}
	}
	return out
}()

var (
	// searchPageVectors runs every vector of $vectors (searchPageVectorRuns).
	searchPageVectors = `
CALL () {
  UNWIND $vectors AS v` + searchPageVectorRuns + `
WITH [] AS probes, [] AS expanded,` + searchPageVectorResults + searchPagePrefetch

	// searchPageVectorRuns asks for each vector v (a Lucene query) for at most $cap entities,
	// unless v is known to reach it (v.known). Then, for the vectors that reach it and rank best
	// (v.points), whose group the page ends in unless better groups fill it, it asks again for
	// each band up to the longest name of the graph (the last entity by searchOrder). Groups below
	// need no bands: the page cannot reach them.
	searchPageVectorRuns = `
  CALL (v) {
    WITH v WHERE NOT v.known
    CALL db.index.fulltext.queryNodes($index, v.query, {limit: $cap}) YIELD node
    RETURN count(*) AS found, collect(node) AS nodes
  }
  RETURN collect({v: v, found: found, nodes: nodes}) AS runs
}
CALL (runs) {
  WITH runs, reduce(best = -1, r IN runs |
    CASE WHEN (r.v.known OR r.found >= $cap) AND r.v.points > best THEN r.v.points ELSE best END) AS best
  UNWIND [r IN runs WHERE (r.v.known OR r.found >= $cap) AND r.v.points = best] AS r
  CALL () {
    MATCH (n:Entity)
    WHERE n.searchOrder >= ''
    RETURN toInteger(left(n.searchOrder, 2)) AS longest
    ORDER BY n.searchOrder DESC
    LIMIT 1
  }
  UNWIND [b IN $bands WHERE b.band <= longest] AS b
  CALL (r, b) {
    CALL db.index.fulltext.queryNodes($index, r.v.query + ' +' + b.term, {limit: $cap}) YIELD node
    RETURN count(*) AS inBand, collect(node) AS bandNodes
  }
  RETURN collect({i: r.v.i, band: b.band, found: inBand, nodes: CASE WHEN inBand >= $cap THEN [] ELSE
    [n IN bandNodes ` + candidates + ` END,
    points: r.v.points - b.band, tier: r.v.tier, matched: r.v.matched, quality: r.v.quality,
    prefix: b.prefix, query: r.v.query + ' +' + b.term}) AS banded
}`

	// searchPageVectorResults gives, for each vector run, {i, found, nodes} (entities below
	// the cap only; found $cap when known), and the bands asked: {i, band, found, nodes} and the
	// group's points, tier, matched, quality and prefix (searchPagePrefetch).
	searchPageVectorResults = `
  [r IN runs | {i: r.v.i, found: CASE WHEN r.v.known THEN $cap ELSE r.found END,
    nodes: CASE WHEN r.v.known OR r.found >= $cap THEN [] ELSE
      [n IN r.nodes ` + candidates + ` END}] AS vectors,
  banded`
)
