package main

import (
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/server"
)

func TestAPIConfig(t *testing.T) {
	t.Run("defaults", func(t *testing.T) {
		c := testConfig(t, nil).API
		if err := c.check(); err != nil {
			t.Fatalf("check: %v", err)
		}
		want := APIConfig{
			Env: EnvDevelopment, Introspection: true,
			MaxTokens: server.DefaultMaxTokens, MaxDepth: server.DefaultMaxDepth, MaxComplexity: server.DefaultMaxComplexity,
			MaxAliases: server.DefaultMaxAliases, MaxRootFields: server.DefaultMaxRootFields, MaxMerges: server.DefaultMaxMerges, MaxBodyBytes: 1 << 20,
			ShutdownTimeout: DefaultShutdownTimeout, Neo4jConnectTimeout: DefaultNeo4jConnectTimeout, Neo4jMaxRetryTime: DefaultNeo4jMaxRetryTime,
		}
		if c.String() != want.String() {
			t.Errorf("defaults = %s\nwant       %s", c, want)
		}
		sc := c.ServerConfig()
		if sc.DisableIntrospection || sc.DisableSuggestions {
			t.Errorf("development server config = %+v, want introspection and suggestions on", sc)
		}
	})
	t.Run("environment", func(t *testing.T) {
		c := testConfig(t, map[string]string{
			"DIPLOGRAPH_ENV": "production", "DIPLOGRAPH_INTROSPECTION": "false", "DIPLOGRAPH_MAX_DEPTH": "7",
			"DIPLOGRAPH_MAX_COMPLEXITY": "5000", "DIPLOGRAPH_MAX_ALIASES": "4", "DIPLOGRAPH_MAX_ROOT_FIELDS": "3", "DIPLOGRAPH_MAX_MERGES": "9",
			"DIPLOGRAPH_MAX_TOKENS": "900", "DIPLOGRAPH_MAX_BODY_BYTES": "4096", "DIPLOGRAPH_SHUTDOWN_TIMEOUT": "3s",
			"DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT": "750ms", "DIPLOGRAPH_NEO4J_MAX_RETRY_TIME": "250ms",
		}).API
		if err := c.check(); err != nil {
			t.Fatalf("check: %v", err)
		}
		sc := c.ServerConfig()
		want := server.Limits{MaxTokens: 900, MaxDepth: 7, MaxComplexity: 5000, MaxAliases: 4, MaxRootFields: 3, MaxMerges: 9}
		if sc.Limits != want || sc.MaxBodyBytes != 4096 || !sc.DisableIntrospection || !sc.DisableSuggestions {
			t.Errorf("server config = %+v, want limits %+v, 4096 bytes, introspection and suggestions off", sc, want)
		}
		if c.ShutdownTimeout != 3*time.Second || c.Neo4jConnectTimeout != 750*time.Millisecond || c.Neo4jMaxRetryTime != 250*time.Millisecond {
			t.Errorf("durations = %s", c)
		}
	})
	t.Run("flags override the environment", func(t *testing.T) {
		c := testConfig(t, map[string]string{"DIPLOGRAPH_MAX_DEPTH": "7", "DIPLOGRAPH_ENV": "production"}, "--max-depth", "12", "--env", "development", "--introspection=false").API
		if c.MaxDepth != 12 || c.Env != EnvDevelopment || c.Introspection {
			t.Errorf("config = %s, want the flags' values", c)
		}
	})
	t.Run("bad values are reported", func(t *testing.T) {
		for env, want := range map[string]string{
			"DIPLOGRAPH_MAX_DEPTH":             "DIPLOGRAPH_MAX_DEPTH",
			"DIPLOGRAPH_INTROSPECTION":         "DIPLOGRAPH_INTROSPECTION",
			"DIPLOGRAPH_SHUTDOWN_TIMEOUT":      "DIPLOGRAPH_SHUTDOWN_TIMEOUT",
			"DIPLOGRAPH_ENV":                   "DIPLOGRAPH_ENV",
			"DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT": "DIPLOGRAPH_NEO4J_CONNECT_TIMEOUT",
		} {
			c := testConfig(t, map[string]string{env: "nonsense"}).API
			if err := c.check(); err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s=nonsense: check = %v, want an error naming %s", env, err, want)
			}
		}
		c := testConfig(t, nil, "--max-aliases", "0").API
		if err := c.check(); err == nil || !strings.Contains(err.Error(), "--max-aliases") {
			t.Errorf("--max-aliases 0: check = %v, want an error", err)
		}
		m := &Main{Config: testConfig(t, map[string]string{"DIPLOGRAPH_MAX_TOKENS": "-5"})}
		if err := m.Open(t.Context()); err == nil || !strings.Contains(err.Error(), "DIPLOGRAPH_MAX_TOKENS") {
			t.Errorf("Open with DIPLOGRAPH_MAX_TOKENS=-5 = %v, want a refusal naming it", err)
		}
	})
}
