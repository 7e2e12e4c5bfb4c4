package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// The write path. Every write is one managed write transaction (one round trip) that:
//
//  1. locks the change log (the :ChangeLog node), so writes run one at a time and each plans
//     against the state the previous ones committed;
//  2. plans the write with kg.PlanImport, answering its questions (sources, entity kinds, name
//     keys) with a few UNWIND queries;
//  3. writes in batches of batchSize items: reads what is stored for the batch (only items whose
//     entities the plan found stored can be), lets kg decide what changes (kg.ApplyEntity and
//     friends), writes new items with UNWIND ... CREATE and changed ones with UNWIND ... MATCH ...
//     SET (the lock makes CREATE safe, and spares MERGE's search through dense nodes'
//     relationships), and creates a :Change node for each, except for what an import creates,
//     which carries createdIn, the seq of the import's own :Change;
//  4. sets the change log's sequence number, and commits.
//
// A bundle with problems, a dry run, or a write that changes nothing is rolled back; so is any
// failure on the way (a constraint violated by the last batch leaves nothing of the first ones).
// An import of more than batchSize entities adds its search words first, in transactions of its
// own (prewriteWords), and drops them again when its own does not commit (dropPrewritten).
// Memory stays at the bundle plus one batch of rows: stored items are read a batch at a time.

// batchSize bounds the rows one UNWIND statement carries.
const batchSize = 2000

// rollback is returned from transaction work to end it without committing, carrying the result.
type rollback struct{ res *txResult }

func (rollback) Error() string { return "rolled back" }

// txResult is what a write transaction reports.
type txResult struct {
	report  kg.ImportReport
	written struct {
		source   *kg.Source
		entity   *kg.Entity
		relation *kg.Relation
	}
	found    bool            // RemoveRelation, DeleteEntity: there was something to remove
	withdraw *withdrawResult // WithdrawSource
	// rolledBack says the transaction ended without committing, on purpose (problems, a dry
	// run, nothing to change).
	rolledBack bool
}

// runWrite runs work in one write transaction and returns its result, whether it committed or
// rolled back on purpose. An import may take up to ImportTimeout, any other write QueryTimeout.
func (s *Store) runWrite(ctx context.Context, op string, work func(w *txWriter) (*txResult, error)) (*txResult, error) {
	timeout := s.cfg.QueryTimeout
	if op == opImport {
		timeout = s.cfg.ImportTimeout
	}
	v, err := s.writeWithin(ctx, timeout, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := work(&txWriter{ctx: ctx, tx: tx, actor: kg.Actor(ctx)})
		if err != nil {
			return nil, err
		}
		return res, nil
	})
	var rb rollback
	if errors.As(err, &rb) {
		rb.res.rolledBack = true
		return rb.res, nil
	}
	if err != nil {
		return nil, s.mapError(ctx, op, err)
	}
	return v.(*txResult), nil
}

// txWriter is the state of one write transaction.
type txWriter struct {
	ctx     context.Context
	tx      neo4j.ManagedTransaction
	actor   string
	at      string
	seq     int64 // of the last change created
	changes []map[string]any
	// importSeq is the seq of the import's own change, taken first; what the import creates
	// carries it as createdIn instead of a change of its own (kg.Writer.Import).
	importSeq int64
	// words are the search words of the entities written since the last flushWords.
	words map[string]struct{}
}

// lock takes the change log's lock (held to commit) and its sequence number.
func (w *txWriter) lock() error {
	res, err := w.tx.Run(w.ctx, `
		MERGE (l:ChangeLog {id: 'changes'})
		ON CREATE SET l.seq = 0, l.`+keyTitlesIndexed+` = true, l.`+keyWordsIndexed+` = true,
			l.`+keyLevelsIndexed+` = true
		SET l.lockedAt = datetime()
		RETURN l.seq AS seq`, nil)
	if err != nil {
		return err
	}
	rec, err := res.Single(w.ctx)
	if err != nil {
		return err
	}
	var d decoder
	w.seq = need[int64](d.record(rec), "seq")
	if d.err != nil {
		return d.err
	}
	w.at = kg.ChangeTime(timeNow())
	return nil
}

// lockForBackfill takes the change log's lock for a write outside the change log's history
// (EnsureSchema's backfills), which writes search words and so must hold the lock as every writer
// of them does (dropPrewritten). A change log it creates has no backfill marks, so the backfills
// after it still run.
func (w *txWriter) lockForBackfill() error {
	return w.exec(`
		MERGE (l:ChangeLog {id: 'changes'})
		ON CREATE SET l.seq = 0
		SET l.lockedAt = datetime()`, nil)
}

