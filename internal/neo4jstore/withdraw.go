package neo4jstore

import (
	"context"
	"slices"

	"github.com/diplograph/diplograph/internal/kg"
)

// WithdrawSource removes what a source said from the items w names, as
// kg.Writer.WithdrawSource says, in one transaction. Without named items it finds every item that
// cites the source by a scan of citationSources: a withdrawal is rare.
func (s *Store) WithdrawSource(ctx context.Context, wd kg.Withdrawal) (*kg.WithdrawReport, error) {
	if err := kg.CheckWithdrawal(wd); err != nil {
		return nil, err
	}
	res, err := s.runWrite(ctx, "withdraw", func(w *txWriter) (*txResult, error) {
		if !wd.DryRun {
			if err := w.lock(); err != nil {
				return nil, err
			}
		}
		rep, err := w.withdraw(wd)
		if err != nil {
			return nil, err
		}
		res := &txResult{withdraw: rep}
		if wd.DryRun || !res.withdraw.changed() {
			return nil, rollback{res}
		}
		return res, w.finish()
	})
	if err != nil {
		return nil, err
	}
	return res.withdraw.report, res.withdraw.err
}

// withdrawResult is what withdraw reports through a transaction: the report, or the error of a
// withdrawal that names what it cannot.
type withdrawResult struct {
	report *kg.WithdrawReport
	err    error
}

func (r *withdrawResult) changed() bool {
	if r.err != nil {
		return false
	}
	p := r.report
	return p.EntitiesUpdated+p.EntitiesDeleted+p.RelationsUpdated+p.RelationsDeleted > 0
}

