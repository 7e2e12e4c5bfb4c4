package memstore

import (
	"cmp"
	"context"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The exploration operations of kg.Explorer, over the adjacency lists: breadth-first search for
// distances, a greedy walk down the distance layers for the shortest path, and a depth-first
// enumeration pruned by those distances for simple paths. Neighbours are visited in path order
// (by the id of the entity reached, then the relation), so the first path found is the first in
// that order and no sort of the answers is needed.

// exploreCheckEvery is how many relations a search may look at between checks of ctx's deadline.
const exploreCheckEvery = 256

// walker is the state of one exploration: which relations and entities it may use, and the
// sorted neighbour lists it has built so far. The caller holds graph.mu for reading.
type walker struct {
	g      *graph
	ctx    context.Context
	types  []string
	kinds  []kg.Kind
	avoid  map[*node]bool
	sorted map[*node][]link
	// steps counts the relations looked at, checked the count at the last deadline check.
	steps, checked int
}

func (s *graph) newWalker(ctx context.Context, types []string, kinds []kg.Kind, avoid []string) *walker {
	w := &walker{g: s, ctx: ctx, types: types, kinds: kinds, sorted: map[*node][]link{}}
	if len(avoid) > 0 {
		w.avoid = map[*node]bool{}
		for _, id := range avoid {
			if n, ok := s.nodes[id]; ok {
				w.avoid[n] = true
			}
		}
	}
	return w
}

// tick fails with kg.OutOfTime once ctx is done; it looks at ctx only every exploreCheckEvery
// relations.
func (w *walker) tick() error {
	if w.steps-w.checked < exploreCheckEvery {
		return nil
	}
	w.checked = w.steps
	return exploreDeadline(w.ctx)
}

func exploreDeadline(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return kg.OutOfTime(err)
	}
	return nil
}

// allowed reports whether the walk may enter n.
func (w *walker) allowed(n *node) bool {
	return !w.avoid[n] && (len(w.kinds) == 0 || slices.Contains(w.kinds, n.entity.Kind))
}

// each calls yield with every edge of n the walk may take, in no particular order.
func (w *walker) each(n *node, yield func(link)) {
	w.g.eachEdge(n, true, true, w.types, func(e link) bool {
		w.steps++
		if w.allowed(e.other) {
			yield(e)
		}
		return true
	})
}

// neighbours returns the edges of n the walk may take in path order: by the id of the entity at
// the other end, then by relation (type, From, To).
func (w *walker) neighbours(n *node) []link {
	if es, ok := w.sorted[n]; ok {
		return es
	}
	var es []link
	w.each(n, func(e link) { es = append(es, e) })
	slices.SortFunc(es, func(a, b link) int {
		if a.other != b.other {
			return strings.Compare(a.other.entity.ID, b.other.entity.ID)
		}
		return w.g.compareRels(a.rel, b.rel)
	})
	w.sorted[n] = es
	return es
}

// distances returns the distance from start of every entity the walk reaches within maxDepth
// relations. With stop set, it returns as soon as stop has a distance: every entity nearer to
// start than stop has its distance by then.
func (w *walker) distances(start *node, maxDepth int, stop *node) (map[*node]int, error) {
	dist := map[*node]int{start: 0}
	level := []*node{start}
	for d := 1; d <= maxDepth && len(level) > 0; d++ {
		var next []*node
		for _, n := range level {
			if err := w.tick(); err != nil {
				return nil, err
			}
			w.each(n, func(e link) {
				if _, seen := dist[e.other]; !seen {
					dist[e.other] = d
					next = append(next, e.other)
				}
			})
			if _, found := dist[stop]; stop != nil && found {
				return dist, nil
			}
		}
		level = next
	}
	return dist, nil
}

// ShortestPath returns the first shortest path from q.From to q.To in path order
// (kg.ComparePaths), or nil. A breadth-first search from both ends finds the length of the
// shortest paths, the entities on them are marked with their position, and a walk from q.From
// takes at every step the first neighbour, in path order, one position further.
func (s *graph) ShortestPath(ctx context.Context, q kg.PathQuery) (*kg.Path, error) {
	if err := q.Validate(false); err != nil {
		return nil, err
	}
	from, to := s.nodes[q.From], s.nodes[q.To]
	if from == nil || to == nil {
		return nil, nil
	}
	if from == to {
		return s.newPath([]*node{from}, nil), nil
	}
	w := s.newWalker(ctx, q.Types, nil, q.AvoidSet())
	distFrom, distTo, d, err := w.meet(from, to, q.MaxHops)
	if err != nil || d < 0 {
		return nil, err
	}
	pos, err := w.onShortestPaths(distFrom, distTo, d)
	if err != nil {
		return nil, err
	}
	nodes, rels := []*node{from}, []*rel{}
	for cur, k := from, 0; k < d; k++ {
		for _, e := range w.neighbours(cur) {
			if p, ok := pos[e.other]; ok && p == k+1 {
				nodes, rels, cur = append(nodes, e.other), append(rels, e.rel), e.other
				break
			}
		}
	}
	return s.newPath(nodes, rels), nil
}

