// Package graphgen generates large, realistic, deterministic graphs for benchmarks, load tests
// and the tests that need more than the conformance fixture. It links no test code, so the
// benchmark programs (bench/) can use it.
package graphgen

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Generate returns a valid, deterministic bundle of n entities (n >= 100) and about 5n relations,
// shaped like the real graph: people holding positions at nested organizations; meetings with
// dates, ordinals, delegations of 4 to 12 attendees drawn by a power law, represented
// organizations, a topic and an outcome; dialogues, initiatives and topics. Names repeat (ids do
// not), so search sees realistic collisions. It is meant for benchmarks and load tests.
func Generate(n int) *kg.Bundle {
	var whole *kg.Bundle
	generate(n, 0, func(b *kg.Bundle) bool { whole = b; return true })
	return whole
}

// GenerateParts yields Generate(n) in parts of about size items (entities and relations; at most
// size plus the 17 relations one meeting may add), in order: the source and the entities first,
// then the relations, so that each part refers only to what it or the parts before it hold
// (memstore.LoadParts). The parts joined are Generate(n), item for item; a caller that lets each
// part go never holds the whole bundle.
func GenerateParts(n, size int) iter.Seq[*kg.Bundle] {
	return func(yield func(*kg.Bundle) bool) { generate(n, max(size, 1), yield) }
}

// generate makes Generate(n) and yields it in parts of about size items (0: one part), until
// yield returns false.
func generate(n, size int, yield func(*kg.Bundle) bool) {
	n = max(n, 100)
	const text = "Generated fact for benchmarks."
	g := &generator{
		n: n, size: size, yield: yield, rng: rand.New(rand.NewPCG(1, 2)),
		cite:   []kg.Citation{{Source: "source:generated", Quote: text}},
		b:      &kg.Bundle{Sources: []kg.Source{{ID: "source:generated", Title: "Generated graph", Text: text}}},
		ids:    map[kg.Kind][]string{},
		shared: map[string]map[string]any{},
	}
	if size == 0 {
		// Sized up front (about 4.95n relations are made): growing lists of millions by doubling
		// would hold two copies at once.
		g.b.Entities, g.b.Relations = make([]kg.Entity, 0, n), make([]kg.Relation, 0, 5*n)
	}
	g.entities()
	g.relations()
	if !g.stopped && (len(g.b.Entities) > 0 || len(g.b.Relations) > 0 || size == 0) {
		yield(g.b)
	}
}

// generator holds one run of generate: the part being filled, the ids made so far by kind, and
// the one random source whose order of draws makes the graph.
type generator struct {
	n, size int
	yield   func(*kg.Bundle) bool
	stopped bool // yield returned false
	rng     *rand.Rand
	cite    []kg.Citation
	b       *kg.Bundle // the part being filled
	// groupStart is where the relations of the current entity's loop turn begin in b: a part ends
	// only between turns, so the duplicates a turn may draw (the same attendee twice) are found
	// within the turn.
	groupStart int
	ids        map[kg.Kind][]string
	// shared: relations with equal properties share one map, as they share one citation list: a
	// store must not change what a bundle holds, and at a million entities a map per relation
	// would make the bundle, which the embedded bench process holds while it loads, larger than
	// the graph.
	shared map[string]map[string]any
}

// group begins the items of one loop turn, yielding the part first when it is full.
func (g *generator) group() {
	if g.size > 0 && !g.stopped && len(g.b.Entities)+len(g.b.Relations) >= g.size {
		g.stopped = !g.yield(g.b)
		g.b = &kg.Bundle{}
	}
	g.groupStart = len(g.b.Relations)
}

