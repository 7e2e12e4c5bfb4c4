package main

import (
	"fmt"
	"math"
	"os"
	"slices"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// latencyQueries are the queries whose p50 the latency chart draws against graph size: those the
// goals say must stay flat (index-backed) from S to L.
var latencyQueries = []string{"point", "nested", "search"}

// charts writes <base>-throughput.png (requests/s per system and query, log scale, a panel per
// size, one above the other) and, when more than one size ran, <base>-latency.png (p50 against graph size per system,
// log scales, a panel per query of latencyQueries).
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

	// Throughput: a dot per system and query (bars cannot start at 0 on a log scale); the
	// systems of a query sit side by side.
	var panels []*plot.Plot
	for _, size := range sizeNames {
		p := plot.New()
		p.Title.Text = fmt.Sprintf("Throughput, size %s (%s entities, closed loop)", size, short(sizes[size]))
		p.Y.Label.Text = "requests/s (log)"
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, ticks125{}
		p.Y.Min, p.Y.Max = math.Inf(1), math.Inf(-1)
		for i, sys := range systems {
			var pts plotter.XYs
			for j, q := range queries {
				if r, ok := get(sys, q, size); ok && r.RPS > 0 {
					pts = append(pts, plotter.XY{X: float64(j) + 0.15*(float64(i)-float64(len(systems)-1)/2), Y: r.RPS})
				}
			}
			if len(pts) == 0 {
				continue
			}
			sc, err := plotter.NewScatter(pts)
			if err != nil {
				return err
			}
			sc.Color = plotutil.Color(i)
			sc.Shape = plotutil.Shape(i)
			sc.Radius = vg.Points(4)
			p.Add(sc)
			p.Legend.Add(sys, sc)
			for _, pt := range pts {
				p.Y.Min, p.Y.Max = min(p.Y.Min, pt.Y), max(p.Y.Max, pt.Y)
			}
		}
		if math.IsInf(p.Y.Min, 1) {
			p.Y.Min, p.Y.Max = 1, 10
		}
		logRoom(&p.Y)
		p.Add(plotter.NewGrid())
		p.Legend.Top, p.Legend.Left = true, false
		p.NominalX(queries...)
		p.X.Min, p.X.Max = -0.5, float64(len(queries))-0.5
		panels = append(panels, p)
	}
	if err := saveTiles(base+"-throughput.png", panels, true, 8*vg.Inch, 3.5*vg.Inch); err != nil {
		return err
	}
	if len(sizeNames) < 2 {
		return nil
	}

	// Latency against graph size.
	panels = nil
	for _, q := range latencyQueries {
		if !slices.Contains(queries, q) {
			continue
		}
		p := plot.New()
		p.Title.Text = q + ": p50 against graph size (open loop)"
		p.Y.Label.Text = "p50 ms (log)"
		p.X.Label.Text = "entities (log)"
		p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
		p.X.Tick.Marker, p.Y.Tick.Marker = sizeTicks(sizeNames), ticks125{}
		var lines []any
		for _, sys := range systems {
			var pts plotter.XYs
			for _, size := range sizeNames {
				if r, ok := get(sys, q, size); ok && r.P50ms > 0 {
					pts = append(pts, plotter.XY{X: float64(sizes[size]), Y: r.P50ms})
				}
			}
			if len(pts) > 0 {
				lines = append(lines, sys, pts)
			}
		}
		if len(lines) == 0 {
			continue
		}
		if err := plotutil.AddLinePoints(p, lines...); err != nil {
			return err
		}
		p.Add(plotter.NewGrid())
		p.Legend.Top = true
		p.X.Min, p.X.Max = p.X.Min/1.5, p.X.Max*1.5
		logRoom(&p.Y)
		panels = append(panels, p)
	}
	if len(panels) == 0 {
		return nil
	}
	return saveTiles(base+"-latency.png", panels, false, 5*vg.Inch, 4*vg.Inch)
}

// logRoom widens a log axis around its data: a little below, and above enough for the legend.
func logRoom(a *plot.Axis) {
	span := a.Max / a.Min
	a.Min, a.Max = a.Min/1.5, a.Max*math.Max(3, math.Pow(span, 0.4))
}

// saveTiles draws panels, each w by h, into one PNG: one above the other, or side by side.
func saveTiles(path string, panels []*plot.Plot, vertical bool, w, h vg.Length) error {
	if len(panels) == 0 {
		return nil
	}
	grid := [][]*plot.Plot{panels}
	rows, cols := 1, len(panels)
	if vertical {
		grid = nil
		for _, p := range panels {
			grid = append(grid, []*plot.Plot{p})
		}
		rows, cols = len(panels), 1
	}
	img := vgimg.New(w*vg.Length(cols), h*vg.Length(rows))
	dc := draw.New(img)
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: vg.Millimeter * 4, PadY: vg.Millimeter * 4, PadTop: vg.Millimeter * 2,
		PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align(grid, tiles, dc)
	for r := range grid {
		for c, p := range grid[r] {
			p.Draw(canvases[r][c])
		}
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// ticks125 marks a log axis at 1, 2 and 5 times each power of ten, labelled.
type ticks125 struct{}

func (ticks125) Ticks(lo, hi float64) []plot.Tick {
	var ts []plot.Tick
	for e := math.Floor(math.Log10(lo)); e <= math.Ceil(math.Log10(hi)); e++ {
		for _, m := range []float64{1, 2, 5} {
			v := m * math.Pow(10, e)
			if v >= lo && v <= hi {
				ts = append(ts, plot.Tick{Value: v, Label: strconv.FormatFloat(v, 'f', -1, 64)})
			}
		}
	}
	return ts
}

// sizeTicks marks the graph sizes that ran on an axis of entities.
func sizeTicks(names []string) plot.ConstantTicks {
	var ts plot.ConstantTicks
	for _, n := range names {
		ts = append(ts, plot.Tick{Value: float64(sizes[n]), Label: n + " " + short(sizes[n])})
	}
	return ts
}

// short writes n as 10k or 1M.
func short(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}
