package neo4jstore

import (
	"context"
	"fmt"
	"maps"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// searchIndex is the name of the full-text index over :Entity(searchText).
const searchIndex = "entity_search"

// identityIndex is the name of the full-text index over :Entity(identityKeys). Its keyword
// analyzer keeps each key whole, as one term, so an exact phrase query finds the entities that
// have a key: the index lookup identity resolution needs, which range indexes cannot do on list
// elements.
const identityIndex = "entity_identity"

// searchKeysIndex is the name of the full-text index over :Entity(searchKeys). Like
// identityIndex its keyword analyzer keeps each key whole, so a search finds the entities with a
// key equal to its text (kg's tiers TierName and TierAlias) without reading every entity that
// shares a word with it.
const searchKeysIndex = "entity_search_keys"

// searchAnalyzer is the Lucene analyzer of searchIndex. searchText is already folded and split
// into kg's search tokens (kg.SearchTokens), so the analyzer must only split on white space: it
// keeps every token whole (the standard analyzer splits some, such as Chinese words, into
// characters) and every stop word ("of" in "Secretariat of Foreign Relations"), so that the
// index's terms are exactly kg's words (search.go).
const searchAnalyzer = "whitespace"

// schemaStatements returns the constraints and indexes EnsureSchema creates. Labels come only
// from kg.Kinds.
func schemaStatements() []string {
	stmts := []string{
		"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:Entity) REQUIRE n.id IS UNIQUE",
		"CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE",
		"CREATE RANGE INDEX entity_name IF NOT EXISTS FOR (n:Entity) ON (n.name)",
		"CREATE RANGE INDEX entity_name_folded IF NOT EXISTS FOR (n:Entity) ON (n.nameFolded)",
		"CREATE RANGE INDEX entity_search_order IF NOT EXISTS FOR (n:Entity) ON (n.searchOrder)",
		// Writers hold the change log's lock, so seq is unique without a constraint to check.
		"CREATE RANGE INDEX change_seq IF NOT EXISTS FOR (c:Change) ON (c.seq)",
		"CREATE RANGE INDEX change_entity IF NOT EXISTS FOR (c:Change) ON (c.entity)",
		"CREATE RANGE INDEX change_other IF NOT EXISTS FOR (c:Change) ON (c.other)",
		"CREATE CONSTRAINT changelog_id IF NOT EXISTS FOR (l:ChangeLog) REQUIRE l.id IS UNIQUE",
		// Merged ids (MergeEntities): looked up by id on every read by id, and by survivor when
		// the survivor is merged in turn.
		"CREATE CONSTRAINT redirect_id IF NOT EXISTS FOR (d:Redirect) REQUIRE d.id IS UNIQUE",
		"CREATE RANGE INDEX redirect_to IF NOT EXISTS FOR (d:Redirect) ON (d.to)",
		// The search vocabulary (search_words.go): words looked up whole and by their head, and
		// by their tail through the reversed word.
		"CREATE CONSTRAINT search_word IF NOT EXISTS FOR (w:SearchWord) REQUIRE w.word IS UNIQUE",
		"CREATE RANGE INDEX search_word_reversed IF NOT EXISTS FOR (w:SearchWord) ON (w.rword)",
	}
	for _, k := range kg.Kinds {
		l := k.Label()
		stmts = append(stmts,
			fmt.Sprintf("CREATE CONSTRAINT %s_id IF NOT EXISTS FOR (n:%s) REQUIRE n.id IS UNIQUE", k.Prefix(), l),
			fmt.Sprintf("CREATE RANGE INDEX %s_name IF NOT EXISTS FOR (n:%s) ON (n.name)", k.Prefix(), l))
	}
	// The sortable properties of the kinds that have them.
	stmts = append(stmts,
		"CREATE RANGE INDEX meeting_date IF NOT EXISTS FOR (n:Meeting) ON (n.date)",
		"CREATE RANGE INDEX meeting_ordinal IF NOT EXISTS FOR (n:Meeting) ON (n.ordinal)",
		"CREATE RANGE INDEX dialogue_established IF NOT EXISTS FOR (n:Dialogue) ON (n.established)",
		"CREATE RANGE INDEX country_code IF NOT EXISTS FOR (n:Country) ON (n.code)",
		"CREATE RANGE INDEX source_published IF NOT EXISTS FOR (n:Source) ON (n.published)",
		fmt.Sprintf("CREATE FULLTEXT INDEX %s IF NOT EXISTS FOR (n:Entity) ON EACH [n.searchText] "+
			"OPTIONS {indexConfig: {`fulltext.analyzer`: '%s', `fulltext.eventually_consistent`: false}}",
			searchIndex, searchAnalyzer),
		fmt.Sprintf("CREATE FULLTEXT INDEX %s IF NOT EXISTS FOR (n:Entity) ON EACH [n.%s] "+
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword', `fulltext.eventually_consistent`: false}}",
			identityIndex, keyIdentityKeys),
		fmt.Sprintf("CREATE FULLTEXT INDEX %s IF NOT EXISTS FOR (n:Entity) ON EACH [n.%s] "+
			"OPTIONS {indexConfig: {`fulltext.analyzer`: 'keyword', `fulltext.eventually_consistent`: false}}",
			searchKeysIndex, keySearchKeys),
	)
	return stmts
}

// EnsureSchema creates the constraints and indexes the store relies on, if they do not exist yet,
// waits until they are online, and gives entities written by earlier versions the properties they
// lack (identityKeys, searchKeys, searchOrder). It is idempotent.
func (s *Store) EnsureSchema(ctx context.Context) error {
	if err := s.dropStaleSearchIndex(ctx); err != nil {
		return err
	}
	// Schema changes cannot share a transaction with each other or with data, so each is its own.
	for _, stmt := range schemaStatements() {
		if err := s.schemaCommand(ctx, stmt); err != nil {
			return err
		}
	}
	if err := s.schemaCommand(ctx, "CALL db.awaitIndexes(300)"); err != nil {
		return err
	}
	if err := s.backfillDerived(ctx); err != nil {
		return err
	}
	if err := s.backfillTitles(ctx); err != nil {
		return err
	}
	if err := s.backfillWords(ctx); err != nil {
		return err
	}
	return s.backfillLevels(ctx)
}

// backfillDerived sets the properties derived from an entity's fields (identityKeys, searchKeys,
// searchOrder) on entities that lack one, a batch at a time: databases written before identity
// resolution or before search walked searchOrder. Fold and the search tokens are Go code, so the
// values are computed here rather than in Cypher.
func (s *Store) backfillDerived(ctx context.Context) error {
	for {
		recs, err := s.read(ctx, `
			MATCH (n:Entity)
			WHERE n.identityKeys IS NULL OR n.searchKeys IS NULL OR n.searchOrder IS NULL
			RETURN n {.*} AS entity
			LIMIT 5000`, nil)
		if err != nil {
			return s.mapError(ctx, "backfill derived properties", err)
		}
		if len(recs) == 0 {
			return nil
		}
		rows := make([]map[string]any, len(recs))
		words := map[string]struct{}{}
		var d decoder
		for i, rec := range recs {
			e := entityOf(d.record(rec).sub("entity", true))
			sp := searchPropsOf(e, nil) // backfillTitles adds the titles
			rows[i] = map[string]any{"id": e.ID, "keys": identityKeys(e), "searchKeys": sp.keys,
				"order": sp.order, "text": sp.text}
			searchWordsOf(words, sp.keys)
		}
		if d.err != nil {
			return s.mapError(ctx, "backfill derived properties", d.err)
		}
		_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			w := &txWriter{ctx: ctx, tx: tx, words: maps.Clone(words)} // a retry flushes them again
			if err := w.lockForBackfill(); err != nil {
				return nil, err
			}
			res, err := tx.Run(ctx, `
				UNWIND $rows AS row
				MATCH (n:Entity {id: row.id})
				SET n.identityKeys = row.keys, n.searchKeys = row.searchKeys,
					n.searchOrder = row.order, n.searchText = row.text`, map[string]any{"rows": rows})
			if err != nil {
				return nil, err
			}
			if _, err := res.Consume(ctx); err != nil {
				return nil, err
			}
			return nil, w.flushWords()
		})
		if err != nil {
			return s.mapError(ctx, "backfill derived properties", err)
		}
	}
}

func (s *Store) schemaCommand(ctx context.Context, stmt string) error {
	if err := s.usable(); err != nil {
		return err
	}
	s.roundTrips.Add(1)
	start := time.Now()
	_, err := neo4j.ExecuteQuery(ctx, s.driver, stmt, nil, neo4j.EagerResultTransformer,
		neo4j.ExecuteQueryWithWritersRouting(),
		neo4j.ExecuteQueryWithDatabase(s.cfg.Database))
	s.observe(ctx, opSchema, start, err)
	if err != nil {
		return s.mapError(ctx, "ensure schema", err)
	}
	return nil
}
