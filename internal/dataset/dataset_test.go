package dataset

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/diplograph/diplograph/internal/kg"
)

// residue is the last line of the seed document: a link to another article, left out of the source.
const residue = "The Lessons of 1989: Freedom and Our Future"

const (
	plenary = "meeting:21cb-esc-14th-plenary"
	july    = "meeting:biden-lopez-obrador-july-2022"
)

func mustBundle(t *testing.T) *kg.Bundle {
	t.Helper()
	b, err := Bundle()
	if err != nil {
		t.Fatalf("Bundle() error = %v", err)
	}
	return b
}

func entity(b *kg.Bundle, id string) *kg.Entity {
	for i := range b.Entities {
		if b.Entities[i].ID == id {
			return &b.Entities[i]
		}
	}
	return nil
}

func entityIndex(b *kg.Bundle, id string) int {
	for i := range b.Entities {
		if b.Entities[i].ID == id {
			return i
		}
	}
	return -1
}

func relation(b *kg.Bundle, typ, from, to string) *kg.Relation {
	for i := range b.Relations {
		r := &b.Relations[i]
		if r.Type == typ && r.From == from && r.To == to {
			return r
		}
	}
	return nil
}

func relationIndex(b *kg.Bundle, typ, from, to string) int {
	for i := range b.Relations {
		r := &b.Relations[i]
		if r.Type == typ && r.From == from && r.To == to {
			return i
		}
	}
	return -1
}

func relationsOfType(b *kg.Bundle, typ string) []kg.Relation {
	var rs []kg.Relation
	for _, r := range b.Relations {
		if r.Type == typ {
			rs = append(rs, r)
		}
	}
	return rs
}

// cited reports whether some citation quote contains s (white space squeezed, typographic quotes
// folded; case and accents must match).
func cited(cs []kg.Citation, s string) bool {
	for _, c := range cs {
		if kg.QuoteOccurs(c.Quote, s) {
			return true
		}
	}
	return false
}

// citedWithWord reports whether some citation quote contains s and has word as one of its words.
func citedWithWord(cs []kg.Citation, s, word string) bool {
	for _, c := range cs {
		if kg.QuoteOccurs(c.Quote, s) && slices.Contains(strings.FieldsFunc(c.Quote, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}), word) {
			return true
		}
	}
	return false
}

func quotes(cs []kg.Citation) []string {
	qs := make([]string, len(cs))
	for i, c := range cs {
		qs[i] = c.Quote
	}
	return qs
}

func TestBundleValidates(t *testing.T) {
	b := mustBundle(t)
	for _, p := range b.Validate() {
		t.Errorf("Validate() reported %s", p)
	}
}

