package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/server"
)

// Config is every setting of diplograph. Each is read from an environment variable, and a flag of
// the same meaning overrides it; settings (below) declares each one once: its variable, flag,
// default, help, and how its text is parsed and printed.
type Config struct {
	Addr          string
	Neo4jURI      string // empty: the embedded store
	Neo4jUsername string
	Neo4jPassword string
	Neo4jDatabase string // empty: the server's default
	QueryTimeout  time.Duration
	CypherTimeout time.Duration
	// ExploreTimeout limits one path search, neighborhood, common-connections or timeline query.
	ExploreTimeout      time.Duration
	Neo4jConnectTimeout time.Duration
	Neo4jMaxRetryTime   time.Duration
	CORSOrigins         []string
	APIKeys             []server.APIKey
	Env                 string // EnvDevelopment or EnvProduction
	Introspection       bool
	MaxTokens           int
	MaxDepth            int
	MaxComplexity       int
	MaxAliases          int
	MaxRootFields       int
	MaxMerges           int
	MaxBodyBytes        int64
	MaxImportSize       int64 // the request body cap for editors
	CypherConcurrency   int   // analyst statements that may run in Neo4j at once
	MaxGraphExports     int   // exports of the whole graph that may run at once
	ShutdownTimeout     time.Duration
	LogFormat           string // "json", "text", or "" (json unless stderr is a terminal)
	DataDir             string // empty: the embedded store keeps its data in memory only

	errs []error // environment values that did not parse
}

// Environments DIPLOGRAPH_ENV accepts.
const (
	EnvDevelopment = "development"
	EnvProduction  = "production"
)

// Defaults that other code needs too.
const (
	DefaultShutdownTimeout     = 15 * time.Second
	DefaultNeo4jConnectTimeout = 2 * time.Second
	DefaultNeo4jMaxRetryTime   = time.Second
)

// setting is one setting of Config: its environment variable, its flag, its default and help, and
// how it parses a value into a Config and prints it back. parse's error says what a good value
// looks like; the caller names the variable or flag.
type setting struct {
	env, flag, def, usage string
	parse                 func(c *Config, v string) error
	show                  func(c *Config) string
	boolean               bool // the flag may be given without a value (--introspection)
	// secret: a value is never repeated in a message (it may hold a password or keys).
	secret bool
}

