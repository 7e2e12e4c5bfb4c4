// Package server is diplograph's HTTP surface: middleware (request id, access log and metrics,
// panic recovery, body cap, CORS, API keys), the GraphQL handler with its transport and cost limits,
// exports, the probes, the Prometheus metrics, and the explorer and GraphiQL pages (built into
// package web).
package server

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/rs/cors"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/diplograph/diplograph/graph"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/metrics"
	"github.com/diplograph/diplograph/web"
)

// Config holds the HTTP settings. The zero value is usable: same-origin browsers only, 1 MiB
// bodies (256 MiB for editors, who import bundles), the default Limits, introspection and field
// suggestions on, and metrics of its own.
type Config struct {
	// CORSOrigins lists the origins allowed to call the API from a browser ("*" for any). Empty
	// means none: only pages served from the API's own origin may call it.
	CORSOrigins []string
	// MaxBodyBytes caps request bodies; larger ones get 413 COST_LIMIT. Default 1 MiB.
	MaxBodyBytes int64
	// MaxWriteBodyBytes caps the bodies of callers with role editor or above, whose importBundle
	// carries whole bundles. Default 256 MiB.
	MaxWriteBodyBytes int64
	// WriteRequestTimeout is how long a request of an editor or above may take to be read and
	// answered, overriding the http.Server's read and write timeouts: a large import takes
	// minutes. Default 1h.
	WriteRequestTimeout time.Duration
	// ReadRequestTimeout is how long a GraphQL request of a caller below editor may run: then its
	// context ends, the store gives up and the client gets a coded TIMEOUT, before the
	// http.Server's write timeout would close the connection without an answer. Default
	// DefaultReadRequestTimeout.
	ReadRequestTimeout time.Duration
	// APIKeys grant roles to bearer tokens; without a key a caller is an anonymous reader.
	APIKeys []APIKey
	// Limits bound the cost of one operation; zero fields take their defaults.
	Limits Limits
	// DisableIntrospection refuses __schema and __type queries with FORBIDDEN.
	DisableIntrospection bool
	// DisableSuggestions drops the "Did you mean ...?" hints from validation errors, so that a
	// production server does not spell out its schema to someone probing it.
	DisableSuggestions bool
	// Metrics receives the request metrics and is served at /metrics; nil makes a private one.
	Metrics *metrics.Metrics
	// UI holds the built pages (index.html, graphiql.html, assets/); nil means the ones embedded
	// in the binary (web.Dist).
	UI fs.FS
	// ExploreTimeout limits each path search, neighborhood, common-connections and timeline
	// query, and each neighborhood export. Default DefaultExploreTimeout; negative: no limit but
	// the request's.
	ExploreTimeout time.Duration
	// MaxGraphExports bounds the exports of the whole graph that run at once; one more is refused
	// with 429 and Retry-After. Each reads every entity and relation of the store. Default 2.
	MaxGraphExports int
}

// DefaultReadRequestTimeout is Config.ReadRequestTimeout's default: 5 s inside the write timeout
// (60 s) that cmd/diplograph gives its http.Server, to write the answer.
const DefaultReadRequestTimeout = 55 * time.Second

// DefaultExploreTimeout is Config.ExploreTimeout's default.
const DefaultExploreTimeout = 10 * time.Second

// CORSMaxAge is how long, in seconds, browsers may cache a preflight answer.
const CORSMaxAge = 600

