package main

import (
	"flag"
	"io"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/server"
)

// configCase is one variable of the table: a good value and what it sets, and a bad value.
type configCase struct {
	env  string
	good string
	got  func(c Config) any
	want any
	bad  string
}

// configCases covers every setting: TestConfigCoversEverySetting keeps it so.
var configCases = []configCase{
	{"DIPLOGRAPH_ADDR", "0.0.0.0:9090", func(c Config) any { return c.Addr }, "0.0.0.0:9090", "localhost"},
	{"NEO4J_URI", "neo4j+s://db.example:7687", func(c Config) any { return c.Neo4jURI }, "neo4j+s://db.example:7687", "http://alice:uri-secret@db.example"},
	{"NEO4J_USERNAME", "alice", func(c Config) any { return c.Neo4jUsername }, "alice", ""},
	{"NEO4J_PASSWORD", "s3cret-pass", func(c Config) any { return c.Neo4jPassword }, "s3cret-pass", ""},
	{"NEO4J_DATABASE", "graph", func(c Config) any { return c.Neo4jDatabase }, "graph", ""},
	{"DIPLOGRAPH_QUERY_TIMEOUT", "45s", func(c Config) any { return c.QueryTimeout }, 45 * time.Second, "soon"},
	{"DIPLOGRAPH_CYPHER_TIMEOUT", "3s", func(c Config) any { return c.CypherTimeout }, 3 * time.Second, "-1s"},
	{"DIPLOGRAPH_EXPLORE_TIMEOUT", "250ms", func(c Config) any { return c.ExploreTimeout }, 250 * time.Millisecond, "10"},
	{"DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT", "750ms", func(c Config) any { return c.Neo4jConnectTimeout }, 750 * time.Millisecond, "0s"},
	{"DIPLOGRAPH_NEO4J_MAX_RETRY_TIME", "4s", func(c Config) any { return c.Neo4jMaxRetryTime }, 4 * time.Second, "forever"},
	{"DIPLOGRAPH_CORS_ORIGINS", " https://a.example , https://b.example,", func(c Config) any { return strings.Join(c.CORSOrigins, " ") },
		"https://a.example https://b.example", ""},
	{"DIPLOGRAPH_API_KEYS", "reader:rita:aaaaaaaaaaaaaaaa,editor:alice:bbbbbbbbbbbbbbbb", func(c Config) any { return c.APIKeys[1] },
		server.APIKey{Role: kg.RoleEditor, Name: "alice", Key: "bbbbbbbbbbbbbbbb"}, "editor:alice:aaaaaaaaaaaaaaaa,reader:rita:aaaaaaaaaaaaaaaa"},
	{"DIPLOGRAPH_CYPHER_CONCURRENCY", "2", func(c Config) any { return c.CypherConcurrency }, 2, "0"},
	{"DIPLOGRAPH_MAX_GRAPH_EXPORTS", "5", func(c Config) any { return c.MaxGraphExports }, 5, "many"},
	{"DIPLOGRAPH_ENV", "production", func(c Config) any { return c.Env }, EnvProduction, "staging"},
	{"DIPLOGRAPH_INTROSPECTION", "false", func(c Config) any { return c.Introspection }, false, "nope"},
	{"DIPLOGRAPH_MAX_TOKENS", "900", func(c Config) any { return c.MaxTokens }, 900, "-5"},
	{"DIPLOGRAPH_MAX_DEPTH", "7", func(c Config) any { return c.MaxDepth }, 7, "deep"},
	{"DIPLOGRAPH_MAX_COMPLEXITY", "5000", func(c Config) any { return c.MaxComplexity }, 5000, "0"},
	{"DIPLOGRAPH_MAX_ALIASES", "4", func(c Config) any { return c.MaxAliases }, 4, "4.5"},
	{"DIPLOGRAPH_MAX_ROOT_FIELDS", "3", func(c Config) any { return c.MaxRootFields }, 3, "three"},
	{"DIPLOGRAPH_MAX_MERGES", "9", func(c Config) any { return c.MaxMerges }, 9, "9x"},
	{"DIPLOGRAPH_MAX_BODY_BYTES", "4096", func(c Config) any { return c.MaxBodyBytes }, int64(4096), "1MB"},
	{"DIPLOGRAPH_MAX_IMPORT_BYTES", "1048576", func(c Config) any { return c.MaxImportSize }, int64(1 << 20), "-1"},
	{"DIPLOGRAPH_SHUTDOWN_TIMEOUT", "3s", func(c Config) any { return c.ShutdownTimeout }, 3 * time.Second, "3"},
	{"DIPLOGRAPH_LOG_FORMAT", "text", func(c Config) any { return c.LogFormat }, "text", "xml"},
	{"DIPLOGRAPH_DATA_DIR", "/var/lib/diplograph", func(c Config) any { return c.DataDir }, "/var/lib/diplograph", ""},
}

