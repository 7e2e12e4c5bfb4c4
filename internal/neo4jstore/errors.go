package neo4jstore

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"

	"github.com/diplograph/diplograph/internal/kg"
)

// Neo4j status codes the store maps to kg codes.
const (
	codeDatabaseNotFound    = "Neo.ClientError.Database.DatabaseNotFound"
	codeTxTimedOut          = "Neo.ClientError.Transaction.TransactionTimedOut"
	codeTxTimedOutClientCfg = "Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration"
	codeTxTerminated        = "Neo.ClientError.Transaction.Terminated"
	codeConstraintViolated  = "Neo.ClientError.Schema.ConstraintValidationFailed"
	codeTxMemoryExhausted   = "Neo.TransientError.General.MemoryPoolOutOfMemoryError"
)

// mapError is mapErrorAt for this store's server.
func (s *Store) mapError(ctx context.Context, op string, err error) error {
	return mapErrorAt(ctx, s.uri, op, err)
}

// mapError is mapErrorAt for an unnamed server.
func mapError(ctx context.Context, op string, err error) error {
	return mapErrorAt(ctx, "the configured URI", op, err)
}

// mapErrorAt turns a driver error of operation op against the server at uri into a *kg.Error:
// unreachable server, missing database and refused credentials become CodeServiceUnavailable; a
// query that ran out of time (the transaction timeout or ctx's deadline) becomes CodeTimeout;
// anything else is CodeInternal. The driver's message stays in the error chain for the log and
// never in Message. An error that already is a *kg.Error is returned as it is.
func mapErrorAt(ctx context.Context, uri, op string, err error) error {
	if err == nil {
		return nil
	}
	var kerr *kg.Error
	if errors.As(err, &kerr) {
		return err
	}
	if isRowError(err) {
		return kg.Wrap(kg.CodeInternal, "Neo4j answered in a shape the store cannot read ("+op+")", err)
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) || errors.Is(err, context.DeadlineExceeded) {
		return kg.Wrap(kg.CodeTimeout, "Neo4j did not answer in time ("+op+")", err)
	}
	if errors.Is(ctx.Err(), context.Canceled) {
		return kg.Wrap(kg.CodeInternal, "request canceled ("+op+")", err)
	}
	for _, e := range causes(err) {
		var nerr *neo4j.Neo4jError
		if errors.As(e, &nerr) {
			switch {
			case nerr.Code == codeTxTimedOut || nerr.Code == codeTxTimedOutClientCfg ||
				(nerr.Code == codeTxTerminated && strings.Contains(strings.ToLower(nerr.Msg), "timed out")):
				return kg.Wrap(kg.CodeTimeout, "the Neo4j query ran out of time ("+op+")", err)
			case nerr.Code == codeTxMemoryExhausted:
				// Transient by Neo4j's classification, but the same write would hit the same limit.
				return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
					"Neo4j at %s ran out of transaction memory (%s): nothing was written; import smaller bundles, "+
						"or give Neo4j more heap (dbms.memory.transaction.total.max)", uri, op), err)
			case nerr.Code == codeConstraintViolated:
				return kg.Wrap(kg.CodeConflict, fmt.Sprintf(
					"the write conflicts with data Neo4j already holds (%s): nothing was written", op), err)
			case nerr.Code == codeDatabaseNotFound:
				return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
					"Neo4j at %s has no such database (%s): check NEO4J_DATABASE", uri, op), err)
			case nerr.HasSecurityCode():
				return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
					"Neo4j at %s refused the credentials (%s): check NEO4J_USERNAME and NEO4J_PASSWORD", uri, op), err)
			case nerr.IsRetriableTransient():
				return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
					"Neo4j at %s is unavailable for now (%s); try again later", uri, op), err)
			}
		}
		var cerr *neo4j.ConnectivityError
		if errors.As(e, &cerr) {
			return kg.Wrap(kg.CodeServiceUnavailable, fmt.Sprintf(
				"cannot reach Neo4j at %s (%s): check that it is running and reachable", uri, op), err)
		}
	}
	return kg.Wrap(kg.CodeInternal, "Neo4j query failed ("+op+")", err)
}

// causes lists err and, for a retry limit that the driver reached, the errors of its attempts,
// last first (that driver error type does not implement Unwrap).
func causes(err error) []error {
	out := []error{err}
	var limit *neo4j.TransactionExecutionLimit
	if errors.As(err, &limit) {
		for i := len(limit.Errors) - 1; i >= 0; i-- {
			out = append(out, limit.Errors[i])
		}
	}
	return out
}

// badInput returns a CodeBadUserInput error with a formatted message.
func badInput(format string, args ...any) error {
	return kg.Errorf(kg.CodeBadUserInput, format, args...)
}
