package storetest

import (
	"slices"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

func cond(field string, op kg.Op, value any) *kg.Filter {
	return &kg.Filter{Conds: []kg.Cond{{Field: field, Op: op, Value: value}}}
}

func rel(dir kg.Direction, q kg.Quantifier, where *kg.Filter, types ...string) *kg.Filter {
	return &kg.Filter{Rels: []kg.RelCond{{Types: types, Direction: dir, Quantifier: q, Where: where}}}
}

func not(f *kg.Filter) *kg.Filter { return &kg.Filter{Not: f} }

func entityIDs(es []*kg.Entity) []string {
	out := make([]string, len(es))
	for i, e := range es {
		if e == nil {
			out[i] = "<nil>"
			continue
		}
		out[i] = e.ID
	}
	return out
}

var (
	allCountries = []string{cCanada, cMexico, cUS}
	allMeetings  = []string{m13th, m14th, mHLED2021, mHLED2022, mTrilateral}
)

func testListEntities(t *testing.T, s kg.Store) {
	t.Run("Filter", func(t *testing.T) { testFilters(t, s) })
	t.Run("Sort", func(t *testing.T) { testSort(t, s) })
	t.Run("Page", func(t *testing.T) { testPage(t, s) })
}

// testFilters checks which entities match; without Sort the page is in id order.
func testFilters(t *testing.T, s kg.Store) {
	mx := cond(kg.PropCode, kg.OpEq, "MX")
	tests := []struct {
		name  string
		kind  kg.Kind
		where *kg.Filter
		want  []string
	}{
		{"nil filter matches every entity of the kind", kg.KindCountry, nil, allCountries},
		{"zero filter matches every entity of the kind", kg.KindMeeting, &kg.Filter{}, allMeetings},
		{"EQ id", kg.KindPerson, cond("id", kg.OpEq, pPoynter), []string{pPoynter}},
		{"EQ name", kg.KindCountry, cond("name", kg.OpEq, "Mexico"), []string{cMexico}},
		{"EQ is case-sensitive", kg.KindCountry, cond("name", kg.OpEq, "mexico"), nil},
		{"EQ property", kg.KindCountry, mx, []string{cMexico}},
		{"EQ on an int64 property", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpEq, int64(14)), []string{m14th}},
		{"EQ on an int property with a Go int", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpEq, 14), []string{m14th}},
		{"EQ on a bool property", kg.KindInitiative, cond("active", kg.OpEq, true), []string{iBIMP}},
		{"IN strings", kg.KindCountry, cond(kg.PropCode, kg.OpIn, []any{"MX", "CA", "ZZ"}), []string{cCanada, cMexico}},
		{"IN ints", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpIn, []any{int64(1), int64(14)}), []string{m14th, mHLED2021}},
		{"IN empty list", kg.KindCountry, cond(kg.PropCode, kg.OpIn, []any{}), nil},
		{"CONTAINS", kg.KindInitiative, cond("name", kg.OpContains, "Migration"), []string{iPilot, iRMF}},
		{"CONTAINS is case-sensitive", kg.KindInitiative, cond("name", kg.OpContains, "migration"), nil},
		{"CONTAINS keeps accents", kg.KindOrganization, cond("name", kg.OpContains, "Economía"), []string{oSE}},
		{"CONTAINS does not fold accents", kg.KindOrganization, cond("name", kg.OpContains, "Economia"), nil},
		{"CONTAINS on description", kg.KindOrganization, cond("description", kg.OpContains, "ministry"), []string{oSRE}},
		{"STARTS_WITH", kg.KindOrganization, cond("name", kg.OpStartsWith, "Secretar"), []string{oSE, oSRE}},
		{"STARTS_WITH on id", kg.KindDialogue, cond("id", kg.OpStartsWith, "dialogue:t"), []string{dTrilateral, d21CB}},
		{"ENDS_WITH", kg.KindOrganization, cond("name", kg.OpEndsWith, "Affairs"), []string{oWHA}},
		{"LT on partial dates", kg.KindMeeting, cond(kg.PropDate, kg.OpLt, "2022"), []string{mHLED2021}},
		{"LTE on partial dates", kg.KindMeeting, cond(kg.PropDate, kg.OpLte, "2022"), []string{mHLED2021, mHLED2022}},
		{"GT on partial dates", kg.KindMeeting, cond(kg.PropDate, kg.OpGt, "2022"), []string{m13th, m14th}},
		{"GTE on full dates", kg.KindMeeting, cond(kg.PropDate, kg.OpGte, "2022-06-15"), []string{m13th, m14th}},
		{"GT on ints is numeric", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpGt, int64(2)), []string{m13th, m14th}},
		{"LTE on ints", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpLte, int64(2)), []string{mHLED2021, mHLED2022}},
		{"LT on ints with a Go int", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpLt, 13), []string{mHLED2021, mHLED2022}},
		{"GTE on strings is byte order", kg.KindCountry, cond("name", kg.OpGte, "Mexico"), []string{cMexico, cUS}},
		{"INCLUDES an alias", kg.KindOrganization, cond("aliases", kg.OpIncludes, "Secretaría de Relaciones Exteriores"), []string{oSRE}},
		{"INCLUDES is exact", kg.KindOrganization, cond("aliases", kg.OpIncludes, "secretaria de relaciones exteriores"), nil},
		{"INCLUDES on a list property", kg.KindDialogue, cond("working_languages", kg.OpIncludes, "Spanish"), []string{d21CB}},
		{"EXISTS true on a property", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpExists, true), []string{m13th, m14th, mHLED2021, mHLED2022}},
		{"EXISTS false on a property", kg.KindMeeting, cond(kg.PropDate, kg.OpExists, false), []string{mTrilateral}},
		{"EXISTS true on aliases", kg.KindPerson, cond("aliases", kg.OpExists, true), []string{pOrtiz, pRamirez}},
		{"EXISTS false on description", kg.KindPerson, cond("description", kg.OpExists, false),
			[]string{pOrtiz, pTremblay, pOkafor, pRamirez, pGarza, pPoynter}},
		{"missing field fails EQ", kg.KindCountry, cond("nonexistent", kg.OpEq, "x"), nil},
		{"missing field fails GT", kg.KindMeeting, cond("nonexistent", kg.OpGt, ""), nil},
		{"missing field passes EXISTS false", kg.KindCountry, cond("nonexistent", kg.OpExists, false), allCountries},
		{"int field never equals a string", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpEq, "14"), nil},
		{"string field never compares with an int", kg.KindMeeting, cond(kg.PropDate, kg.OpGt, int64(2000)), nil},
		{"string ops on an int field fail", kg.KindMeeting, cond(kg.PropOrdinal, kg.OpStartsWith, "1"), nil},
		{"conds all hold", kg.KindOrganization, &kg.Filter{Conds: []kg.Cond{
			{Field: kg.PropClassification, Op: kg.OpEq, Value: "MINISTRY"},
			{Field: "name", Op: kg.OpStartsWith, Value: "Department"}}}, []string{oDHS, oDOS}},
		{"Or", kg.KindCountry, &kg.Filter{Or: []*kg.Filter{mx, cond(kg.PropCode, kg.OpEq, "CA")}}, []string{cCanada, cMexico}},
		{"And", kg.KindMeeting, &kg.Filter{And: []*kg.Filter{cond(kg.PropDate, kg.OpGte, "2022"), cond(kg.PropOrdinal, kg.OpLt, int64(14))}},
			[]string{m13th, mHLED2022}},
		{"Not", kg.KindCountry, not(mx), []string{cCanada, cUS}},
		{"Not over a missing field matches (a failed cond is false, not null)", kg.KindMeeting,
			not(cond(kg.PropDate, kg.OpLt, "2022")), []string{m13th, m14th, mHLED2022, mTrilateral}},
		{"Not over a type mismatch matches", kg.KindMeeting, not(cond(kg.PropOrdinal, kg.OpEq, "14")), allMeetings},
		{"And of Or and Not", kg.KindOrganization, &kg.Filter{And: []*kg.Filter{
			cond(kg.PropClassification, kg.OpEq, "MINISTRY"),
			not(&kg.Filter{Or: []*kg.Filter{cond(kg.PropAcronym, kg.OpEq, "SRE"), cond(kg.PropAcronym, kg.OpEq, "DHS")}}),
		}}, []string{oDOS, oSE}},
		{"Or of And and Not", kg.KindMeeting, &kg.Filter{Or: []*kg.Filter{
			{And: []*kg.Filter{cond(kg.PropDate, kg.OpStartsWith, "2022"), cond(kg.PropOrdinal, kg.OpGt, int64(13))}},
			not(cond(kg.PropDate, kg.OpExists, true)),
		}}, []string{m14th, mTrilateral}},
		{"Conds, Or and Not together", kg.KindPerson, &kg.Filter{
			Conds: []kg.Cond{{Field: "name", Op: kg.OpContains, Value: "a"}},
			Or:    []*kg.Filter{cond("aliases", kg.OpExists, true), cond("description", kg.OpExists, true)},
			Not:   cond("id", kg.OpEq, pNunez),
		}, []string{pOrtiz, pRamirez}},

		{"SOME related entity matches", kg.KindMeeting, rel(kg.In, kg.Some, cond("id", kg.OpEq, pTremblay), kg.RelAttended),
			[]string{mTrilateral}},
		{"SOME with no Where: any relation", kg.KindPerson, rel(kg.Out, kg.Some, nil, kg.RelHoldsPosition),
			[]string{pOrtiz, pNunez, pTremblay, pOkafor, pRamirez, pGarza, pPoynter}},
		{"NONE with no Where: no relation", kg.KindPerson, rel(kg.Out, kg.None, nil, kg.RelHoldsPosition), []string{pSolberg}},
		{"NONE related entity matches", kg.KindPerson, rel(kg.Out, kg.None, cond(kg.PropDate, kg.OpGte, "2022"), kg.RelAttended),
			[]string{pTremblay, pSolberg}},
		{"ALL related entities match, true when there is none", kg.KindPerson,
			rel(kg.Out, kg.All, cond(kg.PropClassification, kg.OpEq, "MINISTRY"), kg.RelHoldsPosition),
			[]string{pOrtiz, pNunez, pOkafor, pSolberg, pGarza}},
		{"ALL with a nested SOME", kg.KindMeeting,
			rel(kg.In, kg.All, rel(kg.Out, kg.Some, nil, kg.RelHoldsPosition), kg.RelAttended),
			[]string{m13th, m14th, mHLED2021, mHLED2022}},
		{"several types", kg.KindMeeting, rel(kg.Out, kg.Some, nil, kg.RelAdopted, kg.RelAdvanced),
			[]string{m14th, mHLED2022, mTrilateral}},
		{"every type when Types is empty", kg.KindPlace, rel(kg.Out, kg.Some, cond(kg.PropCode, kg.OpEq, "CA")), []string{plOttawa}},
		{"direction IN", kg.KindOrganization, rel(kg.In, kg.Some, nil, kg.RelPartOf), []string{oDOS, oGovMX, oSRE}},
		{"direction OUT", kg.KindOrganization, rel(kg.Out, kg.Some, nil, kg.RelPartOf), []string{oWHA, oEmbassy, oSE, oSRE}},
		{"direction BOTH", kg.KindOrganization, rel(kg.Both, kg.Some, nil, kg.RelPartOf),
			[]string{oWHA, oDOS, oEmbassy, oGovMX, oSE, oSRE}},
		{"empty direction means BOTH", kg.KindOrganization, rel("", kg.Some, nil, kg.RelPartOf),
			[]string{oWHA, oDOS, oEmbassy, oGovMX, oSE, oSRE}},
		{"unknown type: SOME fails, ALL holds", kg.KindTopic, &kg.Filter{Or: []*kg.Filter{
			rel(kg.Both, kg.Some, nil, "KNOWS"), rel(kg.Both, kg.All, cond("id", kg.OpEq, "x"), "KNOWS")}},
			[]string{tBorderInfra, tMigration, tTrade}},
		{"nested: meetings attended by holders of positions at Mexican organizations", kg.KindMeeting,
			rel(kg.In, kg.Some, rel(kg.Out, kg.Some, rel(kg.Out, kg.Some, mx, kg.RelBelongsTo), kg.RelHoldsPosition), kg.RelAttended),
			[]string{m13th, m14th, mHLED2021, mHLED2022}},
		{"conds and rels together", kg.KindMeeting, &kg.Filter{
			Conds: []kg.Cond{{Field: kg.PropDate, Op: kg.OpGte, Value: "2022"}},
			Rels:  []kg.RelCond{{Types: []string{kg.RelAttended}, Direction: kg.In, Quantifier: kg.Some, Where: cond("id", kg.OpEq, pNunez)}},
		}, []string{m13th, m14th}},
		{"two rels must both hold", kg.KindInitiative, &kg.Filter{Rels: []kg.RelCond{
			{Types: []string{kg.RelAdopted}, Direction: kg.In, Quantifier: kg.Some},
			{Types: []string{kg.RelAddresses}, Direction: kg.Out, Quantifier: kg.Some, Where: cond("name", kg.OpEq, "Migration")},
		}}, []string{iRMF}},
		{"Not over a rel", kg.KindInitiative, not(rel(kg.Out, kg.Some, nil, kg.RelSupports)), []string{iPilot}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := kg.ListQuery{Kind: tc.kind, Where: tc.where, Limit: kg.NoLimit}
			page, err := s.ListEntities(t.Context(), q)
			if err != nil {
				t.Fatalf("ListEntities(%+v) error = %v", q, err)
			}
			if got := entityIDs(page.Entities); !slices.Equal(got, tc.want) {
				t.Errorf("ListEntities(%s where %s) = %q, want %q", tc.kind, tc.name, got, tc.want)
			}
			if page.Total != len(tc.want) {
				t.Errorf("ListEntities(%s where %s).Total = %d, want %d", tc.kind, tc.name, page.Total, len(tc.want))
			}
		})
	}
}

