package server_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

// wholeReads asks the store for whole entities wherever the API asks for some fields: the
// answers the API gave before it projected the fields a query selects.
type wholeReads struct{ kg.Store }

func (s wholeReads) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	q.Fields, q.Expand = nil, wholeSelects(q.Expand)
	return s.Store.ListEntities(ctx, q)
}

func (s wholeReads) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	q.Fields, q.Selects = nil, wholeSelects(q.Selects)
	return s.Store.Expand(ctx, q)
}

func wholeSelects(sels []kg.RelationSelect) []kg.RelationSelect {
	out := make([]kg.RelationSelect, len(sels))
	for i, s := range sels {
		s.Fields, s.RelationFields, s.Then = nil, nil, wholeSelects(s.Then)
		out[i] = s
	}
	return out
}

// partsSeen counts the entities a store answered in part (kg.Entity.Loaded), to show that a test
// of projections read some.
type partsSeen struct {
	kg.Store
	parts *atomic.Int64
}

func (s partsSeen) count(es ...*kg.Entity) {
	for _, e := range es {
		if e != nil && e.Loaded != nil {
			s.parts.Add(1)
		}
	}
}

func (s partsSeen) countExpansion(x *kg.Expansion) {
	if x == nil {
		return
	}
	s.count(x.Entities...)
	for _, e := range x.Ends {
		s.count(e)
	}
	for _, t := range x.Then {
		s.countExpansion(t)
	}
}

func (s partsSeen) ListEntities(ctx context.Context, q kg.ListQuery) (*kg.EntityPage, error) {
	p, err := s.Store.ListEntities(ctx, q)
	if err == nil {
		s.count(p.Entities...)
		s.countExpansion(p.Expansion)
	}
	return p, err
}

func (s partsSeen) Expand(ctx context.Context, q kg.ExpandQuery) (*kg.Expansion, error) {
	x, err := s.Store.Expand(ctx, q)
	if err == nil {
		s.countExpansion(x)
	}
	return x, err
}

// Reading only the fields a query selects must not change any answer, wherever the query reads
// an entity or relation twice with different fields, and must cost no store call more: each query
// below answers byte for byte as it does with whole entities and relations, and its lookahead asks
// for every field the query reads, so that nothing is fetched again whole (Entities, Relations).
func TestProjectionChangesNoAnswer(t *testing.T) {
	queries := map[string]string{
		"the bench's nested page": `{ meetings(where: {date: {exists: true}}, sort: [{date: ASC}, {id: ASC}], first: 20) { edges { node {
			id name date place { id name } dialogue { id name }
			attendances { role person { id name positions { title organization { id name } } } }
			representations { organization { id name } }
			outcomes { action initiative { id name } } } } } }`,
		"one entity under two aliases": `{ meetings(first: 10, sort: [{date: DESC}]) { edges { cursor node { id
			a: place { name } b: place { description aliases citations { quote source { id } } basis }
			c: dialogue { acronym } d: dialogue { established aliases }
			e: attendances { person { name } } f: attendances { person { description citations { quote } } } } } } }`,
		"fragments and inline fragments": `query { meetings(first: 10) { edges { node {
			... on Entity { name aliases } ... on Meeting { date ordinal } ...M } } } }
			fragment M on Meeting { description attendances { person { ... on Entity { description } ...P } } }
			fragment P on Person { citations { quote } }`,
		"through the near end of a relation": `{ meetings(first: 10) { edges { node { name
			attendances { role meeting { date citations { quote } } person { name } }
			representations { meeting { ordinal } organization { acronym classification } } } } } }`,
		"relation fields under two aliases": `{ meetings(first: 10, sort: [{date: ASC}]) { edges { node { name
			a: attendances { role } b: attendances { delegation { code } citations { quote source { id } } basis }
			representations { delegation { name } } outcomes { action id }
			attendances { person { positions { title acting start end } p: positions { citations { quote } claims { field value } } } } } } } }`,
		"claims and alternatives": `{ people(first: 10) { edges { node { name claims { field value } alternatives { field }
			positions { title organization { acronym claims { field value basis } } } } } } }`,
		"both ends of the generic relations": `{ organizations(first: 10) { edges { node { name
			relations(first: 3) { type from { name ... on Organization { acronym } } to { name description } } } } } }`,
		"by id": `{ node(id: "` + plenary + `") { ... on Meeting { date place { name country { code } }
			attendances { delegation { code name } person { aliases } } } }
			entity(id: "` + plenary + `") { name ... on Meeting { ordinal dialogue { established } } } }`,
	}
	bundles := map[string]func() *kg.Bundle{"builtin": builtin(t), "generated": func() *kg.Bundle { return graphgen.Generate(2000) }}
	for bname, b := range bundles {
		for sname, open := range stores(t, b) {
			t.Run(bname+"/"+sname, func(t *testing.T) {
				s := open(t)
				var parts atomic.Int64
				counting := storetest.NewCounting(partsSeen{s, &parts})
				projected, whole := newClient(t, counting), newClient(t, wholeReads{s})
				for name, q := range queries {
					if name == "by id" && bname != "builtin" {
						continue // the plenary is the builtin graph's
					}
					counting.Reset()
					got, want := projected.do(q, nil), whole.do(q, nil)
					if len(got.Errors) > 0 || len(want.Errors) > 0 {
						t.Fatalf("%s: errors %+v / %+v", name, got.Errors, want.Errors)
					}
					if string(got.Data) != string(want.Data) {
						t.Errorf("%s: answer with selected fields differs from the answer with whole entities:\n%s\nwant\n%s", name, got.Data, want.Data)
					}
					if len(got.Data) < 200 {
						t.Errorf("%s: answer too small to prove anything: %s", name, got.Data)
					}
					if n := counting.Calls()["Entities"] + counting.Calls()["Relations"]; n > 0 {
						t.Errorf("%s: %d Entities and Relations calls: the lookahead asked for fewer fields than the query reads (calls: %v)", name, n, counting.Calls())
					}
				}
				if sname == "neo4j" && parts.Load() == 0 {
					t.Errorf("no entity was read in part: the test proves nothing of projections")
				}
			})
		}
	}
}
