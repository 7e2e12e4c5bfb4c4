package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testProvenance checks the provenance model (docs/provenance.md) on a store opened with the
// fixture: citations keep their basis, note and fields through every write and read.
func testProvenance(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Run("citations keep their basis, note and fields", func(t *testing.T) { testCitationBasis(t, open(t, Fixture())) })
	t.Run("a second release adds to what the first said", func(t *testing.T) { testAccumulate(t, open(t, Fixture())) })
	t.Run("withdrawing a source", func(t *testing.T) { testWithdraw(t, open) })
	t.Run("one-item writes and id-less entities add too", func(t *testing.T) { testItemWritesAdd(t, open(t, Fixture())) })
	t.Run("an export keeps what every source said", func(t *testing.T) { testExportKeepsClaims(t, open) })
}

// testExportKeepsClaims checks that kg.WriteBundle's bundle of a graph whose sources disagree,
// imported into an empty store, gives the same graph: every value with its sources and basis, the
// same values shown.
func testExportKeepsClaims(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	s := open(t, Fixture())
	if _, err := s.Import(asEditor(t.Context()), release2(), kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(release 2) error = %v", err)
	}
	var buf bytes.Buffer
	if _, _, _, err := kg.WriteBundle(t.Context(), s, &buf); err != nil {
		t.Fatalf("WriteBundle() error = %v", err)
	}
	b, err := kg.DecodeBundle(&buf)
	if err != nil {
		t.Fatalf("DecodeBundle(the export) error = %v", err)
	}
	claimed := 0
	for _, e := range b.Entities {
		claimed += len(e.Claims)
	}
	for _, r := range b.Relations {
		claimed += len(r.Claims)
	}
	if claimed == 0 {
		t.Fatalf("the export of a graph whose sources disagree carries no claims")
	}
	if got, want := dump(t, open(t, b)), dump(t, s); got != want {
		t.Errorf("the export imported into an empty store differs from the store exported:\n%s", lineDiff(got, want))
	}
}

// A second release about people of the fixture, later than every fixture source.
const (
	srcRelease2  = "source:second-release"
	release2Text = "Blas Nunez, Assistant Secretary for Border, Immigration and Trade Policy, took part in the 14th plenary. " +
		"He leads the department's border policy."
	quoteRelease2 = "Blas Nunez, Assistant Secretary for Border, Immigration and Trade Policy, took part in the 14th plenary."
	titleRelease2 = "Assistant Secretary for Border, Immigration and Trade Policy"
	titleFixture  = "Assistant Secretary for Border and Immigration Policy"
)

// release2 is a bundle of the second release: Nuñez-Neto by id, under another name and with
// another description; his position with another title; his attendance of the 14th plenary,
// repeated.
func release2() *kg.Bundle {
	cite := []kg.Citation{{Source: srcRelease2, Quote: quoteRelease2}}
	return &kg.Bundle{
		Sources: []kg.Source{{ID: srcRelease2, Title: "Second release on the 14th plenary", Publisher: "Diplograph test suite",
			Published: "2023-06", Text: release2Text}},
		Entities: []kg.Entity{{ID: pNunez, Kind: kg.KindPerson, Name: "Blas Nunez", Description: "Leads DHS border policy.",
			Citations: append(slices.Clone(cite), kg.Citation{Source: srcRelease2, Quote: "He leads the department's border policy."})}},
		Relations: []kg.Relation{
			{Type: kg.RelHoldsPosition, From: pNunez, To: oDHS, Properties: props(kg.PropTitle, titleRelease2), Citations: cite},
			{Type: kg.RelAttended, From: pNunez, To: m14th, Properties: props(kg.PropRole, "PARTICIPANT", kg.PropDelegation, "US"), Citations: cite},
		},
	}
}

