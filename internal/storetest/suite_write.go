package storetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// The write side of the conformance suite: cited writes, validation, identity resolution,
// all-or-nothing imports, the audit trail and the bundle round trip.

// testActor is the principal name the write tests write as.
const testActor = "editor:conformance"

const (
	srcNote  = "source:conformance-note"
	noteText = "Mexico, officially the United Mexican States, is party to the U.S.-Mexico Security Dialogue. " +
		"Rachel Poynter attended the 2023 security talks as a member of the U.S. delegation. " +
		"Lucía Fernández, a researcher at the Secretariat of Foreign Relations, took part in the talks. " +
		"The Security Dialogue also addresses trade."
	dSecurity   = "dialogue:us-mexico-security-dialogue"
	mTalks      = "meeting:2023-security-talks"
	pFernandez  = "person:lucia-fernandez"
	quoteParty  = "Mexico, officially the United Mexican States, is party to the U.S.-Mexico Security Dialogue."
	quotePoyn   = "Rachel Poynter attended the 2023 security talks as a member of the U.S. delegation."
	quoteLucia  = "Lucía Fernández, a researcher at the Secretariat of Foreign Relations, took part in the talks."
	quoteTrade  = "The Security Dialogue also addresses trade."
	quoteAbsent = "Rachel Poynter chaired the talks."
)

// fixtureCitation returns a citation the fixture's briefing supports.
func fixtureCitation() []kg.Citation {
	return []kg.Citation{{Source: srcBriefing, Quote: "Canada joined the trilateral migration talks in 2022."}}
}

func note(quote string) []kg.Citation { return []kg.Citation{{Source: srcNote, Quote: quote}} }

func noteSource() *kg.Source {
	return &kg.Source{ID: srcNote, Title: "Conformance note on the security talks", Publisher: "Diplograph test suite", Published: "2023-05", Text: noteText}
}

// asEditor returns a context whose caller is an editor named testActor.
func asEditor(ctx context.Context) context.Context {
	return kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleEditor, Name: testActor, Authenticated: true})
}

func testWrite(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Run("cited writes show at once", func(t *testing.T) { testCitedWrites(t, open(t, Fixture())) })
	t.Run("bad writes are refused and change nothing", func(t *testing.T) { testBadWrites(t, open(t, Fixture())) })
	t.Run("identity resolution", func(t *testing.T) { testIdentity(t, open(t, Fixture())) })
	t.Run("imports are atomic, idempotent, and dry runs write nothing", func(t *testing.T) { testImportAtomic(t, open(t, Fixture())) })
	t.Run("removals and the audit trail", func(t *testing.T) { testChanges(t, open(t, Fixture())) })
	t.Run("export then import gives the same graph", func(t *testing.T) { testRoundTrip(t, open) })
	t.Run("search sees every write", func(t *testing.T) { testSearchAfterWrites(t, open) })
	t.Run("pages keep their place across writes", func(t *testing.T) { testKeysetWrites(t, open(t, Fixture())) })
	t.Run("merges", func(t *testing.T) { testMerge(t, open(t, Fixture())) })
	t.Run("undone merges", func(t *testing.T) { testUndoMerge(t, open(t, Fixture())) })
	t.Run("possible duplicates", func(t *testing.T) { testDuplicates(t, open(t, Fixture())) })
}

func mustSource(t *testing.T, s kg.Store, src *kg.Source) *kg.Source {
	t.Helper()
	got, err := s.AddSource(asEditor(t.Context()), src)
	if err != nil {
		t.Fatalf("AddSource(%s) error = %v", src.ID, err)
	}
	return got
}

func mustEntity(t *testing.T, s kg.Store, e *kg.Entity) *kg.Entity {
	t.Helper()
	got, err := s.UpsertEntity(asEditor(t.Context()), e)
	if err != nil {
		t.Fatalf("UpsertEntity(%s %q) error = %v", e.Kind, e.Name, err)
	}
	return got
}

// mustReplace imports e alone with ImportOptions.Replace, so that what its sources say of it now
// replaces what they said before, and returns it as stored.
func mustReplace(t *testing.T, s kg.Store, e *kg.Entity) *kg.Entity {
	t.Helper()
	if _, err := s.Import(asEditor(t.Context()), &kg.Bundle{Entities: []kg.Entity{*e}}, kg.ImportOptions{Replace: true}); err != nil {
		t.Fatalf("Import(replace %s) error = %v", e.ID, err)
	}
	got, err := s.Entities(t.Context(), []string{e.ID})
	if err != nil || got[0] == nil {
		t.Fatalf("Entities(%s) = %v, %v", e.ID, got, err)
	}
	return got[0]
}

func mustRelation(t *testing.T, s kg.Store, r *kg.Relation) *kg.Relation {
	t.Helper()
	got, err := s.AddRelation(asEditor(t.Context()), r)
	if err != nil {
		t.Fatalf("AddRelation(%s) error = %v", kg.RelationName(r), err)
	}
	return got
}

func changesOf(t *testing.T, s kg.Store, id string) []*kg.Change {
	t.Helper()
	p, err := s.Changes(t.Context(), kg.ChangeQuery{Entity: id, Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("Changes(%q) error = %v", id, err)
	}
	if p.Total != len(p.Changes) {
		t.Errorf("Changes(%q) total = %d, but %d changes came back without a limit", id, p.Total, len(p.Changes))
	}
	return p.Changes
}

func actions(cs []*kg.Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Action
	}
	return out
}