func testSort(t *testing.T, s kg.Store) {
	asc := func(f string) kg.SortField { return kg.SortField{Field: f} }
	desc := func(f string) kg.SortField { return kg.SortField{Field: f, Desc: true} }
	tests := []struct {
		name string
		kind kg.Kind
		sort []kg.SortField
		want []string
	}{
		{"no sort: by id", kg.KindMeeting, nil, allMeetings},
		{"name asc", kg.KindCountry, []kg.SortField{asc("name")}, []string{cCanada, cMexico, cUS}},
		{"name desc", kg.KindCountry, []kg.SortField{desc("name")}, []string{cUS, cMexico, cCanada}},
		{"name asc compares code points, not a collation", kg.KindOrganization, []kg.SortField{asc("name")},
			[]string{oWHA, oDHS, oDOS, oEmbassy, oGAC, oGovMX, oSRE, oSE}},
		{"partial dates asc, missing last", kg.KindMeeting, []kg.SortField{asc(kg.PropDate)},
			[]string{mHLED2021, mHLED2022, m13th, m14th, mTrilateral}},
		{"partial dates desc, missing first", kg.KindMeeting, []kg.SortField{desc(kg.PropDate)},
			[]string{mTrilateral, m14th, m13th, mHLED2022, mHLED2021}},
		{"ints asc are numeric, missing last", kg.KindMeeting, []kg.SortField{asc(kg.PropOrdinal)},
			[]string{mHLED2021, mHLED2022, m13th, m14th, mTrilateral}},
		{"ints desc, missing first", kg.KindMeeting, []kg.SortField{desc(kg.PropOrdinal)},
			[]string{mTrilateral, m14th, m13th, mHLED2022, mHLED2021}},
		{"two fields", kg.KindOrganization, []kg.SortField{asc(kg.PropClassification), desc("name")},
			[]string{oWHA, oEmbassy, oGovMX, oSE, oSRE, oDOS, oDHS, oGAC}},
		{"ties broken by id asc, also in desc order", kg.KindOrganization, []kg.SortField{desc(kg.PropClassification)},
			[]string{oGAC, oDHS, oDOS, oSE, oSRE, oGovMX, oEmbassy, oWHA}},
		{"field missing everywhere: by id", kg.KindCountry, []kg.SortField{desc("nonexistent")}, allCountries},
		{"description asc, missing last", kg.KindPerson, []kg.SortField{asc("description")},
			[]string{pSolberg, pNunez, pOrtiz, pTremblay, pOkafor, pRamirez, pGarza, pPoynter}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := kg.ListQuery{Kind: tc.kind, Sort: tc.sort, Limit: kg.NoLimit}
			page, err := s.ListEntities(t.Context(), q)
			if err != nil {
				t.Fatalf("ListEntities(%+v) error = %v", q, err)
			}
			if got := entityIDs(page.Entities); !slices.Equal(got, tc.want) {
				t.Errorf("ListEntities(%s sorted by %v) = %q, want %q", tc.kind, tc.sort, got, tc.want)
			}
		})
	}
}

