package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf16"

	"github.com/diplograph/diplograph/internal/kg"
)

// The page search: a page of hits without reading every entity the words match. Small probes
// and vectors give candidates that kg ranks exactly; a group too large to read whole is walked in
// searchOrder within its band. A search that cannot be put so falls back to ranking every hit
// (docs/search.md).

// searchCap is the most entities a probe or vector may find for the search to read them all. A
// probe below it costs the projection of every entity it finds, so the cap is what a word costs
// at most; above it a group's page comes from a level of the index (search_levels.go), whose cost
// does not grow with the group. 100 was the fastest of 1,000, 300, 200 and 100 at 10k and 100k
// entities (docs/search.md). A variable so that tests can make probes large on a small graph.
var searchCap = 100

// searchPageProbe is one probe of the page search: the entities whose best match of token is
// class, found by queries (one: the vocabulary turns a typo probe's patterns into its few words).
// token -1 is the whole-key lookup.
type searchPageProbe struct {
	index   int64 // its place in the probes of the search
	token   int
	class   kg.MatchClass
	queries []string
	large   bool
}

// candidate is an entity the page search has read: enough to rank it and place it in its group,
// and the entity itself once read whole (a walk reads it so).
type candidate struct {
	id    string
	order string
	rank  kg.SearchRank
	found *found
}

// groupKey is a group of equal hits: (tier, matched, quality) as kg ranks them, and the band, the
// name's token count (at most kg.MaxRankedNameTokens), which orders equals next.
type groupKey struct{ tier, matched, quality, band int }

func groupOf(r kg.SearchRank) groupKey {
	return groupKey{r.Tier, r.Matched, r.Quality, min(r.NameTokens, kg.MaxRankedNameTokens)}
}

// compareGroups orders groups as kg ranks their hits: a greater group ranks first.
func compareGroups(a, b groupKey) int {
	return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(a.matched, b.matched), cmp.Compare(a.quality, b.quality),
		cmp.Compare(b.band, a.band))
}

var (
	// candidates ends a list comprehension over nodes n: those of the kinds asked for, each as
	// {id, text: searchText, order: searchOrder}, what addCandidates reads, and the node itself
	// (n), which searchPagePrefetch ranks and leaves out of the answer.
	candidates = `WHERE size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels) |
      {id: n.id, text: n.searchText, order: n.searchOrder, n: n}]`

	// searchPageProbes runs each probe's queries, at most $cap entities each, and returns for each
	// probe how many entities its fullest query found (a query that reaches the cap may have found
	// more) and, below the cap, the entities of the kinds asked for (several queries may find an
	// entity more than once). Then it runs the vectors of $vectors whose probes all reached the
	// cap (searchPageVectorRuns).
	searchPageProbes = searchExpandWords + `
UNWIND $probes AS probe
CALL (probe, expanded) {
  UNWIND [q IN probe.queries | ` + expandedQuery("q") + `] AS query
  CALL (probe, query) {
    CALL db.index.fulltext.queryNodes(probe.index, query, {limit: $cap}) YIELD node
    RETURN count(*) AS found, collect(node) AS nodes
  }
  WITH max(found) AS found, reduce(all = [], ns IN collect(nodes) | all + ns) AS nodes
  RETURN found, CASE WHEN found >= $cap THEN [] ELSE
    [n IN nodes ` + candidates + ` END AS nodes
}
WITH expanded, collect({i: probe.i, token: probe.token, class: probe.class, found: found, nodes: nodes}) AS probes
CALL (probes, expanded) {
  WITH [p IN probes WHERE p.found >= $cap | p.i] AS large, expanded
  WITH [v IN $vectors WHERE all(c IN v.probes WHERE c IN large) | v {.*, query: ` + expandedQuery("v.query") + `}] AS run
  UNWIND CASE WHEN size(run) <= $maxVectors THEN run ELSE [] END AS v` + searchPageVectorRuns + `
WITH probes, expanded,` + searchPageVectorResults + searchPagePrefetch

	// searchPageEntities reads the page's entities.
	searchPageEntities = `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n {.*} AS entity`
)

