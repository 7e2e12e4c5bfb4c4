package storetest

import (
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// testProvenance checks the provenance model (docs/provenance.md) on a store opened with the
// fixture: citations keep their basis, note and fields through every write and read.
func testProvenance(t *testing.T, open func(t *testing.T, b *kg.Bundle) kg.Store) {
	t.Run("citations keep their basis, note and fields", func(t *testing.T) { testCitationBasis(t, open(t, Fixture())) })
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
	rels, err := s.Relations(ctx, kg.RelationQuery{IDs: []string{mTalks}, Types: []string{kg.RelAttended}, Direction: kg.In})
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