// dates returns the publication dates of the sources s holds.
func dates(t *testing.T, s kg.Store) kg.SourceDates {
	t.Helper()
	page, err := s.ListSources(t.Context(), kg.ListQuery{Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("ListSources() error = %v", err)
	}
	m := map[string]string{}
	for _, src := range page.Sources {
		m[src.ID] = src.Published
	}
	return func(id string) string { return m[id] }
}

// fieldValues returns the values of field among vs, shown first, as "value (source, ...; BASIS)".
func fieldValues(vs []kg.Value, field string) []string {
	var out []string
	for _, v := range vs {
		if v.Field == field {
			out = append(out, fmt.Sprintf("%v (%s; %s)", v.Value, strings.Join(v.Sources, ", "), v.Basis.Or()))
		}
	}
	return out
}

func position(t *testing.T, s kg.Store, from, to string) *kg.Relation {
	t.Helper()
	rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{from}, Direction: kg.Out, Limit: kg.NoLimit})
	if err != nil {
		t.Fatalf("Relations(%s) error = %v", from, err)
	}
	for _, r := range rels[0] {
		if r.To == to && (r.Type == kg.RelHoldsPosition || r.Type == kg.RelAttended) && (to != m14th || r.Type == kg.RelAttended) {
			return r
		}
	}
	t.Fatalf("no relation %s -> %s", from, to)
	return nil
}

