package server_test

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

const mergeQ = `mutation($into: ID!, $from: [ID!]!, $reason: String!) {
	mergeEntities(into: $into, from: $from, reason: $reason) { into { id name aliases } merged moved dropped } }`

// TestMergeEntities checks the mutation on both stores: editors only, the survivor takes the
// duplicate's name and relations, the merged id keeps resolving through node and entity, and the
// audit trail holds the record.
func TestMergeEntities(t *testing.T) {
	const dupText = "Kenneth Salazar, the U.S. ambassador, attended the July 2022 meeting."
	dup := map[string]any{
		"sources": []any{map[string]any{"id": "source:salazar-note", "title": "Salazar note", "text": dupText}},
		"entities": []any{map[string]any{"id": "person:kenneth-salazar", "kind": "PERSON", "name": "Kenneth Salazar",
			"citations": []any{map[string]any{"source": "source:salazar-note", "quote": dupText}}}},
		"relations": []any{map[string]any{"type": "ATTENDED", "from": "person:kenneth-salazar", "to": "meeting:biden-lopez-obrador-july-2022",
			"properties": map[string]any{"role": "PARTICIPANT"}, "citations": []any{map[string]any{"source": "source:salazar-note", "quote": dupText}}}},
	}
	vars := map[string]any{"into": "person:ken-salazar", "from": []any{"person:kenneth-salazar"}, "reason": "Kenneth is Ken"}
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			editor, _, reader, anonymous := newKeyClients(t, s)
			editor = editor.on(t)
			// The import lists the new person as a possible duplicate of Ken Salazar: then merge.
			var imp struct {
				ImportBundle struct {
					Created    int `json:"created"`
					Duplicates []struct {
						Path     string  `json:"path"`
						ID       string  `json:"id"`
						Score    float64 `json:"score"`
						Reason   string  `json:"reason"`
						Existing struct {
							ID   string `json:"id"`
							Name string `json:"name"`
						} `json:"existing"`
					} `json:"duplicates"`
				} `json:"importBundle"`
			}
			editor.ok(`mutation($b: JSON!) { importBundle(bundle: $b) { created duplicates { path id score reason existing { id name } } } }`,
				map[string]any{"b": dup}, &imp)
			if ds := imp.ImportBundle.Duplicates; len(ds) != 1 || ds[0].Path != "entities[0]" || ds[0].ID != "person:kenneth-salazar" ||
				ds[0].Existing.ID != "person:ken-salazar" || ds[0].Existing.Name != "Ken Salazar" || ds[0].Score < kg.MinDuplicateScore || ds[0].Reason == "" {
				t.Errorf("importBundle duplicates = %+v, want Kenneth Salazar ~ Ken Salazar with a score and a reason", ds)
			}
			for who, c := range map[string]keyClient{"reader": reader.on(t), "anonymous": anonymous.on(t)} {
				if e := c.fails(mergeQ, vars); e.Extensions.Code != kg.CodeForbidden && e.Extensions.Code != kg.CodeUnauthenticated {
					t.Errorf("mergeEntities as %s: code %s, want FORBIDDEN or UNAUTHENTICATED", who, e.Extensions.Code)
				}
			}
			if e := editor.fails(mergeQ, map[string]any{"into": "person:ken-salazar", "from": []any{"person:nobody"}, "reason": "x"}); e.Extensions.Code != kg.CodeNotFound {
				t.Errorf("mergeEntities(unknown) code %s, want NOT_FOUND", e.Extensions.Code)
			}
			var out struct {
				MergeEntities struct {
					Into struct {
						ID      string   `json:"id"`
						Name    string   `json:"name"`
						Aliases []string `json:"aliases"`
					} `json:"into"`
					Merged []string `json:"merged"`
					Moved  int      `json:"moved"`
				} `json:"mergeEntities"`
			}
			editor.ok(mergeQ, vars, &out)
			m := out.MergeEntities
			if m.Into.ID != "person:ken-salazar" || m.Into.Name != "Ken Salazar" || len(m.Merged) != 1 || m.Moved != 1 {
				t.Errorf("mergeEntities = %+v, want Ken Salazar surviving, one merged, one relation moved", m)
			}
			var read struct {
				Node struct {
					ID          string   `json:"id"`
					Aliases     []string `json:"aliases"`
					Attendances []struct {
						Meeting struct {
							ID string `json:"id"`
						} `json:"meeting"`
					} `json:"attendances"`
				} `json:"node"`
				Entity struct {
					ID string `json:"id"`
				} `json:"entity"`
				Changes struct {
					Edges []struct {
						Node struct {
							Action string `json:"action"`
							Detail struct {
								From []struct {
									ID string `json:"id"`
								} `json:"from"`
								Reason string `json:"reason"`
							} `json:"detail"`
						} `json:"node"`
					} `json:"edges"`
				} `json:"changes"`
			}
			editor.ok(`{ node(id: "person:kenneth-salazar") { id ... on Person { aliases attendances { meeting { id } } } }
				entity(id: "person:kenneth-salazar") { id }
				changes(entity: "person:kenneth-salazar", first: 1) { edges { node { action detail } } } }`, nil, &read)
			if read.Node.ID != "person:ken-salazar" || read.Entity.ID != "person:ken-salazar" || len(read.Node.Attendances) != 2 {
				t.Errorf("node(person:kenneth-salazar) = %+v, entity = %+v; want Ken Salazar with both attendances", read.Node, read.Entity)
			}
			if len(read.Changes.Edges) != 1 || read.Changes.Edges[0].Node.Action != kg.ActionMergeEntities ||
				len(read.Changes.Edges[0].Node.Detail.From) != 1 || read.Changes.Edges[0].Node.Detail.From[0].ID != "person:kenneth-salazar" ||
				read.Changes.Edges[0].Node.Detail.Reason != "Kenneth is Ken" {
				t.Errorf("changes(person:kenneth-salazar) = %+v, want the merge with its record", read.Changes.Edges)
			}
			// Undone: Kenneth Salazar is a person of his own again.
			var ids struct {
				Changes struct {
					Edges []struct {
						Node struct {
							ID string `json:"id"`
						} `json:"node"`
					} `json:"edges"`
				} `json:"changes"`
			}
			editor.ok(`{ changes(entity: "person:kenneth-salazar", first: 1) { edges { node { id } } } }`, nil, &ids)
			var undone struct {
				UndoMerge struct {
					Into struct {
						ID      string   `json:"id"`
						Aliases []string `json:"aliases"`
					} `json:"into"`
					Restored []string `json:"restored"`
				} `json:"undoMerge"`
			}
			editor.ok(`mutation($c: ID!) { undoMerge(change: $c, reason: "not the same after all") { into { id aliases } restored } }`,
				map[string]any{"c": ids.Changes.Edges[0].Node.ID}, &undone)
			if u := undone.UndoMerge; u.Into.ID != "person:ken-salazar" || len(u.Restored) != 1 || u.Restored[0] != "person:kenneth-salazar" {
				t.Errorf("undoMerge = %+v, want Kenneth Salazar restored beside Ken Salazar", u)
			}
			editor.ok(`{ entity(id: "person:kenneth-salazar") { id } }`, nil, &read)
			if read.Entity.ID != "person:kenneth-salazar" {
				t.Errorf("entity(person:kenneth-salazar) after the undo = %+v, want itself", read.Entity)
			}
		})
	}
}