func TestSource(t *testing.T) {
	b := mustBundle(t)
	if len(b.Sources) != 1 {
		t.Fatalf("len(Sources) = %d, want 1", len(b.Sources))
	}
	s := b.Sources[0]
	for _, c := range []struct{ field, got, want string }{
		{"id", s.ID, SourceID},
		{"publisher", s.Publisher, "U.S. Department of State"},
		{"published", s.Published, "2022-12"},
	} {
		if c.got != c.want {
			t.Errorf("Sources[0].%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if s.URL != nil {
		t.Errorf("Sources[0].url = %q, want null", *s.URL)
	}
	if strings.TrimSpace(s.Title) == "" {
		t.Errorf("Sources[0].title = %q, want a descriptive title", s.Title)
	}
	for _, e := range b.Entities {
		for _, c := range e.Citations {
			if c.Source != SourceID {
				t.Errorf("citation source of %q = %q, want %q", e.ID, c.Source, SourceID)
			}
		}
	}
	for _, r := range b.Relations {
		for _, c := range r.Citations {
			if c.Source != SourceID {
				t.Errorf("citation source of %s(%q, %q) = %q, want %q", r.Type, r.From, r.To, c.Source, SourceID)
			}
		}
	}
}

// TestSourceTextIsSeed checks that the source text is the seed document minus its last line (page
// residue), byte for byte, with trailing newlines trimmed. testdata/seed.txt is an unmodified copy
// of the seed, so the test does not depend on anything outside this package.
func TestSourceTextIsSeed(t *testing.T) {
	seed, err := os.ReadFile("testdata/seed.txt")
	if err != nil {
		t.Fatal(err)
	}
	trimmed := strings.TrimRight(string(seed), "\n")
	i := strings.LastIndexByte(trimmed, '\n')
	if i < 0 {
		t.Fatalf("testdata/seed.txt has a single line, want the release followed by one residue line")
	}
	if last := trimmed[i+1:]; last != residue {
		t.Fatalf("last line of testdata/seed.txt = %q, want %q", last, residue)
	}
	want := strings.TrimRight(trimmed[:i], "\n")
	got := mustBundle(t).Sources[0].Text
	if got == want {
		return
	}
	n := 0
	for n < len(got) && n < len(want) && got[n] == want[n] {
		n++
	}
	t.Errorf("Sources[0].text differs from the seed at byte %d: got %q, want %q",
		n, got[n:min(len(got), n+40)], want[n:min(len(want), n+40)])
}

// explicitIDs lists the entities whose id is chosen by hand rather than derived from the name with
// kg.NewID, and why.
var explicitIDs = map[string]string{
	plenary:                               "name is long; id fixed by the design notes",
	july:                                  "name is a description; short readable id",
	"organization:us-government":          `NewID would give "u-s-government"`,
	"organization:us-department-of-state": `NewID would give "u-s-department-of-state"`,
	"organization:us-customs-and-border-protection":                  `NewID would give "u-s-customs-and-border-protection"`,
	"organization:us-department-of-justice":                          `NewID would give "u-s-department-of-justice"`,
	"dialogue:us-mexico-high-level-economic-dialogue":                `NewID would give "u-s-mexico-..."`,
	"dialogue:us-mexico-high-level-security-dialogue":                `NewID would give "u-s-mexico-..."`,
	"initiative:joint-us-mexico-border-infrastructure-modernization": "name is long and has U.S.",
	"topic:us-mexican-economic-cooperation":                          `NewID would give "u-s-mexican-..."`,
}

func TestIDs(t *testing.T) {
	b := mustBundle(t)
	used := map[string]bool{}
	for _, e := range b.Entities {
		if !kg.ValidID(e.ID) || kg.KindOfID(e.ID) != e.Kind {
			t.Errorf("ValidID(%q) && KindOfID(%q) == %q is false, want a well-formed %s id", e.ID, e.ID, e.Kind, e.Kind)
		}
		derived := kg.NewID(e.Kind, e.Name)
		if _, ok := explicitIDs[e.ID]; ok {
			used[e.ID] = true
			if derived == e.ID {
				t.Errorf("NewID(%q, %q) = %q, the id is derived: remove it from explicitIDs", e.Kind, e.Name, derived)
			}
			continue
		}
		if derived != e.ID {
			t.Errorf("NewID(%q, %q) = %q, want %q (or list the id in explicitIDs)", e.Kind, e.Name, derived, e.ID)
		}
	}
	for id := range explicitIDs {
		if !used[id] {
			t.Errorf("explicitIDs lists %q, which is no entity of the bundle", id)
		}
	}
}

func TestBundleReturnsFreshCopy(t *testing.T) {
	b1 := mustBundle(t)
	name, text := b1.Entities[0].Name, b1.Sources[0].Text
	b1.Entities[0].Name = "changed"
	b1.Sources[0].Text = "changed"
	b1.Relations = nil
	b2 := mustBundle(t)
	if b2.Entities[0].Name != name {
		t.Errorf("Bundle().Entities[0].Name = %q after mutating an earlier result, want %q", b2.Entities[0].Name, name)
	}
	if b2.Sources[0].Text != text {
		t.Errorf("Bundle().Sources[0].Text changed after mutating an earlier result")
	}
	if len(b2.Relations) == 0 {
		t.Errorf("len(Bundle().Relations) = 0 after mutating an earlier result")
	}
	r := Raw()
	if len(r) == 0 || r[0] != '{' {
		t.Fatalf("Raw()[0] = %q, want '{'", r[:min(len(r), 1)])
	}
	r[0] = 'x'
	if got := Raw()[0]; got != '{' {
		t.Errorf("Raw()[0] = %q after mutating an earlier result, want '{'", got)
	}
	if _, err := kg.ParseBundle(Raw()); err != nil {
		t.Errorf("ParseBundle(Raw()) error = %v", err)
	}
}

func TestCounts(t *testing.T) {
	b := mustBundle(t)
	kinds := map[kg.Kind]int{}
	for _, e := range b.Entities {
		kinds[e.Kind]++
	}
	for k, want := range map[kg.Kind]int{
		kg.KindPerson: 9, kg.KindOrganization: 11, kg.KindCountry: 2, kg.KindPlace: 1,
		kg.KindMeeting: 2, kg.KindDialogue: 4, kg.KindInitiative: 4, kg.KindTopic: 9,
	} {
		if kinds[k] != want {
			t.Errorf("count(entities of kind %q) = %d, want %d", k, kinds[k], want)
		}
	}
	types := map[string]int{}
	for _, r := range b.Relations {
		types[r.Type]++
	}
	for typ, want := range map[string]int{
		kg.RelHoldsPosition: 9, kg.RelAttended: 9, kg.RelRepresentedAt: 10, kg.RelPartOf: 1,
		kg.RelSessionOf: 1, kg.RelHeldIn: 1, kg.RelLocatedIn: 1, kg.RelBelongsTo: 11,
		kg.RelAdopted: 1, kg.RelAffirmed: 1, kg.RelReviewed: 0, kg.RelAdvanced: 0, kg.RelApplauded: 2,
		kg.RelSupports: 2, kg.RelPartyTo: 8, kg.RelAddresses: 12,
	} {
		if types[typ] != want {
			t.Errorf("count(relations of type %q) = %d, want %d", typ, types[typ], want)
		}
	}
}

// TestEntitiesNameThemselves checks that every entity is cited where the text names it: some
// citation quote contains its name or one of its aliases (compared folded), so the citation of DHS
// quotes where the text says DHS.
func TestEntitiesNameThemselves(t *testing.T) {
	// Entities whose name and aliases the text never writes out whole, with how the text names them.
	mentions := map[string]string{
		plenary: "14th Plenary Meeting of the 21st Century Border Management Process (21CB) Executive Steering Committee (ESC)",
	}
	b := mustBundle(t)
	for _, e := range b.Entities {
		names := append([]string{e.Name}, e.Aliases...)
		if m, ok := mentions[e.ID]; ok {
			names = []string{m}
		}
		found := false
		for _, c := range e.Citations {
			for _, n := range names {
				if strings.Contains(kg.Fold(c.Quote), kg.Fold(n)) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("citations(%q) = %q, want a quote containing one of %q", e.ID, quotes(e.Citations), names)
		}
	}
}

func TestPersons(t *testing.T) {
	tests := []struct {
		id, name string
		aliases  []string
	}{
		{"person:rachel-poynter", "Rachel Poynter", nil},
		{"person:blas-nunez-neto", "Blas Nuñez-Neto", nil},
		{"person:ken-salazar", "Ken Salazar", nil},
		{"person:katie-tobin", "Katie Tobin", nil},
		{"person:charisse-phillips", "Charisse Phillips", nil},
		{"person:benjamine-huffman", "Benjamine Huffman", []string{"Carry Huffman"}},
		{"person:roberto-velasco", "Roberto Velasco", nil},
		{"person:biden", "Biden", []string{"President Biden"}},
		{"person:lopez-obrador", "López Obrador", []string{"President López Obrador", "Lopez Obrador"}},
	}
	b := mustBundle(t)
	var persons []string
	for _, e := range b.Entities {
		if e.Kind == kg.KindPerson {
			persons = append(persons, e.ID)
		}
	}
	if len(persons) != len(tests) {
		t.Errorf("PERSON entities = %q, want exactly %d", persons, len(tests))
	}
	for _, tt := range tests {
		e := entity(b, tt.id)
		if e == nil {
			t.Errorf("entity(%q) = nil, want a PERSON", tt.id)
			continue
		}
		if e.Name != tt.name {
			t.Errorf("entity(%q).Name = %q, want %q", tt.id, e.Name, tt.name)
		}
		for _, a := range tt.aliases {
			if !slices.Contains(e.Aliases, a) {
				t.Errorf("entity(%q).Aliases = %q, want it to contain %q", tt.id, e.Aliases, a)
			}
		}
	}
}

func TestHoldsPosition(t *testing.T) {
	tests := []struct {
		person, org, title string
		acting             bool
		mention            string // the person as the text writes them
	}{
		{"person:rachel-poynter", "organization:us-government", "Deputy Assistant Secretary for Western Hemisphere Affairs", false, "Rachel Poynter"},
		{"person:blas-nunez-neto", "organization:department-of-homeland-security", "Acting Assistant Secretary for Border and Immigration Policy", true, "DHS Acting Assistant Secretary for Border and Immigration Policy Blas Nuñez-Neto"},
		{"person:ken-salazar", "organization:us-government", "U.S. Ambassador to Mexico", false, "Ken Salazar"},
		{"person:katie-tobin", "organization:national-security-council", "Senior Director for Transborder", false, "Senior Director for Transborder at the National Security Council Katie Tobin"},
		{"person:charisse-phillips", "organization:us-department-of-state", "Deputy Assistant Secretary for International Narcotics and Law Enforcement", false, "at the Department of State Charisse Phillips"},
		{"person:benjamine-huffman", "organization:us-customs-and-border-protection", "Acting Deputy Commissioner", true, "Acting Deputy Commissioner for U.S. Customs and Border Protection (CBP) Benjamine “Carry” Huffman"},
		{"person:roberto-velasco", "organization:secretariat-of-foreign-relations", "Chief Officer for North America", false, "Roberto Velasco, Chief Officer for North America of the Secretariat of Foreign Relations (SRE)"},
		{"person:biden", "organization:us-government", "President", false, "President Biden"},
		{"person:lopez-obrador", "organization:government-of-mexico", "President", false, "President López Obrador"},
	}
	b := mustBundle(t)
	if n := len(relationsOfType(b, kg.RelHoldsPosition)); n != len(tests) {
		t.Errorf("count(HOLDS_POSITION) = %d, want %d", n, len(tests))
	}
	for _, tt := range tests {
		r := relation(b, kg.RelHoldsPosition, tt.person, tt.org)
		if r == nil {
			t.Errorf("relation(HOLDS_POSITION, %q, %q) = nil, want one", tt.person, tt.org)
			continue
		}
		if got := r.Prop(kg.PropTitle); got != tt.title {
			t.Errorf("HOLDS_POSITION(%q).title = %q, want %q", tt.person, got, tt.title)
		}
		if got := r.BoolProp(kg.PropActing); got != tt.acting {
			t.Errorf("HOLDS_POSITION(%q).acting = %v, want %v", tt.person, got, tt.acting)
		}
		if _, ok := r.Properties[kg.PropStart]; ok {
			t.Errorf("HOLDS_POSITION(%q).start is set, want none: the text gives no dates", tt.person)
		}
		if !cited(r.Citations, tt.title) || !cited(r.Citations, tt.mention) {
			t.Errorf("HOLDS_POSITION(%q) quotes = %q, want a quote containing %q and %q", tt.person, quotes(r.Citations), tt.title, tt.mention)
		}
	}
}

func TestMeetings(t *testing.T) {
	tests := []struct {
		id, date string
		ordinal  int64 // 0: none
		mention  string
	}{
		{plenary, "2022-12-01", 14, "on December 1 for the 14th Plenary Meeting"},
		{july, "2022-07", 0, "the July 2022 meeting between President Biden and President López Obrador"},
	}
	b := mustBundle(t)
	n := 0
	for _, e := range b.Entities {
		if e.Kind == kg.KindMeeting {
			n++
		}
	}
	if n != len(tests) {
		t.Errorf("count(MEETING) = %d, want %d", n, len(tests))
	}
	for _, tt := range tests {
		e := entity(b, tt.id)
		if e == nil {
			t.Errorf("entity(%q) = nil, want a MEETING", tt.id)
			continue
		}
		if got := e.Prop(kg.PropDate); got != tt.date {
			t.Errorf("entity(%q).date = %q, want %q", tt.id, got, tt.date)
		}
		got, ok := e.IntProp(kg.PropOrdinal)
		if tt.ordinal == 0 && ok || tt.ordinal != 0 && got != tt.ordinal {
			t.Errorf("entity(%q).ordinal = %d (present %v), want %d", tt.id, got, ok, tt.ordinal)
		}
		if !cited(e.Citations, tt.mention) {
			t.Errorf("citations(%q) = %q, want a quote containing %q", tt.id, quotes(e.Citations), tt.mention)
		}
	}
	for _, c := range []struct{ typ, from, to, mention string }{
		{kg.RelHeldIn, plenary, "place:mexico-city", "met in Mexico City on December 1"},
		{kg.RelSessionOf, plenary, "dialogue:21st-century-border-management-executive-steering-committee", "14th Plenary Meeting of the 21st Century Border Management Process (21CB) Executive Steering Committee (ESC)"},
		{kg.RelLocatedIn, "place:mexico-city", "country:mexico", "Mexico City"},
	} {
		r := relation(b, c.typ, c.from, c.to)
		if r == nil {
			t.Errorf("relation(%s, %q, %q) = nil, want one", c.typ, c.from, c.to)
			continue
		}
		if !cited(r.Citations, c.mention) {
			t.Errorf("%s(%q) quotes = %q, want a quote containing %q", c.typ, c.from, quotes(r.Citations), c.mention)
		}
	}
}

func TestAttended(t *testing.T) {
	tests := []struct {
		person, meeting, role, delegation string
		mention                           string // the person as the text writes them
		verb                              string // the word of the text that gives the role
	}{
		{"person:rachel-poynter", plenary, "LEAD", "US", "Rachel Poynter", "led the U.S. delegation"},
		{"person:blas-nunez-neto", plenary, "LEAD", "US", "Blas Nuñez-Neto", "led the U.S. delegation"},
		{"person:ken-salazar", plenary, "MEMBER", "US", "Ken Salazar", "alongside the U.S. Ambassador"},
		{"person:katie-tobin", plenary, "MEMBER", "US", "Katie Tobin", "also joined the U.S. delegation"},
		{"person:charisse-phillips", plenary, "MEMBER", "US", "Charisse Phillips", "also joined the U.S. delegation"},
		{"person:benjamine-huffman", plenary, "MEMBER", "US", "Benjamine “Carry” Huffman", "also joined the U.S. delegation"},
		{"person:roberto-velasco", plenary, "LEAD", "MX", "Roberto Velasco", "led the Mexican delegation"},
		{"person:biden", july, "LEAD", "US", "President Biden", "meeting between President Biden and"},
		{"person:lopez-obrador", july, "LEAD", "MX", "President López Obrador", "and President López Obrador"},
	}
	b := mustBundle(t)
	if n := len(relationsOfType(b, kg.RelAttended)); n != len(tests) {
		t.Errorf("count(ATTENDED) = %d, want %d", n, len(tests))
	}
	for _, tt := range tests {
		r := relation(b, kg.RelAttended, tt.person, tt.meeting)
		if r == nil {
			t.Errorf("relation(ATTENDED, %q, %q) = nil, want one", tt.person, tt.meeting)
			continue
		}
		if got := r.Prop(kg.PropRole); got != tt.role {
			t.Errorf("ATTENDED(%q).role = %q, want %q", tt.person, got, tt.role)
		}
		if got := r.Prop(kg.PropDelegation); got != tt.delegation {
			t.Errorf("ATTENDED(%q).delegation = %q, want %q", tt.person, got, tt.delegation)
		}
		if !cited(r.Citations, tt.mention) || !cited(r.Citations, tt.verb) {
			t.Errorf("ATTENDED(%q) quotes = %q, want a quote containing %q and %q", tt.person, quotes(r.Citations), tt.mention, tt.verb)
		}
		// At the plenary the text says who led: a LEAD there must be cited where the text names
		// the person and says "led".
		if tt.meeting == plenary && r.Prop(kg.PropRole) == "LEAD" && !citedWithWord(r.Citations, tt.mention, "led") {
			t.Errorf("ATTENDED(%q) quotes = %q, want a quote containing %q and the word %q", tt.person, quotes(r.Citations), tt.mention, "led")
		}
	}
}

func TestRepresentedAt(t *testing.T) {
	const (
		usSentence = "the U.S. government delegation included representatives from"
		mxSentence = "the Government of Mexico delegation included representatives from"
	)
	tests := []struct {
		org, delegation string
		intro, mention  string // the sentence that lists the organization, and how it names it
	}{
		{"organization:us-department-of-state", "US", usSentence, "the Department of State"},
		{"organization:department-of-homeland-security", "US", usSentence, "DHS"},
		{"organization:us-customs-and-border-protection", "US", usSentence, "CBP"},
		{"organization:us-department-of-justice", "US", usSentence, "the U.S. Department of Justice"},
		{"organization:secretariat-of-foreign-relations", "MX", mxSentence, "SRE"},
		{"organization:secretariat-of-communications-and-transportation", "MX", mxSentence, "the Secretariat of Communications and Transportation"},
		{"organization:secretariat-of-the-economy", "MX", mxSentence, "the Secretariat of the Economy"},
		{"organization:tax-administration-service", "MX", mxSentence, "the Tax Administration Service"},
		{"organization:us-government", "US", "High-level representatives from", "the U.S. and Mexican Governments met"},
		{"organization:government-of-mexico", "MX", "High-level representatives from", "the U.S. and Mexican Governments met"},
	}
	b := mustBundle(t)
	if n := len(relationsOfType(b, kg.RelRepresentedAt)); n != len(tests) {
		t.Errorf("count(REPRESENTED_AT) = %d, want %d", n, len(tests))
	}
	for _, tt := range tests {
		r := relation(b, kg.RelRepresentedAt, tt.org, plenary)
		if r == nil {
			t.Errorf("relation(REPRESENTED_AT, %q, %q) = nil, want one", tt.org, plenary)
			continue
		}
		if got := r.Prop(kg.PropDelegation); got != tt.delegation {
			t.Errorf("REPRESENTED_AT(%q).delegation = %q, want %q", tt.org, got, tt.delegation)
		}
		if !cited(r.Citations, tt.intro) || !cited(r.Citations, tt.mention) {
			t.Errorf("REPRESENTED_AT(%q) quotes = %q, want a quote containing %q and %q", tt.org, quotes(r.Citations), tt.intro, tt.mention)
		}
	}
}

func TestOrganizations(t *testing.T) {
	tests := []struct {
		id, classification, acronym, country string
		aliases                              []string
	}{
		{"organization:us-government", "GOVERNMENT", "", "country:united-states", nil},
		{"organization:government-of-mexico", "GOVERNMENT", "", "country:mexico", nil},
		{"organization:us-department-of-state", "DEPARTMENT", "", "country:united-states", []string{"Department of State"}},
		{"organization:department-of-homeland-security", "DEPARTMENT", "DHS", "country:united-states", nil},
		{"organization:us-customs-and-border-protection", "AGENCY", "CBP", "country:united-states", nil},
		{"organization:us-department-of-justice", "DEPARTMENT", "DOJ", "country:united-states", nil},
		{"organization:national-security-council", "COUNCIL", "NSC", "country:united-states", nil},
		{"organization:secretariat-of-foreign-relations", "SECRETARIAT", "SRE", "country:mexico", []string{"Secretaría de Relaciones Exteriores"}},
		{"organization:secretariat-of-communications-and-transportation", "SECRETARIAT", "SCT", "country:mexico", []string{"Secretaría de Comunicaciones y Transportes", "SICT", "Secretaría de Infraestructura, Comunicaciones y Transportes"}},
		{"organization:secretariat-of-the-economy", "SECRETARIAT", "", "country:mexico", []string{"Secretaría de Economía"}},
		{"organization:tax-administration-service", "AGENCY", "SAT", "country:mexico", []string{"Servicio de Administración Tributaria"}},
	}
	b := mustBundle(t)
	n := 0
	for _, e := range b.Entities {
		if e.Kind == kg.KindOrganization {
			n++
		}
	}
	if n != len(tests) {
		t.Errorf("count(ORGANIZATION) = %d, want %d", n, len(tests))
	}
	for _, tt := range tests {
		e := entity(b, tt.id)
		if e == nil {
			t.Errorf("entity(%q) = nil, want an ORGANIZATION", tt.id)
			continue
		}
		if got := e.Prop(kg.PropClassification); got != tt.classification {
			t.Errorf("entity(%q).classification = %q, want %q", tt.id, got, tt.classification)
		}
		if got := e.Prop(kg.PropAcronym); got != tt.acronym {
			t.Errorf("entity(%q).acronym = %q, want %q", tt.id, got, tt.acronym)
		}
		want := tt.aliases
		if tt.acronym != "" {
			want = append([]string{tt.acronym}, want...)
		}
		for _, a := range want {
			if !slices.Contains(e.Aliases, a) {
				t.Errorf("entity(%q).Aliases = %q, want it to contain %q", tt.id, e.Aliases, a)
			}
		}
		if relation(b, kg.RelBelongsTo, tt.id, tt.country) == nil {
			t.Errorf("relation(BELONGS_TO, %q, %q) = nil, want one", tt.id, tt.country)
		}
	}
	// The text states no organizational structure: no organization is PART_OF another.
	for _, r := range relationsOfType(b, kg.RelPartOf) {
		if kg.KindOfID(r.From) == kg.KindOrganization {
			t.Errorf("relation(PART_OF, %q, %q) exists, want none between organizations", r.From, r.To)
		}
	}
}

func TestCountriesAndDialogues(t *testing.T) {
	b := mustBundle(t)
	for id, code := range map[string]string{"country:united-states": "US", "country:mexico": "MX"} {
		e := entity(b, id)
		if e == nil {
			t.Errorf("entity(%q) = nil, want a COUNTRY", id)
			continue
		}
		if got := e.Prop(kg.PropCode); got != code {
			t.Errorf("entity(%q).code = %q, want %q", id, got, code)
		}
	}
	dialogues := []struct{ id, acronym, established string }{
		{"dialogue:21st-century-border-management-process", "21CB", ""},
		{"dialogue:21st-century-border-management-executive-steering-committee", "ESC", "2010"},
		{"dialogue:us-mexico-high-level-economic-dialogue", "HLED", ""},
		{"dialogue:us-mexico-high-level-security-dialogue", "HLSD", ""},
	}
	for _, d := range dialogues {
		e := entity(b, d.id)
		if e == nil {
			t.Errorf("entity(%q) = nil, want a DIALOGUE", d.id)
			continue
		}
		if got := e.Prop(kg.PropAcronym); got != d.acronym {
			t.Errorf("entity(%q).acronym = %q, want %q", d.id, got, d.acronym)
		}
		if !slices.Contains(e.Aliases, d.acronym) {
			t.Errorf("entity(%q).Aliases = %q, want it to contain %q", d.id, e.Aliases, d.acronym)
		}
		if got := e.Prop(kg.PropEstablished); got != d.established {
			t.Errorf("entity(%q).established = %q, want %q", d.id, got, d.established)
		}
		for _, c := range []string{"country:united-states", "country:mexico"} {
			if relation(b, kg.RelPartyTo, c, d.id) == nil {
				t.Errorf("relation(PARTY_TO, %q, %q) = nil, want one", c, d.id)
			}
		}
	}
	if e := entity(b, dialogues[1].id); e != nil && !cited(e.Citations, "Since 2010, the ESC has held annual plenary meetings") {
		t.Errorf("citations(%q) = %q, want the quote that dates it", e.ID, quotes(e.Citations))
	}
	if relation(b, kg.RelPartOf, dialogues[1].id, dialogues[0].id) == nil {
		t.Errorf("relation(PART_OF, %q, %q) = nil, want one", dialogues[1].id, dialogues[0].id)
	}
}

func TestInitiativesAndTopics(t *testing.T) {
	const (
		plans = "initiative:2023-action-plans"
		cross = "initiative:binational-border-crossing-infrastructure-modernization"
		jops  = "initiative:joint-border-security-operations"
		infra = "initiative:joint-us-mexico-border-infrastructure-modernization"
		b21cb = "dialogue:21st-century-border-management-process"
	)
	tests := []struct{ typ, from, to, mention string }{
		{kg.RelAdopted, plenary, plans, "The ESC also adopted 2023 Action Plans"},
		{kg.RelApplauded, plenary, cross, "The ESC applauded major binational border achievements"},
		{kg.RelApplauded, plenary, jops, "The ESC applauded major binational border achievements"},
		{kg.RelAffirmed, july, infra, "which affirmed our commitment to"},
		{kg.RelSupports, plans, "dialogue:us-mexico-high-level-economic-dialogue", "many of which support initiatives identified through the U.S.-Mexico High-Level Economic Dialogue"},
		{kg.RelSupports, plans, "dialogue:us-mexico-high-level-security-dialogue", "U.S.-Mexico High-Level Security Dialogue"},
		{kg.RelAddresses, plenary, "topic:facilitating-the-legal-flow-of-goods-and-people", "facilitating the legal flow of goods and people"},
		{kg.RelAddresses, plenary, "topic:modernizing-border-infrastructure", "modernizing border infrastructure"},
		{kg.RelAddresses, plenary, "topic:promoting-public-safety", "promoting public safety"},
		{kg.RelAddresses, plenary, "topic:combatting-transnational-crime", "combatting transnational crime"},
		{kg.RelAddresses, b21cb, "topic:border-security", "goal to improve border security"},
		{kg.RelAddresses, b21cb, "topic:economic-competitiveness-of-north-america", "promote the economic competitiveness of North America"},
		{kg.RelAddresses, july, "topic:us-mexican-economic-cooperation", "greater U.S.-Mexican economic cooperation"},
		{kg.RelAddresses, july, "topic:facilitation-of-bilateral-trade", "accelerating the facilitation of bilateral trade"},
		{kg.RelAddresses, july, "topic:reducing-trade-costs", "reducing trade costs"},
		{kg.RelAddresses, cross, "topic:modernizing-border-infrastructure", "border crossing infrastructure modernization"},
		{kg.RelAddresses, jops, "topic:border-security", "joint border security operations"},
		{kg.RelAddresses, infra, "topic:modernizing-border-infrastructure", "border infrastructure modernization efforts"},
	}
	b := mustBundle(t)
	want := map[string]int{}
	for _, tt := range tests {
		want[tt.typ]++
		r := relation(b, tt.typ, tt.from, tt.to)
		if r == nil {
			t.Errorf("relation(%s, %q, %q) = nil, want one", tt.typ, tt.from, tt.to)
			continue
		}
		if !cited(r.Citations, tt.mention) {
			t.Errorf("%s(%q, %q) quotes = %q, want a quote containing %q", tt.typ, tt.from, tt.to, quotes(r.Citations), tt.mention)
		}
	}
	for typ, n := range want {
		if got := len(relationsOfType(b, typ)); got != n {
			t.Errorf("count(%s) = %d, want %d", typ, got, n)
		}
	}
}

// TestValidateReportsBrokenCopy proves that Validate catches broken copies of the bundle, at the
// JSON path of the broken part.
func TestValidateReportsBrokenCopy(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(t *testing.T, b *kg.Bundle) (wantPaths []string)
	}{
		{"entity quote not in the text", func(t *testing.T, b *kg.Bundle) []string {
			i := entityIndex(b, "person:ken-salazar")
			b.Entities[i].Citations[0].Quote = "the U.S. Ambassador to Mexico Kenneth Salazar"
			return []string{fmt.Sprintf("entities[%d].citations[0].quote", i)}
		}},
		{"relation quote not in the text", func(t *testing.T, b *kg.Bundle) []string {
			i := relationIndex(b, kg.RelAttended, "person:roberto-velasco", plenary)
			b.Relations[i].Citations[0].Quote = strings.Replace(b.Relations[i].Citations[0].Quote, " led ", " headed ", 1)
			return []string{fmt.Sprintf("relations[%d].citations[0].quote", i)}
		}},
		{"quote differing only in case", func(t *testing.T, b *kg.Bundle) []string {
			i := entityIndex(b, "organization:us-government")
			b.Entities[i].Citations[0].Quote = strings.ToLower(b.Entities[i].Citations[0].Quote)
			return []string{fmt.Sprintf("entities[%d].citations[0].quote", i)}
		}},
		{"referenced entity dropped", func(t *testing.T, b *kg.Bundle) []string {
			const id = "place:mexico-city"
			i := entityIndex(b, id)
			b.Entities = slices.Delete(b.Entities, i, i+1)
			var want []string
			for j, r := range b.Relations {
				if r.From == id {
					want = append(want, fmt.Sprintf("relations[%d].from", j))
				}
				if r.To == id {
					want = append(want, fmt.Sprintf("relations[%d].to", j))
				}
			}
			if len(want) != 2 {
				t.Fatalf("relations referencing %q = %q, want HELD_IN and LOCATED_IN", id, want)
			}
			return want
		}},
		{"citation of an unknown source", func(t *testing.T, b *kg.Bundle) []string {
			i := relationIndex(b, kg.RelPartOf, "dialogue:21st-century-border-management-executive-steering-committee", "dialogue:21st-century-border-management-process")
			b.Relations[i].Citations[0].Source = "source:no-such-source"
			return []string{fmt.Sprintf("relations[%d].citations[0].source", i)}
		}},
		{"relation not allowed between its kinds", func(t *testing.T, b *kg.Bundle) []string {
			i := relationIndex(b, kg.RelHeldIn, plenary, "place:mexico-city")
			b.Relations[i].To = "country:mexico"
			return []string{fmt.Sprintf("relations[%d]", i)}
		}},
		{"duplicate entity", func(t *testing.T, b *kg.Bundle) []string {
			b.Entities = append(b.Entities, b.Entities[0])
			return []string{fmt.Sprintf("entities[%d].id", len(b.Entities)-1)}
		}},
		{"orphan entity", func(t *testing.T, b *kg.Bundle) []string {
			e := b.Entities[entityIndex(b, "topic:border-security")]
			e.ID, e.Name = "topic:public-safety", "Public safety"
			b.Entities = append(b.Entities, e)
			return []string{fmt.Sprintf("entities[%d]", len(b.Entities)-1)}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustBundle(t)
			want := tt.mutate(t, b)
			var got []string
			for _, p := range b.Validate() {
				got = append(got, p.Path)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("Validate() paths = %q, want %q", got, want)
			}
		})
	}
}