func testCitedWrites(t *testing.T, s kg.Store) {
	ctx := t.Context()
	src := mustSource(t, s, noteSource())
	if src.ID != srcNote || src.Text != noteText {
		t.Errorf("AddSource() = %+v, want the note as given", src)
	}
	// Without an id: it gets person:lucia-fernandez.
	p := mustEntity(t, s, &kg.Entity{Kind: kg.KindPerson, Name: "Lucía Fernández", Description: "Researcher.", Citations: note(quoteLucia)})
	if p.ID != pFernandez || p.Name != "Lucía Fernández" {
		t.Errorf("UpsertEntity(new person) = %s %q, want %s", p.ID, p.Name, pFernandez)
	}
	mustEntity(t, s, &kg.Entity{ID: mTalks, Kind: kg.KindMeeting, Name: "2023 Security Talks",
		Properties: map[string]any{"date": "2023", "ordinal": 1}, Citations: note(quotePoyn)})
	r := mustRelation(t, s, &kg.Relation{Type: kg.RelAttended, From: pFernandez, To: mTalks,
		Properties: map[string]any{"role": "PARTICIPANT", "delegation": "MX"}, Citations: note(quoteLucia)})
	if r.Prop(kg.PropRole) != "PARTICIPANT" || len(r.Citations) != 1 {
		t.Errorf("AddRelation() = %+v, want the relation as given", r)
	}
	mustRelation(t, s, &kg.Relation{Type: kg.RelHoldsPosition, From: pFernandez, To: oSRE,
		Properties: map[string]any{"title": "Researcher"}, Citations: note(quoteLucia)})

	es, err := s.Entities(ctx, []string{pFernandez, mTalks})
	if err != nil || es[0] == nil || es[1] == nil {
		t.Fatalf("Entities(written) = %v, %v; want both", es, err)
	}
	if n, _ := es[1].IntProp(kg.PropOrdinal); n != 1 || es[1].Prop(kg.PropDate) != "2023" {
		t.Errorf("written meeting properties = %v, want date 2023 and ordinal 1 (an integer)", es[1].Properties)
	}
	rels, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{mTalks, oSRE}, Direction: kg.In, Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	if got := relKeys(rels[0]); !slices.Equal(got, []string{rk(kg.RelAttended, pFernandez, mTalks)}) {
		t.Errorf("Relations(%s, IN) = %q, want the new attendance", mTalks, got)
	}
	if !slices.Contains(relKeys(rels[1]), rk(kg.RelHoldsPosition, pFernandez, oSRE)) {
		t.Errorf("Relations(%s, IN) = %q, want the new position among them", oSRE, relKeys(rels[1]))
	}
	hits, err := s.Search(ctx, kg.SearchQuery{Text: "lucia fernandez", Limit: 3})
	if err != nil || len(hits) == 0 || hits[0].Entity.ID != pFernandez {
		t.Errorf("Search(lucia fernandez) = %v, %v; want %s first", hits, err, pFernandez)
	}
	page, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{Rels: []kg.RelCond{{
		Types: []string{kg.RelAttended}, Direction: kg.Out, Where: &kg.Filter{Conds: []kg.Cond{{Field: "id", Op: kg.OpEq, Value: mTalks}}}}}}, Limit: kg.NoLimit})
	if err != nil || page.Total != 1 || page.Entities[0].ID != pFernandez {
		t.Errorf("ListEntities(people who attended %s) = %+v, %v; want %s", mTalks, page, err, pFernandez)
	}
	srcs, err := s.ListSources(ctx, kg.ListQuery{Where: &kg.Filter{Conds: []kg.Cond{{Field: "id", Op: kg.OpEq, Value: srcNote}}}, Limit: kg.NoLimit})
	if err != nil || srcs.Total != 1 {
		t.Errorf("ListSources(id = %s) = %+v, %v; want it", srcNote, srcs, err)
	}

	// Newest first, each with the actor and a summary.
	cs := changesOf(t, s, pFernandez)
	if got, want := actions(cs), []string{kg.ActionAddRelation, kg.ActionAddRelation, kg.ActionUpsertEntity}; !slices.Equal(got, want) {
		t.Fatalf("Changes(%s) actions = %q, want %q", pFernandez, got, want)
	}
	for _, c := range cs {
		if c.Actor != testActor || c.At == "" || c.Summary == "" {
			t.Errorf("change %+v lacks its actor %q, time or summary", c, testActor)
		}
	}
	if !strings.Contains(cs[2].Summary, "Lucía Fernández") || cs[2].Entity != pFernandez {
		t.Errorf("creation change = %+v, want it to name the person", cs[2])
	}
	if cs[0].Seq <= cs[1].Seq || cs[1].Seq <= cs[2].Seq {
		t.Errorf("changes are not newest first: seqs %d, %d, %d", cs[0].Seq, cs[1].Seq, cs[2].Seq)
	}
	// A relation's change is found from its other end too.
	if got := actions(changesOf(t, s, mTalks)); !slices.Equal(got, []string{kg.ActionAddRelation, kg.ActionUpsertEntity}) {
		t.Errorf("Changes(%s) actions = %q, want the attendance then the meeting", mTalks, got)
	}

	// Writing the same again changes nothing and records nothing.
	before := dump(t, s)
	n := len(changesOf(t, s, ""))
	mustEntity(t, s, &kg.Entity{ID: pFernandez, Kind: kg.KindPerson, Name: "Lucía Fernández", Description: "Researcher.", Citations: note(quoteLucia)})
	mustSource(t, s, noteSource())
	if after := dump(t, s); after != before {
		t.Errorf("rewriting the same entity and source changed the store:\n%s", lineDiff(after, before))
	}
	if m := len(changesOf(t, s, "")); m != n {
		t.Errorf("rewriting the same entity recorded %d changes, want none", m-n)
	}

	// An update names what changed.
	mustEntity(t, s, &kg.Entity{ID: pFernandez, Kind: kg.KindPerson, Name: "Lucía Fernández Ruiz", Description: "Researcher.", Citations: note(quoteLucia)})
	if c := changesOf(t, s, pFernandez)[0]; c.Action != kg.ActionUpsertEntity ||
		!strings.Contains(c.Summary, `name: "Lucía Fernández" -> "Lucía Fernández Ruiz"`) {
		t.Errorf("update change = %+v, want a summary naming the old and new names", c)
	}
}

