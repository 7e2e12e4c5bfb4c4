package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/neo4jstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/storetest"
)

// fragments are the fields every query of their type asks for, so that each field of the schema
// is compared. withFragments appends the ones a query uses (GraphQL refuses unused fragments).
var fragments = []struct{ name, text string }{
	{"entity", `fragment entity on Entity { __typename id kind name aliases description citations { ...cite } }`},
	{"rel", `fragment rel on Relation { type from { __typename id } to { __typename id } properties citations { quote } }`},
	{"cite", `fragment cite on Citation { quote source { id title publisher published url } }`},
}

func withFragments(query string) string {
	for _, f := range fragments {
		if strings.Contains(query, "..."+f.name) {
			query += "\n" + f.text
		}
	}
	return query
}

// coreQuery is one GraphQL request whose answer both stores must give identically.
type coreQuery struct {
	name  string
	query string
	vars  map[string]any
	// varsFrom, when set, makes vars from the embedded server at url.
	varsFrom func(t *testing.T, url string) map[string]any
	mention  []string // strings the answer must contain, so an empty answer cannot pass
	errors   bool     // the answer has errors (the same on both stores)
}

var coreQueries = []coreQuery{
	{name: "people: filter, sort, page, positions and attendances", query: `{
  people(where: { OR: [{ name: { startsWith: "R" } }, { meetings: { some: { ordinal: { gte: 14 } } } }] },
         sort: [{ name: DESC }], first: 4) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node {
      ...entity
      positions { person { id } organization { id name } title acting start end citations { ...cite } }
      attendances { role delegation { code } meeting { id name } person { name } citations { quote } }
    } }
  }
}`, mention: []string{"Roberto Velasco", "Rachel Poynter", `"hasNextPage":true`}},

	{name: "people: second page", query: `query($after: String) {
  people(sort: [{ name: ASC }], first: 3, after: $after) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id name } }
  }
}`, varsFrom: func(t *testing.T, url string) map[string]any {
		// The end cursor of the first page, from the embedded store: a cursor names a place in
		// the order, so one store's serves the other.
		var page struct {
			Data struct {
				People struct {
					PageInfo struct{ EndCursor string }
				}
			}
		}
		raw := post(t, url, `{ people(sort: [{ name: ASC }], first: 3) { pageInfo { endCursor } } }`, nil)
		if err := json.Unmarshal(raw, &page); err != nil || page.Data.People.PageInfo.EndCursor == "" {
			t.Fatalf("no end cursor in %s (%v)", raw, err)
		}
		return map[string]any{"after": page.Data.People.PageInfo.EndCursor}
	}, mention: []string{`"hasPreviousPage":true`}},

	{name: "organizations: nested filters, multi-key sort and every field", query: `{
  organizations(where: { country: { code: { eq: "MX" } }, classification: { in: ["SECRETARIAT", "AGENCY", "GOVERNMENT"] } },
                sort: [{ classification: ASC }, { name: DESC }], first: 10) {
    totalCount
    edges { node {
      ...entity acronym classification
      country { id code }
      parent { id name }
      children { id name }
      positions { title person { name } }
      representations { delegation { code } meeting { name } organization { acronym } citations { ...cite } }
      relations(types: ["BELONGS_TO", "PART_OF"], direction: OUT, first: 5) { ...rel }
    } }
  }
}`, mention: []string{"Secretariat of Foreign Relations", `"code":"MX"`}},

	{name: "organizations: people and meetings filters, acronym sort", query: `{
  organizations(where: { people: { some: { name: { contains: "Nuñez" } } } }) { totalCount edges { node { id } } }
  represented: organizations(where: { meetings: { all: { ordinal: { eq: 14 } } }, acronym: { exists: true } },
                              sort: [{ acronym: DESC }]) { totalCount edges { node { acronym } } }
  noParent: organizations(where: { NOT: { parent: { id: { eq: "organization:us-government" } } } }, first: 100) { totalCount }
}`, mention: []string{"organization:department-of-homeland-security", `"acronym":"SRE"`}},

	{name: "countries and places", query: `{
  countries(sort: [{ code: ASC }]) { totalCount edges { node {
    ...entity code
    relations(direction: IN, first: 3) { ...rel }
  } } }
  places(where: { country: { code: { eq: "MX" } } }, sort: [{ name: ASC }]) { totalCount edges { node { ...entity country { name code } } } }
}`, mention: []string{"Mexico City", `"code":"US"`}},

	{name: "meetings: every field", query: `{
  meetings(where: { date: { gte: "2022" }, attendees: { some: { name: { contains: "Poynter" } } } }, sort: [{ date: DESC }]) {
    totalCount
    edges { node {
      ...entity date ordinal
      place { name country { code } }
      dialogue { acronym name }
      attendances { role delegation { code } person { name positions { title organization { name } } } citations { ...cite } }
      representations { organization { name acronym } delegation { code } citations { quote } }
      outcomes { action initiative { name } meeting { id } citations { ...cite } }
    } }
  }
}`, mention: []string{"Rachel Poynter", "ADOPTED", "Mexico City"}},

	{name: "the nested meeting query", query: `{
  meetings(first: 20) { edges { node { attendances { person { positions { organization { name } } } } } } }
}`, mention: []string{"Secretariat of Foreign Relations"}},

	{name: "meetings: initiative, topic, organization and ordinal filters", query: `{
  byInitiative: meetings(where: { initiatives: { some: { name: { eq: "2023 Action Plans" } } } }) { edges { node { id } } }
  byOrg: meetings(where: { organizations: { some: { acronym: { eq: "SAT" } } }, ordinal: { in: [13, 14] } }) { edges { node { id } } }
  byTopic: meetings(where: { topics: { none: { name: { eq: "nothing" } } }, place: { name: { endsWith: "City" } } }) { totalCount }
  byDialogue: meetings(where: { dialogue: { acronym: { eq: "ESC" } }, date: { lt: "2023", exists: true } }, sort: [{ ordinal: DESC }, { name: ASC }]) { edges { node { id } } }
}`, mention: []string{"meeting:21cb-esc-14th-plenary"}},

	{name: "dialogues: every field", query: `{
  dialogues(where: { countries: { some: { code: { eq: "US" } } } }, sort: [{ established: ASC }, { acronym: ASC }, { name: ASC }]) {
    totalCount
    edges { node {
      ...entity acronym established
      parent { id } children { id }
      meetings { id } initiatives { id } countries { code } topics { name }
    } }
  }
  nested: dialogues(where: { parent: { acronym: { eq: "21CB" } }, established: { gte: "2000" },
                             meetings: { some: { ordinal: { gt: 1 } } }, initiatives: { none: { name: { eq: "x" } } },
                             topics: { all: { name: { startsWith: "" } } } }) { edges { node { name } } }
}`, mention: []string{"HLED", `"established":"2010"`}},

	{name: "initiatives and topics", query: `{
  initiatives(where: { supports: { some: { acronym: { in: ["HLED", "HLSD"] } } } }, sort: [{ name: ASC }]) {
    totalCount edges { node { ...entity supports { name } outcomes { action meeting { id } citations { quote } } topics { name } } }
  }
  fromMeeting: initiatives(where: { meetings: { some: { ordinal: { eq: 14 } } }, topics: { some: { name: { contains: "border" } } } }) { totalCount }
  topics(where: { NOT: { name: { contains: "trade" } }, aliases: { includes: "Trade facilitation" } }, sort: [{ name: ASC }], first: 3) {
    totalCount edges { node { ...entity relations(direction: IN) { ...rel } } }
  }
  allTopics: topics(sort: [{ id: DESC }], first: 100) { totalCount edges { node { id } } }
}`, mention: []string{"2023 Action Plans", "topic:us-mexican-economic-cooperation"}},

	{name: "sources", query: `{
  sources(where: { published: { gte: "2022" }, title: { contains: "" } }, sort: [{ title: ASC }, { published: DESC }]) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id title publisher published url text } }
  }
  none: sources(where: { publisher: { eq: "nobody" } }) { totalCount edges { node { id } } }
}`, mention: []string{"source:us-mexico-21cb-esc-14th-plenary-2022"}},

	{name: "node and entity", query: `{
  source: node(id: "source:us-mexico-21cb-esc-14th-plenary-2022") { __typename id ... on Source { title published } }
  person: node(id: "person:blas-nunez-neto") { __typename id ... on Person { name aliases } }
  missing: node(id: "person:nobody") { id }
  badKind: entity(id: "nonsense:x") { id }
  meeting: entity(id: "meeting:21cb-esc-14th-plenary") { ...entity ... on Meeting { date ordinal } }
  place: entity(id: "place:mexico-city") { ... on Place { country { name } } }
}`, mention: []string{"Blas Nuñez-Neto", `"missing":null`}},

	{name: "relations field: defaults, types, directions, limits", query: `{
  dhs: entity(id: "organization:department-of-homeland-security") { relations { ...rel } }
  in: entity(id: "meeting:21cb-esc-14th-plenary") { relations(types: ["ATTENDED", "REPRESENTED_AT"], direction: IN, first: 4) { ...rel } }
  out: entity(id: "meeting:21cb-esc-14th-plenary") { relations(direction: OUT) { type to { name } properties } }
  none: entity(id: "topic:reducing-trade-costs") { relations(types: ["ATTENDED"]) { type } }
}`, mention: []string{"HOLDS_POSITION", "ATTENDED", `"none":{"relations":[]}`}},

	// Search answers are compared whole: the same hits, in the same order, with the same scores.
	{name: "search", query: `{
  nunez: search(query: "nunez neto") { score entity { id name kind } }
  acronym: search(query: "SRE", kinds: [ORGANIZATION], first: 3) { score entity { id } }
  exact: search(query: "Mexico City") { score entity { id } }
  typo: search(query: "Poyntr") { score entity { id } }
  partial: search(query: "border security operations", first: 5) { score entity { id } }
  prefix: search(query: "secretar", first: 20) { score entity { id name } }
  accents: search(query: "Secretaría de Relaciones Exteriores") { score entity { id } }
  broad: search(query: "s", first: 100) { score entity { id } }
  kinds: search(query: "mexico", kinds: [COUNTRY, PLACE, ORGANIZATION]) { score entity { id kind } }
  nothing: search(query: "zzyzx") { score }
}`, mention: []string{"person:blas-nunez-neto", "organization:secretariat-of-foreign-relations", "place:mexico-city"}},

	// Root fields resolve concurrently, so the order of several errors is not fixed: one each.
	{name: "bad input: first", query: `{ people(first: 1000) { totalCount } }`, mention: []string{"BAD_USER_INPUT", "1000"}, errors: true},
	{name: "bad input: cursor", query: `{ sources(after: "not-a-cursor") { totalCount } }`, mention: []string{"BAD_USER_INPUT", "not-a-cursor"}, errors: true},
	{name: "bad input: relation type, beside good fields", query: `{
  entity(id: "person:biden") { name relations(types: ["NO_SUCH_TYPE"]) { type } }
  topics(first: 1) { totalCount }
}`, mention: []string{"BAD_USER_INPUT", "NO_SUCH_TYPE", `"topics":{"totalCount":9}`}, errors: true},
}

