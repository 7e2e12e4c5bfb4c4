package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/diplograph/diplograph/internal/kg"
)

// RequestIDFunc returns the request id of ctx, for log lines and INTERNAL error messages.
type RequestIDFunc func(ctx context.Context) string

// ErrorPresenter returns a gqlgen error presenter that gives every error an extensions.code and a
// message a person can act on (and, for invalid input with several parts, extensions.problems:
// each problem's path and message). Coded domain errors keep their message; anything uncoded becomes
// INTERNAL with the request id, and its detail goes to log only, never to the client.
func ErrorPresenter(log *slog.Logger, requestID RequestIDFunc) graphql.ErrorPresenterFunc {
	return func(ctx context.Context, err error) *gqlerror.Error {
		var gerr *gqlerror.Error
		if errors.As(err, &gerr) && gerr.Err == nil {
			// Parse and validation errors from gqlgen: already coded and safe to show.
			if gerr.Extensions == nil || gerr.Extensions["code"] == nil {
				gerr.Extensions = withCode(gerr.Extensions, kg.CodeBadUserInput)
			}
			return gerr
		}
		// The detail is taken before the presented error is rewritten: gqlgen's error may be the
		// very value the presenter gets back and changes.
		detail := err.Error()
		pres := graphql.DefaultErrorPresenter(ctx, err)
		var kerr *kg.Error
		if errors.As(err, &kerr) {
			detail = kerr.Error()
			pres.Message = kerr.Message
			pres.Extensions = withCode(pres.Extensions, kerr.Code)
			for k, v := range kerr.Details {
				if k != "code" {
					pres.Extensions[k] = v
				}
			}
			if len(kerr.Problems) > 0 {
				// Where each problem is, so a client can point at the field.
				ps := make([]map[string]string, len(kerr.Problems))
				for i, p := range kerr.Problems {
					ps[i] = map[string]string{"path": p.Path, "message": p.Message}
				}
				pres.Extensions["problems"] = ps
			}
			if kerr.Err != nil || kerr.Code == kg.CodeInternal || kerr.Code == kg.CodeServiceUnavailable {
				log.LogAttrs(ctx, slog.LevelWarn, "request error",
					slog.String("request_id", requestID(ctx)), slog.String("code", kerr.Code),
					slog.String("path", pres.Path.String()), slog.String("error", detail))
			}
			return pres
		}
		id := requestID(ctx)
		log.LogAttrs(ctx, slog.LevelError, "internal error",
			slog.String("request_id", id), slog.String("path", pres.Path.String()), slog.String("error", detail))
		pres.Message = fmt.Sprintf("Internal error (request id %s)", id)
		pres.Extensions = withCode(pres.Extensions, kg.CodeInternal)
		return pres
	}
}

// Recover turns a panic in a resolver into an INTERNAL error, logging the panic value and stack.
func Recover(log *slog.Logger, requestID RequestIDFunc) graphql.RecoverFunc {
	return func(ctx context.Context, p any) error {
		log.LogAttrs(ctx, slog.LevelError, "panic in resolver",
			slog.String("request_id", requestID(ctx)), slog.String("panic", fmt.Sprint(p)),
			slog.String("stack", string(debug.Stack())))
		return kg.Errorf(kg.CodeInternal, "Internal error (request id %s)", requestID(ctx))
	}
}

func withCode(ext map[string]any, code string) map[string]any {
	if ext == nil {
		ext = map[string]any{}
	}
	ext["code"] = code
	return ext
}
