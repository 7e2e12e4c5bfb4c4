package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/neo4jtest"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// The answers researchers ask for, checked against the words of the source (not the bundle file),
// through the real schema over HTTP, on both stores.

const plenary = "meeting:21cb-esc-14th-plenary"

// stores opens one store of each kind holding bundle b.
func stores(t *testing.T, b func() *kg.Bundle) map[string]func(t *testing.T) kg.Store {
	return map[string]func(t *testing.T) kg.Store{
		"embedded": func(t *testing.T) kg.Store {
			s, err := memstore.Load(b())
			if err != nil {
				t.Fatalf("memstore.Load: %v", err)
			}
			return s
		},
		"neo4j": func(t *testing.T) kg.Store { return neo4jtest.Store(t, b()) },
	}
}

func builtin(t *testing.T) func() *kg.Bundle {
	return func() *kg.Bundle {
		b, err := dataset.Bundle()
		if err != nil {
			t.Fatalf("dataset.Bundle: %v", err)
		}
		return b
	}
}

// client posts GraphQL requests to an in-process server.
type client struct {
	t *testing.T
	h http.Handler
}

// on returns c reporting to t. A subtest gives its helpers c.on(t): a failure of the subtest
// must stop it, not its parent (FailNow on a parent from a subtest ends the whole run with
// "subtest may have called FailNow on a parent test").
func (c client) on(t *testing.T) client {
	c.t = t
	return c
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (c client) do(query string, vars map[string]any) gqlResponse {
	c.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	c.h.ServeHTTP(rec, req)
	var res gqlResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &res); err != nil {
		c.t.Fatalf("response is not JSON (status %d): %s", rec.Code, rec.Body.String())
	}
	return res
}

// query runs query and decodes its data into out, failing on any error.
func (c client) query(query string, vars map[string]any, out any) {
	c.t.Helper()
	res := c.do(query, vars)
	if len(res.Errors) > 0 {
		c.t.Fatalf("query failed: %+v\n%s", res.Errors, query)
	}
	if err := json.Unmarshal(res.Data, out); err != nil {
		c.t.Fatalf("decode data: %v: %s", err, res.Data)
	}
}

// errorCode runs query and returns the code of its first error, failing if there is none.
func (c client) errorCode(query string, vars map[string]any) string {
	c.t.Helper()
	res := c.do(query, vars)
	if len(res.Errors) == 0 {
		c.t.Fatalf("query succeeded, want an error: %s", query)
	}
	code, _ := res.Errors[0].Extensions["code"].(string)
	return code
}

func newClient(t *testing.T, s kg.Store) client {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	return client{t: t, h: server.New(server.Config{}, s, log)}
}