// record queues the change of one item written with outcome o, or, for an item an import
// creates, marks props with the import's change instead.
func (w *txWriter) record(o kg.Outcome, props map[string]any, action, entity, other, summary string) error {
	if o == kg.Created && w.importSeq != 0 {
		props[keyCreatedIn] = w.importSeq
		return nil
	}
	return w.change(action, entity, other, summary)
}

// change queues a :Change node, written by flushChanges.
func (w *txWriter) change(action, entity, other, summary string) error {
	return w.changeWithDetail(action, entity, other, summary, "")
}

// changeWithDetail is change with a kg.Change Detail.
func (w *txWriter) changeWithDetail(action, entity, other, summary, detail string) error {
	w.seq++
	row := map[string]any{"seq": w.seq, "at": w.at, "actor": w.actor, "action": action, "summary": summary}
	if entity != "" {
		row["entity"] = entity
	}
	if other != "" {
		row["other"] = other
	}
	if detail != "" {
		row["detail"] = detail
	}
	w.changes = append(w.changes, row)
	if len(w.changes) >= batchSize {
		return w.flushChanges()
	}
	return nil
}

func (w *txWriter) flushChanges() error {
	if len(w.changes) == 0 {
		return nil
	}
	err := w.exec(`
		UNWIND $rows AS row
		CREATE (c:Change)
		SET c = row`, map[string]any{"rows": w.changes})
	w.changes = w.changes[:0]
	return err
}

// finish writes the queued changes and the change log's new sequence number.
func (w *txWriter) finish() error {
	if err := w.flushWords(); err != nil {
		return err
	}
	if err := w.flushChanges(); err != nil {
		return err
	}
	return w.exec(`
		MATCH (l:ChangeLog {id: 'changes'})
		SET l.seq = $seq`, map[string]any{"seq": w.seq})
}

func (w *txWriter) exec(cypher string, params map[string]any) error {
	res, err := w.tx.Run(w.ctx, cypher, params)
	if err != nil {
		return err
	}
	_, err = res.Consume(w.ctx)
	return err
}

func (w *txWriter) collect(cypher string, params map[string]any) ([]*neo4j.Record, error) {
	res, err := w.tx.Run(w.ctx, cypher, params)
	if err != nil {
		return nil, err
	}
	return res.Collect(w.ctx)
}

// writeBundle plans and writes b, recording its changes with action (and, for an import, one for
// the whole import).
func (s *Store) writeBundle(ctx context.Context, b *kg.Bundle, action string, opts kg.ImportOptions) (*txResult, error) {
	dryRun := opts.DryRun
	if b == nil {
		return nil, badInput("no bundle to import")
	}
	op := "write"
	if action == kg.ActionImport {
		op = opImport
	}
	if dryRun || len(b.Entities) <= batchSize {
		return s.writeBundleTx(ctx, b, action, op, opts)
	}
	// A large import adds its words first (prewriteWords); if it then does not commit, the words
	// it created go again, so that it changes nothing (dropPrewritten).
	prewritten, err := s.prewriteWords(ctx, bundleWords(b))
	if err != nil {
		s.dropPrewritten(ctx, prewritten)
		return nil, err
	}
	res, err := s.writeBundleTx(ctx, b, action, op, opts)
	if err != nil || res.rolledBack {
		s.dropPrewritten(ctx, prewritten)
	}
	return res, err
}

