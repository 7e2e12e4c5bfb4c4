package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// Keyset paging (kg.ListQuery After, Before, FromEnd): walking a list page by page, forwards from
// After the last item read or backwards from Before the first, gives the whole list once, in
// order, under every sort the API offers (missing values included), and keeps its place when
// entities are added and removed between pages.

// keysetSorts are the sorts walked: each list's sort fields of the API, both ways, with fields
// that some entities lack.
var keysetSorts = []struct {
	kind kg.Kind
	sort []kg.SortField
}{
	{kg.KindPerson, nil},
	{kg.KindPerson, []kg.SortField{{Field: "name"}}},
	{kg.KindPerson, []kg.SortField{{Field: "name", Desc: true}}},
	{kg.KindMeeting, []kg.SortField{{Field: kg.PropDate}}},
	{kg.KindMeeting, []kg.SortField{{Field: kg.PropDate, Desc: true}}},
	{kg.KindMeeting, []kg.SortField{{Field: kg.PropOrdinal}, {Field: "name", Desc: true}}},
	{kg.KindMeeting, []kg.SortField{{Field: kg.PropOrdinal, Desc: true}}},
	{kg.KindOrganization, []kg.SortField{{Field: kg.PropClassification}, {Field: "name", Desc: true}}},
	{kg.KindOrganization, []kg.SortField{{Field: kg.PropAcronym, Desc: true}}},
	{kg.KindOrganization, []kg.SortField{{Field: kg.PropAcronym}}},
	{kg.KindDialogue, []kg.SortField{{Field: kg.PropEstablished}, {Field: kg.PropAcronym}}},
	{kg.KindCountry, []kg.SortField{{Field: kg.PropCode, Desc: true}}},
	{kg.KindInitiative, []kg.SortField{{Field: "nonexistent"}}},
}

func sortName(kind kg.Kind, sort []kg.SortField) string {
	name := string(kind)
	for _, f := range sort {
		name += " " + f.Field
		if f.Desc {
			name += " desc"
		}
	}
	return name
}

func testKeyset(t *testing.T, s kg.Store) {
	for i, tc := range keysetSorts {
		// Pages of 2, and of 1 and 3 for the first sort: each walk is a query a page.
		sizes := []int{2}
		if i == 1 {
			sizes = []int{1, 3}
		}
		for _, size := range sizes {
			t.Run(fmt.Sprintf("%s by %d", sortName(tc.kind, tc.sort), size), func(t *testing.T) {
				all := listAll(t, s, tc.kind, tc.sort)
				fwd := walk(t, s, kg.ListQuery{Kind: tc.kind, Sort: tc.sort, Limit: size}, false, nil)
				if !slices.Equal(fwd, all) {
					t.Errorf("forwards by %d = %q, want %q", size, fwd, all)
				}
				back := walk(t, s, kg.ListQuery{Kind: tc.kind, Sort: tc.sort, Limit: size, FromEnd: true}, false, nil)
				if !slices.Equal(back, all) {
					t.Errorf("backwards by %d = %q, want %q", size, back, all)
				}
			})
		}
	}
	t.Run("between two positions", func(t *testing.T) {
		sort := []kg.SortField{{Field: kg.PropDate, Desc: true}}
		all := listAll(t, s, kg.KindMeeting, sort)
		es := entitiesOf(t, s, all)
		after, before := kg.EntityPosition(es[0], sort), kg.EntityPosition(es[len(es)-1], sort)
		for _, fromEnd := range []bool{false, true} {
			q := kg.ListQuery{Kind: kg.KindMeeting, Sort: sort, After: &after, Before: &before, FromEnd: fromEnd, Limit: 2}
			p := list(t, s, q)
			want := all[1:3]
			if fromEnd {
				want = all[len(all)-3 : len(all)-1]
			}
			if got := entityIDs(p.Entities); !slices.Equal(got, want) {
				t.Errorf("ListEntities(FromEnd %v, between the first and the last) = %q, want %q", fromEnd, got, want)
			}
			if !p.More || !p.Earlier {
				t.Errorf("ListEntities(FromEnd %v, between the first and the last): More %v, Earlier %v, want both", fromEnd, p.More, p.Earlier)
			}
			if p.Total != len(all) {
				t.Errorf("ListEntities(between): Total %d, want every match, %d", p.Total, len(all))
			}
		}
	})
	t.Run("filtered", func(t *testing.T) {
		q := kg.ListQuery{Kind: kg.KindMeeting, Where: cond(kg.PropOrdinal, kg.OpExists, true), Sort: []kg.SortField{{Field: kg.PropDate}}, Limit: 1}
		all := list(t, s, kg.ListQuery{Kind: q.Kind, Where: q.Where, Sort: q.Sort, Limit: kg.NoLimit})
		for _, fromEnd := range []bool{false, true} {
			q.FromEnd = fromEnd
			if got, want := walk(t, s, q, false, nil), entityIDs(all.Entities); !slices.Equal(got, want) {
				t.Errorf("filtered walk (FromEnd %v) = %q, want %q", fromEnd, got, want)
			}
		}
	})
	t.Run("sources", func(t *testing.T) {
		sort := []kg.SortField{{Field: "publisher"}}
		all, err := s.ListSources(t.Context(), kg.ListQuery{Sort: sort, Limit: kg.NoLimit})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, src := range all.Sources {
			want = append(want, src.ID)
		}
		for _, fromEnd := range []bool{false, true} {
			var got []string
			q := kg.ListQuery{Sort: sort, Limit: 1, FromEnd: fromEnd}
			for range len(want) + 1 {
				p, err := s.ListSources(t.Context(), q)
				if err != nil {
					t.Fatal(err)
				}
				ids := make([]string, len(p.Sources))
				for i, src := range p.Sources {
					ids[i] = src.ID
				}
				if fromEnd {
					got = append(ids, got...)
					if !p.Earlier {
						break
					}
					pos := kg.SourcePosition(p.Sources[0], sort)
					q.Before = &pos
				} else {
					got = append(got, ids...)
					if !p.More {
						break
					}
					pos := kg.SourcePosition(p.Sources[len(p.Sources)-1], sort)
					q.After = &pos
				}
			}
			if !slices.Equal(got, want) {
				t.Errorf("sources by publisher, FromEnd %v = %q, want %q", fromEnd, got, want)
			}
		}
	})
}

