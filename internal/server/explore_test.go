package server_test

import (
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/server"
	"github.com/diplograph/diplograph/internal/storetest"
)

// How efforts connect, asked of the built-in dataset through the real schema, on both stores: the
// answers are checked against the words of the press release, each hop against its quote.

const (
	tobin    = "person:katie-tobin"
	poynter  = "person:rachel-poynter"
	velasco  = "person:roberto-velasco"
	salazar  = "person:ken-salazar"
	hled     = "dialogue:us-mexico-high-level-economic-dialogue"
	esc      = "dialogue:21st-century-border-management-executive-steering-committee"
	process  = "dialogue:21st-century-border-management-process"
	july     = "meeting:biden-lopez-obrador-july-2022"
	mexico   = "country:mexico"
	usGov    = "organization:us-government"
	planning = "initiative:2023-action-plans"
)

func TestExplore(t *testing.T) {
	for name, open := range stores(t, builtin(t)) {
		t.Run(name, func(t *testing.T) {
			s := open(t)
			c := newClient(t, s)
			t.Run("shortest path with a quote on every hop", func(t *testing.T) { testShortestPathQuoted(t, c.on(t)) })
			t.Run("paths", func(t *testing.T) { testPathsQuoted(t, c.on(t)) })
			t.Run("neighborhood of the 14th plenary", func(t *testing.T) { testPlenaryNeighborhood(t, c.on(t)) })
			t.Run("common connections", func(t *testing.T) { testCommonConnections(t, c.on(t)) })
			t.Run("timelines", func(t *testing.T) { testTimelines(t, c.on(t)) })
			t.Run("fuzzy search", func(t *testing.T) { testFuzzySearch(t, c.on(t)) })
			t.Run("bad input and unknown ids", func(t *testing.T) { testExploreBadInput(t, c.on(t)) })
			t.Run("store calls", func(t *testing.T) { testExploreStoreCalls(t, s) })
			t.Run("exports", func(t *testing.T) { testExports(t, s) })
		})
	}
}

type idJSON struct {
	ID string `json:"id"`
}

type relationJSON struct {
	Type      string     `json:"type"`
	From      idJSON     `json:"from"`
	To        idJSON     `json:"to"`
	Citations []citation `json:"citations"`
}

