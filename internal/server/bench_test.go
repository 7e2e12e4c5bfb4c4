package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime/metrics"
	"syscall"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// benchEntities is the size of the generated graph the benchmarks query.
const benchEntities = 10_000

// nestedQueries are the frontend's shapes of the meeting list: the bench's nested page, the core
// issue's nested query, and a whole page of meeting cards.
var nestedQueries = []struct{ name, query string }{
	// The document `make bench` times as "nested" (bench/cmd/benchrun/queries.go), against the
	// hand-written Cypher floor.
	{"bench nested", `query Nested { meetings(where: {date: {exists: true}}, sort: [{date: ASC}, {id: ASC}], first: 20) { edges { node {
		id name date place { id name } dialogue { id name }
		attendances { role person { id name positions { title organization { id name } } } }
		representations { organization { id name } }
		outcomes { action initiative { id name } } } } } }`},
	{"nested", `{
  meetings(first: 20) { edges { node { attendances { person { positions { organization { name } } } } } } }
}`},
	{"frontend page", `{
  meetings(first: 20, sort: [{ date: DESC }]) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node {
      id name date ordinal
      place { name country { code } }
      dialogue { name acronym }
      attendances { role delegation { code } person { name positions { title organization { name acronym } } } }
      representations { organization { name } delegation { code } }
      outcomes { action initiative { name } }
    } }
  }
}`},
}

// BenchmarkNestedMeetings serves the nested meeting queries through the HTTP handler over both
// stores holding graphgen.Generate(10000), and reports store calls and goroutines started per
// query, the process's CPU per query and, for Neo4j, round trips per query.
func BenchmarkNestedMeetings(b *testing.B) {
	bundle := graphgen.Generate(benchEntities)
	mem, err := memstore.Load(bundle)
	if err != nil {
		b.Fatal(err)
	}
	neo := neo4jtest.Store(b, bundle)
	for _, st := range []struct {
		name  string
		store kg.Store
	}{{"embedded", mem}, {"neo4j", neo}} {
		counting := storetest.NewCounting(st.store)
		h := server.New(server.Config{}, counting, slog.New(slog.NewTextHandler(io.Discard, nil)))
		for _, q := range nestedQueries {
			b.Run(st.name+"/"+q.name, func(b *testing.B) {
				body, _ := json.Marshal(map[string]string{"query": q.query})
				checkMeetingsAnswer(b, h, body)
				counting.Reset()
				var trips0 int64
				if n, ok := st.store.(*neo4jstore.Store); ok {
					trips0 = n.RoundTrips()
				}
				b.ReportAllocs()
				created, cpu0 := goroutinesCreated(), processCPU()
				b.ResetTimer()
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						b.Fatalf("status %d: %s", rec.Code, rec.Body)
					}
				}
				b.StopTimer()
				b.ReportMetric(float64(processCPU()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
				b.ReportMetric(float64(goroutinesCreated()-created)/float64(b.N), "goroutines/op")
				calls := 0
				for _, n := range counting.Calls() {
					calls += n
				}
				b.ReportMetric(float64(calls)/float64(b.N), "storecalls/op")
				if n, ok := st.store.(*neo4jstore.Store); ok {
					b.ReportMetric(float64(n.RoundTrips()-trips0)/float64(b.N), "roundtrips/op")
				}
			})
		}
	}
}

// goroutinesCreated returns how many goroutines the program has started: gqlgen starts one for
// each field it resolves concurrently (a resolver, or a model method taking a context) and each
// element of a list of objects.
func goroutinesCreated() uint64 {
	s := []metrics.Sample{{Name: "/sched/goroutines-created:goroutines"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// processCPU returns the CPU time (user and system) the process has used, in nanoseconds: the
// server's CPU per request, which on a busy machine says more than wall time. For Neo4j it leaves
// out the database's own CPU (another process).
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

// checkMeetingsAnswer runs body once and fails unless it answers 20 meetings without errors and
// with people holding positions, so the benchmark measures real work.
func checkMeetingsAnswer(b *testing.B, h http.Handler, body []byte) {
	b.Helper()
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var res struct {
		Data struct {
			Meetings struct {
				Edges []struct {
					Node struct {
						Attendances []struct {
							Person struct {
								Positions []struct {
									Organization struct{ Name string }
								}
							}
						}
					}
				}
			}
		}
		Errors []any
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil || len(res.Errors) > 0 {
		b.Fatalf("answer: %v %s", err, rec.Body)
	}
	orgs := 0
	for _, e := range res.Data.Meetings.Edges {
		for _, a := range e.Node.Attendances {
			for _, p := range a.Person.Positions {
				if p.Organization.Name != "" {
					orgs++
				}
			}
		}
	}
	if len(res.Data.Meetings.Edges) != 20 || orgs == 0 {
		b.Fatalf("answer has %d meetings and %d organizations, want 20 meetings with some: %s",
			len(res.Data.Meetings.Edges), orgs, rec.Body)
	}
}