func testPage(t *testing.T, s kg.Store) {
	byDate := []kg.SortField{{Field: kg.PropDate}}
	tests := []struct {
		name      string
		q         kg.ListQuery
		want      []string
		wantTotal int
	}{
		{"first page", kg.ListQuery{Kind: kg.KindMeeting, Sort: byDate, Limit: 2}, []string{mHLED2021, mHLED2022}, 5},
		{"middle page", kg.ListQuery{Kind: kg.KindMeeting, Sort: byDate, Offset: 2, Limit: 2}, []string{m13th, m14th}, 5},
		{"last, short page", kg.ListQuery{Kind: kg.KindMeeting, Sort: byDate, Offset: 4, Limit: 2}, []string{mTrilateral}, 5},
		{"past the end", kg.ListQuery{Kind: kg.KindMeeting, Sort: byDate, Offset: 10, Limit: 2}, nil, 5},
		{"limit 0 means all", kg.ListQuery{Kind: kg.KindMeeting, Sort: byDate, Limit: kg.NoLimit}, []string{mHLED2021, mHLED2022, m13th, m14th, mTrilateral}, 5},
		{"negative limit means all", kg.ListQuery{Kind: kg.KindMeeting, Limit: -1}, allMeetings, 5},
		{"offset without limit", kg.ListQuery{Kind: kg.KindMeeting, Offset: 3, Limit: kg.NoLimit}, []string{mHLED2022, mTrilateral}, 5},
		{"total counts matches, not the page", kg.ListQuery{Kind: kg.KindMeeting, Where: cond(kg.PropOrdinal, kg.OpExists, true), Limit: 1},
			[]string{m13th}, 4},
		{"kind with many entities", kg.ListQuery{Kind: kg.KindPerson, Sort: []kg.SortField{{Field: "name"}}, Offset: 5, Limit: 2},
			[]string{pRamirez, pGarza}, 8},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.ListEntities(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("ListEntities(%+v) error = %v", tc.q, err)
			}
			if got := entityIDs(page.Entities); !slices.Equal(got, tc.want) {
				t.Errorf("ListEntities(%+v) = %q, want %q", tc.q, got, tc.want)
			}
			if page.Total != tc.wantTotal {
				t.Errorf("ListEntities(%+v).Total = %d, want %d", tc.q, page.Total, tc.wantTotal)
			}
		})
	}
}

