// Package metrics holds diplograph's Prometheus metrics: GraphQL requests by operation and outcome,
// errors by code, and Neo4j queries by kind and outcome. Each Metrics has a registry of its own, so
// tests can build as many servers as they like; the HTTP layer and the Neo4j store report into it
// through plain methods and never import Prometheus themselves.
package metrics

import (
	"net/http"
	"regexp"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Metric names, for the README and for tests.
const (
	GraphQLRequests        = "diplograph_graphql_requests_total"
	GraphQLRequestDuration = "diplograph_graphql_request_duration_seconds"
	GraphQLErrors          = "diplograph_graphql_errors_total"
	Neo4jQueries           = "diplograph_neo4j_queries_total"
	Neo4jQueryDuration     = "diplograph_neo4j_query_duration_seconds"
)

// Outcome label values.
const (
	OutcomeOK    = "ok"
	OutcomeError = "error"
)

// MaxOperationNames bounds the distinct operation labels kept. Operation names are chosen by
// clients, so without a bound anyone on the internet could grow the metrics without end; names
// past the bound are counted as "other".
const MaxOperationNames = 200

// Operation label values that are not a client's operation name.
const (
	OperationAnonymous = "anonymous" // an operation without a name
	OperationOther     = "other"     // past MaxOperationNames, or not a plain GraphQL name
)

// Metrics is the set of diplograph metrics in a registry of its own. It is safe for concurrent use.
type Metrics struct {
	reg             *prometheus.Registry
	requests        *prometheus.CounterVec
	requestDuration *prometheus.HistogramVec
	errors          *prometheus.CounterVec
	neo4jQueries    *prometheus.CounterVec
	neo4jDuration   *prometheus.HistogramVec

	mu         sync.Mutex
	operations map[string]bool
}

// New returns a Metrics with every diplograph metric registered, along with the Go runtime and
// process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: GraphQLRequests,
			Help: "GraphQL requests served, by operation name and outcome (ok: no error in the response).",
		}, []string{"operation", "outcome"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    GraphQLRequestDuration,
			Help:    "Time to serve a GraphQL request, by operation name and outcome.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation", "outcome"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: GraphQLErrors,
			Help: "Errors returned to clients, by extensions.code.",
		}, []string{"code"}),
		neo4jQueries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: Neo4jQueries,
			Help: "Queries and transactions sent to Neo4j, by kind (read, write, ping, schema) and outcome.",
		}, []string{"op", "outcome"}),
		neo4jDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    Neo4jQueryDuration,
			Help:    "Time of one Neo4j query or transaction, retries included, by kind and outcome.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"op", "outcome"}),
		operations: map[string]bool{},
	}
	m.reg.MustRegister(m.requests, m.requestDuration, m.errors, m.neo4jQueries, m.neo4jDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Registry returns the registry the metrics are in, for tests and for adding collectors.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveRequest records one GraphQL request of the named operation ("" when anonymous) that took
// d and ended with (ok) or without (!ok) an error-free response.
func (m *Metrics) ObserveRequest(operation string, ok bool, d time.Duration) {
	op, outcome := m.operationLabel(operation), outcomeLabel(ok)
	m.requests.WithLabelValues(op, outcome).Inc()
	m.requestDuration.WithLabelValues(op, outcome).Observe(d.Seconds())
}

// ObserveError records one error returned to a client with extensions.code code.
func (m *Metrics) ObserveError(code string) {
	if !codePattern.MatchString(code) {
		code = "OTHER"
	}
	m.errors.WithLabelValues(code).Inc()
}

// ObserveNeo4j records one query or transaction of kind op sent to Neo4j that took d and failed
// with err (nil on success). Its signature is that of neo4jstore.Config.Observer.
func (m *Metrics) ObserveNeo4j(op string, d time.Duration, err error) {
	outcome := outcomeLabel(err == nil)
	m.neo4jQueries.WithLabelValues(op, outcome).Inc()
	m.neo4jDuration.WithLabelValues(op, outcome).Observe(d.Seconds())
}

var (
	namePattern = regexp.MustCompile(`^[_A-Za-z][_0-9A-Za-z]{0,63}$`)
	codePattern = regexp.MustCompile(`^[A-Z][A-Z0-9_]{0,63}$`)
)

// operationLabel returns the label for operation name: the name itself while fewer than
// MaxOperationNames distinct names have been seen, else "other".
func (m *Metrics) operationLabel(name string) string {
	if name == "" {
		return OperationAnonymous
	}
	if !namePattern.MatchString(name) {
		return OperationOther
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.operations[name] {
		return name
	}
	if len(m.operations) >= MaxOperationNames {
		return OperationOther
	}
	m.operations[name] = true
	return name
}

func outcomeLabel(ok bool) string {
	if ok {
		return OutcomeOK
	}
	return OutcomeError
}