var (
	// searchPageWalk walks the group $group (searchGroupWalk) and also reads the entities $ids
	// (page entities found before), so that the page needs no round trip of its own.
	searchPageWalk = `
CALL () {
  WITH $group AS grp, $tokens AS toks` + searchGroupTake + `
  RETURN n, taken
}
RETURN n {.*} AS entity, true AS walked, taken
UNION ALL
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n {.*} AS entity, false AS walked, null AS taken`

	// searchGroupWalk walks the entities of the band (name length) of the group grp ({tier,
	// matched, quality, prefix: the band as searchOrder starts}) in searchOrder and returns the
	// first $limit whose rank, as kg computes it (searchRankWords, searchRankClasses), falls in
	// the group. A group of tier TierAllTokens or better needs every token to start some word,
	// which is cheap to test first (cheaper still as a substring of searchText, before it is
	// split into words).
	searchGroupWalk = `
  MATCH (n:Entity)
  WHERE n.searchOrder STARTS WITH grp.prefix
    AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
  WITH n, grp, toks ORDER BY n.searchOrder
  WHERE grp.tier < $tierAllTokens OR all(t IN toks WHERE n.searchText CONTAINS t.text)` +
		searchRankWords(", grp, toks") + `
  WHERE grp.tier < $tierAllTokens OR all(t IN toks WHERE any(w IN ws WHERE w STARTS WITH t.text))` +
		searchRankClasses(", grp") + `
  WHERE tier = grp.tier AND matched = grp.matched AND quality = grp.quality
  RETURN n
  LIMIT $limit`
)

// searchGroupTake gives, as rows n, the first $limit entities of the group grp (as
// searchGroupLevels takes it) from a level of the index, or if none holds enough of them, by
// walking the group (searchGroupWalk). A level gives only the entities of the group's vectors
// (grp.query); the caller adds the group's other entities, which probes read whole.
var searchGroupTake = `
  CALL (grp, toks) {` + searchGroupLevels + `
    RETURN leveled, taken
  }
  CALL (grp, toks, leveled) {
    WITH grp, toks, leveled
    WHERE size(leveled) < $limit AND coalesce(grp.walk, true)
    CALL (grp, toks) {` + searchGroupWalk + `
    }
    RETURN collect(n) AS walked
  }
  UNWIND CASE WHEN size(leveled) >= $limit THEN leveled ELSE walked END AS n`

// searchRankWords splits the searchText of the entity n into its keys and its words (with
// repeats, which change no class), for searchRankClasses; carry (", v, ...") lists the caller's
// variables its WITHs keep.
func searchRankWords(carry string) string {
	return `
  WITH n, split(n.searchText, '\n') AS keys, split(replace(n.searchText, '\n', ' '), ' ') AS ws` + carry
}

// searchRankClasses ranks the entity n from its keys and words (searchRankWords) as kg does
// (kg.SearchPlan.Classes and RankClasses): tier (-1 when no token matches), matched and quality.
// toks are the query's tokens (rankParams) with the words of their one- and two-edit patterns
// (ones, twos: searchExpandWords found them on the vocabulary, which holds every word of every
// searchText) and the regular expressions of the patterns left wild, tried only on words of a
// length within the edits (in UTF-16 units, as Cypher counts: an edit changes at most two).
// carry (", v, ...") lists the caller's variables its WITHs keep.
func searchRankClasses(carry string) string {
	return `
  WITH n, keys, [t IN toks |
    CASE
      WHEN t.text IN ws THEN $exactClass
      WHEN t.prefix AND any(w IN ws WHERE w STARTS WITH t.text) THEN $prefixClass
      WHEN t.one IS NOT NULL AND any(w IN ws WHERE w IN t.ones
        OR (t.onewild IS NOT NULL AND abs(size(w) - t.units) <= 2 AND w =~ t.onewild)) THEN $typoClass
      WHEN t.two IS NOT NULL AND any(w IN ws WHERE w IN t.twos
        OR (t.twowild IS NOT NULL AND abs(size(w) - t.units) <= 4 AND w =~ t.twowild)) THEN $typo2Class
      ELSE 0
    END] AS classes` + carry + searchRankTier(carry)
}

