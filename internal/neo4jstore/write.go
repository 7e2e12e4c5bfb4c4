package neo4jstore

import (
	"context"
	"slices"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// timeNow stamps changes; tests may not change it, it is a variable only to name the clock.
var timeNow = time.Now

// opImport names imports in errors, and gives them ImportTimeout.
const opImport = "import"

// Import writes b as kg.Writer.Import says, in one transaction of at most ImportTimeout.
func (s *Store) Import(ctx context.Context, b *kg.Bundle, opts kg.ImportOptions) (*kg.ImportReport, error) {
	res, err := s.writeBundle(ctx, b, kg.ActionImport, opts)
	if err != nil {
		return &kg.ImportReport{DryRun: opts.DryRun}, err
	}
	if len(res.report.Problems) > 0 {
		return &res.report, kg.ProblemsError("the bundle", res.report.Problems)
	}
	return &res.report, nil
}

// AddSource writes src as kg.Writer.AddSource says, in one transaction.
func (s *Store) AddSource(ctx context.Context, src *kg.Source) (*kg.Source, error) {
	if src == nil {
		return nil, badInput("no source to add")
	}
	res, err := s.writeOne(ctx, &kg.Bundle{Sources: []kg.Source{*src}}, kg.ActionAddSource, "the source", "sources[0]")
	if err != nil {
		return nil, err
	}
	return res.written.source, nil
}

// UpsertEntity writes e as kg.Writer.UpsertEntity says, in one transaction.
func (s *Store) UpsertEntity(ctx context.Context, e *kg.Entity) (*kg.Entity, error) {
	if e == nil {
		return nil, badInput("no entity to write")
	}
	res, err := s.writeOne(ctx, &kg.Bundle{Entities: []kg.Entity{*e}}, kg.ActionUpsertEntity, "the entity", "entities[0]")
	if err != nil {
		return nil, err
	}
	return res.written.entity, nil
}

// AddRelation writes r as kg.Writer.AddRelation says, in one transaction.
func (s *Store) AddRelation(ctx context.Context, r *kg.Relation) (*kg.Relation, error) {
	if r == nil {
		return nil, badInput("no relation to add")
	}
	res, err := s.writeOne(ctx, &kg.Bundle{Relations: []kg.Relation{*r}}, kg.ActionAddRelation, "the relation", "relations[0]")
	if err != nil {
		return nil, err
	}
	return res.written.relation, nil
}

// writeOne writes a one-item bundle; its problems come back relative to the item.
func (s *Store) writeOne(ctx context.Context, b *kg.Bundle, action, what, prefix string) (*txResult, error) {
	res, err := s.writeBundle(ctx, b, action, kg.ImportOptions{})
	if err != nil {
		return nil, err
	}
	if len(res.report.Problems) > 0 {
		return nil, kg.ProblemsError(what, kg.ItemProblems(res.report.Problems, prefix))
	}
	return res, nil
}

// RemoveRelation deletes the relation (typ, from, to) and records the change, in one transaction,
// and reports whether there was one.
func (s *Store) RemoveRelation(ctx context.Context, typ, from, to string) (bool, error) {
	if err := kg.CheckRemoveRelation(typ, from, to); err != nil {
		return false, err
	}
	res, err := s.runWrite(ctx, "remove relation", func(w *txWriter) (*txResult, error) {
		if err := w.lock(); err != nil {
			return nil, err
		}
		// typ is a key of kg.RelationSpecs (checked above).
		recs, err := w.collect(`
			MATCH (:Entity {id: $from})-[r:`+typ+`]->(:Entity {id: $to})
			DELETE r
			RETURN count(*) AS n`, map[string]any{"from": from, "to": to})
		if err != nil {
			return nil, err
		}
		var d decoder
		n := need[int64](d.record(recs[0]), "n")
		if d.err != nil {
			return nil, d.err
		}
		if n == 0 {
			return nil, rollback{&txResult{}}
		}
		r := &kg.Relation{Type: typ, From: from, To: to}
		if slices.Contains(kg.TitledTypes, typ) {
			if err := w.retitle([]string{from}); err != nil {
				return nil, err
			}
		}
		if err := w.change(kg.ActionRemoveRelation, from, to, kg.RemoveSummary(r)); err != nil {
			return nil, err
		}
		return &txResult{found: true}, w.finish()
	})
	if err != nil {
		return false, err
	}
	return res.found, nil
}

// DeleteEntity deletes entity id and its relations, recording one change for the entity and one
// for each relation, in one transaction, and reports whether there was one.
func (s *Store) DeleteEntity(ctx context.Context, id, reason string) (bool, error) {
	if err := kg.CheckDeleteEntity(id, reason); err != nil {
		return false, err
	}
	res, err := s.runWrite(ctx, "delete entity", func(w *txWriter) (*txResult, error) {
		if err := w.lock(); err != nil {
			return nil, err
		}
		recs, err := w.collect(`
			MATCH (n:Entity {id: $id})
			RETURN n {.*} AS entity, COLLECT {
				MATCH (n)-[r]-()
				RETURN {type: type(r), from: startNode(r).id, to: endNode(r).id}
			} AS relations`, map[string]any{"id": id})
		if err != nil {
			return nil, err
		}
		if len(recs) == 0 {
			return nil, rollback{&txResult{}}
		}
		var d decoder
		rec := d.record(recs[0])
		e := entityOf(rec.sub("entity", true))
		var rels []*kg.Relation
		for _, r := range rec.rows("relations") {
			rels = append(rels, &kg.Relation{Type: need[string](r, "type"), From: need[string](r, "from"), To: need[string](r, "to")})
		}
		if d.err != nil {
			return nil, d.err
		}
		if err := w.exec(`
			MATCH (n:Entity {id: $id})
			DETACH DELETE n`, map[string]any{"id": id}); err != nil {
			return nil, err
		}
		if err := w.change(kg.ActionDeleteEntity, id, "", kg.DeleteSummary(e, len(rels), reason)); err != nil {
			return nil, err
		}
		var retitled []string // the holders of positions at the entity lose their titles
		for _, r := range rels {
			if err := w.change(kg.ActionDeleteEntity, r.From, r.To, kg.RemovedWithSummary(r, id)); err != nil {
				return nil, err
			}
			if r.From != id && slices.Contains(kg.TitledTypes, r.Type) {
				retitled = append(retitled, r.From)
			}
		}
		if err := w.retitle(retitled); err != nil {
			return nil, err
		}
		return &txResult{found: true}, w.finish()
	})
	if err != nil {
		return false, err
	}
	return res.found, nil
}

// Changes returns one page of the audit trail, newest first, in one round trip: the :Change nodes,
// all, or those whose entity or other end is q.Entity (each through its index) and those the
// entity or source q.Entity and the entity's relationships name as createdIn, by seq.
func (s *Store) Changes(ctx context.Context, q kg.ChangeQuery) (*kg.ChangePage, error) {
	if q.FromEnd && q.Offset > 0 {
		return nil, badInput("a page taken from the end cannot skip an offset")
	}
	params := map[string]any{"entity": q.Entity, "offset": int64(max(q.Offset, 0)), "below": q.Below, "above": q.Above}
	limit := ""
	if q.Limit >= 0 {
		limit = "LIMIT $limit"
		// One beyond the page tells whether more lie further on.
		params["limit"] = int64(q.Limit) + 1
	}
	match := `MATCH (c:Change) WHERE c.seq IS NOT NULL RETURN c`
	if q.Entity != "" {
		match = `MATCH (c:Change {entity: $entity}) RETURN c
			UNION
			MATCH (c:Change {other: $entity}) RETURN c
			UNION
			MATCH (n:Entity {id: $entity})
			MATCH (c:Change {seq: n.createdIn}) RETURN c
			UNION
			MATCH (n:Source {id: $entity})
			MATCH (c:Change {seq: n.createdIn}) RETURN c
			UNION
			MATCH (:Entity {id: $entity})-[r]-()
			WITH DISTINCT r.createdIn AS seq WHERE seq IS NOT NULL
			MATCH (c:Change {seq: seq}) RETURN c`
	}
	order, beyond := "DESC", "$offset > 0 OR ($below > 0 AND c.seq >= $below)"
	if q.FromEnd {
		order, beyond = "ASC", "$above > 0 AND c.seq <= $above"
	}
	recs, err := s.read(ctx, `
		CALL () {
			CALL () { `+match+` }
			RETURN count(c) AS total
		}
		CALL () {
			CALL () { `+match+` }
			WITH c WHERE ($below = 0 OR c.seq < $below) AND ($above = 0 OR c.seq > $above)
			WITH c ORDER BY c.seq `+order+`
			SKIP $offset `+limit+`
			RETURN collect(c {.*}) AS page
		}
		CALL () {
			CALL () { `+match+` }
			WITH c WHERE `+beyond+`
			RETURN count(c) > 0 AS beyond
		}
		RETURN total, page, beyond`, params)
	if err != nil {
		return nil, s.mapError(ctx, "changes", err)
	}
	out := &kg.ChangePage{Changes: []*kg.Change{}}
	var d decoder
	total, page, past := pageBeyond(&d, recs)
	out.Total = total
	further := q.Limit >= 0 && len(page) > q.Limit
	if further {
		page = page[:q.Limit]
	}
	if q.FromEnd {
		slices.Reverse(page)
		out.Earlier, out.More = further, past
	} else {
		out.More, out.Earlier = further, past
	}
	for _, r := range page {
		out.Changes = append(out.Changes, changeOf(r))
	}
	if d.err != nil {
		return nil, s.mapError(ctx, "changes", d.err)
	}
	return out, nil
}

// changeOf reads a change from a :Change node's map projection.
func changeOf(r row) *kg.Change {
	return &kg.Change{
		Seq:     need[int64](r, "seq"),
		At:      need[string](r, "at"),
		Actor:   maybe[string](r, "actor"),
		Action:  need[string](r, "action"),
		Entity:  maybe[string](r, "entity"),
		Other:   maybe[string](r, "other"),
		Summary: maybe[string](r, "summary"),
		Detail:  maybe[string](r, "detail"),
	}
}