// TestPossibleDuplicates: an entity page can ask which stored entities it may be the same as.
func TestPossibleDuplicates(t *testing.T) {
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			editor, _, _, anonymous := newKeyClients(t, s)
			const text = "Kenneth Salazar met Roberto Velasco."
			var imp struct{}
			editor.on(t).ok(importQ, map[string]any{"b": map[string]any{
				"sources": []any{map[string]any{"id": "source:k", "title": "K", "text": text}},
				"entities": []any{map[string]any{"kind": "PERSON", "name": "Kenneth Salazar",
					"citations": []any{map[string]any{"source": "source:k", "quote": text}}}}}}, &imp)
			var out struct {
				Kenneth []struct {
					ID     string  `json:"id"`
					Score  float64 `json:"score"`
					Reason string  `json:"reason"`
					Entity struct {
						Name string `json:"name"`
					} `json:"entity"`
				} `json:"kenneth"`
				Velasco []struct {
					ID string `json:"id"`
				} `json:"velasco"`
				Nobody []struct {
					ID string `json:"id"`
				} `json:"nobody"`
			}
			anonymous.on(t).ok(`{ kenneth: possibleDuplicates(id: "person:kenneth-salazar") { id score reason entity { name } }
				velasco: possibleDuplicates(id: "person:roberto-velasco") { id }
				nobody: possibleDuplicates(id: "person:nobody") { id } }`, nil, &out)
			if len(out.Kenneth) != 1 || out.Kenneth[0].ID != "person:ken-salazar" || out.Kenneth[0].Entity.Name != "Ken Salazar" || out.Kenneth[0].Reason == "" {
				t.Errorf("possibleDuplicates(Kenneth Salazar) = %+v, want Ken Salazar with a reason", out.Kenneth)
			}
			if len(out.Velasco) != 0 || len(out.Nobody) != 0 {
				t.Errorf("possibleDuplicates(Velasco, nobody) = %+v, %+v; want none", out.Velasco, out.Nobody)
			}
		})
	}
}
