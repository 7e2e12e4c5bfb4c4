package neo4jstore

import (
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The page search's read-ahead: the statement that runs the probes and vectors also ranks their
// candidates in Cypher and reads the first q.Limit of them whole, and walks the best group no
// query could read whole, so that a search is one round trip when the page comes from them (the
// usual case). What it reads ahead is only used where Go's own choice of the page (takePage)
// asks for the same entities: a wrong guess costs the round trip it would have saved, never a
// wrong answer (docs/search.md).

// searchPagePrefetch ranks the candidates as kg does but for typos: a token a candidate matches
// neither exactly nor as a prefix takes the class of the best probe of it that found the
// candidate (its evidence, token * $classes + class), so that no regular expression of edits
// runs on thousands of candidates. A candidate that a probe too large to read matches with a
// typo ranks lower here than in kg, which costs at most the round trip that reads the page's
// entities. It ranks from the searchText and searchOrder the candidates' rows hold already, so
// that only the entities it returns are read again.
//
// It follows searchPageVectorResults (probes, vectors and banded, whose nodes keep the node as
// n) and returns them without the nodes, with pre (the candidates that rank first, read whole)
// and, when the page reaches a group only a walk can take, walked (its first
// $limit entities in searchOrder, read whole) and walkedGroups (that group: [] when it was not
// walked).
var searchPagePrefetch = `
WITH probes, vectors, expanded, banded + CASE WHEN any(p IN probes WHERE p.token < 0 AND p.found >= $cap)
  THEN [$keyGroup] ELSE [] END AS banded
WITH probes, vectors, banded, expanded, [t IN $tokens | t {.*,
    ones: coalesce(head([x IN expanded WHERE x.marker = t.one | x.words]), t.ones),
    twos: coalesce(head([x IN expanded WHERE x.marker = t.two | x.words]), t.twos)}] AS toks
WITH probes, vectors, banded, expanded, toks, [i IN range(0, size($tokens) - 1) | coalesce($largeTypos[i], false)
    OR any(p IN probes WHERE p.token = i AND p.class IN [$typoClass, $typo2Class] AND p.found >= $cap)] AS largeTypo
CALL (probes, vectors, banded, toks, largeTypo) {
  UNWIND probes + [r IN vectors + banded | {token: -1, class: 0, nodes: r.nodes}] AS run
  UNWIND run.nodes AS c
  WITH c.n AS n, c.text AS text, c.order AS order, collect(run.token * $classes + run.class) AS evidence, toks, largeTypo
  WHERE text IS NOT NULL AND order IS NOT NULL
  WITH n, order, evidence, split(text, '\n') AS keys, split(replace(text, '\n', ' '), ' ') AS ws, toks, largeTypo
  WITH n, order, keys, [i IN range(0, size(toks) - 1) |
    CASE
      WHEN toks[i].text IN ws THEN $exactClass
      WHEN toks[i].prefix AND any(w IN ws WHERE w STARTS WITH toks[i].text) THEN $prefixClass
      WHEN largeTypo[i] AND toks[i].one IS NOT NULL AND any(w IN ws WHERE w IN toks[i].ones
        OR (toks[i].onewild IS NOT NULL AND w =~ toks[i].onewild)) THEN $typoClass
      WHEN largeTypo[i] AND toks[i].two IS NOT NULL AND any(w IN ws WHERE w IN toks[i].twos
        OR (toks[i].twowild IS NOT NULL AND w =~ toks[i].twowild)) THEN $typo2Class
      ELSE reduce(best = 0, e IN evidence | CASE WHEN e / $classes = i AND e % $classes > best THEN e % $classes ELSE best END)
    END] AS classes` + searchRankTier(", order") + `
  WHERE tier >= 0
  WITH n, order, ((tier * $pointsMatched + matched) * $pointsQuality + quality) * ($maxBand + 1)
    + $maxBand - toInteger(left(order, 2)) AS points
  ORDER BY points DESC, order
  RETURN collect({n: n, points: points}) AS ranked
}
WITH probes, vectors, banded, ranked, expanded, toks,
  reduce(best = null, b IN banded |
    CASE WHEN b.found >= $cap AND (best IS NULL OR b.points > best.points) THEN b ELSE best END) AS best
CALL (best, ranked, toks, banded) {
  WITH best AS grp, toks, banded
  WHERE grp IS NOT NULL AND size([c IN ranked WHERE c.points > grp.points]) < $limit
  WITH grp {.*, query: '+(' + reduce(q = '', b IN banded |
    CASE WHEN b.points = grp.points THEN q + ' (' + b.query + ')' ELSE q END) + ')'} AS grp, toks
  CALL (grp, toks) {` + searchGroupTake + `
    RETURN n, taken
  }
  RETURN collect(DISTINCT grp {.tier, .matched, .quality, .band, taken: taken}) AS walkedGroups, collect(n {.*}) AS walked
}
RETURN [p IN probes | p {.i, .found, nodes: [c IN p.nodes | c {.id, .text, .order}]}] AS probes,
  [v IN vectors | v {.i, .found, nodes: [c IN v.nodes | c {.id, .text, .order}]}] AS vectors,
  [b IN banded WHERE b.i >= 0 | b {.i, .band, .found, nodes: [c IN b.nodes | c {.id, .text, .order}]}] AS banded,
  [c IN ranked[..$limit] | properties(c.n)] AS pre, walkedGroups, walked, expanded`

// readAhead keeps what a statement of the page search read ahead (searchPagePrefetch) from its
// row r.
func (ps *pageSearch) readAhead(r row) {
	for _, er := range r.rows("pre") {
		f := foundOf(er)
		ps.pre[f.entity.ID] = f
	}
	groups := r.rows("walkedGroups")
	if len(groups) != 1 {
		return
	}
	gr := groups[0]
	ps.taken = need[int64](gr, "taken")
	g := groupKey{tier: int(need[int64](gr, "tier")), matched: int(need[int64](gr, "matched")),
		quality: int(need[int64](gr, "quality")), band: int(need[int64](gr, "band"))}
	var walked []candidate
	for _, er := range r.rows("walked") {
		f := foundOf(er)
		walked = append(walked, candidate{id: f.entity.ID, order: need[string](er, keySearchOrder), found: f,
			rank: kg.SearchRank{Tier: g.tier, Matched: g.matched, Quality: g.quality, NameTokens: g.band}})
	}
	slices.SortFunc(walked, func(a, b candidate) int { return strings.Compare(a.order, b.order) })
	ps.walked[g] = walked
}

// attachReadAhead gives the candidates of page not read whole yet the entities read ahead.
func (ps *pageSearch) attachReadAhead(page []candidate) {
	for i := range page {
		if page[i].found == nil {
			page[i].found = ps.pre[page[i].id]
		}
	}
}
