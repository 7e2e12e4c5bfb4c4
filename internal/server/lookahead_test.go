package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

// oneAtATime answers every Expand one select at a time and without its Then, as the API read
// before it looked ahead: one store call per field and level.
type oneAtATime struct{ kg.Store }

// ListEntities reads the page alone, counting every match, and leaves what is below it to Expand.
func (s oneAtATime) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	q.Expand, q.SkipTotal = nil, false
	return s.Store.ListEntities(ctx, q)
}

func (s oneAtATime) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	x := &kg.Expansion{IDs: q.IDs, Relations: make([][][]*kg.Relation, len(q.Selects)), Ends: map[string]*kg.Entity{},
		Then: make([]*kg.Expansion, len(q.Selects))}
	for i, sel := range q.Selects {
		one, err := s.Store.Expand(ctx, kg.ExpandQuery{IDs: q.IDs, Selects: []kg.RelationSelect{
			{Types: sel.Types, Direction: sel.Direction, Limit: sel.Limit}}})
		if err != nil {
			return nil, err
		}
		x.Relations[i] = one.Relations[0]
		for id, e := range one.Ends {
			x.Ends[id] = e
		}
	}
	if q.WithEntities {
		var err error
		if x.Entities, err = s.Entities(ctx, q.IDs); err != nil {
			return nil, err
		}
	}
	return x, nil
}

// Reading a whole query's tree in one store call must not change any answer: every query below
// answers byte for byte as it does when the store is read one field and one level at a time.
func TestLookaheadChangesNoAnswer(t *testing.T) {
	queries := map[string]string{
		"meeting page": `{ meetings(first: 20, sort: [{date: DESC}]) { pageInfo { hasNextPage endCursor } edges { node { id name
			place { name country { code name } } dialogue { name parent { name } meetings { id } }
			attendances { role delegation { code } person { name positions { title organization { name parent { name } } } } meeting { id } }
			representations { delegation { code } organization { name children { name } } }
			outcomes { action initiative { name supports { name } outcomes { meeting { id } } } } } } } }`,
		"aliases merge what they read": `{ meetings(first: 10) { edges { node { id
			a: attendances { person { id positions { organization { id } } } }
			b: attendances { role person { name attendances { meeting { id place { id } } } } }
			c: place { id } d: place { name country { id } } } } } }`,
		"fragments and interfaces": `{ meetings(first: 10) { edges { node {
			... on Entity { id relations(types: ["ATTENDED"], direction: IN, first: 3) { type from { id ... on Person { positions { title } } } to { id } } }
			... on Meeting { attendances { person { ... on Entity { name } ... on Person { attendances { role } } } } } } } } }`,
		"people and organizations": `{ people(first: 30, sort: [{name: ASC}]) { totalCount pageInfo { hasNextPage } edges { node { id
			positions { title person { id } organization { name country { code } positions { person { id } } representations { meeting { id } } } }
			attendances { meeting { name dialogue { name countries { code } topics { name } initiatives { name } } } } } } } }`,
		"limits and back references": `{ organizations(first: 20) { edges { node { id
			relations(first: 2) { type from { id } to { id } }
			r2: relations(first: 5, direction: OUT) { type to { id ... on Organization { relations(first: 1) { type } } } }
			positions { person { positions { organization { id } } } } } } } }`,
	}
	bundles := map[string]func() *kg.Bundle{"builtin": builtin(t), "generated": func() *kg.Bundle { return graphgen.Generate(2000) }}
	for bname, b := range bundles {
		for sname, open := range stores(t, b) {
			t.Run(bname+"/"+sname, func(t *testing.T) {
				s := open(t)
				counting := storetest.NewCounting(s)
				ahead, alone := newClient(t, counting), newClient(t, oneAtATime{s})
				for name, q := range queries {
					counting.Reset()
					got, want := ahead.do(q, nil), alone.do(q, nil)
					if len(got.Errors) > 0 || len(want.Errors) > 0 {
						t.Fatalf("%s: errors %+v / %+v", name, got.Errors, want.Errors)
					}
					if string(got.Data) != string(want.Data) {
						t.Errorf("%s: answer with lookahead differs from the answer read one field at a time:\n%s\nwant\n%s", name, got.Data, want.Data)
					}
					if len(got.Data) < 200 {
						t.Errorf("%s: answer too small to prove anything: %s", name, got.Data)
					}
					// The list reads everything below it, but what is read of the far ends of the
					// generic relations field (any type) comes a level at a time.
					bound := map[string]int{"fragments and interfaces": 1, "limits and back references": 1}[name]
					if got := counting.Calls()["ListEntities"]; got != 1 {
						t.Errorf("%s: %d ListEntities calls, want 1: the list (delegation countries come with it)", name, got)
					}
					if got := counting.Calls()["Expand"]; got > bound {
						t.Errorf("%s: %d Expand calls after the list's, want at most %d (calls: %v)", name, got, bound, counting.Calls())
					}
				}
			})
		}
	}
}

