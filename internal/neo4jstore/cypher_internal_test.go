package neo4jstore

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestCypherError maps Neo4j failures the real server only gives under conditions a test cannot
// set up cheaply (the memory limit of a server configured without one, a forbidden procedure on
// Enterprise) and checks positions are moved back past the EXPLAIN prefix.
func TestCypherError(t *testing.T) {
	s := &Store{cfg: Config{CypherTimeout: 3 * time.Second}, uri: "bolt://example:7687"}
	shift := len(explainPrefix)
	tests := []struct {
		name    string
		err     error
		shift   int
		code    string
		message string
		details map[string]any
	}{
		{"memory limit", &neo4j.Neo4jError{Code: codeMemoryLimit, Msg: "The allocation of an extra 2.0 MiB would use more than the limit 256.0 MiB."},
			0, kg.CodeCostLimit, "db.memory.transaction.max", nil},
		{"transaction timeout", &neo4j.Neo4jError{Code: codeTxTimedOutClientCfg, Msg: "The transaction has been terminated."},
			0, kg.CodeCypherTimeout, "3s (DIPLOGRAPH_CYPHER_TIMEOUT)", nil},
		{"terminated on timeout", &neo4j.Neo4jError{Code: codeTxTerminated, Msg: "The transaction has timed out."},
			0, kg.CodeCypherTimeout, "time limit", nil},
		{"retries ended by a timeout", &neo4j.TransactionExecutionLimit{Cause: "timeout", Errors: []error{
			&neo4j.Neo4jError{Code: codeTxTimedOut, Msg: "timed out"}}}, 0, kg.CodeCypherTimeout, "time limit", nil},
		{"write in a read transaction", &neo4j.Neo4jError{Code: codeAccessMode, Msg: "Writing in read access mode not allowed."},
			0, kg.CodeCypherNotReadOnly, "only read queries", nil},
		{"forbidden by Neo4j", &neo4j.Neo4jError{Code: codeSecurityForbids, Msg: "Executing procedure is not allowed for user."},
			0, kg.CodeCypherForbidden, "forbids", nil},
		{"syntax error after the prefix, position in the message", &neo4j.Neo4jError{Code: codeSyntaxError,
			Msg: "Invalid input 'RETURN': expected ')' (line 3, column 5 (offset: 30))\n\"EXPLAIN\nMATCH (n\n    RETURN n\"\n    ^"},
			shift, kg.CodeCypherSyntax, "Invalid input 'RETURN': expected ')' (line 2, column 5)", map[string]any{"line": 2, "column": 5, "offset": 22}},
		{"semantic error, position in the diagnostic record", &neo4j.Neo4jError{Code: codeSemanticError,
			Msg:                 "Variable `q` not defined (line 2, column 8 (offset: 15))\n\"EXPLAIN\nRETURN q\"",
			GqlDiagnosticRecord: map[string]any{"_position": map[string]any{"line": int64(2), "column": int64(8), "offset": int64(15)}}},
			shift, kg.CodeCypherSyntax, "Variable `q` not defined (line 1, column 8)", map[string]any{"line": 1, "column": 8, "offset": 7}},
		{"position on the prefix is dropped", &neo4j.Neo4jError{Code: codeSyntaxError,
			Msg: "Expected exactly one statement per query but got: 2 (line 0, column 0 (offset: 8))"},
			shift, kg.CodeCypherSyntax, "got: 2", nil},
		{"runtime error", &neo4j.Neo4jError{Code: "Neo.ClientError.Statement.ArithmeticError", Msg: "/ by zero"},
			0, kg.CodeBadUserInput, "Neo4j could not run the query: / by zero", nil},
		{"unknown index", &neo4j.Neo4jError{Code: "Neo.ClientError.Procedure.ProcedureCallFailed",
			Msg: "Failed to invoke procedure `db.index.fulltext.queryNodes`: Caused by: java.lang.IllegalArgumentException: There is no such fulltext schema index: x\n  at org.neo4j..."},
			0, kg.CodeBadUserInput, "queryNodes`: There is no such fulltext schema index: x", nil},
		{"server unavailable", &neo4j.ConnectivityError{Inner: errors.New("connection refused")},
			0, kg.CodeServiceUnavailable, "cannot reach Neo4j", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := s.cypherError(context.Background(), tc.err, tc.shift)
			var kerr *kg.Error
			if !errors.As(err, &kerr) || kerr.Code != tc.code || !strings.Contains(kerr.Message, tc.message) {
				t.Fatalf("cypherError(%v) = %v, want %s containing %q", tc.err, err, tc.code, tc.message)
			}
			if strings.Contains(kerr.Message, "\n") || strings.Contains(kerr.Message, "org.neo4j") || strings.Contains(kerr.Message, "java.") || strings.Contains(kerr.Message, "EXPLAIN") {
				t.Errorf("message %q shows more than the explanation", kerr.Message)
			}
			if len(kerr.Details) != len(tc.details) {
				t.Errorf("details = %v, want %v", kerr.Details, tc.details)
			}
			for k, v := range tc.details {
				if kerr.Details[k] != v {
					t.Errorf("details[%s] = %v, want %v", k, kerr.Details[k], v)
				}
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), -time.Second)
	defer cancel()
	if err := s.cypherError(ctx, errors.New("i/o timeout"), 0); kg.ErrorCode(err) != kg.CodeCypherTimeout {
		t.Errorf("cypherError after the deadline = %v, want %s", err, kg.CodeCypherTimeout)
	}
}