type citation struct {
	Quote  string `json:"quote"`
	Source struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"source"`
}

// checkQuote fails unless c's quote occurs verbatim in its source text and contains every word.
func checkQuote(t *testing.T, c citation, words ...string) {
	t.Helper()
	if !kg.QuoteOccurs(c.Source.Text, c.Quote) {
		t.Errorf("quote %q does not occur in %s", c.Quote, c.Source.ID)
	}
	for _, w := range words {
		if !strings.Contains(c.Quote, w) {
			t.Errorf("quote %q does not say %q", c.Quote, w)
		}
	}
}

func TestAPI(t *testing.T) {
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			c := newClient(t, open(t))
			t.Run("delegation leads", func(t *testing.T) { testDelegationLeads(t, c.on(t)) })
			t.Run("adopted plans and the dialogues they support", func(t *testing.T) { testAdopted(t, c.on(t)) })
			t.Run("agencies represented", func(t *testing.T) { testRepresented(t, c.on(t)) })
			t.Run("positions", func(t *testing.T) { testPositions(t, c.on(t)) })
			t.Run("meeting place and dialogue", func(t *testing.T) { testMeetingContext(t, c.on(t)) })
			t.Run("search", func(t *testing.T) { testSearch(t, c.on(t)) })
			t.Run("lists, filters and paging", func(t *testing.T) { testLists(t, c.on(t)) })
			t.Run("node and entity", func(t *testing.T) { testNode(t, c.on(t)) })
			t.Run("relations field", func(t *testing.T) { testRelations(t, c.on(t)) })
			t.Run("first: 0", func(t *testing.T) { testFirstZero(t, c.on(t)) })
			t.Run("bad input", func(t *testing.T) { testBadInput(t, c.on(t)) })
		})
	}
}

func testDelegationLeads(t *testing.T, c client) {
	var data struct {
		Entity struct {
			Name        string `json:"name"`
			Date        string `json:"date"`
			Ordinal     int    `json:"ordinal"`
			Attendances []struct {
				Role       string `json:"role"`
				Delegation struct {
					Code string `json:"code"`
				} `json:"delegation"`
				Person struct {
					Name string `json:"name"`
				} `json:"person"`
				Citations []citation `json:"citations"`
			} `json:"attendances"`
		} `json:"entity"`
	}
	c.query(`query($id: ID!) { entity(id: $id) { name ... on Meeting { date ordinal attendances {
		role delegation { code } person { name } citations { quote source { id text } } } } } }`,
		map[string]any{"id": plenary}, &data)
	m := data.Entity
	if m.Date != "2022-12-01" || m.Ordinal != 14 {
		t.Errorf("plenary date, ordinal = %q, %d, want 2022-12-01, 14", m.Date, m.Ordinal)
	}
	leads := map[string][]string{}
	members := 0
	for _, a := range m.Attendances {
		if a.Role != "LEAD" {
			members++
			continue
		}
		leads[a.Delegation.Code] = append(leads[a.Delegation.Code], a.Person.Name)
		if len(a.Citations) == 0 {
			t.Fatalf("attendance of %s has no citation", a.Person.Name)
		}
		surname := a.Person.Name[strings.LastIndex(a.Person.Name, " ")+1:]
		checkQuote(t, a.Citations[0], surname, "led the "+map[string]string{"US": "U.S.", "MX": "Mexican"}[a.Delegation.Code]+" delegation")
	}
	for _, l := range leads {
		slices.Sort(l)
	}
	want := map[string][]string{"US": {"Blas Nuñez-Neto", "Rachel Poynter"}, "MX": {"Roberto Velasco"}}
	for code, names := range want {
		if !slices.Equal(leads[code], names) {
			t.Errorf("leads of the %s delegation = %q, want %q", code, leads[code], names)
		}
	}
	// "alongside ... Ken Salazar" and the three who "also joined the U.S. delegation".
	if members != 4 {
		t.Errorf("delegation members who did not lead = %d, want 4", members)
	}
}

func testAdopted(t *testing.T, c client) {
	var data struct {
		Entity struct {
			Outcomes []struct {
				Action     string     `json:"action"`
				Citations  []citation `json:"citations"`
				Initiative struct {
					Name     string `json:"name"`
					Supports []struct {
						Name    string `json:"name"`
						Acronym string `json:"acronym"`
					} `json:"supports"`
					SupportCitations []struct {
						Type      string     `json:"type"`
						Citations []citation `json:"citations"`
					} `json:"relations"`
				} `json:"initiative"`
			} `json:"outcomes"`
		} `json:"entity"`
	}
	c.query(`{ entity(id: "`+plenary+`") { ... on Meeting { outcomes { action citations { quote source { id text } }
		initiative { name supports { name acronym }
			relations(types: ["SUPPORTS"], direction: OUT) { type citations { quote source { id text } } } } } } } }`, nil, &data)
	var adopted, applauded []string
	for _, o := range data.Entity.Outcomes {
		switch o.Action {
		case "ADOPTED":
			adopted = append(adopted, o.Initiative.Name)
			checkQuote(t, o.Citations[0], "adopted", o.Initiative.Name)
			var dialogues []string
			for _, d := range o.Initiative.Supports {
				dialogues = append(dialogues, d.Acronym)
			}
			slices.Sort(dialogues)
			if !slices.Equal(dialogues, []string{"HLED", "HLSD"}) {
				t.Errorf("2023 Action Plans support %q, want HLED and HLSD", dialogues)
			}
			for _, r := range o.Initiative.SupportCitations {
				checkQuote(t, r.Citations[0], "support initiatives identified through")
			}
		case "APPLAUDED":
			applauded = append(applauded, o.Initiative.Name)
			checkQuote(t, o.Citations[0], "applauded")
		}
	}
	if !slices.Equal(adopted, []string{"2023 Action Plans"}) {
		t.Errorf("adopted = %q, want [2023 Action Plans]", adopted)
	}
	if len(applauded) != 2 {
		t.Errorf("applauded = %q, want the infrastructure modernization and the joint operations", applauded)
	}
}

func testRepresented(t *testing.T, c client) {
	var data struct {
		Entity struct {
			Representations []struct {
				Organization struct {
					Name    string  `json:"name"`
					Acronym *string `json:"acronym"`
				} `json:"organization"`
				Delegation struct {
					Code string `json:"code"`
				} `json:"delegation"`
				Citations []citation `json:"citations"`
			} `json:"representations"`
		} `json:"entity"`
	}
	c.query(`{ entity(id: "`+plenary+`") { ... on Meeting { representations {
		organization { name acronym } delegation { code } citations { quote source { id text } } } } } }`, nil, &data)
	got := map[string][]string{}
	for _, r := range data.Entity.Representations {
		name := r.Organization.Name
		if r.Organization.Acronym != nil {
			name = *r.Organization.Acronym
		}
		got[r.Delegation.Code] = append(got[r.Delegation.Code], name)
		checkQuote(t, r.Citations[0])
	}
	// "the U.S. government delegation included representatives from the Department of State, DHS,
	// CBP, and the U.S. Department of Justice, while the Government of Mexico delegation included
	// representatives from SRE, the Secretariat of Communications and Transportation, the
	// Secretariat of the Economy, and the Tax Administration Service."
	want := map[string][]string{
		"US": {"CBP", "DHS", "DOJ", "U.S. Department of State"},
		"MX": {"SAT", "SCT", "SRE", "Secretariat of the Economy"},
	}
	for code, names := range want {
		for _, n := range names {
			if !slices.Contains(got[code], n) {
				t.Errorf("the %s delegation has %q, want it to include %q", code, got[code], n)
			}
		}
	}
}

func testPositions(t *testing.T, c client) {
	var data struct {
		People struct {
			Edges []struct {
				Node struct {
					Name      string `json:"name"`
					Positions []struct {
						Title        string                `json:"title"`
						Acting       bool                  `json:"acting"`
						Organization struct{ Name string } `json:"organization"`
						Citations    []citation            `json:"citations"`
					} `json:"positions"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"people"`
	}
	c.query(`{ people(first: 100) { edges { node { name positions { title acting organization { name }
		citations { quote source { id text } } } } } } }`, nil, &data)
	found := 0
	for _, e := range data.People.Edges {
		for _, p := range e.Node.Positions {
			checkQuote(t, p.Citations[0], p.Title)
			if e.Node.Name == "Blas Nuñez-Neto" {
				found++
				if !p.Acting || p.Organization.Name != "Department of Homeland Security" {
					t.Errorf("Nuñez-Neto's position = %+v, want acting, at the Department of Homeland Security", p)
				}
			}
			if e.Node.Name == "Roberto Velasco" {
				found++
				if p.Title != "Chief Officer for North America" || p.Organization.Name != "Secretariat of Foreign Relations" {
					t.Errorf("Velasco's position = %+v", p)
				}
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the positions of Nuñez-Neto and Velasco, want 2", found)
	}
}

func testMeetingContext(t *testing.T, c client) {
	var data struct {
		Entity struct {
			Place struct {
				Name    string `json:"name"`
				Country struct {
					Code string `json:"code"`
				} `json:"country"`
			} `json:"place"`
			Dialogue struct {
				Acronym string `json:"acronym"`
				Parent  struct {
					Acronym string `json:"acronym"`
				} `json:"parent"`
			} `json:"dialogue"`
		} `json:"entity"`
	}
	c.query(`{ entity(id: "`+plenary+`") { ... on Meeting { place { name country { code } }
		dialogue { acronym parent { acronym } } } } }`, nil, &data)
	e := data.Entity
	if e.Place.Name != "Mexico City" || e.Place.Country.Code != "MX" || e.Dialogue.Acronym != "ESC" || e.Dialogue.Parent.Acronym != "21CB" {
		t.Errorf("plenary context = %+v, want Mexico City (MX), ESC part of 21CB", e)
	}
}

func testSearch(t *testing.T, c client) {
	for _, tc := range []struct{ query, want string }{
		{"nunez neto", "person:blas-nunez-neto"},
		{"NUÑEZ-NETO", "person:blas-nunez-neto"},
		{"SRE", "organization:secretariat-of-foreign-relations"},
		{"CBP", "organization:us-customs-and-border-protection"},
		{"Secretaría de Relaciones Exteriores", "organization:secretariat-of-foreign-relations"},
		{"Poynter", "person:rachel-poynter"},
	} {
		var data struct {
			Search []struct {
				Score  float64 `json:"score"`
				Entity struct {
					ID string `json:"id"`
				} `json:"entity"`
			} `json:"search"`
		}
		c.query(`query($q: String!) { search(query: $q, first: 5) { score entity { id } } }`, map[string]any{"q": tc.query}, &data)
		if len(data.Search) == 0 || data.Search[0].Entity.ID != tc.want {
			t.Errorf("search(%q) = %+v, want %s first", tc.query, data.Search, tc.want)
		}
	}
	var data struct {
		Search []struct{ Entity struct{ Kind string } } `json:"search"`
	}
	c.query(`{ search(query: "mexico", kinds: [PLACE]) { entity { kind } } }`, nil, &data)
	if len(data.Search) == 0 {
		t.Errorf("search(mexico, PLACE) found nothing, want Mexico City")
	}
	for _, h := range data.Search {
		if h.Entity.Kind != "PLACE" {
			t.Errorf("search(mexico, PLACE) returned a %s", h.Entity.Kind)
		}
	}
	// first: 0 asks for no hits.
	var zero struct {
		Search []struct{ Score float64 } `json:"search"`
	}
	c.query(`{ search(query: "mexico", first: 0) { score } }`, nil, &zero)
	if zero.Search == nil || len(zero.Search) != 0 {
		t.Errorf("search(first: 0) = %v, want an empty list", zero.Search)
	}
}

type connection struct {
	TotalCount int `json:"totalCount"`
	PageInfo   struct {
		HasNextPage bool   `json:"hasNextPage"`
		EndCursor   string `json:"endCursor"`
	} `json:"pageInfo"`
	Edges []struct {
		Cursor string `json:"cursor"`
		Node   struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Date string `json:"date"`
		} `json:"node"`
	} `json:"edges"`
}

func (cn connection) names() []string {
	var out []string
	for _, e := range cn.Edges {
		out = append(out, e.Node.Name)
	}
	return out
}

func testLists(t *testing.T, c client) {
	// Every person named in the text, paged three at a time, in name order, each once.
	var seen []string
	after := ""
	for range 5 {
		var data struct{ People connection }
		c.query(`query($after: String) { people(first: 3, after: $after, sort: [{name: ASC}]) {
			totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id name } } } }`,
			map[string]any{"after": after}, &data)
		if data.People.TotalCount != 9 {
			t.Fatalf("people totalCount = %d, want the 9 people the text names", data.People.TotalCount)
		}
		seen = append(seen, data.People.names()...)
		if !data.People.PageInfo.HasNextPage {
			break
		}
		after = data.People.PageInfo.EndCursor
	}
	if len(seen) != 9 || !slices.IsSorted(seen) {
		t.Errorf("paged people = %q, want 9 names in order", seen)
	}

	for _, tc := range []struct {
		name, where, sort string
		want              []string
	}{
		{"meetings newest first", `{}`, `[{date: DESC}]`, []string{
			"14th Plenary Meeting of the 21CB Executive Steering Committee",
			"July 2022 meeting between President Biden and President López Obrador"}},
		{"meetings in 2022-12", `{date: {gte: "2022-12"}}`, `[]`, []string{
			"14th Plenary Meeting of the 21CB Executive Steering Committee"}},
		{"meetings Velasco attended", `{attendees: {some: {name: {eq: "Roberto Velasco"}}}}`, `[]`, []string{
			"14th Plenary Meeting of the 21CB Executive Steering Committee"}},
		{"meetings with no Mexican attendee", `{attendees: {none: {organizations: {some: {country: {code: {eq: "MX"}}}}}}}`, `[]`, []string{}},
		{"empty in matches nothing", `{id: {in: []}}`, `[]`, []string{}},
		{"meetings held in Mexico", `{place: {country: {code: {eq: "MX"}}}}`, `[]`, []string{
			"14th Plenary Meeting of the 21CB Executive Steering Committee"}},
		{"meetings that adopted or affirmed", `{OR: [{initiatives: {some: {name: {eq: "2023 Action Plans"}}}}, {date: {eq: "2022-07"}}]}`, `[{date: ASC}]`, []string{
			"July 2022 meeting between President Biden and President López Obrador",
			"14th Plenary Meeting of the 21CB Executive Steering Committee"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var data struct{ Meetings connection }
			c.on(t).query(`{ meetings(where: `+tc.where+`, sort: `+tc.sort+`) { totalCount edges { node { name } } } }`, nil, &data)
			got := data.Meetings.names()
			if got == nil {
				got = []string{}
			}
			if !slices.Equal(got, tc.want) || data.Meetings.TotalCount != len(tc.want) {
				t.Errorf("meetings(%s) = %q (total %d), want %q", tc.where, got, data.Meetings.TotalCount, tc.want)
			}
		})
	}

	var orgs struct{ Organizations connection }
	c.query(`{ organizations(where: {country: {code: {eq: "MX"}}, classification: {eq: "SECRETARIAT"}}, sort: [{name: ASC}]) { totalCount edges { node { name } } } }`, nil, &orgs)
	if want := []string{"Secretariat of Communications and Transportation", "Secretariat of Foreign Relations", "Secretariat of the Economy"}; !slices.Equal(orgs.Organizations.names(), want) {
		t.Errorf("Mexican secretariats = %q, want %q", orgs.Organizations.names(), want)
	}

	var sources struct {
		Sources struct {
			TotalCount int `json:"totalCount"`
			Edges      []struct {
				Node struct {
					Publisher string `json:"publisher"`
					Published string `json:"published"`
					Text      string `json:"text"`
				} `json:"node"`
			} `json:"edges"`
		} `json:"sources"`
	}
	c.query(`{ sources { totalCount edges { node { publisher published text } } } }`, nil, &sources)
	if sources.Sources.TotalCount != 1 || !strings.HasPrefix(sources.Sources.Edges[0].Node.Text, "High-level representatives from the U.S. and Mexican Governments met in Mexico City") {
		t.Errorf("sources = %+v, want the one press release", sources.Sources)
	}
}

func testNode(t *testing.T, c client) {
	var data struct {
		Known   *struct{ ID, Name string } `json:"known"`
		Unknown *struct{ ID string }       `json:"unknown"`
		Entity  *struct{ ID string }       `json:"missing"`
		Source  *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"source"`
	}
	c.query(`{ known: node(id: "person:katie-tobin") { id ... on Person { name } }
		unknown: node(id: "person:nobody") { id } missing: entity(id: "nothing") { id }
		source: node(id: "`+dataset.SourceID+`") { id ... on Source { title } } }`, nil, &data)
	if data.Known == nil || data.Known.Name != "Katie Tobin" {
		t.Errorf("node(person:katie-tobin) = %+v, want Katie Tobin", data.Known)
	}
	if data.Unknown != nil || data.Entity != nil {
		t.Errorf("unknown ids = %+v, %+v, want null", data.Unknown, data.Entity)
	}
	if data.Source == nil || data.Source.Title == "" {
		t.Errorf("node(%s) = %+v, want the source", dataset.SourceID, data.Source)
	}
}

