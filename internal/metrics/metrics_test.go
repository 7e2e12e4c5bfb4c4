package metrics_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/metrics"
	"github.com/diplograph/diplograph/internal/metrics/metricstest"
)

func itoa(i int) string { return strconv.Itoa(i) }

func TestOperationLabelsAreBounded(t *testing.T) {
	m := metrics.New()
	for i := range metrics.MaxOperationNames + 50 {
		m.ObserveRequest("Op"+strings.Repeat("x", i%3)+itoa(i), true, 0)
	}
	m.ObserveRequest("not a name!", true, 0)
	m.ObserveRequest("", false, 0)
	families, _ := m.Registry().Gather()
	labels := map[string]bool{}
	for _, f := range families {
		if f.GetName() == metrics.GraphQLRequests {
			for _, s := range f.Metric {
				for _, l := range s.Label {
					if l.GetName() == "operation" {
						labels[l.GetValue()] = true
					}
				}
			}
		}
	}
	if len(labels) != metrics.MaxOperationNames+2 || !labels[metrics.OperationOther] || !labels[metrics.OperationAnonymous] {
		t.Errorf("%d operation labels, want %d names plus other and anonymous", len(labels), metrics.MaxOperationNames)
	}
	if got := metricstest.Sample(t, m, metrics.GraphQLRequests, map[string]string{"operation": metrics.OperationOther}); got != 51 {
		t.Errorf("requests counted as other = %v, want 51 (50 past the bound and one bad name)", got)
	}
}

func TestNeo4jMetrics(t *testing.T) {
	m := metrics.New()
	m.ObserveNeo4j("read", 3e6, nil)
	m.ObserveNeo4j("read", 2e9, errors.New("connection refused"))
	m.ObserveNeo4j("ping", 1e6, nil)
	for _, tc := range []struct {
		name        string
		op, outcome string
		want        float64
	}{
		{metrics.Neo4jQueries, "read", "ok", 1},
		{metrics.Neo4jQueries, "read", "error", 1},
		{metrics.Neo4jQueries, "ping", "ok", 1},
		{metrics.Neo4jQueryDuration, "read", "error", 1},
	} {
		if got := metricstest.Sample(t, m, tc.name, map[string]string{"op": tc.op, "outcome": tc.outcome}); got != tc.want {
			t.Errorf("%s{op=%s,outcome=%s} = %v, want %v", tc.name, tc.op, tc.outcome, got, tc.want)
		}
	}
}
