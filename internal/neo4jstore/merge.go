package neo4jstore

import (
	"context"
	"slices"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// Merges keep each merged id as a :Redirect node {id, to} whose to is the survivor's id: reads by
// id (Entities, Expand with its entities) and writes (txSnapshot.Redirects) follow it.

// MergeEntities merges m.From into m.Into as kg.Writer.MergeEntities says, in one write
// transaction: it reads the entities and their relationships, plans with kg.PlanMerge, deletes
// the merged nodes, rewrites the survivor, writes the relationships the merge leaves on it, and
// points every redirect to a merged id at the survivor.
func (s *Store) MergeEntities(ctx context.Context, m kg.MergeRequest) (*kg.MergeReport, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	var rep *kg.MergeReport
	_, err := s.runWrite(ctx, "merge entities", func(w *txWriter) (*txResult, error) {
		if err := w.lock(); err != nil {
			return nil, err
		}
		st, err := w.mergeState(append([]string{m.Into}, m.From...))
		if err != nil {
			return nil, err
		}
		plan, err := kg.PlanMerge(m, st)
		if err != nil {
			return nil, err
		}
		if rep, err = w.writeMerge(m, plan); err != nil {
			return nil, err
		}
		return &txResult{}, w.finish()
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// mergeState reads the entities ids and every relationship that touches each.
func (w *txWriter) mergeState(ids []string) (kg.MergeState, error) {
	st := kg.MergeState{Entities: map[string]*kg.Entity{}, Relations: map[string][]*kg.Relation{}}
	recs, err := w.collect(`
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		RETURN n {.*} AS n, COLLECT {
			MATCH (n)-[r]-()
			RETURN {type: type(r), from: startNode(r).id, to: endNode(r).id, props: r {.*}}
		} AS rels`, map[string]any{"ids": ids})
	if err != nil {
		return st, err
	}
	var d decoder
	for _, rec := range recs {
		r := d.record(rec)
		e := entityOf(r.sub("n", true))
		st.Entities[e.ID] = e
		for _, rr := range r.rows("rels") {
			st.Relations[e.ID] = append(st.Relations[e.ID], relationOf(rr))
		}
	}
	if d.err != nil {
		return st, d.err
	}
	// The dates of the sources they cite rank the values the merged entities disagree on.
	rs := map[string]*kg.Relation{}
	for _, list := range st.Relations {
		for _, r := range list {
			rs[relKey(r.Type, r.From, r.To)] = r
		}
	}
	srcs, err := txSnapshot{w: w}.Sources(w.ctx, storedSourceIDs(st.Entities, rs))
	if err != nil {
		return st, err
	}
	st.Dates = func(id string) string {
		if s := srcs[id]; s != nil {
			return s.Published
		}
		return ""
	}
	return st, nil
}

// writeMerge writes plan, the redirects and the changes of merge m.
func (w *txWriter) writeMerge(m kg.MergeRequest, plan *kg.MergePlan) (*kg.MergeReport, error) {
	if err := w.exec(`
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		DETACH DELETE n`, map[string]any{"ids": m.From}); err != nil {
		return nil, err
	}
	props, err := w.entityProps(plan.Into, nil) // titles: retitle below
	if err != nil {
		return nil, err
	}
	if err := w.exec(`
		MATCH (n:Entity {id: $id})
		WITH n, n.createdIn AS createdIn
		SET n = $props
		SET n.createdIn = createdIn`, map[string]any{"id": m.Into, "props": props}); err != nil {
		return nil, err
	}
	// The survivor's own relationships that a moved one joins exist; the rest are new.
	kept := map[string]bool{}
	for _, r := range plan.Record.Relations {
		if !slices.Contains(plan.Removed, r) {
			kept[relKey(r.Type, r.From, r.To)] = true
		}
	}
	created, updated := map[string][]map[string]any{}, map[string][]map[string]any{}
	for _, r := range plan.Written {
		p, err := relationProps(r)
		if err != nil {
			return nil, err
		}
		row := map[string]any{"from": r.From, "to": r.To, "props": p}
		if kept[relKey(r.Type, r.From, r.To)] {
			updated[r.Type] = append(updated[r.Type], row)
		} else {
			created[r.Type] = append(created[r.Type], row)
		}
	}
	// Each type is one the store held: a key of kg.RelationSpecs.
	if err := w.writeRelationRows(created, updated); err != nil {
		return nil, err
	}
	// The redirects to a merged entity follow it to the survivor: the record keeps where they
	// pointed, for an undo.
	earlier, err := w.collect(`
		MATCH (e:Redirect) WHERE e.to IN $from
		RETURN e.id AS id, e.to AS to`, map[string]any{"from": m.From})
	if err != nil {
		return nil, err
	}
	if len(earlier) > 0 {
		plan.Record.Redirected = map[string]string{}
		if err := redirectRows(earlier, plan.Record.Redirected); err != nil {
			return nil, err
		}
	}
	recs, err := w.collect(`
		UNWIND $from AS id
		MERGE (d:Redirect {id: id})
		SET d.to = $into
		WITH count(*) AS merged
		OPTIONAL MATCH (e:Redirect) WHERE e.to IN $from
		SET e.to = $into
		WITH merged, count(e) AS earlier
		RETURN merged + earlier AS redirects`, map[string]any{"from": m.From, "into": m.Into})
	if err != nil {
		return nil, err
	}
	redirects, _, err := neo4j.GetRecordValue[int64](recs[0], "redirects")
	if err != nil {
		return nil, err
	}
	if err := w.retitle([]string{m.Into}); err != nil {
		return nil, err
	}
	detail := plan.Record.JSON()
	for _, e := range plan.Deleted {
		if err := w.changeWithDetail(kg.ActionMergeEntities, m.Into, e.ID, kg.MergeSummary(plan, e), detail); err != nil {
			return nil, err
		}
	}
	return &kg.MergeReport{Into: plan.Into, Merged: slices.Clone(m.From), Moved: len(plan.Removed) - len(plan.Dropped),
		Dropped: len(plan.Dropped), Redirects: int(redirects)}, nil
}

// Redirects returns the survivors of the merged ids among ids.
func (v txSnapshot) Redirects(_ context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(ids); start += lookupBatch {
		recs, err := v.w.collect(`
			UNWIND $ids AS id
			MATCH (d:Redirect {id: id})
			RETURN id, d.to AS to`, map[string]any{"ids": ids[start:min(start+lookupBatch, len(ids))]})
		if err != nil {
			return nil, err
		}
		if err := redirectRows(recs, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// UndoMerge undoes a merge as kg.Writer.UndoMerge says, in one write transaction.
func (s *Store) UndoMerge(ctx context.Context, u kg.UndoMergeRequest) (*kg.UndoReport, error) {
	seq, err := u.Seq()
	if err != nil {
		return nil, err
	}
	var rep *kg.UndoReport
	_, err = s.runWrite(ctx, "undo merge", func(w *txWriter) (*txResult, error) {
		if err := w.lock(); err != nil {
			return nil, err
		}
		c, err := w.changeBySeq(seq)
		if err != nil {
			return nil, err
		}
		if c == nil {
			return nil, kg.Errorf(kg.CodeNotFound, "there is no change %s", u.Change)
		}
		rec, err := kg.MergeRecordOf(c)
		if err != nil {
			return nil, err
		}
		touching, err := w.changesTouching(c.Entity, c.Seq)
		if err != nil {
			return nil, err
		}
		if err := kg.CheckUndoable(c, touching); err != nil {
			return nil, err
		}
		st, err := w.mergeState([]string{rec.Into.ID})
		if err != nil {
			return nil, err
		}
		if st.Entities[rec.Into.ID] == nil {
			return nil, kg.Errorf(kg.CodeConflict, "the survivor %s of %s is gone", rec.Into.ID, u.Change)
		}
		plan := kg.PlanUndoMerge(rec, st.Relations[rec.Into.ID])
		if rep, err = w.writeUndo(c, plan, u.Reason); err != nil {
			return nil, err
		}
		return &txResult{}, w.finish()
	})
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// writeUndo writes plan, undoing merge change c.
func (w *txWriter) writeUndo(c *kg.Change, plan *kg.UndoPlan, reason string) (*kg.UndoReport, error) {
	for _, r := range plan.Removed {
		// r.Type is a relation type the store held: a key of kg.RelationSpecs.
		if err := w.exec(`
			MATCH (:Entity {id: $from})-[r:`+r.Type+`]->(:Entity {id: $to})
			DELETE r`, map[string]any{"from": r.From, "to": r.To}); err != nil {
			return nil, err
		}
	}
	props, err := w.entityProps(plan.Into, nil) // titles: retitle below
	if err != nil {
		return nil, err
	}
	if err := w.exec(`
		MATCH (n:Entity {id: $id})
		WITH n, n.createdIn AS createdIn
		SET n = $props
		SET n.createdIn = createdIn`, map[string]any{"id": plan.Into.ID, "props": props}); err != nil {
		return nil, err
	}
	byLabel := map[string][]map[string]any{}
	for _, e := range plan.Restored {
		p, err := w.entityProps(e, nil)
		if err != nil {
			return nil, err
		}
		byLabel[e.Kind.Label()] = append(byLabel[e.Kind.Label()], p)
	}
	for _, label := range sortedKeys(byLabel) {
		// label comes from kg.Kind.Label of an entity the store held.
		if err := w.exec(`
			UNWIND $rows AS props
			CREATE (n:Entity:`+label+`)
			SET n = props`, map[string]any{"rows": byLabel[label]}); err != nil {
			return nil, err
		}
	}
	byType := map[string][]map[string]any{}
	for _, r := range plan.Written {
		p, err := relationProps(r)
		if err != nil {
			return nil, err
		}
		byType[r.Type] = append(byType[r.Type], map[string]any{"from": r.From, "to": r.To, "props": p})
	}
	for _, typ := range sortedKeys(byType) {
		// MERGE: a written relation is either missing or held with other properties.
		if err := w.exec(`
			UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			MERGE (a)-[r:`+typ+`]->(b)
			WITH r, row, r.createdIn AS createdIn
			SET r = row.props
			SET r.createdIn = createdIn`, map[string]any{"rows": byType[typ]}); err != nil {
			return nil, err
		}
	}
	redirected := make([]map[string]any, 0, len(plan.Redirected))
	for _, from := range sortedKeys(plan.Redirected) {
		redirected = append(redirected, map[string]any{"id": from, "to": plan.Redirected[from]})
	}
	if err := w.exec(`
		UNWIND $ids AS id
		MATCH (d:Redirect {id: id})
		DELETE d
		WITH count(*) AS gone
		UNWIND $redirected AS row
		MATCH (d:Redirect {id: row.id})
		SET d.to = row.to`, map[string]any{"ids": plan.Unredirected, "redirected": redirected}); err != nil {
		return nil, err
	}
	var retitle []string
	for _, e := range append([]*kg.Entity{plan.Into}, plan.Restored...) {
		retitle = append(retitle, e.ID)
	}
	if err := w.retitle(retitle); err != nil {
		return nil, err
	}
	rep := &kg.UndoReport{Into: plan.Into, Removed: len(plan.Removed), Written: len(plan.Written)}
	detail := kg.UndoRecord{Undid: c.ID()}.JSON()
	for _, e := range plan.Restored {
		if err := w.changeWithDetail(kg.ActionUndoMerge, plan.Into.ID, e.ID, kg.UndoSummary(c, e, reason), detail); err != nil {
			return nil, err
		}
		rep.Restored = append(rep.Restored, e.ID)
	}
	return rep, nil
}

// changeBySeq returns the change numbered seq, or nil.
func (w *txWriter) changeBySeq(seq int64) (*kg.Change, error) {
	recs, err := w.collect(`
		MATCH (c:Change {seq: $seq})
		RETURN c {.*} AS c`, map[string]any{"seq": seq})
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	var d decoder
	c := changeOf(d.record(recs[0]).sub("c", true))
	return c, d.err
}

// changesTouching returns the changes from seq on that touch id as Changes(entity: id) finds them,
// newest first.
func (w *txWriter) changesTouching(id string, seq int64) ([]*kg.Change, error) {
	recs, err := w.collect(`
		CALL () {
			MATCH (c:Change {entity: $id}) RETURN c
			UNION
			MATCH (c:Change {other: $id}) RETURN c
			UNION
			MATCH (n:Entity {id: $id})
			MATCH (c:Change {seq: n.createdIn}) RETURN c
			UNION
			MATCH (:Entity {id: $id})-[r]-()
			WITH DISTINCT r.createdIn AS seq WHERE seq IS NOT NULL
			MATCH (c:Change {seq: seq}) RETURN c
		}
		WITH c WHERE c.seq >= $seq
		RETURN c {.*} AS c
		ORDER BY c.seq DESC`, map[string]any{"id": id, "seq": seq})
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Change, 0, len(recs))
	var d decoder
	for _, rec := range recs {
		out = append(out, changeOf(d.record(rec).sub("c", true)))
	}
	return out, d.err
}

// redirectRows adds each row's id -> to (a merged id and its survivor) to into.
func redirectRows(recs []*neo4j.Record, into map[string]string) error {
	for _, rec := range recs {
		id, _, err := neo4j.GetRecordValue[string](rec, "id")
		if err != nil {
			return err
		}
		to, _, err := neo4j.GetRecordValue[string](rec, "to")
		if err != nil {
			return err
		}
		into[id] = to
	}
	return nil
}