func testAccumulate(t *testing.T, s kg.Store) {
	ctx := asEditor(t.Context())
	before := dump(t, s)
	fx, err := s.Entities(t.Context(), []string{pNunez})
	if err != nil || fx[0] == nil {
		t.Fatalf("Entities(%s) = %v, %v", pNunez, fx, err)
	}
	first := fx[0]

	// A dry run says what the import would do, disagreements included, and writes nothing.
	dry, err := s.Import(ctx, release2(), kg.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatalf("Import(release 2, dry run) error = %v", err)
	}
	if after := dump(t, s); after != before {
		t.Errorf("a dry run changed the store:\n%s", lineDiff(after, before))
	}
	rep, err := s.Import(ctx, release2(), kg.ImportOptions{})
	if err != nil {
		t.Fatalf("Import(release 2) error = %v", err)
	}
	if want := (kg.ImportStats{Created: 1, Updated: 3}); rep.ImportStats != want || dry.ImportStats != want {
		t.Errorf("Import(release 2) = %+v, dry run %+v; want %+v", rep.ImportStats, dry.ImportStats, want)
	}
	// Name, description and the position's title: each now has two values, and the report says
	// which, the shown one first: the second release is the later.
	var got []string
	for _, d := range rep.Disagreements {
		got = append(got, fmt.Sprintf("%s %s %s: %v", d.Entity, d.Relation, d.Field, d.Values[0].Value))
	}
	want := []string{
		pNunez + "  name: Blas Nunez",
		pNunez + "  description: Leads DHS border policy.",
		pNunez + " " + kg.RelHoldsPosition + " " + pNunez + " -> " + oDHS + " properties.title: " + titleRelease2,
	}
	if !slices.Equal(got, want) {
		t.Errorf("Import(release 2) disagreements =\n%q\nwant\n%q", got, want)
	}
	if len(dry.Disagreements) != len(rep.Disagreements) {
		t.Errorf("the dry run listed %d disagreements, the import %d", len(dry.Disagreements), len(rep.Disagreements))
	}

	// Nothing the fixture's sources said is lost; the first release's name, description and
	// citation are there, ranked after the later release's.
	es, err := s.Entities(t.Context(), []string{pNunez})
	if err != nil || es[0] == nil {
		t.Fatalf("Entities(%s) = %v, %v", pNunez, es, err)
	}
	e := es[0]
	d := dates(t, s)
	vs := e.Values(d)
	if e.Name != "Blas Nunez" || e.Description != "Leads DHS border policy." {
		t.Errorf("merged person shows %q, %q; want the later release's name and description", e.Name, e.Description)
	}
	if g, w := fieldValues(vs, kg.FieldName), []string{"Blas Nunez (" + srcRelease2 + "; STATED)", first.Name + " (" + srcBriefing + "; STATED)"}; !slices.Equal(g, w) {
		t.Errorf("name values = %q, want %q", g, w)
	}
	if g, w := fieldValues(vs, kg.FieldDescription), []string{"Leads DHS border policy. (" + srcRelease2 + "; STATED)", first.Description + " (" + srcBriefing + "; STATED)"}; !slices.Equal(g, w) {
		t.Errorf("description values = %q, want %q", g, w)
	}
	for _, c := range first.Citations {
		if !slices.ContainsFunc(e.Citations, c.Equal) {
			t.Errorf("the first release's citation %+v was lost: %+v", c, e.Citations)
		}
	}
	if len(e.Citations) != len(first.Citations)+2 {
		t.Errorf("merged citations = %d, want the %d stored and the 2 new", len(e.Citations), len(first.Citations))
	}
	// The name no longer shown still finds him (no other person has it).
	if !mergesIntoStored(t, s, kg.Entity{Kind: kg.KindPerson, Name: first.Name, Citations: fixtureCitation()}) {
		t.Errorf("an id-less person %q does not resolve to the stored one, whose name it was", first.Name)
	}

	// The position: both titles, the later first; the fixture's acting and start stay.
	pos := position(t, s, pNunez, oDHS)
	if pos.Prop(kg.PropTitle) != titleRelease2 || !pos.BoolProp(kg.PropActing) || pos.Prop(kg.PropStart) != "2021-02" {
		t.Errorf("merged position = %+v, want the later title shown, acting and start kept", pos.Properties)
	}
	if g, w := fieldValues(pos.Values(d), "properties.title"), []string{titleRelease2 + " (" + srcRelease2 + "; STATED)", titleFixture + " (" + srcBriefing + "; STATED)"}; !slices.Equal(g, w) {
		t.Errorf("title values = %q, want %q", g, w)
	}
	// The repeated attendance keeps both citations, and agrees: no alternatives.
	att := position(t, s, pNunez, m14th)
	if len(att.Citations) != 2 || att.Citations[1].Source != srcRelease2 {
		t.Errorf("repeated attendance citations = %+v, want the fixture's and the second release's", att.Citations)
	}
	if ds := kg.Disagreements(att.Values(d)); len(ds) != 0 {
		t.Errorf("repeated attendance disagreements = %v, want none", ds)
	}
	// The audit trail records the disagreement.
	if cs := changesOf(t, s, pNunez); !strings.Contains(cs[0].Summary, "disagreement on name") && !strings.Contains(changesText(cs), "disagreement on name") {
		t.Errorf("changes of %s = %s, want one recording the disagreement on name", pNunez, changesText(cs))
	}

	// The same release again changes nothing.
	after := dump(t, s)
	again, err := s.Import(ctx, release2(), kg.ImportOptions{})
	if err != nil || again.ImportStats != (kg.ImportStats{Unchanged: 4}) || len(again.Disagreements) != 0 {
		t.Errorf("Import(release 2) again = %+v, %v; want 4 unchanged, no disagreements", again, err)
	}
	if d := dump(t, s); d != after {
		t.Errorf("importing release 2 again changed the store:\n%s", lineDiff(d, after))
	}

	// The documented order: an older source's title comes after both; a later source that only
	// infers one comes last, after the stated ones.
	old := &kg.Bundle{Sources: []kg.Source{{ID: "source:memo-2019", Title: "Memo", Published: "2019", Text: "Blas Nuñez-Neto, Senior Official."},
		{ID: "source:digest-2024", Title: "Digest", Published: "2024", Text: "Nuñez-Neto was at DHS."}},
		Relations: []kg.Relation{
			{Type: kg.RelHoldsPosition, From: pNunez, To: oDHS, Properties: props(kg.PropTitle, "Senior Official"),
				Citations: []kg.Citation{{Source: "source:memo-2019", Quote: "Blas Nuñez-Neto, Senior Official."}}},
		}}
	if _, err := s.Import(ctx, old, kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(memo) error = %v", err)
	}
	inferred := &kg.Relation{Type: kg.RelHoldsPosition, From: pNunez, To: oDHS, Properties: props(kg.PropTitle, "Official"),
		Citations: []kg.Citation{{Source: "source:digest-2024", Quote: "Nuñez-Neto was at DHS.", Basis: kg.BasisInferred, Note: "an official of DHS"}}}
	mustRelation(t, s, inferred)
	d = dates(t, s)
	pos = position(t, s, pNunez, oDHS)
	want = []string{titleRelease2 + " (" + srcRelease2 + "; STATED)", titleFixture + " (" + srcBriefing + "; STATED)",
		"Senior Official (source:memo-2019; STATED)", "Official (source:digest-2024; INFERRED)"}
	if g := fieldValues(pos.Values(d), "properties.title"); !slices.Equal(g, want) || pos.Prop(kg.PropTitle) != titleRelease2 {
		t.Errorf("title values = %q (shown %q), want %q", g, pos.Prop(kg.PropTitle), want)
	}

	// Replacing what the second release said: its corrected bundle gives the fixture's name and no
	// description; the position, which it does not name, keeps the release's title.
	fixed := release2()
	fixed.Entities[0].Name, fixed.Entities[0].Description = first.Name, ""
	fixed.Entities[0].Citations = fixed.Entities[0].Citations[:1]
	fixed.Relations = fixed.Relations[1:]
	rep, err = s.Import(ctx, fixed, kg.ImportOptions{Replace: true})
	if err != nil || rep.ImportStats != (kg.ImportStats{Updated: 1, Unchanged: 2}) {
		t.Fatalf("Import(release 2 fixed, replace) = %+v, %v; want the person updated, the source and the attendance unchanged", rep, err)
	}
	es, _ = s.Entities(t.Context(), []string{pNunez})
	e = es[0]
	if e.Name != first.Name || e.Description != first.Description || len(e.Citations) != len(first.Citations)+1 {
		t.Errorf("after replacing release 2's say: %q, %q, %d citations; want the fixture's name and description, one citation of release 2",
			e.Name, e.Description, len(e.Citations))
	}
	if g := fieldValues(e.Values(d), kg.FieldName); len(g) != 1 {
		t.Errorf("name values after the replace = %q, want one (both sources agree)", g)
	}
	if pos = position(t, s, pNunez, oDHS); pos.Prop(kg.PropTitle) != titleRelease2 {
		t.Errorf("title after a replace that does not name the position = %q, want release 2's kept", pos.Prop(kg.PropTitle))
	}
	// The audit trail says it was a replace, and whose say it replaced: on the item and on the
	// import's own change.
	replaced := "replacing what " + srcRelease2 + " said"
	if cs := changesOf(t, s, pNunez); !strings.Contains(cs[0].Summary, replaced) {
		t.Errorf("newest change of %s = %q, want it to say %q", pNunez, cs[0].Summary, replaced)
	}
	if imp := newestImport(t, s); imp == nil || !strings.Contains(imp.Summary, replaced) {
		t.Errorf("the replacing import's change = %+v, want it to say %q", imp, replaced)
	}

	// The second release turns out to date from 2020: its title now ranks after the briefing's
	// (2023-02), on the position no write named; the audit trail says why.
	src := release2().Sources[0]
	src.Published = "2020"
	mustSource(t, s, &src)
	if pos = position(t, s, pNunez, oDHS); pos.Prop(kg.PropTitle) != titleFixture {
		t.Errorf("title after the second release was redated to 2020 = %q, want the briefing's %q", pos.Prop(kg.PropTitle), titleFixture)
	}
	if cs := changesOf(t, s, oDHS); !strings.Contains(cs[0].Summary, "re-ranked") {
		t.Errorf("newest change of %s = %+v, want the re-ranking", oDHS, cs[0])
	}
}