// searchRankTier follows a WITH of n, keys and classes (each token's class) and adds tier (-1
// when no token matches), matched and quality, as kg.SearchPlan.RankClasses does.
func searchRankTier(carry string) string {
	return `
  WITH n, keys, size([c IN classes WHERE c > 0]) AS matched,
    reduce(q = 0, c IN classes | q + c) AS quality,
    reduce(w = $exactClass, c IN classes | CASE WHEN c < w THEN c ELSE w END) AS weakest` + carry + `
  WITH n, matched, quality,
    CASE
      WHEN matched = 0 THEN -1
      WHEN keys[0] = $key THEN $tierName
      WHEN $key IN keys[1..] THEN $tierAlias
      WHEN matched = size($tokens) AND weakest >= $prefixClass THEN $tierAllTokens
      WHEN matched = size($tokens) THEN $tierTypo
      ELSE $tierSomeTokens
    END AS tier` + carry
}

// searchPage returns the page of q's hits as Search does, by the page search above. It returns
// false when the search cannot be put so, and Search then ranks every hit.
func (s *Store) searchPage(ctx context.Context, q kg.SearchQuery, p *kg.SearchPlan, labels []string) ([]kg.SearchHit, bool, error) {
	probes, expansions := vocabularyProbes(p)
	page, ok, err := s.searchPageWith(ctx, q, p, labels, probes, expansions)
	if errors.Is(err, errFallBack) {
		return nil, false, nil
	}
	if err != nil || !ok {
		return nil, ok, err
	}
	return s.pageEntities(ctx, p, page)
}

// searchPageWith ranks the page of q from probes and returns its candidates in rank order. It
// runs the probes (and, when they are few, the vectors) in one round trip, the vectors over the
// large probes in a second when they were not, and walks the groups the page reaches that no
// query could read whole.
func (s *Store) searchPageWith(ctx context.Context, q kg.SearchQuery, p *kg.SearchPlan, labels []string,
	probes []searchQueryProbe, expansions []any) ([]candidate, bool, error) {
	ps := newPageSearch(q, p, labels, probes)
	ps.expansions = expansions
	ok, err := s.runProbes(ctx, ps)
	if err != nil || !ok {
		return nil, ok, err
	}
	if ok, err = s.runLargeVectors(ctx, ps); err != nil || !ok {
		return nil, ok, err
	}
	if err := ps.cover(); err != nil {
		return nil, false, s.mapError(ctx, "search", err)
	}
	return s.takePage(ctx, ps)
}

// pageSearch is one page search under way: its probes, its vectors and what they found.
type pageSearch struct {
	q      kg.SearchQuery
	p      *kg.SearchPlan
	labels []string
	cap    int64 // the most entities a query reads; one that finds as many may have found more

	all          []*searchPageProbe
	byToken      [][]*searchPageProbe // the probes of each token
	byTokenClass map[[2]int]*searchPageProbe
	keyProbe     *searchPageProbe // the query as a whole key
	keyGroup     groupKey         // the group of the entities named as the query is (keyGroupOf)
	keyQuery     string           // the Lucene query of a superset of keyGroup in its band
	vectors      []searchVector
	early        bool                // the vectors ran with the probes
	expansions   []any               // of the probes' word markers (wordExpansion)
	expanded     *strings.Replacer   // the markers by their words, as the first round trip found them
	words        map[string][]string // the words of each marker, as the first round trip found them

	cands        map[string]candidate
	runs, banded []row // the vectors' answers, and their bands'

	partial      map[groupKey]bool     // groups (band 0) a vector found more of than it read, asked no bands
	uncovered    map[groupKey]bool     // groups, by band, with more entities than a query reads
	groupQueries map[groupKey][]string // the queries of the vectors of each group, by band

	taken  int64                    // how the statement took its walked group (searchGroupLevels), or -2
	pre    map[string]*found        // candidates read whole ahead (searchPagePrefetch)
	walked map[groupKey][]candidate // the first entities of an uncovered group, walked ahead

	d decoder // of the answers' rows
}