// badWrite is one write that must be refused.
type badWrite struct {
	name  string
	write func(ctx context.Context, s kg.Store) error
	path  string // the path of a problem the error must list ("" when the error need not list any)
}

func badWrites() []badWrite {
	entity := func(e kg.Entity) func(ctx context.Context, s kg.Store) error {
		return func(ctx context.Context, s kg.Store) error { _, err := s.UpsertEntity(ctx, &e); return err }
	}
	relation := func(r kg.Relation) func(ctx context.Context, s kg.Store) error {
		return func(ctx context.Context, s kg.Store) error { _, err := s.AddRelation(ctx, &r); return err }
	}
	topic := func(name string, cs []kg.Citation) kg.Entity {
		return kg.Entity{Kind: kg.KindTopic, Name: name, Citations: cs}
	}
	meeting := func(p map[string]any) kg.Entity {
		return kg.Entity{ID: "meeting:bad", Kind: kg.KindMeeting, Name: "Bad", Properties: p, Citations: fixtureCitation()}
	}
	attended := func(p map[string]any) kg.Relation {
		return kg.Relation{Type: kg.RelAttended, From: pPoynter, To: m13th, Properties: p, Citations: fixtureCitation()}
	}
	return []badWrite{
		{"quote not in the source", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: quoteAbsent}})), "citations[0].quote"},
		{"empty quote", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "  "}})), "citations[0].quote"},
		{"unknown source", entity(topic("Energy", []kg.Citation{{Source: "source:nowhere", Quote: "Canada"}})), "citations[0].source"},
		{"no citation", entity(topic("Energy", nil)), "citations"},
		{"no name", entity(kg.Entity{Kind: kg.KindTopic, ID: "topic:x", Citations: fixtureCitation()}), "name"},
		{"unknown kind", entity(kg.Entity{Kind: "ROBOT", Name: "R2", Citations: fixtureCitation()}), "kind"},
		{"malformed id", entity(kg.Entity{ID: "Topic:Energy Policy", Kind: kg.KindTopic, Name: "Energy", Citations: fixtureCitation()}), "id"},
		{"id of another kind", entity(kg.Entity{ID: "person:energy", Kind: kg.KindTopic, Name: "Energy", Citations: fixtureCitation()}), "id"},
		{"bad date", entity(meeting(map[string]any{"date": "1 December 2022"})), "properties.date"},
		{"impossible date", entity(meeting(map[string]any{"date": "2022-02-30"})), "properties.date"},
		{"ordinal zero", entity(meeting(map[string]any{"ordinal": 0})), "properties.ordinal"},
		{"ordinal not a number", entity(meeting(map[string]any{"ordinal": "14th"})), "properties.ordinal"},
		{"ordinal on a person", entity(kg.Entity{ID: "person:x", Kind: kg.KindPerson, Name: "X", Properties: map[string]any{"ordinal": 2}, Citations: fixtureCitation()}), "properties.ordinal"},
		{"reserved property", entity(meeting(map[string]any{"name": "x"})), "properties.name"},
		{"property holding an object", entity(meeting(map[string]any{"venue": map[string]any{"city": "X"}})), "properties.venue"},
		{"mixed list", entity(meeting(map[string]any{"tags": []any{"a", int64(1)}})), "properties.tags"},
		{"country without a code", entity(kg.Entity{Kind: kg.KindCountry, Name: "Atlantis", Citations: fixtureCitation()}), "properties.code"},
		{"country code not ISO", entity(kg.Entity{Kind: kg.KindCountry, Name: "Atlantis", Properties: map[string]any{"code": "XX"}, Citations: fixtureCitation()}), "properties.code"},
		{"country code lower case", entity(kg.Entity{Kind: kg.KindCountry, Name: "Atlantis", Properties: map[string]any{"code": "mx"}, Citations: fixtureCitation()}), "properties.code"},
		{"dangling relation end", relation(kg.Relation{Type: kg.RelAttended, From: pPoynter, To: "meeting:nowhere", Properties: map[string]any{"role": "LEAD"}, Citations: fixtureCitation()}), "to"},
		{"relation between wrong kinds", relation(kg.Relation{Type: kg.RelAttended, From: oSRE, To: m13th, Properties: map[string]any{"role": "LEAD"}, Citations: fixtureCitation()}), ""},
		{"unknown relation type", relation(kg.Relation{Type: "LIKES", From: pPoynter, To: pNunez, Citations: fixtureCitation()}), "type"},
		{"relation to itself", relation(kg.Relation{Type: kg.RelPartOf, From: oSRE, To: oSRE, Citations: fixtureCitation()}), ""},
		{"bad role", relation(attended(map[string]any{"role": "BOSS"})), "properties.role"},
		{"missing role", relation(attended(map[string]any{"delegation": "US"})), "properties.role"},
		{"bad delegation", relation(attended(map[string]any{"role": "LEAD", "delegation": "USA"})), "properties.delegation"},
		{"role on a position", relation(kg.Relation{Type: kg.RelHoldsPosition, From: pPoynter, To: oDHS, Properties: map[string]any{"title": "X", "role": "LEAD"}, Citations: fixtureCitation()}), "properties.role"},
		{"end before start", relation(kg.Relation{Type: kg.RelHoldsPosition, From: pPoynter, To: oDHS, Properties: map[string]any{"title": "X", "start": "2022-05", "end": "2021"}, Citations: fixtureCitation()}), "properties.end"},
		{"unknown basis", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "Canada", Basis: "GUESSED", Note: "x"}})), "citations[0].basis"},
		{"inferred without a note", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "Canada", Basis: kg.BasisInferred}})), "citations[0].note"},
		{"curated with a blank note", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "Canada", Basis: kg.BasisCurated, Note: "  "}})), "citations[0].note"},
		{"note of two lines", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "Canada", Basis: kg.BasisCurated, Note: "one\ntwo"}})), "citations[0].note"},
		{"citation for a value not given", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "Canada", Fields: []string{"description"}}})), "citations[0].fields[0]"},
		{"citation for an unknown field", entity(topic("Energy", []kg.Citation{{Source: srcBriefing, Quote: "Canada", Fields: []string{"title"}}})), "citations[0].fields[0]"},
		{"citation for an alias not given", entity(kg.Entity{Kind: kg.KindTopic, Name: "Energy", Aliases: []string{"Power"},
			Citations: []kg.Citation{{Source: srcBriefing, Quote: "Canada", Fields: []string{kg.AliasField("Energía")}}}}), "citations[0].fields[0]"},
		{"relation citation for a property not given", relation(kg.Relation{Type: kg.RelAttended, From: pPoynter, To: m13th, Properties: map[string]any{"role": "LEAD"},
			Citations: []kg.Citation{{Source: srcBriefing, Quote: "Canada", Basis: kg.BasisInferred, Note: "x", Fields: []string{kg.PropertyField("delegation")}}}}), "citations[0].fields[0]"},
		{"relation quote not in the source", relation(kg.Relation{Type: kg.RelAttended, From: pPoynter, To: m13th, Properties: map[string]any{"role": "LEAD"}, Citations: []kg.Citation{{Source: srcBriefing, Quote: quoteAbsent}}}), "citations[0].quote"},
		{"source without text", func(ctx context.Context, s kg.Store) error {
			_, err := s.AddSource(ctx, &kg.Source{Title: "Empty"})
			return err
		}, "text"},
		{"source text changed", func(ctx context.Context, s kg.Store) error {
			_, err := s.AddSource(ctx, &kg.Source{ID: srcBriefing, Title: "Briefing", Text: "Another text."})
			return err
		}, "text"},
		{"bad source date", func(ctx context.Context, s kg.Store) error {
			_, err := s.AddSource(ctx, &kg.Source{Title: "Dated", Text: "Some text.", Published: "May 2023"})
			return err
		}, "published"},
		{"delete without a reason", func(ctx context.Context, s kg.Store) error {
			_, err := s.DeleteEntity(ctx, pPoynter, " ")
			return err
		}, "reason"},
		{"remove a relation of an unknown type", func(ctx context.Context, s kg.Store) error {
			_, err := s.RemoveRelation(ctx, "LIKES", pPoynter, pNunez)
			return err
		}, "type"},
	}
}

