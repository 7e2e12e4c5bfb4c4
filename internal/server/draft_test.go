package server_test

import (
	"encoding/json"
	"os"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

const draftQ = `mutation($text: String!, $src: DraftSourceInput) { draftBundle(text: $text, source: $src) {
	bundle duplicates { id name matched candidates { id name score reason } } inferences { item field basis note } unconnected } }`

type draftResult struct {
	DraftBundle struct {
		Bundle     json.RawMessage
		Duplicates []struct {
			ID, Name   string
			Matched    bool
			Candidates []struct {
				ID, Name, Reason string
				Score            float64
			}
		}
		Inferences  []struct{ Item, Field, Basis, Note string }
		Unconnected []string
	} `json:"draftBundle"`
}

// TestDraftBundle drafts a test document through the real schema, on both stores: editors only,
// matched against what the store holds, nothing written, and the draft imports as it is.
func TestDraftBundle(t *testing.T) {
	text, err := os.ReadFile("../draft/testdata/hlsd-third-meeting.txt")
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]any{"text": string(text), "src": map[string]any{"title": "HLSD third meeting", "published": "2023-10"}}
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			editor, analyst, _, anonymous := newKeyClients(t, s)
			if e := anonymous.on(t).fails(draftQ, vars); e.Extensions.Code != kg.CodeUnauthenticated {
				t.Errorf("draftBundle without a key: %s, want %s", e.Extensions.Code, kg.CodeUnauthenticated)
			}
			if e := analyst.on(t).fails(draftQ, vars); e.Extensions.Code != kg.CodeForbidden {
				t.Errorf("draftBundle as an analyst: %s, want %s", e.Extensions.Code, kg.CodeForbidden)
			}
			before, err := storetest.Dump(t.Context(), s)
			if err != nil {
				t.Fatal(err)
			}
			var r draftResult
			editor.on(t).ok(draftQ, vars, &r)
			d := r.DraftBundle
			b, err := kg.ParseBundle(d.Bundle)
			if err != nil {
				t.Fatalf("the draft is not a bundle: %v", err)
			}
			if ps := b.Validate(); len(ps) > 0 {
				t.Errorf("the draft does not validate: %v", ps)
			}
			matched := map[string]bool{}
			possible := map[string]string{}
			for _, dup := range d.Duplicates {
				matched[dup.ID] = dup.Matched
				if !dup.Matched && len(dup.Candidates) > 0 {
					possible[dup.Name] = dup.Candidates[0].ID
				}
			}
			if !matched["person:blas-nunez-neto"] || !matched["dialogue:us-mexico-high-level-security-dialogue"] {
				t.Errorf("draftBundle matched %v, want Blas Nuñez-Neto and the HLSD matched to the stored ones", matched)
			}
			if possible["Salazar"] != "person:ken-salazar" {
				t.Errorf("draftBundle's possible duplicates %v, want Salazar ~ person:ken-salazar", possible)
			}
			if !slices.ContainsFunc(d.Inferences, func(in struct{ Item, Field, Basis, Note string }) bool {
				return in.Item == "HOLDS_POSITION person:laura-whitfield -> organization:us-government" && in.Basis == "INFERRED" && in.Note != ""
			}) {
				t.Errorf("draftBundle's inferences %v, want Laura Whitfield's position in the U.S. Government marked inferred", d.Inferences)
			}
			if i := slices.IndexFunc(b.Relations, func(r kg.Relation) bool {
				return kg.RelationName(&r) == "HOLDS_POSITION person:laura-whitfield -> organization:us-government"
			}); i < 0 || kg.ItemBasis(b.Relations[i].Citations) != kg.BasisInferred {
				t.Errorf("the draft bundle's position of Laura Whitfield in the U.S. Government is not cited as INFERRED")
			}
			after, err := storetest.Dump(t.Context(), s)
			if err != nil {
				t.Fatal(err)
			}
			if after != before {
				t.Errorf("draftBundle changed the store")
			}
			var rep importResult
			editor.on(t).ok(importQ, map[string]any{"b": json.RawMessage(d.Bundle), "dry": true}, &rep)
			if len(rep.ImportBundle.Errors) > 0 || rep.ImportBundle.Created == 0 {
				t.Errorf("importBundle(draft, dryRun) = %+v, want it to import cleanly", rep.ImportBundle)
			}
			for _, bad := range []map[string]any{
				{"text": "   "},
				{"text": string(text), "src": map[string]any{"published": "2023-13"}},
				{"text": string(text), "src": map[string]any{"id": "not-a-source"}},
			} {
				if e := editor.on(t).fails(draftQ, bad); e.Extensions.Code != kg.CodeBadUserInput {
					t.Errorf("draftBundle(%v): %s (%s), want %s", bad["src"], e.Extensions.Code, e.Message, kg.CodeBadUserInput)
				}
			}
		})
	}
}