// newPageSearch groups the queries of probes by token and class, adds the whole-key lookup, and
// the vectors over every probe, when they are few enough to run with the probes.
func newPageSearch(q kg.SearchQuery, p *kg.SearchPlan, labels []string, probes []searchQueryProbe) *pageSearch {
	ps := &pageSearch{q: q, p: p, labels: labels, cap: int64(max(searchCap, q.Limit)),
		byTokenClass: map[[2]int]*searchPageProbe{}, byToken: make([][]*searchPageProbe, len(p.Tokens)),
		cands: map[string]candidate{}, partial: map[groupKey]bool{}, uncovered: map[groupKey]bool{},
		groupQueries: map[groupKey][]string{},
		pre:          map[string]*found{}, walked: map[groupKey][]candidate{}}
	for _, pr := range probes {
		k := [2]int{pr.token, int(pr.class)}
		sp := ps.byTokenClass[k]
		if sp == nil {
			sp = &searchPageProbe{token: pr.token, class: pr.class, index: int64(len(ps.all))}
			ps.byTokenClass[k] = sp
			ps.all = append(ps.all, sp)
			ps.byToken[pr.token] = append(ps.byToken[pr.token], sp)
		}
		sp.queries = append(sp.queries, pr.query)
	}
	ps.keyGroup, ps.keyQuery = keyGroupOf(p)
	ps.keyProbe = &searchPageProbe{token: -1, index: int64(len(ps.all)), queries: []string{`"` + escapePhrase(p.Key) + `"`}}
	ps.all = append(ps.all, ps.keyProbe)
	ps.vectors, ps.early = pageVectors(p, ps.byToken, ps.byTokenClass, maxEarlyVectors)
	return ps
}

// runProbes runs the probes, and the vectors when early, in one round trip. It returns false when
// the page search does not apply.
func (s *Store) runProbes(ctx context.Context, ps *pageSearch) (bool, error) {
	rows := make([]map[string]any, len(ps.all))
	for i, sp := range ps.all {
		index := searchIndex
		if sp.token < 0 {
			index = searchKeysIndex
		}
		rows[i] = map[string]any{"i": int64(i), "index": index, "queries": anyList(sp.queries),
			"token": int64(sp.token), "class": int64(sp.class)}
	}
	params := ps.params(ps.q.Limit)
	params["probes"], params["vectors"] = rows, []any{}
	params["expansions"], params["maxVectors"] = ps.expansions, int64(maxVectors)
	params["keyGroup"] = ps.keyGroupRow()
	if ps.early {
		params["vectors"] = vectorRows(ps.p, ps.vectors)
	}
	recs, err := s.read(ctx, searchPageProbes, params)
	if err != nil {
		return false, searchPageError(ctx, s, err)
	}
	d := &ps.d
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
		return false, s.mapError(ctx, "search", d.err)
	}
	r := d.record(recs[0])
	var pairs []string
	ps.words = map[string][]string{}
	for _, x := range r.rows("expanded") {
		pairs = append(pairs, need[string](x, "marker"), need[string](x, "terms"))
		ps.words[need[string](x, "marker")] = x.strings("words")
	}
	ps.expanded = strings.NewReplacer(pairs...)
	for _, pr := range r.rows("probes") {
		i := need[int64](pr, "i")
		if i < 0 || i >= int64(len(ps.all)) {
			d.fail(pr.key("i"), "probe %d of %d", i, len(ps.all))
			break
		}
		ps.all[i].large = need[int64](pr, "found") >= ps.cap
		if !ps.all[i].large {
			addCandidates(ps.cands, ps.p, pr.rows("nodes"))
		}
	}
	ps.runs, ps.banded = r.rows("vectors"), r.rows("banded")
	ps.readAhead(r)
	s.countTake(ps.taken)
	if d.err != nil {
		return false, s.mapError(ctx, "search", d.err)
	}
	if ps.keyProbe.large {
		// More than searchCap entities have the query as a key: those named so rank first, a
		// group too large to read, whose page comes from a level (searchPagePrefetch takes it).
		ps.uncovered[ps.keyGroup] = true
		ps.groupQueries[ps.keyGroup] = []string{ps.keyQuery}
	}
	if ps.early && ps.runnable() > maxVectors {
		return false, nil // the statement ran none of them: too many to ask the index about
	}
	return true, nil
}