// newestImport returns the newest change of a whole import, or nil.
func newestImport(t *testing.T, s kg.Store) *kg.Change {
	t.Helper()
	for _, c := range changesOf(t, s, "") {
		if c.Action == kg.ActionImport && c.Entity == "" {
			return c
		}
	}
	return nil
}

// mergesIntoStored reports whether an id-less entity like e would merge into a stored entity (a
// dry run of its import creates nothing).
func mergesIntoStored(t *testing.T, s kg.Store, e kg.Entity) bool {
	t.Helper()
	rep, err := s.Import(asEditor(t.Context()), &kg.Bundle{Entities: []kg.Entity{e}}, kg.ImportOptions{DryRun: true})
	if err != nil {
		t.Fatalf("Import(%q, dry run) error = %v", e.Name, err)
	}
	return rep.Created == 0 && rep.Updated+rep.Unchanged == 1
}

func changesText(cs []*kg.Change) string {
	var b strings.Builder
	for _, c := range cs {
		fmt.Fprintf(&b, "%s %s: %s\n", c.Action, c.Entity, c.Summary)
	}
	return b.String()
}

func testCitationBasis(t *testing.T, s kg.Store) {
	ctx := t.Context()
	mustSource(t, s, noteSource())
	inferredDate := kg.Citation{Source: srcNote, Quote: "the 2023 security talks", Basis: kg.BasisInferred,
		Note: "the talks are dated by the note's year", Fields: []string{kg.PropertyField(kg.PropDate)}}
	curatedAlias := kg.Citation{Source: srcNote, Quote: "the 2023 security talks", Basis: kg.BasisCurated,
		Note: "Spanish name used by the SRE", Fields: []string{kg.AliasField("Diálogo de Seguridad 2023")}}
	meeting := &kg.Entity{ID: mTalks, Kind: kg.KindMeeting, Name: "2023 Security Talks", Aliases: []string{"Diálogo de Seguridad 2023"},
		Properties: map[string]any{kg.PropDate: "2023"}, Citations: []kg.Citation{note(quotePoyn)[0], inferredDate, curatedAlias}}
	got := mustEntity(t, s, meeting)
	if !kg.EqualCitations(got.Citations, meeting.Citations) {
		t.Errorf("UpsertEntity() citations = %+v, want %+v", got.Citations, meeting.Citations)
	}
	es, err := s.Entities(ctx, []string{mTalks})
	if err != nil || es[0] == nil {
		t.Fatalf("Entities(%s) = %v, %v", mTalks, es, err)
	}
	if !kg.EqualCitations(es[0].Citations, meeting.Citations) {
		t.Errorf("Entities(%s) citations = %+v, want %+v", mTalks, es[0].Citations, meeting.Citations)
	}
	for _, c := range es[0].Citations {
		if c.Basis == kg.BasisStated {
			t.Errorf("stored citation %+v spells STATED out; stores keep it as \"\"", c)
		}
	}

	inferredRole := kg.Citation{Source: srcNote, Quote: quotePoyn, Basis: kg.BasisInferred,
		Note: "a member of the delegation, not said to lead it", Fields: []string{kg.PropertyField(kg.PropRole)}}
	rel := &kg.Relation{Type: kg.RelAttended, From: pPoynter, To: mTalks, Properties: map[string]any{kg.PropRole: "MEMBER", kg.PropDelegation: "US"},
		Citations: []kg.Citation{note(quotePoyn)[0], inferredRole}}
	if r := mustRelation(t, s, rel); !kg.EqualCitations(r.Citations, rel.Citations) {
		t.Errorf("AddRelation() citations = %+v, want %+v", r.Citations, rel.Citations)
	}
	rels, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{mTalks}, Types: []string{kg.RelAttended}, Direction: kg.In, Limit: kg.NoLimit})
	if err != nil || len(rels[0]) != 1 || !kg.EqualCitations(rels[0][0].Citations, rel.Citations) {
		t.Errorf("Relations(%s) = %+v, %v; want the attendance with citations %+v", mTalks, rels, err, rel.Citations)
	}

	// STATED spelled out is the STATED a citation without a basis has: writing it changes nothing.
	before := dump(t, s)
	n := len(changesOf(t, s, ""))
	again := *meeting
	again.Citations = []kg.Citation{{Source: srcNote, Quote: quotePoyn, Basis: kg.BasisStated}, inferredDate, curatedAlias}
	mustEntity(t, s, &again)
	if after := dump(t, s); after != before {
		t.Errorf("rewriting with basis STATED spelled out changed the store:\n%s", lineDiff(after, before))
	}
	if m := len(changesOf(t, s, "")); m != n {
		t.Errorf("rewriting with basis STATED spelled out recorded %d changes, want none", m-n)
	}
}

