package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/metrics"
)

// RequestIDHeader carries the request id in responses (and is honoured in requests when sane).
const RequestIDHeader = "X-Request-Id"

type ctxKey struct{}

// RequestID returns the id of the request ctx belongs to, or "" outside a request.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !saneID(id) {
			var b [8]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, id)))
	})
}

// saneID accepts client-chosen request ids only when short and plain, so logs stay clean.
func saneID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// requestInfo collects what the access log and the metrics report about one request, filled in by
// the handlers deeper in the chain.
type requestInfo struct {
	mu        sync.Mutex
	graphql   bool     // the request reached /graphql
	operation string   // the GraphQL operation name, "" when anonymous or unknown
	codes     []string // extensions.code of every error in the response
}

type infoKey struct{}

func infoFrom(ctx context.Context) *requestInfo {
	ri, _ := ctx.Value(infoKey{}).(*requestInfo)
	return ri
}

func markGraphQL(ctx context.Context) {
	if ri := infoFrom(ctx); ri != nil {
		ri.mu.Lock()
		ri.graphql = true
		ri.mu.Unlock()
	}
}

func setOperation(ctx context.Context, name string) {
	if ri := infoFrom(ctx); ri != nil && name != "" {
		ri.mu.Lock()
		ri.operation = name
		ri.mu.Unlock()
	}
}

func noteErrors(ctx context.Context, codes ...string) {
	if ri := infoFrom(ctx); ri != nil {
		ri.mu.Lock()
		ri.codes = append(ri.codes, codes...)
		ri.mu.Unlock()
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// accessLog writes one log line per request (with its request id and, for GraphQL, its operation
// name and error codes) and records the request metrics.
func accessLog(log *slog.Logger, m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &requestInfo{}
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), infoKey{}, ri)))
		d := time.Since(start)

		ri.mu.Lock()
		defer ri.mu.Unlock()
		attrs := []slog.Attr{
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("duration", d),
		}
		if ri.graphql {
			attrs = append(attrs, slog.String("operation", ri.operation))
			m.ObserveRequest(ri.operation, len(ri.codes) == 0, d)
		}
		if len(ri.codes) > 0 {
			attrs = append(attrs, slog.String("errors", strings.Join(ri.codes, ",")))
		}
		for _, c := range ri.codes {
			m.ObserveError(c)
		}
		log.LogAttrs(r.Context(), slog.LevelInfo, "request", attrs...)
	})
}

// recoverPanics turns a panic in a handler into 500 INTERNAL with the request id, logging the panic
// and its stack; the client sees neither.
func recoverPanics(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			id := RequestID(r.Context())
			log.LogAttrs(r.Context(), slog.LevelError, "panic in handler",
				slog.String("request_id", id), slog.String("panic", fmt.Sprint(p)), slog.String("stack", string(debug.Stack())))
			if sw.status != 0 {
				noteErrors(r.Context(), kg.CodeInternal)
				return // the response has begun; all that can be done is end it
			}
			writeError(sw, r, http.StatusInternalServerError, kg.CodeInternal, fmt.Sprintf("Internal error (request id %s)", id))
		}()
		next.ServeHTTP(sw, r)
	})
}

// limitBody refuses bodies over readMax (writeMax for editors and above) with 413 before anything
// reads them when the length is declared, and caps the reader otherwise. Editors' requests get
// writeTimeout to be read and answered, beyond the server's own timeouts.
func limitBody(readMax, writeMax int64, writeTimeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		limit := readMax
		if kg.Require(r.Context(), kg.RoleEditor) == nil {
			limit = writeMax
			// Not every ResponseWriter supports deadlines (httptest's does not); then the
			// server's timeouts simply stay.
			rc := http.NewResponseController(w)
			deadline := time.Now().Add(writeTimeout)
			_ = rc.SetReadDeadline(deadline)
			_ = rc.SetWriteDeadline(deadline)
		}
		if r.ContentLength > limit {
			writeError(w, r, http.StatusRequestEntityTooLarge, kg.CodeCostLimit, fmt.Sprintf("the request body is larger than the limit of %d bytes", limit))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
		next.ServeHTTP(w, r)
	})
}

// writeError answers a request refused before GraphQL runs, in the GraphQL response shape, as
// application/json.
func writeError(w http.ResponseWriter, r *http.Request, status int, code, message string) {
	writeErrorAs(w, r, mediaJSON, status, code, message)
}

// writeErrorAs is writeError with the response media type media.
func writeErrorAs(w http.ResponseWriter, r *http.Request, media string, status int, code, message string) {
	noteErrors(r.Context(), code)
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]any{"code": code}}}})
}
