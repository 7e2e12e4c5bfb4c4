package neo4jstore

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// How a search takes a page without reading every entity its words match.
//
// kg ranks hits by a group, (tier, matched tokens, quality), then by the name's token count (the
// band), then by kg.SearchTieKey; searchOrder is the band and the tie key in one string. The full
// ranking in search.go finds every entity a query token matches and sorts them all: its cost
// grows with the graph, since a common word ("garcia", "trade") matches a few percent of all
// entities. A page needs only the best groups, and of the last group it reaches only the first
// entities by searchOrder.
//
// So the search sorts its probes (search.go: the entities whose best match of one token is one
// class) into small ones, which find at most searchCap entities, and large ones, asking the
// full-text index for at most searchCap entities each. It also looks the query up as a whole key
// (searchKeysIndex), which finds the hits of tiers TierName and TierAlias.
//
//   - Every entity a small probe finds is a candidate. kg ranks each exactly, from its searchText.
//   - An entity no small probe finds matches each token in the class of a large probe or not at
//     all: its classes are a vector over the large probes. For each such vector the search asks
//     the index for the entities that match so (a conjunction of the probes; each token the
//     vector leaves out excluded, but for its two-edit probes). A vector with at most searchCap
//     entities adds them to the candidates. A larger one holds at least a page, so the page ends
//     in the best group with such a vector, if not before: for the vectors of that group the
//     search asks again per band (searchText holds the band as a word), and a band with more
//     than searchCap entities is left uncovered. The groups below need no bands; should the page
//     reach one after all (a kinds filter leaves too few), the search falls back.
//
// The vectors over all probes are known before the probes run; when there are at most
// maxVectors, the first round trip runs the probes and then the vectors whose probes all turned
// out large. Otherwise a second round trip runs the vectors over the large probes.
//
// Every group and band is then either covered, all its entities candidates, or uncovered. The
// page takes them best first: a covered one's candidates in searchOrder, and an uncovered one's
// first entities by walking the range index on searchOrder within the band and keeping those
// whose exact rank (computed in Cypher from searchText, as kg does) falls in the group (one round
// trip per group walked, which also reads the page's entities found before; the first walk
// usually fills the page). The tie key is a hash, so the entities of a group spread evenly over
// the band: a walk reads about page size x band size / the group's entities in the band, and an
// uncovered band holds more than searchCap of them. A common word needs a few thousand index
// entries, each checked first as a substring. The page's entities not read yet are read last (a
// round trip when there are any). A search is 2 round trips (probes and vectors; the walk or the
// page's entities), 3 or 4 when it has many vectors or walks twice.
//
// Two-edit probes are costly, as in search.go, and a hit that needs one ranks at most
// (TierTypo, every token, typoCeiling). The search first leaves them out; if the page is full of
// hits that rank above that bound, they cannot change it (entities whose only matches are two
// edits away rank below it, and the walk's ranks are exact whatever probes ran). Otherwise it
// starts again with them.
//
// A search that cannot be put so falls back to the full ranking: every hit asked for (no limit),
// more than searchCap entities with the query as a key, more vectors over large probes than
// maxVectors, a large two-edit probe of several queries (no vector can hold it), a vector whose
// query exceeds Lucene's clause limit, or a page that reaches a group without bands.

// searchCap is the most entities a probe or vector may find for the search to read them all. A
// variable so that tests can make probes large on a small graph.
var searchCap = 1000

// maxVectors bounds the vectors over large probes a search asks the index about.
const maxVectors = 64

// searchPageProbe is one probe of the page search: the entities whose best match of token is
// class, found by queries (several when a two-edit probe needs more clauses than one query may
// hold). token -1 is the whole-key lookup.
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
	id     string
	order  string
	rank   kg.SearchRank
	entity *kg.Entity
}

// groupKey is a group of equal hits: (tier, matched, quality) as kg ranks them, and the band, the
// name's token count (at most kg.MaxRankedNameTokens), which orders equals next.
type groupKey struct{ tier, matched, quality, band int }

func groupOf(r kg.SearchRank) groupKey {
	return groupKey{r.Tier, r.Matched, r.Quality, min(r.NameTokens, kg.MaxRankedNameTokens)}
}

// compareGroups orders groups as kg ranks their hits: a greater group ranks first.
func compareGroups(a, b groupKey) int {
	return cmp.Or(compareClasses(a, b), cmp.Compare(b.band, a.band))
}