// withdraw reads the items wd names (or every item citing its source), works out what each
// becomes (kg.WithdrawFromEntity, kg.WithdrawFromRelation), and unless a dry run writes it and
// queues its changes.
func (w *txWriter) withdraw(wd kg.Withdrawal) (*withdrawResult, error) {
	recs, err := w.collect(`MATCH (s:Source {id: $src}) RETURN s.id AS id`, map[string]any{"src": wd.Source})
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return &withdrawResult{err: kg.Errorf(kg.CodeNotFound, "no source %q", wd.Source)}, nil
	}
	ents, rels, err := w.withdrawItems(wd)
	if err != nil {
		return nil, err
	}
	if len(wd.Entities)+len(wd.Relations) > 0 {
		if err := kg.WithdrawNotCited(wd, ents, rels); err != nil {
			return &withdrawResult{err: err}, nil
		}
		ents, rels = distinctEntities(ents), distinctRelations(rels)
	}
	dates, err := w.sourceDates(ents, rels)
	if err != nil {
		return nil, err
	}

	rep := &kg.WithdrawReport{DryRun: wd.DryRun}
	type change struct{ entity, other, summary string }
	var changes []change
	var deletedIDs []string
	var retitle []string // entities whose position titles are to be set again
	updatedRows := []map[string]any{}
	removed := map[string]bool{}
	for _, e := range ents {
		next, res := kg.WithdrawFromEntity(e, wd.Source, wd.Reason, dates)
		rep.CitationsRemoved += res.Citations
		changes = append(changes, change{e.ID, "", res.Summary})
		if res.Deleted {
			rep.EntitiesDeleted++
			deletedIDs = append(deletedIDs, e.ID)
			continue
		}
		rep.EntitiesUpdated++
		retitle = append(retitle, e.ID)
		props, err := w.entityProps(next, nil) // titles: retitle, once relations are written
		if err != nil {
			return nil, err
		}
		updatedRows = append(updatedRows, map[string]any{"id": e.ID, "props": props})
	}
	if len(deletedIDs) > 0 {
		// The relations of the entities that go, go with them.
		recs, err := w.collect(`
			UNWIND $ids AS id
			MATCH (n:Entity {id: id})-[r]-()
			WITH DISTINCT r, id
			RETURN id, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to
			ORDER BY id, from, type, to`, map[string]any{"ids": deletedIDs})
		if err != nil {
			return nil, err
		}
		var d decoder
		for _, rec := range recs {
			r := d.record(rec)
			id, typ := need[string](r, "id"), need[string](r, "type")
			from, to := need[string](r, "from"), need[string](r, "to")
			if d.err != nil {
				return nil, d.err
			}
			if k := relKey(typ, from, to); !removed[k] {
				removed[k] = true
				if slices.Contains(kg.TitledTypes, typ) {
					retitle = append(retitle, from)
				}
				rep.RelationsDeleted++
				r := &kg.Relation{Type: typ, From: from, To: to}
				changes = append(changes, change{from, to, kg.WithdrawnWithSummary(r, id, wd.Source, wd.Reason)})
			}
		}
	}
	relRows := map[string][]map[string]any{}
	relDeletes := map[string][]map[string]any{}
	for _, r := range rels {
		k := relKey(r.Type, r.From, r.To)
		if removed[k] {
			continue
		}
		next, res := kg.WithdrawFromRelation(r, wd.Source, wd.Reason, dates)
		rep.CitationsRemoved += res.Citations
		changes = append(changes, change{r.From, r.To, res.Summary})
		if slices.Contains(kg.TitledTypes, r.Type) {
			retitle = append(retitle, r.From)
		}
		row := map[string]any{"from": r.From, "to": r.To}
		if res.Deleted {
			removed[k] = true
			rep.RelationsDeleted++
			relDeletes[r.Type] = append(relDeletes[r.Type], row)
			continue
		}
		rep.RelationsUpdated++
		props, err := relationProps(next)
		if err != nil {
			return nil, err
		}
		row["props"] = props
		relRows[r.Type] = append(relRows[r.Type], row)
	}
	out := &withdrawResult{report: rep}
	if wd.DryRun || !out.changed() {
		return out, nil
	}

	if err := w.batches(updatedRows, `
		UNWIND $rows AS row
		MATCH (n:Entity {id: row.id})
		WITH n, row, n.createdIn AS createdIn
		SET n = row.props
		SET n.createdIn = createdIn`); err != nil {
		return nil, err
	}
	for _, typ := range sortedKeys(relRows) {
		// typ is the type of a relationship this store wrote, a key of kg.RelationSpecs.
		if err := w.batches(relRows[typ], `
			UNWIND $rows AS row
			MATCH (:Entity {id: row.from})-[r:`+typ+`]->(:Entity {id: row.to})
			WITH r, row, r.createdIn AS createdIn
			SET r = row.props
			SET r.createdIn = createdIn`); err != nil {
			return nil, err
		}
	}
	for _, typ := range sortedKeys(relDeletes) {
		if err := w.batches(relDeletes[typ], `
			UNWIND $rows AS row
			MATCH (:Entity {id: row.from})-[r:`+typ+`]->(:Entity {id: row.to})
			DELETE r`); err != nil {
			return nil, err
		}
	}
	if len(deletedIDs) > 0 {
		if err := w.exec(`
			UNWIND $ids AS id
			MATCH (n:Entity {id: id})
			DETACH DELETE n`, map[string]any{"ids": deletedIDs}); err != nil {
			return nil, err
		}
	}
	retitle = slices.DeleteFunc(slices.Compact(slices.Sorted(slices.Values(retitle))), func(id string) bool { return slices.Contains(deletedIDs, id) })
	if err := w.retitle(retitle); err != nil {
		return nil, err
	}
	if err := w.change(kg.ActionWithdraw, "", "", kg.WithdrawSummary(wd, rep)); err != nil {
		return nil, err
	}
	for _, c := range changes {
		if err := w.change(kg.ActionWithdraw, c.entity, c.other, c.summary); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// withdrawItems reads the items wd names, index for index (nil for one not stored), or, when it
// names none, every item that cites its source, in id order.
func (w *txWriter) withdrawItems(wd kg.Withdrawal) ([]*kg.Entity, []*kg.Relation, error) {
	if len(wd.Entities)+len(wd.Relations) == 0 {
		ents, err := w.entities(`
			MATCH (n:Entity)
			WHERE $src IN n.citationSources
			RETURN n {.*} AS n
			ORDER BY n.id`, map[string]any{"src": wd.Source})
		if err != nil {
			return nil, nil, err
		}
		rels, err := w.relations(`
			MATCH (a:Entity)-[r]->(b:Entity)
			WHERE $src IN r.citationSources
			RETURN {type: type(r), from: a.id, to: b.id, props: r {.*}} AS relation
			ORDER BY a.id, type(r), b.id`, map[string]any{"src": wd.Source})
		return ents, rels, err
	}
	found, err := w.entities(`
		UNWIND $ids AS id
		MATCH (n:Entity {id: id})
		RETURN n {.*} AS n`, map[string]any{"ids": wd.Entities})
	if err != nil {
		return nil, nil, err
	}
	ents := make([]*kg.Entity, len(wd.Entities))
	for i, id := range wd.Entities {
		for _, e := range found {
			if e.ID == id {
				ents[i] = e
			}
		}
	}
	keys := make([]map[string]any, len(wd.Relations))
	for i, k := range wd.Relations {
		keys[i] = map[string]any{"type": k.Type, "from": k.From, "to": k.To}
	}
	foundRels, err := w.relations(`
		UNWIND $rels AS rel
		MATCH (a:Entity {id: rel.from})-[r]->(b:Entity {id: rel.to})
		WHERE type(r) = rel.type
		RETURN {type: type(r), from: a.id, to: b.id, props: r {.*}} AS relation`, map[string]any{"rels": keys})
	if err != nil {
		return nil, nil, err
	}
	rels := make([]*kg.Relation, len(wd.Relations))
	for i, k := range wd.Relations {
		for _, r := range foundRels {
			if r.Key() == k {
				rels[i] = r
			}
		}
	}
	return ents, rels, nil
}

// entities runs a statement that returns entity maps as n, decoded as the write path does.
func (w *txWriter) entities(cypher string, params map[string]any) ([]*kg.Entity, error) {
	recs, err := w.collect(cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Entity, 0, len(recs))
	var d decoder
	for _, rec := range recs {
		out = append(out, entityOf(d.record(rec).sub("n", true)))
	}
	return out, d.err
}

// relations runs a statement that returns relations as relation ({type, from, to, props}).
func (w *txWriter) relations(cypher string, params map[string]any) ([]*kg.Relation, error) {
	recs, err := w.collect(cypher, params)
	if err != nil {
		return nil, err
	}
	out := make([]*kg.Relation, 0, len(recs))
	var d decoder
	for _, rec := range recs {
		out = append(out, relationOf(d.record(rec).sub("relation", true)))
	}
	return out, d.err
}

// sourceDates returns the publication dates of the sources the items cite.
func (w *txWriter) sourceDates(ents []*kg.Entity, rels []*kg.Relation) (kg.SourceDates, error) {
	es := map[string]*kg.Entity{}
	for _, e := range ents {
		es[e.ID] = e
	}
	rs := map[string]*kg.Relation{}
	for _, r := range rels {
		rs[relKey(r.Type, r.From, r.To)] = r
	}
	srcs, err := txSnapshot{w: w}.Sources(w.ctx, storedSourceIDs(es, rs))
	if err != nil {
		return nil, err
	}
	return func(id string) string {
		if s := srcs[id]; s != nil {
			return s.Published
		}
		return ""
	}, nil
}

func distinctEntities(es []*kg.Entity) []*kg.Entity {
	seen := map[string]bool{}
	var out []*kg.Entity
	for _, e := range es {
		if !seen[e.ID] {
			seen[e.ID] = true
			out = append(out, e)
		}
	}
	return out
}

func distinctRelations(rs []*kg.Relation) []*kg.Relation {
	seen := map[kg.RelationRef]bool{}
	var out []*kg.Relation
	for _, r := range rs {
		if !seen[r.Key()] {
			seen[r.Key()] = true
			out = append(out, r)
		}
	}
	return out
}
