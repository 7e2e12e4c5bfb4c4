package neo4jstore

import (
	"context"
	"fmt"
	"math/bits"
	"sync/atomic"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// The levels of the search index: a page of a group of equal hits too large to read whole, found
// by the index without walking the group. Equal hits rank by their tie hash (searchOrder), so
// the entities of a group whose hash starts with b zero bits are its first, about one in 2^b of
// it. Each entity's searchText holds a word for each such b of searchLevelBits (one in eight
// entities holds any), and the page search asks the index for the group's entities that hold a
// level's word, at the level that holds a few pages of the group (searchGroupLevels), whatever
// the group's size: what it reads depends on the page, not on how many entities the words match
// (docs/search.md).

// searchLevelBits are the levels, deepest first. Three bits apart, some level holds between two
// and sixteen pages of any group large enough.
var searchLevelBits = []int{15, 12, 9, 6, 3}

// keyLevelsIndexed is the :ChangeLog property that says every entity's searchText holds its
// levels. Every change log created since the levels carries it from the start.
const keyLevelsIndexed = "searchLevels"

// searchLevel returns the word of level b: like a band, a word no query token can match.
func searchLevel(b int) string { return fmt.Sprintf("_____z%02d", b) }

// searchLevelsOf returns the level words of the entity id, usually none.
func searchLevelsOf(id string) []string {
	zeros := bits.LeadingZeros64(kg.SearchTieHash(id))
	var out []string
	for _, b := range searchLevelBits {
		if zeros >= b {
			out = append(out, searchLevel(b))
		}
	}
	return out
}

// levelRows are the levels as searchGroupLevels takes them, deepest first, and last the whole
// band (bits 0, no word).
var levelRows = func() []any {
	out := make([]any, 0, len(searchLevelBits)+1)
	for _, b := range searchLevelBits {
		out = append(out, map[string]any{"bits": int64(b), "term": " +" + searchLevel(b)})
	}
	return append(out, map[string]any{"bits": int64(0), "term": ""})
}()

// levelCap is how many entities searchGroupLevels reads at a level for a page of limit: a level
// holds a few pages of a group (two to sixteen, searchLevelBits), so this many, and at least the
// cap of the search's other queries.
func levelCap(limit int, capped int64) int64 { return max(capped, int64(16*limit)) }

// searchGroupLevels takes the first $limit entities of the group grp ({tier, matched, quality,
// query: the Lucene query of its vectors in its band}) from one level of the index: the deepest
// whose query finds at least two pages of entities and fewer than $levelCap, so all of them, or
// else the whole band if it finds fewer than $levelCap. Its entities, those of the kinds asked
// for that rank in the group, are the group's first in searchOrder (leveled), unless too few rank
// in it (a vector's query finds more than its group), when leveled is empty and the caller walks
// the group. taken is the level's bits, or -1 for a walk.
var searchGroupLevels = `
  UNWIND $levels AS lv
  CALL (grp, lv) {
    CALL db.index.fulltext.queryNodes($index, grp.query + lv.term, {limit: $levelCap}) YIELD node
    RETURN count(*) AS found, collect(node) AS nodes
  }
  WITH grp, toks, collect({bits: lv.bits, found: found, nodes: nodes}) AS levels
  WITH grp, toks, reduce(best = null, l IN levels |
    CASE WHEN l.found < $levelCap AND ($limit * 2 <= l.found OR l.bits = 0) AND (best IS NULL OR l.bits > best.bits)
      THEN l ELSE best END) AS level
  CALL (grp, toks, level) {
    UNWIND CASE WHEN level IS NULL THEN [] ELSE level.nodes END AS n
    WITH n, grp, toks
    WHERE size($labels) = 0 OR any(l IN labels(n) WHERE l IN $labels)` +
	searchRankWordsCarry + `
    WHERE tier = grp.tier AND matched = grp.matched AND quality = grp.quality
    WITH n ORDER BY n.searchOrder
    LIMIT $limit
    RETURN collect(n) AS found
  }
  WITH grp, toks, CASE WHEN size(found) < $limit THEN [] ELSE found END AS leveled,
    CASE WHEN size(found) < $limit THEN -1 ELSE level.bits END AS taken`

// searchRankWordsCarry ranks n keeping grp (searchRankWords, searchRankClasses).
var searchRankWordsCarry = searchRankWords(", grp, toks") + searchRankClasses(", grp")

// backfillLevels gives the entities of a database written before the levels their level words,
// then marks the change log: only entities whose tie hash starts with three zero bits hold any,
// and searchOrder (the band's two digits, then the hash in hexadecimal) finds them by its index.
// A database without a change log holds nothing to backfill.
func (s *Store) backfillLevels(ctx context.Context) error {
	if owed, err := s.backfillOwed(ctx, keyLevelsIndexed, "backfill search levels"); err != nil || !owed {
		return err
	}
	var prefixes []any
	for band := range kg.MaxRankedNameTokens + 1 {
		prefixes = append(prefixes, bandPrefix(band)+"0", bandPrefix(band)+"1") // three zero bits
	}
	for {
		recs, err := s.read(ctx, `
			UNWIND $prefixes AS p
			MATCH (n:Entity)
			WHERE n.searchOrder STARTS WITH p AND NOT n.searchText CONTAINS '_____z'
			WITH n LIMIT 5000
			RETURN n.id AS id, n.searchText AS text`, map[string]any{"prefixes": prefixes})
		if err != nil {
			return s.mapError(ctx, "backfill search levels", err)
		}
		if len(recs) == 0 {
			break
		}
		rows := make([]map[string]any, 0, len(recs))
		var d decoder
		for _, rec := range recs {
			r := d.record(rec)
			id, text := need[string](r, "id"), need[string](r, "text")
			levels := searchLevelsOf(id)
			if len(levels) == 0 { // a searchOrder not of the id's hash: rewritten by backfillDerived
				d.fail(r.key("id"), "entity %q has no search level", id)
				break
			}
			for _, l := range levels {
				text += " " + l
			}
			rows = append(rows, map[string]any{"id": id, "text": text})
		}
		if d.err != nil {
			return s.mapError(ctx, "backfill search levels", d.err)
		}
		_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			w := &txWriter{ctx: ctx, tx: tx}
			if err := w.lockForBackfill(); err != nil {
				return nil, err
			}
			return nil, w.exec(`
				UNWIND $rows AS row
				MATCH (n:Entity {id: row.id})
				SET n.searchText = row.text`, map[string]any{"rows": rows})
		})
		if err != nil {
			return s.mapError(ctx, "backfill search levels", err)
		}
	}
	return s.markBackfilled(ctx, keyLevelsIndexed, "backfill search levels")
}

// searchTakes counts how page searches took pages of groups too large to read: by walking
// (index 0) or from a level of b bits (index b+1), so that tests see which way they went.
type searchTakes [17]atomic.Int64

// countTake counts a page of a group taken as searchGroupLevels's taken says (-1: walked).
func (s *Store) countTake(taken int64) {
	if taken >= -1 && taken < int64(len(s.takes))-1 {
		s.takes[taken+1].Add(1)
	}
}
