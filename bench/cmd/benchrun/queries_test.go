package main

import (
	"image/png"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// The answers of @neo4j/graphql and of diplograph to the nested query, in their own shapes and
// list orders, must come out equal, and a changed value must not.
func TestCanonicalMapsShapesAlike(t *testing.T) {
	diplo := `{"data":{"meetings":{"edges":[{"node":{"id":"m1","name":"M","date":"2001",
		"place":{"id":"p","name":"P"},"dialogue":null,
		"attendances":[{"role":"LEAD","person":{"id":"a","name":"A","positions":[{"title":"T","organization":{"id":"o","name":"O"}}]}},
		               {"role":"MEMBER","person":{"id":"b","name":"B","positions":[]}}],
		"representations":[{"organization":{"id":"o","name":"O"}}],
		"outcomes":[{"action":"ADOPTED","initiative":{"id":"i","name":"I"}}]}}]}}}`
	ng := `{"data":{"meetings":[{"id":"m1","name":"M","date":"2001","place":[{"id":"p","name":"P"}],"dialogue":[],
		"attendeesConnection":{"edges":[
			{"properties":{"role":"MEMBER"},"node":{"id":"b","name":"B","positionsConnection":{"edges":[]}}},
			{"properties":{"role":"LEAD"},"node":{"id":"a","name":"A","positionsConnection":{"edges":[{"properties":{"title":"T"},"node":{"id":"o","name":"O"}}]}}}]},
		"representedBy":[{"id":"o","name":"O"}],
		"adopted":[{"id":"i","name":"I"}],"affirmed":[],"reviewed":[],"advanced":[],"applauded":[]}]}}`
	a, err := canonical(sysDiploNeo4j, "nested", []byte(diplo))
	if err != nil {
		t.Fatal(err)
	}
	b, err := canonical(sysNG, "nested", []byte(ng))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("canonical answers differ:\n%s\n%s", a, b)
	}
	c, err := canonical(sysDiploMem, "nested", []byte(`{"data":{"meetings":{"edges":[{"node":{"id":"m2"}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Errorf("different answers compare equal: %s", c)
	}
	if _, err := canonical(sysDiploNeo4j, "point", []byte(`{"errors":[{"message":"x"}],"data":null}`)); err == nil {
		t.Error("an answer with errors was accepted")
	}
}

// The charts of a run over three sizes are written as PNG files, whatever cells are n/a.
func TestCharts(t *testing.T) {
	var rs []Result
	for si, size := range []string{"S", "M", "L"} {
		for qi, q := range []string{"point", "nested", "search", "path", "neighborhood"} {
			for yi, sys := range []string{sysDiploNeo4j, sysDiploMem, sysHand, sysNG} {
				r := Result{System: sys, Query: q, Size: size, RPS: 15 * math.Pow(3, float64(yi+qi)), P50ms: float64(1+si) * float64(1+yi)}
				if sys == sysNG && q != "point" && q != "nested" {
					r = Result{System: sys, Query: q, Size: size, NA: "not expressible"}
				}
				rs = append(rs, r)
			}
		}
	}
	base := filepath.Join(t.TempDir(), "run")
	if d := os.Getenv("BENCH_CHART_DIR"); d != "" {
		base = filepath.Join(d, "run")
	}
	if err := charts(base, rs); err != nil {
		t.Fatal(err)
	}
	// At 96 dpi: three throughput panels of 8 x 3.5 inches one above the other, three latency
	// panels of 5 x 4 inches side by side.
	for name, want := range map[string][2]int{"-throughput.png": {768, 1008}, "-latency.png": {1440, 384}} {
		f, err := os.Open(base + name)
		if err != nil {
			t.Fatal(err)
		}
		cfg, err := png.DecodeConfig(f)
		f.Close()
		if err != nil || cfg.Width != want[0] || cfg.Height != want[1] {
			t.Errorf("%s: %dx%d PNG, %v; want %dx%d", name, cfg.Width, cfg.Height, err, want[0], want[1])
		}
	}
}
