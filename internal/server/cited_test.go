package server_test

import (
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestCited checks, on both stores, what one source says through the API: Source.entities and
// Source.relations page through exactly the items that cite the source, and the citedBy filter of
// the entity lists keeps those.
func TestCited(t *testing.T) {
	b := builtin(t)()
	src := b.Sources[0].ID
	var wantEntities, wantPeople, wantRelations []string
	for _, e := range b.Entities {
		if kg.Cites(e.Citations, src) {
			wantEntities = append(wantEntities, e.ID)
			if e.Kind == kg.KindPerson {
				wantPeople = append(wantPeople, e.ID)
			}
		}
	}
	for _, r := range b.Relations {
		if kg.Cites(r.Citations, src) {
			wantRelations = append(wantRelations, r.Type+" "+r.From+" "+r.To)
		}
	}
	slices.Sort(wantEntities)
	slices.Sort(wantPeople)
	slices.Sort(wantRelations)
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, open(t))
			type pageInfo struct {
				HasNextPage bool    `json:"hasNextPage"`
				EndCursor   *string `json:"endCursor"`
			}
			var got []string
			var after *string
			for pages := 0; ; pages++ {
				var data struct {
					Node struct {
						Entities struct {
							TotalCount int      `json:"totalCount"`
							PageInfo   pageInfo `json:"pageInfo"`
							Edges      []struct {
								Node struct {
									ID string `json:"id"`
								} `json:"node"`
							} `json:"edges"`
						} `json:"entities"`
					} `json:"node"`
				}
				c.query(`query($id: ID!, $after: String) { node(id: $id) { ... on Source {
					entities(first: 15, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } } } }`,
					map[string]any{"id": src, "after": after}, &data)
				es := data.Node.Entities
				if es.TotalCount != len(wantEntities) || pages > len(wantEntities)/15+1 {
					t.Fatalf("Source.entities totalCount = %d after %d pages, want %d", es.TotalCount, pages, len(wantEntities))
				}
				for _, e := range es.Edges {
					got = append(got, e.Node.ID)
				}
				if !es.PageInfo.HasNextPage {
					break
				}
				after = es.PageInfo.EndCursor
			}
			if !slices.Equal(got, wantEntities) {
				t.Errorf("Source.entities paged by 15 = %q, want %q", got, wantEntities)
			}

			var data struct {
				Node struct {
					People struct {
						Edges []struct {
							Node struct {
								ID string `json:"id"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"people"`
					Relations struct {
						TotalCount int `json:"totalCount"`
						Edges      []struct {
							Node struct {
								Type string `json:"type"`
								From struct {
									ID string `json:"id"`
								} `json:"from"`
								To struct {
									ID string `json:"id"`
								} `json:"to"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"relations"`
				} `json:"node"`
				People struct {
					TotalCount int `json:"totalCount"`
				} `json:"people"`
				Nobody struct {
					TotalCount int `json:"totalCount"`
				} `json:"nobody"`
			}
			c.query(`query($id: ID!) {
				node(id: $id) { ... on Source {
					people: entities(kinds: [PERSON], first: 100) { edges { node { id } } }
					relations(first: 100) { totalCount edges { node { type from { id } to { id } } } } } }
				people(where: { citedBy: { eq: $id } }) { totalCount }
				nobody: people(where: { citedBy: { in: [] } }) { totalCount } }`, map[string]any{"id": src}, &data)
			var people, rels []string
			for _, e := range data.Node.People.Edges {
				people = append(people, e.Node.ID)
			}
			for _, e := range data.Node.Relations.Edges {
				rels = append(rels, e.Node.Type+" "+e.Node.From.ID+" "+e.Node.To.ID)
			}
			if !slices.Equal(people, wantPeople) {
				t.Errorf("Source.entities(kinds: [PERSON]) = %q, want %q", people, wantPeople)
			}
			if !slices.Equal(rels, wantRelations) || data.Node.Relations.TotalCount != len(wantRelations) {
				t.Errorf("Source.relations = %d %q, want %q", data.Node.Relations.TotalCount, rels, wantRelations)
			}
			if data.People.TotalCount != len(wantPeople) || data.Nobody.TotalCount != 0 {
				t.Errorf("people(citedBy: %s) = %d, citedBy in [] = %d; want %d and 0", src, data.People.TotalCount, data.Nobody.TotalCount, len(wantPeople))
			}
			if code := c.errorCode(`{ sources { edges { node { entities(after: "nonsense") { totalCount } } } } }`, nil); code != "BAD_USER_INPUT" {
				t.Errorf("Source.entities(after: nonsense) error code = %s, want BAD_USER_INPUT", code)
			}

			// Backwards: last/before from the end give the same entities, hasPreviousPage exact.
			var back []string
			var before *string
			for pages := 0; ; pages++ {
				var data struct {
					Node struct {
						Entities struct {
							PageInfo struct {
								HasPreviousPage bool    `json:"hasPreviousPage"`
								HasNextPage     bool    `json:"hasNextPage"`
								StartCursor     *string `json:"startCursor"`
							} `json:"pageInfo"`
							Edges []struct {
								Node struct {
									ID string `json:"id"`
								} `json:"node"`
							} `json:"edges"`
						} `json:"entities"`
					} `json:"node"`
				}
				c.query(`query($id: ID!, $before: String) { node(id: $id) { ... on Source {
					entities(last: 15, before: $before) { pageInfo { hasPreviousPage hasNextPage startCursor } edges { node { id } } } } } }`,
					map[string]any{"id": src, "before": before}, &data)
				es := data.Node.Entities
				var ids []string
				for _, e := range es.Edges {
					ids = append(ids, e.Node.ID)
				}
				back = append(ids, back...)
				if pages > len(wantEntities)/15+1 || es.PageInfo.HasNextPage != (before != nil) || es.PageInfo.HasPreviousPage != (len(back) < len(wantEntities)) {
					t.Fatalf("Source.entities(last: 15) page %d: %d entities, %+v; want hasNextPage %v, hasPreviousPage %v",
						pages, len(ids), es.PageInfo, before != nil, len(back) < len(wantEntities))
				}
				if !es.PageInfo.HasPreviousPage {
					break
				}
				before = es.PageInfo.StartCursor
			}
			if !slices.Equal(back, wantEntities) {
				t.Errorf("Source.entities paged backwards by 15 = %q, want %q", back, wantEntities)
			}
			var entityCursor struct {
				Node struct {
					Entities struct {
						PageInfo struct {
							EndCursor string `json:"endCursor"`
						} `json:"pageInfo"`
					} `json:"entities"`
				} `json:"node"`
			}
			c.query(`query($id: ID!) { node(id: $id) { ... on Source { entities(first: 1) { pageInfo { endCursor } } } } }`, map[string]any{"id": src}, &entityCursor)
			for q, vars := range map[string]map[string]any{
				`query($id: ID!) { node(id: $id) { ... on Source { entities(first: 1, last: 1) { totalCount } } } }`:                {"id": src},
				`query($id: ID!, $c: String) { node(id: $id) { ... on Source { relations(last: 1, before: $c) { totalCount } } } }`: {"id": src, "c": entityCursor.Node.Entities.PageInfo.EndCursor},
				`query($id: ID!) { node(id: $id) { ... on Source { relations(last: 101) { totalCount } } } }`:                       {"id": src},
			} {
				if code := c.errorCode(q, vars); code != "BAD_USER_INPUT" {
					t.Errorf("%s %v: error code %s, want BAD_USER_INPUT", q, vars, code)
				}
			}
		})
	}
}
