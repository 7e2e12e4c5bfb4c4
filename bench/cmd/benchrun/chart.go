package main

import (
	"fmt"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

// charts writes <base>-throughput.png (requests/s per system and query, at the first size) and,
// when more than one size ran, <base>-latency.png (p50 of nested against graph size, per system).
func charts(base string, rs []Result) error {
	var systems, queries, sizeNames []string
	for _, r := range rs {
		for _, p := range []struct {
			l *[]string
			v string
		}{{&systems, r.System}, {&queries, r.Query}, {&sizeNames, r.Size}} {
			if !slices.Contains(*p.l, p.v) {
				*p.l = append(*p.l, p.v)
			}
		}
	}
	get := func(sys, q, size string) (Result, bool) {
		for _, r := range rs {
			if r.System == sys && r.Query == q && r.Size == size && r.NA == "" {
				return r, true
			}
		}
		return Result{}, false
	}

	p := plot.New()
	p.Title.Text = fmt.Sprintf("Throughput, graph size %s (closed loop)", sizeNames[0])
	p.Y.Label.Text = "requests/s"
	w := vg.Points(14)
	for i, sys := range systems {
		vals := make(plotter.Values, len(queries))
		for j, q := range queries {
			if r, ok := get(sys, q, sizeNames[0]); ok {
				vals[j] = r.RPS
			}
		}
		bars, err := plotter.NewBarChart(vals, w)
		if err != nil {
			return err
		}
		bars.Color = plotutil.Color(i)
		bars.LineStyle.Width = 0
		bars.Offset = w * vg.Length(float64(i)-float64(len(systems)-1)/2)
		p.Add(bars)
		p.Legend.Add(sys, bars)
	}
	p.Legend.Top = true
	p.NominalX(queries...)
	if err := p.Save(8*vg.Inch, 4*vg.Inch, base+"-throughput.png"); err != nil {
		return err
	}
	if len(sizeNames) < 2 {
		return nil
	}
	l := plot.New()
	l.Title.Text = "nested: p50 latency against graph size (open loop)"
	l.Y.Label.Text = "p50 ms"
	l.X.Label.Text = "graph size (entities)"
	l.X.Scale, l.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{}
	var lines []any
	for _, sys := range systems {
		var pts plotter.XYs
		for _, size := range sizeNames {
			if r, ok := get(sys, "nested", size); ok {
				pts = append(pts, plotter.XY{X: float64(sizes[size]), Y: r.P50ms})
			}
		}
		if len(pts) > 0 {
			lines = append(lines, sys, pts)
		}
	}
	if err := plotutil.AddLinePoints(l, lines...); err != nil {
		return err
	}
	return l.Save(8*vg.Inch, 4*vg.Inch, base+"-latency.png")
}
