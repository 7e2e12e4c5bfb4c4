package neo4jstore

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// The search vocabulary: one (:SearchWord {word, rword}) node per distinct word of any entity's
// searchText (the words of its search keys; rword is the word reversed, by runes). A search
// expands its prefix-free typo probes on it into the concrete words they match, so that Lucene
// runs term queries instead of wildcard patterns, whose cost is the pattern's walk over the whole
// term dictionary (docs/search.md, "The vocabulary").
//
// The vocabulary must hold every word of every searchText, or a typo probe misses entities: every
// writer of searchText adds the words it writes in the same transaction (txWriter.entityProps and
// retitle note them, finish MERGEs them), BulkLoad and the offline import files write them with
// the entities, and EnsureSchema builds it for a database written before it (keyWordsIndexed). It
// may hold more: a word no entity holds any more matches nothing, so no writer removes one, and
// a write adds a node only per word new to the graph (a 100k-entity graph has about 30k words),
// which keeps a large Import within its transaction's memory (per-entity postings did not). The
// one removal undoes a large import that did not commit (dropPrewritten): every writer of
// searchText adds its words under the change log's lock, which the removal takes too.

// keyWordsIndexed is the :ChangeLog property that says the vocabulary holds every entity's
// words. Every change log created since the vocabulary carries it from the start.
const keyWordsIndexed = "searchWords"

// searchWordsOf adds to words the words of searchKeys, an entity's search keys (the
// searchKeys property: tokens joined by one space, a key each).
func searchWordsOf(words map[string]struct{}, searchKeys []any) {
	for _, k := range searchKeys {
		key, _ := k.(string)
		for w := range strings.SplitSeq(key, " ") {
			if w != "" {
				words[w] = struct{}{}
			}
		}
	}
}

// reverseWord returns w with its runes in reverse order: the rword of a :SearchWord, which a
// typo probe seeks by the tail of a pattern whose head is short.
func reverseWord(w string) string {
	rs := []rune(w)
	slices.Reverse(rs)
	return string(rs)
}

// wordRows returns words as the rows mergeWordsQuery takes, sorted (so that concurrent writers
// lock new words in one order).
func wordRows(words map[string]struct{}) []map[string]any {
	sorted := make([]string, 0, len(words))
	for w := range words {
		sorted = append(sorted, w)
	}
	slices.Sort(sorted)
	rows := make([]map[string]any, len(sorted))
	for i, w := range sorted {
		rows[i] = map[string]any{"word": w, "rword": reverseWord(w)}
	}
	return rows
}

// mergeWordsQuery adds the words of $rows that the vocabulary lacks. It reads first and merges
// only the missing ones: most words of a write are known, and a MERGE of a known word still
// costs its transaction a lock.
const mergeWordsQuery = `
	UNWIND $rows AS row
	WITH row
	WHERE NOT EXISTS { MATCH (:SearchWord {word: row.word}) }
	MERGE (w:SearchWord {word: row.word})
	ON CREATE SET w.rword = row.rword`

// bundleWords returns a superset of the search words an import of b may write: the words of each
// entity's name, aliases and acronym, and of each position title. An entity's words after the
// import are these and those it held, which the vocabulary has.
func bundleWords(b *kg.Bundle) map[string]struct{} {
	words := map[string]struct{}{}
	for i := range b.Entities {
		searchWordsOf(words, searchPropsOf(&b.Entities[i], nil).keys)
	}
	for i := range b.Relations {
		r := &b.Relations[i]
		if t := r.Prop(kg.PropTitle); t != "" && slices.Contains(kg.TitledTypes, r.Type) {
			searchWordsOf(words, searchPropsOf(&kg.Entity{Name: t}, []string{t}).keys)
		}
	}
	return words
}

// prewriteWordsQuery is mergeWordsQuery for prewriteWords, returning the words it created (a
// word another transaction created meanwhile is merged, not created). The mark lives only inside
// the statement: it tells the MERGE that created a node from one that found it.
const prewriteWordsQuery = `
	UNWIND $rows AS row
	WITH row
	WHERE NOT EXISTS { MATCH (:SearchWord {word: row.word}) }
	MERGE (w:SearchWord {word: row.word})
	ON CREATE SET w.rword = row.rword, w.prewritten = true
	WITH w
	WHERE w.prewritten
	REMOVE w.prewritten
	RETURN collect(w.word) AS created`

