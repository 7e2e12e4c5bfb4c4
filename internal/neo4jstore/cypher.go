package neo4jstore

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
	"github.com/neo4j/neo4j-go-driver/v5/neo4j/dbtype"

	"github.com/diplograph/diplograph/internal/kg"
)

// Analysts' ad hoc Cypher is kept read-only by layers that each stop a write on their own:
//
//  1. the lexical guard (guard.go) refuses write clauses, administration commands, LOAD CSV,
//     CALL ... IN TRANSACTIONS, procedures outside an allow-list and several statements;
//  2. Neo4j's planner classifies the statement (EXPLAIN, which runs nothing) and anything but
//     read-only is refused;
//  3. the statement runs in a read transaction (access mode read, routed to readers), which
//     Neo4j itself refuses to let write, with a transaction timeout, under the server's memory
//     limit of one transaction (db.memory.transaction.max), and which is always rolled back.
//
// Parameters only ever travel as driver parameters.

// explainPrefix makes the planner classify the statement without running it. The line break
// keeps Neo4j's columns right; its line numbers and offsets are shifted back by syntaxError.
const explainPrefix = "EXPLAIN\n"

// cypherGrace is how long after the Cypher timeout the client gives up on a server that does not
// stop the transaction itself (a variable so that tests can shorten it).
var cypherGrace = 5 * time.Second

// maxFetch caps the records the driver asks for at a time, so no answer is buffered whole.
const maxFetch = 1000

// endsQuery finds the ids of the entity and source nodes with the given element ids, to name the
// ends of the relationships an ad hoc statement returned.
const endsQuery = `
UNWIND $elementIds AS elementId
MATCH (n)
WHERE elementId(n) = elementId AND (n:Entity OR n:Source)
RETURN elementId, n.id AS id`

// cypherLayers selects the layers a call uses. Cypher uses them all; tests switch some off to
// show that each of the others alone stops a write.
type cypherLayers struct {
	lexical bool // the lexical guard
	planner bool // EXPLAIN and the statement type
}

// Cypher runs one analyst's read-only statement; see kg.CypherRunner. It is one transaction:
// EXPLAIN, the statement itself, and (when it returned relationships) one lookup of their ends.
// Records are pulled at most q.Limit+1 at a time and reading stops after q.Limit+1.
func (s *Store) Cypher(ctx context.Context, q kg.CypherQuery) (*kg.CypherResult, error) {
	return s.cypher(ctx, q, cypherLayers{lexical: true, planner: true})
}

func (s *Store) cypher(ctx context.Context, q kg.CypherQuery, layers cypherLayers) (_ *kg.CypherResult, err error) {
	if err := s.usable(); err != nil {
		return nil, err
	}
	q, err = q.Check()
	if err != nil {
		return nil, err
	}
	if layers.lexical {
		if err := checkStatement(q.Text); err != nil {
			return nil, err
		}
	}
	if err := s.acquireSlot(ctx); err != nil {
		return nil, err
	}
	id := statementID()
	lingers := false // the statement may still run in Neo4j
	defer func() {
		if lingers {
			go s.releaseSlotWhenEnded(id)
		} else {
			s.releaseSlot()
		}
	}()
	start := time.Now()
	timeout := s.cfg.CypherTimeout
	ctx, cancel := context.WithTimeout(ctx, timeout+cypherGrace)
	defer cancel()
	// A statement that was sent and failed without Neo4j saying so (the client's deadline, a
	// canceled request, a lost connection) may still run there.
	sent := false
	defer func() { lingers = sent && err != nil && (ctx.Err() != nil || unreachable(err)) }()

	s.roundTrips.Add(1)
	session := s.analyst.NewSession(ctx, neo4j.SessionConfig{
		DatabaseName: s.cfg.Database,
		AccessMode:   neo4j.AccessModeRead,
		FetchSize:    min(q.Limit+1, maxFetch),
	})
	defer s.closeSession(ctx, session)
	tx, err := session.BeginTransaction(ctx, neo4j.WithTxTimeout(timeout),
		neo4j.WithTxMetadata(map[string]any{"app": "diplograph", "purpose": "ad hoc cypher", "statement": id}))
	if err != nil {
		return nil, s.cypherError(ctx, err, 0)
	}
	// Nothing an ad hoc statement does is ever committed.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), cypherGrace)
		defer cancel()
		_ = tx.Rollback(rctx)
	}()

	if layers.planner {
		res, err := tx.Run(ctx, explainPrefix+q.Text, q.Params)
		var sum neo4j.ResultSummary
		if err == nil {
			sum, err = res.Consume(ctx)
		}
		if err != nil {
			return nil, s.cypherError(ctx, err, len(explainPrefix))
		}
		if t := sum.StatementType(); t != neo4j.StatementTypeReadOnly {
			return nil, kg.Errorf(kg.CodeCypherNotReadOnly,
				"Neo4j's planner classifies the statement as %s; only read-only statements may run", statementKind(t))
		}
	}

	sent = true
	res, err := tx.Run(ctx, q.Text, q.Params)
	if err != nil {
		return nil, s.cypherError(ctx, err, 0)
	}
	keys, err := res.Keys()
	if err != nil {
		return nil, s.cypherError(ctx, err, 0)
	}
	out := &kg.CypherResult{Columns: keys, Rows: [][]any{}}
	conv := newConverter()
	size := 0 // of the rows read so far, as recordSize estimates it
	for res.Next(ctx) {
		if len(out.Rows) == q.Limit {
			out.Truncated = true
			break
		}
		rec := res.Record()
		if size += recordSize(rec.Values); size > maxAnswerBytes {
			return nil, answerTooLarge()
		}
		row := make([]any, len(rec.Values))
		for i, v := range rec.Values {
			row[i] = conv.value(v)
		}
		out.Rows = append(out.Rows, row)
	}
	if err := res.Err(); err != nil {
		return nil, s.cypherError(ctx, err, 0)
	}
	if conv.d.err != nil {
		return nil, s.mapError(ctx, "cypher", conv.d.err)
	}
	if err := conv.resolveEnds(ctx, tx); err != nil {
		return nil, s.cypherError(ctx, err, 0)
	}
	out.Elapsed = time.Since(start)
	return out, nil
}

