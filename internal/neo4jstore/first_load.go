package neo4jstore

import (
	"context"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// DefaultBulkLoadItems is BulkLoad's default number of items per transaction.
const DefaultBulkLoadItems = 10_000

// BulkLoadOptions tunes BulkLoad. The zero value is the default.
type BulkLoadOptions struct {
	// ItemsPerTx bounds the items one transaction writes; DefaultBulkLoadItems when <= 0.
	ItemsPerTx int
	// Progress, when set, is called as each step of the load begins (Done 0) and after each of its
	// transactions, from the goroutine that called BulkLoad.
	Progress func(BulkProgress)
}

// BulkProgress says how far a bulk load is.
type BulkProgress struct {
	Step        string // "sources", "entities", "relations", then "indexes" (building the schema)
	Done, Total int    // items of Step written so far, and in all (0 and 0 for "indexes")
}

// bulkLoadIndexWait bounds, in seconds, the wait for the indexes BulkLoad creates after the data
// to come online: building the full-text indexes over a million entities takes minutes.
const bulkLoadIndexWait = 3600

// BulkLoad writes b into an empty database, several times faster than ImportInParts and without
// Import's one transaction, whose memory grows with the bundle: it is for the first load of a
// large graph (a benchmark's, or a new deployment's).
//
// It plans b as Import would against an empty store (kg.PlanImport: every problem Import reports
// is a CodeBadUserInput error, and nothing is written), checks that the database holds no node at
// all (else CodeConflict, and nothing is written), and writes exactly what one Import of b into
// the empty database would: the same labels and properties, one :Change for the whole import
// (seq 1, the actor of ctx) that every item names as createdIn, and the :ChangeLog at seq 1. It
// writes with UNWIND ... CREATE in transactions of at most opts.ItemsPerTx items: the change log
// first, then sources, entities and relations. It creates the schema itself (as EnsureSchema
// does): the id constraints it looks entities up by before the data, every other constraint and
// index after it, so that Neo4j builds them in one pass instead of updating them item by item,
// and it waits until they are online.
//
// Each transaction is all or nothing; the whole is not. A load that fails after its first
// transaction leaves a part of the graph, which a second BulkLoad refuses: empty the database
// (DeleteAll) and load again. No other writer should run meanwhile: the change log is not held
// locked between transactions.
func (s *Store) BulkLoad(ctx context.Context, b *kg.Bundle, opts BulkLoadOptions) (kg.ImportStats, error) {
	if opts.ItemsPerTx <= 0 {
		opts.ItemsPerTx = DefaultBulkLoadItems
	}
	if opts.Progress == nil {
		opts.Progress = func(BulkProgress) {}
	}
	plan, st, err := planBulkLoad(ctx, b, true)
	if err != nil {
		return st, err
	}
	l := &bulkLoad{s: s, plan: plan, perTx: opts.ItemsPerTx, progress: opts.Progress, words: map[string]struct{}{}}
	if st.Created == 0 {
		return st, nil // as Import: a write that changes nothing leaves no trace
	}
	for _, stmt := range schemaStatements() {
		if bulkLoadNeeds(stmt) {
			if err := s.schemaCommand(ctx, stmt); err != nil {
				return kg.ImportStats{}, err
			}
		}
	}
	if err := l.claim(ctx, kg.ImportSummary(st)); err != nil {
		return kg.ImportStats{}, err
	}
	if err := l.writeAll(ctx); err != nil {
		return kg.ImportStats{}, kg.Wrap(kg.ErrorCode(err), "the bulk load failed after writing part of the bundle, "+
			"so the database holds part of it: empty it and load again ("+kg.ErrorMessage(err)+")", err)
	}
	if err := l.writeWords(ctx, l.words); err != nil {
		return kg.ImportStats{}, kg.Wrap(kg.ErrorCode(err), "the bulk load failed after writing the bundle, before its search "+
			"words: empty the database and load again ("+kg.ErrorMessage(err)+")", err)
	}
	opts.Progress(BulkProgress{Step: "indexes"})
	for _, stmt := range schemaStatements() {
		if !bulkLoadNeeds(stmt) {
			if err := s.schemaCommand(ctx, stmt); err != nil {
				return kg.ImportStats{}, err
			}
		}
	}
	if err := s.schemaCommand(ctx, fmt.Sprintf("CALL db.awaitIndexes(%d)", bulkLoadIndexWait)); err != nil {
		return kg.ImportStats{}, err
	}
	return st, nil
}

// planBulkLoad plans b as Import would against an empty store and, when checkProps, checks every
// item's properties, for BulkLoad and WriteImportFiles: any problem is a CodeBadUserInput error.
// The properties are computed again item by item when written, so memory holds the bundle and a
// batch, not every item's properties; a writer that can undo what it wrote checks them then.
func planBulkLoad(ctx context.Context, b *kg.Bundle, checkProps bool) (*kg.Plan, kg.ImportStats, error) {
	var st kg.ImportStats
	if b == nil {
		return nil, st, badInput("no bundle to import")
	}
	plan, err := kg.PlanImport(ctx, b, emptySnapshot{})
	if err != nil {
		return nil, st, err
	}
	if len(plan.Problems) > 0 {
		return nil, st, kg.ProblemsError("the bundle", plan.Problems)
	}
	for _, w := range plan.Entities {
		if !checkProps {
			break
		}
		if _, err := entityProps(w.Entity, nil); err != nil {
			return nil, st, err
		}
	}
	for _, r := range plan.Relations {
		if !checkProps {
			break
		}
		if _, err := relationProps(r); err != nil {
			return nil, st, err
		}
	}
	st.Created = len(plan.Sources) + len(plan.Entities) + len(plan.Relations)
	return plan, st, nil
}

// bulkLoadNeeds reports whether the schema statement stmt must hold before BulkLoad writes: the
// uniqueness of entity and source ids (relations find their ends by id, through its index) and of
// the change log (two loads that both found the database empty cannot both create it).
func bulkLoadNeeds(stmt string) bool {
	for _, name := range []string{"entity_id ", "source_id ", "changelog_id "} {
		if strings.HasPrefix(stmt, "CREATE CONSTRAINT "+name) {
			return true
		}
	}
	return false
}

// emptySnapshot is the kg.Snapshot of an empty store.
type emptySnapshot struct{}

func (emptySnapshot) Sources(context.Context, []string) (map[string]*kg.Source, error) {
	return map[string]*kg.Source{}, nil
}

func (emptySnapshot) EntityKinds(context.Context, []string) (map[string]kg.Kind, error) {
	return map[string]kg.Kind{}, nil
}

func (emptySnapshot) MatchNames(context.Context, []kg.NameKey) (map[kg.NameKey][]string, error) {
	return map[kg.NameKey][]string{}, nil
}

func (emptySnapshot) Redirects(context.Context, []string) (map[string]string, error) {
	return nil, nil
}

func (emptySnapshot) Search(context.Context, kg.SearchQuery) ([]kg.SearchHit, error) { return nil, nil }

// bulkSeq is the seq of the one :Change a bulk load records, as the first import into an empty
// database gets.
const bulkSeq int64 = 1

// bulkLoad is one BulkLoad under way.
type bulkLoad struct {
	s        *Store
	plan     *kg.Plan
	perTx    int
	progress func(BulkProgress)
	words    map[string]struct{} // of the entities written; complete once batches returns
}

// claim checks, in the first transaction, that the database holds no node, and creates the
// change log and the import's :Change, as Import's lock and finish would.
func (l *bulkLoad) claim(ctx context.Context, summary string) error {
	change := map[string]any{"seq": bulkSeq, "at": kg.ChangeTime(timeNow()), "actor": kg.Actor(ctx),
		"action": kg.ActionImport, "summary": summary}
	_, err := l.s.writeWithin(ctx, l.s.cfg.ImportTimeout, func(tx neo4j.ManagedTransaction) (any, error) {
		res, err := tx.Run(ctx, `
			MATCH (n)
			RETURN count(n) AS nodes`, nil)
		if err != nil {
			return nil, err
		}
		rec, err := res.Single(ctx)
		if err != nil {
			return nil, err
		}
		var d decoder
		n := need[int64](d.record(rec), "nodes")
		if d.err != nil {
			return nil, d.err
		}
		if n > 0 {
			return nil, kg.Errorf(kg.CodeConflict, "the database is not empty (%d nodes): a bulk load is only "+
				"for an empty database; import into it instead, or empty it first", n)
		}
		res, err = tx.Run(ctx, `
			CREATE (:ChangeLog {id: 'changes', seq: $seq, lockedAt: datetime(), `+keyTitlesIndexed+`: true, `+keyWordsIndexed+`: true,
				`+keyLevelsIndexed+`: true})
			CREATE (c:Change)
			SET c = $change`, map[string]any{"seq": bulkSeq, "change": change})
		if err != nil {
			return nil, err
		}
		return res.Consume(ctx)
	})
	if err != nil {
		return l.s.mapError(ctx, "bulk load", err)
	}
	return nil
}

// bulkBatch is the rows of one transaction and the statement that writes them.
type bulkBatch struct {
	step   string
	cypher string
	rows   []map[string]any
}

// writeAll writes the plan's sources, entities and relations. The rows of the next transaction
// are built while the current one runs.
func (l *bulkLoad) writeAll(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan bulkBatch, 1)
	var built error // set before batches is closed
	go func() {
		defer close(batches)
		built = l.batches(func(b bulkBatch) bool {
			select {
			case batches <- b:
				return true
			case <-ctx.Done():
				return false
			}
		})
	}()
	totals := map[string]int{"sources": len(l.plan.Sources), "entities": len(l.plan.Entities), "relations": len(l.plan.Relations)}
	step, done := "", 0
	for b := range batches {
		for b.step != step {
			step, done = nextStep(step), 0
			l.progress(BulkProgress{Step: step, Total: totals[step]})
		}
		_, err := l.s.writeWithin(ctx, l.s.cfg.ImportTimeout, func(tx neo4j.ManagedTransaction) (any, error) {
			res, err := tx.Run(ctx, b.cypher, map[string]any{"rows": b.rows})
			if err != nil {
				return nil, err
			}
			return res.Consume(ctx)
		})
		if err != nil {
			return l.s.mapError(ctx, "bulk load", err)
		}
		done += len(b.rows)
		l.progress(BulkProgress{Step: step, Done: done, Total: totals[step]})
	}
	if built != nil {
		return built
	}
	for step != "relations" {
		step = nextStep(step)
		l.progress(BulkProgress{Step: step, Total: totals[step]})
	}
	return ctx.Err()
}

