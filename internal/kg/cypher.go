package kg

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// Error codes of ad hoc Cypher. A statement refused before it ran, or stopped while it ran,
// changed nothing.
const (
	// CodeCypherNotReadOnly: the statement would write (the planner, the read-only transaction or
	// the lexical check said so).
	CodeCypherNotReadOnly = "CYPHER_NOT_READ_ONLY"
	// CodeCypherForbidden: the statement uses something analysts may not run even read-only:
	// LOAD CSV, administration commands, procedures outside the allow-list, CALL ... IN
	// TRANSACTIONS, several statements in one request.
	CodeCypherForbidden = "CYPHER_FORBIDDEN"
	// CodeCypherTimeout: the statement ran longer than the configured Cypher timeout.
	CodeCypherTimeout = "CYPHER_TIMEOUT"
	// CodeCypherSyntax: the statement is not valid Cypher; the error carries the position.
	CodeCypherSyntax = "CYPHER_SYNTAX"
	// CodeCypherUnbounded: the statement loops inside one row (reduce, a huge or computed
	// range, an iteration inside another), where Neo4j neither checks the time limit nor counts
	// the memory, so nothing could stop it once it runs.
	CodeCypherUnbounded = "CYPHER_UNBOUNDED"
	// CodeCypherBusy: every analyst slot is taken by a statement Neo4j is still running (one
	// that timed out keeps its slot until Neo4j has stopped it); try again shortly.
	CodeCypherBusy = "CYPHER_BUSY"
	// CodeCypherUnsupported: the store cannot run Cypher (the embedded store).
	CodeCypherUnsupported = "CYPHER_UNSUPPORTED"
)

// Row limits of one Cypher request.
const (
	DefaultCypherLimit = 100
	MaxCypherLimit     = 10000
)

// CypherRunner runs analysts' ad hoc, read-only Cypher. The Neo4j store implements it; the
// embedded store does not (see CypherRunnerOf).
type CypherRunner interface {
	// Cypher runs the single read-only statement q.Text with q.Params as driver parameters and
	// returns at most q.Limit rows, with Truncated set when the statement had more. It refuses,
	// having changed nothing, anything that could write or administer the database: the error
	// codes are CodeCypherNotReadOnly, CodeCypherForbidden, CodeCypherUnbounded, CodeCypherBusy,
	// CodeCypherTimeout, CodeCypherSyntax, CodeCostLimit (the server's memory limit of one transaction) and CodeBadUserInput (a bad
	// limit or parameter, or a runtime error of the statement such as a division by zero).
	Cypher(ctx context.Context, q CypherQuery) (*CypherResult, error)
}

// CypherQuery is one ad hoc Cypher request.
type CypherQuery struct {
	Text   string
	Params map[string]any // JSON-like values; json.Number and int are accepted
	Limit  int            // rows at most, 1..MaxCypherLimit
}

// CypherResult is the answer to a CypherQuery. Each cell of Rows is a JSON-ready value: nil,
// bool, int64, float64, string (temporal values as ISO 8601 text, bytes as base64), []any,
// map[string]any, or a graph value: *Entity, *Source, *CypherNode, *Relation or *CypherPath.
type CypherResult struct {
	Columns   []string
	Rows      [][]any
	Truncated bool // the statement had more rows than Limit
	Elapsed   time.Duration
}

// CypherNode is a node that is neither an entity nor a source (for example the virtual nodes of
// db.schema.visualization()): its labels and properties.
type CypherNode struct {
	Labels     []string       `json:"labels"`
	Properties map[string]any `json:"properties"`
}

// CypherPath is a path: its nodes (*Entity, *Source or *CypherNode) and the relations between
// them, in path order.
type CypherPath struct {
	Nodes     []any       `json:"nodes"`
	Relations []*Relation `json:"relations"`
}

// Check returns q with its parameters normalized (integral JSON numbers become int64, others
// float64), or a CodeBadUserInput error for an empty statement or a limit outside
// 1..MaxCypherLimit.
func (q CypherQuery) Check() (CypherQuery, error) {
	if strings.TrimSpace(q.Text) == "" {
		return q, Errorf(CodeBadUserInput, "the Cypher query is empty")
	}
	if q.Limit < 1 || q.Limit > MaxCypherLimit {
		return q, Errorf(CodeBadUserInput, "limit must be between 1 and %d, not %d", MaxCypherLimit, q.Limit)
	}
	if q.Params != nil {
		q.Params = normalizeParam(q.Params).(map[string]any)
	}
	return q, nil
}

// CypherParams returns the parameters object v (a decoded JSON value, nil for none) as a map, or
// a CodeBadUserInput error if v is not a JSON object.
func CypherParams(v any) (map[string]any, error) {
	if v == nil {
		return nil, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, Errorf(CodeBadUserInput, "params must be a JSON object of parameter names and values, e.g. {\"name\": \"Rachel Poynter\"}")
	}
	return normalizeParam(m).(map[string]any), nil
}

// normalizeParam converts a decoded JSON value into driver parameter values: numbers become
// int64 when integral (so ids and counts stay exact) and float64 otherwise; nulls, empty lists
// and empty maps stay as they are.
func normalizeParam(v any) any {
	switch x := v.(type) {
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return i
		}
		f, _ := x.Float64()
		return f
	case int:
		return int64(x)
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = normalizeParam(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = normalizeParam(e)
		}
		return out
	}
	return v
}

// CypherRunnerOf returns the CypherRunner behind s, looking through wrappers that have an
// Unwrap() Store method (such as storetest.Counting), and false if there is none.
func CypherRunnerOf(s Store) (CypherRunner, bool) {
	for s != nil {
		if r, ok := s.(CypherRunner); ok {
			return r, true
		}
		u, ok := s.(interface{ Unwrap() Store })
		if !ok {
			break
		}
		s = u.Unwrap()
	}
	return nil, false
}

// ErrCypherUnsupported is what asking a store without Cypher for Cypher returns.
var ErrCypherUnsupported = Errorf(CodeCypherUnsupported,
	"ad hoc Cypher needs the Neo4j store and this server runs on the embedded store: "+
		"start it with NEO4J_URI set (e.g. NEO4J_URI=bolt://127.0.0.1:7687)")
