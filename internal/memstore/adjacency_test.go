package memstore

import (
	"fmt"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// The out lists are the relations' only index (graph.relation), kept sorted by apply: these
// writes mix, on one node, relations added in the write (appended, sorted at its end), relations
// deleted from before and from within the write, and updates found either way.
func TestAdjacencyIsTheRelationIndex(t *testing.T) {
	cite := []kg.Citation{{Source: "s", Quote: "q"}}
	ent := func(id string) op {
		return op{Entity: &kg.Entity{ID: id, Kind: kg.KindPerson, Name: id, Citations: cite}}
	}
	rel := func(typ, from, to, role string) op {
		return op{Relation: &kg.Relation{Type: typ, From: from, To: to, Properties: map[string]any{"role": role}, Citations: cite}}
	}
	del := func(typ, from, to string) op { return op{DelRelation: &kg.Relation{Type: typ, From: from, To: to}} }

	g := newGraph()
	g.apply([]op{ent("a"), ent("b"), ent("c"), ent("d"), rel("R1", "a", "b", "1"), rel("R2", "a", "c", "1"), rel("R3", "a", "d", "1")})
	g.apply([]op{
		rel("R0", "a", "c", "1"), // new: appended after the sorted prefix, sorts before it
		del("R1", "a", "b"),      // from the prefix, which gets one shorter
		rel("R3", "a", "d", "2"), // in the prefix, after the deleted one
		del("R0", "a", "c"),      // added by this write, now just after the shorter prefix
		rel("R4", "a", "b", "1"), // new
		del("R4", "a", "b"),      // added by this write: found in the appended part
		rel("R5", "a", "b", "1"), // new, named twice: the later wins
		rel("R5", "a", "b", "2"),
	})

	want := map[string]string{"R2 a c": "1", "R3 a d": "2", "R5 a b": "2"}
	for _, k := range []relKey{{"R0", "a", "c"}, {"R1", "a", "b"}, {"R2", "a", "c"}, {"R3", "a", "d"}, {"R4", "a", "b"}, {"R5", "a", "b"}} {
		name := k.typ + " " + k.from + " " + k.to
		got := ""
		if r := g.relation(k.typ, k.from, k.to); r != nil {
			got = r.prop("role")
		}
		if got != want[name] {
			t.Errorf("relation(%s) role = %q, want %q (\"\": none)", name, got, want[name])
		}
	}
	var outs []string
	for _, e := range g.nodes["a"].out {
		r := g.view(g.rel(e.rel))
		outs = append(outs, fmt.Sprintf("%s %s %s", r.Type, r.To, r.Prop("role")))
	}
	if w := []string{"R2 c 1", "R3 d 2", "R5 b 2"}; !slices.Equal(outs, w) {
		t.Errorf("a's out list = %q, want %q", outs, w)
	}
	for id, want := range map[string]int{"b": 1, "c": 1, "d": 1} {
		in := g.nodes[id].in
		if len(in) != want {
			t.Errorf("%s has %d relations in, want %d", id, len(in), want)
		}
		for _, e := range in {
			if r := g.view(g.rel(e.rel)); g.relation(r.Type, r.From, r.To) != g.rel(e.rel) || e.other != g.rel(e.rel).from {
				t.Errorf("%s's in list holds %s %s %s, not the relation its From lists", id, r.Type, r.From, r.To)
			}
		}
	}
	if g.pending != nil {
		t.Errorf("apply left its pending nodes behind")
	}
}

// One write's equal property maps and citation lists are one value in the graph, and relations
// holding equal ones share their attrs.
func TestOneWriteSharesEqualValues(t *testing.T) {
	g := newGraph()
	ops := []op{
		{Entity: &kg.Entity{ID: "a", Kind: kg.KindPerson, Name: "A", Citations: []kg.Citation{{Source: "s", Quote: "q"}}}},
		{Entity: &kg.Entity{ID: "b", Kind: kg.KindPerson, Name: "B", Citations: []kg.Citation{{Source: "s", Quote: "q"}}}},
	}
	for i := range 3 {
		ops = append(ops, op{Relation: &kg.Relation{Type: "R" + fmt.Sprint(i), From: "a", To: "b",
			Properties: map[string]any{"role": "LEAD", "n": int64(1)}, Citations: []kg.Citation{{Source: "s", Quote: "q"}}}})
	}
	ops = append(ops, op{Relation: &kg.Relation{Type: "R9", From: "a", To: "b",
		Properties: map[string]any{"role": "LEAD", "n": int64(2)}, Citations: []kg.Citation{{Source: "s", Quote: "other"}}}})
	g.apply(ops)

	a := g.nodes["a"]
	first := g.rel(a.out[0].rel)
	for _, e := range a.out[1:3] {
		if r := g.rel(e.rel); r.attrs != first.attrs {
			t.Errorf("%s does not share the equal properties and citations of %s", g.typeName(r), g.typeName(first))
		}
	}
	if cs := first.attrs.cites; cap(cs) != len(cs) {
		t.Errorf("shared citations have room to append into (cap %d, len %d)", cap(cs), len(cs))
	}
	if &first.attrs.cites[0] != &a.entity.Citations[0] {
		t.Errorf("the relation does not share the entity's equal citations")
	}
	last := g.view(g.rel(a.out[3].rel))
	if last.Prop("role") != "LEAD" || last.Properties["n"] != int64(2) || last.Citations[0].Quote != "other" {
		t.Errorf("R9 = %+v, want its own properties and quote", last)
	}
	if g.rel(a.out[3].rel).attrs == first.attrs || fmt.Sprintf("%p", last.Properties) == fmt.Sprintf("%p", first.attrs.props) {
		t.Errorf("unequal properties are shared")
	}
}

// Nodes and relations live in flat tables (rel.go); what a write deletes is given out again by
// a later write, never by the same one, and edges name what is there now.
func TestFreedIndexesAreReused(t *testing.T) {
	cite := []kg.Citation{{Source: "s", Quote: "q"}}
	ent := func(id string) op {
		return op{Entity: &kg.Entity{ID: id, Kind: kg.KindPerson, Name: id, Citations: cite}}
	}
	rel := func(typ, from, to string) op {
		return op{Relation: &kg.Relation{Type: typ, From: from, To: to, Citations: cite}}
	}
	// dump lists every relation from both ends' lists, checking that they agree.
	dump := func(g *graph) []string {
		var out []string
		for _, id := range []string{"a", "b", "c", "e", "f"} {
			n, ok := g.nodes[id]
			if !ok {
				continue
			}
			if g.node(n.idx) != n || n.entity.ID != id {
				t.Errorf("node %s is not at its index %d", id, n.idx)
			}
			for _, r := range g.relations(n, true, false, nil, kg.NoLimit) {
				out = append(out, r.Type+" "+r.From+" "+r.To)
			}
			for _, e := range n.in {
				if r := g.view(g.rel(e.rel)); r.To != id || g.relation(r.Type, r.From, r.To) != g.rel(e.rel) {
					t.Errorf("%s's in list holds %s %s %s", id, r.Type, r.From, r.To)
				}
			}
		}
		return out
	}

	g := newGraph()
	g.apply([]op{ent("a"), ent("b"), ent("c"), rel("R1", "a", "b"), rel("R2", "a", "c"), rel("R3", "b", "c")})
	g.apply([]op{{DelEntity: "b"}, ent("e"), rel("R1", "a", "e")})
	if g.nodeTab.n != 4 || g.relTab.n != 4 {
		t.Errorf("after a write that deletes and adds: %d nodes, %d relations allocated, want 4 and 4 (none reused within the write)", g.nodeTab.n, g.relTab.n)
	}
	g.apply([]op{ent("f"), rel("R4", "e", "f"), rel("R5", "a", "f")})
	if g.nodeTab.n != 4 || g.relTab.n != 4 {
		t.Errorf("after the next write: %d nodes, %d relations allocated, want 4 and 4 (freed ones reused)", g.nodeTab.n, g.relTab.n)
	}
	want := []string{"R1 a e", "R2 a c", "R5 a f", "R4 e f"}
	if got := dump(g); !slices.Equal(got, want) {
		t.Errorf("relations = %q, want %q", got, want)
	}
	if got := dump(g.clone()); !slices.Equal(got, want) {
		t.Errorf("the clone's relations = %q, want %q", got, want)
	}
}
