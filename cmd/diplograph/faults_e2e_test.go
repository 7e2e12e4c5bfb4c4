package main

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// serveFails runs `diplograph serve` with vars, which must fail before it serves, and returns its
// exit code and standard error.
func serveFails(t *testing.T, vars map[string]string) (int, string) {
	t.Helper()
	all := map[string]string{"DIPLOGRAPH_ADDR": "127.0.0.1:0", "DIPLOGRAPH_LOG_FORMAT": "json"}
	for k, v := range vars {
		all[k] = v
	}
	p := start(t, all, "serve")
	select {
	case <-p.serving:
		hint := ""
		if vars["NEO4J_PASSWORD"] != "" || vars["NEO4J_USERNAME"] != "" {
			hint = "\n(does the test Neo4j run with authentication off? tools/neo4j/start.sh turns it on " +
				"by default: restart it with tools/neo4j/stop.sh and tools/neo4j/start.sh)"
		}
		t.Fatalf("serve with %v started serving, want it to fail%s; stderr:\n%s", redactVars(vars), hint, p.stderr.String())
	case <-p.done:
	case <-time.After(hangGuard):
		t.Fatalf("serve with %v neither served nor failed within %v; stderr:\n%s", redactVars(vars), hangGuard, p.stderr.String())
	}
	return p.code, p.stderr.String()
}

// redactVars returns vars without the password, for messages.
func redactVars(vars map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range vars {
		if k == "NEO4J_PASSWORD" && v != "" {
			v = "****"
		}
		out[k] = v
	}
	return out
}

// TestServeFaults checks that serve, when it cannot use its store or address, exits with code 1
// and one line on stderr besides its JSON log: what failed, where (a URI without credentials)
// and what to check, without the driver's words or a stack trace; the log keeps the detail.
func TestServeFaults(t *testing.T) {
	good := neo4jEnv(t, "")
	with := func(changes map[string]string) map[string]string {
		env := map[string]string{}
		for k, v := range good {
			env[k] = v
		}
		for k, v := range changes {
			env[k] = v
		}
		return env
	}
	closed := closedPort(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	cases := []struct {
		name    string
		env     map[string]string
		line    []string // what the one line must say
		secrets []string // what stderr must never contain
	}{
		{name: "wrong password", env: with(map[string]string{"NEO4J_PASSWORD": "not-the-password"}),
			line:    []string{"refused the credentials", good["NEO4J_URI"], "NEO4J_USERNAME", "NEO4J_PASSWORD"},
			secrets: []string{"not-the-password"}},
		{name: "unknown user", env: with(map[string]string{"NEO4J_USERNAME": "mallory"}),
			line: []string{"refused the credentials", good["NEO4J_URI"], "NEO4J_USERNAME"}},
		{name: "unreachable bolt URI", env: with(map[string]string{"NEO4J_URI": "bolt://" + closed}),
			line: []string{"cannot reach Neo4j at bolt://" + closed, "running", "reachable", "NEO4J_URI"}},
		{name: "unreachable neo4j URI", env: with(map[string]string{"NEO4J_URI": "neo4j://" + closed}),
			line: []string{"cannot reach Neo4j at neo4j://" + closed, "NEO4J_URI"}},
		{name: "credentials in the URI stay hidden", env: with(map[string]string{"NEO4J_URI": "bolt://alice:s3cret@" + closed}),
			line: []string{"bolt://" + closed}, secrets: []string{"s3cret"}},
		{name: "missing database", env: with(map[string]string{"NEO4J_DATABASE": "nope"}),
			line: []string{`no database "nope"`, good["NEO4J_URI"], "NEO4J_DATABASE"}},
		{name: "not a Neo4j URI", env: with(map[string]string{"NEO4J_URI": "http://" + closed}),
			line: []string{"http://" + closed, "bolt://host:port"}},
		{name: "address in use", env: map[string]string{"DIPLOGRAPH_ADDR": busy.Addr().String()},
			line: []string{"listen on " + busy.Addr().String(), "address already in use"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stderr := serveFails(t, tc.env)
			if code != 1 {
				t.Errorf("serve exited with %d, want 1; stderr:\n%s", code, stderr)
			}
			records, other := logRecords(stderr)
			if len(other) != 1 {
				t.Fatalf("serve wrote %d lines besides its log, want 1:\n%s", len(other), strings.Join(other, "\n"))
			}
			line := other[0]
			if !strings.HasPrefix(line, "diplograph: ") {
				t.Errorf("the error line %q does not start with \"diplograph: \"", line)
			}
			for _, want := range tc.line {
				if !strings.Contains(line, want) {
					t.Errorf("the error line %q does not say %q", line, want)
				}
			}
			for _, leak := range []string{"Neo4jError", "ConnectivityError", "goroutine", "panic", ".go:"} {
				if strings.Contains(line, leak) {
					t.Errorf("the error line %q shows internals (%q)", line, leak)
				}
			}
			for _, secret := range tc.secrets {
				if strings.Contains(stderr, secret) {
					t.Errorf("stderr shows the secret %q:\n%s", secret, stderr)
				}
			}
			failed := 0
			for _, r := range records {
				if r["msg"] == "cannot start" && r["level"] == "ERROR" && r["error"] != "" {
					failed++
				}
			}
			if failed != 1 {
				t.Errorf("serve logged %d \"cannot start\" errors with the detail, want 1:\n%s", failed, stderr)
			}
		})
	}
}

// TestServeKeepsExistingData checks that serve on a Neo4j that already holds data serves that
// data as it is and does not load the built-in dataset into it.
func TestServeKeepsExistingData(t *testing.T) {
	s := neo4jtest.Store(t, storetest.Fixture())
	before := dumpOf(t, s)
	url, p := serve(t, neo4jEnv(t, ""))
	if n := len(logged(p.stderr.String(), "seeded an empty Neo4j with the built-in dataset")); n != 0 {
		t.Errorf("serve seeded a Neo4j that holds data; stderr:\n%s", p.stderr.String())
	}
	got := strings.TrimSpace(string(post(t, url, `{
  builtin: entity(id: "person:katie-tobin") { id }
  fixture: entity(id: "person:claire-tremblay") { id }
}`, nil)))
	want := `{"data":{"builtin":null,"fixture":{"id":"person:claire-tremblay"}}}`
	if got != want {
		t.Errorf("serve on the fixture answers %s, want %s", got, want)
	}
	if after := dumpOf(t, s); after != before {
		t.Errorf("serve changed the data:\n%s\nwant\n%s", after, before)
	}
}