// TestServeNeo4jAnswersAsEmbedded starts `serve` on an empty Neo4j over bolt:// (which seeds it
// with the built-in dataset), again over neo4j:// (which finds it seeded), and on the embedded
// store, and checks that all three give the same answer, byte for byte, to every core query.
func TestServeNeo4jAnswersAsEmbedded(t *testing.T) {
	neo4jtest.Store(t, nil) // an empty database

	boltURL, bolt := serve(t, neo4jEnv(t, "bolt"))
	seeded := logged(bolt.stderr.String(), "seeded an empty Neo4j with the built-in dataset")
	if len(seeded) != 1 {
		t.Fatalf("serve on an empty Neo4j logged %d seeding records, want 1; stderr:\n%s", len(seeded), bolt.stderr.String())
	}
	checkSeeded(t)

	routingURL, routing := serve(t, neo4jEnv(t, "neo4j"))
	if n := len(logged(routing.stderr.String(), "seeded an empty Neo4j with the built-in dataset")); n != 0 {
		t.Errorf("a second serve on a seeded Neo4j seeded again (%d records); stderr:\n%s", n, routing.stderr.String())
	}
	if n := len(logged(routing.stderr.String(), "using Neo4j")); n != 1 {
		t.Errorf("serve over neo4j:// did not log that it uses Neo4j; stderr:\n%s", routing.stderr.String())
	}
	embeddedURL, _ := serve(t, nil)

	for _, q := range coreQueries {
		t.Run(q.name, func(t *testing.T) {
			query := withFragments(q.query)
			if q.varsFrom != nil {
				q.vars = q.varsFrom(t, embeddedURL)
			}
			want := post(t, embeddedURL, query, q.vars)
			for _, m := range q.mention {
				if !strings.Contains(string(want), m) {
					t.Errorf("the embedded store's answer does not contain %q:\n%s", m, want)
				}
			}
			if hasErrors := strings.Contains(string(want), `"errors":`); hasErrors != q.errors {
				t.Errorf("the embedded store's answer has errors: %v, want %v:\n%s", hasErrors, q.errors, want)
			}
			for name, url := range map[string]string{"bolt://": boltURL, "neo4j://": routingURL} {
				got := post(t, url, query, q.vars)
				if string(got) != string(want) {
					t.Errorf("Neo4j over %s answers differently from the embedded store\n got: %s\nwant: %s", name, got, want)
				}
			}
		})
	}
}

// checkSeeded checks that the test Neo4j now holds exactly the built-in dataset.
func checkSeeded(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatal(err)
	}
	mem, err := memstore.Load(b)
	if err != nil {
		t.Fatal(err)
	}
	want, err := storetest.Dump(ctx, mem)
	if err != nil {
		t.Fatal(err)
	}
	s, err := neo4jstore.Open(ctx, neo4jtest.Open(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close(ctx)
	got, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("after seeding, Neo4j holds\n%s\nwant the built-in dataset\n%s", got, want)
	}
}
