package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/server"
)

// graphqlFence matches a fenced GraphQL block in markdown, as suite.mjs reads them.
var graphqlFence = regexp.MustCompile("(?s)```graphql\n(.*?)```")

// The client suite (tools/client-suite: Apollo Client, urql with Graphcache, graphql-request and
// GraphQL Code Generator, pinned by its package-lock.json) runs a frontend's queries against the
// real server on the built-in data set: it fails on any client warning, incomplete cache read or
// page that repeats or skips, and type-checks the operations of README.md and docs/ with
// `tsc --strict`. `make test` installs the packages; by hand: npm ci --prefix tools/client-suite.
func TestClientSuite(t *testing.T) {
	dir, err := filepath.Abs("../../tools/client-suite")
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is not installed: the client suite needs Node 20 or later")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@apollo", "client")); err != nil {
		t.Fatal("tools/client-suite has no node_modules: run `npm ci --prefix tools/client-suite` (make test does)")
	}
	docs, err := filepath.Glob("../../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	keys, err := server.ParseAPIKeys("editor:" + editorKey)
	if err != nil {
		t.Fatal(err)
	}
	s := newTestServer(t, server.Config{APIKeys: keys}, nil)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	args := append([]string{"--conditions=development", filepath.Join(dir, "suite.mjs"), s.url, editorKey, "../../README.md"}, docs...)
	cmd := exec.CommandContext(ctx, node, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	var report struct {
		Counts     map[string]int
		Documented map[string]int
		Failures   []string
	}
	if err := json.Unmarshal(stdout.Bytes(), &report); err != nil {
		t.Fatalf("suite.mjs: %v; no report (%v):\n%s%s", runErr, err, stdout.String(), stderr.String())
	}
	for _, f := range report.Failures {
		t.Errorf("client suite: %s", f)
	}
	t.Logf("client suite: %v; GraphQL blocks compiled, by file: %v", report.Counts, report.Documented)
	for _, k := range []string{"queries", "pages", "cacheReads", "writes", "operations"} {
		if report.Counts[k] == 0 {
			t.Errorf("the client suite checked no %s: %v", k, report.Counts)
		}
	}
	// Every ```graphql block of the README and docs/ was compiled: none is left out because a page
	// moved or a fence changed.
	for _, f := range append([]string{"../../README.md"}, docs...) {
		md, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if want, got := len(graphqlFence.FindAll(md, -1)), report.Documented[f]; got != want {
			t.Errorf("the client suite compiled %d GraphQL blocks of %s, want its %d", got, f, want)
		}
	}
	if report.Documented["../../docs/frontend.md"] == 0 {
		t.Error("the client suite compiled none of docs/frontend.md's operations")
	}
	if runErr != nil && len(report.Failures) == 0 {
		t.Errorf("suite.mjs exited with %v but reported no failure:\n%s", runErr, stderr.String())
	}
}