// meet runs breadth-first searches from a and from b, a whole level at a time on the side with
// the smaller frontier, until they meet or maxHops is spent. It returns the distances each found
// and d, the length of the shortest paths between a and b (-1 if none is within maxHops).
//
// When a level of one side first reaches the other side's entities, the distance is exactly
// that level plus the other side's depth: before it the two balls were apart, so no path was
// shorter.
func (w *walker) meet(a, b *node, maxHops int) (distA, distB map[*node]int, d int, err error) {
	distA, distB = map[*node]int{a: 0}, map[*node]int{b: 0}
	frontA, frontB := []*node{a}, []*node{b}
	depthA, depthB := 0, 0
	for depthA+depthB < maxHops && len(frontA) > 0 && len(frontB) > 0 {
		mine, other, front, depth := distA, distB, &frontA, &depthA
		if len(frontB) < len(frontA) {
			mine, other, front, depth = distB, distA, &frontB, &depthB
		}
		best := -1
		var next []*node
		for _, n := range *front {
			if err := w.tick(); err != nil {
				return nil, nil, -1, err
			}
			w.each(n, func(e link) {
				if _, seen := mine[e.other]; seen {
					return
				}
				mine[e.other] = *depth + 1
				next = append(next, e.other)
				if od, ok := other[e.other]; ok && (best < 0 || *depth+1+od < best) {
					best = *depth + 1 + od
				}
			})
		}
		*front, *depth = next, *depth+1
		if best >= 0 {
			return distA, distB, best, nil
		}
	}
	return distA, distB, -1, nil
}

// onShortestPaths returns the entities on shortest paths (of length d) between the two ends of
// meet's searches, each with its position on them (its distance from the first end). It starts
// from the layer where the searches met, where both distances are known, and follows distA down
// to the first end and distB up to the second.
func (w *walker) onShortestPaths(distA, distB map[*node]int, d int) (map[*node]int, error) {
	pos := map[*node]int{}
	layers := make([][]*node, d+1)
	for n, x := range distA {
		if y, ok := distB[n]; ok && x+y == d {
			pos[n] = x
			layers[x] = append(layers[x], n)
		}
	}
	// mark adds the neighbours of the entities at position p whose distance in dist is want, at
	// position q.
	mark := func(p, q int, dist map[*node]int, want int) error {
		for _, n := range layers[p] {
			if err := w.tick(); err != nil {
				return err
			}
			w.each(n, func(e link) {
				if dd, ok := dist[e.other]; ok && dd == want {
					if _, done := pos[e.other]; !done {
						pos[e.other] = q
						layers[q] = append(layers[q], e.other)
					}
				}
			})
		}
		return nil
	}
	for p := d; p >= 1; p-- {
		if err := mark(p, p-1, distA, p-1); err != nil {
			return nil, err
		}
	}
	for p := 0; p < d; p++ {
		if err := mark(p, p+1, distB, d-p-1); err != nil {
			return nil, err
		}
	}
	return pos, nil
}

// Paths returns the first q.Limit simple paths from q.From to q.To in path order
// (kg.ComparePaths).
func (s *graph) Paths(ctx context.Context, q kg.PathQuery) ([]*kg.Path, error) {
	if err := q.Validate(true); err != nil {
		return nil, err
	}
	out := []*kg.Path{}
	from, to := s.nodes[q.From], s.nodes[q.To]
	if from == nil || to == nil {
		return out, nil
	}
	if from == to {
		return append(out, s.newPath([]*node{from}, nil)), nil
	}
	w := s.newWalker(ctx, q.Types, nil, q.AvoidSet())
	// Distances to To bound the search: a step may go only where To is still within reach.
	dist, err := w.distances(to, q.MaxHops, nil)
	if err != nil {
		return nil, err
	}
	shortest, ok := dist[from]
	if !ok {
		return out, nil
	}
	e := &enumeration{w: w, to: to, dist: dist, limit: q.Limit, onPath: map[*node]bool{from: true}, nodes: []*node{from}}
	// One length at a time, so that shorter paths come first; within a length, the depth-first
	// walk over sorted neighbours finds paths in path order.
	for length := shortest; length <= q.MaxHops && len(e.out) < q.Limit; length++ {
		if err := e.walk(from, length); err != nil {
			return nil, err
		}
	}
	return e.out, nil
}