func statementKind(t neo4j.StatementType) string {
	switch t {
	case neo4j.StatementTypeReadWrite:
		return "read-write"
	case neo4j.StatementTypeWriteOnly:
		return "write-only"
	case neo4j.StatementTypeSchemaWrite:
		return "a schema or administration command"
	}
	return "of unknown type"
}

// Neo4j status codes of ad hoc statements.
const (
	codeAccessMode      = "Neo.ClientError.Statement.AccessMode"
	codeSyntaxError     = "Neo.ClientError.Statement.SyntaxError"
	codeSemanticError   = "Neo.ClientError.Statement.SemanticError"
	codeMemoryLimit     = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
	codeSecurityForbids = "Neo.ClientError.Security.Forbidden"
	// codeExecutionFailed is how Neo4j classifies some errors of the statement itself, such as a
	// shortestPath whose ends are the same node.
	codeExecutionFailed = "Neo.DatabaseError.Statement.ExecutionFailed"
)

// cypherError maps a failure of an ad hoc statement to a coded error: timeouts to
// CodeCypherTimeout, writes refused by the read transaction to CodeCypherNotReadOnly, the memory
// limit to CodeCostLimit, syntax and semantic errors to CodeCypherSyntax with their position
// (shift is the length of a prefix put before the analyst's text), other errors in the statement
// to CodeBadUserInput with Neo4j's explanation, and the rest as mapError does.
func (s *Store) cypherError(ctx context.Context, err error, shift int) error {
	timedOut := kg.Wrap(kg.CodeCypherTimeout, fmt.Sprintf(
		"the query ran longer than the Cypher time limit of %s (DIPLOGRAPH_CYPHER_TIMEOUT) and was stopped: "+
			"narrow it, e.g. with LIMIT, a bounded path length such as [*..4], or fewer unconnected patterns",
		s.cfg.CypherTimeout), err)
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return timedOut
	}
	for _, e := range causes(err) {
		var nerr *neo4j.Neo4jError
		if !errors.As(e, &nerr) {
			continue
		}
		switch {
		case nerr.Code == codeTxTimedOut || nerr.Code == codeTxTimedOutClientCfg ||
			(nerr.Code == codeTxTerminated && strings.Contains(strings.ToLower(nerr.Msg), "timed out")):
			return timedOut
		case nerr.Code == codeMemoryLimit,
			nerr.Code == codeExecutionFailed && strings.Contains(nerr.Msg, "OutOfMemoryError"):
			return kg.Wrap(kg.CodeCostLimit,
				"the query needed more memory than Neo4j allows one transaction (db.memory.transaction.max) and was stopped: "+
					"aggregate earlier or add LIMIT", err)
		case nerr.Code == codeAccessMode:
			return kg.Wrap(kg.CodeCypherNotReadOnly,
				"the statement tried to write, and only read queries may run", err)
		case nerr.Code == codeSecurityForbids:
			return kg.Wrap(kg.CodeCypherForbidden, "Neo4j forbids this statement to analysts", err)
		case nerr.Code == codeSyntaxError || nerr.Code == codeSemanticError:
			return syntaxError(nerr, shift)
		case strings.HasPrefix(nerr.Code, "Neo.ClientError.Statement.") ||
			nerr.Code == codeExecutionFailed ||
			strings.HasPrefix(nerr.Code, "Neo.ClientError.Procedure.") ||
			strings.HasPrefix(nerr.Code, "Neo.ClientError.Schema."):
			return kg.Wrap(kg.CodeBadUserInput, "Neo4j could not run the query: "+neo4jMessage(nerr.Msg), err)
		}
	}
	return s.mapError(ctx, "cypher", err)
}