// An entity looked up by id comes with everything the query reads below it, in one store call.
func TestLookaheadBelowOneEntity(t *testing.T) {
	const q = `{ node(id: "` + plenary + `") { ... on Meeting { name place { name country { code } }
		attendances { role person { name positions { title organization { name } } } }
		outcomes { action initiative { name supports { name } } } } }
		entity(id: "` + plenary + `") { name ... on Meeting { dialogue { name parent { name } } } } }`
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			counting := storetest.NewCounting(s)
			got, want := newClient(t, counting).do(q, nil), newClient(t, oneAtATime{s}).do(q, nil)
			if len(got.Errors) > 0 || string(got.Data) != string(want.Data) || len(got.Data) < 500 {
				t.Fatalf("answer with lookahead =\n%s (%+v)\nwant\n%s", got.Data, got.Errors, want.Data)
			}
			if calls := counting.Calls(); !equalCalls(calls, map[string]int{"Expand": 2}) {
				t.Errorf("store calls = %v, want one Expand for each of node and entity", calls)
			}
		})
	}
}

// Relation fields take no context (gqlgen runs them inline), so what a field selects below the
// entities it returns reaches their batch through graph.AttachLookahead, whatever made the batch:
// a search, nodes, a path, a neighborhood, common connections. Each still reads every level below
// in one store call and answers as a read one field at a time does.
func TestLookaheadBelowEveryBatch(t *testing.T) {
	const below = `... on Meeting { name place { name country { code } } dialogue { name }
		attendances { role person { name positions { title organization { name } } } } }
		... on Person { name positions { title organization { name country { code } } } attendances { meeting { name } } }
		... on Organization { name country { code } positions { person { name } } }`
	queries := map[string]string{
		"search":             `{ search(query: "plenary", first: 5) { entity { id ` + below + ` } } }`,
		"nodes":              `{ nodes(ids: ["` + plenary + `", "person:rachel-poynter"]) { ... on Entity { id ` + below + ` } } }`,
		"paths":              `{ paths(from: "person:rachel-poynter", to: "` + plenary + `", maxHops: 2, first: 3) { nodes { id ` + below + ` } } }`,
		"neighborhood":       `{ neighborhood(id: "` + plenary + `", first: 20) { nodes { id ` + below + ` } } }`,
		"common connections": `{ commonConnections(a: "person:rachel-poynter", b: "` + plenary + `") { id ` + below + ` } }`,
	}
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			counting := storetest.NewCounting(s)
			ahead, alone := newClient(t, counting), newClient(t, oneAtATime{s})
			for name, q := range queries {
				counting.Reset()
				got, want := ahead.do(q, nil), alone.do(q, nil)
				if len(got.Errors) > 0 || len(want.Errors) > 0 {
					t.Fatalf("%s: errors %+v / %+v", name, got.Errors, want.Errors)
				}
				if string(got.Data) != string(want.Data) {
					t.Errorf("%s: answer with lookahead differs from the answer read one field at a time:\n%s\nwant\n%s", name, got.Data, want.Data)
				}
				if !strings.Contains(string(got.Data), `"positions":[{`) {
					t.Errorf("%s: answer reads no relation below its entities, so it proves nothing: %s", name, got.Data)
				}
				if got := counting.Calls()["Expand"]; got != 1 {
					t.Errorf("%s: %d Expand calls, want 1: every relation field and level below the entities (calls: %v)", name, got, counting.Calls())
				}
			}
		})
	}
}

// failingExpand fails every Expand as a store that has gone away does.
type failingExpand struct{ kg.Store }

func (failingExpand) Expand(context.Context, kg.ExpandQuery) (*kg.Expansion, error) {
	return nil, kg.Errorf(kg.CodeServiceUnavailable, "the store is unavailable")
}

// A relation field that fails (now a method without a context) still answers a GraphQL error with
// its code, on the field that failed.
func TestRelationFieldErrorKeepsItsCode(t *testing.T) {
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, failingExpand{open(t)})
			res := c.do(`{ nodes(ids: ["`+plenary+`"]) { ... on Meeting { name place { name } } } }`, nil)
			if len(res.Errors) == 0 {
				t.Fatalf("errors = none, want SERVICE_UNAVAILABLE (data %s)", res.Data)
			}
			e := res.Errors[0]
			if code, _ := e.Extensions["code"].(string); code != kg.CodeServiceUnavailable {
				t.Errorf("code = %q, want %s (error %+v)", code, kg.CodeServiceUnavailable, e)
			}
			if !strings.Contains(string(res.Data), `"name":"`) || !strings.Contains(string(res.Data), `"place":null`) {
				t.Errorf("data = %s, want the meeting's name and a null place: the error is the field's", res.Data)
			}
		})
	}
}