func testWithdraw(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	ctx := asEditor(t.Context())
	// What the fixture holds once the second release's source is known, but nothing cites it.
	base := open(t, Fixture())
	mustSource(t, base, &release2().Sources[0])
	want := dump(t, base)

	s := open(t, Fixture())
	if _, err := s.Import(ctx, release2(), kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	// A rumour only the second release supports: a topic, a relation to it, and one between
	// entities the fixture holds.
	rumour := &kg.Bundle{
		Entities: []kg.Entity{{ID: "topic:border-policy", Kind: kg.KindTopic, Name: "Border policy",
			Citations: []kg.Citation{{Source: srcRelease2, Quote: "border policy"}}}},
		Relations: []kg.Relation{
			{Type: kg.RelAddresses, From: dHLED, To: "topic:border-policy", Citations: []kg.Citation{{Source: srcRelease2, Quote: "border policy"}}},
			{Type: kg.RelRepresentedAt, From: oDHS, To: m13th, Properties: props(kg.PropDelegation, "US"),
				Citations: []kg.Citation{{Source: srcRelease2, Quote: "He leads the department's border policy."}}},
		},
	}
	if _, err := s.Import(ctx, rumour, kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	n := len(changesOf(t, s, ""))

	// Refused, changing nothing.
	bad := []struct {
		name string
		w    kg.Withdrawal
		code string
	}{
		{"unknown source", kg.Withdrawal{Source: "source:nowhere", Reason: "x"}, kg.CodeNotFound},
		{"no reason", kg.Withdrawal{Source: srcRelease2, Reason: " "}, kg.CodeBadUserInput},
		{"an entity that does not cite it", kg.Withdrawal{Source: srcRelease2, Entities: []string{pPoynter}, Reason: "x"}, kg.CodeBadUserInput},
		{"a relation that is not there", kg.Withdrawal{Source: srcRelease2, Relations: []kg.RelationRef{{Type: kg.RelAttended, From: pPoynter, To: mHLED2021}}, Reason: "x"}, kg.CodeBadUserInput},
		{"not a source id", kg.Withdrawal{Source: "release 2", Reason: "x"}, kg.CodeBadUserInput},
	}
	for _, tc := range bad {
		if rep, err := s.WithdrawSource(ctx, tc.w); kg.ErrorCode(err) != tc.code {
			t.Errorf("WithdrawSource(%s) = %+v, %v; want a %s error", tc.name, rep, err, tc.code)
		}
	}

	// Only from Nuñez-Neto, dry run: counted, nothing written.
	rep, err := s.WithdrawSource(ctx, kg.Withdrawal{Source: srcRelease2, Entities: []string{pNunez}, Reason: "checking", DryRun: true})
	if err != nil || *rep != (kg.WithdrawReport{CitationsRemoved: 2, EntitiesUpdated: 1, DryRun: true}) {
		t.Errorf("WithdrawSource(%s, dry run) = %+v, %v; want 2 citations removed from 1 entity", pNunez, rep, err)
	}
	if d := dump(t, s); d != before {
		t.Errorf("refused and dry-run withdrawals changed the store:\n%s", lineDiff(d, before))
	}
	if m := len(changesOf(t, s, "")); m != n {
		t.Errorf("refused and dry-run withdrawals recorded %d changes", m-n)
	}

	// Only from one relation: the representation, which nothing else supports, goes; Nuñez-Neto
	// keeps what the release says of him.
	ref := kg.RelationRef{Type: kg.RelRepresentedAt, From: oDHS, To: m13th}
	rep, err = s.WithdrawSource(ctx, kg.Withdrawal{Source: srcRelease2, Relations: []kg.RelationRef{ref}, Reason: "not in the release"})
	if err != nil || *rep != (kg.WithdrawReport{CitationsRemoved: 1, RelationsDeleted: 1}) {
		t.Errorf("WithdrawSource(%s, one relation) = %+v, %v; want its citation removed and the relation deleted", srcRelease2, rep, err)
	}
	if rels, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{oDHS}, Types: []string{kg.RelRepresentedAt}, Direction: kg.Out, Limit: kg.NoLimit}); err != nil ||
		slices.ContainsFunc(rels[0], func(r *kg.Relation) bool { return r.To == m13th }) {
		t.Errorf("Relations(%s) after withdrawing the representation = %v, %v; want it gone", oDHS, rels, err)
	}
	if es, _ := s.Entities(t.Context(), []string{pNunez}); es[0] == nil || !slices.ContainsFunc(es[0].Citations, func(c kg.Citation) bool { return c.Source == srcRelease2 }) {
		t.Errorf("withdrawing from one relation took the release's citations of %s too: %+v", pNunez, es[0])
	}

	// Everything the second release said: its items go back to what the fixture says; what only
	// it supported goes, the topic with its relation.
	rep, err = s.WithdrawSource(ctx, kg.Withdrawal{Source: srcRelease2, Reason: "the release was retracted"})
	// Citations removed: Nuñez-Neto's 2, his position's and attendance's, and the topic's; the
	// topic's relation goes with it.
	wantRep := kg.WithdrawReport{CitationsRemoved: 5, EntitiesUpdated: 1, EntitiesDeleted: 1, RelationsUpdated: 2, RelationsDeleted: 1}
	if err != nil || *rep != wantRep {
		t.Errorf("WithdrawSource(%s) = %+v, %v; want %+v", srcRelease2, rep, err, wantRep)
	}
	if got := dump(t, s); got != want {
		t.Errorf("after withdrawing the second release, the store differs from the fixture:\n%s", lineDiff(got, want))
	}
	cs := changesOf(t, s, "topic:border-policy")
	if len(cs) == 0 || cs[0].Action != kg.ActionWithdraw || !strings.Contains(cs[0].Summary, "the release was retracted") {
		t.Errorf("changes of the deleted topic = %s, want the withdrawal with its reason first", changesText(cs))
	}
	all, _ := s.Changes(t.Context(), kg.ChangeQuery{Limit: kg.NoLimit})
	var whole *kg.Change // the newest withdrawal's own change
	for _, c := range all.Changes {
		if c.Action == kg.ActionWithdraw && c.Entity == "" {
			whole = c
			break
		}
	}
	if whole == nil || !strings.Contains(whole.Summary, "5 citation(s) removed") {
		t.Errorf("no change records the whole withdrawal: %s", changesText(all.Changes))
	}
	// Withdrawing it again finds nothing to do.
	if rep, err := s.WithdrawSource(ctx, kg.Withdrawal{Source: srcRelease2, Reason: "again"}); err != nil || *rep != (kg.WithdrawReport{}) {
		t.Errorf("WithdrawSource(again) = %+v, %v; want nothing done", rep, err)
	}
}