// runnable returns how many of the vectors the statement running the probes took along have
// every probe large: those it runs, unless there are more than maxVectors.
func (ps *pageSearch) runnable() int {
	n := 0
	for _, v := range ps.vectors {
		if !slices.ContainsFunc(v.probes, func(i any) bool { return !ps.all[i.(int64)].large }) {
			n++
		}
	}
	return n
}

// keyGroupOf returns the group of the entities named as the query of p is (TierName, every token
// exact, the band of the query's tokens) and the Lucene query of a superset of it in its band:
// the entities that hold every token.
func keyGroupOf(p *kg.SearchPlan) (groupKey, string) {
	n := len(p.Tokens)
	band := min(n, kg.MaxRankedNameTokens)
	var b strings.Builder
	for _, t := range p.Tokens {
		b.WriteString("+" + escapeLucene(t.Text) + " ")
	}
	return groupKey{kg.TierName, n, n * int(kg.ExactMatch), band}, "(" + b.String() + "+" + searchBand(band) + ")"
}

// isLargeKeyGroup reports whether g is the key group of a whole-key lookup too large to read.
func (ps *pageSearch) isLargeKeyGroup(g groupKey) bool { return ps.keyProbe.large && g == ps.keyGroup }

// keyGroupRow is the key group as searchPagePrefetch takes it when the whole-key lookup is
// large: a band of a vector, as searchPageVectorRuns gives them, that no query read (i -1).
func (ps *pageSearch) keyGroupRow() map[string]any {
	g := ps.keyGroup
	r := kg.SearchRank{Tier: g.tier, Matched: g.matched, Quality: g.quality, NameTokens: g.band}
	return map[string]any{"i": int64(-1), "band": int64(g.band), "found": ps.cap, "nodes": []any{},
		"points": ps.p.Points(r), "tier": int64(g.tier), "matched": int64(g.matched), "quality": int64(g.quality),
		"prefix": bandPrefix(g.band), "query": ps.keyQuery, "walk": false}
}

// params returns the parameters every statement of the page search takes, for a page of limit:
// rankParams's, with the words the first round trip expanded (none before it), the index, the
// cap, the bands and the levels.
func (ps *pageSearch) params(limit int) map[string]any {
	params := rankParams(ps.p, ps.labels, limit, ps.words)
	params["index"], params["cap"], params["bands"] = searchIndex, ps.cap, bands
	params["levels"], params["levelCap"] = levelRows, levelCap(limit, ps.cap)
	return params
}