func testBadWrites(t *testing.T, s kg.Store) {
	before := dump(t, s)
	changes := len(changesOf(t, s, ""))
	for _, bw := range badWrites() {
		t.Run(bw.name, func(t *testing.T) {
			err := bw.write(asEditor(t.Context()), s)
			if code := kg.ErrorCode(err); code != kg.CodeBadUserInput {
				t.Fatalf("error = %v (code %s), want %s", err, code, kg.CodeBadUserInput)
			}
			var kerr *kg.Error
			errors.As(err, &kerr)
			if bw.path != "" {
				var paths []string
				for _, p := range kerr.Problems {
					paths = append(paths, p.Path)
				}
				if !slices.Contains(paths, bw.path) {
					t.Errorf("problems = %v, want one at %q", kerr.Problems, bw.path)
				}
			}
			if strings.TrimSpace(kg.ErrorMessage(err)) == "" {
				t.Errorf("error %v has no message for people", err)
			}
		})
	}
	if after := dump(t, s); after != before {
		t.Errorf("refused writes changed the store:\n%s", lineDiff(after, before))
	}
	if n := len(changesOf(t, s, "")); n != changes {
		t.Errorf("refused writes recorded %d changes, want none", n-changes)
	}
}

func testIdentity(t *testing.T, s kg.Store) {
	ctx := t.Context()
	mustSource(t, s, noteSource())
	people := func() int {
		p, err := s.ListEntities(ctx, kg.ListQuery{Kind: kg.KindPerson, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return p.Total
	}
	n := people()

	// By folded name: case and accents do not matter; the stored name stays, citations are added.
	got := mustEntity(t, s, &kg.Entity{Kind: kg.KindPerson, Name: "RACHEL  POYNTER", Citations: note(quotePoyn)})
	if got.ID != pPoynter || got.Name != "Rachel Poynter" {
		t.Errorf("UpsertEntity(RACHEL POYNTER) = %s %q, want %s, name kept", got.ID, got.Name, pPoynter)
	}
	if !slices.ContainsFunc(got.Citations, note(quotePoyn)[0].Equal) || len(got.Citations) < 2 {
		t.Errorf("merged citations = %v, want the stored ones and the new one", got.Citations)
	}
	if people() != n {
		t.Errorf("a person named like a stored one was created anew: %d people, want %d", people(), n)
	}
	// By acronym and by alias, the given name becoming an alias when it is new.
	if got := mustEntity(t, s, &kg.Entity{Kind: kg.KindOrganization, Name: "SRE", Citations: note(quoteLucia)}); got.ID != oSRE {
		t.Errorf("UpsertEntity(organization SRE) = %s, want %s (by acronym)", got.ID, oSRE)
	}
	got = mustEntity(t, s, &kg.Entity{Kind: kg.KindOrganization, Name: "Secretaria de Relaciones Exteriores", Aliases: []string{"Cancillería"}, Citations: note(quoteLucia)})
	if got.ID != oSRE || got.Name != "Secretariat of Foreign Relations" || !slices.Contains(got.Aliases, "Cancillería") {
		t.Errorf("UpsertEntity(by alias) = %s %q %q, want %s with the new alias", got.ID, got.Name, got.Aliases, oSRE)
	}
	// An id is authoritative: a new id with a known name is a new entity.
	if got := mustEntity(t, s, &kg.Entity{ID: "person:rachel-poynter-2", Kind: kg.KindPerson, Name: "Rachel Poynter", Citations: note(quotePoyn)}); got.ID != "person:rachel-poynter-2" {
		t.Errorf("UpsertEntity(new id, known name) = %s, want person:rachel-poynter-2", got.ID)
	}
	// Now "Rachel Poynter" names two people: an id-less write is ambiguous.
	_, err := s.UpsertEntity(asEditor(ctx), &kg.Entity{Kind: kg.KindPerson, Name: "Rachel Poynter", Citations: note(quotePoyn)})
	if kg.ErrorCode(err) != kg.CodeBadUserInput || !strings.Contains(kg.ErrorMessage(err), "several") {
		t.Errorf("UpsertEntity(ambiguous name) = %v, want a %s error naming the matches", err, kg.CodeBadUserInput)
	}
	// Same kind only: a topic named like a person is another entity.
	if got := mustEntity(t, s, &kg.Entity{Kind: kg.KindTopic, Name: "Blas Nuñez-Neto", Citations: fixtureCitation()}); got.Kind != kg.KindTopic || got.ID != "topic:blas-nunez-neto" {
		t.Errorf("UpsertEntity(topic named like a person) = %s, want topic:blas-nunez-neto", got.ID)
	}

	// In one bundle: entities without ids merge with stored ones and with each other, and
	// relations naming the id such an entity would get follow it.
	b := &kg.Bundle{
		Entities: []kg.Entity{
			{Kind: kg.KindCountry, Name: "United Mexican States", Properties: map[string]any{"code": "MX"}, Citations: note(quoteParty)},
			{ID: dSecurity, Kind: kg.KindDialogue, Name: "U.S.-Mexico Security Dialogue", Citations: note(quoteParty)},
			{Kind: kg.KindTopic, Name: "Energy", Citations: note(quoteTrade)},
			{Kind: kg.KindTopic, Name: "energy", Aliases: []string{"Power"}, Citations: note(quoteTrade)},
		},
		Relations: []kg.Relation{
			{Type: kg.RelPartyTo, From: "country:united-mexican-states", To: dSecurity, Citations: note(quoteParty)},
			{Type: kg.RelAddresses, From: dSecurity, To: "topic:energy", Citations: note(quoteTrade)},
			{Type: kg.RelAddresses, From: dSecurity, To: "topic:trade", Citations: note(quoteTrade)},
		},
	}
	rep, err := s.Import(asEditor(ctx), b, kg.ImportOptions{})
	if err != nil {
		t.Fatalf("Import(bundle resolving to stored entities) error = %v (%v)", err, rep.Problems)
	}
	// Mexico updated (alias, citation), the dialogue and the merged topic created, three relations.
	if want := (kg.ImportStats{Created: 5, Updated: 1}); rep.ImportStats != want {
		t.Errorf("Import() = %+v, want %+v", rep.ImportStats, want)
	}
	es, err := s.Entities(ctx, []string{"country:united-mexican-states", "topic:energy", cMexico})
	if err != nil {
		t.Fatal(err)
	}
	if es[0] != nil {
		t.Errorf("the country named by an alias of Mexico was created as %s", es[0].ID)
	}
	if es[1] == nil || !slices.Equal(es[1].Aliases, []string{"Power"}) || len(es[1].Citations) != 1 {
		t.Errorf("merged topic = %+v, want topic:energy with alias Power and one citation", es[1])
	}
	if es[2] == nil || !slices.Contains(es[2].Aliases, "United Mexican States") {
		t.Errorf("Mexico = %+v, want it to keep its aliases", es[2])
	}
	rels, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{dSecurity}, Direction: kg.Both, Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{rk(kg.RelAddresses, dSecurity, "topic:energy"), rk(kg.RelAddresses, dSecurity, tTrade), rk(kg.RelPartyTo, cMexico, dSecurity)}
	if got := relKeys(rels[0]); !slices.Equal(got, want) {
		t.Errorf("relations of %s = %q, want %q", dSecurity, got, want)
	}
	rep, err = s.Import(asEditor(ctx), b, kg.ImportOptions{})
	if err != nil || rep.Created+rep.Updated != 0 {
		t.Errorf("Import(same bundle again) = %+v, %v; want nothing created or updated", rep, err)
	}
}

func testImportAtomic(t *testing.T, s kg.Store) {
	ctx := asEditor(t.Context())
	before := dump(t, s)
	changes := len(changesOf(t, s, ""))
	good := func() *kg.Bundle {
		src := noteSource()
		src.ID = "" // derived from the title
		return &kg.Bundle{
			Sources: []kg.Source{*src},
			Entities: []kg.Entity{
				{ID: dSecurity, Kind: kg.KindDialogue, Name: "U.S.-Mexico Security Dialogue", Citations: []kg.Citation{{Source: "source:conformance-note-on-the-security-talks", Quote: quoteParty}}},
				{ID: mTalks, Kind: kg.KindMeeting, Name: "2023 Security Talks", Properties: map[string]any{"date": "2023"}, Citations: []kg.Citation{{Source: "source:conformance-note-on-the-security-talks", Quote: quotePoyn}}},
			},
			Relations: []kg.Relation{
				{Type: kg.RelSessionOf, From: mTalks, To: dSecurity, Citations: []kg.Citation{{Source: "source:conformance-note-on-the-security-talks", Quote: quotePoyn}}},
				{Type: kg.RelAttended, From: pPoynter, To: mTalks, Properties: map[string]any{"role": "MEMBER", "delegation": "US"}, Citations: []kg.Citation{{Source: "source:conformance-note-on-the-security-talks", Quote: quotePoyn}}},
			},
		}
	}

	// A dry run counts and writes nothing.
	rep, err := s.Import(ctx, good(), kg.ImportOptions{DryRun: true})
	if err != nil || !rep.DryRun || rep.ImportStats != (kg.ImportStats{Created: 5}) {
		t.Errorf("Import(dry run) = %+v, %v; want 5 created, dry run", rep, err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("a dry run changed the store:\n%s", lineDiff(after, before))
	}

	// One bad item among good ones: every problem listed with its path, nothing written.
	bad := good()
	bad.Entities = append(bad.Entities, kg.Entity{Kind: kg.KindMeeting, Name: "Undated talk", Properties: map[string]any{"date": "soon"}, Citations: bad.Entities[0].Citations})
	bad.Relations[1].Citations[0].Quote = quoteAbsent
	bad.Relations = append(bad.Relations, kg.Relation{Type: kg.RelHeldIn, From: mTalks, To: "place:nowhere", Citations: bad.Relations[0].Citations})
	rep, err = s.Import(ctx, bad, kg.ImportOptions{})
	if kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("Import(bad) error = %v, want %s", err, kg.CodeBadUserInput)
	}
	var paths []string
	for _, p := range rep.Problems {
		paths = append(paths, p.Path)
	}
	if want := []string{"entities[2].properties.date", "relations[1].citations[0].quote", "relations[2].to"}; !slices.Equal(paths, want) {
		t.Errorf("Import(bad) problems at %q, want %q: %v", paths, want, rep.Problems)
	}
	if rep.ImportStats != (kg.ImportStats{}) {
		t.Errorf("Import(bad) counts = %+v, want zero", rep.ImportStats)
	}
	if after := dump(t, s); after != before {
		t.Errorf("a refused import changed the store:\n%s", lineDiff(after, before))
	}
	if n := len(changesOf(t, s, "")); n != changes {
		t.Errorf("a dry run and a refused import recorded %d changes, want none", n-changes)
	}

	// The good bundle, twice: everything created, then nothing.
	rep, err = s.Import(ctx, good(), kg.ImportOptions{})
	if err != nil || rep.ImportStats != (kg.ImportStats{Created: 5}) {
		t.Errorf("Import(good) = %+v, %v; want 5 created", rep, err)
	}
	after := dump(t, s)
	rep, err = s.Import(ctx, good(), kg.ImportOptions{})
	if err != nil || rep.ImportStats != (kg.ImportStats{Unchanged: 5}) {
		t.Errorf("Import(good) again = %+v, %v; want 5 unchanged", rep, err)
	}
	if again := dump(t, s); again != after {
		t.Errorf("importing the same bundle again changed the store:\n%s", lineDiff(again, after))
	}
	// The import is recorded as one change; what it created is attributed to it.
	all, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	if err != nil || all.Total != changes+1 || len(all.Changes) != 1 {
		t.Fatalf("Changes(limit 1) = %+v, %v; want %d in total, one returned", all, err, changes+1)
	}
	imp := all.Changes[0]
	if imp.Action != kg.ActionImport || imp.Entity != "" || imp.Summary != "import: 5 created, 0 updated, 0 unchanged" || imp.Actor != testActor {
		t.Errorf("newest change = %+v, want the import's summary by %s", imp, testActor)
	}
	for _, id := range []string{mTalks, pPoynter, "source:conformance-note-on-the-security-talks"} {
		if cs := changesOf(t, s, id); len(cs) == 0 || cs[0].Seq != imp.Seq {
			t.Errorf("Changes(%s) = %q, want the import that created it (or its relation) first", id, actions(cs))
		}
	}
	// An import that updates records that update, after its own change. (With Replace, the date
	// the note gives now replaces the one it gave before; without, both would be kept.)
	upd := good()
	upd.Entities[1].Properties["date"] = "2023-03"
	rep, err = s.Import(ctx, upd, kg.ImportOptions{Replace: true})
	if err != nil || rep.ImportStats != (kg.ImportStats{Updated: 1, Unchanged: 4}) {
		t.Fatalf("Import(one date changed) = %+v, %v; want 1 updated", rep, err)
	}
	cs := changesOf(t, s, mTalks)
	if len(cs) != 2 || cs[0].Action != kg.ActionImport || cs[0].Entity != mTalks ||
		cs[0].Summary != `properties.date: "2023" -> "2023-03"; claims: +1 -1 (source:conformance-note-on-the-security-talks); `+
			`replacing what source:conformance-note-on-the-security-talks said` || cs[1].Seq != imp.Seq {
		t.Errorf("Changes(%s) after an updating import = %s, want the update, then the creating import", mTalks, mustJSON(cs))
	}
	if p, _ := s.Changes(t.Context(), kg.ChangeQuery{Limit: 2}); p.Changes[1].Summary != "import: 0 created, 1 updated, 4 unchanged; replacing what source:conformance-note-on-the-security-talks said" || p.Changes[1].Seq >= p.Changes[0].Seq {
		t.Errorf("newest changes = %+v, want the update after its import's own change", p.Changes)
	}
}

func testChanges(t *testing.T, s kg.Store) {
	ctx := asEditor(t.Context())
	last, err := s.Changes(t.Context(), kg.ChangeQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	since := func(cs []*kg.Change) []*kg.Change {
		var out []*kg.Change
		for _, c := range cs {
			if c.Seq > last.Changes[0].Seq {
				out = append(out, c)
			}
		}
		return out
	}

	// Removing a relation that is not there removes and records nothing.
	if ok, err := s.RemoveRelation(ctx, kg.RelAttended, pOkafor, m13th); err != nil || ok {
		t.Errorf("RemoveRelation(absent) = %v, %v; want false, nil", ok, err)
	}
	if ok, err := s.RemoveRelation(ctx, kg.RelAttended, pOkafor, m14th); err != nil || !ok {
		t.Fatalf("RemoveRelation(present) = %v, %v; want true", ok, err)
	}
	rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{m14th}, Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit})
	if err != nil || slices.Contains(relKeys(rels[0]), rk(kg.RelAttended, pOkafor, m14th)) {
		t.Errorf("after RemoveRelation, attendances of %s = %q, %v; want Okafor's gone", m14th, relKeys(rels[0]), err)
	}

	// Deleting an entity removes its relations.
	var relsBefore int
	if rs, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{pOkafor}, Limit: kg.NoLimit}); err == nil {
		relsBefore = len(rs[0])
	}
	if ok, err := s.DeleteEntity(ctx, pOkafor, "merged into another record"); err != nil || !ok {
		t.Fatalf("DeleteEntity() = %v, %v; want true", ok, err)
	}
	if ok, err := s.DeleteEntity(ctx, pOkafor, "again"); err != nil || ok {
		t.Errorf("DeleteEntity(gone) = %v, %v; want false, nil", ok, err)
	}
	es, err := s.Entities(t.Context(), []string{pOkafor})
	if err != nil || es[0] != nil {
		t.Errorf("Entities(deleted) = %v, %v; want nil", es, err)
	}
	for _, id := range []string{mHLED2021, m14th} {
		rs, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{id}, Limit: kg.NoLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs[0] {
			if r.From == pOkafor || r.To == pOkafor {
				t.Errorf("relation %s of a deleted entity is still there", rk(r.Type, r.From, r.To))
			}
		}
	}
	if hits, err := s.Search(t.Context(), kg.SearchQuery{Text: "David Okafor", Limit: kg.NoLimit}); err != nil || (len(hits) > 0 && hits[0].Entity.ID == pOkafor) {
		t.Errorf("Search(deleted) = %v, %v; want it gone", hits, err)
	}

	cs := since(changesOf(t, s, pOkafor))
	got := actions(cs)
	want := []string{kg.ActionDeleteEntity}
	for range relsBefore {
		want = append(want, kg.ActionDeleteEntity)
	}
	want = append(want, kg.ActionRemoveRelation)
	if !slices.Equal(got, want) {
		t.Fatalf("Changes(%s) = %q, want %q", pOkafor, got, want)
	}
	// The deletion of the entity itself comes first of its write (lowest seq) and carries the reason.
	var del *kg.Change
	for _, c := range cs[:relsBefore+1] {
		if c.Entity == pOkafor && c.Other == "" {
			del = c
		}
	}
	if del == nil || !strings.Contains(del.Summary, "merged into another record") || !strings.Contains(del.Summary, "David Okafor") {
		t.Errorf("deletion change = %+v, want the name and the reason", del)
	}
	if c := cs[len(cs)-1]; c.Summary != "removed "+kg.RelationName(&kg.Relation{Type: kg.RelAttended, From: pOkafor, To: m14th}) {
		t.Errorf("removal change = %+v", c)
	}
	// The other end sees the removal.
	if c := changesOf(t, s, m14th)[0]; c.Action != kg.ActionRemoveRelation || c.Other != m14th {
		t.Errorf("newest change of %s = %+v, want the removal of Okafor's attendance", m14th, c)
	}

	// Paging: offset and limit over the newest-first list, with the total.
	all := changesOf(t, s, "")
	p, err := s.Changes(t.Context(), kg.ChangeQuery{Offset: 2, Limit: 3})
	if err != nil || p.Total != len(all) || len(p.Changes) != 3 {
		t.Fatalf("Changes(offset 2, limit 3) = %+v, %v; want 3 of %d", p, err, len(all))
	}
	for i, c := range p.Changes {
		if c.Seq != all[i+2].Seq {
			t.Errorf("Changes(offset 2)[%d].Seq = %d, want %d", i, c.Seq, all[i+2].Seq)
		}
	}
	for i := 1; i < len(all); i++ {
		if all[i].Seq >= all[i-1].Seq {
			t.Fatalf("Changes() not newest first at %d: %d after %d", i, all[i].Seq, all[i-1].Seq)
		}
	}
	if p, err := s.Changes(t.Context(), kg.ChangeQuery{Entity: "person:nobody", Limit: kg.NoLimit}); err != nil || p.Total != 0 || len(p.Changes) != 0 {
		t.Errorf("Changes(unknown id) = %+v, %v; want none", p, err)
	}
}

