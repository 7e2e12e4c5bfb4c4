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
	for _, rec := range recs {
		m, _, err := neo4j.GetRecordValue[map[string]any](rec, "n")
		if err != nil {
			return st, err
		}
		rels, _, err := neo4j.GetRecordValue[[]any](rec, "rels")
		if err != nil {
			return st, err
		}
		e := entityFromMap(m)
		st.Entities[e.ID] = e
		for _, x := range rels {
			r, _ := x.(map[string]any)
			typ, _ := r["type"].(string)
			from, _ := r["from"].(string)
			to, _ := r["to"].(string)
			props, _ := r["props"].(map[string]any)
			st.Relations[e.ID] = append(st.Relations[e.ID], relationFromMap(typ, from, to, props))
		}
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
	props, err := entityProps(plan.Into, nil) // titles: retitle below
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
	// typ is a relation type the store held: a key of kg.RelationSpecs.
	for _, typ := range sortedKeys(created) {
		if err := w.exec(`
			UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			CREATE (a)-[r:`+typ+`]->(b)
			SET r = row.props`, map[string]any{"rows": created[typ]}); err != nil {
			return nil, err
		}
	}
	for _, typ := range sortedKeys(updated) {
		if err := w.exec(`
			UNWIND $rows AS row
			MATCH (:Entity {id: row.from})-[r:`+typ+`]->(:Entity {id: row.to})
			WITH r, row, r.createdIn AS createdIn
			SET r = row.props
			SET r.createdIn = createdIn`, map[string]any{"rows": updated[typ]}); err != nil {
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
		for _, rec := range recs {
			id, _, err := neo4j.GetRecordValue[string](rec, "id")
			if err != nil {
				return nil, err
			}
			to, _, err := neo4j.GetRecordValue[string](rec, "to")
			if err != nil {
				return nil, err
			}
			out[id] = to
		}
	}
	return out, nil
}