// runLargeVectors runs, unless they ran with the probes, the vectors over the large probes only,
// in a round trip of their own. It returns false when there are too many.
func (s *Store) runLargeVectors(ctx context.Context, ps *pageSearch) (bool, error) {
	if ps.early {
		return true, nil
	}
	for i := range ps.byToken {
		ps.byToken[i] = slices.DeleteFunc(ps.byToken[i], func(sp *searchPageProbe) bool { return !sp.large })
	}
	if ps.vectors, ps.early = pageVectors(ps.p, ps.byToken, ps.byTokenClass, maxVectors); !ps.early {
		return false, nil
	}
	if len(ps.vectors) == 0 {
		return true, nil
	}
	params := ps.params(ps.q.Limit)
	vectors := vectorRows(ps.p, ps.vectors)
	for _, v := range vectors {
		row := v.(map[string]any)
		row["query"] = ps.expanded.Replace(row["query"].(string))
	}
	params["vectors"] = vectors
	largeTypos := slices.Repeat([]any{false}, len(ps.p.Tokens))
	for _, sp := range ps.all {
		if sp.large && sp.token >= 0 && (sp.class == kg.TypoMatch || sp.class == kg.Typo2Match) {
			largeTypos[sp.token] = true
		}
	}
	params["largeTypos"] = largeTypos
	params["keyGroup"] = nil // the key group's page, if any, is taken by walkGroup
	recs, err := s.read(ctx, searchPageVectors, params)
	if err != nil {
		return false, searchPageError(ctx, s, err)
	}
	if len(recs) != 1 {
		ps.d.fail("record", "%d records, want 1", len(recs))
		return false, s.mapError(ctx, "search", ps.d.err)
	}
	r := ps.d.record(recs[0])
	ps.runs, ps.banded = r.rows("vectors"), r.rows("banded")
	ps.readAhead(r)
	s.countTake(ps.taken)
	if ps.d.err != nil {
		return false, s.mapError(ctx, "search", ps.d.err)
	}
	return true, nil
}

// cover adds the entities of the vectors and bands that read all theirs to the candidates, and
// records the groups they leave uncovered: a vector that reached the cap, in the bands asked for
// it, or wholly (partial) if it was not asked for bands, which the page must then not reach.
func (ps *pageSearch) cover() error {
	vector := func(r row) (searchVector, bool) {
		i := need[int64](r, "i")
		if i < 0 || i >= int64(len(ps.vectors)) {
			ps.d.fail(r.key("i"), "vector %d of %d", i, len(ps.vectors))
			return searchVector{}, false
		}
		return ps.vectors[i], true
	}
	for _, run := range ps.runs {
		v, ok := vector(run)
		if !ok {
			break
		}
		if need[int64](run, "found") >= ps.cap {
			ps.partial[groupOf(v.rank)] = true
		} else {
			addCandidates(ps.cands, ps.p, run.rows("nodes"))
		}
	}
	for _, b := range ps.banded {
		v, ok := vector(b)
		if !ok {
			break
		}
		r := v.rank
		delete(ps.partial, groupOf(r))
		band := int(need[int64](b, "band"))
		r.NameTokens = band
		ps.groupQueries[groupOf(r)] = append(ps.groupQueries[groupOf(r)],
			"("+ps.expanded.Replace(v.query)+" +"+searchBand(band)+")")
		if need[int64](b, "found") >= ps.cap {
			ps.uncovered[groupOf(r)] = true
		} else {
			addCandidates(ps.cands, ps.p, b.rows("nodes"))
		}
	}
	return ps.d.err
}

// takePage takes the groups best first: a covered one's candidates in searchOrder, an uncovered
// one's first entities by walking it (walkGroup), until the page is full.
func (s *Store) takePage(ctx context.Context, ps *pageSearch) ([]candidate, bool, error) {
	byGroup := map[groupKey][]candidate{}
	for _, c := range ps.cands {
		g := groupOf(c.rank)
		byGroup[g] = append(byGroup[g], c)
	}
	groups := make([]groupKey, 0, len(byGroup)+len(ps.uncovered))
	for g := range byGroup {
		groups = append(groups, g)
	}
	for g := range ps.uncovered {
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
	}
	for g := range ps.partial {
		if _, ok := byGroup[g]; !ok && !ps.uncovered[g] {
			groups = append(groups, g)
		}
	}
	slices.SortFunc(groups, func(a, b groupKey) int { return compareGroups(b, a) })
	var page []candidate
	for _, g := range groups {
		need := ps.q.Limit - len(page)
		if need <= 0 {
			break
		}
		if ps.partial[groupKey{g.tier, g.matched, g.quality, 0}] {
			// Better groups and this one's bands did not fill the page (too few entities of the
			// kinds asked for, or a vector that found more than its group): rank every hit.
			return nil, false, errFallBack
		}
		members := byGroup[g]
		if ps.uncovered[g] {
			walked, ok := ps.walked[g]
			if ok {
				delete(ps.walked, g)
			} else {
				ps.attachReadAhead(page)
				var err error
				if walked, err = s.walkGroup(ctx, ps, g, need, page); err != nil {
					return nil, false, err
				}
			}
			// A level gives the entities of the group's vectors only; its others are candidates.
			members = mergeMembers(walked, members)
		}
		slices.SortFunc(members, func(a, b candidate) int { return strings.Compare(a.order, b.order) })
		page = append(page, members[:min(need, len(members))]...)
		if ps.isLargeKeyGroup(g) && len(page) < ps.q.Limit {
			// Fewer named as the query than the page: the others with it as a key rank next,
			// and none was read.
			return nil, false, errFallBack
		}
	}
	ps.attachReadAhead(page)
	return page, true, nil
}