func testRelations(t *testing.T, c client) {
	var data struct {
		Entity struct {
			All []struct {
				Type string `json:"type"`
			} `json:"all"`
			Two []struct {
				Type string `json:"type"`
				From struct {
					Name string `json:"name"`
				} `json:"from"`
				To struct {
					ID string `json:"id"`
				} `json:"to"`
				Properties map[string]any `json:"properties"`
			} `json:"two"`
		} `json:"entity"`
	}
	c.query(`{ entity(id: "`+plenary+`") { all: relations { type }
		two: relations(types: ["ATTENDED"], direction: IN, first: 2) { type from { name } to { id } properties } } }`, nil, &data)
	if len(data.Entity.All) < 20 {
		t.Errorf("plenary has %d relations, want at least 20 (7 attendees, 10 representations, ...)", len(data.Entity.All))
	}
	if len(data.Entity.Two) != 2 {
		t.Fatalf("relations(first: 2) returned %d", len(data.Entity.Two))
	}
	for _, r := range data.Entity.Two {
		if r.Type != "ATTENDED" || r.To.ID != plenary || r.Properties["role"] == nil {
			t.Errorf("relation = %+v, want an ATTENDED relation into the plenary with a role", r)
		}
	}
}

// testFirstZero checks that first: 0 answers an empty list on every field that takes it, while
// connections still count every match and say whether any follow; the same fields with a larger
// first find something, so the empty answers are first: 0's doing.
func testFirstZero(t *testing.T, c client) {
	type counted struct {
		TotalCount int `json:"totalCount"`
		PageInfo   struct {
			HasNextPage bool `json:"hasNextPage"`
		} `json:"pageInfo"`
		Edges []any `json:"edges"`
	}
	type answer struct {
		People    counted `json:"people"`
		Sources   counted `json:"sources"`
		Changes   counted `json:"changes"`
		Search    []any   `json:"search"`
		Relations struct {
			Relations []any `json:"relations"`
		} `json:"entity"`
		Paths    []any                            `json:"paths"`
		Hood     struct{ Nodes, Relations []any } `json:"neighborhood"`
		Common   []any                            `json:"commonConnections"`
		Timeline []any                            `json:"timeline"`
	}
	const query = `query($n: Int!) {
		people(first: $n) { totalCount pageInfo { hasNextPage } edges { cursor } }
		sources(first: $n) { totalCount pageInfo { hasNextPage } edges { cursor } }
		changes(first: $n) { totalCount pageInfo { hasNextPage } edges { cursor } }
		search(query: "mexico", first: $n) { score }
		entity(id: "` + plenary + `") { relations(first: $n) { type } }
		paths(from: "person:katie-tobin", to: "dialogue:us-mexico-high-level-economic-dialogue", first: $n) { length }
		neighborhood(id: "` + plenary + `", first: $n) { nodes { id } relations { type } }
		commonConnections(a: "person:katie-tobin", b: "person:rachel-poynter", first: $n) { id }
		timeline(first: $n) { meeting { id } }
	}`
	var some, zero answer
	c.query(query, map[string]any{"n": 5}, &some)
	c.query(query, map[string]any{"n": 0}, &zero)
	for _, f := range []struct {
		field      string
		some, zero int
	}{
		{"people", len(some.People.Edges), len(zero.People.Edges)},
		{"sources", len(some.Sources.Edges), len(zero.Sources.Edges)},
		{"changes", len(some.Changes.Edges), len(zero.Changes.Edges)},
		{"search", len(some.Search), len(zero.Search)},
		{"relations", len(some.Relations.Relations), len(zero.Relations.Relations)},
		{"paths", len(some.Paths), len(zero.Paths)},
		{"neighborhood", len(some.Hood.Nodes) + len(some.Hood.Relations), len(zero.Hood.Nodes) + len(zero.Hood.Relations)},
		{"commonConnections", len(some.Common), len(zero.Common)},
		{"timeline", len(some.Timeline), len(zero.Timeline)},
	} {
		if f.some == 0 {
			t.Errorf("%s(first: 5) answered nothing, want something for this test", f.field)
		}
		if f.zero != 0 {
			t.Errorf("%s(first: 0) answered %d items, want none", f.field, f.zero)
		}
	}
	for _, cn := range []struct {
		field      string
		some, zero counted
	}{{"people", some.People, zero.People}, {"sources", some.Sources, zero.Sources}, {"changes", some.Changes, zero.Changes}} {
		if cn.zero.TotalCount != cn.some.TotalCount || cn.zero.PageInfo.HasNextPage != (cn.some.TotalCount > 0) {
			t.Errorf("%s(first: 0) = totalCount %d, hasNextPage %t; want %d, %t", cn.field,
				cn.zero.TotalCount, cn.zero.PageInfo.HasNextPage, cn.some.TotalCount, cn.some.TotalCount > 0)
		}
	}
	if zero.Search == nil || zero.Paths == nil || zero.Common == nil || zero.Timeline == nil || zero.Relations.Relations == nil {
		t.Errorf("first: 0 answered null for a list, want empty lists: %+v", zero)
	}
}