// prewriteWords adds words to the vocabulary in transactions of their own, before an import
// that may write them, and returns the words it created, also when it fails part of the way (the
// batches before committed). A large import's transaction then adds none: its memory is the
// limit of how large an import may be (a 10,000-entity Import is near Neo4j's default 256 MiB),
// and a few thousand new words, merged in it, went past it. An import that then fails or is
// refused drops the created words no entity holds (dropPrewritten).
//
// The words are written before the import's transaction, not after its planning inside it: a
// transaction of their own opened while the import's holds the change log needs a second
// connection, and with the pool's connections held by writers waiting for that lock it would
// wait for one none of them gives back (a deadlock Neo4j cannot see, ended only by the pool's
// acquisition timeout); planning in a transaction of its own before them would plan against a
// state the lock no longer holds. A refused bundle therefore writes words too, and drops them.
func (s *Store) prewriteWords(ctx context.Context, words map[string]struct{}) ([]string, error) {
	rows := wordRows(words)
	var created []string
	for start := 0; start < len(rows); start += batchSize {
		batch := rows[start:min(start+batchSize, len(rows))]
		v, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			w := &txWriter{ctx: ctx, tx: tx}
			recs, err := w.collect(prewriteWordsQuery, map[string]any{"rows": batch})
			if err != nil {
				return nil, err
			}
			if len(recs) != 1 {
				return nil, fmt.Errorf("pre-writing search words: %d records, want 1", len(recs))
			}
			var d decoder
			batchCreated := d.record(recs[0]).strings("created")
			return batchCreated, d.err
		})
		if err != nil {
			return created, s.mapError(ctx, "import", err)
		}
		created = append(created, v.([]string)...)
	}
	return created, nil
}

// dropHeldlessWordsQuery deletes the words of $words that no entity holds: that the search
// index, whose terms are exactly the words of every searchText (searchAnalyzer), finds in no
// entity. The index is updated as a transaction commits, so under the change log's lock it
// holds every committed writer's words.
const dropHeldlessWordsQuery = `
	UNWIND $words AS word
	CALL (word) {
		CALL db.index.fulltext.queryNodes('` + searchIndex + `', word.query, {limit: 1}) YIELD node
		RETURN count(node) AS holders
	}
	WITH word, holders
	WHERE holders = 0
	MATCH (w:SearchWord {word: word.word})
	DELETE w
	RETURN count(w) AS dropped`

// lockForDropQuery takes the change log's lock as txWriter.lock does, for dropPrewritten, and
// says whether it created the change log (no writer committed one yet): dropPrewritten then
// deletes it again before it commits, so that it leaves no node of its own.
const lockForDropQuery = `
	MERGE (l:ChangeLog {id: 'changes'})
	WITH l, l.seq IS NULL AS created
	SET l.lockedAt = datetime()
	RETURN created`

// beforeDropPrewritten, set only by tests, runs as dropPrewritten begins, with the words it is
// to drop: a writer it runs has committed before the drop takes the lock.
var beforeDropPrewritten func(created []string)

// dropPrewritten undoes prewriteWords for an import that did not commit (it failed, or was
// refused or changed nothing): it deletes the words of created that no entity holds, a batch per
// transaction, each under the change log's lock that every writer of searchText takes before it
// adds its words. A writer that found such a word already there and wrote an entity holding it
// either committed before the batch (its entity holds the word: kept) or runs after it (it adds
// the word again). A failure here is logged and not returned: the caller returns the import's
// own error, and a word left behind matches no entity.
func (s *Store) dropPrewritten(ctx context.Context, created []string) {
	if len(created) == 0 {
		return
	}
	if beforeDropPrewritten != nil {
		beforeDropPrewritten(created)
	}
	// The import's ctx may be what ended it (canceled, out of time); the words go all the same.
	ctx = context.WithoutCancel(ctx)
	start := time.Now()
	dropped := int64(0)
	for first := 0; first < len(created); first += batchSize {
		batch := created[first:min(first+batchSize, len(created))]
		rows := make([]map[string]any, len(batch))
		for i, word := range batch {
			rows[i] = map[string]any{"word": word, "query": escapeLucene(word)}
		}
		v, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			w := &txWriter{ctx: ctx, tx: tx}
			recs, err := w.collect(lockForDropQuery, nil)
			if err != nil {
				return nil, err
			}
			var d decoder
			if len(recs) != 1 {
				d.fail("record", "%d records, want 1", len(recs))
				return nil, d.err
			}
			createdLog := need[bool](d.record(recs[0]), "created")
			if d.err != nil {
				return nil, d.err
			}
			recs, err = w.collect(dropHeldlessWordsQuery, map[string]any{"words": rows})
			if err != nil {
				return nil, err
			}
			if len(recs) != 1 {
				d.fail("record", "%d records, want 1", len(recs))
				return nil, d.err
			}
			n := need[int64](d.record(recs[0]), "dropped")
			if d.err != nil {
				return nil, d.err
			}
			if createdLog {
				if err := w.exec(`
					MATCH (l:ChangeLog {id: 'changes'})
					DELETE l`, nil); err != nil {
					return nil, err
				}
			}
			return n, nil
		})
		if err != nil {
			s.cfg.Log.Error("neo4jstore: an import that did not commit left search vocabulary words behind "+
				"(they match no entity, so no search changes; EnsureSchema does not remove them)",
				slog.Int("words", len(created)-first), slog.String("error", err.Error()))
			return
		}
		dropped += v.(int64)
	}
	s.cfg.Log.Debug("neo4jstore: dropped the search words of an import that did not commit",
		slog.Int("prewritten", len(created)), slog.Int64("dropped", dropped), slog.Duration("took", time.Since(start)))
}