// testKeysetWrites pages through people by name while others are added and removed between the
// pages: every person present throughout comes exactly once, in order; one added past the place
// reached comes too, and one added before it or removed does not.
func testKeysetWrites(t *testing.T, s kg.Store) {
	mustSource(t, s, noteSource())
	sort := []kg.SortField{{Field: "name"}}
	before := listAll(t, s, kg.KindPerson, sort)
	for _, fromEnd := range []bool{false, true} {
		t.Run(fmt.Sprintf("FromEnd %v", fromEnd), func(t *testing.T) {
			var added, removed []string
			n := 0
			write := func(reached *kg.Position) {
				n++
				// One sorting just before where the walk stands, one far past it, and the next
				// person ahead removed.
				name := reached.Keys[0].(string)
				// Names sort by code point: "0" before every letter, "~" after; later far ones
				// lie further on still.
				near := name[:len(name)-1] + fmt.Sprintf(" %d %v", n, fromEnd) // just before the name reached
				far := fmt.Sprintf("ZZ Visitor %04d %v", n, fromEnd)
				if fromEnd {
					near = name[:len(name)-1] + fmt.Sprintf("~ %d %v", n, fromEnd) // just after it
					far = fmt.Sprintf("0 Visitor %04d %v", 1000-n, fromEnd)
				}
				mustEntity(t, s, &kg.Entity{Kind: kg.KindPerson, Name: near, Citations: note(quoteLucia)})
				added = append(added, mustEntity(t, s, &kg.Entity{Kind: kg.KindPerson, Name: far, Citations: note(quoteLucia)}).ID)
				ahead := list(t, s, kg.ListQuery{Kind: kg.KindPerson, Sort: sort, After: reached, Limit: 1})
				if fromEnd {
					ahead = list(t, s, kg.ListQuery{Kind: kg.KindPerson, Sort: sort, Before: reached, FromEnd: true, Limit: 1})
				}
				if len(ahead.Entities) == 1 && !slices.Contains(added, ahead.Entities[0].ID) {
					id := ahead.Entities[0].ID
					if _, err := s.DeleteEntity(asEditor(t.Context()), id, "conformance: removed between pages"); err != nil {
						t.Fatal(err)
					}
					removed = append(removed, id)
				}
			}
			got := walk(t, s, kg.ListQuery{Kind: kg.KindPerson, Sort: sort, Limit: 2, FromEnd: fromEnd}, true, write)
			want := withoutAll(before, removed)
			// What the walk read of the people there before it started.
			var still []string
			for _, id := range got {
				if !slices.Contains(added, id) {
					still = append(still, id)
				}
			}
			if !slices.Equal(still, want) {
				t.Errorf("walk with writes between pages read %q of the people there before, want %q (removed %q)", still, want, removed)
			}
			for _, id := range added {
				if !slices.Contains(got, id) {
					t.Errorf("walk with writes between pages missed %s, added ahead of it", id)
				}
			}
			if n < 2 {
				t.Errorf("only %d writes happened between pages; the walk was too short to test", n)
			}
			before = listAll(t, s, kg.KindPerson, sort)
		})
	}
}

