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
	rng := rand.New(rand.NewPCG(1, 2))
	const text = "Generated fact for benchmarks."
	cite := []kg.Citation{{Source: "source:generated", Quote: text}}
	b := &kg.Bundle{Sources: []kg.Source{{ID: "source:generated", Title: "Generated graph", Text: text}}}
	if size == 0 {
		// Sized up front (about 4.95n relations are made): growing lists of millions by doubling
		// would hold two copies at once.
		b.Entities, b.Relations = make([]kg.Entity, 0, n), make([]kg.Relation, 0, 5*n)
	}
	stopped := false
	// group begins the items of one entity's loop turn: a part ends only between turns, so the
	// duplicates a turn may draw (the same attendee twice) are found within the turn.
	groupStart := 0
	group := func() {
		if size > 0 && !stopped && len(b.Entities)+len(b.Relations) >= size {
			stopped = !yield(b)
			b = &kg.Bundle{}
		}
		groupStart = len(b.Relations)
	}

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
	ids := map[kg.Kind][]string{}
	add := func(k kg.Kind, i int, name string, aliases []string, p map[string]any) {
		group()
		if b.Entities == nil {
			b.Entities = make([]kg.Entity, 0, min(size, n)) // a part's, grown by doubling, would be garbage twice
		}
		id := fmt.Sprintf("%s-%d", kg.NewID(k, name), i)
		ids[k] = append(ids[k], id)
		b.Entities = append(b.Entities, kg.Entity{ID: id, Kind: k, Name: name, Aliases: aliases, Properties: p, Citations: cite})
	}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }

	codes := countryCodes()
	for i := range counts[kg.KindCountry] {
		add(kg.KindCountry, i, pick(placeWords)+" "+pick(countryWords), nil, map[string]any{"code": codes[i%len(codes)]})
	}
	for i := range counts[kg.KindPlace] {
		add(kg.KindPlace, i, pick(placeWords)+" "+pick(cityWords), nil, nil)
	}
	for i := range counts[kg.KindTopic] {
		add(kg.KindTopic, i, pick(topicWords), nil, nil)
	}
	for i := range counts[kg.KindDialogue] {
		name := pick(placeWords) + " " + pick(topicWords) + " Dialogue"
		add(kg.KindDialogue, i, name, nil, map[string]any{"acronym": acronym(name), "established": fmt.Sprintf("%d", 1990+rng.IntN(33))})
	}
	for i := range counts[kg.KindInitiative] {
		add(kg.KindInitiative, i, pick(topicWords)+" "+pick(initiativeWords), nil, nil)
	}
	for i := range counts[kg.KindOrganization] {
		name := pick(orgWords) + " of " + pick(topicWords)
		add(kg.KindOrganization, i, name, nil, map[string]any{"acronym": acronym(name), "classification": pick(classifications)})
	}
	for i := range counts[kg.KindMeeting] {
		p := map[string]any{"ordinal": int64(1 + i%30)}
		switch i % 4 {
		case 0:
			p["date"] = fmt.Sprintf("%d-%02d-%02d", 2000+rng.IntN(24), 1+rng.IntN(12), 1+rng.IntN(28))
		case 1:
			p["date"] = fmt.Sprintf("%d-%02d", 2000+rng.IntN(24), 1+rng.IntN(12))
		case 2:
			p["date"] = fmt.Sprintf("%d", 2000+rng.IntN(24))
		}
		add(kg.KindMeeting, i, fmt.Sprintf("%s %s Meeting %d", pick(placeWords), pick(topicWords), i), nil, p)
	}
	for i := range counts[kg.KindPerson] {
		first, last := pick(firstNames), pick(lastNames)
		var aliases []string
		if i%5 == 0 {
			aliases = []string{first[:1] + ". " + last}
		}
		add(kg.KindPerson, i, first+" "+last, aliases, nil)
	}

	// Relations with equal properties share one map, as they share one citation list: a store
	// must not change what a bundle holds, and at a million entities a map per relation would make
	// the bundle, which the embedded bench process holds while it loads, larger than the graph.
	shared := map[string]map[string]any{}
	rel := func(t, from, to string, p map[string]any) {
		if from == to {
			return
		}
		for i := groupStart; i < len(b.Relations); i++ { // a turn draws a few at most
			if r := &b.Relations[i]; r.Type == t && r.From == from && r.To == to {
				return
			}
		}
		if p != nil {
			key := propsKey(p)
			if q, ok := shared[key]; ok {
				p = q
			} else {
				shared[key] = p
			}
		}
		if b.Relations == nil {
			b.Relations = make([]kg.Relation, 0, max(size-len(b.Entities), 0)+17)
		}
		b.Relations = append(b.Relations, kg.Relation{Type: t, From: from, To: to, Properties: p, Citations: cite})
	}
	for i, id := range ids[kg.KindPlace] {
		group()
		rel(kg.RelLocatedIn, id, ids[kg.KindCountry][i%len(ids[kg.KindCountry])], nil)
	}
	for i, id := range ids[kg.KindCountry] {
		group()
		rel(kg.RelPartyTo, id, ids[kg.KindDialogue][i%len(ids[kg.KindDialogue])], nil)
	}
	for i, id := range ids[kg.KindDialogue] {
		group()
		rel(kg.RelAddresses, id, ids[kg.KindTopic][i%len(ids[kg.KindTopic])], nil)
		if i > 0 && i%5 == 0 {
			rel(kg.RelPartOf, id, ids[kg.KindDialogue][i-1], nil)
		}
	}
	for i, id := range ids[kg.KindInitiative] {
		group()
		rel(kg.RelSupports, id, ids[kg.KindDialogue][i%len(ids[kg.KindDialogue])], nil)
	}
	orgs := ids[kg.KindOrganization]
	for i, id := range orgs {
		group()
		if i%3 == 1 {
			rel(kg.RelPartOf, id, orgs[i-1], nil)
		} else {
			rel(kg.RelBelongsTo, id, ids[kg.KindCountry][i%len(ids[kg.KindCountry])], nil)
		}
	}
	people := ids[kg.KindPerson]
	for i, id := range people {
		group()
		rel(kg.RelHoldsPosition, id, orgs[i%len(orgs)], map[string]any{"title": "Director", "acting": i%7 == 0, "start": fmt.Sprintf("%d", 2000+i%24)})
		if i%3 == 0 {
			rel(kg.RelHoldsPosition, id, orgs[rng.IntN(len(orgs))], map[string]any{"title": "Advisor"})
		}
	}
	roles := []string{"LEAD", "MEMBER", "PARTICIPANT"}
	// Attendance follows a power law: the person of rank r (of N) attends about (N/r)^0.5 times
	// the median share, so a few officials are at hundreds of meetings and most at a handful.
	// Ranks are spread over the people (stride coprime with N), so the first people of the
	// bundle, which benchmarks and tests pick, are not all hubs; the first is the last rank.
	stride := coprimeStride(len(people))
	attendee := func() string {
		u := rng.Float64()
		return people[(int(u*u*float64(len(people)))+1)*stride%len(people)]
	}
	topics := ids[kg.KindTopic]
	for i, id := range ids[kg.KindMeeting] {
		group()
		rel(kg.RelSessionOf, id, ids[kg.KindDialogue][i%len(ids[kg.KindDialogue])], nil)
		rel(kg.RelHeldIn, id, ids[kg.KindPlace][i%len(ids[kg.KindPlace])], nil)
		rel(kg.OutcomeTypes[i%len(kg.OutcomeTypes)], id, ids[kg.KindInitiative][i%len(ids[kg.KindInitiative])], nil)
		rel(kg.RelAddresses, id, topics[rng.IntN(len(topics))], nil)
		// A delegation of 4 to 12: one in rotation, so every person attends something, and the
		// rest drawn by the power law (a person drawn twice attends once).
		rel(kg.RelAttended, people[i%len(people)], id, map[string]any{"role": roles[0], "delegation": "MX"})
		for j := range 3 + rng.IntN(9) {
			rel(kg.RelAttended, attendee(), id, map[string]any{"role": roles[(j+1)%3], "delegation": "MX"})
		}
		rel(kg.RelRepresentedAt, orgs[i%len(orgs)], id, map[string]any{"delegation": "US"})
		if i%2 == 0 {
			rel(kg.RelRepresentedAt, orgs[rng.IntN(len(orgs))], id, map[string]any{"delegation": "CA"})
		}
	}
	for i, id := range ids[kg.KindInitiative] {
		group()
		rel(kg.RelAddresses, id, ids[kg.KindTopic][i%len(ids[kg.KindTopic])], nil)
	}
	if !stopped && (len(b.Entities) > 0 || len(b.Relations) > 0 || size == 0) {
		yield(b)
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
