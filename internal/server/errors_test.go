package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/server"
)

// What a store failure may carry that must never reach a client: driver text, addresses, file
// paths, stack traces.
const (
	driverText = "Neo.DatabaseError.Statement.ExecutionFailed: java.lang.OutOfMemoryError"
	address    = "10.20.30.40:7687"
	filePath   = "/srv/diplograph/internal/neo4jstore/read.go:42"
)

var secrets = []string{driverText, address, filePath, "goroutine ", "runtime/debug", ".go:", "panic"}

// faultyStore fails the way its mode says, on every call but Ping and Close.
type faultyStore struct {
	kg.Store
	mode string // "panic", "panic-relations", "coded", "uncoded"
}

func (s faultyStore) fail() error {
	cause := fmt.Errorf("%s at %s (%s)", driverText, address, filePath)
	switch s.mode {
	case "panic":
		panic(cause)
	case "coded":
		return kg.Wrap(kg.CodeServiceUnavailable, "Neo4j is unavailable for now; try again later", cause)
	default:
		return cause
	}
}

func (s faultyStore) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	return nil, s.fail()
}

func (s faultyStore) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	if s.mode == "panic-relations" {
		// Leave the nested fields to a batched Expand of their own, which panics.
		q.Expand = nil
		return s.Store.ListEntities(ctx, q)
	}
	return nil, s.fail()
}

func (s faultyStore) Relations(ctx context.Context, q kg.RelationQuery) ([][]*kg.Relation, error) {
	if s.mode == "panic-relations" {
		panic(fmt.Errorf("%s (%s)", driverText, filePath))
	}
	return nil, s.fail()
}

func (s faultyStore) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	if s.mode == "panic-relations" {
		panic(fmt.Errorf("%s (%s)", driverText, filePath))
	}
	return nil, s.fail()
}

// panicPingStore panics outside any resolver, in the readiness probe.
type panicPingStore struct{ kg.Store }

func (panicPingStore) Ping(context.Context) error { panic("ping exploded at " + filePath) }

func TestErrorHygiene(t *testing.T) {
	mem, err := memstore.Load(builtin(t)())
	if err != nil {
		t.Fatal(err)
	}
	for i, tc := range []struct {
		name, mode, query string
		wantCode          string
		wantErrors        int
	}{
		{"panic in a store call", "panic", `{ search(query: "x") { score } }`, kg.CodeInternal, 1},
		{"uncoded store error", "uncoded", `{ search(query: "x") { score } }`, kg.CodeInternal, 1},
		{"coded store error", "coded", `{ search(query: "x") { score } }`, kg.CodeServiceUnavailable, 1},
		// Every sibling whose batch panicked gets the error, none an empty list as if nothing were found.
		{"panic in a batched nested call", "panic-relations", `{ people(first: 3, sort: [{name: ASC}]) { edges { node { name positions { title } } } } }`, kg.CodeInternal, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestServer(t, server.Config{}, faultyStore{Store: mem, mode: tc.mode})
			id := "req-" + itoa(i)
			r := s.query(tc.query, "X-Request-Id: "+id)
			if len(r.errors) != tc.wantErrors {
				t.Fatalf("%d errors, want %d: %s", len(r.errors), tc.wantErrors, r.body)
			}
			for _, e := range r.errors {
				if e.Extensions["code"] != tc.wantCode {
					t.Errorf("code %v, want %s: %s", e.Extensions["code"], tc.wantCode, r.body)
				}
				if tc.wantCode == kg.CodeInternal && !strings.Contains(e.Message, id) {
					t.Errorf("message %q does not give the request id %s", e.Message, id)
				}
			}
			for _, secret := range secrets {
				if strings.Contains(r.body, secret) {
					t.Errorf("the response reveals %q: %s", secret, r.body)
				}
			}
			logs := s.log.String()
			if !strings.Contains(logs, driverText) || !strings.Contains(logs, id) {
				t.Errorf("the log lacks the cause or the request id:\n%s", logs)
			}
			if strings.HasPrefix(tc.mode, "panic") && !strings.Contains(logs, "goroutine ") {
				t.Errorf("the log lacks the panic's stack:\n%s", logs)
			}
		})
	}

	t.Run("panic outside GraphQL", func(t *testing.T) {
		s := newTestServer(t, server.Config{}, panicPingStore{mem})
		r := s.do(s.request(http.MethodGet, "/readyz", nil, "X-Request-Id: req-readyz"))
		if r.status != http.StatusInternalServerError || r.code(t) != kg.CodeInternal || !strings.Contains(r.errors[0].Message, "req-readyz") {
			t.Errorf("GET /readyz with a panicking store = %d %s, want 500 INTERNAL with the request id", r.status, r.body)
		}
		for _, secret := range secrets {
			if strings.Contains(r.body, secret) {
				t.Errorf("the response reveals %q: %s", secret, r.body)
			}
		}
		if !strings.Contains(s.log.String(), "ping exploded") {
			t.Errorf("the log lacks the panic")
		}
	})
}

// Every error a client can meet carries extensions.code: a sweep over refusals from each layer.
func TestEveryErrorIsCoded(t *testing.T) {
	s := newTestServer(t, server.Config{APIKeys: []server.APIKey{{Role: kg.RoleAdmin, Key: "admin-key-0123456789"}}}, nil)
	requests := []*http.Request{
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ people {"}`), "Content-Type: application/json"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ nope }"}`), "Content-Type: application/json"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ __typename }"}`), "Content-Type: application/json", "Authorization: Bearer wrong-key-0123456789"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ __typename }"}`), "Content-Type: text/plain"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"query": "{ __typename }"}`), "Content-Type: application/json", "Accept: text/html"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`nope`), "Content-Type: application/json"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"extensions": {"persistedQuery": {"version": 1, "sha256Hash": "ab"}}}`), "Content-Type: application/json"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"extensions": {"persistedQuery": {"version": 2, "sha256Hash": "ab"}}}`), "Content-Type: application/json"),
		s.request(http.MethodPost, "/graphql", strings.NewReader(`{"query": "query($n: Int!) { people(first: $n) { totalCount } }", "variables": {"n": "x"}}`), "Content-Type: application/json"),
		s.request(http.MethodGet, "/graphql?query=mutation%7B__typename%7D", nil),
		s.request(http.MethodPatch, "/graphql", nil),
	}
	for _, req := range requests {
		r := s.do(req)
		if len(r.errors) == 0 {
			t.Errorf("%s %s: no errors (%d %s), want a refusal", req.Method, req.URL, r.status, r.body)
			continue
		}
		for _, c := range r.codes() {
			if c == "" {
				t.Errorf("%s %s: an error without extensions.code: %s", req.Method, req.URL, r.body)
			}
		}
	}
}