type pathJSON struct {
	Length int `json:"length"`
	Nodes  []struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"nodes"`
	Relations []relationJSON `json:"relations"`
}

const pathFields = `length nodes { id name } relations { type from { id } to { id } citations { quote source { id text } } }`

func (p pathJSON) ids() []string {
	var out []string
	for _, n := range p.Nodes {
		out = append(out, n.ID)
	}
	return out
}

// checkPath fails unless p runs from one end to the other, every relation joins the two entities
// it stands between (in either direction) and carries a quote that occurs in its source.
func checkPath(t *testing.T, p pathJSON, from, to string) {
	t.Helper()
	ids := p.ids()
	if len(ids) != p.Length+1 || len(p.Relations) != p.Length || ids[0] != from || ids[len(ids)-1] != to {
		t.Fatalf("path %q (length %d, %d relations), want one from %s to %s", ids, p.Length, len(p.Relations), from, to)
	}
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("path %q visits an entity twice", ids)
	}
	for i, r := range p.Relations {
		a, b := ids[i], ids[i+1]
		if !(r.From.ID == a && r.To.ID == b || r.From.ID == b && r.To.ID == a) {
			t.Errorf("hop %d of %q is %s %s -> %s, which does not join %s and %s", i, ids, r.Type, r.From.ID, r.To.ID, a, b)
		}
		if len(r.Citations) == 0 {
			t.Errorf("hop %d of %q (%s) has no quote", i, ids, r.Type)
			continue
		}
		checkQuote(t, r.Citations[0])
	}
}

func testShortestPathQuoted(t *testing.T, c client) {
	var data struct {
		Path   *pathJSON `json:"path"`
		Around *pathJSON `json:"around"`
		None   *pathJSON `json:"none"`
		Self   *pathJSON `json:"self"`
	}
	c.query(`query($from: ID!, $to: ID!) {
		path: shortestPath(from: $from, to: $to) { `+pathFields+` }
		around: shortestPath(from: $from, to: $to, avoid: ["`+plenary+`"]) { `+pathFields+` }
		none: shortestPath(from: $from, to: $to, maxHops: 2) { length }
		self: shortestPath(from: $from, to: $from) { length nodes { id name } relations { type } } }`,
		map[string]any{"from": tobin, "to": hled}, &data)
	if data.Path == nil {
		t.Fatalf("shortestPath(Katie Tobin, HLED) = null")
	}
	p := *data.Path
	checkPath(t, p, tobin, hled)
	// "Katie Tobin ... also joined the U.S. delegation", "The ESC also adopted 2023 Action Plans",
	// which "support initiatives identified through the U.S.-Mexico High-Level Economic Dialogue".
	if want := []string{tobin, plenary, planning, hled}; !slices.Equal(p.ids(), want) {
		t.Fatalf("shortestPath(Katie Tobin, HLED) = %q, want %q", p.ids(), want)
	}
	for i, words := range [][]string{{"Katie Tobin", "joined the U.S. delegation"}, {"adopted 2023 Action Plans"}, {"support", "High-Level Economic Dialogue"}} {
		checkQuote(t, p.Relations[i].Citations[0], words...)
	}
	if got := []string{p.Relations[0].Type, p.Relations[1].Type, p.Relations[2].Type}; !slices.Equal(got, []string{"ATTENDED", "ADOPTED", "SUPPORTS"}) {
		t.Errorf("hops = %q, want ATTENDED, ADOPTED, SUPPORTS", got)
	}

	// Around the plenary: "Senior Director for Transborder at the National Security Council Katie
	// Tobin", the council being American, and the United States a party to the dialogue.
	if data.Around == nil {
		t.Fatalf("shortestPath avoiding the plenary = null")
	}
	checkPath(t, *data.Around, tobin, hled)
	if slices.Contains(data.Around.ids(), plenary) || data.Around.Length != 3 {
		t.Errorf("shortestPath avoiding the plenary = %q, want three hops around it", data.Around.ids())
	}
	if data.None != nil {
		t.Errorf("shortestPath within 2 hops = %+v, want null", data.None)
	}
	if data.Self == nil || data.Self.Length != 0 || len(data.Self.Nodes) != 1 || data.Self.Nodes[0].Name != "Katie Tobin" {
		t.Errorf("shortestPath from Katie Tobin to herself = %+v, want the path of length 0", data.Self)
	}
}

func testPathsQuoted(t *testing.T, c client) {
	var data struct {
		Paths  []pathJSON `json:"paths"`
		Typed  []pathJSON `json:"typed"`
		Direct []pathJSON `json:"direct"`
	}
	c.query(`{ paths(from: "`+tobin+`", to: "`+hled+`", maxHops: 4, first: 20) { `+pathFields+` }
		typed: paths(from: "`+tobin+`", to: "`+hled+`", types: ["HOLDS_POSITION", "BELONGS_TO", "PARTY_TO"]) { `+pathFields+` }
		direct: paths(from: "`+tobin+`", to: "`+hled+`", maxHops: 2) { length } }`, nil, &data)
	if len(data.Paths) < 3 {
		t.Fatalf("paths(Katie Tobin, HLED, 4 hops) = %d paths, want several", len(data.Paths))
	}
	seen := map[string]bool{}
	for i, p := range data.Paths {
		checkPath(t, p, tobin, hled)
		// The same entities may come twice only through different relations.
		key := strings.Join(p.ids(), " ")
		for _, r := range p.Relations {
			key += " " + r.Type + ":" + r.From.ID + ">" + r.To.ID
		}
		if seen[key] {
			t.Errorf("paths[%d] = %s comes twice", i, key)
		}
		seen[key] = true
		if i > 0 && p.Length < data.Paths[i-1].Length {
			t.Errorf("paths[%d] has %d hops after one of %d: want shortest first", i, p.Length, data.Paths[i-1].Length)
		}
	}
	if data.Paths[0].Length != 3 || data.Paths[len(data.Paths)-1].Length != 4 {
		t.Errorf("paths run from %d to %d hops, want 3 to 4", data.Paths[0].Length, data.Paths[len(data.Paths)-1].Length)
	}
	// Through the council's country only: the one path the text gives.
	if len(data.Typed) != 1 {
		t.Fatalf("paths through positions and countries = %d, want 1", len(data.Typed))
	}
	checkPath(t, data.Typed[0], tobin, hled)
	if want := []string{tobin, "organization:national-security-council", "country:united-states", hled}; !slices.Equal(data.Typed[0].ids(), want) {
		t.Errorf("paths through positions and countries = %q, want %q", data.Typed[0].ids(), want)
	}
	if len(data.Direct) != 0 {
		t.Errorf("paths within 2 hops = %+v, want none", data.Direct)
	}
}

type entityRef struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Kind      string         `json:"kind"`
	Relations []relationJSON `json:"relations"`
}

func refIDs(es []entityRef) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.ID)
	}
	return out
}

func testPlenaryNeighborhood(t *testing.T, c client) {
	type subgraph struct {
		Nodes     []entityRef    `json:"nodes"`
		Relations []relationJSON `json:"relations"`
	}
	var data struct {
		Plenary entityRef `json:"plenary"`
		One     subgraph  `json:"one"`
		People  subgraph  `json:"people"`
		Five    subgraph  `json:"five"`
		Two     subgraph  `json:"two"`
	}
	c.query(`{ plenary: entity(id: "`+plenary+`") { id relations(first: 100) { from { id } to { id } } }
		one: neighborhood(id: "`+plenary+`") { nodes { id name kind relations(first: 100) { from { id } to { id } } }
			relations { type from { id } to { id } citations { quote source { id text } } } }
		people: neighborhood(id: "`+plenary+`", kinds: [PERSON]) { nodes { id kind } relations { type from { id } to { id } } }
		five: neighborhood(id: "`+plenary+`", first: 5) { nodes { id } relations { type from { id } to { id } } }
		two: neighborhood(id: "`+plenary+`", hops: 2) { nodes { id } relations { type } } }`, nil, &data)

	// One hop: the plenary and everything the text relates it to, first the plenary, then the
	// most connected.
	want := []string{plenary}
	for _, r := range data.Plenary.Relations {
		if o := r.From.ID; o != plenary && !slices.Contains(want, o) {
			want = append(want, o)
		}
		if o := r.To.ID; o != plenary && !slices.Contains(want, o) {
			want = append(want, o)
		}
	}
	got := refIDs(data.One.Nodes)
	if len(got) == 0 || got[0] != plenary || !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		t.Fatalf("neighborhood(plenary) nodes = %q, want the plenary first and its %d neighbours", got, len(want)-1)
	}
	for _, name := range []string{"Rachel Poynter", "Roberto Velasco", "Katie Tobin", "Secretariat of Foreign Relations", "2023 Action Plans", "Mexico City"} {
		if !slices.ContainsFunc(data.One.Nodes, func(e entityRef) bool { return e.Name == name }) {
			t.Errorf("neighborhood(plenary) lacks %s", name)
		}
	}
	for i := 2; i < len(data.One.Nodes); i++ {
		if a, b := len(data.One.Nodes[i-1].Relations), len(data.One.Nodes[i].Relations); a < b {
			t.Errorf("neighborhood(plenary) puts %s (%d relations) before %s (%d): want most connected first",
				data.One.Nodes[i-1].ID, a, data.One.Nodes[i].ID, b)
		}
	}
	// Every relation between two of its entities, each cited: the plenary's own, and, e.g., the
	// positions its attendees hold in the agencies represented there.
	for _, r := range data.One.Relations {
		if !slices.Contains(got, r.From.ID) || !slices.Contains(got, r.To.ID) {
			t.Errorf("neighborhood(plenary) has %s %s -> %s, which leaves the subgraph", r.Type, r.From.ID, r.To.ID)
		}
		checkQuote(t, r.Citations[0])
	}
	if len(data.One.Relations) <= len(data.Plenary.Relations) ||
		!slices.ContainsFunc(data.One.Relations, func(r relationJSON) bool { return r.Type == "HOLDS_POSITION" && r.From.ID == velasco }) {
		t.Errorf("neighborhood(plenary) has %d relations, want the plenary's %d and Velasco's position among others", len(data.One.Relations), len(data.Plenary.Relations))
	}

	// "led the U.S. delegation ... also joined the U.S. delegation ... led the Mexican delegation".
	people := refIDs(data.People.Nodes)
	if len(people) != 8 || people[0] != plenary {
		t.Errorf("neighborhood(plenary, kinds: [PERSON]) = %q, want the plenary and the 7 delegates", people)
	}
	for _, r := range data.People.Relations {
		if r.Type != "ATTENDED" {
			t.Errorf("neighborhood(plenary, kinds: [PERSON]) has a %s relation", r.Type)
		}
	}
	if len(data.Five.Nodes) != 5 || data.Five.Nodes[0].ID != plenary || !slices.Equal(refIDs(data.Five.Nodes), got[:5]) {
		t.Errorf("neighborhood(plenary, first: 5) = %q, want the first 5 of %q", refIDs(data.Five.Nodes), got)
	}
	if two := refIDs(data.Two.Nodes); len(two) <= len(got) || !slices.Contains(two, mexico) || !slices.Contains(two, process) {
		t.Errorf("neighborhood(plenary, hops: 2) = %q, want more, with Mexico and the 21CB process", two)
	}
}

func testCommonConnections(t *testing.T, c client) {
	var data struct {
		LeadsOfBothDelegations []entityRef `json:"leads"`
		USDelegates            []entityRef `json:"us"`
		One                    []entityRef `json:"one"`
		Unknown                []entityRef `json:"unknown"`
	}
	c.query(`{ leads: commonConnections(a: "`+poynter+`", b: "`+velasco+`") { id name }
		us: commonConnections(a: "`+poynter+`", b: "`+salazar+`") { id name }
		one: commonConnections(a: "`+poynter+`", b: "`+salazar+`", first: 1) { id }
		unknown: commonConnections(a: "`+poynter+`", b: "person:nobody") { id } }`, nil, &data)
	// Poynter "led the U.S. delegation", Velasco "led the Mexican delegation": the plenary.
	if got := refIDs(data.LeadsOfBothDelegations); !slices.Equal(got, []string{plenary}) {
		t.Errorf("commonConnections(Poynter, Velasco) = %q, want the plenary", got)
	}
	// Both at the plenary, and both hold positions in the U.S. Government; ties by name.
	if got := refIDs(data.USDelegates); !slices.Equal(got, []string{plenary, usGov}) {
		t.Errorf("commonConnections(Poynter, Salazar) = %q, want the plenary and the U.S. Government", got)
	}
	if got := refIDs(data.One); !slices.Equal(got, []string{plenary}) {
		t.Errorf("commonConnections(first: 1) = %q", got)
	}
	if len(data.Unknown) != 0 {
		t.Errorf("commonConnections with an unknown id = %q, want none", refIDs(data.Unknown))
	}
}

func testTimelines(t *testing.T, c client) {
	type via struct {
		Way      string  `json:"way"`
		Relation *string `json:"relation"`
		Through  *struct {
			ID   string `json:"id"`
			Name string `json:"name"`
		} `json:"through"`
	}
	var data map[string][]struct {
		Meeting struct {
			ID   string  `json:"id"`
			Date *string `json:"date"`
		} `json:"meeting"`
		Direct bool  `json:"direct"`
		Via    []via `json:"via"`
	}
	const fields = `{ meeting { id date } direct via { way relation through { id name } } }`
	c.query(`{ all: timeline `+fields+`
		poynter: timeline(id: "`+poynter+`") `+fields+`
		biden: timeline(id: "person:biden") `+fields+`
		bidenDirect: timeline(id: "person:biden", direct: true) `+fields+`
		mexico: timeline(id: "`+mexico+`") `+fields+`
		mexicoDirect: timeline(id: "`+mexico+`", direct: true) `+fields+`
		usgov: timeline(id: "`+usGov+`") `+fields+`
		esc: timeline(id: "`+esc+`") `+fields+`
		process: timeline(id: "`+process+`") `+fields+`
		autumn: timeline(from: "2022-08") `+fields+`
		summer: timeline(to: "2022-07") `+fields+`
		year: timeline(from: "2022", to: "2022") `+fields+`
		first: timeline(first: 1) `+fields+`
		nobody: timeline(id: "person:nobody") `+fields+` }`, nil, &data)
	ids := func(key string) []string {
		out := []string{}
		for _, e := range data[key] {
			out = append(out, e.Meeting.ID)
		}
		return out
	}
	both := []string{july, plenary}
	for key, want := range map[string][]string{
		// "the July 2022 meeting between President Biden and President López Obrador", then the
		// plenary of "December 1".
		"all":     both,
		"poynter": {plenary},
		// Biden met López Obrador; the U.S. Government he heads was represented at the plenary...
		"biden": both,
		// ...but the text never puts him at the plenary.
		"bidenDirect": {july},
		// López Obrador in the Mexican delegation in July; Velasco, the SRE and more in December.
		"mexico": both,
		// A country takes part through its delegations and organizations only.
		"mexicoDirect": {},
		// Represented at the plenary; Biden, its President, met López Obrador in July.
		"usgov":   {plenary},
		"esc":     {plenary},
		"process": {plenary},
		"autumn":  {plenary},
		"summer":  {july},
		"year":    both,
		"first":   {july},
		"nobody":  {},
	} {
		if got := ids(key); !slices.Equal(got, want) {
			t.Errorf("timeline %s = %q, want %q", key, got, want)
		}
	}
	if d := data["all"]; len(d) == 2 && (d[0].Meeting.Date == nil || *d[0].Meeting.Date != "2022-07" || d[1].Meeting.Date == nil || *d[1].Meeting.Date != "2022-12-01") {
		t.Errorf("timeline dates = %+v, want 2022-07 then 2022-12-01", d)
	}
	// How Biden reaches each meeting: he attended the July meeting; the plenary only through the
	// U.S. Government's representation there.
	if b := data["biden"]; len(b) == 2 {
		if !b[0].Direct || len(b[0].Via) != 1 || b[0].Via[0].Way != "DIRECT" || b[0].Via[0].Relation == nil || *b[0].Via[0].Relation != "ATTENDED" || b[0].Via[0].Through != nil {
			t.Errorf("timeline biden reaches %s via %+v, want DIRECT ATTENDED only", b[0].Meeting.ID, b[0].Via)
		}
		if b[1].Direct || len(b[1].Via) != 1 || b[1].Via[0].Way != "ORGANIZATION" || b[1].Via[0].Through == nil || b[1].Via[0].Through.ID != usGov {
			t.Errorf("timeline biden reaches %s via %+v, want ORGANIZATION through %s only", b[1].Meeting.ID, b[1].Via, usGov)
		}
	}
	for _, e := range data["all"] {
		if len(e.Via) != 0 || e.Direct {
			t.Errorf("timeline of every meeting gives %s ways %+v, want none", e.Meeting.ID, e.Via)
		}
	}
	for _, e := range data["mexico"] {
		for _, v := range e.Via {
			if v.Way != "ORGANIZATION" && v.Way != "DELEGATION" || v.Through == nil || v.Through.Name == "" {
				t.Errorf("timeline mexico reaches %s via %+v, want an organization or a delegation member, named", e.Meeting.ID, v)
			}
		}
	}
}

func testFuzzySearch(t *testing.T, c client) {
	for _, tc := range []struct{ query, want string }{
		{"Poyntr", poynter},                 // one letter missing
		{"Ponyter", poynter},                // two letters swapped
		{"rachel poyntre", poynter},         // a typo in the last word
		{"Velsaco", velasco},                // swapped
		{"nunez", "person:blas-nunez-neto"}, // accents
		{"NÚÑEZ", "person:blas-nunez-neto"}, // accents the name lacks, capitals
		{"Secretariat of Comunicatons", "organization:secretariat-of-communications-and-transportation"}, // two edits in one word
		{"SAT", "organization:tax-administration-service"},
		{"sat", "organization:tax-administration-service"},
		{"CBP", "organization:us-customs-and-border-protection"},
		{"Secretaría de Relaciones Exteriores", "organization:secretariat-of-foreign-relations"},
		{"secretaria de relaciones exteriores", "organization:secretariat-of-foreign-relations"},
		{"Servicio de Administración Tributaria", "organization:tax-administration-service"},
		{"Gobierno de Mexico", "organization:government-of-mexico"},
		{"High-Level Economic Dialog", hled},
		{"HLED", hled},
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
		var got []string
		for _, h := range data.Search {
			got = append(got, h.Entity.ID)
		}
		if len(got) == 0 || got[0] != tc.want {
			t.Errorf("search(%q) = %q, want %s first", tc.query, got, tc.want)
		}
		for i := 1; i < len(data.Search); i++ {
			if data.Search[i].Score > data.Search[i-1].Score {
				t.Errorf("search(%q) scores rise at %d: %+v", tc.query, i, data.Search)
			}
		}
	}
}

func testExploreBadInput(t *testing.T, c client) {
	for _, tc := range []struct{ name, query, want string }{
		{"maxHops over 8", `{ shortestPath(from: "` + tobin + `", to: "` + hled + `", maxHops: 9) { length } }`, kg.CodeBadUserInput},
		{"maxHops 0", `{ paths(from: "` + tobin + `", to: "` + hled + `", maxHops: 0) { length } }`, kg.CodeBadUserInput},
		{"paths first over 100", `{ paths(from: "` + tobin + `", to: "` + hled + `", first: 101) { length } }`, kg.CodeBadUserInput},
		{"paths first 0 with bad hops", `{ paths(from: "` + tobin + `", to: "` + hled + `", first: 0, maxHops: 20) { length } }`, kg.CodeBadUserInput},
		{"unknown relation type", `{ paths(from: "` + tobin + `", to: "` + hled + `", types: ["KNOWS"]) { length } }`, kg.CodeBadUserInput},
		{"hops over 3", `{ neighborhood(id: "` + plenary + `", hops: 4) { nodes { id } } }`, kg.CodeBadUserInput},
		{"neighborhood first over 100", `{ neighborhood(id: "` + plenary + `", first: 101) { nodes { id } } }`, kg.CodeBadUserInput},
		{"common with itself", `{ commonConnections(a: "` + tobin + `", b: "` + tobin + `") { id } }`, kg.CodeBadUserInput},
		{"common first over 100", `{ commonConnections(a: "` + tobin + `", b: "` + poynter + `", first: 500) { id } }`, kg.CodeBadUserInput},
		{"timeline bad date", `{ timeline(from: "December 2022") { meeting { id } } }`, kg.CodeBadUserInput},
		{"timeline first negative", `{ timeline(first: -1) { meeting { id } } }`, kg.CodeBadUserInput},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := c.on(t).errorCode(tc.query, nil); got != tc.want {
				t.Errorf("%s: code %s, want %s", tc.query, got, tc.want)
			}
		})
	}
	var data struct {
		Path  *pathJSON  `json:"path"`
		Paths []pathJSON `json:"paths"`
		Hood  struct {
			Nodes     []entityRef `json:"nodes"`
			Relations []any       `json:"relations"`
		} `json:"hood"`
		Zero []pathJSON `json:"zero"`
	}
	c.query(`{ path: shortestPath(from: "person:nobody", to: "`+hled+`") { length }
		paths: paths(from: "`+tobin+`", to: "not an id") { length }
		hood: neighborhood(id: "meeting:none") { nodes { id } relations { type } }
		zero: paths(from: "`+tobin+`", to: "`+hled+`", first: 0) { length } }`, nil, &data)
	if data.Path != nil || data.Paths == nil || len(data.Paths) != 0 || data.Hood.Nodes == nil || len(data.Hood.Nodes) != 0 ||
		len(data.Hood.Relations) != 0 || data.Zero == nil || len(data.Zero) != 0 {
		t.Errorf("unknown ids and first: 0 = %+v, want null and empty lists", data)
	}
}

// testExploreStoreCalls checks that a path's nested fields cost one store call per level, not one
// per hop: its relations' ends come with the path, their sources in one call, and the people's
// positions with their organizations in one.
func testExploreStoreCalls(t *testing.T, s kg.Store) {
	counting := storetest.NewCounting(s)
	c := newClient(t, counting)
	var data struct {
		Paths []struct {
			Nodes []struct {
				Positions []struct{ Organization struct{ Name string } } `json:"positions"`
			} `json:"nodes"`
		} `json:"paths"`
	}
	c.query(`{ paths(from: "`+tobin+`", to: "`+hled+`", first: 20) {
		nodes { name ... on Person { positions { organization { name } } } }
		relations { type from { name } to { name } citations { quote source { title } } } } }`, nil, &data)
	if len(data.Paths) < 3 {
		t.Fatalf("paths = %d, want several", len(data.Paths))
	}
	want := map[string]int{"Paths": 1, "Sources": 1, "Expand": 1}
	if got := counting.Calls(); !equalCalls(got, want) {
		t.Errorf("store calls of a nested paths query = %v, want %v", got, want)
	}
}

func equalCalls(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestExploreTimeLimit checks that a search that needs more than the server's time limit fails
// with TIMEOUT, on both stores.
func TestExploreTimeLimit(t *testing.T) {
	b := graphgen.Generate(2000)
	var people []string
	for _, e := range b.Entities {
		if e.Kind == kg.KindPerson {
			people = append(people, e.ID)
		}
	}
	from, to := people[0], people[len(people)-1]
	for name, open := range stores(t, func() *kg.Bundle { return b }) {
		t.Run(name, func(t *testing.T) {
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			c := client{t: t, h: server.New(server.Config{ExploreTimeout: time.Nanosecond}, open(t), log)}
			for _, q := range []string{
				`{ paths(from: "` + from + `", to: "` + to + `", maxHops: 8, first: 100) { length } }`,
				`{ shortestPath(from: "` + from + `", to: "` + to + `", maxHops: 8) { length } }`,
				`{ neighborhood(id: "` + from + `", hops: 3) { nodes { id } } }`,
			} {
				if got := c.errorCode(q, nil); got != kg.CodeTimeout {
					t.Errorf("%s with a 1ns limit: code %s, want %s", q, got, kg.CodeTimeout)
				}
			}
		})
	}
}