func testBadInput(t *testing.T, c client) {
	for _, tc := range []struct {
		name, query string
		vars        map[string]any
		want        string
	}{
		{"first over 100", `{ people(first: 101) { totalCount } }`, nil, kg.CodeBadUserInput},
		{"negative first", `{ search(query: "x", first: -1) { score } }`, nil, kg.CodeBadUserInput},
		{"cursor not ours", `{ people(after: "bm9wZQ") { totalCount } }`, nil, kg.CodeBadUserInput},
		{"bad date variable", `query($d: Date) { meetings(where: {date: {gte: $d}}) { totalCount } }`, map[string]any{"d": "December 2022"}, kg.CodeBadUserInput},
		{"bad date literal", `{ meetings(where: {date: {eq: "2022-13-01"}}) { totalCount } }`, nil, kg.CodeBadUserInput},
		{"unknown relation type", `{ entity(id: "` + plenary + `") { relations(types: ["KNOWS"]) { type } } }`, nil, kg.CodeBadUserInput},
		{"unknown field", `{ people { nope } }`, nil, "GRAPHQL_VALIDATION_FAILED"},
		{"syntax error", `{ people {`, nil, "GRAPHQL_PARSE_FAILED"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.on(t).errorCode(tc.query, tc.vars); got != tc.want {
				t.Errorf("%s: code = %q, want %q", tc.query, got, tc.want)
			}
		})
	}
}

