package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/diplograph/diplograph/internal/server"
)

// APIConfig is the settings of the public API: what it refuses and how it reveals itself. Each is
// read from the environment, and a flag of the same meaning overrides it. Defaults sit next to the
// fields.
type APIConfig struct {
	Env             string        // DIPLOGRAPH_ENV, --env: development; production turns field suggestions off
	Introspection   bool          // DIPLOGRAPH_INTROSPECTION, --introspection: true
	MaxTokens       int           // DIPLOGRAPH_MAX_TOKENS, --max-tokens: 10000
	MaxDepth        int           // DIPLOGRAPH_MAX_DEPTH, --max-depth: 10
	MaxComplexity   int           // DIPLOGRAPH_MAX_COMPLEXITY, --max-complexity: 100000
	MaxAliases      int           // DIPLOGRAPH_MAX_ALIASES, --max-aliases: 30
	MaxRootFields   int           // DIPLOGRAPH_MAX_ROOT_FIELDS, --max-root-fields: 20
	MaxMerges       int           // DIPLOGRAPH_MAX_MERGES, --max-merges: 2000
	MaxBodyBytes    int64         // DIPLOGRAPH_MAX_BODY_BYTES, --max-body-bytes: 1048576
	ShutdownTimeout time.Duration // DIPLOGRAPH_SHUTDOWN_TIMEOUT, --shutdown-timeout: 15s

	// Neo4j fail-fast settings: how long a request waits for an unreachable Neo4j.
	Neo4jConnectTimeout time.Duration // DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT, --neo4j-connect-timeout: 2s
	Neo4jMaxRetryTime   time.Duration // DIPLOGRAPH_NEO4J_MAX_RETRY_TIME, --neo4j-max-retry-time: 1s

	errs []error // environment values that did not parse
}

// Environments DIPLOGRAPH_ENV accepts.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Defaults of APIConfig that are not server.Limits'.
const (
	DefaultShutdownTimeout     = 15 * time.Second
	DefaultNeo4jConnectTimeout = 2 * time.Second
	DefaultNeo4jMaxRetryTime   = time.Second
)

// ServerConfig returns the parts of c that server.Config takes.
func (c APIConfig) ServerConfig() server.Config {
	return server.Config{
		MaxBodyBytes: c.MaxBodyBytes,
		Limits: server.Limits{
			MaxTokens: c.MaxTokens, MaxDepth: c.MaxDepth, MaxComplexity: c.MaxComplexity,
			MaxAliases: c.MaxAliases, MaxRootFields: c.MaxRootFields, MaxMerges: c.MaxMerges,
		},
		DisableIntrospection: !c.Introspection,
		DisableSuggestions:   c.Env == EnvProduction,
	}
}

// String prints c for the start-up log.
func (c APIConfig) String() string {
	return fmt.Sprintf("env=%s introspection=%t max_tokens=%d max_depth=%d max_complexity=%d max_aliases=%d max_root_fields=%d max_merges=%d max_body_bytes=%d shutdown_timeout=%s neo4j_connect_timeout=%s neo4j_max_retry_time=%s",
		c.Env, c.Introspection, c.MaxTokens, c.MaxDepth, c.MaxComplexity, c.MaxAliases, c.MaxRootFields, c.MaxMerges,
		c.MaxBodyBytes, c.ShutdownTimeout, c.Neo4jConnectTimeout, c.Neo4jMaxRetryTime)
}