// enumeration is a depth-first search for the simple paths to one entity.
type enumeration struct {
	w      *walker
	to     *node
	dist   map[*node]int
	limit  int
	onPath map[*node]bool
	nodes  []*node
	rels   []*rel
	out    []*kg.Path
}

// walk extends the current path from u by exactly left more relations, recording every path that
// ends at the target, until limit paths are found.
func (e *enumeration) walk(u *node, left int) error {
	if err := e.w.tick(); err != nil {
		return err
	}
	if u == e.to || left == 0 {
		if u == e.to && left == 0 {
			e.out = append(e.out, e.w.g.newPath(e.nodes, e.rels))
		}
		return nil
	}
	for _, ed := range e.w.neighbours(u) {
		v := ed.other
		if d, ok := e.dist[v]; !ok || d > left-1 || e.onPath[v] {
			continue
		}
		e.onPath[v] = true
		e.nodes, e.rels = append(e.nodes, v), append(e.rels, ed.rel)
		err := e.walk(v, left-1)
		e.nodes, e.rels = e.nodes[:len(e.nodes)-1], e.rels[:len(e.rels)-1]
		delete(e.onPath, v)
		if err != nil || len(e.out) >= e.limit {
			return err
		}
	}
	return nil
}

func (s *graph) newPath(nodes []*node, rels []*rel) *kg.Path {
	p := &kg.Path{Nodes: make([]*kg.Entity, len(nodes)), Relations: make([]*kg.Relation, len(rels))}
	for i, n := range nodes {
		p.Nodes[i] = cloneEntity(n.entity)
	}
	for i, r := range rels {
		p.Relations[i] = s.relationOf(r)
	}
	return p
}

// Neighborhood returns the entities within q.Hops of q.ID and the relations between them, as
// kg.NeighborhoodQuery describes.
func (s *graph) Neighborhood(ctx context.Context, q kg.NeighborhoodQuery) (*kg.Subgraph, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	g := &kg.Subgraph{Nodes: []*kg.Entity{}, Relations: []*kg.Relation{}}
	center := s.nodes[q.ID]
	if center == nil {
		return g, nil
	}
	w := s.newWalker(ctx, q.Types, q.Kinds, nil)
	dist, err := w.distances(center, q.Hops, nil)
	if err != nil {
		return nil, err
	}
	type ranked struct {
		n            *node
		dist, degree int
	}
	rs := make([]ranked, 0, len(dist))
	for n, d := range dist {
		degree := 0
		w.each(n, func(link) { degree++ })
		rs = append(rs, ranked{n, d, degree})
	}
	slices.SortFunc(rs, func(a, b ranked) int {
		return cmp.Or(cmp.Compare(a.dist, b.dist), cmp.Compare(b.degree, a.degree), strings.Compare(a.n.entity.ID, b.n.entity.ID))
	})
	rs = rs[:min(len(rs), q.Limit)]
	kept := make(map[*node]bool, len(rs))
	for _, r := range rs {
		kept[r.n] = true
		g.Nodes = append(g.Nodes, cloneEntity(r.n.entity))
	}
	for _, r := range rs {
		s.eachEdge(r.n, true, false, q.Types, func(e link) bool {
			if kept[e.other] {
				g.Relations = append(g.Relations, s.relationOf(e.rel))
			}
			return true
		})
	}
	slices.SortFunc(g.Relations, compareRelations)
	return g, nil
}

// CommonConnections returns the entities related to both q.A and q.B, most connected first.
func (s *graph) CommonConnections(ctx context.Context, q kg.CommonQuery) ([]*kg.Entity, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	out := []*kg.Entity{}
	a, b := s.nodes[q.A], s.nodes[q.B]
	if a == nil || b == nil {
		return out, nil
	}
	count := func(n *node) map[*node]int {
		m := map[*node]int{}
		s.eachEdge(n, true, true, nil, func(e link) bool {
			m[e.other]++
			return true
		})
		return m
	}
	ca, cb := count(a), count(b)
	type ranked struct {
		n     *node
		count int
	}
	var rs []ranked
	for n, k := range ca {
		if kb, ok := cb[n]; ok && n != a && n != b {
			rs = append(rs, ranked{n, k + kb})
		}
	}
	slices.SortFunc(rs, func(x, y ranked) int {
		return cmp.Or(cmp.Compare(y.count, x.count), strings.Compare(x.n.entity.Name, y.n.entity.Name), strings.Compare(x.n.entity.ID, y.n.entity.ID))
	})
	for _, r := range rs[:min(len(rs), q.Limit)] {
		out = append(out, cloneEntity(r.n.entity))
	}
	return out, nil
}

