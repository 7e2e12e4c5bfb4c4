package storetest

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// The merge suite's source: a second document that names people and organizations of the fixture
// otherwise than the fixture does.
const (
	srcLater  = "source:later-readout"
	laterText = "R. A. Poynter, Special Coordinator at the Department of State, led the U.S. delegation to the 13th plenary. " +
		"R. A. Poynter also attended the 14th plenary. " +
		"The SRE's North America Unit is part of the Secretariat of Foreign Relations. " +
		"The North America Unit of the Foreign Ministry sent a delegation to the 14th plenary."
	pDup      = "person:r-a-poynter"
	oUnit     = "organization:north-america-unit"
	oUnitDup  = "organization:foreign-ministry-north-america-unit"
	quoteLed  = "R. A. Poynter, Special Coordinator at the Department of State, led the U.S. delegation to the 13th plenary."
	quoteAlso = "R. A. Poynter also attended the 14th plenary."
	quoteUnit = "The SRE's North America Unit is part of the Secretariat of Foreign Relations."
	quoteSent = "The North America Unit of the Foreign Ministry sent a delegation to the 14th plenary."
)

func laterBundle() *kg.Bundle {
	cite := func(q string) []kg.Citation { return []kg.Citation{{Source: srcLater, Quote: q}} }
	return &kg.Bundle{
		Sources: []kg.Source{{ID: srcLater, Title: "Readout of the plenaries", Published: "2023-01", Text: laterText}},
		Entities: []kg.Entity{
			{ID: pDup, Kind: kg.KindPerson, Name: "R. A. Poynter", Properties: map[string]any{"born": "1975"}, Citations: cite(quoteLed)},
			{ID: oUnit, Kind: kg.KindOrganization, Name: "North America Unit", Citations: cite(quoteUnit)},
			{ID: oUnitDup, Kind: kg.KindOrganization, Name: "North America Unit of the Foreign Ministry", Citations: cite(quoteSent)},
		},
		Relations: []kg.Relation{
			{Type: kg.RelAttended, From: pDup, To: m13th, Properties: map[string]any{"role": "LEAD", "delegation": "US"}, Citations: cite(quoteLed)},
			// The survivor has this relation already: the two join.
			{Type: kg.RelAttended, From: pDup, To: m14th, Properties: map[string]any{"role": "MEMBER"}, Citations: cite(quoteAlso)},
			{Type: kg.RelHoldsPosition, From: pDup, To: oDOS, Properties: map[string]any{"title": "Special Coordinator"}, Citations: cite(quoteLed)},
			{Type: kg.RelPartOf, From: oUnit, To: oSRE, Citations: cite(quoteUnit)},
			// Between the two that merge: it would join the survivor to itself.
			{Type: kg.RelPartOf, From: oUnitDup, To: oUnit, Citations: cite(quoteSent)},
			{Type: kg.RelRepresentedAt, From: oUnitDup, To: m14th, Properties: map[string]any{"delegation": "MX"}, Citations: cite(quoteSent)},
		},
	}
}