// mergeMembers returns the entities of a group walked or taken from a level (walked, the group's
// first in searchOrder but maybe for candidates) with its candidates, each once.
func mergeMembers(walked, cands []candidate) []candidate {
	out := slices.Clone(walked)
	seen := make(map[string]bool, len(walked))
	for _, c := range walked {
		seen[c.id] = true
	}
	for _, c := range cands {
		if !seen[c.id] {
			out = append(out, c)
		}
	}
	return out
}

// searchPageError maps an error of the page search. Lucene counts the terms a wildcard stands for
// against its clause limit too, which vectorQuery cannot know; such a search ranks every hit
// instead (errFallBack).
func searchPageError(ctx context.Context, s *Store, err error) error {
	if strings.Contains(err.Error(), "TooManyClauses") {
		return errFallBack
	}
	return s.mapError(ctx, "search", err)
}

// errFallBack tells Search to rank every hit.
var errFallBack = errors.New("the page search does not apply")

// addCandidates adds the entities of one probe's row ({id, text: searchText, order: searchOrder}
// each) to cands, ranked by kg.
func addCandidates(cands map[string]candidate, p *kg.SearchPlan, nodes []row) {
	for _, n := range nodes {
		id := need[string](n, "id")
		if _, seen := cands[id]; seen {
			continue
		}
		// Either may be missing on an entity written before the current tokenization.
		text, order := maybe[string](n, "text"), maybe[string](n, "order")
		r, ok := p.Rank(kg.SearchDocOfKeys(strings.Split(text, "\n")))
		if !ok || order == "" {
			// A searchText or searchOrder written before the current tokenization: leave it out,
			// as the full ranking does.
			continue
		}
		cands[id] = candidate{id: id, order: order, rank: r}
	}
}

// walkGroup returns the first limit entities of group g in searchOrder (searchPageWalk), read
// whole, and reads the entities of page that are not yet, in the same round trip.
func (s *Store) walkGroup(ctx context.Context, ps *pageSearch, g groupKey, limit int, page []candidate) ([]candidate, error) {
	params := ps.params(limit)
	params["ids"] = unread(page)
	params["group"] = map[string]any{"tier": int64(g.tier), "matched": int64(g.matched), "quality": int64(g.quality),
		"prefix": bandPrefix(g.band), "query": "+(" + strings.Join(ps.groupQueries[g], " ") + ")",
		"walk": !ps.isLargeKeyGroup(g)}
	recs, err := s.read(ctx, searchPageWalk, params)
	if err != nil {
		return nil, s.mapError(ctx, "search", err)
	}
	read := map[string]*found{}
	var out []candidate
	var d decoder
	for _, rec := range recs {
		r := d.record(rec)
		er := r.sub("entity", true)
		f := foundOf(er)
		e := f.entity
		if need[bool](r, "walked") {
			s.countTake(need[int64](r, "taken"))
			out = append(out, candidate{id: e.ID, order: need[string](er, keySearchOrder), found: f,
				rank: kg.SearchRank{Tier: g.tier, Matched: g.matched, Quality: g.quality, NameTokens: g.band}})
			continue
		}
		read[e.ID] = f
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "search", d.err)
	}
	for i := range page {
		if m, ok := read[page[i].id]; ok {
			page[i].found = m
		}
	}
	return out, nil
}