func (g *generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

func (g *generator) add(k kg.Kind, i int, name string, aliases []string, p map[string]any) {
	g.group()
	if g.b.Entities == nil {
		g.b.Entities = make([]kg.Entity, 0, min(g.size, g.n)) // a part's, grown by doubling, would be garbage twice
	}
	id := fmt.Sprintf("%s-%d", kg.NewID(k, name), i)
	g.ids[k] = append(g.ids[k], id)
	g.b.Entities = append(g.b.Entities, kg.Entity{ID: id, Kind: k, Name: name, Aliases: aliases, Properties: p, Citations: g.cite})
}

func (g *generator) rel(t, from, to string, p map[string]any) {
	if from == to {
		return
	}
	for i := g.groupStart; i < len(g.b.Relations); i++ { // a turn draws a few at most
		if r := &g.b.Relations[i]; r.Type == t && r.From == from && r.To == to {
			return
		}
	}
	if p != nil {
		key := propsKey(p)
		if q, ok := g.shared[key]; ok {
			p = q
		} else {
			g.shared[key] = p
		}
	}
	if g.b.Relations == nil {
		g.b.Relations = make([]kg.Relation, 0, max(g.size-len(g.b.Entities), 0)+17)
	}
	g.b.Relations = append(g.b.Relations, kg.Relation{Type: t, From: from, To: to, Properties: p, Citations: g.cite})
}

// entities makes the entities, kind by kind; people take what the other kinds leave of n.
func (g *generator) entities() {
	n := g.n
	counts := map[kg.Kind]int{
		kg.KindCountry: max(n/200, 3), kg.KindPlace: max(n/50, 3), kg.KindTopic: max(n/70, 3),
		kg.KindDialogue: max(n/35, 3), kg.KindInitiative: max(n/12, 3), kg.KindOrganization: n * 3 / 20,
		kg.KindMeeting: n * 3 / 10,
	}
	counts[kg.KindPerson] = n
	for k, c := range counts {
		if k != kg.KindPerson {
			counts[kg.KindPerson] -= c
		}
	}
	codes := countryCodes()
	for i := range counts[kg.KindCountry] {
		g.add(kg.KindCountry, i, g.pick(placeWords)+" "+g.pick(countryWords), nil, map[string]any{"code": codes[i%len(codes)]})
	}
	for i := range counts[kg.KindPlace] {
		g.add(kg.KindPlace, i, g.pick(placeWords)+" "+g.pick(cityWords), nil, nil)
	}
	for i := range counts[kg.KindTopic] {
		g.add(kg.KindTopic, i, g.pick(topicWords), nil, nil)
	}
	for i := range counts[kg.KindDialogue] {
		name := g.pick(placeWords) + " " + g.pick(topicWords) + " Dialogue"
		g.add(kg.KindDialogue, i, name, nil, map[string]any{"acronym": acronym(name), "established": fmt.Sprintf("%d", 1990+g.rng.IntN(33))})
	}
	for i := range counts[kg.KindInitiative] {
		g.add(kg.KindInitiative, i, g.pick(topicWords)+" "+g.pick(initiativeWords), nil, nil)
	}
	for i := range counts[kg.KindOrganization] {
		name := g.pick(orgWords) + " of " + g.pick(topicWords)
		g.add(kg.KindOrganization, i, name, nil, map[string]any{"acronym": acronym(name), "classification": g.pick(classifications)})
	}
	for i := range counts[kg.KindMeeting] {
		p := g.meetingProperties(i) // drawn before the name, as it always was: the graph stays the same
		g.add(kg.KindMeeting, i, fmt.Sprintf("%s %s Meeting %d", g.pick(placeWords), g.pick(topicWords), i), nil, p)
	}
	for i := range counts[kg.KindPerson] {
		first, last := g.pick(firstNames), g.pick(lastNames)
		var aliases []string
		if i%5 == 0 {
			aliases = []string{first[:1] + ". " + last}
		}
		g.add(kg.KindPerson, i, first+" "+last, aliases, nil)
	}
}

// meetingProperties gives meeting i an ordinal and, for three in four, a date of day, month or
// year precision.
func (g *generator) meetingProperties(i int) map[string]any {
	p := map[string]any{"ordinal": int64(1 + i%30)}
	switch i % 4 {
	case 0:
		p["date"] = fmt.Sprintf("%d-%02d-%02d", 2000+g.rng.IntN(24), 1+g.rng.IntN(12), 1+g.rng.IntN(28))
	case 1:
		p["date"] = fmt.Sprintf("%d-%02d", 2000+g.rng.IntN(24), 1+g.rng.IntN(12))
	case 2:
		p["date"] = fmt.Sprintf("%d", 2000+g.rng.IntN(24))
	}
	return p
}

// relations makes the relations, a loop turn per entity, in the order the entities were made.
func (g *generator) relations() {
	ids := g.ids
	countries, dialogues, topics := ids[kg.KindCountry], ids[kg.KindDialogue], ids[kg.KindTopic]
	for i, id := range ids[kg.KindPlace] {
		g.group()
		g.rel(kg.RelLocatedIn, id, countries[i%len(countries)], nil)
	}
	for i, id := range countries {
		g.group()
		g.rel(kg.RelPartyTo, id, dialogues[i%len(dialogues)], nil)
	}
	for i, id := range dialogues {
		g.group()
		g.rel(kg.RelAddresses, id, topics[i%len(topics)], nil)
		if i > 0 && i%5 == 0 {
			g.rel(kg.RelPartOf, id, dialogues[i-1], nil)
		}
	}
	for i, id := range ids[kg.KindInitiative] {
		g.group()
		g.rel(kg.RelSupports, id, dialogues[i%len(dialogues)], nil)
	}
	orgs := ids[kg.KindOrganization]
	for i, id := range orgs {
		g.group()
		if i%3 == 1 {
			g.rel(kg.RelPartOf, id, orgs[i-1], nil)
		} else {
			g.rel(kg.RelBelongsTo, id, countries[i%len(countries)], nil)
		}
	}
	for i, id := range ids[kg.KindPerson] {
		g.group()
		g.rel(kg.RelHoldsPosition, id, orgs[i%len(orgs)], map[string]any{"title": "Director", "acting": i%7 == 0, "start": fmt.Sprintf("%d", 2000+i%24)})
		if i%3 == 0 {
			g.rel(kg.RelHoldsPosition, id, orgs[g.rng.IntN(len(orgs))], map[string]any{"title": "Advisor"})
		}
	}
	g.meetingRelations()
	for i, id := range ids[kg.KindInitiative] {
		g.group()
		g.rel(kg.RelAddresses, id, topics[i%len(topics)], nil)
	}
}

// meetingRelations gives each meeting its dialogue, place, outcome, topic, a delegation of
// attendees and the organizations represented.
func (g *generator) meetingRelations() {
	ids := g.ids
	people, orgs, topics := ids[kg.KindPerson], ids[kg.KindOrganization], ids[kg.KindTopic]
	roles := []string{"LEAD", "MEMBER", "PARTICIPANT"}
	// Attendance follows a power law: the person of rank r (of N) attends about (N/r)^0.5 times
	// the median share, so a few officials are at hundreds of meetings and most at a handful.
	// Ranks are spread over the people (stride coprime with N), so the first people of the
	// bundle, which benchmarks and tests pick, are not all hubs; the first is the last rank.
	stride := coprimeStride(len(people))
	attendee := func() string {
		u := g.rng.Float64()
		return people[(int(u*u*float64(len(people)))+1)*stride%len(people)]
	}
	for i, id := range ids[kg.KindMeeting] {
		g.group()
		g.rel(kg.RelSessionOf, id, ids[kg.KindDialogue][i%len(ids[kg.KindDialogue])], nil)
		g.rel(kg.RelHeldIn, id, ids[kg.KindPlace][i%len(ids[kg.KindPlace])], nil)
		g.rel(kg.OutcomeTypes[i%len(kg.OutcomeTypes)], id, ids[kg.KindInitiative][i%len(ids[kg.KindInitiative])], nil)
		g.rel(kg.RelAddresses, id, topics[g.rng.IntN(len(topics))], nil)
		// A delegation of 4 to 12: one in rotation, so every person attends something, and the
		// rest drawn by the power law (a person drawn twice attends once).
		g.rel(kg.RelAttended, people[i%len(people)], id, map[string]any{"role": roles[0], "delegation": "MX"})
		for j := range 3 + g.rng.IntN(9) {
			g.rel(kg.RelAttended, attendee(), id, map[string]any{"role": roles[(j+1)%3], "delegation": "MX"})
		}
		g.rel(kg.RelRepresentedAt, orgs[i%len(orgs)], id, map[string]any{"delegation": "US"})
		if i%2 == 0 {
			g.rel(kg.RelRepresentedAt, orgs[g.rng.IntN(len(orgs))], id, map[string]any{"delegation": "CA"})
		}
	}
}

// propsKey returns a key equal for equal maps of the scalar properties Generate gives relations.
func propsKey(p map[string]any) string {
	var parts []string
	for k, v := range p {
		parts = append(parts, fmt.Sprintf("%q=%T:%v", k, v, v))
	}
	slices.Sort(parts)
	return strings.Join(parts, ";")
}

// coprimeStride returns a stride near 0.6 n that is coprime with n, so i*stride%n visits every
// index below n once.
func coprimeStride(n int) int {
	s := max(n*3/5, 1)
	for gcd(s, n) != 1 {
		s++
	}
	return s
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// countryCodes lists every ISO 3166-1 alpha-2 code kg accepts, in order.
func countryCodes() []string {
	var out []string
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if c := string(a) + string(b); kg.ValidCountryCode(c) {
				out = append(out, c)
			}
		}
	}
	return out
}