// positionSuffix is how Neo4j ends a message that has a position.
var positionSuffix = regexp.MustCompile(`\s*\(line (\d+), column (\d+) \(offset: (\d+)\)\)\s*$`)

// javaCause is how Neo4j names the Java exception behind a procedure's failure.
var javaCause = regexp.MustCompile(`Caused by: [\w.$]+(Exception|Error): `)

// neo4jMessage returns the first line of a Neo4j error message without its position and Java
// class names: the lines after it echo the statement (with our EXPLAIN prefix) and point at it.
func neo4jMessage(msg string) string {
	msg, _, _ = strings.Cut(msg, "\n")
	msg = javaCause.ReplaceAllString(msg, "")
	return strings.TrimSpace(positionSuffix.ReplaceAllString(msg, ""))
}

// syntaxError returns a CodeCypherSyntax error with Neo4j's explanation and position, moved back
// by a prefix of shift bytes (and one line) that the analyst did not write.
func syntaxError(nerr *neo4j.Neo4jError, shift int) error {
	e := &kg.Error{Code: kg.CodeCypherSyntax, Message: "the query is not valid Cypher: " + neo4jMessage(nerr.Msg), Err: nerr}
	line, col, off, ok := errorPosition(nerr)
	if ok && shift > 0 {
		line, off = line-1, off-shift
	}
	if ok && line >= 1 && col >= 1 && off >= 0 {
		e.Message += fmt.Sprintf(" (line %d, column %d)", line, col)
		e.Details = map[string]any{"line": line, "column": col, "offset": off}
	}
	return e
}

// errorPosition reads the position of a Neo4j error from its GQL diagnostic record or, failing
// that, from its message.
func errorPosition(nerr *neo4j.Neo4jError) (line, col, off int, ok bool) {
	if p, isMap := nerr.GqlDiagnosticRecord["_position"].(map[string]any); isMap {
		l, lok := p["line"].(int64)
		c, cok := p["column"].(int64)
		o, ook := p["offset"].(int64)
		if lok && cok && ook {
			return int(l), int(c), int(o), true
		}
	}
	first, _, _ := strings.Cut(nerr.Msg, "\n")
	m := positionSuffix.FindStringSubmatch(first)
	if m == nil {
		return 0, 0, 0, false
	}
	line, _ = strconv.Atoi(m[1])
	col, _ = strconv.Atoi(m[2])
	off, _ = strconv.Atoi(m[3])
	return line, col, off, true
}

// converter turns driver values into the JSON-ready values of kg.CypherResult, remembering the
// relations whose ends it has yet to name.
type converter struct {
	ids     map[string]string // element id -> id, of the entity and source nodes seen
	pending []pendingEnds
	d       decoder // the first entity or source node it could not read
}

type pendingEnds struct {
	rel        *kg.Relation
	start, end string // element ids
}

func newConverter() *converter { return &converter{ids: map[string]string{}} }

// value converts one driver value: graph values to kg types, temporal values to ISO 8601 text,
// bytes to base64, points to {srid, x, y[, z]}, lists and maps element by element.
func (c *converter) value(v any) any {
	switch x := v.(type) {
	case nil, bool, int64, float64, string:
		return x
	case []byte:
		return base64.StdEncoding.EncodeToString(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = c.value(x[i])
		}
		return out
	case map[string]any:
		return c.props(x)
	case dbtype.Node:
		return c.node(x)
	case dbtype.Relationship:
		return c.relation(x)
	case dbtype.Path:
		p := &kg.CypherPath{Nodes: make([]any, len(x.Nodes)), Relations: make([]*kg.Relation, len(x.Relationships))}
		for i, n := range x.Nodes {
			p.Nodes[i] = c.node(n)
		}
		for i, r := range x.Relationships {
			p.Relations[i] = c.relation(r)
		}
		return p
	case dbtype.Date:
		return time.Time(x).Format("2006-01-02")
	case dbtype.LocalTime:
		return time.Time(x).Format("15:04:05.999999999")
	case dbtype.LocalDateTime:
		return time.Time(x).Format("2006-01-02T15:04:05.999999999")
	case dbtype.Time:
		return time.Time(x).Format("15:04:05.999999999Z07:00")
	case time.Time:
		return x.Format(time.RFC3339Nano)
	case dbtype.Duration:
		return isoDuration(x)
	case dbtype.Point2D:
		return map[string]any{"srid": int64(x.SpatialRefId), "x": x.X, "y": x.Y}
	case dbtype.Point3D:
		return map[string]any{"srid": int64(x.SpatialRefId), "x": x.X, "y": x.Y, "z": x.Z}
	}
	return fmt.Sprint(v)
}