// bandPrefix is how the searchOrder of the entities of band starts.
func bandPrefix(band int) string { return fmt.Sprintf("%02d", band) }

// rankParams returns the parameters of the statements that rank entities in Cypher
// (searchRankClasses) and order them as kg.SearchPlan.Points does: p's tokens, each with the
// regular expressions of its one- and two-edit matches, its key, kg's classes and tiers, labels
// (the kinds asked for) and limit.
func rankParams(p *kg.SearchPlan, labels []string, limit int, words map[string][]string) map[string]any {
	tokens := make([]map[string]any, len(p.Tokens))
	for i, t := range p.Tokens {
		tm := map[string]any{"text": t.Text, "prefix": t.Prefix, "units": int64(len(utf16.Encode([]rune(t.Text)))),
			"one": nil, "ones": []any{}, "onewild": nil, "two": nil, "twos": []any{}, "twowild": nil}
		if t.MaxEdits >= 1 {
			tm["one"], tm["onewild"] = wordMarker(i, 1), wildRegexp(editPatterns(t.Text, 1))
			tm["ones"] = anyList(words[wordMarker(i, 1)])
		}
		if t.MaxEdits >= 2 {
			tm["two"], tm["twowild"] = wordMarker(i, 2), wildRegexp(editPatterns(t.Text, 2))
			tm["twos"] = anyList(words[wordMarker(i, 2)])
		}
		tokens[i] = tm
	}
	m := int64(len(p.Tokens))
	return map[string]any{
		"labels":         labels,
		"tokens":         tokens,
		"key":            p.Key,
		"limit":          int64(limit),
		"exactClass":     int64(kg.ExactMatch),
		"prefixClass":    int64(kg.PrefixMatch),
		"typoClass":      int64(kg.TypoMatch),
		"typo2Class":     int64(kg.Typo2Match),
		"tierName":       int64(kg.TierName),
		"tierAlias":      int64(kg.TierAlias),
		"tierAllTokens":  int64(kg.TierAllTokens),
		"tierTypo":       int64(kg.TierTypo),
		"tierSomeTokens": int64(kg.TierSomeTokens),
		// The factors of kg.SearchPlan.Points.
		"pointsMatched": m + 1,
		"pointsQuality": int64(kg.ExactMatch)*m + 1,
		"maxBand":       int64(kg.MaxRankedNameTokens),
		"classes":       int64(kg.ExactMatch) + 1,
		// Which tokens have a typo probe too large to read (searchPagePrefetch): none known yet.
		"largeTypos": []any{},
	}
}

// unread returns the ids of the candidates of page not read whole yet.
func unread(page []candidate) []any {
	ids := []any{}
	for _, c := range page {
		if c.found == nil {
			ids = append(ids, c.id)
		}
	}
	return ids
}

// pageEntities reads the page's entities not read yet (a round trip only if there are any) and
// returns them all as hits, ranked by kg. An entity deleted since the search found it is left out.
func (s *Store) pageEntities(ctx context.Context, p *kg.SearchPlan, page []candidate) ([]kg.SearchHit, bool, error) {
	fs := make([]*found, 0, len(page))
	for _, c := range page {
		if c.found != nil {
			fs = append(fs, c.found)
		}
	}
	if ids := unread(page); len(ids) > 0 {
		recs, err := s.read(ctx, searchPageEntities, map[string]any{"ids": ids})
		if err != nil {
			return nil, false, s.mapError(ctx, "search", err)
		}
		var d decoder
		for _, rec := range recs {
			fs = append(fs, foundOf(d.record(rec).sub("entity", true)))
		}
		if d.err != nil {
			return nil, false, s.mapError(ctx, "search", d.err)
		}
	}
	return rankedHits(p, fs), true, nil
}
