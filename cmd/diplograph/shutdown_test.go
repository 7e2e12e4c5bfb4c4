package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// gatedStore holds every Search until release is closed, and records the order of events.
type gatedStore struct {
	kg.Store
	entered chan struct{} // closed when the first Search starts
	release chan struct{}
	once    sync.Once

	mu     sync.Mutex
	events []string
}

func (s *gatedStore) note(e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.events = append(s.events, e)
}

func (s *gatedStore) Search(ctx context.Context, q kg.SearchQuery) ([]kg.SearchHit, error) {
	s.once.Do(func() { close(s.entered) })
	<-s.release
	hits, err := s.Store.Search(ctx, q)
	s.note("search done")
	return hits, err
}

func (s *gatedStore) Close(ctx context.Context) error {
	s.note("store closed")
	return s.Store.Close(ctx)
}

// Close lets a request that is in flight finish and answer, refuses new connections meanwhile, and
// closes the store only after the request is done.
func TestGracefulShutdownDrainsInFlightRequests(t *testing.T) {
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	mem, err := memstore.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	store := &gatedStore{Store: mem, entered: make(chan struct{}), release: make(chan struct{})}
	m := &Main{Config: testConfig(t, nil), Store: store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if err := m.Open(t.Context()); err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- m.Serve() }()
	base := m.URL()

	type answer struct {
		res gqlResult
		err error
	}
	inFlight := make(chan answer, 1)
	go func() {
		res, err := postQuery(http.DefaultClient, base, `{ search(query: "Poynter") { entity { id } } }`)
		inFlight <- answer{res, err}
	}()
	<-store.entered

	closed := make(chan error, 1)
	go func() { closed <- m.Close() }()

	// Once shutdown has begun, new connections are refused.
	fresh := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 2 * time.Second}
	if !waitFor(10*time.Second, func() bool {
		res, err := fresh.Get(base + "/healthz")
		if err == nil {
			res.Body.Close()
		}
		return err != nil
	}) {
		t.Fatal("the server still accepts connections after Close began")
	}
	select {
	case err := <-closed:
		t.Fatalf("Close returned (%v) while a request was still in flight", err)
	default:
	}

	close(store.release)
	a := <-inFlight
	if a.err != nil {
		t.Fatalf("the in-flight request failed during shutdown: %v", a.err)
	}
	if a.res.Status != http.StatusOK || len(a.res.Errors) > 0 || !strings.Contains(string(a.res.Data), "person:rachel-poynter") {
		t.Errorf("the in-flight request answered %d %s %v, want 200 with Rachel Poynter", a.res.Status, a.res.Data, a.res.codes())
	}
	if err := <-closed; err != nil {
		t.Errorf("Close = %v, want nil", err)
	}
	if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
		t.Errorf("Serve = %v, want nil after a graceful shutdown", err)
	}
	store.mu.Lock()
	defer store.mu.Unlock()
	if strings.Join(store.events, ", ") != "search done, store closed" {
		t.Errorf("events = %q, want the search to finish before the store is closed", store.events)
	}
}
