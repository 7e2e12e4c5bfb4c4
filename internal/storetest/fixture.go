package storetest

import (
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Ids of the fixture, named so the suite's expectations read as prose.
const (
	srcBriefing = "source:fixture-briefing"
	srcJoint    = "source:joint-statement-14th-plenary"
	srcPress    = "source:migration-framework-press-release"

	cCanada = "country:canada"
	cMexico = "country:mexico"
	cUS     = "country:united-states"

	oGovMX   = "organization:government-of-mexico"
	oSRE     = "organization:secretariat-of-foreign-relations"
	oSE      = "organization:secretaria-de-economia"
	oDOS     = "organization:department-of-state"
	oWHA     = "organization:bureau-of-western-hemisphere-affairs"
	oDHS     = "organization:department-of-homeland-security"
	oGAC     = "organization:global-affairs-canada"
	oEmbassy = "organization:embassy-of-mexico-in-the-united-states"

	pNunez    = "person:blas-nunez-neto"
	pPoynter  = "person:rachel-poynter"
	pOrtiz    = "person:ana-lucia-ortiz"
	pGarza    = "person:mateo-garza"
	pTremblay = "person:claire-tremblay"
	pRamirez  = "person:jose-ramirez-soto"
	pOkafor   = "person:david-okafor"
	pSolberg  = "person:ingrid-solberg"

	plMexicoCity = "place:mexico-city"
	plWashington = "place:washington-d-c"
	plOttawa     = "place:ottawa"

	d21CB        = "dialogue:twenty-first-century-border-dialogue"
	dESC         = "dialogue:21cb-executive-steering-committee"
	dHLED        = "dialogue:high-level-economic-dialogue"
	dTrilateral  = "dialogue:trilateral-migration-dialogue"
	iBIMP        = "initiative:border-infrastructure-master-plan"
	iSupply      = "initiative:supply-chain-resilience-agenda"
	iRMF         = "initiative:regional-migration-framework"
	iPilot       = "initiative:migration-data-sharing-pilot"
	tMigration   = "topic:migration"
	tTrade       = "topic:trade"
	tBorderInfra = "topic:border-infrastructure"

	m13th       = "meeting:21cb-esc-13th-plenary"
	m14th       = "meeting:21cb-esc-14th-plenary"
	mHLED2021   = "meeting:hled-2021"
	mHLED2022   = "meeting:hled-2022"
	mTrilateral = "meeting:trilateral-migration-working-group"
)

// Fixture returns a new copy of the suite's graph: a small, synthetic but realistic picture of
// North American dialogues with 3 sources, 38 entities of every kind and the relations between
// them. It has partial dates and an undated meeting, ordinals, nested organizations, accented
// names, aliases and acronyms, and entities that lack optional fields. Every quote occurs in its
// source, because each source's text is built from the quotes that cite it. Callers may change
// the copy they get.
func Fixture() *kg.Bundle {
	f := &fixtureBuilder{texts: map[string][]string{}}
	url := "https://example.org/21cb/14th-plenary"
	f.b.Sources = []kg.Source{
		{ID: srcBriefing, Title: "Briefing on North American dialogues", Publisher: "Diplograph test suite", Published: "2023-02"},
		{ID: srcJoint, Title: "Joint Statement of the 21CB Executive Steering Committee 14th Plenary", Publisher: "Department of State", Published: "2022-12-01", URL: &url},
		{ID: srcPress, Title: "Press release: Regional Migration Framework adopted", Published: "2022"},
	}

	// Countries.
	trilateral := f.brief("Canada, Mexico and the United States hold a Trilateral Migration Dialogue.")
	bilateralMX := f.brief("Mexico, officially the United Mexican States, co-chairs both bilateral dialogues.")
	bilateralUS := f.brief("The United States of America co-chairs both bilateral dialogues with Mexico.")
	f.entity(kg.Entity{ID: cCanada, Kind: kg.KindCountry, Name: "Canada",
		Properties: props("code", "CA"),
		Citations:  f.brief("Canada joined the trilateral migration talks in 2022.")})
	// A curated alias: the briefing never spells the Spanish name.
	f.entity(kg.Entity{ID: cMexico, Kind: kg.KindCountry, Name: "Mexico", Aliases: []string{"México", "United Mexican States"},
		Description: "Federal republic in North America.", Properties: props("code", "MX"),
		Citations: append(slices.Clone(bilateralMX), kg.Citation{Source: srcBriefing, Quote: "Mexico, officially the United Mexican States",
			Basis: kg.BasisCurated, Note: "the country's name in Spanish", Fields: []string{kg.AliasField("México")}})})
	f.entity(kg.Entity{ID: cUS, Kind: kg.KindCountry, Name: "United States", Aliases: []string{"USA", "United States of America"},
		Properties: props("code", "US"), Citations: bilateralUS})

	// Organizations, nested with PART_OF; only the top of each nesting BELONGS_TO a country, except
	// the SRE and the embassy, which say so themselves.
	govMX := f.brief("The Government of Mexico coordinates its delegations through the Secretariat of Foreign Relations (SRE).")
	f.entity(kg.Entity{ID: oGovMX, Kind: kg.KindOrganization, Name: "Government of Mexico",
		Properties: props("classification", "GOVERNMENT"), Citations: govMX})
	sreSentence := f.brief("The Secretaría de Relaciones Exteriores is part of the Government of Mexico.")
	f.entity(kg.Entity{ID: oSRE, Kind: kg.KindOrganization, Name: "Secretariat of Foreign Relations",
		Aliases: []string{"Secretaría de Relaciones Exteriores"}, Description: "Mexico's foreign ministry.",
		Properties: props("acronym", "SRE", "classification", "MINISTRY"), Citations: append(govMX, sreSentence...)})
	seSentence := f.brief("The Secretaría de Economía, also called the Secretariat of Economy, leads Mexico's economic delegation.")
	f.entity(kg.Entity{ID: oSE, Kind: kg.KindOrganization, Name: "Secretaría de Economía",
		Aliases:    []string{"Secretariat of Economy", "Ministry of Economy"},
		Properties: props("acronym", "SE", "classification", "MINISTRY"), Citations: seSentence})
	dosSentence := f.brief("The U.S. Department of State, or State Department, leads the U.S. delegation.")
	f.entity(kg.Entity{ID: oDOS, Kind: kg.KindOrganization, Name: "Department of State",
		Aliases:    []string{"State Department", "U.S. Department of State"},
		Properties: props("acronym", "DOS", "classification", "MINISTRY"), Citations: dosSentence})
	whaSentence := f.brief("The Bureau of Western Hemisphere Affairs (WHA) is part of the Department of State.")
	f.entity(kg.Entity{ID: oWHA, Kind: kg.KindOrganization, Name: "Bureau of Western Hemisphere Affairs",
		Properties: props("acronym", "WHA", "classification", "AGENCY"), Citations: whaSentence})
	dhsSentence := f.brief("The Department of Homeland Security (DHS) co-leads border work for the United States.")
	f.entity(kg.Entity{ID: oDHS, Kind: kg.KindOrganization, Name: "Department of Homeland Security",
		Properties: props("acronym", "DHS", "classification", "MINISTRY"), Citations: dhsSentence})
	gacSentence := f.brief("Global Affairs Canada (GAC) represents Canada in the trilateral talks.")
	f.entity(kg.Entity{ID: oGAC, Kind: kg.KindOrganization, Name: "Global Affairs Canada",
		Properties: props("acronym", "GAC"), Citations: gacSentence})
	embassySentence := f.brief("The Embassy of Mexico in the United States reports to the SRE.")
	f.entity(kg.Entity{ID: oEmbassy, Kind: kg.KindOrganization, Name: "Embassy of Mexico in the United States",
		Properties: props("classification", "EMBASSY"), Citations: embassySentence})
	f.rel(kg.RelPartOf, oSRE, oGovMX, nil, sreSentence)
	f.rel(kg.RelPartOf, oSE, oGovMX, nil, seSentence)
	f.rel(kg.RelPartOf, oWHA, oDOS, nil, whaSentence)
	f.rel(kg.RelPartOf, oEmbassy, oSRE, nil, embassySentence)
	f.rel(kg.RelBelongsTo, oGovMX, cMexico, nil, govMX)
	f.rel(kg.RelBelongsTo, oSRE, cMexico, nil, sreSentence)
	f.rel(kg.RelBelongsTo, oSE, cMexico, nil, seSentence)
	f.rel(kg.RelBelongsTo, oEmbassy, cMexico, nil, embassySentence)
	f.rel(kg.RelBelongsTo, oDOS, cUS, nil, dosSentence)
	f.rel(kg.RelBelongsTo, oDHS, cUS, nil, dhsSentence)
	f.rel(kg.RelBelongsTo, oGAC, cCanada, nil, gacSentence)

	// People and their positions.
	nunez := f.brief("Blas Nuñez-Neto served as Acting Assistant Secretary for Border and Immigration Policy at DHS.")
	poynter := f.brief("Rachel Poynter, Deputy Assistant Secretary in WHA, led the U.S. delegation to the 14th plenary.")
	ortiz := f.brief("Ana Lucía Ortiz, Undersecretary for North America at the SRE, led the Mexican delegation to both plenaries.")
	garza := f.brief("Mateo Garza heads the Unit for North American Trade of the Secretaría de Economía.")
	tremblay := f.brief("Claire Tremblay, Director General for North America at GAC, led the Canadian delegation.")
	ramirez := f.brief("José Ramírez Soto, formerly Director for Border Affairs at the SRE, is now Minister for Political Affairs at the Embassy of Mexico in the United States.")
	okafor := f.brief("David Okafor, acting Senior Advisor at the Department of State, led the U.S. side of the High-Level Economic Dialogue.")
	solberg := f.brief("Ingrid Solberg, an independent researcher, joined the Canadian delegation as a participant.")
	f.entity(kg.Entity{ID: pNunez, Kind: kg.KindPerson, Name: "Blas Nuñez-Neto",
		Description: "U.S. border and immigration policy official.", Citations: nunez})
	f.entity(kg.Entity{ID: pPoynter, Kind: kg.KindPerson, Name: "Rachel Poynter", Citations: poynter})
	f.entity(kg.Entity{ID: pOrtiz, Kind: kg.KindPerson, Name: "Ana Lucía Ortiz", Aliases: []string{"A. L. Ortiz"}, Citations: ortiz})
	f.entity(kg.Entity{ID: pGarza, Kind: kg.KindPerson, Name: "Mateo Garza", Citations: garza})
	f.entity(kg.Entity{ID: pTremblay, Kind: kg.KindPerson, Name: "Claire Tremblay", Citations: tremblay})
	f.entity(kg.Entity{ID: pRamirez, Kind: kg.KindPerson, Name: "José Ramírez Soto", Aliases: []string{"José Ramírez"}, Citations: ramirez})
	f.entity(kg.Entity{ID: pOkafor, Kind: kg.KindPerson, Name: "David Okafor", Citations: okafor})
	f.entity(kg.Entity{ID: pSolberg, Kind: kg.KindPerson, Name: "Ingrid Solberg",
		Description: "Independent migration researcher.", Citations: solberg})
	f.rel(kg.RelHoldsPosition, pNunez, oDHS, props("title", "Assistant Secretary for Border and Immigration Policy", "acting", true, "start", "2021-02"), nunez)
	f.rel(kg.RelHoldsPosition, pPoynter, oWHA, props("title", "Deputy Assistant Secretary", "acting", false, "start", "2022-03"), poynter)
	f.rel(kg.RelHoldsPosition, pOrtiz, oSRE, props("title", "Undersecretary for North America", "start", "2021-09"),
		append(slices.Clone(ortiz), kg.Citation{Source: srcBriefing, Quote: "led the Mexican delegation to both plenaries", Basis: kg.BasisInferred,
			Note: "she held the post at both plenaries", Fields: []string{kg.PropertyField("start")}}))
	f.rel(kg.RelHoldsPosition, pGarza, oSE, props("title", "Head of the Unit for North American Trade"), garza)
	f.rel(kg.RelHoldsPosition, pTremblay, oGAC, props("title", "Director General for North America"), tremblay)
	f.rel(kg.RelHoldsPosition, pRamirez, oSRE, props("title", "Director for Border Affairs", "start", "2019", "end", "2021-08"), ramirez)
	f.rel(kg.RelHoldsPosition, pRamirez, oEmbassy, props("title", "Minister for Political Affairs", "start", "2021-09"), ramirez)
	f.rel(kg.RelHoldsPosition, pOkafor, oDOS, props("title", "Senior Advisor", "acting", true), okafor)

	// Places.
	held14 := f.brief("The 14th plenary met in Mexico City, Mexico.")
	held13 := f.brief("The 13th plenary met in Washington, D.C.")
	heldOttawa := f.brief("The trilateral working group met in Ottawa, Canada.")
	f.entity(kg.Entity{ID: plMexicoCity, Kind: kg.KindPlace, Name: "Mexico City", Aliases: []string{"Ciudad de México", "CDMX"}, Citations: held14})
	f.entity(kg.Entity{ID: plWashington, Kind: kg.KindPlace, Name: "Washington, D.C.", Citations: held13})
	f.entity(kg.Entity{ID: plOttawa, Kind: kg.KindPlace, Name: "Ottawa", Citations: heldOttawa})
	f.rel(kg.RelLocatedIn, plMexicoCity, cMexico, nil, held14)
	f.rel(kg.RelLocatedIn, plWashington, cUS, nil, f.brief("Washington, D.C. is the capital of the United States."))
	f.rel(kg.RelLocatedIn, plOttawa, cCanada, nil, heldOttawa)

	// Dialogues.
	border := f.brief("The Twenty-First Century Border Dialogue (21CB) was established in May 2010.")
	esc := f.brief("The 21CB Executive Steering Committee (ESC) is part of the 21CB dialogue and meets in plenary sessions.")
	hled := f.brief("The High-Level Economic Dialogue (HLED) was launched in September 2013 and was relaunched in 2021.")
	f.entity(kg.Entity{ID: d21CB, Kind: kg.KindDialogue, Name: "Twenty-First Century Border Dialogue",
		Properties: props("acronym", "21CB", "established", "2010-05", "working_languages", []any{"English", "Spanish"}), Citations: border})
	// An inferred property: the briefing dates no ESC meeting before 2011 but never says so.
	f.entity(kg.Entity{ID: dESC, Kind: kg.KindDialogue, Name: "21CB Executive Steering Committee",
		Properties: props("acronym", "ESC", "established", "2011"),
		Citations: append(slices.Clone(esc), kg.Citation{Source: srcBriefing, Quote: "meets in plenary sessions", Basis: kg.BasisInferred,
			Note: "a committee meeting since 2011 was established by then", Fields: []string{kg.PropertyField("established")}})})
	f.entity(kg.Entity{ID: dHLED, Kind: kg.KindDialogue, Name: "High-Level Economic Dialogue",
		Properties: props("acronym", "HLED", "established", "2013-09"), Citations: hled})
	f.entity(kg.Entity{ID: dTrilateral, Kind: kg.KindDialogue, Name: "Trilateral Migration Dialogue", Citations: trilateral})
	f.rel(kg.RelPartOf, dESC, d21CB, nil, esc)
	for _, c := range []string{cMexico, cUS} {
		f.rel(kg.RelPartyTo, c, d21CB, nil, map[string][]kg.Citation{cMexico: bilateralMX, cUS: bilateralUS}[c])
		f.rel(kg.RelPartyTo, c, dHLED, nil, map[string][]kg.Citation{cMexico: bilateralMX, cUS: bilateralUS}[c])
	}
	for _, c := range []string{cCanada, cMexico, cUS} {
		f.rel(kg.RelPartyTo, c, dTrilateral, nil, trilateral)
	}

	// Initiatives.
	bimp := f.brief("The Border Infrastructure Master Plan (BIMP) supports the 21CB dialogue.")
	supply := f.brief("The Supply Chain Resilience Agenda supports the HLED.")
	rmf := f.brief("The Regional Migration Framework (RMF) supports the Trilateral Migration Dialogue.")
	pilot := f.brief("The Migration Data Sharing Pilot is part of the RMF.")
	f.entity(kg.Entity{ID: iBIMP, Kind: kg.KindInitiative, Name: "Border Infrastructure Master Plan",
		Properties: props("acronym", "BIMP", "budget_musd", 12.5, "active", true), Citations: bimp})
	f.entity(kg.Entity{ID: iSupply, Kind: kg.KindInitiative, Name: "Supply Chain Resilience Agenda", Citations: supply})
	f.entity(kg.Entity{ID: iRMF, Kind: kg.KindInitiative, Name: "Regional Migration Framework", Aliases: []string{"Migration Framework"},
		Properties: props("acronym", "RMF"), Citations: append(f.cite(srcPress, "adopted the Regional Migration Framework"), rmf...)})
	f.entity(kg.Entity{ID: iPilot, Kind: kg.KindInitiative, Name: "Migration Data Sharing Pilot", Citations: pilot})
	f.rel(kg.RelSupports, iBIMP, d21CB, nil, bimp)
	f.rel(kg.RelSupports, iSupply, dHLED, nil, supply)
	f.rel(kg.RelSupports, iRMF, dTrilateral, nil, rmf)
	f.rel(kg.RelPartOf, iPilot, iRMF, nil, pilot)

	// Topics.
	migration := f.brief("Migration is a standing topic of the trilateral talks.")
	trade := f.brief("Trade is the main topic of the HLED.")
	borderInfra := f.brief("Border infrastructure is the main topic of the 21CB.")
	f.entity(kg.Entity{ID: tMigration, Kind: kg.KindTopic, Name: "Migration", Citations: migration})
	f.entity(kg.Entity{ID: tTrade, Kind: kg.KindTopic, Name: "Trade", Citations: trade})
	f.entity(kg.Entity{ID: tBorderInfra, Kind: kg.KindTopic, Name: "Border Infrastructure", Citations: borderInfra})
	f.rel(kg.RelAddresses, d21CB, tBorderInfra, nil, borderInfra)
	f.rel(kg.RelAddresses, iBIMP, tBorderInfra, nil, bimp)
	f.rel(kg.RelAddresses, dHLED, tTrade, nil, trade)
	f.rel(kg.RelAddresses, iSupply, tTrade, nil, supply)
	f.rel(kg.RelAddresses, dTrilateral, tMigration, nil, migration)
	f.rel(kg.RelAddresses, iRMF, tMigration, nil, rmf)
	f.rel(kg.RelAddresses, mTrilateral, tMigration, nil, migration)

	// Meetings: two dated plenaries with ordinals, two economic dialogues with partial dates, and
	// an undated working group meeting.
	joint14 := f.cite(srcJoint, "The 21CB Executive Steering Committee held its 14th plenary in Mexico City on December 1, 2022.")
	plenary13 := f.brief("The 13th plenary of the ESC took place on June 15, 2022.")
	plenary14 := f.brief("The 14th plenary of the ESC took place on December 1, 2022, and adopted the Border Infrastructure Master Plan.")
	hled2021 := f.brief("The HLED met in September 2021 and affirmed the Supply Chain Resilience Agenda.")
	hled2022 := f.brief("The HLED met again in 2022 and advanced the agenda.")
	working := f.brief("A Trilateral Migration Working Group Meeting adopted the Regional Migration Framework and advanced the Migration Data Sharing Pilot.")
	pressOttawa := f.cite(srcPress, "Delegations from Canada, Mexico and the United States adopted the Regional Migration Framework in Ottawa.")
	f.entity(kg.Entity{ID: m13th, Kind: kg.KindMeeting, Name: "21CB Executive Steering Committee 13th Plenary",
		Aliases: []string{"21CB ESC 13th Plenary"}, Properties: props("date", "2022-06-15", "ordinal", int64(13)), Citations: plenary13})
	f.entity(kg.Entity{ID: m14th, Kind: kg.KindMeeting, Name: "21CB Executive Steering Committee 14th Plenary",
		Aliases: []string{"21CB ESC 14th Plenary"}, Description: "Plenary that adopted the Border Infrastructure Master Plan.",
		Properties: props("date", "2022-12-01", "ordinal", int64(14)), Citations: append(joint14, plenary14...)})
	f.entity(kg.Entity{ID: mHLED2021, Kind: kg.KindMeeting, Name: "High-Level Economic Dialogue 2021", Aliases: []string{"HLED 2021"},
		Properties: props("date", "2021-09", "ordinal", int64(1)), Citations: hled2021})
	f.entity(kg.Entity{ID: mHLED2022, Kind: kg.KindMeeting, Name: "High-Level Economic Dialogue 2022",
		Properties: props("date", "2022", "ordinal", int64(2)), Citations: hled2022})
	f.entity(kg.Entity{ID: mTrilateral, Kind: kg.KindMeeting, Name: "Trilateral Migration Working Group Meeting",
		Citations: append(working, pressOttawa...)})
	f.rel(kg.RelSessionOf, m13th, dESC, nil, plenary13)
	f.rel(kg.RelSessionOf, m14th, dESC, nil, joint14)
	f.rel(kg.RelSessionOf, mHLED2021, dHLED, nil, hled2021)
	f.rel(kg.RelSessionOf, mHLED2022, dHLED, nil, hled2022)
	f.rel(kg.RelSessionOf, mTrilateral, dTrilateral, nil, working)
	f.rel(kg.RelHeldIn, m13th, plWashington, nil, held13)
	f.rel(kg.RelHeldIn, m14th, plMexicoCity, nil, append(held14, joint14...))
	f.rel(kg.RelHeldIn, mHLED2021, plWashington, nil, f.brief("The 2021 HLED met in Washington, D.C."))
	f.rel(kg.RelHeldIn, mHLED2022, plMexicoCity, nil, f.brief("The 2022 HLED met in Mexico City."))
	f.rel(kg.RelHeldIn, mTrilateral, plOttawa, nil, heldOttawa)

	// Outcomes.
	f.rel(kg.RelAdopted, m14th, iBIMP, nil, append(f.cite(srcJoint, "The delegations adopted the Border Infrastructure Master Plan."), plenary14...))
	f.rel(kg.RelReviewed, m13th, iBIMP, nil, f.brief("The 13th plenary reviewed a draft of the Border Infrastructure Master Plan."))
	f.rel(kg.RelAffirmed, mHLED2021, iSupply, nil, hled2021)
	f.rel(kg.RelAdvanced, mHLED2022, iSupply, nil, hled2022)
	f.rel(kg.RelAdopted, mTrilateral, iRMF, nil, append(pressOttawa, working...))
	f.rel(kg.RelAdvanced, mTrilateral, iPilot, nil, working)

	// Attendances, with roles and delegations.
	cochairs := f.cite(srcJoint, "Rachel Poynter and Ana Lucía Ortiz co-chaired the plenary.")
	attended := func(person, meeting, role, delegation string, cs []kg.Citation) {
		f.rel(kg.RelAttended, person, meeting, props("role", role, "delegation", delegation), cs)
	}
	attended(pPoynter, m14th, "LEAD", "US", append(cochairs, poynter...))
	attended(pOrtiz, m14th, "LEAD", "MX", append(ortiz, cochairs...))
	attended(pRamirez, m14th, "MEMBER", "MX", f.brief("José Ramírez Soto attended both plenaries as a member of the Mexican delegation."))
	attended(pOkafor, m14th, "MEMBER", "US", f.brief("David Okafor joined the U.S. delegation to the 14th plenary."))
	attended(pNunez, m14th, "PARTICIPANT", "US", f.brief("Blas Nuñez-Neto took part in the 14th plenary and led the U.S. delegation to the 13th."))
	attended(pNunez, m13th, "LEAD", "US", f.brief("Blas Nuñez-Neto took part in the 14th plenary and led the U.S. delegation to the 13th."))
	attended(pOrtiz, m13th, "LEAD", "MX", ortiz)
	attended(pRamirez, m13th, "MEMBER", "MX", f.brief("José Ramírez Soto attended both plenaries as a member of the Mexican delegation."))
	attended(pOkafor, mHLED2021, "LEAD", "US", okafor)
	attended(pGarza, mHLED2021, "LEAD", "MX", f.brief("Mateo Garza led the Mexican side of the HLED in 2021 and was a member of its delegation in 2022."))
	attended(pOkafor, mHLED2022, "LEAD", "US", okafor)
	attended(pGarza, mHLED2022, "MEMBER", "MX", f.brief("Mateo Garza led the Mexican side of the HLED in 2021 and was a member of its delegation in 2022."))
	attended(pTremblay, mTrilateral, "LEAD", "CA", tremblay)
	attended(pSolberg, mTrilateral, "PARTICIPANT", "CA", solberg)
	attended(pNunez, mTrilateral, "LEAD", "US", f.brief("Blas Nuñez-Neto led the U.S. delegation to the trilateral working group."))

	// Representations.
	represented := func(org, meeting, delegation string, cs []kg.Citation) {
		f.rel(kg.RelRepresentedAt, org, meeting, props("delegation", delegation), cs)
	}
	represented(oSRE, m14th, "MX", f.brief("The SRE and DHS sent delegations to the 14th plenary."))
	represented(oDHS, m14th, "US", f.brief("The SRE and DHS sent delegations to the 14th plenary."))
	represented(oGAC, mTrilateral, "CA", gacSentence)
	represented(oSE, mHLED2022, "MX", seSentence)
	represented(oDOS, mHLED2021, "US", okafor)

	return f.build()
}

// fixtureBuilder collects the bundle and, per source, the sentences its text is made of.
type fixtureBuilder struct {
	b     kg.Bundle
	texts map[string][]string
}

// cite returns a citation of quote in source and makes sure the source's text contains it.
func (f *fixtureBuilder) cite(source, quote string) []kg.Citation {
	if !slices.Contains(f.texts[source], quote) {
		f.texts[source] = append(f.texts[source], quote)
	}
	return []kg.Citation{{Source: source, Quote: quote}}
}

// brief cites a sentence of the briefing.
func (f *fixtureBuilder) brief(quote string) []kg.Citation { return f.cite(srcBriefing, quote) }

func (f *fixtureBuilder) entity(e kg.Entity) { f.b.Entities = append(f.b.Entities, e) }

func (f *fixtureBuilder) rel(typ, from, to string, p map[string]any, cs []kg.Citation) {
	f.b.Relations = append(f.b.Relations, kg.Relation{Type: typ, From: from, To: to, Properties: p, Citations: slices.Clone(cs)})
}

func (f *fixtureBuilder) build() *kg.Bundle {
	for i := range f.b.Sources {
		s := &f.b.Sources[i]
		s.Text = strings.Join(f.texts[s.ID], " ")
	}
	for i := range f.b.Entities {
		f.b.Entities[i].Citations = slices.Clone(f.b.Entities[i].Citations)
	}
	return &f.b
}

// props builds a property map from key, value pairs.
func props(kv ...any) map[string]any {
	m := make(map[string]any, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}
