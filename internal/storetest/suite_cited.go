package storetest

import (
	"fmt"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testCited checks what one source says, page by page (CitedEntities, CitedRelations), and the
// citedBy filter of entity lists, against the fixture itself.
func testCited(t *testing.T, s kg.Store, fx *kg.Bundle) {
	srcs := []string{"source:nobody"}
	for _, src := range fx.Sources {
		srcs = append(srcs, src.ID)
	}
	for _, src := range srcs {
		for _, kinds := range [][]kg.Kind{nil, {kg.KindPerson, kg.KindMeeting}} {
			var want []string
			for _, e := range fx.Entities {
				if kg.Cites(e.Citations, src) && (kinds == nil || slices.Contains(kinds, e.Kind)) {
					want = append(want, e.ID)
				}
			}
			slices.Sort(want)
			for _, limit := range []int{1, 3, kg.MaxCitedPage} {
				t.Run(fmt.Sprintf("entities of %s kinds %v by %d", src, kinds, limit), func(t *testing.T) {
					var got []string
					after := ""
					for pages := 0; ; pages++ {
						q := kg.CitedQuery{Source: src, Kinds: kinds, After: after, Limit: limit}
						page, err := s.CitedEntities(t.Context(), q)
						if err != nil {
							t.Fatalf("CitedEntities(%+v) error = %v", q, err)
						}
						if page.Total != len(want) || len(page.Entities) > limit || pages > len(want) {
							t.Fatalf("CitedEntities(%+v) total %d, %d entities; want total %d, at most %d", q, page.Total, len(page.Entities), len(want), limit)
						}
						for _, e := range page.Entities {
							if !kg.Cites(e.Citations, src) {
								t.Errorf("CitedEntities(%+v) gave %s, which does not cite it", q, e.ID)
							}
							got = append(got, e.ID)
						}
						if !page.More {
							break
						}
						after = page.Entities[len(page.Entities)-1].ID
					}
					if !slices.Equal(got, want) {
						t.Errorf("CitedEntities(%s, kinds %v) paged by %d = %q, want %q", src, kinds, limit, got, want)
					}
				})
			}
		}
		for _, types := range [][]string{nil, {kg.RelAttended, kg.RelHoldsPosition}} {
			var want []string
			for _, r := range fx.Relations {
				if kg.Cites(r.Citations, src) && (types == nil || slices.Contains(types, r.Type)) {
					want = append(want, kg.RelationKey(&r))
				}
			}
			slices.Sort(want)
			for _, limit := range []int{2, kg.MaxCitedPage} {
				t.Run(fmt.Sprintf("relations of %s types %v by %d", src, types, limit), func(t *testing.T) {
					var got []string
					after := ""
					for pages := 0; ; pages++ {
						q := kg.CitedQuery{Source: src, Types: types, After: after, Limit: limit}
						page, err := s.CitedRelations(t.Context(), q)
						if err != nil {
							t.Fatalf("CitedRelations(%+v) error = %v", q, err)
						}
						if page.Total != len(want) || len(page.Relations) > limit || pages > len(want) {
							t.Fatalf("CitedRelations(%+v) total %d, %d relations; want total %d, at most %d", q, page.Total, len(page.Relations), len(want), limit)
						}
						for _, r := range page.Relations {
							if !kg.Cites(r.Citations, src) {
								t.Errorf("CitedRelations(%+v) gave %s, which does not cite it", q, kg.RelationName(r))
							}
							got = append(got, kg.RelationKey(r))
						}
						if !page.More {
							break
						}
						after = kg.RelationKey(page.Relations[len(page.Relations)-1])
					}
					if !slices.Equal(got, want) {
						t.Errorf("CitedRelations(%s, types %v) paged by %d = %q, want %q", src, types, limit, got, want)
					}
				})
			}
		}
		t.Run("citedBy filter "+src, func(t *testing.T) {
			for _, k := range kg.Kinds {
				var want []string
				for _, e := range fx.Entities {
					if e.Kind == k && kg.Cites(e.Citations, src) {
						want = append(want, e.ID)
					}
				}
				slices.Sort(want)
				where := &kg.Filter{Conds: []kg.Cond{{Field: kg.FieldCitedBy, Op: kg.OpIncludes, Value: src}}}
				page, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: k, Where: where, Limit: kg.NoLimit})
				if err != nil {
					t.Fatalf("ListEntities(%s citedBy %s) error = %v", k, src, err)
				}
				if got := entityIDs(page.Entities); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
					t.Errorf("ListEntities(%s citedBy %s) = %q, want %q", k, src, got, want)
				}
				// And its negation: the entities of the kind it does not cite.
				page, err = s.ListEntities(t.Context(), kg.ListQuery{Kind: k, Where: &kg.Filter{Not: where}, Limit: kg.NoLimit})
				if err != nil {
					t.Fatalf("ListEntities(%s NOT citedBy %s) error = %v", k, src, err)
				}
				for _, e := range page.Entities {
					if slices.Contains(want, e.ID) {
						t.Errorf("ListEntities(%s NOT citedBy %s) holds %s", k, src, e.ID)
					}
				}
			}
		})
	}
	t.Run("backwards and between bounds", func(t *testing.T) { testCitedWindows(t, s, fx) })
	t.Run("bad input", func(t *testing.T) {
		for _, q := range []kg.CitedQuery{
			{Source: srcJoint, Limit: kg.NoLimit},
			{Source: srcJoint, Limit: kg.MaxCitedPage + 1},
			{Source: srcJoint, Limit: 5, Kinds: []kg.Kind{"PLANET"}},
			{Source: srcJoint, Limit: 5, Types: []string{"LIKES"}},
		} {
			if _, err := s.CitedEntities(t.Context(), q); kg.ErrorCode(err) != kg.CodeBadUserInput {
				t.Errorf("CitedEntities(%+v) error = %v, want %s", q, err, kg.CodeBadUserInput)
			}
			if _, err := s.CitedRelations(t.Context(), q); kg.ErrorCode(err) != kg.CodeBadUserInput {
				t.Errorf("CitedRelations(%+v) error = %v, want %s", q, err, kg.CodeBadUserInput)
			}
		}
	})
}

