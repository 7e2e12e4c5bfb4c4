package main

import (
	"flag"
	"fmt"
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
	CORSOrigins   []string      // DIPLOGRAPH_CORS_ORIGINS, --cors-origins: none (same origin only)
	LogFormat     string        // DIPLOGRAPH_LOG_FORMAT, --log-format: json, or text on a terminal
	APIKeys       string        // DIPLOGRAPH_API_KEYS, --api-keys: comma-separated role:key pairs; none
	DataDir       string        // DIPLOGRAPH_DATA_DIR, --data-dir: where the embedded store keeps its data; unset: in memory only
	MaxImportSize int64         // DIPLOGRAPH_MAX_IMPORT_BYTES, --max-import-bytes: request body cap for editors: 256 MiB
}

// String prints c with the password masked, for the start-up log.
func (c Config) String() string {
	pw := ""
	if c.Neo4jPassword != "" {
		pw = "****"
	}
	uri := c.Neo4jURI
	if uri == "" {
		uri = "(embedded store)"
	}
	keys := len(splitList(c.APIKeys))
	dir := c.DataDir
	if dir == "" {
		dir = "(none: in memory)"
	}
	return fmt.Sprintf("addr=%s neo4j_uri=%s neo4j_username=%s neo4j_password=%s neo4j_database=%s query_timeout=%s cors_origins=%v api_keys=%d data_dir=%s max_import_bytes=%d",
		c.Addr, uri, c.Neo4jUsername, pw, c.Neo4jDatabase, c.QueryTimeout, c.CORSOrigins, keys, dir, c.MaxImportSize)
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
	fs.Func("cors-origins", "comma-separated origins allowed by CORS, * for any (DIPLOGRAPH_CORS_ORIGINS)", func(s string) error {
		c.CORSOrigins = splitList(s)
		return nil
	})
	c.CORSOrigins = splitList(getenv("DIPLOGRAPH_CORS_ORIGINS"))
	fs.StringVar(&c.APIKeys, "api-keys", env("DIPLOGRAPH_API_KEYS", ""), "comma-separated role:key pairs, roles reader < analyst < editor < admin (DIPLOGRAPH_API_KEYS)")
	fs.StringVar(&c.DataDir, "data-dir", env("DIPLOGRAPH_DATA_DIR", ""), "directory where the embedded store keeps its data (a write-ahead log); empty keeps it in memory only (DIPLOGRAPH_DATA_DIR)")
	maxImport, err := strconv.ParseInt(env("DIPLOGRAPH_MAX_IMPORT_BYTES", "268435456"), 10, 64)
	if err != nil || maxImport <= 0 {
		maxImport = 256 << 20
	}
	fs.Int64Var(&c.MaxImportSize, "max-import-bytes", maxImport, "largest request body an editor may send, e.g. an importBundle mutation (DIPLOGRAPH_MAX_IMPORT_BYTES)")
	fs.StringVar(&c.LogFormat, "log-format", env("DIPLOGRAPH_LOG_FORMAT", ""), "log format: json or text; default json unless stderr is a terminal (DIPLOGRAPH_LOG_FORMAT)")
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
