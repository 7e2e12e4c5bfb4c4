// Package neo4jtest connects tests to the real Neo4j that `make test` (or `make neo4j-start`)
// runs. Tests that need Neo4j never skip: without NEO4J_URI they fail and say how to start it.
//
// Neo4j Community has a single database and `go test ./...` runs packages in parallel processes,
// so the first Open of a test binary takes an exclusive lock (named after the URI, in
// os.TempDir()) that it holds until the process exits: test packages that use the same Neo4j run
// one after the other.
package neo4jtest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
)

var (
	lockOnce sync.Once
	lockErr  error
	// held keeps the lock file reachable: a collected *os.File is closed, which would release
	// the lock before the process exits.
	held []*os.File
)

// Open returns the configuration of the test Neo4j from NEO4J_URI, NEO4J_USERNAME,
// NEO4J_PASSWORD and NEO4J_DATABASE, after taking the process-wide lock on that Neo4j. It fails
// the test if NEO4J_URI is not set.
func Open(t testing.TB) neo4jstore.Config {
	t.Helper()
	cfg := neo4jstore.Config{
		URI:      os.Getenv("NEO4J_URI"),
		Username: os.Getenv("NEO4J_USERNAME"),
		Password: os.Getenv("NEO4J_PASSWORD"),
		Database: os.Getenv("NEO4J_DATABASE"),
	}
	if cfg.URI == "" {
		t.Fatal("NEO4J_URI is not set: run `make test`, or `make neo4j-start` and " +
			"export NEO4J_URI=bolt://127.0.0.1:7687 NEO4J_USERNAME=neo4j NEO4J_PASSWORD=password")
	}
	lockOnce.Do(func() { lockErr = lock(cfg.URI) })
	if lockErr != nil {
		t.Fatalf("neo4jtest: cannot lock the test database: %v", lockErr)
	}
	return cfg
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// lock takes the exclusive lock for uri, waiting for other test processes to finish with it.
func lock(uri string) error {
	name := "diplograph-neo4jtest-" + unsafeChars.ReplaceAllString(uri, "_") + ".lock"
	f, err := os.OpenFile(filepath.Join(os.TempDir(), name), os.O_CREATE|os.O_RDWR, 0o666)
	if err != nil {
		return err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return err
	}
	held = append(held, f)
	return nil
}

// LoadActor is the actor Store's import of its bundle records, as memstore.Load does.
const LoadActor = "system:load"

// Store opens a store on the test Neo4j, deletes everything in its database, ensures the schema,
// imports b (when not nil, as LoadActor) and closes the store when the test ends. Any failure
// fails the test.
func Store(t testing.TB, b *kg.Bundle) *neo4jstore.Store {
	t.Helper()
	cfg := Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	s, err := neo4jstore.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("neo4jtest: %v\n(is Neo4j running? `make neo4j-start` starts it)", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	if err := s.DeleteAll(ctx); err != nil {
		t.Fatalf("neo4jtest: wipe the database: %v", err)
	}
	if err := s.EnsureSchema(ctx); err != nil {
		t.Fatalf("neo4jtest: ensure schema: %v", err)
	}
	if b != nil {
		ctx := kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: LoadActor, Authenticated: true})
		if _, err := s.Import(ctx, b, kg.ImportOptions{}); err != nil {
			t.Fatalf("neo4jtest: import: %v", err)
		}
	}
	return s
}
