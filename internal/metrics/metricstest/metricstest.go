// Package metricstest reads diplograph's metrics in tests.
package metricstest

import (
	"testing"

	"github.com/diplograph/diplograph/internal/metrics"
)

// Sample returns the value of the counter, or the sample count of the histogram, of family name
// whose labels include labels; 0 when there is none.
func Sample(t testing.TB, m *metrics.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	next:
		for _, metric := range f.Metric {
			got := map[string]string{}
			for _, l := range metric.Label {
				got[l.GetName()] = l.GetValue()
			}
			for k, v := range labels {
				if got[k] != v {
					continue next
				}
			}
			if metric.Counter != nil {
				return metric.Counter.GetValue()
			}
			return float64(metric.Histogram.GetSampleCount())
		}
	}
	return 0
}