// entityProps is entityProps for a write of this transaction: it notes the entity's search words,
// which flushWords adds to the vocabulary before the transaction commits.
func (w *txWriter) entityProps(e *kg.Entity, titles []string) (map[string]any, error) {
	p, err := entityProps(e, titles)
	if err == nil {
		w.noteWords(p[keySearchKeys].([]any))
	}
	return p, err
}

// noteWords notes the words of searchKeys (an entity's searchKeys) for flushWords.
func (w *txWriter) noteWords(searchKeys []any) {
	if w.words == nil {
		w.words = map[string]struct{}{}
	}
	searchWordsOf(w.words, searchKeys)
}

// flushWords adds the words noted since the last flush to the vocabulary, a batch at a time.
func (w *txWriter) flushWords() error {
	rows := wordRows(w.words)
	clear(w.words)
	for start := 0; start < len(rows); start += batchSize {
		if err := w.exec(mergeWordsQuery, map[string]any{"rows": rows[start:min(start+batchSize, len(rows))]}); err != nil {
			return err
		}
	}
	return nil
}

// backfillWords builds the vocabulary of a database written before it, from every entity's
// searchKeys, a batch of entities per transaction, then marks the change log. A database without
// a change log holds no entity to index.
func (s *Store) backfillWords(ctx context.Context) error {
	if owed, err := s.backfillOwed(ctx, keyWordsIndexed, "backfill search words"); err != nil || !owed {
		return err
	}
	var d decoder
	after := ""
	for {
		recs, err := s.read(ctx, `
			MATCH (n:Entity)
			WHERE n.id > $after
			WITH n ORDER BY n.id
			LIMIT 5000
			RETURN collect(n.id) AS ids, collect(n.searchKeys) AS keys`, map[string]any{"after": after})
		if err != nil {
			return s.mapError(ctx, "backfill search words", err)
		}
		var ids []string
		words := map[string]struct{}{}
		if len(recs) != 1 {
			d.fail("record", "%d records, want 1", len(recs))
		} else {
			r := d.record(recs[0])
			ids = r.strings("ids")
			for _, k := range need[[]any](r, "keys") {
				keys, _ := k.([]any)
				searchWordsOf(words, keys)
			}
		}
		if d.err != nil {
			return s.mapError(ctx, "backfill search words", d.err)
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			w := &txWriter{ctx: ctx, tx: tx, words: maps.Clone(words)} // a retry flushes them again
			if err := w.lockForBackfill(); err != nil {
				return nil, err
			}
			return nil, w.flushWords()
		})
		if err != nil {
			return s.mapError(ctx, "backfill search words", err)
		}
	}
	return s.markBackfilled(ctx, keyWordsIndexed, "backfill search words")
}

// writeWords writes the vocabulary of a bulk load (words: of every entity it wrote) into its
// empty database, perTx words a transaction. The load created no :SearchWord, so CREATE.
func (l *bulkLoad) writeWords(ctx context.Context, words map[string]struct{}) error {
	rows := wordRows(words)
	for start := 0; start < len(rows); start += l.perTx {
		batch := rows[start:min(start+l.perTx, len(rows))]
		_, err := l.s.writeWithin(ctx, l.s.cfg.ImportTimeout, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, `
				UNWIND $rows AS row
				CREATE (w:SearchWord)
				SET w = row`, map[string]any{"rows": batch})
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		if err != nil {
			return l.s.mapError(ctx, "bulk load", err)
		}
	}
	return nil
}

