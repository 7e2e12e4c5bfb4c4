package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// Relay paging over HTTP, on both stores: first/after and last/before walk a list once in order,
// with hasNextPage and hasPreviousPage right both ways, and keep their place when people are
// added between pages; cursors are refused with another sort; ids of every cacheable object are
// stable and found again by node(id:) and nodes(ids:).

type pagePeople struct {
	People struct {
		TotalCount int `json:"totalCount"`
		PageInfo   struct {
			HasNextPage     bool    `json:"hasNextPage"`
			HasPreviousPage bool    `json:"hasPreviousPage"`
			StartCursor     *string `json:"startCursor"`
			EndCursor       *string `json:"endCursor"`
		} `json:"pageInfo"`
		Edges []struct {
			Cursor string `json:"cursor"`
			Node   struct {
				ID   string `json:"id"`
				Name string `json:"name"`
			} `json:"node"`
		} `json:"edges"`
	} `json:"people"`
}

const peoplePage = `query($first: Int, $after: String, $last: Int, $before: String, $sort: [PersonSort!]) {
	people(first: $first, after: $after, last: $last, before: $before, sort: $sort) {
		totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
		edges { cursor node { id name } } } }`

func (p pagePeople) ids() []string {
	var out []string
	for _, e := range p.People.Edges {
		out = append(out, e.Node.ID)
	}
	return out
}

// walkPeople reads people page by page (forwards with first/after, backwards with last/before)
// and returns their ids in list order, calling between after each page but the last.
func walkPeople(t *testing.T, c keyClient, backwards bool, size int, sort any, between func()) []string {
	t.Helper()
	var got []string
	vars := map[string]any{"sort": sort}
	for page := 1; ; page++ {
		if page > 100 {
			t.Fatal("the walk does not end")
		}
		if backwards {
			vars["last"] = size
		} else {
			vars["first"] = size
		}
		var p pagePeople
		c.ok(peoplePage, vars, &p)
		ids := p.ids()
		for _, id := range ids {
			if slices.Contains(got, id) {
				t.Fatalf("page %d repeats %s: %q after %q", page, id, ids, got)
			}
		}
		info := p.People.PageInfo
		behind, ahead, cursor := info.HasPreviousPage, info.HasNextPage, info.EndCursor
		if backwards {
			got = append(ids, got...)
			behind, ahead, cursor = info.HasNextPage, info.HasPreviousPage, info.StartCursor
		} else {
			got = append(got, ids...)
		}
		if behind != (page > 1) {
			t.Errorf("page %d (backwards %v): items behind it = %v, want %v", page, backwards, behind, page > 1)
		}
		if len(ids) > 0 && (*info.StartCursor != p.People.Edges[0].Cursor || *info.EndCursor != p.People.Edges[len(ids)-1].Cursor) {
			t.Errorf("page %d: start and end cursors are not its first and last edges'", page)
		}
		if !ahead {
			return got
		}
		if backwards {
			vars["before"] = *cursor
		} else {
			vars["after"] = *cursor
		}
		if between != nil {
			between()
		}
	}
}

func TestRelayPaging(t *testing.T) {
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			editor, _, _, _ := newKeyClients(t, open(t))
			byName := []map[string]any{{"name": "ASC"}}
			var all pagePeople
			editor.ok(peoplePage, map[string]any{"first": 100, "sort": byName}, &all)
			want := all.ids()
			if len(want) < 6 {
				t.Fatalf("only %d people in the built-in data set", len(want))
			}
			for _, backwards := range []bool{false, true} {
				if got := walkPeople(t, editor, backwards, 3, byName, nil); !slices.Equal(got, want) {
					t.Errorf("walk (backwards %v) = %q, want %q", backwards, got, want)
				}
			}

			// Writes between pages: one person sorting first (behind a forward walk), one last
			// (ahead of it). The walk reads every person once, and the one added ahead.
			n := 0
			cite := builtin(t)().Entities[0].Citations[0]
			add := func() {
				for _, name := range []string{"AAA Early", "ZZZ Late"} {
					n++
					editor.ok(`mutation($in: EntityInput!) { upsertEntity(input: $in) { id } }`, map[string]any{"in": map[string]any{
						"kind": "PERSON", "name": fmt.Sprintf("%s %d", name, n),
						"citations": []any{map[string]any{"source": cite.Source, "quote": cite.Quote}},
					}}, &struct{}{})
				}
			}
			got := walkPeople(t, editor, false, 3, byName, add)
			var old, late []string
			for _, id := range got {
				switch {
				case strings.HasPrefix(id, "person:zzz-late-"):
					late = append(late, id)
				case strings.HasPrefix(id, "person:aaa-early-"):
					t.Errorf("the walk read %s, added behind it", id)
				default:
					old = append(old, id)
				}
			}
			if !slices.Equal(old, want) {
				t.Errorf("walk with writes between pages read %q, want %q", old, want)
			}
			if len(late) != n/2 {
				t.Errorf("walk with writes between pages read %d of the %d people added ahead of it", len(late), n/2)
			}

			// Refusals, coded.
			var p pagePeople
			editor.ok(peoplePage, map[string]any{"first": 1, "sort": byName}, &p)
			for name, vars := range map[string]map[string]any{
				"a cursor of another sort": {"first": 1, "after": p.People.Edges[0].Cursor},
				"first and last":           {"first": 1, "last": 1},
				"last over 100":            {"last": 101},
			} {
				if e := editor.fails(peoplePage, vars); e.Extensions.Code != kg.CodeBadUserInput {
					t.Errorf("%s: code %v, want %s", name, e.Extensions.Code, kg.CodeBadUserInput)
				}
			}
			// first: 0 and last: 0 answer no edges and say what lies around.
			editor.ok(peoplePage, map[string]any{"last": 0, "sort": byName}, &p)
			if len(p.People.Edges) != 0 || !p.People.PageInfo.HasPreviousPage || p.People.PageInfo.HasNextPage {
				t.Errorf("last: 0 = %d edges, hasPreviousPage %v, hasNextPage %v; want 0, true, false", len(p.People.Edges), p.People.PageInfo.HasPreviousPage, p.People.PageInfo.HasNextPage)
			}
		})
	}
}