// writeBundleTx is writeBundle's transaction.
func (s *Store) writeBundleTx(ctx context.Context, b *kg.Bundle, action, op string, opts kg.ImportOptions) (*txResult, error) {
	dryRun := opts.DryRun
	return s.runWrite(ctx, op, func(w *txWriter) (*txResult, error) {
		res := &txResult{}
		res.report.DryRun = dryRun
		if !dryRun {
			if err := w.lock(); err != nil {
				return nil, err
			}
			if action == kg.ActionImport {
				w.seq++
				w.importSeq = w.seq
			}
		}
		plan, err := kg.PlanImport(w.ctx, b, txSnapshot{w, s})
		if err != nil {
			return nil, err
		}
		if opts.Duplicates {
			if err := plan.FindDuplicates(w.ctx, txSnapshot{w, s}); err != nil {
				return nil, err
			}
			res.report.Duplicates, res.report.DuplicatesUnchecked = plan.Duplicates, plan.DuplicatesUnchecked
		}
		if len(plan.Problems) > 0 {
			res.report.Problems = plan.Problems
			return nil, rollback{res}
		}
		if err := w.writeSources(plan, res, action, dryRun); err != nil {
			return nil, err
		}
		apply := plan.ApplyOptions(opts.Replace, nil)
		if err := w.writeEntities(plan, apply, res, action, dryRun); err != nil {
			return nil, err
		}
		if err := w.writeRelations(plan, apply, res, action, dryRun); err != nil {
			return nil, err
		}
		if !dryRun {
			reranked, err := w.rerank(plan, apply, action)
			if err != nil {
				return nil, err
			}
			if err := w.retitle(slices.Compact(slices.Sorted(slices.Values(append(retitleIDs(plan), reranked...))))); err != nil {
				return nil, err
			}
		}
		st := res.report.ImportStats
		if dryRun || st.Created+st.Updated == 0 {
			return nil, rollback{res}
		}
		if w.importSeq != 0 {
			w.changes = append(w.changes, map[string]any{"seq": w.importSeq, "at": w.at, "actor": w.actor,
				"action": action, "summary": kg.ImportSummary(st) + apply.ReplaceSummary()})
		}
		return res, w.finish()
	})
}

func (w *txWriter) writeSources(plan *kg.Plan, res *txResult, action string, dryRun bool) error {
	var created, updated []map[string]any
	for _, src := range plan.Sources {
		next, o, summary := kg.ApplySource(plan.StoredSources[src.ID], src)
		res.report.Count(o)
		res.written.source = next
		if o == kg.Unchanged || dryRun {
			continue
		}
		props := sourceProps(next)
		if err := w.record(o, props, action, next.ID, "", summary); err != nil {
			return err
		}
		row := map[string]any{"id": next.ID, "props": props}
		if o == kg.Created {
			created = append(created, row)
		} else {
			updated = append(updated, row)
		}
	}
	if err := w.batches(created, `
		UNWIND $rows AS row
		CREATE (n:Source)
		SET n = row.props`); err != nil {
		return err
	}
	return w.batches(updated, `
		UNWIND $rows AS row
		MATCH (n:Source {id: row.id})
		WITH n, row, n.createdIn AS createdIn
		SET n = row.props
		SET n.createdIn = createdIn`)
}