// compareClasses compares groups by (tier, matched, quality) alone.
func compareClasses(a, b groupKey) int {
	return cmp.Or(cmp.Compare(a.tier, b.tier), cmp.Compare(a.matched, b.matched), cmp.Compare(a.quality, b.quality))
}

const (
	// candidates ends a list comprehension over nodes n: those of the kinds asked for, each as
	// [id, searchText, searchOrder], what addCandidates reads.
	candidates = `WHERE size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels) |
      {id: n.id, text: n.searchText, order: n.searchOrder}]`

	// searchPageProbes runs each probe's queries, at most $cap entities each, and returns for each
	// probe how many entities its fullest query found (a query that reaches the cap may have found
	// more) and, below the cap, the entities of the kinds asked for (several queries may find an
	// entity more than once). Then it runs the vectors of $vectors whose probes all reached the
	// cap (searchPageVectorRuns).
	searchPageProbes = `
UNWIND $probes AS probe
CALL (probe) {
  UNWIND probe.queries AS query
  CALL (probe, query) {
    CALL db.index.fulltext.queryNodes(probe.index, query, {limit: $cap}) YIELD node
    RETURN count(*) AS found, collect(node) AS nodes
  }
  WITH max(found) AS found, reduce(all = [], ns IN collect(nodes) | all + ns) AS nodes
  RETURN found, CASE WHEN found >= $cap THEN [] ELSE
    [n IN nodes ` + candidates + ` END AS nodes
}
WITH collect({i: probe.i, found: found, nodes: nodes}) AS probes
CALL (probes) {
  WITH [p IN probes WHERE p.found >= $cap | p.i] AS large
  UNWIND [v IN $vectors WHERE all(c IN v.probes WHERE c IN large)] AS v` + searchPageVectorRuns + `
RETURN probes,` + searchPageVectorResults

	// searchPageVectors runs every vector of $vectors (searchPageVectorRuns).
	searchPageVectors = `
CALL () {
  UNWIND $vectors AS v` + searchPageVectorRuns + `
RETURN` + searchPageVectorResults

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
    [n IN bandNodes ` + candidates + ` END}) AS banded
}`

	// searchPageVectorResults returns, for each vector run, {i, found, nodes} (entities below
	// the cap only; found $cap when known), and the bands asked: {i, band, found, nodes}.
	searchPageVectorResults = `
  [r IN runs | {i: r.v.i, found: CASE WHEN r.v.known THEN $cap ELSE r.found END,
    nodes: CASE WHEN r.v.known OR r.found >= $cap THEN [] ELSE
      [n IN r.nodes ` + candidates + ` END}] AS vectors,
  banded`

	// searchPageWalk walks the entities of one band (name length) in searchOrder and returns the
	// first $limit whose rank, as kg computes it (kg.SearchPlan.Classes and RankClasses, from
	// searchText), falls in the group $group. A group of tier TierAllTokens or better needs every
	// token to start some word, which is cheap to test first (cheaper still as a substring of
	// searchText, before it is split into words); the regular expressions of one- and two-edit
	// matches are the patterns of the probes'. It also reads the entities $ids (page entities found
	// before), so that the page needs no round trip of its own.
	searchPageWalk = `
CALL () {
  MATCH (n:Entity)
  WHERE n.searchOrder STARTS WITH $band
    AND (size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels))
  WITH n ORDER BY n.searchOrder
  WHERE $group.tier < $tierAllTokens OR all(t IN $tokens WHERE n.searchText CONTAINS t.text)
  WITH n, split(n.searchText, '\n') AS keys
  WITH n, keys, reduce(ws = [], k IN keys | ws + split(k, ' ')) AS ws
  WHERE $group.tier < $tierAllTokens OR all(t IN $tokens WHERE any(w IN ws WHERE w STARTS WITH t.text))
  WITH n, keys, [t IN $tokens |
    CASE
      WHEN t.text IN ws THEN $exactClass
      WHEN t.prefix AND any(w IN ws WHERE w STARTS WITH t.text) THEN $prefixClass
      WHEN t.one IS NOT NULL AND any(w IN ws WHERE w =~ t.one) THEN $typoClass
      WHEN t.two IS NOT NULL AND any(w IN ws WHERE w =~ t.two) THEN $typo2Class
      ELSE 0
    END] AS classes
  WITH n, keys, size([c IN classes WHERE c > 0]) AS matched,
    reduce(q = 0, c IN classes | q + c) AS quality,
    reduce(w = $exactClass, c IN classes | CASE WHEN c < w THEN c ELSE w END) AS weakest
  WITH n, matched, quality,
    CASE
      WHEN matched = 0 THEN -1
      WHEN keys[0] = $key THEN $tierName
      WHEN $key IN keys[1..] THEN $tierAlias
      WHEN matched = size($tokens) AND weakest >= $prefixClass THEN $tierAllTokens
      WHEN matched = size($tokens) THEN $tierTypo
      ELSE $tierSomeTokens
    END AS tier
  WHERE tier = $group.tier AND matched = $group.matched AND quality = $group.quality
  RETURN n
  LIMIT $limit
}
RETURN n {.*} AS entity, true AS walked
UNION ALL
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n {.*} AS entity, false AS walked`

	// searchPageEntities reads the page's entities.
	searchPageEntities = `