func acronym(name string) string {
	var a []byte
	for i := 0; i < len(name); i++ {
		if name[i] >= 'A' && name[i] <= 'Z' && (i == 0 || name[i-1] == ' ') {
			a = append(a, name[i])
		}
	}
	return string(a)
}

var (
	firstNames      = []string{"Ana", "Blas", "Carmen", "David", "Elena", "Fernando", "Gabriela", "Héctor", "Isabel", "Javier", "Karen", "Luis", "María", "Nicolás", "Olivia", "Pablo", "Rachel", "Sofía", "Tomás", "Valeria", "William", "Ximena", "Yolanda", "Zoe", "John", "Claire", "Ingrid", "Mateo", "José", "Lucía"}
	lastNames       = []string{"García", "Martínez", "López", "González", "Rodríguez", "Pérez", "Sánchez", "Ramírez", "Torres", "Flores", "Rivera", "Gómez", "Díaz", "Reyes", "Cruz", "Morales", "Ortiz", "Gutiérrez", "Chávez", "Ramos", "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Tremblay", "Poynter", "Nuñez-Neto", "Okafor", "Solberg", "Garza", "Wilson", "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "White"}
	placeWords      = []string{"North", "South", "East", "West", "Central", "Northern", "Southern", "Pacific", "Atlantic", "Gulf", "Border", "Coastal", "Inland", "Upper", "Lower"}
	countryWords    = []string{"Republic", "Federation", "Kingdom", "Union", "States", "Commonwealth"}
	cityWords       = []string{"City", "Port", "Harbor", "Springs", "Valley", "Heights", "Bay", "Falls", "Junction"}
	topicWords      = []string{"Migration", "Trade", "Security", "Energy", "Health", "Infrastructure", "Customs", "Labor", "Climate", "Water", "Agriculture", "Telecommunications", "Education", "Finance", "Transport", "Fisheries", "Mining", "Tourism", "Defense", "Justice"}
	initiativeWords = []string{"Framework", "Plan", "Agenda", "Pilot", "Program", "Partnership", "Strategy", "Initiative", "Compact", "Roadmap"}
	orgWords        = []string{"Secretariat", "Ministry", "Department", "Agency", "Bureau", "Office", "Council", "Commission", "Directorate", "Institute"}
	classifications = []string{"GOVERNMENT", "MINISTRY", "AGENCY", "COUNCIL", "EMBASSY", "COMMITTEE"}
)