func testListSources(t *testing.T, s kg.Store) {
	tests := []struct {
		name      string
		q         kg.ListQuery
		want      []string
		wantTotal int
	}{
		{"all, by id", kg.ListQuery{Limit: kg.NoLimit}, []string{srcBriefing, srcJoint, srcPress}, 3},
		{"title CONTAINS", kg.ListQuery{Where: cond("title", kg.OpContains, "14th"), Limit: kg.NoLimit}, []string{srcJoint}, 1},
		{"publisher EXISTS false", kg.ListQuery{Where: cond("publisher", kg.OpExists, false), Limit: kg.NoLimit}, []string{srcPress}, 1},
		{"published GTE a partial date", kg.ListQuery{Where: cond("published", kg.OpGte, "2022-06"), Limit: kg.NoLimit}, []string{srcBriefing, srcJoint}, 2},
		{"sorted by published desc", kg.ListQuery{Sort: []kg.SortField{{Field: "published", Desc: true}}, Limit: kg.NoLimit}, []string{srcBriefing, srcJoint, srcPress}, 3},
		{"sorted by published asc", kg.ListQuery{Sort: []kg.SortField{{Field: "published"}}, Limit: kg.NoLimit}, []string{srcPress, srcJoint, srcBriefing}, 3},
		{"page", kg.ListQuery{Offset: 1, Limit: 1}, []string{srcJoint}, 3},
		{"filtered page", kg.ListQuery{Where: cond("title", kg.OpContains, "e"), Sort: []kg.SortField{{Field: "title"}}, Offset: 1, Limit: 5},
			[]string{srcJoint, srcPress}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := s.ListSources(t.Context(), tc.q)
			if err != nil {
				t.Fatalf("ListSources(%+v) error = %v", tc.q, err)
			}
			got := make([]string, len(page.Sources))
			for i, src := range page.Sources {
				got[i] = src.ID
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ListSources(%+v) = %q, want %q", tc.q, got, tc.want)
			}
			if page.Total != tc.wantTotal {
				t.Errorf("ListSources(%+v).Total = %d, want %d", tc.q, page.Total, tc.wantTotal)
			}
		})
	}
}