// citedKeys runs q on the entities or the relations (rels) of s and returns the page's keys
// (entity ids, kg.RelationKeys) with its Earlier and More.
func citedKeys(t *testing.T, s kg.Store, q kg.CitedQuery, rels bool) (keys []string, earlier, more bool) {
	t.Helper()
	if rels {
		p, err := s.CitedRelations(t.Context(), q)
		if err != nil {
			t.Fatalf("CitedRelations(%+v) error = %v", q, err)
		}
		for _, r := range p.Relations {
			keys = append(keys, kg.RelationKey(r))
		}
		return keys, p.Earlier, p.More
	}
	p, err := s.CitedEntities(t.Context(), q)
	if err != nil {
		t.Fatalf("CitedEntities(%+v) error = %v", q, err)
	}
	return entityIDs(p.Entities), p.Earlier, p.More
}

// testCitedWindows checks Relay's last/before on what a source says (FromEnd, Before): a walk
// from the end gives the same items as one from the start, and a page between two cursors holds
// what lies between them; Earlier and More are exact (paging forwards, More looks up to Before;
// backwards, Earlier back to After).
func testCitedWindows(t *testing.T, s kg.Store, fx *kg.Bundle) {
	for _, rels := range []bool{false, true} {
		for _, src := range fx.Sources {
			base := kg.CitedQuery{Source: src.ID, Limit: kg.MaxCitedPage}
			all, _, _ := citedKeys(t, s, base, rels)
			if len(all) < 3 {
				continue
			}
			for _, limit := range []int{1, 2} {
				var got []string
				q := kg.CitedQuery{Source: src.ID, Limit: limit, FromEnd: true}
				for pages := 0; ; pages++ {
					keys, earlier, more := citedKeys(t, s, q, rels)
					at := len(all) - len(got) - len(keys) // where the page starts in all
					if pages > len(all) || len(keys) == 0 || !slices.Equal(keys, all[at:at+len(keys)]) {
						t.Fatalf("cited (relations %v) %+v = %q, want the %d before %q of %d", rels, q, keys, limit, q.Before, len(all))
					}
					if more != (q.Before != "") || earlier != (at > 0) {
						t.Errorf("cited (relations %v) %+v: earlier %v, more %v; want %v, %v", rels, q, earlier, more, at > 0, q.Before != "")
					}
					got = append(slices.Clone(keys), got...)
					if !earlier {
						break
					}
					q.Before = keys[0]
				}
				if !slices.Equal(got, all) {
					t.Errorf("cited (relations %v) of %s backwards by %d = %d keys, not the %d forwards in order", rels, src.ID, limit, len(got), len(all))
				}
			}
			// Between the first and the last: the rest, both ways, bounded at both ends.
			inner := all[1 : len(all)-1]
			for _, fromEnd := range []bool{false, true} {
				q := kg.CitedQuery{Source: src.ID, After: all[0], Before: all[len(all)-1], Limit: kg.MaxCitedPage, FromEnd: fromEnd}
				// The whole inside: paging forwards nothing lies on up to Before, backwards nothing
				// back to After; past the cursors lie the first and the last.
				keys, earlier, more := citedKeys(t, s, q, rels)
				if !slices.Equal(keys, inner) || earlier != !fromEnd || more != fromEnd {
					t.Errorf("cited (relations %v) %+v = %d keys, earlier %v, more %v; want the %d between, %v, %v", rels, q, len(keys), earlier, more, len(inner), !fromEnd, fromEnd)
				}
				q.Limit = 1
				keys, earlier, more = citedKeys(t, s, q, rels)
				want := inner[:1]
				if fromEnd {
					want = inner[len(inner)-1:]
				}
				// Paging forwards More looks up to Before; backwards Earlier back to After.
				if wantMore, wantEarlier := len(inner) > 1 || fromEnd, len(inner) > 1 || !fromEnd; !slices.Equal(keys, want) || earlier != wantEarlier || more != wantMore {
					t.Errorf("cited (relations %v) %+v = %q, earlier %v, more %v; want %q, %v, %v", rels, q, keys, earlier, more, want, wantEarlier, wantMore)
				}
			}
		}
	}
}