func (w *txWriter) writeEntities(plan *kg.Plan, apply kg.ApplyOptions, res *txResult, action string, dryRun bool) error {
	for start := 0; start < len(plan.Entities); start += batchSize {
		batch := plan.Entities[start:min(start+batchSize, len(plan.Entities))]
		// Only entities the plan found stored need reading: the rest are new.
		var ids []string
		for _, e := range batch {
			if plan.Stored(e.Entity.ID) {
				ids = append(ids, e.Entity.ID)
			}
		}
		stored := make(map[string]*kg.Entity, len(ids))
		if len(ids) > 0 {
			recs, err := w.collect(`
				UNWIND $ids AS id
				MATCH (n:Entity {id: id})
				RETURN n {.*} AS entity`, map[string]any{"ids": ids})
			if err != nil {
				return err
			}
			var d decoder
			for _, rec := range recs {
				e := entityOf(d.record(rec).sub("entity", true))
				stored[e.ID] = e
			}
			if d.err != nil {
				return d.err
			}
			if err := w.knowSources(plan, storedSourceIDs(stored, nil)); err != nil {
				return err
			}
		}
		created := map[string][]map[string]any{} // label -> rows
		var updated []map[string]any
		for _, ew := range batch {
			next, a := kg.ApplyEntity(stored[ew.Entity.ID], ew, apply)
			res.report.Add(a)
			res.written.entity = next
			if a.Outcome == kg.Unchanged || dryRun {
				continue
			}
			props, err := w.entityProps(next, nil) // titles: retitle, once relations are written
			if err != nil {
				return err
			}
			if err := w.record(a.Outcome, props, action, next.ID, "", a.Summary); err != nil {
				return err
			}
			row := map[string]any{"id": next.ID, "props": props}
			if a.Outcome == kg.Created {
				created[next.Kind.Label()] = append(created[next.Kind.Label()], row)
			} else {
				updated = append(updated, row)
			}
		}
		// The change log's lock keeps other writers out, so what the plan found absent is absent:
		// CREATE, not MERGE (the uniqueness constraints would still refuse a duplicate).
		for _, label := range sortedKeys(created) {
			// label comes from kg.Kind.Label of a kind the plan accepted.
			if err := w.exec(`
				UNWIND $rows AS row
				CREATE (n:Entity:`+label+`)
				SET n = row.props`, map[string]any{"rows": created[label]}); err != nil {
				return err
			}
		}
		if len(updated) > 0 {
			// SET n = replaces every property; createdIn, the store's own, is kept.
			if err := w.exec(`
				UNWIND $rows AS row
				MATCH (n:Entity {id: row.id})
				WITH n, row, n.createdIn AS createdIn
				SET n = row.props
				SET n.createdIn = createdIn`, map[string]any{"rows": updated}); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *txWriter) writeRelations(plan *kg.Plan, apply kg.ApplyOptions, res *txResult, action string, dryRun bool) error {
	for start := 0; start < len(plan.Relations); start += batchSize {
		batch := plan.Relations[start:min(start+batchSize, len(plan.Relations))]
		// Only relations between two entities the plan found stored can be stored.
		var keys []map[string]any
		for _, r := range batch {
			if plan.Stored(r.From) && plan.Stored(r.To) {
				keys = append(keys, map[string]any{"type": r.Type, "from": r.From, "to": r.To})
			}
		}
		stored := make(map[string]*kg.Relation, len(keys))
		if len(keys) > 0 {
			recs, err := w.collect(`
				UNWIND $rels AS rel
				MATCH (:Entity {id: rel.from})-[r]->(:Entity {id: rel.to})
				WHERE type(r) = rel.type
				RETURN {type: type(r), from: rel.from, to: rel.to, props: r {.*}} AS relation`, map[string]any{"rels": keys})
			if err != nil {
				return err
			}
			var d decoder
			for _, rec := range recs {
				r := relationOf(d.record(rec).sub("relation", true))
				stored[relKey(r.Type, r.From, r.To)] = r
			}
			if d.err != nil {
				return d.err
			}
			if err := w.knowSources(plan, storedSourceIDs(nil, stored)); err != nil {
				return err
			}
		}
		created := map[string][]map[string]any{} // type -> rows
		updated := map[string][]map[string]any{}
		for _, r := range batch {
			next, a := kg.ApplyRelation(stored[relKey(r.Type, r.From, r.To)], r, apply)
			res.report.Add(a)
			res.written.relation = next
			if a.Outcome == kg.Unchanged || dryRun {
				continue
			}
			props, err := relationProps(next)
			if err != nil {
				return err
			}
			if err := w.record(a.Outcome, props, action, next.From, next.To, a.Summary); err != nil {
				return err
			}
			row := map[string]any{"from": next.From, "to": next.To, "props": props}
			if a.Outcome == kg.Created {
				created[next.Type] = append(created[next.Type], row)
			} else {
				updated[next.Type] = append(updated[next.Type], row)
			}
		}
		// As for entities, what the plan found absent is created without MERGE's search through
		// the ends' relationships.
		if err := w.writeRelationRows(created, updated); err != nil {
			return err
		}
	}
	return nil
}

// writeRelationRows creates the relations of created and overwrites those of updated (keeping
// each one's createdIn), one statement per type. Rows are {from, to, props}; each key is a
// relation type the caller checked against kg.RelationSpecs, as it is written into the statement.
func (w *txWriter) writeRelationRows(created, updated map[string][]map[string]any) error {
	for _, typ := range sortedKeys(created) {
		if err := w.exec(`
			UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			CREATE (a)-[r:`+typ+`]->(b)
			SET r = row.props`, map[string]any{"rows": created[typ]}); err != nil {
			return err
		}
	}
	for _, typ := range sortedKeys(updated) {
		if err := w.exec(`
			UNWIND $rows AS row
			MATCH (:Entity {id: row.from})-[r:`+typ+`]->(:Entity {id: row.to})
			WITH r, row, r.createdIn AS createdIn
			SET r = row.props
			SET r.createdIn = createdIn`, map[string]any{"rows": updated[typ]}); err != nil {
			return err
		}
	}
	return nil
}

// rerank chooses again the values shown by the stored items the plan does not write whose claims
// cite a source whose date it changes (kg.Plan.Redated). It scans the items with claims: a
// source's date rarely changes. It returns the entities whose position titles, which search finds
// them by, are to be set again (retitle): those it rewrote and the holders of positions it did.
func (w *txWriter) rerank(plan *kg.Plan, apply kg.ApplyOptions, action string) ([]string, error) {
	redated := plan.Redated()
	if len(redated) == 0 {
		return nil, nil
	}
	var retitle []string
	written := map[string]bool{}
	for _, e := range plan.Entities {
		written[e.Entity.ID] = true
	}
	for _, r := range plan.Relations {
		written[relKey(r.Type, r.From, r.To)] = true
	}
	recs, err := w.collect(`
		MATCH (n:Entity)
		WHERE n.claims IS NOT NULL AND any(s IN n.citationSources WHERE s IN $ids)
		RETURN n {.*} AS n
		ORDER BY n.id`, map[string]any{"ids": redated})
	if err != nil {
		return nil, err
	}
	var rows []map[string]any
	var d decoder
	for _, rec := range recs {
		e := entityOf(d.record(rec).sub("n", true))
		if d.err != nil {
			return nil, d.err
		}
		if written[e.ID] {
			continue
		}
		if err := w.knowSources(plan, storedSourceIDs(map[string]*kg.Entity{e.ID: e}, nil)); err != nil {
			return nil, err
		}
		next, a := kg.RerankEntity(e, apply)
		if a.Outcome != kg.Updated {
			continue
		}
		props, err := w.entityProps(next, nil) // titles: retitle
		retitle = append(retitle, next.ID)
		if err != nil {
			return nil, err
		}
		if err := w.record(a.Outcome, props, action, next.ID, "", a.Summary); err != nil {
			return nil, err
		}
		rows = append(rows, map[string]any{"id": next.ID, "props": props})
	}
	if err := w.batches(rows, `
		UNWIND $rows AS row
		MATCH (n:Entity {id: row.id})
		WITH n, row, n.createdIn AS createdIn
		SET n = row.props
		SET n.createdIn = createdIn`); err != nil {
		return nil, err
	}
	recs, err = w.collect(`
		MATCH (a:Entity)-[r]->(b:Entity)
		WHERE r.claims IS NOT NULL AND any(s IN r.citationSources WHERE s IN $ids)
		RETURN {type: type(r), from: a.id, to: b.id, props: r {.*}} AS relation
		ORDER BY a.id, type(r), b.id`, map[string]any{"ids": redated})
	if err != nil {
		return nil, err
	}
	byType := map[string][]map[string]any{}
	for _, rec := range recs {
		r := relationOf(d.record(rec).sub("relation", true))
		if d.err != nil {
			return nil, d.err
		}
		typ, from, to := r.Type, r.From, r.To
		if written[relKey(typ, from, to)] {
			continue
		}
		if err := w.knowSources(plan, storedSourceIDs(nil, map[string]*kg.Relation{"": r})); err != nil {
			return nil, err
		}
		next, a := kg.RerankRelation(r, apply)
		if a.Outcome != kg.Updated {
			continue
		}
		props, err := relationProps(next)
		if err != nil {
			return nil, err
		}
		if slices.Contains(kg.TitledTypes, typ) {
			retitle = append(retitle, from)
		}
		if err := w.record(a.Outcome, props, action, next.From, next.To, a.Summary); err != nil {
			return nil, err
		}
		byType[typ] = append(byType[typ], map[string]any{"from": from, "to": to, "props": props})
	}
	for _, typ := range sortedKeys(byType) {
		// typ is a relation type read from the database, which this store writes from kg.RelationSpecs.
		if _, known := kg.RelationSpecs[typ]; !known {
			return nil, fmt.Errorf("re-ranking: relationship type %q is not a relation type", typ)
		}
		if err := w.batches(byType[typ], `
			UNWIND $rows AS row
			MATCH (:Entity {id: row.from})-[r:`+typ+`]->(:Entity {id: row.to})
			WITH r, row, r.createdIn AS createdIn
			SET r = row.props
			SET r.createdIn = createdIn`); err != nil {
			return nil, err
		}
	}
	return retitle, nil
}

// storedSourceIDs returns the sources the claims and citations of stored items name.
func storedSourceIDs(es map[string]*kg.Entity, rs map[string]*kg.Relation) []string {
	seen := map[string]bool{}
	var out []string
	add := func(cites []kg.Citation, claims []kg.Claim) {
		for _, c := range cites {
			if !seen[c.Source] {
				seen[c.Source] = true
				out = append(out, c.Source)
			}
		}
		for _, c := range claims {
			if !seen[c.Source] {
				seen[c.Source] = true
				out = append(out, c.Source)
			}
		}
	}
	for _, e := range es {
		add(e.Citations, e.Claims)
	}
	for _, r := range rs {
		add(r.Citations, r.Claims)
	}
	return out
}

// knowSources reads the stored sources among ids that plan does not hold into its StoredSources,
// so that the dates of every source whose claims a write ranks are known (kg.Plan.ApplyOptions).
func (w *txWriter) knowSources(plan *kg.Plan, ids []string) error {
	var missing []string
	for _, id := range ids {
		if !plan.KnowsSource(id) {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	srcs, err := txSnapshot{w: w}.Sources(w.ctx, missing)
	if err != nil {
		return err
	}
	for id, src := range srcs {
		plan.StoredSources[id] = src
	}
	return nil
}

// batches runs cypher over rows, batchSize rows at a time.
func (w *txWriter) batches(rows []map[string]any, cypher string) error {
	for start := 0; start < len(rows); start += batchSize {
		if err := w.exec(cypher, map[string]any{"rows": rows[start:min(start+batchSize, len(rows))]}); err != nil {
			return err
		}
	}
	return nil
}

// txSnapshot answers kg.Snapshot with queries in the write transaction, lookupBatch keys a query;
// but Search, which runs as Store.Search does, outside it: planning searches before the
// transaction writes anything, so it sees what the transaction sees.
type txSnapshot struct {
	w *txWriter
	s *Store
}

func (v txSnapshot) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return v.s.Search(ctx, q)
}

// lookupBatch bounds the keys one snapshot query carries.
const lookupBatch = 5000

func (v txSnapshot) Sources(_ context.Context, ids []string) (map[string]*kg.Source, error) {
	out := map[string]*kg.Source{}
	for start := 0; start < len(ids); start += lookupBatch {
		recs, err := v.w.collect(`
			UNWIND $ids AS id
			MATCH (n:Source {id: id})
			RETURN n {.*} AS source`, map[string]any{"ids": ids[start:min(start+lookupBatch, len(ids))]})
		if err != nil {
			return nil, err
		}
		var d decoder
		for _, rec := range recs {
			src := sourceOf(d.record(rec).sub("source", true))
			out[src.ID] = src
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	return out, nil
}

func (v txSnapshot) EntityKinds(_ context.Context, ids []string) (map[string]kg.Kind, error) {
	out := map[string]kg.Kind{}
	for start := 0; start < len(ids); start += lookupBatch {
		recs, err := v.w.collect(`
			UNWIND $ids AS id
			MATCH (n:Entity {id: id})
			RETURN n.id AS id`, map[string]any{"ids": ids[start:min(start+lookupBatch, len(ids))]})
		if err != nil {
			return nil, err
		}
		var d decoder
		for _, rec := range recs {
			id := need[string](d.record(rec), "id")
			out[id] = kg.KindOfID(id)
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	return out, nil
}

// MatchNames looks each key up in the identity index: an exact term query (the index keeps each
// identity key as one term), checked against the node's identityKeys.
func (v txSnapshot) MatchNames(_ context.Context, keys []kg.NameKey) (map[kg.NameKey][]string, error) {
	out := map[kg.NameKey][]string{}
	rows := make([]map[string]any, len(keys))
	byKey := make(map[string]kg.NameKey, len(keys))
	for i, k := range keys {
		ik := identityKey(k)
		byKey[ik] = k
		rows[i] = map[string]any{"key": ik, "query": `"` + escapePhrase(ik) + `"`}
	}
	for start := 0; start < len(rows); start += lookupBatch {
		recs, err := v.w.collect(`
			UNWIND $keys AS k
			CALL db.index.fulltext.queryNodes('`+identityIndex+`', k.query) YIELD node
			WHERE k.key IN node.identityKeys
			RETURN k.key AS key, node.id AS id`, map[string]any{"keys": rows[start:min(start+lookupBatch, len(rows))]})
		if err != nil {
			return nil, err
		}
		var d decoder
		for _, rec := range recs {
			r := d.record(rec)
			nk := byKey[need[string](r, "key")]
			out[nk] = append(out[nk], need[string](r, "id"))
		}
		if d.err != nil {
			return nil, d.err
		}
	}
	for k := range out {
		sort.Strings(out[k])
	}
	return out, nil
}

// identityKey is how a name key is kept in identityKeys: "<KIND>:<folded name>".
func identityKey(k kg.NameKey) string { return string(k.Kind) + ":" + k.Name }

// identityKeys returns the identityKeys property of e.
func identityKeys(e *kg.Entity) []any {
	keys := kg.NameKeys(e)
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = identityKey(k)
	}
	return out
}

func relKey(typ, from, to string) string { return "R\x00" + typ + "\x00" + from + "\x00" + to }

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
