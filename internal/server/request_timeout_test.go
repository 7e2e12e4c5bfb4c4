package server_test

import (
	"context"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/server"
)

// silentStore answers lists only when the caller's context ends, as a store whose database keeps
// the query unanswered does; it reports whether that context had a deadline.
type silentStore struct {
	kg.Store
	deadline chan bool
}

func (s silentStore) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	_, ok := ctx.Deadline()
	s.deadline <- ok
	<-ctx.Done()
	return nil, kg.Wrap(kg.CodeTimeout, "the store did not answer in time", ctx.Err())
}

// A reader's GraphQL request runs under Config.ReadRequestTimeout: when the store does not answer,
// the request still gets a coded TIMEOUT, before the http.Server's write timeout would close the
// connection without one. Before, the request's context had no deadline and the request waited
// as long as the store did.
func TestReadRequestTimeout(t *testing.T) {
	store := silentStore{deadline: make(chan bool, 10)}
	srv := newTestServer(t, server.Config{ReadRequestTimeout: 300 * time.Millisecond}, store)
	done := make(chan httpResult, 1)
	go func() { done <- srv.query(`{ meetings(first: 1) { edges { node { name } } } }`) }()
	select {
	case res := <-done:
		if codes := res.codes(); len(codes) == 0 || codes[0] != kg.CodeTimeout {
			t.Errorf("a request the store does not answer: codes %v (%s), want %s", codes, res.body, kg.CodeTimeout)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("a request the store does not answer got no answer within 30s (ReadRequestTimeout 300ms)")
	}
	if !<-store.deadline {
		t.Error("the store was called with a context without a deadline")
	}
}