// parseConfig parses env and args as a command does, and returns the config and check's error.
func parseConfig(t *testing.T, env map[string]string, args ...string) (Config, error) {
	t.Helper()
	var c Config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.bindFlags(fs, func(k string) string { return env[k] })
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.check()
}

func TestConfigCoversEverySetting(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range configCases {
		covered[tc.env] = true
	}
	for _, s := range settings {
		if !covered[s.env] {
			t.Errorf("configCases has no case for %s", s.env)
		}
		if s.env == "" || s.flag == "" || s.usage == "" || s.parse == nil || s.show == nil {
			t.Errorf("setting %+v lacks a variable, flag, usage, parser or printer", s)
		}
	}
	if len(configCases) != len(settings) {
		t.Errorf("configCases has %d cases for %d settings", len(configCases), len(settings))
	}
}

func TestConfigVariables(t *testing.T) {
	for _, tc := range configCases {
		t.Run(tc.env, func(t *testing.T) {
			c, err := parseConfig(t, map[string]string{tc.env: tc.good})
			if err != nil {
				t.Fatalf("%s=%q: check = %v, want nil", tc.env, tc.good, err)
			}
			if got := tc.got(c); got != tc.want {
				t.Errorf("%s=%q sets %#v, want %#v", tc.env, tc.good, got, tc.want)
			}
			flagName := flagOf(t, tc.env)
			if c, err = parseConfig(t, nil, "--"+flagName+"="+tc.good); err != nil {
				t.Fatalf("--%s=%q: %v", flagName, tc.good, err)
			}
			if got := tc.got(c); got != tc.want {
				t.Errorf("--%s=%q sets %#v, want %#v", flagName, tc.good, got, tc.want)
			}
			if tc.bad == "" {
				return
			}
			// A bad value stops the command with a message naming the variable, and never echoes
			// a secret.
			_, err = parseConfig(t, map[string]string{tc.env: tc.bad})
			if err == nil || !strings.Contains(err.Error(), tc.env) {
				t.Errorf("%s=%q: check = %v, want an error naming %s", tc.env, tc.bad, err, tc.env)
			}
			if s := settingOf(t, tc.env); s.secret && err != nil && (strings.Contains(err.Error(), tc.bad) || strings.Contains(err.Error(), "secret")) {
				t.Errorf("%s: error %q repeats the secret value", tc.env, err)
			}
			_, err = parseConfig(t, nil, "--"+flagName+"="+tc.bad)
			if err == nil || !strings.Contains(err.Error(), flagName) {
				t.Errorf("--%s=%q: parse = %v, want an error naming the flag", flagName, tc.bad, err)
			}
		})
	}
}

func TestConfigFlagsOverrideEnvironment(t *testing.T) {
	c, err := parseConfig(t, map[string]string{"DIPLOGRAPH_MAX_DEPTH": "7", "DIPLOGRAPH_ENV": "production", "DIPLOGRAPH_INTROSPECTION": "true"},
		"--max-depth", "12", "--env", "development", "--introspection=false")
	if err != nil {
		t.Fatal(err)
	}
	if c.MaxDepth != 12 || c.Env != EnvDevelopment || c.Introspection {
		t.Errorf("config = %s, want the flags' values", c)
	}
	// A bare boolean flag turns the setting on.
	if c, _ := parseConfig(t, map[string]string{"DIPLOGRAPH_INTROSPECTION": "false"}, "--introspection"); !c.Introspection {
		t.Errorf("--introspection after DIPLOGRAPH_INTROSPECTION=false left it off")
	}
}

func TestConfigDefaults(t *testing.T) {
	c, err := parseConfig(t, nil)
	if err != nil {
		t.Fatalf("defaults: %v", err)
	}
	want := Config{
		Addr: "127.0.0.1:8080", Neo4jUsername: "neo4j", QueryTimeout: 30 * time.Second, CypherTimeout: 10 * time.Second,
		ExploreTimeout: 10 * time.Second, Neo4jConnectTimeout: DefaultNeo4jConnectTimeout, Neo4jMaxRetryTime: DefaultNeo4jMaxRetryTime,
		Env: EnvDevelopment, Introspection: true,
		MaxTokens: server.DefaultMaxTokens, MaxDepth: server.DefaultMaxDepth, MaxComplexity: server.DefaultMaxComplexity,
		MaxAliases: server.DefaultMaxAliases, MaxRootFields: server.DefaultMaxRootFields, MaxMerges: server.DefaultMaxMerges,
		MaxBodyBytes: 1 << 20, MaxImportSize: 256 << 20, ShutdownTimeout: DefaultShutdownTimeout,
		CypherConcurrency: neo4jstore.DefaultCypherConcurrency, MaxGraphExports: server.DefaultMaxGraphExports,
	}
	if c.String() != want.String() {
		t.Errorf("defaults = %s\nwant       %s", c, want)
	}
	sc := c.ServerConfig()
	if sc.DisableIntrospection || sc.DisableSuggestions || sc.MaxWriteBodyBytes != 256<<20 {
		t.Errorf("development server config = %+v, want introspection and suggestions on, 256 MiB for editors", sc)
	}
}

