// Package server is diplograph's HTTP surface: middleware (request id, body cap, CORS, recovery,
// access log), the GraphQL handler with its limits, the probes and the GraphiQL page.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/99designs/gqlgen/graphql/playground"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/diplograph/diplograph/graph"
	"github.com/diplograph/diplograph/internal/kg"
)

// Config holds the HTTP settings. The zero value is usable: no cross-origin access, 1 MiB bodies
// (256 MiB for editors, who import bundles).
type Config struct {
	// CORSOrigins lists the origins allowed to call the API from a browser ("*" for any).
	CORSOrigins []string
	// MaxBodyBytes caps request bodies; larger ones get 413. Default 1 MiB.
	MaxBodyBytes int64
	// MaxWriteBodyBytes caps the bodies of callers with role editor or above, whose importBundle
	// carries whole bundles. Default 256 MiB.
	MaxWriteBodyBytes int64
	// WriteRequestTimeout is how long a request of an editor or above may take to be read and
	// answered, overriding the http.Server's read and write timeouts: a large import takes
	// minutes. Default 1h.
	WriteRequestTimeout time.Duration
	// APIKeys grant roles to bearer tokens; without a key a caller is an anonymous reader.
	APIKeys []APIKey
}

// New returns the handler serving the API over store.
func New(cfg Config, store kg.Store, log *slog.Logger) http.Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.MaxWriteBodyBytes <= 0 {
		cfg.MaxWriteBodyBytes = 256 << 20
	}
	if cfg.WriteRequestTimeout <= 0 {
		cfg.WriteRequestTimeout = time.Hour
	}
	gql := handler.New(graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: store}}))
	gql.AddTransport(transport.Options{})
	gql.AddTransport(transport.GET{})
	gql.AddTransport(transport.POST{})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	gql.Use(extension.Introspection{})
	gql.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	gql.SetErrorPresenter(graph.ErrorPresenter(log, RequestID))
	gql.SetRecoverFunc(graph.Recover(log, RequestID))

	mux := http.NewServeMux()
	mux.Handle("/graphql", gql)
	mux.Handle("GET /graphiql", playground.Handler("diplograph GraphiQL", "/graphql"))
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/graphiql", http.StatusFound)
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if err := store.Ping(ctx); err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "not ready", slog.String("request_id", RequestID(ctx)), slog.String("error", err.Error()))
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("store unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})

	c := cors.New(cors.Options{
		AllowedOrigins: cfg.CORSOrigins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Authorization", "Accept"},
		ExposedHeaders: []string{RequestIDHeader},
		MaxAge:         600,
	})
	var h http.Handler = mux
	// The body cap depends on the caller's role, so authentication comes first.
	h = limitBody(cfg.MaxBodyBytes, cfg.MaxWriteBodyBytes, cfg.WriteRequestTimeout, h)
	h = authenticate(newKeyring(cfg.APIKeys), h)
	h = c.Handler(h)
	h = accessLog(log, h)
	h = withRequestID(h)
	return h
}

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

// limitBody refuses bodies over max (writeMax for editors and above) with 413 before anything
// reads them when the length is declared, and caps the reader otherwise. Editors' requests get
// writeTimeout to be read and answered, beyond the server's own timeouts.
func limitBody(readMax, writeMax int64, writeTimeout time.Duration, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		max := readMax
		if kg.Require(r.Context(), kg.RoleEditor) == nil {
			max = writeMax
			// Not every ResponseWriter supports deadlines (httptest's does not); then the
			// server's timeouts simply stay.
			rc := http.NewResponseController(w)
			deadline := time.Now().Add(writeTimeout)
			_ = rc.SetReadDeadline(deadline)
			_ = rc.SetWriteDeadline(deadline)
		}
		if r.ContentLength > max {
			writeError(w, http.StatusRequestEntityTooLarge, kg.CodeCostLimit, fmt.Sprintf("the request body is larger than the limit of %d bytes", max))
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, max)
		next.ServeHTTP(w, r)
	})
}

// writeError answers a request refused before GraphQL runs, in the GraphQL response shape.
func writeError(w http.ResponseWriter, status int, code, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"errors": []any{map[string]any{
		"message": message, "extensions": map[string]any{"code": code}}}})
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

func accessLog(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("request_id", RequestID(r.Context())),
			slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Int("bytes", sw.bytes),
			slog.Duration("duration", time.Since(start)))
	})
}
