package main

import (
	"flag"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config is every setting of diplograph. Each is read from the environment, and a flag of the same
// meaning overrides it. Defaults sit next to the fields.
type Config struct {
	Addr          string        // DIPLOGRAPH_ADDR, --addr: 127.0.0.1:8080
	Neo4jURI      string        // NEO4J_URI, --neo4j-uri: unset means the embedded store
	Neo4jUsername string        // NEO4J_USERNAME, --neo4j-username: neo4j
	Neo4jPassword string        // NEO4J_PASSWORD, --neo4j-password
	Neo4jDatabase string        // NEO4J_DATABASE, --neo4j-database: the server's default
	QueryTimeout  time.Duration // DIPLOGRAPH_QUERY_TIMEOUT, --query-timeout: 30s
	CypherTimeout time.Duration // DIPLOGRAPH_CYPHER_TIMEOUT, --cypher-timeout: 10s
	CORSOrigins   []string      // DIPLOGRAPH_CORS_ORIGINS, --cors-origins: none (same origin only)
	LogFormat     string        // DIPLOGRAPH_LOG_FORMAT, --log-format: json, or text on a terminal
	APIKeys       string        // DIPLOGRAPH_API_KEYS, --api-keys: comma-separated role:name:key entries; none
	API           APIConfig     // limits, introspection, environment, shutdown: see config_api.go

	// ExploreTimeout is DIPLOGRAPH_EXPLORE_TIMEOUT, --explore-timeout: 10s; the limit of one path
	// search, neighborhood, common-connections or timeline query.
	ExploreTimeout time.Duration
	DataDir        string // DIPLOGRAPH_DATA_DIR, --data-dir: where the embedded store keeps its data; unset: in memory only
	MaxImportSize  int64  // DIPLOGRAPH_MAX_IMPORT_BYTES, --max-import-bytes: request body cap for editors: 256 MiB
}

// String prints c with the password masked, for the start-up log.
func (c Config) String() string {
	pw := ""
	if c.Neo4jPassword != "" {
		pw = "****"
	}
	uri := redactURI(c.Neo4jURI)
	if uri == "" {
		uri = "(embedded store)"
	}
	keys := len(splitList(c.APIKeys))
	dir := c.DataDir
	if dir == "" {
		dir = "(none: in memory)"
	}
	return fmt.Sprintf("addr=%s neo4j_uri=%s neo4j_username=%s neo4j_password=%s neo4j_database=%s query_timeout=%s cypher_timeout=%s explore_timeout=%s cors_origins=%v api_keys=%d data_dir=%s max_import_bytes=%d %s",
		c.Addr, uri, c.Neo4jUsername, pw, c.Neo4jDatabase, c.QueryTimeout, c.CypherTimeout, c.ExploreTimeout, c.CORSOrigins, keys, dir, c.MaxImportSize, c.API)
}

// bindFlags registers c's flags on fs with defaults taken from getenv, so flags override env.
func (c *Config) bindFlags(fs *flag.FlagSet, getenv func(string) string) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	fs.StringVar(&c.Addr, "addr", env("DIPLOGRAPH_ADDR", "127.0.0.1:8080"), "address to listen on (DIPLOGRAPH_ADDR)")
	fs.StringVar(&c.Neo4jURI, "neo4j-uri", env("NEO4J_URI", ""), "Neo4j URI, bolt:// or neo4j://; empty serves the embedded store (NEO4J_URI)")
	fs.StringVar(&c.Neo4jUsername, "neo4j-username", env("NEO4J_USERNAME", "neo4j"), "Neo4j user (NEO4J_USERNAME)")
	fs.StringVar(&c.Neo4jPassword, "neo4j-password", env("NEO4J_PASSWORD", ""), "Neo4j password (NEO4J_PASSWORD)")
	fs.StringVar(&c.Neo4jDatabase, "neo4j-database", env("NEO4J_DATABASE", ""), "Neo4j database; empty uses the server's default (NEO4J_DATABASE)")
	timeout, err := time.ParseDuration(env("DIPLOGRAPH_QUERY_TIMEOUT", "30s"))
	if err != nil {
		timeout = 30 * time.Second
	}
	fs.DurationVar(&c.QueryTimeout, "query-timeout", timeout, "server-side limit of one store query (DIPLOGRAPH_QUERY_TIMEOUT)")
	cypherTimeout, err := time.ParseDuration(env("DIPLOGRAPH_CYPHER_TIMEOUT", "10s"))
	if err != nil {
		cypherTimeout = 10 * time.Second
	}
	fs.DurationVar(&c.CypherTimeout, "cypher-timeout", cypherTimeout, "server-side limit of one ad hoc Cypher statement (DIPLOGRAPH_CYPHER_TIMEOUT)")
	explore, err := time.ParseDuration(env("DIPLOGRAPH_EXPLORE_TIMEOUT", "10s"))
	if err != nil {
		explore = 10 * time.Second
	}
	fs.DurationVar(&c.ExploreTimeout, "explore-timeout", explore, "limit of one path search, neighborhood, common-connections or timeline query (DIPLOGRAPH_EXPLORE_TIMEOUT)")
	fs.Func("cors-origins", "comma-separated origins allowed by CORS, * for any (DIPLOGRAPH_CORS_ORIGINS)", func(s string) error {
		c.CORSOrigins = splitList(s)
		return nil
	})
	c.CORSOrigins = splitList(getenv("DIPLOGRAPH_CORS_ORIGINS"))
	fs.StringVar(&c.APIKeys, "api-keys", env("DIPLOGRAPH_API_KEYS", ""), "comma-separated role:name:key entries, roles reader < analyst < editor < admin; the audit trail records role:name (DIPLOGRAPH_API_KEYS)")
	fs.StringVar(&c.DataDir, "data-dir", env("DIPLOGRAPH_DATA_DIR", ""), "directory where the embedded store keeps its data (a write-ahead log); empty keeps it in memory only (DIPLOGRAPH_DATA_DIR)")
	maxImport, err := strconv.ParseInt(env("DIPLOGRAPH_MAX_IMPORT_BYTES", "268435456"), 10, 64)
	if err != nil || maxImport <= 0 {
		maxImport = 256 << 20
	}
	fs.Int64Var(&c.MaxImportSize, "max-import-bytes", maxImport, "largest request body an editor may send, e.g. an importBundle mutation (DIPLOGRAPH_MAX_IMPORT_BYTES)")
	fs.StringVar(&c.LogFormat, "log-format", env("DIPLOGRAPH_LOG_FORMAT", ""), "log format: json or text; default json unless stderr is a terminal (DIPLOGRAPH_LOG_FORMAT)")
	c.API.bindFlags(fs, getenv)
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