// Timeline returns the meetings of q in timeline order (kg.CompareTimeline), each with the ways
// the entity took part, as kg.TimelineQuery describes.
func (s *graph) Timeline(ctx context.Context, q kg.TimelineQuery) ([]*kg.TimelineEntry, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var entries []*kg.TimelineEntry
	if q.ID == "" {
		for _, m := range s.byKind[kg.KindMeeting] {
			entries = append(entries, &kg.TimelineEntry{Meeting: m.entity})
		}
	} else if n := s.nodes[q.ID]; n != nil {
		entries = s.meetingsOf(n, q.Direct)
	}
	var kept []*kg.TimelineEntry
	for _, e := range entries {
		if kg.InDateRange(e.Meeting.Prop(kg.PropDate), q.From, q.To) {
			kept = append(kept, e)
		}
	}
	slices.SortFunc(kept, kg.TimelineOrder)
	out := make([]*kg.TimelineEntry, 0, min(len(kept), q.Limit))
	for _, e := range kept[:min(len(kept), q.Limit)] {
		out = append(out, &kg.TimelineEntry{Meeting: cloneEntity(e.Meeting), Via: kg.SortVias(e.Via)})
	}
	return out, nil
}

// meetingsOf returns the meetings n took part in, each once with every way it did, as
// kg.TimelineQuery describes; direct keeps the direct ways only. The caller holds graph.mu.
func (s *graph) meetingsOf(n *node, direct bool) []*kg.TimelineEntry {
	byMeeting := map[*node]*kg.TimelineEntry{}
	var out []*kg.TimelineEntry
	add := func(m *node, v kg.Via) {
		if m.entity.Kind != kg.KindMeeting || (direct && !v.Direct()) {
			return
		}
		e := byMeeting[m]
		if e == nil {
			e = &kg.TimelineEntry{Meeting: m.entity}
			byMeeting[m] = e
			out = append(out, e)
		}
		e.Via = append(e.Via, v)
	}
	// follow calls f with the edges of n's relations of type typ in dir.
	follow := func(n *node, typ string, dir kg.Direction, f func(link)) {
		s.eachEdge(n, dir != kg.In, dir != kg.Out, []string{typ}, func(e link) bool {
			f(e)
			return true
		})
	}
	if n.entity.Kind == kg.KindMeeting {
		add(n, kg.Via{Way: kg.WayDirect})
	}
	s.eachEdge(n, true, true, nil, func(e link) bool {
		add(e.other, kg.Via{Way: kg.WayDirect, Relation: s.typeName(e.rel)})
		return true
	})
	if direct {
		return out
	}
	represented := func(org *node) {
		follow(org, kg.RelRepresentedAt, kg.Out, func(e link) {
			add(e.other, kg.Via{Way: kg.WayOrganization, Relation: kg.RelRepresentedAt, Through: org.entity.ID})
		})
	}
	switch n.entity.Kind {
	case kg.KindPerson:
		follow(n, kg.RelHoldsPosition, kg.Out, func(e link) { represented(e.other) })
	case kg.KindCountry:
		follow(n, kg.RelBelongsTo, kg.In, func(e link) { represented(e.other) })
		if code := n.entity.Prop(kg.PropCode); code != "" {
			for _, m := range s.byKind[kg.KindMeeting] {
				s.eachEdge(m, false, true, []string{kg.RelAttended, kg.RelRepresentedAt}, func(e link) bool {
					if e.rel.prop(kg.PropDelegation) == code {
						add(m, kg.Via{Way: kg.WayDelegation, Relation: s.typeName(e.rel), Through: e.other.entity.ID})
					}
					return true
				})
			}
		}
	case kg.KindDialogue:
		parts := map[*node]bool{n: true}
		queue := []*node{n}
		for len(queue) > 0 {
			d := queue[0]
			queue = queue[1:]
			if d != n {
				follow(d, kg.RelSessionOf, kg.In, func(e link) {
					add(e.other, kg.Via{Way: kg.WayDialogue, Relation: kg.RelSessionOf, Through: d.entity.ID})
				})
			}
			follow(d, kg.RelPartOf, kg.In, func(e link) {
				if !parts[e.other] {
					parts[e.other] = true
					queue = append(queue, e.other)
				}
			})
		}
	}
	return out
}

var _ kg.Explorer = (*Store)(nil)