func TestConfigStringMasksSecrets(t *testing.T) {
	c, err := parseConfig(t, map[string]string{
		"NEO4J_URI": "neo4j://alice:uri-secret@db.example:7687", "NEO4J_PASSWORD": "password-secret",
		"DIPLOGRAPH_API_KEYS": "editor:key-secret-0123456789",
	})
	if err != nil {
		t.Fatal(err)
	}
	s := c.String()
	for _, secret := range []string{"uri-secret", "password-secret", "key-secret", "alice"} {
		if strings.Contains(s, secret) {
			t.Errorf("Config.String() = %s, shows %q", s, secret)
		}
	}
	for _, want := range []string{"neo4j_uri=neo4j://db.example:7687", "neo4j_password=****", "api_keys=1[editor]"} {
		if !strings.Contains(s, want) {
			t.Errorf("Config.String() = %s, want %s in it", s, want)
		}
	}
}

// TestServeRefusesBadValues checks that a bad value stops serve before it opens a store.
func TestServeRefusesBadValues(t *testing.T) {
	m := &Main{Config: testConfig(t, map[string]string{"DIPLOGRAPH_MAX_TOKENS": "-5"})}
	if err := m.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "DIPLOGRAPH_MAX_TOKENS") {
		t.Errorf("Open with DIPLOGRAPH_MAX_TOKENS=-5 = %v, want a refusal naming it", err)
	}
	code, _, stderr := execute(t, map[string]string{"DIPLOGRAPH_QUERY_TIMEOUT": "soon", "DIPLOGRAPH_ADDR": "127.0.0.1:0"}, "serve")
	if code != 1 || !strings.Contains(stderr, "DIPLOGRAPH_QUERY_TIMEOUT") {
		t.Errorf("serve with DIPLOGRAPH_QUERY_TIMEOUT=soon exited %d, stderr:\n%s\nwant 1 and a message naming the variable", code, stderr)
	}
}

func flagOf(t *testing.T, env string) string { return settingOf(t, env).flag }

func settingOf(t *testing.T, env string) setting {
	t.Helper()
	for _, s := range settings {
		if s.env == env {
			return s
		}
	}
	t.Fatalf("no setting %s", env)
	return setting{}
}

// TestConfigTablesInDocs keeps the configuration tables of the docs true: the full table lists
// every setting once, with its flag; the README's short one lists only settings that exist.
func TestConfigTablesInDocs(t *testing.T) {
	row := regexp.MustCompile("(?m)^\\| `([A-Z0-9_]+)`(?:, `([A-Z0-9_]+)`)? \\| `--([a-z0-9-]+)`(?:, `--([a-z0-9-]+)`)? \\|")
	flags := map[string]string{}
	for _, s := range settings {
		flags[s.env] = s.flag
	}
	for _, doc := range []struct {
		path string
		all  bool
	}{{"../../docs/deployment.md", true}, {"../../README.md", false}} {
		md, err := os.ReadFile(doc.path)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]int{}
		for _, m := range row.FindAllStringSubmatch(string(md), -1) {
			for _, pair := range [][2]string{{m[1], m[3]}, {m[2], m[4]}} {
				if pair[0] == "" {
					continue
				}
				seen[pair[0]]++
				if f, ok := flags[pair[0]]; !ok || f != pair[1] {
					t.Errorf("%s lists %s with --%s; the setting's flag is %q", doc.path, pair[0], pair[1], f)
				}
			}
		}
		for env := range flags {
			if doc.all && seen[env] != 1 {
				t.Errorf("%s lists %s %d times, want once", doc.path, env, seen[env])
			}
		}
		if len(seen) == 0 {
			t.Errorf("%s has no configuration table", doc.path)
		}
	}
}

func TestHelpListsCommands(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"--help"}, {"-h"}} {
		code, stdout, stderr := execute(t, nil, args...)
		if code != 0 {
			t.Errorf("diplograph %v exited %d, stderr:\n%s", args, code, stderr)
		}
		for _, cmd := range []string{"serve", "import", "cypher", "export", "version", "help"} {
			if !strings.Contains(stdout, "\n  "+cmd+" ") {
				t.Errorf("diplograph %v does not list %s:\n%s", args, cmd, stdout)
			}
		}
	}
	// A command's -h lists its flags, each with its variable.
	code, _, stderr := execute(t, nil, "serve", "-h")
	if code != 2 || !strings.Contains(stderr, "-max-depth") || !strings.Contains(stderr, "DIPLOGRAPH_MAX_DEPTH") {
		t.Errorf("diplograph serve -h exited %d, stderr:\n%s\nwant 2 and the flags with their variables", code, stderr)
	}
}