// settings declares every setting, in the order the start-up log prints them.
var settings = []setting{
	str("DIPLOGRAPH_ADDR", "addr", "127.0.0.1:8080", "address to listen on, host:port",
		func(c *Config) *string { return &c.Addr }, checkAddr),
	{env: "NEO4J_URI", flag: "neo4j-uri", secret: true, usage: "Neo4j URI (bolt://, neo4j://, with +s or +ssc for TLS); empty serves the embedded store",
		parse: func(c *Config, v string) error {
			if err := checkNeo4jURI(v); err != nil {
				return err
			}
			c.Neo4jURI = v
			return nil
		},
		show: func(c *Config) string {
			if c.Neo4jURI == "" {
				return "(embedded store)"
			}
			return redactURI(c.Neo4jURI)
		}},
	str("NEO4J_USERNAME", "neo4j-username", "neo4j", "Neo4j user", func(c *Config) *string { return &c.Neo4jUsername }, nil),
	{env: "NEO4J_PASSWORD", flag: "neo4j-password", secret: true, usage: "Neo4j password (masked in logs)",
		parse: func(c *Config, v string) error { c.Neo4jPassword = v; return nil },
		show:  func(c *Config) string { return mask(c.Neo4jPassword) }},
	str("NEO4J_DATABASE", "neo4j-database", "", "Neo4j database; empty uses the server's default",
		func(c *Config) *string { return &c.Neo4jDatabase }, nil),
	dur("DIPLOGRAPH_QUERY_TIMEOUT", "query-timeout", "30s", "server-side limit of one store query",
		func(c *Config) *time.Duration { return &c.QueryTimeout }),
	dur("DIPLOGRAPH_CYPHER_TIMEOUT", "cypher-timeout", "10s", "server-side limit of one ad hoc Cypher statement",
		func(c *Config) *time.Duration { return &c.CypherTimeout }),
	dur("DIPLOGRAPH_EXPLORE_TIMEOUT", "explore-timeout", "10s", "limit of one path search, neighborhood, common-connections or timeline query",
		func(c *Config) *time.Duration { return &c.ExploreTimeout }),
	dur("DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT", "neo4j-connect-timeout", DefaultNeo4jConnectTimeout.String(), "how long to wait for a connection to Neo4j",
		func(c *Config) *time.Duration { return &c.Neo4jConnectTimeout }),
	dur("DIPLOGRAPH_NEO4J_MAX_RETRY_TIME", "neo4j-max-retry-time", DefaultNeo4jMaxRetryTime.String(), "how long a failing Neo4j query is retried before the request gets SERVICE_UNAVAILABLE",
		func(c *Config) *time.Duration { return &c.Neo4jMaxRetryTime }),
	{env: "DIPLOGRAPH_CORS_ORIGINS", flag: "cors-origins", usage: "comma-separated origins allowed by CORS, * for any; empty: same origin only",
		parse: func(c *Config, v string) error { c.CORSOrigins = splitList(v); return nil },
		show:  func(c *Config) string { return strings.Join(c.CORSOrigins, ",") }},
	// The one place API keys are parsed: server.ParseAPIKeys says what a list of keys may hold,
	// and its errors never repeat a key.
	{env: "DIPLOGRAPH_API_KEYS", flag: "api-keys", secret: true, usage: "comma-separated role:name:key entries, roles reader < analyst < editor < admin; the audit trail records role:name",
		parse: func(c *Config, v string) error {
			keys, err := server.ParseAPIKeys(v)
			if err != nil {
				return errors.New(strings.TrimPrefix(err.Error(), "DIPLOGRAPH_API_KEYS: "))
			}
			c.APIKeys = keys
			return nil
		},
		show: func(c *Config) string {
			if len(c.APIKeys) == 0 {
				return ""
			}
			roles := make([]string, len(c.APIKeys))
			for i, k := range c.APIKeys {
				roles[i] = k.Role.String()
			}
			return fmt.Sprintf("%d%v", len(c.APIKeys), roles)
		}},
	str("DIPLOGRAPH_ENV", "env", EnvDevelopment, "development or production; production turns validation's field suggestions off",
		func(c *Config) *string { return &c.Env }, oneOf(EnvDevelopment, EnvProduction)),
	{env: "DIPLOGRAPH_INTROSPECTION", flag: "introspection", def: "true", boolean: true,
		usage: "answer schema introspection (__schema, __type) queries",
		parse: func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return errors.New("want true or false")
			}
			c.Introspection = b
			return nil
		},
		show: func(c *Config) string { return strconv.FormatBool(c.Introspection) }},
	num("DIPLOGRAPH_MAX_TOKENS", "max-tokens", server.DefaultMaxTokens, "most lexical tokens in a query document",
		func(c *Config) *int { return &c.MaxTokens }),
	num("DIPLOGRAPH_MAX_DEPTH", "max-depth", server.DefaultMaxDepth, "deepest field nesting of an operation",
		func(c *Config) *int { return &c.MaxDepth }),
	num("DIPLOGRAPH_MAX_COMPLEXITY", "max-complexity", server.DefaultMaxComplexity, "highest estimated cost of an operation",
		func(c *Config) *int { return &c.MaxComplexity }),
	num("DIPLOGRAPH_MAX_ALIASES", "max-aliases", server.DefaultMaxAliases, "most aliased fields in an operation",
		func(c *Config) *int { return &c.MaxAliases }),
	num("DIPLOGRAPH_MAX_ROOT_FIELDS", "max-root-fields", server.DefaultMaxRootFields, "most top-level fields in an operation",
		func(c *Config) *int { return &c.MaxRootFields }),
	num("DIPLOGRAPH_MAX_MERGES", "max-merges", server.DefaultMaxMerges, "most pairs of repeated fields and fragment spreads validation may compare",
		func(c *Config) *int { return &c.MaxMerges }),
	bytesSetting("DIPLOGRAPH_MAX_BODY_BYTES", "max-body-bytes", 1<<20, "largest request body in bytes; larger ones get 413",
		func(c *Config) *int64 { return &c.MaxBodyBytes }),
	bytesSetting("DIPLOGRAPH_MAX_IMPORT_BYTES", "max-import-bytes", 256<<20, "largest request body an editor may send, e.g. an importBundle mutation",
		func(c *Config) *int64 { return &c.MaxImportSize }),
	num("DIPLOGRAPH_CYPHER_CONCURRENCY", "cypher-concurrency", neo4jstore.DefaultCypherConcurrency, "analysts' Cypher statements that may run in Neo4j at once, on a connection pool of their own",
		func(c *Config) *int { return &c.CypherConcurrency }),
	num("DIPLOGRAPH_MAX_GRAPH_EXPORTS", "max-graph-exports", server.DefaultMaxGraphExports, "exports of the whole graph that may run at once; one more gets 429",
		func(c *Config) *int { return &c.MaxGraphExports }),
	dur("DIPLOGRAPH_SHUTDOWN_TIMEOUT", "shutdown-timeout", DefaultShutdownTimeout.String(), "how long a shutdown waits for in-flight requests",
		func(c *Config) *time.Duration { return &c.ShutdownTimeout }),
	str("DIPLOGRAPH_LOG_FORMAT", "log-format", "", "log format: json or text; empty: json unless stderr is a terminal",
		func(c *Config) *string { return &c.LogFormat }, oneOf("", "json", "text")),
	{env: "DIPLOGRAPH_DATA_DIR", flag: "data-dir", usage: "directory where the embedded store keeps its data (a write-ahead log); empty keeps it in memory only",
		parse: func(c *Config, v string) error { c.DataDir = v; return nil },
		show: func(c *Config) string {
			if c.DataDir == "" {
				return "(none: in memory)"
			}
			return c.DataDir
		}},
}

