package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// Search finds a person by the titles of its positions (kg.PositionTitles), so an entity's search
// properties (searchText, searchKeys) depend on its relationships of kg.TitledTypes as well as on
// the node. entityProps writes them without titles; every write that may change an entity's
// titles, or rewrites an entity that may hold some, sets them again from the node and its
// relationships as they stand in the write's transaction (retitle). BulkLoad and WriteImportFiles,
// which know every relation up front, write them with the titles at once.
//
// Databases written before titles were searchable lack them: EnsureSchema sets them once
// (backfillTitles) and marks the change log with keyTitlesIndexed, which every change log created
// since carries from the start.

// keyTitlesIndexed is the :ChangeLog property that says every entity's search properties hold the
// titles of its positions.
const keyTitlesIndexed = "searchTitles"

// mayHoldTitles reports whether an entity of kind k can be the From of a relation of
// kg.TitledTypes.
func mayHoldTitles(k kg.Kind) bool {
	for _, t := range kg.TitledTypes {
		if slices.Contains(kg.RelationSpecs[t].From, k) {
			return true
		}
	}
	return false
}

// retitleIDs returns the entities of plan whose titles a write of it may change: the From of each
// relation of kg.TitledTypes, and each stored entity it rewrites that may hold titles.
func retitleIDs(plan *kg.Plan) []string {
	var ids []string
	for _, r := range plan.Relations {
		if slices.Contains(kg.TitledTypes, r.Type) {
			ids = append(ids, r.From)
		}
	}
	for _, w := range plan.Entities {
		if mayHoldTitles(w.Entity.Kind) && plan.Stored(w.Entity.ID) {
			ids = append(ids, w.Entity.ID)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// titledEntitiesQuery reads, for each id of $ids, the entity and its relationships of $types as
// {type, props} maps.
const titledEntitiesQuery = `
	UNWIND $ids AS id
	MATCH (n:Entity {id: id})
	RETURN n {.*} AS n, COLLECT {
		MATCH (n)-[r]->()
		WHERE type(r) IN $types
		RETURN {type: type(r), props: r {.*}}
	} AS titled`

// titledRows turns the records of titledEntitiesQuery into the rows setTitlesQuery writes: one
// for each entity whose search properties differ from what it and its titles give.
func titledRows(recs []*neo4j.Record) ([]map[string]any, error) {
	var rows []map[string]any
	var d decoder
	for _, rec := range recs {
		r := d.record(rec)
		n := r.sub("n", true)
		e := entityOf(n)
		var rels []*kg.Relation
		for _, t := range r.rows("titled") {
			props := t.sub("props", true)
			rels = append(rels, &kg.Relation{Type: need[string](t, "type"), From: e.ID,
				Citations: citationsOf(props), Properties: propertiesOf(props)})
		}
		sp := searchPropsOf(e, kg.PositionTitles(e.ID, rels))
		if maybe[string](n, keySearchText) == sp.text {
			continue
		}
		rows = append(rows, map[string]any{"id": e.ID, "text": sp.text, "keys": sp.keys})
	}
	return rows, d.err
}

// setTitlesQuery writes the rows of titledRows.
const setTitlesQuery = `
	UNWIND $rows AS row
	MATCH (n:Entity {id: row.id})
	SET n.searchText = row.text, n.searchKeys = row.keys`

// retitle sets the search properties of the entities ids from each one and its titles, as the
// write's transaction sees them. Unknown ids are skipped.
func (w *txWriter) retitle(ids []string) error {
	for start := 0; start < len(ids); start += batchSize {
		recs, err := w.collect(titledEntitiesQuery, map[string]any{
			"ids": ids[start:min(start+batchSize, len(ids))], "types": kg.TitledTypes})
		if err != nil {
			return err
		}
		rows, err := titledRows(recs)
		if err != nil {
			return err
		}
		for _, row := range rows {
			w.noteWords(row["keys"].([]any))
		}
		if len(rows) > 0 {
			if err := w.exec(setTitlesQuery, map[string]any{"rows": rows}); err != nil {
				return err
			}
		}
	}
	return nil
}

// backfillTitles gives the entities of a database written before titles were searchable the
// titles of their positions in their search properties, a batch of holders at a time, then marks
// the change log. A database without a change log holds nothing to backfill.
func (s *Store) backfillTitles(ctx context.Context) error {
	if owed, err := s.backfillOwed(ctx, keyTitlesIndexed, "backfill search titles"); err != nil || !owed {
		return err
	}
	var d decoder
	after := ""
	for {
		recs, err := s.read(ctx, `
			MATCH (n:Entity)-[r]->()
			WHERE type(r) IN $types AND n.id > $after
			WITH DISTINCT n.id AS id
			ORDER BY id
			LIMIT 2000
			RETURN collect(id) AS ids`, map[string]any{"types": kg.TitledTypes, "after": after})
		if err != nil {
			return s.mapError(ctx, "backfill search titles", err)
		}
		var ids []string
		if len(recs) != 1 {
			d.fail("record", "%d records, want 1", len(recs))
		} else {
			ids = d.record(recs[0]).strings("ids")
		}
		if d.err != nil {
			return s.mapError(ctx, "backfill search titles", d.err)
		}
		if len(ids) == 0 {
			break
		}
		after = ids[len(ids)-1]
		_, err = s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
			w := &txWriter{ctx: ctx, tx: tx}
			if err := w.lockForBackfill(); err != nil {
				return nil, err
			}
			if err := w.retitle(ids); err != nil {
				return nil, err
			}
			return nil, w.flushWords()
		})
		if err != nil {
			return s.mapError(ctx, "backfill search titles", err)
		}
	}
	return s.markBackfilled(ctx, keyTitlesIndexed, "backfill search titles")
}

// bulkTitles returns the titles of every entity's positions among the relations of a plan
// BulkLoad writes whole, by entity id.
func bulkTitles(plan *kg.Plan) map[string][]string {
	byFrom := map[string][]*kg.Relation{}
	for _, r := range plan.Relations {
		if slices.Contains(kg.TitledTypes, r.Type) {
			byFrom[r.From] = append(byFrom[r.From], r)
		}
	}
	out := make(map[string][]string, len(byFrom))
	for id, rels := range byFrom {
		out[id] = kg.PositionTitles(id, rels)
	}
	return out
}

// markBackfilled marks the change log with key: the backfill it names is done.
func (s *Store) markBackfilled(ctx context.Context, key, what string) error {
	_, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		w := &txWriter{ctx: ctx, tx: tx}
		return nil, w.exec(`
			MATCH (l:ChangeLog {id: 'changes'})
			SET l.`+key+` = true`, nil)
	})
	if err != nil {
		return s.mapError(ctx, what, err)
	}
	return nil
}

// backfillOwed reports whether the change log lacks the mark key, that is, whether a backfill
// (what, for errors) is still owed to a database written before it. A database without a change
// log owes none: it holds nothing to backfill.
func (s *Store) backfillOwed(ctx context.Context, key, what string) (bool, error) {
	recs, err := s.read(ctx, `
		MATCH (l:ChangeLog {id: 'changes'})
		WHERE l.`+key+` IS NULL
		RETURN count(l) AS n`, nil)
	if err != nil {
		return false, s.mapError(ctx, what, err)
	}
	var d decoder
	n := int64(0)
	if len(recs) != 1 {
		d.fail("record", "%d records, want 1", len(recs))
	} else {
		n = need[int64](d.record(recs[0]), "n")
	}
	if d.err != nil {
		return false, s.mapError(ctx, what, d.err)
	}
	return n > 0, nil
}
