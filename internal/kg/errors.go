package kg

import (
	"errors"
	"fmt"
)

// Error codes a client may see in a GraphQL error's extensions.code. Anything that is not a *Error
// reaches clients as INTERNAL, with its detail only in the log.
const (
	CodeBadUserInput       = "BAD_USER_INPUT"
	CodeNotFound           = "NOT_FOUND"
	CodeUnauthenticated    = "UNAUTHENTICATED"
	CodeForbidden          = "FORBIDDEN"
	CodeCostLimit          = "COST_LIMIT"
	CodeConflict           = "CONFLICT"
	CodeServiceUnavailable = "SERVICE_UNAVAILABLE"
	CodeTimeout            = "TIMEOUT"
	CodeInternal           = "INTERNAL"
)

// Error is an error with a code a client can act on and a message safe to show them.
type Error struct {
	Code    string
	Message string
	// Details are client-safe facts about the error that a program can use (e.g. the line and
	// column of a Cypher syntax error); they join the code in a GraphQL error's extensions.
	Details map[string]any
	// Err is the underlying cause, for the log only; it is never shown to clients.
	Err error
	// Problems locates what is wrong with a write's input, when the input has several parts.
	Problems []Problem
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns a coded error whose message is formatted from format and args.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns a coded error with a client-safe message that keeps cause for the log.
func Wrap(code, message string, cause error) *Error {
	return &Error{Code: code, Message: message, Err: cause}
}

// ErrorCode returns the code of the first *Error in err's chain, or CodeInternal if there is none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// ErrorMessage returns the client-safe message of the first *Error in err's chain, or
// "Internal error" if there is none, so driver text and paths never reach a client.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error"
}