// nextStep returns the step of a bulk load after step.
func nextStep(step string) string {
	switch step {
	case "":
		return "sources"
	case "sources":
		return "entities"
	}
	return "relations"
}

// batches hands emit the plan's items, a transaction's worth at a time: sources, then entities by
// label, then relations by type, until emit returns false.
func (l *bulkLoad) batches(emit func(bulkBatch) bool) error {
	var rows []map[string]any
	step := "sources"
	flush := func(cypher string) bool {
		if len(rows) == 0 {
			return true
		}
		ok := emit(bulkBatch{step: step, cypher: cypher, rows: rows})
		rows = nil
		return ok
	}
	add := func(cypher string, row map[string]any) bool {
		rows = append(rows, row)
		return len(rows) < l.perTx || flush(cypher)
	}

	const sourceCypher = `
		UNWIND $rows AS props
		CREATE (n:Source)
		SET n = props`
	for _, src := range l.plan.Sources {
		props := sourceProps(src)
		props[keyCreatedIn] = bulkSeq
		if !add(sourceCypher, props) {
			return nil
		}
	}
	if !flush(sourceCypher) {
		return nil
	}

	step = "entities"
	apply := l.plan.ApplyOptions(false, nil) // an empty database: every source is in the bundle
	titles := bulkTitles(l.plan)
	byLabel := map[string][]*kg.EntityWrite{}
	for _, w := range l.plan.Entities {
		byLabel[w.Entity.Kind.Label()] = append(byLabel[w.Entity.Kind.Label()], w)
	}
	for _, label := range sortedKeys(byLabel) {
		// label comes from kg.Kind.Label of a kind the plan accepted.
		cypher := `
			UNWIND $rows AS props
			CREATE (n:Entity:` + label + `)
			SET n = props`
		for _, w := range byLabel[label] {
			next, _ := kg.ApplyEntity(nil, w, apply)
			props, err := entityProps(next, titles[next.ID])
			if err != nil {
				return err
			}
			searchWordsOf(l.words, props[keySearchKeys].([]any))
			props[keyCreatedIn] = bulkSeq
			if !add(cypher, props) {
				return nil
			}
		}
		if !flush(cypher) {
			return nil
		}
	}

	step = "relations"
	byType := map[string][]*kg.Relation{}
	for _, r := range l.plan.Relations {
		byType[r.Type] = append(byType[r.Type], r)
	}
	for _, typ := range sortedKeys(byType) {
		// typ is a key of kg.RelationSpecs: the plan checked it. The ends are found through the
		// entity_id constraint's index.
		cypher := `
			UNWIND $rows AS row
			MATCH (a:Entity {id: row.from})
			MATCH (b:Entity {id: row.to})
			CREATE (a)-[r:` + typ + `]->(b)
			SET r = row.props`
		for _, r := range byType[typ] {
			next, _ := kg.ApplyRelation(nil, r, apply)
			props, err := relationProps(next)
			if err != nil {
				return err
			}
			props[keyCreatedIn] = bulkSeq
			if !add(cypher, map[string]any{"from": next.From, "to": next.To, "props": props}) {
				return nil
			}
		}
		if !flush(cypher) {
			return nil
		}
	}
	return nil
}