func withoutAll(xs, drop []string) []string {
	return slices.DeleteFunc(slices.Clone(xs), func(x string) bool { return slices.Contains(drop, x) })
}

func list(t *testing.T, s kg.Store, q kg.ListQuery) *kg.EntityPage {
	t.Helper()
	p, err := s.ListEntities(t.Context(), q)
	if err != nil {
		t.Fatalf("ListEntities(%+v) error = %v", q, err)
	}
	return p
}

func listAll(t *testing.T, s kg.Store, kind kg.Kind, sort []kg.SortField) []string {
	t.Helper()
	return entityIDs(list(t, s, kg.ListQuery{Kind: kind, Sort: sort, Limit: kg.NoLimit}).Entities)
}

func entitiesOf(t *testing.T, s kg.Store, ids []string) []*kg.Entity {
	t.Helper()
	es, err := s.Entities(t.Context(), ids)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// walk reads q's list page by page, forwards or (q.FromEnd) backwards, each page bounded by the
// position of the item read last, and returns the ids in list order. It checks each page's More
// and Earlier and, with between, calls it with the position reached after each page but the
// last (quiet: skip the check of the flag for items behind a page, which writes may change). A page
// that repeats an id read before fails the test at once.
func walk(t *testing.T, s kg.Store, q kg.ListQuery, quiet bool, between func(*kg.Position)) []string {
	t.Helper()
	var got []string
	for i := 0; ; i++ {
		if i > 1000 {
			t.Fatalf("walk of %+v does not end", q)
		}
		p := list(t, s, q)
		ids := entityIDs(p.Entities)
		for _, id := range ids {
			if slices.Contains(got, id) {
				t.Fatalf("page %d of %s (FromEnd %v) repeats %s: %q after %q", i+1, sortName(q.Kind, q.Sort), q.FromEnd, id, ids, got)
			}
		}
		first, onward := p.Earlier, p.More
		if q.FromEnd {
			got = append(slices.Clone(ids), got...)
			first, onward = p.More, p.Earlier
		} else {
			got = append(got, ids...)
		}
		if first != (i > 0) && !quiet {
			t.Errorf("page %d of %s (FromEnd %v): flag for items behind it = %v, want %v", i+1, sortName(q.Kind, q.Sort), q.FromEnd, first, i > 0)
		}
		if !onward {
			return got
		}
		if len(ids) == 0 {
			t.Fatalf("page %d of %s is empty but says more follow", i+1, sortName(q.Kind, q.Sort))
		}
		edge := p.Entities[len(p.Entities)-1]
		if q.FromEnd {
			edge = p.Entities[0]
		}
		pos := kg.EntityPosition(edge, q.Sort)
		if q.FromEnd {
			q.Before = &pos
		} else {
			q.After = &pos
		}
		if between != nil {
			between(&pos)
		}
	}
}

// BenchDeepPage measures a page of 20 people, nine tenths of the way down the list sorted by name
// and by id (no sort), read as cursors used to read it (skipping an offset of matches) and as they
// read it now (after a keyset position), side by side; both must give the same page. No total is
// counted, as a client that does not select totalCount asks.
func BenchDeepPage(b *testing.B, s kg.Store) {
	ctx := b.Context()
	for _, sort := range [][]kg.SortField{{{Field: "name"}}, nil} {
		all, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Sort: sort, SkipTotal: true, Limit: kg.NoLimit})
		if err != nil {
			b.Fatal(err)
		}
		at := len(all.Entities) * 9 / 10
		pos := kg.EntityPosition(all.Entities[at-1], sort)
		want := entityIDs(all.Entities[at : at+20])
		by := "by id"
		if sort != nil {
			by = "by name"
		}
		for _, tc := range []struct {
			name string
			q    kg.ListQuery
		}{
			{fmt.Sprintf("%s, offset %d", by, at), kg.ListQuery{Kind: kg.KindPerson, Sort: sort, Offset: at, Limit: 20, SkipTotal: true}},
			{fmt.Sprintf("%s, keyset at %d", by, at), kg.ListQuery{Kind: kg.KindPerson, Sort: sort, After: &pos, Limit: 20, SkipTotal: true}},
		} {
			b.Run(tc.name, func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					p, err := s.ListEntities(ctx, tc.q)
					if err != nil {
						b.Fatal(err)
					}
					if got := entityIDs(p.Entities); !slices.Equal(got, want) {
						b.Fatalf("page = %q, want %q", got, want)
					}
				}
			})
		}
	}
}