// The nested query costs the same number of store calls whatever the number of meetings: one per
// nesting level and field, never one per parent.
func TestNestedQueryStoreCalls(t *testing.T) {
	// The explorer's meeting page: the page, every relation field below it and the entities at
	// their far ends come in one store call.
	const q = `query($n: Int) { meetings(first: $n, sort: [{date: ASC}]) { edges { node { name
		place { name } dialogue { name }
		attendances { role person { name positions { title organization { name } } attendances { role } } }
		representations { organization { name } }
		outcomes { action initiative { name } }
		relations(types: ["HELD_IN"], direction: OUT) { type to { name } } } } } }`
	for name, open := range stores(t, func() *kg.Bundle { return graphgen.Generate(2000) }) {
		t.Run(name, func(t *testing.T) {
			counting := storetest.NewCounting(open(t))
			c := newClient(t, counting)
			for _, n := range []int{1, 5, 50} {
				counting.Reset()
				var data struct {
					Meetings struct {
						Edges []struct {
							Node struct {
								Place       *struct{ Name string } `json:"place"`
								Attendances []struct {
									Person struct {
										Positions []struct {
											Organization struct{ Name string } `json:"organization"`
										} `json:"positions"`
									} `json:"person"`
								} `json:"attendances"`
								Relations []struct {
									To struct{ Name string } `json:"to"`
								} `json:"relations"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"meetings"`
				}
				c.query(q, map[string]any{"n": n}, &data)
				positions, places := 0, 0
				for _, e := range data.Meetings.Edges {
					for _, a := range e.Node.Attendances {
						for _, p := range a.Person.Positions {
							if p.Organization.Name != "" {
								positions++
							}
						}
					}
					if e.Node.Place != nil && len(e.Node.Relations) == 1 && e.Node.Relations[0].To.Name == e.Node.Place.Name {
						places++
					}
				}
				if len(data.Meetings.Edges) != n || positions == 0 || places == 0 {
					t.Fatalf("meetings(first: %d) gave %d meetings, %d positions with organizations, %d places also read as relations; the generated graph should fill the page", n, len(data.Meetings.Edges), positions, places)
				}
				// The page of meetings and, in the same call, their places, dialogues, attendances,
				// representations, outcomes and HELD_IN relations with their far ends, and the
				// people's positions and attendances with theirs.
				want := map[string]int{"ListEntities": 1}
				if got := counting.Calls(); !equalCalls(got, want) {
					t.Errorf("store calls for %d meetings = %v, want %v", n, got, want)
				}
			}
		})
	}
}

func TestHTTP(t *testing.T) {
	s, err := memstore.Load(builtin(t)())
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(server.Config{}, s, slog.New(slog.NewTextHandler(io.Discard, nil))))
	defer srv.Close()
	get := func(path string) (*http.Response, string) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res, string(body)
	}
	res, body := get("/graphql?query=" + url.QueryEscape(`{ entity(id: "person:roberto-velasco") { name } }`))
	if res.StatusCode != 200 || !strings.Contains(body, "Roberto Velasco") {
		t.Errorf("GET /graphql = %d %s, want Roberto Velasco", res.StatusCode, body)
	}
	if res.Header.Get(server.RequestIDHeader) == "" {
		t.Errorf("no %s header", server.RequestIDHeader)
	}
	if res, body := get("/healthz"); res.StatusCode != 200 || body != "ok\n" {
		t.Errorf("/healthz = %d %q", res.StatusCode, body)
	}
	if res, _ := get("/readyz"); res.StatusCode != 200 {
		t.Errorf("/readyz = %d, want 200", res.StatusCode)
	}
	if res, body := get("/graphiql"); res.StatusCode != 200 || !strings.Contains(body, "GraphiQL") {
		t.Errorf("/graphiql = %d, want the GraphiQL page", res.StatusCode)
	}
	big := bytes.Repeat([]byte("x"), 1<<20+1)
	post, err := http.Post(srv.URL+"/graphql", "application/json", bytes.NewReader(big))
	if err != nil {
		t.Fatal(err)
	}
	post.Body.Close()
	if post.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("POST of 1 MiB + 1 = %d, want 413", post.StatusCode)
	}
}