// testItemWritesAdd checks that UpsertEntity adds what a source says as an import does, by id and
// by name: the stored name, aliases and citations stay; an id-less entity never changes the name
// shown.
func testItemWritesAdd(t *testing.T, s kg.Store) {
	const src3 = "source:third-release"
	quoteOrtiz, quoteRamirez := "Ana Lucía Ortiz, known as Lucy Ortiz, chaired the session.", "Jose Ramirez opened it."
	mustSource(t, s, &kg.Source{ID: src3, Title: "Third release", Published: "2023-09", Text: quoteOrtiz + " " + quoteRamirez})
	stored, err := s.Entities(t.Context(), []string{pOrtiz, pRamirez})
	if err != nil || stored[0] == nil || stored[1] == nil {
		t.Fatalf("Entities(%s, %s) = %v, %v", pOrtiz, pRamirez, stored, err)
	}
	lost := func(before, after *kg.Entity) {
		t.Helper()
		for _, a := range before.Aliases {
			if !slices.Contains(after.Aliases, a) {
				t.Errorf("%s lost its alias %q: %q", after.ID, a, after.Aliases)
			}
		}
		for _, c := range before.Citations {
			if !slices.ContainsFunc(after.Citations, c.Equal) {
				t.Errorf("%s lost its citation %+v: %+v", after.ID, c, after.Citations)
			}
		}
	}

	// By id: a new alias and description join what the fixture says.
	got := mustEntity(t, s, &kg.Entity{ID: pOrtiz, Kind: kg.KindPerson, Name: stored[0].Name, Aliases: []string{"Lucy Ortiz"},
		Description: "Chaired the session.", Citations: []kg.Citation{{Source: src3, Quote: quoteOrtiz}}})
	lost(stored[0], got)
	if got.Name != stored[0].Name || !slices.Contains(got.Aliases, "Lucy Ortiz") || got.Description != "Chaired the session." ||
		len(got.Citations) != len(stored[0].Citations)+1 {
		t.Errorf("UpsertEntity(%s, third release) = %q, aliases %q, %q, %d citations; want the name kept, the alias and description added, one citation more",
			pOrtiz, got.Name, got.Aliases, got.Description, len(got.Citations))
	}

	// By name: "Jose Ramirez" is the stored person's alias once folded. It merges into him; the
	// name shown stays his.
	got = mustEntity(t, s, &kg.Entity{Kind: kg.KindPerson, Name: "Jose Ramirez", Citations: []kg.Citation{{Source: src3, Quote: quoteRamirez}}})
	if got.ID != pRamirez || got.Name != stored[1].Name {
		t.Errorf("UpsertEntity(id-less %q) = %s %q, want %s %q", "Jose Ramirez", got.ID, got.Name, pRamirez, stored[1].Name)
	}
	lost(stored[1], got)
	if n := len(got.Citations); n != len(stored[1].Citations)+1 {
		t.Errorf("UpsertEntity(id-less %q) citations = %d, want %d", "Jose Ramirez", n, len(stored[1].Citations)+1)
	}
	if es, _ := s.Entities(t.Context(), []string{"person:jose-ramirez"}); es[0] != nil && es[0].ID != pRamirez {
		t.Errorf("an id-less write created %s", es[0].ID)
	}
}