// bindFlags sets c from the environment (getenv) and the defaults, and registers every setting's
// flag on fs, so that flags parsed later override the environment; with only, just the settings of
// those variables (a command that needs few). An environment value that does not parse is kept for
// check, which names its variable; the setting keeps its default meanwhile.
func (c *Config) bindFlags(fs *flag.FlagSet, getenv func(string) string, only ...string) {
	c.errs = nil
	for _, s := range settings {
		if len(only) > 0 && !slices.Contains(only, s.env) {
			continue
		}
		if err := s.parse(c, s.def); err != nil {
			panic(fmt.Sprintf("the default of %s does not parse: %v", s.env, err)) // a programming error; TestSettingDefaults
		}
		if v := getenv(s.env); v != "" {
			if err := s.parse(c, v); err != nil {
				c.errs = append(c.errs, fmt.Errorf("%s=%s: %w", s.env, quoteUnlessSecret(s, v), err))
			}
		}
		fs.Var(settingValue{c: c, s: s}, s.flag, s.usage+" ("+s.env+")")
	}
}

// check returns every environment value that did not parse, or nil.
func (c *Config) check() error { return errors.Join(c.errs...) }

// String prints c for the start-up log: every setting, secrets masked and URIs without
// credentials.
func (c Config) String() string {
	var b strings.Builder
	for i, s := range settings {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(strings.ToLower(strings.TrimPrefix(s.env, "DIPLOGRAPH_")))
		b.WriteByte('=')
		b.WriteString(s.show(&c))
	}
	return b.String()
}

// ServerConfig returns the parts of c that server.Config takes.
func (c Config) ServerConfig() server.Config {
	return server.Config{
		MaxBodyBytes:      c.MaxBodyBytes,
		MaxWriteBodyBytes: c.MaxImportSize,
		MaxGraphExports:   c.MaxGraphExports,
		Limits: server.Limits{
			MaxTokens: c.MaxTokens, MaxDepth: c.MaxDepth, MaxComplexity: c.MaxComplexity,
			MaxAliases: c.MaxAliases, MaxRootFields: c.MaxRootFields, MaxMerges: c.MaxMerges,
		},
		DisableIntrospection: !c.Introspection,
		DisableSuggestions:   c.Env == EnvProduction,
		CORSOrigins:          c.CORSOrigins,
		APIKeys:              c.APIKeys,
		ExploreTimeout:       c.ExploreTimeout,
	}
}

// settingValue is a setting's flag: it parses into its Config and prints the value in force.
type settingValue struct {
	c *Config
	s setting
}