func testRoundTrip(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	s := open(t, Fixture())
	// Some written state beyond the fixture: a merge, a new entity, a removal.
	mustSource(t, s, noteSource())
	mustEntity(t, s, &kg.Entity{Kind: kg.KindPerson, Name: "Rachel Poynter", Aliases: []string{"R. Poynter"}, Citations: note(quotePoyn)})
	mustEntity(t, s, &kg.Entity{ID: mTalks, Kind: kg.KindMeeting, Name: "2023 Security Talks", Properties: map[string]any{"date": "2023", "ordinal": 1, "budget_musd": 2.5, "tags": []any{"security", "trade"}}, Citations: note(quotePoyn)})
	mustRelation(t, s, &kg.Relation{Type: kg.RelAttended, From: pPoynter, To: mTalks, Properties: map[string]any{"role": "MEMBER", "delegation": "US"}, Citations: note(quotePoyn)})
	if _, err := s.RemoveRelation(asEditor(t.Context()), kg.RelAttended, pOkafor, m14th); err != nil {
		t.Fatal(err)
	}
	// Sources that disagree: the export carries every claim, and the import gives them back.
	if _, err := s.Import(asEditor(t.Context()), release2(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	want := dump(t, s)
	if !strings.Contains(want, `"claims":`) {
		t.Fatalf("the graph to export has no claims to carry:\n%s", want)
	}

	var buf bytes.Buffer
	srcs, ents, rels, err := kg.WriteBundle(t.Context(), s, &buf)
	if err != nil {
		t.Fatalf("WriteBundle() error = %v", err)
	}
	b, err := kg.DecodeBundle(&buf)
	if err != nil {
		t.Fatalf("DecodeBundle(exported) error = %v", err)
	}
	if len(b.Sources) != srcs || len(b.Entities) != ents || len(b.Relations) != rels {
		t.Errorf("WriteBundle() counted %d/%d/%d, the bundle holds %d/%d/%d", srcs, ents, rels, len(b.Sources), len(b.Entities), len(b.Relations))
	}
	empty := open(t, &kg.Bundle{})
	rep, err := empty.Import(asEditor(t.Context()), b, kg.ImportOptions{})
	if err != nil {
		t.Fatalf("Import(exported) error = %v", err)
	}
	if rep.Created != srcs+ents+rels {
		t.Errorf("Import(exported) = %+v, want %d created", rep.ImportStats, srcs+ents+rels)
	}
	if got := dump(t, empty); got != want {
		t.Errorf("export, then import into an empty store, gives another graph:\n%s", lineDiff(got, want))
	}
}