func TestCacheIDs(t *testing.T) {
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			c, _, _, _ := newKeyClients(t, open(t))
			const q = `{ entity(id: "meeting:21cb-esc-14th-plenary") { id citations { id }
				claims { id field } named: claims(field: "name") { id field }
				... on Meeting { attendances { id person { id } citations { id } }
					outcomes { id action } representations { id }
					relations(first: 100) { id type from { id } to { id } citations { id } claims { id } } } } }`
			type withID struct {
				ID string `json:"id"`
			}
			type claimRef struct {
				ID    string `json:"id"`
				Field string `json:"field"`
			}
			var a, b struct {
				Entity struct {
					ID          string     `json:"id"`
					Citations   []withID   `json:"citations"`
					Claims      []claimRef `json:"claims"`
					Named       []claimRef `json:"named"`
					Attendances []struct {
						ID        string   `json:"id"`
						Person    withID   `json:"person"`
						Citations []withID `json:"citations"`
					} `json:"attendances"`
					Outcomes        []withID `json:"outcomes"`
					Representations []withID `json:"representations"`
					Relations       []struct {
						ID        string   `json:"id"`
						Type      string   `json:"type"`
						From      withID   `json:"from"`
						To        withID   `json:"to"`
						Citations []withID `json:"citations"`
						Claims    []withID `json:"claims"`
					} `json:"relations"`
				} `json:"entity"`
			}
			c.ok(q, nil, &a)
			c.ok(q, nil, &b)
			if fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("ids differ between two reads:\n%v\n%v", a, b)
			}
			seen := map[string]bool{a.Entity.ID: true}
			var views []string
			unique := func(what, id string) {
				if id == "" || seen[id] {
					t.Errorf("%s id %q is empty or not unique", what, id)
				}
				seen[id] = true
			}
			for _, ci := range a.Entity.Citations {
				unique("citation", ci.ID)
			}
			// A claim is the same object whichever claims field lists it: its id does not depend
			// on the field argument.
			for _, cl := range a.Entity.Claims {
				unique("claim", cl.ID)
			}
			if len(a.Entity.Named) == 0 || len(a.Entity.Claims) <= len(a.Entity.Named) {
				t.Errorf("the plenary's claims: %d, of its name: %d; want some of other fields too", len(a.Entity.Claims), len(a.Entity.Named))
			}
			for _, n := range a.Entity.Named {
				if !slices.Contains(a.Entity.Claims, n) {
					t.Errorf("claims(field: \"name\") has %+v, which claims lacks", n)
				}
			}
			for _, at := range a.Entity.Attendances {
				unique("attendance", at.ID)
				views = append(views, at.ID)
				for _, ci := range at.Citations {
					unique("citation", ci.ID)
				}
			}
			for _, o := range a.Entity.Outcomes {
				unique("outcome", o.ID)
				views = append(views, o.ID)
			}
			for _, r := range a.Entity.Representations {
				unique("representation", r.ID)
				views = append(views, r.ID)
			}
			for _, r := range a.Entity.Relations {
				unique("relation", r.ID)
				views = append(views, r.ID)
				for _, cl := range r.Claims {
					unique("relation claim", cl.ID)
				}
			}
			if len(a.Entity.Attendances) == 0 || len(a.Entity.Outcomes) == 0 || len(a.Entity.Relations) == 0 {
				t.Fatalf("the plenary has no attendances, outcomes or relations: %v", a)
			}
			// nodes(ids:) finds each again, as the type it was, with an unknown id and an
			// attendance id over a relation of another type null.
			rel := a.Entity.Relations[0]
			bogus := strings.Replace(a.Entity.Outcomes[0].ID, "outcome:", "attendance:", 1)
			ids := append(append([]string{}, views...), a.Entity.ID, "source:nope", "person:nobody", bogus, "relation:X:a:b")
			var got struct {
				Nodes []*struct {
					ID       string `json:"id"`
					Typename string `json:"__typename"`
				} `json:"nodes"`
			}
			c.ok(`query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, map[string]any{"ids": ids}, &got)
			if len(got.Nodes) != len(ids) {
				t.Fatalf("nodes(%d ids) = %d nodes", len(ids), len(got.Nodes))
			}
			for i, id := range ids {
				n := got.Nodes[i]
				wantNull := i >= len(views)+1
				if wantNull != (n == nil) || n != nil && n.ID != id {
					t.Errorf("nodes(...)[%d] for %q = %+v, want null: %v", i, id, n, wantNull)
				}
			}
			var one struct {
				Node struct {
					ID   string `json:"id"`
					Type string `json:"type"`
				} `json:"node"`
			}
			c.ok(`query($id: ID!) { node(id: $id) { id ... on Relation { type } } }`, map[string]any{"id": rel.ID}, &one)
			if one.Node.ID != rel.ID || one.Node.Type != rel.Type {
				t.Errorf("node(%q) = %+v, want the relation %s", rel.ID, one.Node, rel.Type)
			}
		})
	}
}