UNWIND $ids AS id
MATCH (n:Entity {id: id})
RETURN n {.*} AS entity`
)

// searchPage returns the page of q's hits as Search does, by the page search above. It returns
// false when the search cannot be put so, and Search then ranks every hit.
func (s *Store) searchPage(ctx context.Context, q kg.SearchQuery, p *kg.SearchPlan, labels []string) ([]kg.SearchHit, bool, error) {
	probes, typo2 := searchProbes(p)
	page, ok, err := s.searchPageWith(ctx, q, p, labels, probes, nil)
	if errors.Is(err, errFallBack) {
		return nil, false, nil
	}
	if err != nil || !ok {
		return nil, ok, err
	}
	gate := groupKey{kg.TierTypo, len(p.Tokens), int(typoCeiling(p)), 0}
	if len(typo2) > 0 && (len(page) < q.Limit || compareClasses(groupOf(page[len(page)-1].rank), gate) <= 0) {
		if page, ok, err = s.searchPageWith(ctx, q, p, labels, probes, typo2); errors.Is(err, errFallBack) {
			return nil, false, nil
		} else if err != nil || !ok {
			return nil, ok, err
		}
	}
	return s.pageEntities(ctx, p, page)
}

// searchPageWith ranks the page of q from probes and typo2 (two-edit probes, or none) and returns
// its candidates in rank order: the page of q if typo2 holds the two-edit probes, else the page
// ranked without them.
func (s *Store) searchPageWith(ctx context.Context, q kg.SearchQuery, p *kg.SearchPlan, labels []string,
	probes, typo2 []searchQueryProbe) ([]candidate, bool, error) {
	var all []*searchPageProbe
	byTokenClass := map[[2]int]*searchPageProbe{}
	for _, pr := range append(slices.Clone(probes), typo2...) {
		i, c := pr.token, pr.class
		sp := byTokenClass[[2]int{i, int(c)}]
		if sp == nil {
			sp = &searchPageProbe{token: i, class: c, index: int64(len(all))}
			byTokenClass[[2]int{i, int(c)}] = sp
			all = append(all, sp)
		}
		sp.queries = append(sp.queries, pr.query)
	}
	keyProbe := &searchPageProbe{token: -1, index: int64(len(all)), queries: []string{`"` + escapePhrase(p.Key) + `"`}}
	all = append(all, keyProbe)
	rows := make([]map[string]any, len(all))
	for i, sp := range all {
		index := searchIndex
		if sp.token < 0 {
			index = searchKeysIndex
		}
		rows[i] = map[string]any{"i": int64(i), "index": index, "queries": anyList(sp.queries)}
	}
	// The vectors over every probe, when they are few: the first round trip runs those whose
	// probes all turn out large. Otherwise a second round trip runs those over the large probes.
	byToken := make([][]*searchPageProbe, len(p.Tokens))
	for _, sp := range all {
		if sp.token >= 0 {
			byToken[sp.token] = append(byToken[sp.token], sp)
		}
	}
	vectors, early := pageVectors(p, byToken, byTokenClass)
	params := map[string]any{"probes": rows, "cap": int64(max(searchCap, q.Limit)), "labels": labels,
		"index": searchIndex, "bands": bands, "vectors": []any{}}
	if early {
		params["vectors"] = vectorRows(p, vectors)
	}
	recs, err := s.read(ctx, searchPageProbes, params)
	if err != nil {
		return nil, false, searchPageError(ctx, s, err)
	}
	cap := int64(max(searchCap, q.Limit))
	var d decoder
	cands := map[string]candidate{}
	var runs, banded []row
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
	} else {
		r := d.record(recs[0])
		for _, pr := range r.rows("probes") {
			i := need[int64](pr, "i")
			if i < 0 || i >= int64(len(all)) {
				d.fail(pr.key("i"), "probe %d of %d", i, len(all))
				break
			}
			all[i].large = need[int64](pr, "found") >= cap
			if !all[i].large {
				addCandidates(cands, p, pr.rows("nodes"))
			}
		}
		runs, banded = r.rows("vectors"), r.rows("banded")
	}
	if d.err != nil {
		return nil, false, s.mapError(ctx, "search", d.err)
	}
	if keyProbe.large {
		// More than searchCap entities have the query as a key: rare enough to rank every hit.
		return nil, false, nil
	}
	for _, sp := range all {
		if sp.large && len(sp.queries) > 1 {
			return nil, false, nil // a vector with it would exceed Lucene's clause limit
		}
	}
	if !early {
		// The vectors over the large probes only.
		for i := range byToken {
			byToken[i] = slices.DeleteFunc(byToken[i], func(sp *searchPageProbe) bool { return !sp.large })
		}
		if vectors, early = pageVectors(p, byToken, byTokenClass); !early {
			return nil, false, nil
		}
		if len(vectors) > 0 {
			recs, err := s.read(ctx, searchPageVectors, map[string]any{"vectors": vectorRows(p, vectors), "cap": cap,
				"labels": labels, "index": searchIndex, "bands": bands})
			if err != nil {
				return nil, false, searchPageError(ctx, s, err)
			}
			if len(recs) != 1 {
				d.fail("record", "%d records, want 1", len(recs))
			} else {
				r := d.record(recs[0])
				runs, banded = r.rows("vectors"), r.rows("banded")
			}
		}
	}
	vector := func(r row) (searchVector, bool) {
		i := need[int64](r, "i")
		if i < 0 || i >= int64(len(vectors)) {
			d.fail(r.key("i"), "vector %d of %d", i, len(vectors))
			return searchVector{}, false
		}
		return vectors[i], true
	}
	// A vector that reached the cap leaves its group uncovered: in the bands asked for it, or
	// wholly (partial) if it was not asked for bands, which the page must then not reach.
	partial := map[groupKey]bool{}
	for _, run := range runs {
		v, ok := vector(run)
		if !ok {
			break
		}
		if need[int64](run, "found") >= cap {
			partial[groupOf(v.rank)] = true
		} else {
			addCandidates(cands, p, run.rows("nodes"))
		}
	}
	uncovered := map[groupKey]bool{}
	for _, b := range banded {
		v, ok := vector(b)
		if !ok {
			break
		}
		r := v.rank
		delete(partial, groupOf(r))
		if need[int64](b, "found") >= cap {
			r.NameTokens = int(need[int64](b, "band"))
			uncovered[groupOf(r)] = true
		} else {
			addCandidates(cands, p, b.rows("nodes"))
		}
	}
	if d.err != nil {
		return nil, false, s.mapError(ctx, "search", d.err)
	}

	// The page: groups best first.
	byGroup := map[groupKey][]candidate{}
	for _, c := range cands {
		g := groupOf(c.rank)
		byGroup[g] = append(byGroup[g], c)
	}
	groups := make([]groupKey, 0, len(byGroup)+len(uncovered))
	for g := range byGroup {
		groups = append(groups, g)
	}
	for g := range uncovered {
		if _, ok := byGroup[g]; !ok {
			groups = append(groups, g)
		}
	}
	for g := range partial {
		if _, ok := byGroup[g]; !ok && !uncovered[g] {
			groups = append(groups, g)
		}
	}
	slices.SortFunc(groups, func(a, b groupKey) int { return compareGroups(b, a) })
	var page []candidate
	for _, g := range groups {
		need := q.Limit - len(page)
		if need <= 0 {
			break
		}
		if partial[groupKey{g.tier, g.matched, g.quality, 0}] {
			// Better groups and this one's bands did not fill the page (too few entities of the
			// kinds asked for, or a vector that found more than its group): rank every hit.
			return nil, false, errFallBack
		}
		if uncovered[g] {
			walked, err := s.walkGroup(ctx, p, labels, g, need, page)
			if err != nil {
				return nil, false, err
			}
			page = append(page, walked...)
			continue
		}
		members := byGroup[g]
		slices.SortFunc(members, func(a, b candidate) int { return strings.Compare(a.order, b.order) })
		page = append(page, members[:min(need, len(members))]...)
	}
	return page, true, nil
}

// searchVector is a vector of the page search: a Lucene query, the probes it needs large (their
// indexes), and the group its entities rank in but for the band.
type searchVector struct {
	query  string
	probes []any
	rank   kg.SearchRank
	known  bool // the query is its one probe's
}

// pageVectors returns the vectors over the probes of byToken (each token in the class of one of
// them, or unmatched), or false if there are more than maxVectors or one cannot be put as a query.
func pageVectors(p *kg.SearchPlan, byToken [][]*searchPageProbe, byTokenClass map[[2]int]*searchPageProbe) ([]searchVector, bool) {
	combos := [][]*searchPageProbe{{}}
	for i := range p.Tokens {
		var next [][]*searchPageProbe
		for _, v := range combos {
			next = append(next, append(slices.Clone(v), nil)) // token i unmatched
			for _, sp := range byToken[i] {
				if len(sp.queries) == 1 { // a two-edit probe of several queries fits no vector
					next = append(next, append(slices.Clone(v), sp))
				}
			}
		}
		combos = next
		if len(combos) > maxVectors+1 {
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
			"points": p.Points(v.rank)}
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
		out[n] = map[string]any{"band": int64(n), "term": searchBand(n)}
	}
	return out
}()

// walkGroup returns the first limit entities of group g in searchOrder (searchPageWalk), read
// whole, and reads the entities of page that are not yet, in the same round trip.
func (s *Store) walkGroup(ctx context.Context, p *kg.SearchPlan, labels []string, g groupKey, limit int, page []candidate) ([]candidate, error) {
	tokens := make([]map[string]any, len(p.Tokens))
	for i, t := range p.Tokens {
		tm := map[string]any{"text": t.Text, "prefix": t.Prefix, "one": nil, "two": nil}
		if t.MaxEdits >= 1 {
			tm["one"] = editRegexp(editPatterns(t.Text, 1))
		}
		if t.MaxEdits >= 2 {
			tm["two"] = editRegexp(editPatterns(t.Text, 2))
		}
		tokens[i] = tm
	}
	recs, err := s.read(ctx, searchPageWalk, map[string]any{
		"ids":            unread(page),
		"labels":         labels,
		"tokens":         tokens,
		"key":            p.Key,
		"group":          map[string]any{"tier": int64(g.tier), "matched": int64(g.matched), "quality": int64(g.quality)},
		"band":           fmt.Sprintf("%02d", g.band),
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
	})
	if err != nil {
		return nil, s.mapError(ctx, "search", err)
	}
	read := map[string]*kg.Entity{}
	var out []candidate
	var d decoder
	for _, rec := range recs {
		r := d.record(rec)
		er := r.sub("entity", true)
		e := entityOf(er)
		if need[bool](r, "walked") {
			out = append(out, candidate{id: e.ID, order: need[string](er, keySearchOrder), entity: e,
				rank: kg.SearchRank{Tier: g.tier, Matched: g.matched, Quality: g.quality, NameTokens: g.band}})
			continue
		}
		read[e.ID] = e
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "search", d.err)
	}
	for i := range page {
		if m, ok := read[page[i].id]; ok {
			page[i].entity = m
		}
	}
	return out, nil
}

// unread returns the ids of the candidates of page not read whole yet.
func unread(page []candidate) []any {
	ids := []any{}
	for _, c := range page {
		if c.entity == nil {
			ids = append(ids, c.id)
		}
	}
	return ids
}

// editRegexp turns edit patterns (editPatterns: "?" is any one character) into one Java regular
// expression that matches a whole word as one of them does. Patterns hold only letters, digits
// and "?", none special in a regular expression but "?", which becomes ".".
func editRegexp(patterns []string) string {
	return "(?:" + strings.ReplaceAll(strings.Join(patterns, "|"), "?", ".") + ")"
}

// pageEntities reads the page's entities not read yet (a round trip only if there are any) and
// returns them all as hits, ranked by kg. An entity deleted since the search found it is left out.
func (s *Store) pageEntities(ctx context.Context, p *kg.SearchPlan, page []candidate) ([]kg.SearchHit, bool, error) {
	es := make([]*kg.Entity, 0, len(page))
	for _, c := range page {
		if c.entity != nil {
			es = append(es, c.entity)
		}
	}
	if ids := unread(page); len(ids) > 0 {
		recs, err := s.read(ctx, searchPageEntities, map[string]any{"ids": ids})
		if err != nil {
			return nil, false, s.mapError(ctx, "search", err)
		}
		var d decoder
		for _, rec := range recs {
			es = append(es, entityOf(d.record(rec).sub("entity", true)))
		}
		if d.err != nil {
			return nil, false, s.mapError(ctx, "search", d.err)
		}
	}
	return rankedHits(p, es), true, nil
}