func (v settingValue) String() string {
	if v.c == nil { // the zero value flag.PrintDefaults makes to learn the default
		return ""
	}
	return v.s.show(v.c)
}

// Set parses a flag's value. The flag package repeats a refused value in its message, so a secret
// setting's error is kept for check instead, named by its flag.
func (v settingValue) Set(text string) error {
	err := v.s.parse(v.c, text)
	if err != nil && v.s.secret {
		v.c.errs = append(v.c.errs, fmt.Errorf("--%s: %w", v.s.flag, err))
		return nil
	}
	return err
}

func (v settingValue) IsBoolFlag() bool { return v.s.boolean }

// str declares a text setting; check, when not nil, refuses values it returns an error for.
func str(env, flag, def, usage string, field func(*Config) *string, check func(string) error) setting {
	return setting{env: env, flag: flag, def: def, usage: usage,
		parse: func(c *Config, v string) error {
			if check != nil {
				if err := check(v); err != nil {
					return err
				}
			}
			*field(c) = v
			return nil
		},
		show: func(c *Config) string { return *field(c) }}
}

// dur declares a duration setting; it must be positive.
func dur(env, flag, def, usage string, field func(*Config) *time.Duration) setting {
	return setting{env: env, flag: flag, def: def, usage: usage,
		parse: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("want a positive duration such as 2s or 500ms")
			}
			*field(c) = d
			return nil
		},
		show: func(c *Config) string { return field(c).String() }}
}

// num declares a whole-number setting; it must be positive.
func num(env, flag string, def int, usage string, field func(*Config) *int) setting {
	return setting{env: env, flag: flag, def: strconv.Itoa(def), usage: usage,
		parse: func(c *Config, v string) error {
			n, err := positive(v)
			if err != nil {
				return err
			}
			*field(c) = int(n)
			return nil
		},
		show: func(c *Config) string { return strconv.Itoa(*field(c)) }}
}

// bytesSetting declares a size in bytes; it must be positive.
func bytesSetting(env, flag string, def int64, usage string, field func(*Config) *int64) setting {
	return setting{env: env, flag: flag, def: strconv.FormatInt(def, 10), usage: usage,
		parse: func(c *Config, v string) error {
			n, err := positive(v)
			if err != nil {
				return err
			}
			*field(c) = n
			return nil
		},
		show: func(c *Config) string { return strconv.FormatInt(*field(c), 10) }}
}

func positive(v string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil || n <= 0 || n > 1<<40 {
		return 0, errors.New("want a positive whole number")
	}
	return n, nil
}

func oneOf(values ...string) func(string) error {
	return func(v string) error {
		if !slices.Contains(values, v) {
			return fmt.Errorf("want one of %q", values)
		}
		return nil
	}
}

// checkAddr accepts host:port with any host (the listener says when it cannot be used) and a port
// number.
func checkAddr(v string) error {
	_, port, err := net.SplitHostPort(v)
	if err != nil {
		return errors.New("want host:port, such as 127.0.0.1:8080 or :8080")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("want a port number from 0 to 65535, not %q", port)
	}
	return nil
}

// neo4jSchemes are the URI schemes the Neo4j driver accepts.
var neo4jSchemes = []string{"bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"}

func checkNeo4jURI(v string) error {
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || !slices.Contains(neo4jSchemes, u.Scheme) || u.Host == "" {
		return fmt.Errorf("invalid Neo4j URI %s: use bolt://host:port or neo4j://host:port (+s or +ssc for TLS)", redactURI(v))
	}
	return nil
}

// quoteUnlessSecret quotes v for an error message, unless the setting is secret. (A Neo4j URI's
// parser names the URI itself, without the credentials it may hold.)
func quoteUnlessSecret(s setting, v string) string {
	if s.secret {
		return "(value not shown)"
	}
	return strconv.Quote(v)
}

func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "****"
}

// redactURI returns uri without its user information (a password may hide there), for logs and
// messages; an empty uri stays empty.
func redactURI(uri string) string {
	if uri == "" {
		return ""
	}
	u, err := url.Parse(uri)
	if err != nil {
		return "(NEO4J_URI, which is not a URL)"
	}
	u.User = nil
	return u.String()
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			out = append(out, p)
		}
	}
	return out
}