// testMerge checks MergeEntities: what the survivor takes over, that merged ids keep resolving
// (reads and later bundles), the audit record, refusals that change nothing, and chains of merges.
func testMerge(t *testing.T, s kg.Store) {
	ctx := asEditor(t.Context())
	if _, err := s.Import(ctx, laterBundle(), kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(later readout) error = %v", err)
	}
	before := mustDump(t, s)

	// Refusals change nothing.
	for _, tc := range []struct {
		name string
		m    kg.MergeRequest
		code string
	}{
		{"unknown survivor", kg.MergeRequest{Into: "person:nobody", From: []string{pDup}, Reason: "same person"}, kg.CodeNotFound},
		{"unknown merged entity", kg.MergeRequest{Into: pPoynter, From: []string{pDup, "person:nobody"}, Reason: "same person"}, kg.CodeNotFound},
		{"another kind", kg.MergeRequest{Into: pPoynter, From: []string{oUnit}, Reason: "same"}, kg.CodeBadUserInput},
		{"into itself", kg.MergeRequest{Into: pPoynter, From: []string{pPoynter}, Reason: "same"}, kg.CodeBadUserInput},
		{"nothing to merge", kg.MergeRequest{Into: pPoynter, Reason: "same"}, kg.CodeBadUserInput},
		{"no reason", kg.MergeRequest{Into: pPoynter, From: []string{pDup}, Reason: " "}, kg.CodeBadUserInput},
	} {
		if _, err := s.MergeEntities(ctx, tc.m); kg.ErrorCode(err) != tc.code {
			t.Errorf("MergeEntities(%s) error = %v, want %s", tc.name, err, tc.code)
		}
	}
	if got := mustDump(t, s); got != before {
		t.Fatalf("refused merges changed the store:\n%s", lineDiff(got, before))
	}

	// A person: names, citations, values and relations move onto the survivor.
	rep, err := s.MergeEntities(ctx, kg.MergeRequest{Into: pPoynter, From: []string{pDup}, Reason: "the readout's initials are Rachel Poynter's"})
	if err != nil {
		t.Fatalf("MergeEntities(%s into %s) error = %v", pDup, pPoynter, err)
	}
	if rep.Into == nil || rep.Into.ID != pPoynter || !slices.Equal(rep.Merged, []string{pDup}) || rep.Moved != 3 || rep.Dropped != 0 || rep.Redirects != 1 {
		t.Errorf("MergeEntities report = %+v, want the survivor, 3 moved, none dropped, 1 redirect", rep)
	}
	es, err := s.Entities(t.Context(), []string{pPoynter, pDup})
	if err != nil {
		t.Fatal(err)
	}
	survivor := es[0]
	if survivor == nil || survivor.Name != "Rachel Poynter" || !slices.Contains(survivor.Aliases, "R. A. Poynter") ||
		!kg.Cites(survivor.Citations, srcLater) || survivor.Properties["born"] != "1975" {
		t.Errorf("the survivor = %+v, want its name, the merged name as an alias, the readout's citation and born", survivor)
	}
	if es[1] == nil || es[1].ID != pPoynter {
		t.Errorf("Entities(%s) after the merge = %+v, want the survivor %s", pDup, es[1], pPoynter)
	}
	x, err := s.Expand(t.Context(), kg.ExpandQuery{IDs: []string{pDup}, WithEntities: true,
		Selects: []kg.RelationSelect{{Types: []string{kg.RelAttended}, Direction: kg.Out, Limit: kg.NoLimit}}})
	if err != nil {
		t.Fatal(err)
	}
	if x.Entities[0] == nil || x.Entities[0].ID != pPoynter || len(x.Relations[0][0]) != 2 {
		t.Errorf("Expand(%s, WithEntities) = %+v, %d attendances; want the survivor and its two", pDup, x.Entities[0], len(x.Relations[0][0]))
	}
	rels := mustRelations(t, s, pPoynter)
	byKey := map[string]*kg.Relation{}
	for _, r := range rels {
		byKey[rk(r.Type, r.From, r.To)] = r
	}
	if r := byKey[rk(kg.RelAttended, pPoynter, m13th)]; r == nil || !kg.Cites(r.Citations, srcLater) {
		t.Errorf("the survivor's relations = %q, want the merged ATTENDED %s moved", relKeys(rels), m13th)
	}
	if r := byKey[rk(kg.RelAttended, pPoynter, m14th)]; r == nil || !kg.Cites(r.Citations, srcLater) || !kg.Cites(r.Citations, srcJoint) {
		t.Errorf("ATTENDED %s after the merge = %+v, want both documents' citations", m14th, r)
	}
	if r := byKey[rk(kg.RelHoldsPosition, pPoynter, oDOS)]; r == nil || r.Prop(kg.PropTitle) != "Special Coordinator" {
		t.Errorf("the survivor's relations = %q, want the merged position", relKeys(rels))
	}
	if ids := searchIDs(t, s, "special coordinator"); len(ids) == 0 || ids[0] != pPoynter {
		t.Errorf("Search(special coordinator) = %q, want %s first: the moved position's title", ids, pPoynter)
	}
	if ids := searchIDs(t, s, "R. A. Poynter"); len(ids) == 0 || ids[0] != pPoynter || slices.Contains(ids, pDup) {
		t.Errorf("Search(R. A. Poynter) = %q, want %s first and no %s", ids, pPoynter, pDup)
	}
	page, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: kg.KindPerson, Where: &kg.Filter{Conds: []kg.Cond{{Field: "id", Op: kg.OpEq, Value: pDup}}}, Limit: kg.NoLimit})
	if err != nil || len(page.Entities) != 0 {
		t.Errorf("ListEntities(id %s) = %v, %v; want none: it is merged", pDup, page, err)
	}

	// The audit record: found from either id, enough to undo the merge.
	for _, id := range []string{pPoynter, pDup} {
		cs, err := s.Changes(t.Context(), kg.ChangeQuery{Entity: id, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(cs.Changes) != 1 || cs.Changes[0].Action != kg.ActionMergeEntities || cs.Changes[0].Entity != pPoynter || cs.Changes[0].Other != pDup {
			t.Fatalf("Changes(%s) newest = %+v, want the merge", id, cs.Changes)
		}
		var rec kg.MergeRecord
		if err := json.Unmarshal([]byte(cs.Changes[0].Detail), &rec); err != nil {
			t.Fatalf("the merge's detail is not a MergeRecord: %v", err)
		}
		if rec.Into == nil || rec.Into.ID != pPoynter || slices.Contains(rec.Into.Aliases, "R. A. Poynter") || len(rec.From) != 1 ||
			rec.From[0].ID != pDup || rec.From[0].Name != "R. A. Poynter" || rec.Reason == "" {
			t.Errorf("the merge record = %+v, want the survivor and the merged entity as they were, and the reason", rec)
		}
		var recorded []string
		for _, r := range rec.Relations {
			recorded = append(recorded, rk(r.Type, r.From, r.To))
		}
		for _, want := range []string{rk(kg.RelAttended, pDup, m13th), rk(kg.RelAttended, pDup, m14th), rk(kg.RelAttended, pPoynter, m14th)} {
			if !slices.Contains(recorded, want) {
				t.Errorf("the merge record's relations = %q, want %s as it was", recorded, want)
			}
		}
	}

	// Later bundles: a merged id resolves to the survivor, as a relation end and by name.
	later := &kg.Bundle{
		Entities: []kg.Entity{{Kind: kg.KindPerson, Name: "R. A. Poynter", Citations: []kg.Citation{{Source: srcLater, Quote: quoteAlso}}}},
		Relations: []kg.Relation{{Type: kg.RelAttended, From: pDup, To: mHLED2022, Properties: map[string]any{"role": "PARTICIPANT"},
			Citations: []kg.Citation{{Source: srcLater, Quote: quoteAlso}}}},
	}
	if _, err := s.Import(ctx, later, kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(a bundle naming %s) error = %v", pDup, err)
	}
	if es, _ := s.Entities(t.Context(), []string{pDup}); es[0] == nil || es[0].ID != pPoynter {
		t.Errorf("after a bundle named it, %s = %+v, want it still merged into %s", pDup, es[0], pPoynter)
	}
	rels = mustRelations(t, s, pPoynter)
	if !slices.Contains(relKeys(rels), rk(kg.RelAttended, pPoynter, mHLED2022)) {
		t.Errorf("the survivor's relations = %q, want the later bundle's ATTENDED %s on it", relKeys(rels), mHLED2022)
	}

	// Organizations: a relation between the two is dropped (kept in the record), the others move,
	// and a chain of merges resolves the first id to the last survivor.
	rep, err = s.MergeEntities(ctx, kg.MergeRequest{Into: oUnit, From: []string{oUnitDup}, Reason: "one unit"})
	if err != nil {
		t.Fatalf("MergeEntities(%s into %s) error = %v", oUnitDup, oUnit, err)
	}
	if rep.Dropped != 1 || rep.Moved != 1 {
		t.Errorf("MergeEntities(units) report = %+v, want 1 moved and 1 dropped", rep)
	}
	if keys := relKeys(mustRelations(t, s, oUnit)); !slices.Equal(keys, []string{rk(kg.RelPartOf, oUnit, oSRE), rk(kg.RelRepresentedAt, oUnit, m14th)}) {
		t.Errorf("the unit's relations = %q, want its PART_OF the SRE and the moved REPRESENTED_AT", keys)
	}
	if _, err := s.MergeEntities(ctx, kg.MergeRequest{Into: oSRE, From: []string{oUnit}, Reason: "the unit is the ministry itself here"}); err != nil {
		t.Fatalf("MergeEntities(%s into %s) error = %v", oUnit, oSRE, err)
	}
	es, err = s.Entities(t.Context(), []string{oUnitDup, oUnit})
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{oUnitDup, oUnit} {
		if es[i] == nil || es[i].ID != oSRE {
			t.Errorf("Entities(%s) after two merges = %+v, want %s", id, es[i], oSRE)
		}
	}
}

func mustDump(t *testing.T, s kg.Store) string {
	t.Helper()
	d, err := Dump(t.Context(), s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func mustRelations(t *testing.T, s kg.Store, id string) []*kg.Relation {
	t.Helper()
	rs, err := s.Relations(t.Context(), kg.RelationQuery{IDs: []string{id}, Limit: kg.NoLimit})
	if err != nil {
		t.Fatal(err)
	}
	return rs[0]
}

// testUndoMerge checks UndoMerge: undone merges leave the graph exactly as before them (redirects
// included, also the ones a later merge moved), an undo is refused once the survivor was written to
// since, and requests that name no merge change nothing.
func testUndoMerge(t *testing.T, s kg.Store) {
	ctx := asEditor(t.Context())
	if _, err := s.Import(ctx, laterBundle(), kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(later readout) error = %v", err)
	}
	before := mustDump(t, s)
	mergeChange := func(id string) string {
		t.Helper()
		p, err := s.Changes(t.Context(), kg.ChangeQuery{Entity: id, Limit: 1})
		if err != nil || len(p.Changes) != 1 {
			t.Fatalf("Changes(%s) = %v, %v", id, p, err)
		}
		return p.Changes[0].ID()
	}
	merge := func(into, from string) string {
		t.Helper()
		if _, err := s.MergeEntities(ctx, kg.MergeRequest{Into: into, From: []string{from}, Reason: "test"}); err != nil {
			t.Fatalf("MergeEntities(%s into %s) error = %v", from, into, err)
		}
		return mergeChange(from)
	}
	undo := func(change string) *kg.UndoReport {
		t.Helper()
		rep, err := s.UndoMerge(ctx, kg.UndoMergeRequest{Change: change, Reason: "merged by mistake"})
		if err != nil {
			t.Fatalf("UndoMerge(%s) error = %v", change, err)
		}
		return rep
	}

	// A person: back as it was, by id and by name.
	c := merge(pPoynter, pDup)
	rep := undo(c)
	if rep.Into == nil || rep.Into.ID != pPoynter || !slices.Equal(rep.Restored, []string{pDup}) || rep.Removed != 2 || rep.Written != 4 {
		t.Errorf("UndoMerge report = %+v, want Poynter, %s restored, 2 moved relations removed, 4 written back", rep, pDup)
	}
	if got := mustDump(t, s); got != before {
		t.Fatalf("the graph after merge and undo differs from before:\n%s", lineDiff(got, before))
	}
	if es, _ := s.Entities(t.Context(), []string{pDup}); es[0] == nil || es[0].ID != pDup {
		t.Errorf("Entities(%s) after the undo = %+v, want itself", pDup, es[0])
	}
	if ids := searchIDs(t, s, "R. A. Poynter"); len(ids) == 0 || ids[0] != pDup {
		t.Errorf("Search(R. A. Poynter) after the undo = %q, want %s first", ids, pDup)
	}
	if cs, _ := s.Changes(t.Context(), kg.ChangeQuery{Entity: pDup, Limit: 1}); len(cs.Changes) != 1 || cs.Changes[0].Action != kg.ActionUndoMerge {
		t.Errorf("Changes(%s) newest after the undo = %+v, want the undo", pDup, cs.Changes)
	}

	// Refused: the survivor written to since; an undo already done; no merge.
	c = merge(pPoynter, pDup)
	mustRelation(t, s, &kg.Relation{Type: kg.RelAttended, From: pPoynter, To: mHLED2022, Properties: map[string]any{"role": "PARTICIPANT"},
		Citations: []kg.Citation{{Source: srcLater, Quote: quoteAlso}}})
	held := mustDump(t, s)
	for _, tc := range []struct {
		change, code string
	}{
		{c, kg.CodeConflict},
		{"change:999999", kg.CodeNotFound},
		{"merge 3", kg.CodeBadUserInput},
	} {
		if _, err := s.UndoMerge(ctx, kg.UndoMergeRequest{Change: tc.change, Reason: "x"}); kg.ErrorCode(err) != tc.code {
			t.Errorf("UndoMerge(%s) error = %v, want %s", tc.change, err, tc.code)
		}
	}
	cs, err := s.Changes(t.Context(), kg.ChangeQuery{Entity: pPoynter, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UndoMerge(ctx, kg.UndoMergeRequest{Change: cs.Changes[0].ID(), Reason: "x"}); kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("UndoMerge(%s, an ADD_RELATION) error = %v, want %s", cs.Changes[0].ID(), err, kg.CodeBadUserInput)
	}
	if got := mustDump(t, s); got != held {
		t.Fatalf("refused undos changed the graph:\n%s", lineDiff(got, held))
	}

	// A chain undone from the last: the redirect the second merge moved goes back to the first
	// survivor; undoing the first leaves both units as they were.
	unitsBefore := relKeys(mustRelations(t, s, oUnit))
	first := merge(oUnit, oUnitDup)
	second := merge(oSRE, oUnit)
	undo(second)
	es, err := s.Entities(t.Context(), []string{oUnitDup, oUnit})
	if err != nil {
		t.Fatal(err)
	}
	if es[0] == nil || es[0].ID != oUnit || es[1] == nil || es[1].ID != oUnit {
		t.Errorf("after undoing the second merge, Entities(%s, %s) = %+v, %+v; want %s for both", oUnitDup, oUnit, es[0], es[1], oUnit)
	}
	undo(first)
	if es, _ := s.Entities(t.Context(), []string{oUnitDup}); es[0] == nil || es[0].ID != oUnitDup {
		t.Errorf("after undoing both merges, Entities(%s) = %+v, want itself", oUnitDup, es[0])
	}
	if got := relKeys(mustRelations(t, s, oUnit)); !slices.Equal(got, unitsBefore) {
		t.Errorf("the unit's relations after both undos = %q, want %q", got, unitsBefore)
	}

	// A survivor whose sources disagree: the merge ranks the merged entity's values in among its
	// claims; the undo gives back its claims, and those of its relations, as they were.
	if _, err := s.Import(ctx, release2(), kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(release 2) error = %v", err)
	}
	const nunezDup = "person:b-nunez"
	cite := []kg.Citation{{Source: srcRelease2, Quote: quoteRelease2}}
	if _, err := s.Import(ctx, &kg.Bundle{
		Entities: []kg.Entity{{ID: nunezDup, Kind: kg.KindPerson, Name: "B. Nunez", Citations: cite}},
		Relations: []kg.Relation{
			{Type: kg.RelAttended, From: nunezDup, To: m14th, Properties: props(kg.PropRole, "MEMBER", kg.PropDelegation, "US"), Citations: cite},
			{Type: kg.RelHoldsPosition, From: nunezDup, To: oDHS, Properties: props(kg.PropTitle, "Assistant Secretary"), Citations: cite},
		},
	}, kg.ImportOptions{}); err != nil {
		t.Fatalf("Import(%s) error = %v", nunezDup, err)
	}
	claimed := func() ([]kg.Claim, []kg.Claim) {
		t.Helper()
		es, err := s.Entities(t.Context(), []string{pNunez})
		if err != nil || es[0] == nil {
			t.Fatalf("Entities(%s) = %v, %v", pNunez, es, err)
		}
		return es[0].Claims, position(t, s, pNunez, oDHS).Claims
	}
	if e, r := claimed(); len(e) == 0 || len(r) == 0 {
		t.Fatalf("after release 2, %s has claims %v and its position %v: the case needs both", pNunez, e, r)
	}
	held = mustDump(t, s)
	c = merge(pNunez, nunezDup)
	if got := mustDump(t, s); got == held {
		t.Fatalf("merging %s into %s changed nothing", nunezDup, pNunez)
	}
	undo(c)
	if got := mustDump(t, s); got != held {
		t.Fatalf("the claims after merge and undo differ from before:\n%s", lineDiff(got, held))
	}
}
