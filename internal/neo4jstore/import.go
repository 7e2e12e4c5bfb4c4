package neo4jstore

import (
	"context"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// Import loads b into the database in one write transaction, all or nothing. b must pass
// b.Validate (otherwise a CodeBadUserInput error lists the problems). Every source, entity and
// relation of b is merged on its identity (id; type, from, to) and its stored properties are
// replaced by b's; nothing else in the database is touched. Items whose stored form already equals
// b's are not written, so importing the same bundle twice changes nothing and counts everything
// Unchanged the second time.
func (s *Store) Import(ctx context.Context, b *kg.Bundle) (kg.ImportStats, error) {
	if b == nil {
		return kg.ImportStats{}, badInput("no bundle to import")
	}
	if ps := b.Validate(); len(ps) > 0 {
		return kg.ImportStats{}, invalidBundle(ps)
	}
	plan, err := planImport(b)
	if err != nil {
		return kg.ImportStats{}, err
	}
	res, err := s.write(ctx, func(tx neo4j.ManagedTransaction) (any, error) {
		return plan.run(ctx, tx)
	})
	if err != nil {
		return kg.ImportStats{}, s.mapError(ctx, "import", err)
	}
	return res.(kg.ImportStats), nil
}

func invalidBundle(ps []kg.Problem) error {
	const show = 20
	lines := make([]string, 0, show+1)
	for i, p := range ps {
		if i == show {
			lines = append(lines, fmt.Sprintf("... and %d more", len(ps)-show))
			break
		}
		lines = append(lines, p.String())
	}
	return badInput("the bundle has %d problem(s): %s", len(ps), strings.Join(lines, "; "))
}

// importPlan is a bundle turned into the rows its write queries take.
type importPlan struct {
	sources   []map[string]any            // {id, props}
	entities  map[string][]map[string]any // label -> {id, props}
	relations map[string][]map[string]any // type -> {from, to, props}
}

func planImport(b *kg.Bundle) (*importPlan, error) {
	p := &importPlan{entities: map[string][]map[string]any{}, relations: map[string][]map[string]any{}}
	for i := range b.Sources {
		src := &b.Sources[i]
		p.sources = append(p.sources, map[string]any{"id": src.ID, "props": sourceProps(src)})
	}
	for i := range b.Entities {
		e := &b.Entities[i]
		props, err := entityProps(e)
		if err != nil {
			return nil, err
		}
		l := e.Kind.Label()
		p.entities[l] = append(p.entities[l], map[string]any{"id": e.ID, "props": props})
	}
	for i := range b.Relations {
		r := &b.Relations[i]
		props, err := relationProps(r)
		if err != nil {
			return nil, err
		}
		// Validate has checked r.Type against kg.RelationSpecs, so it is safe as a Cypher type.
		p.relations[r.Type] = append(p.relations[r.Type], map[string]any{"from": r.From, "to": r.To, "props": props})
	}
	return p, nil
}

// batchSize bounds the rows one UNWIND statement carries.
const batchSize = 1000

// run executes the plan inside tx: it reads what is stored for every item, sorts the items into
// created, updated and unchanged, and writes the first two kinds.
func (p *importPlan) run(ctx context.Context, tx neo4j.ManagedTransaction) (kg.ImportStats, error) {
	var stats kg.ImportStats
	existing, err := p.existing(ctx, tx)
	if err != nil {
		return stats, err
	}
	classify := func(key string, props map[string]any) bool {
		old, found := existing[key]
		switch {
		case !found:
			stats.Created++
		case samePropsMap(old, props):
			stats.Unchanged++
			return false
		default:
			stats.Updated++
		}
		return true
	}

	var srcRows []map[string]any
	for _, row := range p.sources {
		if classify("S\x00"+row["id"].(string), row["props"].(map[string]any)) {
			srcRows = append(srcRows, row)
		}
	}
	if err := runBatches(ctx, tx, `
		UNWIND $rows AS row
		MERGE (n:Source {id: row.id})
		SET n = row.props`, srcRows); err != nil {
		return stats, err
	}
	for _, label := range sortedKeys(p.entities) {
		var rows []map[string]any
		for _, row := range p.entities[label] {
			if classify("E\x00"+row["id"].(string), row["props"].(map[string]any)) {
				rows = append(rows, row)
			}
		}
		// label comes from kg.Kind.Label of a kind Validate accepted.
		if err := runBatches(ctx, tx, `
			UNWIND $rows AS row
			MERGE (n:Entity:`+label+` {id: row.id})
			SET n = row.props`, rows); err != nil {
			return stats, err
		}
	}
	for _, typ := range sortedKeys(p.relations) {
		var rows []map[string]any
		for _, row := range p.relations[typ] {
			if classify(relKey(typ, row["from"].(string), row["to"].(string)), row["props"].(map[string]any)) {
				rows = append(rows, row)
			}
		}
		if err := runBatches(ctx, tx, `
			UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			MERGE (a)-[r:`+typ+`]->(b)
			SET r = row.props`, rows); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// existing returns the stored properties of every item of the plan that exists, keyed as run's
// classify keys them, in one query.
func (p *importPlan) existing(ctx context.Context, tx neo4j.ManagedTransaction) (map[string]map[string]any, error) {
	var srcIDs, entIDs []string
	for _, row := range p.sources {
		srcIDs = append(srcIDs, row["id"].(string))
	}
	for _, rows := range p.entities {
		for _, row := range rows {
			entIDs = append(entIDs, row["id"].(string))
		}
	}
	var rels []map[string]any
	for typ, rows := range p.relations {
		for _, row := range rows {
			rels = append(rels, map[string]any{"type": typ, "from": row["from"], "to": row["to"]})
		}
	}
	res, err := tx.Run(ctx, `
		CALL () {
			UNWIND $sources AS id
			MATCH (n:Source {id: id})
			RETURN collect(n {.*}) AS sources
		}
		CALL () {
			UNWIND $entities AS id
			MATCH (n:Entity {id: id})
			RETURN collect(n {.*}) AS entities
		}
		CALL () {
			UNWIND $relations AS rel
			MATCH (:Entity {id: rel.from})-[r]->(:Entity {id: rel.to})
			WHERE type(r) = rel.type
			RETURN collect([type(r), rel.from, rel.to, r {.*}]) AS relations
		}
		RETURN sources, entities, relations`,
		map[string]any{"sources": srcIDs, "entities": entIDs, "relations": rels})
	if err != nil {
		return nil, err
	}
	rec, err := res.Single(ctx)
	if err != nil {
		return nil, err
	}
	out := map[string]map[string]any{}
	for _, v := range rec.Values[0].([]any) {
		m := v.(map[string]any)
		out["S\x00"+m["id"].(string)] = m
	}
	for _, v := range rec.Values[1].([]any) {
		m := v.(map[string]any)
		out["E\x00"+m["id"].(string)] = m
	}
	for _, v := range rec.Values[2].([]any) {
		cols := v.([]any)
		out[relKey(cols[0].(string), cols[1].(string), cols[2].(string))] = cols[3].(map[string]any)
	}
	return out, nil
}

func relKey(typ, from, to string) string { return "R\x00" + typ + "\x00" + from + "\x00" + to }

func runBatches(ctx context.Context, tx neo4j.ManagedTransaction, cypher string, rows []map[string]any) error {
	for start := 0; start < len(rows); start += batchSize {
		end := min(start+batchSize, len(rows))
		res, err := tx.Run(ctx, cypher, map[string]any{"rows": rows[start:end]})
		if err != nil {
			return err
		}
		if _, err := res.Consume(ctx); err != nil {
			return err
		}
	}
	return nil
}

// samePropsMap reports whether the stored properties old equal the incoming props. Both have the
// driver's value forms (entityProps and friends build them so), but a stored integral float and
// an int64 are told apart, as Neo4j does.
func samePropsMap(old, props map[string]any) bool {
	return reflect.DeepEqual(old, props)
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