// bindFlags registers c's flags on fs with defaults taken from getenv. An environment value that
// does not parse is reported by check, not silently replaced by the default.
func (c *APIConfig) bindFlags(fs *flag.FlagSet, getenv func(string) string) {
	c.errs = nil
	str := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	num := func(key string, def int64) int64 {
		v := getenv(key)
		if v == "" {
			return def
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			c.errs = append(c.errs, fmt.Errorf("%s=%q: want a positive whole number", key, v))
			return def
		}
		return n
	}
	dur := func(key string, def time.Duration) time.Duration {
		v := getenv(key)
		if v == "" {
			return def
		}
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			c.errs = append(c.errs, fmt.Errorf("%s=%q: want a positive duration such as 2s", key, v))
			return def
		}
		return d
	}
	boolean := func(key string, def bool) bool {
		v := getenv(key)
		if v == "" {
			return def
		}
		b, err := strconv.ParseBool(v)
		if err != nil {
			c.errs = append(c.errs, fmt.Errorf("%s=%q: want true or false", key, v))
			return def
		}
		return b
	}
	fs.StringVar(&c.Env, "env", str("DIPLOGRAPH_ENV", EnvDevelopment), "development or production; production turns validation's field suggestions off (DIPLOGRAPH_ENV)")
	fs.BoolVar(&c.Introspection, "introspection", boolean("DIPLOGRAPH_INTROSPECTION", true), "answer schema introspection (__schema, __type) queries (DIPLOGRAPH_INTROSPECTION)")
	fs.IntVar(&c.MaxTokens, "max-tokens", int(num("DIPLOGRAPH_MAX_TOKENS", server.DefaultMaxTokens)), "most lexical tokens in a query document (DIPLOGRAPH_MAX_TOKENS)")
	fs.IntVar(&c.MaxDepth, "max-depth", int(num("DIPLOGRAPH_MAX_DEPTH", server.DefaultMaxDepth)), "deepest field nesting of an operation (DIPLOGRAPH_MAX_DEPTH)")
	fs.IntVar(&c.MaxComplexity, "max-complexity", int(num("DIPLOGRAPH_MAX_COMPLEXITY", server.DefaultMaxComplexity)), "highest estimated cost of an operation (DIPLOGRAPH_MAX_COMPLEXITY)")
	fs.IntVar(&c.MaxAliases, "max-aliases", int(num("DIPLOGRAPH_MAX_ALIASES", server.DefaultMaxAliases)), "most aliased fields in an operation (DIPLOGRAPH_MAX_ALIASES)")
	fs.IntVar(&c.MaxRootFields, "max-root-fields", int(num("DIPLOGRAPH_MAX_ROOT_FIELDS", server.DefaultMaxRootFields)), "most top-level fields in an operation (DIPLOGRAPH_MAX_ROOT_FIELDS)")
	fs.IntVar(&c.MaxMerges, "max-merges", int(num("DIPLOGRAPH_MAX_MERGES", server.DefaultMaxMerges)), "most pairs of repeated fields and fragment spreads validation may compare (DIPLOGRAPH_MAX_MERGES)")
	fs.Int64Var(&c.MaxBodyBytes, "max-body-bytes", num("DIPLOGRAPH_MAX_BODY_BYTES", 1<<20), "largest request body in bytes; larger ones get 413 (DIPLOGRAPH_MAX_BODY_BYTES)")
	fs.DurationVar(&c.ShutdownTimeout, "shutdown-timeout", dur("DIPLOGRAPH_SHUTDOWN_TIMEOUT", DefaultShutdownTimeout), "how long a shutdown waits for in-flight requests (DIPLOGRAPH_SHUTDOWN_TIMEOUT)")
	fs.DurationVar(&c.Neo4jConnectTimeout, "neo4j-connect-timeout", dur("DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT", DefaultNeo4jConnectTimeout), "how long to wait for a connection to Neo4j (DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT)")
	fs.DurationVar(&c.Neo4jMaxRetryTime, "neo4j-max-retry-time", dur("DIPLOGRAPH_NEO4J_MAX_RETRY_TIME", DefaultNeo4jMaxRetryTime), "how long a failing Neo4j query is retried before the request gets SERVICE_UNAVAILABLE (DIPLOGRAPH_NEO4J_MAX_RETRY_TIME)")
}

// check reports environment values that did not parse and flag values out of range.
func (c *APIConfig) check() error {
	errs := append([]error(nil), c.errs...)
	if c.Env != EnvDevelopment && c.Env != EnvProduction {
		errs = append(errs, fmt.Errorf("DIPLOGRAPH_ENV (--env) %q: want %s or %s", c.Env, EnvDevelopment, EnvProduction))
	}
	for _, v := range []struct {
		name string
		n    int64
	}{
		{"--max-tokens", int64(c.MaxTokens)}, {"--max-depth", int64(c.MaxDepth)}, {"--max-complexity", int64(c.MaxComplexity)},
		{"--max-aliases", int64(c.MaxAliases)}, {"--max-root-fields", int64(c.MaxRootFields)}, {"--max-merges", int64(c.MaxMerges)},
		{"--max-body-bytes", c.MaxBodyBytes},
		{"--shutdown-timeout", int64(c.ShutdownTimeout)}, {"--neo4j-connect-timeout", int64(c.Neo4jConnectTimeout)},
		{"--neo4j-max-retry-time", int64(c.Neo4jMaxRetryTime)},
	} {
		if v.n <= 0 {
			errs = append(errs, fmt.Errorf("%s must be positive", v.name))
		}
	}
	return errors.Join(errs...)
}