// New returns the handler serving the API over store.
func New(cfg Config, store kg.Store, log *slog.Logger) http.Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.Metrics == nil {
		cfg.Metrics = metrics.New()
	}
	limits := cfg.Limits.withDefaults()
	if cfg.ExploreTimeout == 0 {
		cfg.ExploreTimeout = DefaultExploreTimeout
	}
	if cfg.MaxWriteBodyBytes <= 0 {
		cfg.MaxWriteBodyBytes = 256 << 20
	}
	if cfg.WriteRequestTimeout <= 0 {
		cfg.WriteRequestTimeout = time.Hour
	}
	if cfg.ReadRequestTimeout <= 0 {
		cfg.ReadRequestTimeout = DefaultReadRequestTimeout
	}

	schema := graph.NewExecutableSchema(graph.Config{Resolvers: &graph.Resolver{Store: store, ExploreTimeout: cfg.ExploreTimeout}})
	gql := handler.New(schema)
	gql.AddTransport(httpTransport{maxTokens: limits.MaxTokens, maxErrors: limits.MaxErrors})
	gql.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	gql.SetDisableSuggestion(cfg.DisableSuggestions)
	if !cfg.DisableIntrospection {
		gql.Use(extension.Introspection{})
	}
	gql.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](100)})
	// After the persisted-query extension, so that the tokens of a persisted query are counted too.
	gql.Use(costLimits{limits: limits, introspection: !cfg.DisableIntrospection, checked: lru.New[struct{}](1000)})
	gql.Use(textBudget{max: int64(limits.MaxTextBytes)})
	// Relation fields run inline (no goroutine each); this tells them what the query selects.
	gql.AroundFields(graph.AttachLookahead)
	gql.SetErrorPresenter(graph.ErrorPresenter(log, RequestID))
	gql.SetRecoverFunc(graph.Recover(log, RequestID))

	mux := http.NewServeMux()
	mux.HandleFunc("/graphql", func(w http.ResponseWriter, r *http.Request) {
		markGraphQL(r.Context())
		switch r.Method {
		case http.MethodGet, http.MethodPost:
			if kg.Require(r.Context(), kg.RoleEditor) != nil {
				ctx, cancel := context.WithTimeout(r.Context(), cfg.ReadRequestTimeout)
				defer cancel()
				r = r.WithContext(ctx)
			}
			gql.ServeHTTP(w, r)
		case http.MethodOptions:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			w.WriteHeader(http.StatusNoContent)
		default:
			w.Header().Set("Allow", "GET, POST, OPTIONS")
			writeError(w, r, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "use POST, or GET for queries")
		}
	})
	if cfg.DisableIntrospection {
		// The SDL would tell what introspection is turned off not to tell.
		mux.Handle("GET /graphql/schema.graphql", schemaWithheld())
		mux.Handle("GET /graphql/possible-types.json", schemaWithheld())
	} else {
		mux.Handle("GET /graphql/schema.graphql", staticHandler("text/plain; charset=utf-8", schemaSDL(schema.Schema())))
		mux.Handle("GET /graphql/possible-types.json", staticHandler("application/json", possibleTypes(schema.Schema())))
	}
	mux.Handle("GET /export", exportHandler(store, cfg.ExploreTimeout, cfg.MaxGraphExports, log))
	if cfg.UI == nil {
		cfg.UI = web.Dist()
	}
	pages, err := newUI(cfg.UI)
	if err != nil {
		// The embedded build always loads; a broken custom one leaves the API serving, pages 404.
		log.Error("loading the explorer pages", slog.String("error", err.Error()))
	}
	mux.Handle("GET /{$}", pages.page("index.html", explorerCSP))
	mux.Handle("GET /graphiql", pages.page("graphiql.html", graphiqlCSP))
	mux.Handle("GET /assets/", pages.assets())
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		// Liveness depends on nothing but this process: a Neo4j outage must not get it restarted.
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := store.Ping(ctx); err != nil {
			log.LogAttrs(ctx, slog.LevelWarn, "not ready", slog.String("request_id", RequestID(ctx)), slog.String("error", err.Error()))
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte("store unavailable\n"))
			return
		}
		_, _ = w.Write([]byte("ready\n"))
	})
	mux.Handle("GET /metrics", metricsHandler(len(cfg.APIKeys) > 0, cfg.Metrics.Handler()))

	var h http.Handler = mux
	// The body cap depends on the caller's role, so authentication comes first.
	h = limitBody(cfg.MaxBodyBytes, cfg.MaxWriteBodyBytes, cfg.WriteRequestTimeout, h)
	h = authenticate(newKeyring(cfg.APIKeys), h)
	h = newCORS(cfg.CORSOrigins).Handler(h)
	h = recoverPanics(log, h)
	h = accessLog(log, cfg.Metrics, h)
	h = withRequestID(h)
	return h
}

// metricsHandler serves the metrics to anyone while the server has no API keys (everyone is an
// anonymous reader then), and otherwise only to callers with a key, of any role: the metrics name
// the operations clients run and how often they fail, which is no one else's business. Give the
// scraper a reader key.
func metricsHandler(keyed bool, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if keyed && !kg.PrincipalFrom(r.Context()).Authenticated {
			w.Header().Set("WWW-Authenticate", `Bearer realm="diplograph"`)
			writeError(w, r, http.StatusUnauthorized, kg.CodeUnauthenticated,
				"the metrics need an API key: send Authorization: Bearer <key> with any key from DIPLOGRAPH_API_KEYS")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// newCORS allows browsers on origins to call the API with the methods and headers it uses. With no
// origins it allows none (rs/cors would otherwise allow every origin).
func newCORS(origins []string) *cors.Cors {
	opts := cors.Options{
		AllowedOrigins: origins,
		AllowedMethods: []string{http.MethodGet, http.MethodPost},
		AllowedHeaders: []string{"Content-Type", "Authorization", "Accept", RequestIDHeader},
		ExposedHeaders: []string{RequestIDHeader},
		MaxAge:         CORSMaxAge,
	}
	if len(origins) == 0 {
		opts.AllowOriginFunc = func(string) bool { return false }
	}
	return cors.New(opts)
}