// importWords gathers the search words of the entities an offline import writes, from the
// pipeline's workers at once.
type importWords struct {
	mu  sync.Mutex
	set map[string]struct{}
}

func (iw *importWords) add(searchKeys []any) {
	iw.mu.Lock()
	defer iw.mu.Unlock()
	searchWordsOf(iw.set, searchKeys)
}

// searchWords writes the vocabulary of an offline import (words: of every entity it holds), in
// the id space SearchWord, the word its id.
func (w *importWriter) searchWords(ctx context.Context, words map[string]struct{}) error {
	rows := wordRows(words)
	return w.write(ctx, len(rows), importEntitiesPerChunk, func(c *importChunk, i int) error {
		return c.line("searchword", "word:ID(SearchWord),:LABEL", []any{rows[i]["word"], []any{"SearchWord"}},
			map[string]any{"rword": rows[i]["rword"]}, "", false)
	})
}

// The page search's typo probes, on the vocabulary: Go writes each token's one- and two-edit
// disjunctions as a marker (wordMarker) in the probes' and vectors' Lucene queries, and the
// statement that runs them first expands each marker on the vocabulary into the concrete words
// its patterns match (searchExpandWords) and puts them in its place. Lucene then runs term
// queries, not wildcard patterns over its whole term dictionary (a typo vector's five bands cost
// about a third as much so, measured at 100k). The words are the terms the patterns match in the
// index, or more (the vocabulary may hold words no entity holds), so every query finds what its
// patterns would.

// wordMarker is the marker of token i's k-edit words in a query: '@' is no letter or digit, so
// no query word holds one, and Lucene's syntax gives it no meaning.
func wordMarker(i, k int) string { return fmt.Sprintf("@%d.%d@", i, k) }

// noWords stands for an expansion that found no word: a term no entity holds (no searchText word
// is only underscores).
const noWords = "_____"

// minSeekRunes is the shortest head or tail a pattern is sought by on the vocabulary: a shorter
// one would read too much of it (an empty one all of it), so such a pattern ("?garcia?") stays a
// wildcard in the query.
const minSeekRunes = 2

// wordExpansion returns what searchExpandWords needs to expand marker into the words of patterns
// (editPatterns): the patterns without "?" to look up whole; the others grouped by the longer of
// their head (before the first "?") and tail (after the last), a range seek on word or on rword
// each, with the group's bounds on a word's length (UTF-16 units, as Cypher counts: "?" is one
// or two) and one regular expression of its patterns to check the words found; and the few
// patterns whose head and tail are both short (wild), kept as they are.
func wordExpansion(marker string, patterns []string) map[string]any {
	exact, wild := []any{}, []string{}
	heads, tails := map[string][]string{}, map[string][]string{}
	for _, p := range patterns {
		first := strings.IndexByte(p, '?')
		if first < 0 {
			exact = append(exact, p)
			continue
		}
		head, tail := p[:first], p[strings.LastIndexByte(p, '?')+1:]
		switch h, t := utf8.RuneCountInString(head), utf8.RuneCountInString(tail); {
		case isWild(p):
			wild = append(wild, p)
		case h >= t:
			heads[head] = append(heads[head], p)
		default:
			tails[reverseWord(tail)] = append(tails[reverseWord(tail)], p)
		}
	}
	seeks := func(groups map[string][]string) []any {
		out := []any{}
		for _, seek := range slices.Sorted(maps.Keys(groups)) {
			lo, hi := math.MaxInt, 0
			for _, p := range groups[seek] {
				units, wilds := len(utf16.Encode([]rune(strings.ReplaceAll(p, "?", "")))), strings.Count(p, "?")
				lo, hi = min(lo, units+wilds), max(hi, units+2*wilds)
			}
			out = append(out, map[string]any{"seek": seek, "re": editRegexp(groups[seek]),
				"min": int64(lo), "max": int64(hi)})
		}
		return out
	}
	return map[string]any{"marker": marker, "exact": exact, "heads": seeks(heads), "tails": seeks(tails),
		"wild": strings.Join(wild, " ")}
}