func (c *converter) props(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = c.value(v)
	}
	return out
}

// node converts an entity node to *kg.Entity, a source node to *kg.Source, and any other node
// (without our labels or id) to *kg.CypherNode.
func (c *converter) node(n dbtype.Node) any {
	props := c.props(n.Props)
	r := row{d: &c.d, name: "node " + n.ElementId, m: props}
	id, _ := props[keyID].(string) // nodes not written by the store may have any id, or none
	switch {
	case id != "" && slices.Contains(n.Labels, "Entity"):
		c.ids[n.ElementId] = id
		e := entityOf(r)
		if e.Citations == nil {
			e.Citations = []kg.Citation{} // JSON [] as in the rest of the API, not null
		}
		return e
	case id != "" && slices.Contains(n.Labels, "Source"):
		c.ids[n.ElementId] = id
		return sourceOf(r)
	}
	labels := n.Labels
	if labels == nil {
		labels = []string{}
	}
	return &kg.CypherNode{Labels: labels, Properties: props}
}

// relation converts a relationship to a *kg.Relation whose ends resolveEnds names later.
func (c *converter) relation(r dbtype.Relationship) *kg.Relation {
	props := row{d: &c.d, name: "relationship " + r.ElementId, m: c.props(r.Props)}
	rel := &kg.Relation{Type: r.Type, Citations: citationsOf(props), Properties: propertiesOf(props)}
	if rel.Citations == nil {
		rel.Citations = []kg.Citation{}
	}
	c.pending = append(c.pending, pendingEnds{rel: rel, start: r.StartElementId, end: r.EndElementId})
	return rel
}

// resolveEnds names the From and To of every converted relation: by the nodes the statement
// returned, and by one lookup in tx for the others. An end that is neither an entity nor a
// source stays "".
func (c *converter) resolveEnds(ctx context.Context, tx neo4j.ExplicitTransaction) error {
	var missing []any
	seen := map[string]bool{}
	for _, p := range c.pending {
		for _, eid := range []string{p.start, p.end} {
			if _, ok := c.ids[eid]; !ok && !seen[eid] {
				seen[eid] = true
				missing = append(missing, eid)
			}
		}
	}
	if len(missing) > 0 {
		res, err := tx.Run(ctx, endsQuery, map[string]any{"elementIds": missing})
		if err != nil {
			return err
		}
		for res.Next(ctx) {
			r := c.d.record(res.Record())
			c.ids[need[string](r, "elementId")] = need[string](r, "id")
		}
		if err := res.Err(); err != nil {
			return err
		}
		if c.d.err != nil {
			return c.d.err
		}
	}
	for _, p := range c.pending {
		p.rel.From, p.rel.To = c.ids[p.start], c.ids[p.end]
	}
	return nil
}

// isoDuration writes d as Neo4j does (ISO 8601, e.g. P1Y2M3DT4H5M6.5S, PT0S for nothing):
// months as years and months, days, and seconds as hours, minutes and seconds.
func isoDuration(d dbtype.Duration) string {
	var b strings.Builder
	b.WriteString("P")
	if y := d.Months / 12; y != 0 {
		fmt.Fprintf(&b, "%dY", y)
	}
	if m := d.Months % 12; m != 0 {
		fmt.Fprintf(&b, "%dM", m)
	}
	if d.Days != 0 {
		fmt.Fprintf(&b, "%dD", d.Days)
	}
	if d.Seconds != 0 || d.Nanos != 0 || b.Len() == 1 {
		b.WriteString("T")
		secs, nanos, neg := d.Seconds, d.Nanos, false
		if secs < 0 && nanos > 0 { // -0.5s arrives as -1s + 500000000ns
			secs, nanos, neg = secs+1, int(time.Second)-nanos, true
		}
		h, m, sec := secs/3600, secs%3600/60, secs%60
		if h != 0 {
			fmt.Fprintf(&b, "%dH", h)
		}
		if m != 0 {
			fmt.Fprintf(&b, "%dM", m)
		}
		if sec != 0 || nanos != 0 || (h == 0 && m == 0) {
			if neg && sec == 0 {
				b.WriteString("-")
			}
			b.WriteString(strconv.FormatInt(sec, 10))
			if nanos != 0 {
				b.WriteString(strings.TrimRight(fmt.Sprintf(".%09d", nanos), "0"))
			}
			b.WriteString("S")
		}
	}
	return b.String()
}