// isWild reports whether the edit pattern p stays a wildcard, not expanded on the vocabulary: its
// head (before the first "?") and tail (after the last) are both shorter than minSeekRunes.
func isWild(p string) bool {
	first := strings.IndexByte(p, '?')
	if first < 0 {
		return false
	}
	head, tail := p[:first], p[strings.LastIndexByte(p, '?')+1:]
	return max(utf8.RuneCountInString(head), utf8.RuneCountInString(tail)) < minSeekRunes
}

// wildRegexp returns the regular expression (editRegexp) of the wild patterns among patterns,
// or nil if there are none: with the words the others expand to, what a word must match to be
// within the patterns' edits.
func wildRegexp(patterns []string) any {
	wild := slices.DeleteFunc(slices.Clone(patterns), func(p string) bool { return !isWild(p) })
	if len(wild) == 0 {
		return nil
	}
	return editRegexp(wild)
}

// searchExpandWords expands each marker of $expansions (wordExpansion) on the vocabulary and
// gives expanded: {marker, words, terms} each, words those found and terms them and the wild
// patterns joined by spaces (noWords if none). The seeks are hinted: inside the page search's statement the planner
// chose to scan the whole vocabulary per seek instead (146 ms for "García" at 100k).
// Every word is letters and digits (kg.SearchTokens), which Lucene's syntax never treats
// specially.
const searchExpandWords = `
CALL () {
  UNWIND $expansions AS x
  CALL (x) {
    CALL (x) {
      UNWIND x.exact AS t
      MATCH (w:SearchWord {word: t})
      RETURN w.word AS word
    UNION
      UNWIND x.heads AS h
      MATCH (w:SearchWord)
      USING INDEX SEEK w:SearchWord(word)
      WHERE w.word STARTS WITH h.seek AND h.min <= size(w.word) <= h.max AND w.word =~ h.re
      RETURN w.word AS word
    UNION
      UNWIND x.tails AS h
      MATCH (w:SearchWord)
      USING INDEX SEEK w:SearchWord(rword)
      WHERE w.rword STARTS WITH h.seek AND h.min <= size(w.word) <= h.max AND w.word =~ h.re
      RETURN w.word AS word
    }
    RETURN collect(word) AS words
  }
  WITH x, words, CASE WHEN x.wild = '' THEN words ELSE words + x.wild END AS terms
  RETURN collect({marker: x.marker, words: words,
    terms: CASE WHEN size(terms) = 0 THEN '` + noWords + `' ELSE reduce(s = head(terms), w IN tail(terms) | s + ' ' + w) END}) AS expanded
}`

// expandedQuery is the Cypher expression of the query text q with the markers of expanded
// (searchExpandWords) replaced by their words.
func expandedQuery(q string) string {
	return "reduce(s = " + q + ", x IN expanded | replace(s, x.marker, x.terms))"
}

// vocabularyProbes is searchProbes for the page search: each token's one- and two-edit
// disjunctions are markers (one query for every two-edit pattern: its words are few), and
// expansions what searchExpandWords needs to expand them. The two-edit probes are among the
// others: expanded on the vocabulary they cost a few index seeks, less than the round trip of
// asking for them only when the page may reach them.
func vocabularyProbes(p *kg.SearchPlan) (probes []searchQueryProbe, expansions []any) {
	probe := func(i int, c kg.MatchClass, query string) searchQueryProbe {
		return searchQueryProbe{token: i, class: c, query: query}
	}
	expansions = []any{}
	for i, t := range p.Tokens {
		tok := escapeLucene(t.Text)
		probes = append(probes, probe(i, kg.ExactMatch, tok))
		better := "-" + tok
		if t.Prefix {
			probes = append(probes, probe(i, kg.PrefixMatch, tok+"* "+better))
			better = "-" + tok + "*"
		}
		if t.MaxEdits < 1 {
			continue
		}
		one := wordMarker(i, 1)
		expansions = append(expansions, wordExpansion(one, editPatterns(t.Text, 1)))
		probes = append(probes, probe(i, kg.TypoMatch, "("+one+") "+better))
		if t.MaxEdits < 2 {
			continue
		}
		two := wordMarker(i, 2)
		expansions = append(expansions, wordExpansion(two, editPatterns(t.Text, 2)))
		probes = append(probes, probe(i, kg.Typo2Match, "("+two+") "+better+" -("+one+")"))
	}
	return probes, expansions
}
