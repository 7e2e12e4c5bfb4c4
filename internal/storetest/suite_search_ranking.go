package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
)

// referenceSearch answers q by brute force: it ranks every entity of b with the kg search
// ranking (with the titles of its positions among b's relations), sorts the hits with
// kg.CompareSearchHits and keeps the first q.Limit. Every store must give exactly this answer:
// the same entities, in the same order, with the same scores.
func referenceSearch(b *kg.Bundle, q kg.SearchQuery) []kg.SearchHit {
	p := kg.PlanSearch(q.Text)
	rels := map[string][]*kg.Relation{}
	for i := range b.Relations {
		r := &b.Relations[i]
		rels[r.From] = append(rels[r.From], r)
	}
	var hits []kg.SearchHit
	for i := range b.Entities {
		e := &b.Entities[i]
		if len(q.Kinds) > 0 && !slices.Contains(q.Kinds, e.Kind) {
			continue
		}
		if r, ok := p.Rank(kg.NewSearchDoc(e, kg.PositionTitles(e.ID, rels[e.ID]))); ok {
			hits = append(hits, kg.SearchHit{Entity: e, Score: p.Score(r)})
		}
	}
	slices.SortFunc(hits, kg.CompareSearchHits)
	if q.Limit >= 0 && len(hits) > q.Limit {
		hits = hits[:q.Limit]
	}
	return hits
}

// rankingQueries are the searches testSearchRanking runs on every graph: exact names, aliases and
// acronyms, prefixes as typed, typos, accents, several words, short and numeric tokens, kinds
// filters and pages of several sizes. Some only find something in the built-in data set, others
// only in a graphgen.Generate graph; on either they must give the reference's answer, empty or not.
var rankingQueries = []kg.SearchQuery{
	{Text: "nunez neto", Limit: 10},
	{Text: "NUÑEZ-NETO", Limit: 10},
	{Text: "Blas Nuñez-Neto", Limit: 3},
	{Text: "Poyntr", Limit: 10},
	{Text: "Poytner", Limit: 10},
	{Text: "rachel", Limit: 10},
	{Text: "pablo flores", Limit: 1}, // a name two generated people share
	{Text: "Pablo Flores", Limit: 3},
	{Text: "Secretriat of Ecnomy", Limit: 10},
	{Text: "SRE", Limit: 10},
	{Text: "sre", Kinds: []kg.Kind{kg.KindOrganization}, Limit: 3},
	{Text: "State Department", Limit: 10},
	{Text: "secretaria de relaciones exteriores", Limit: 10},
	{Text: "secretar", Limit: 10},
	{Text: "Migration", Limit: 10},
	{Text: "Migraton", Limit: 10},
	{Text: "migration", Kinds: []kg.Kind{kg.KindInitiative, kg.KindMeeting}, Limit: 10},
	{Text: "border infrastructure", Limit: 10},
	{Text: "Infrastrcuture", Limit: 10},
	{Text: "Infrastrcutre Master Plan", Limit: 5},
	{Text: "méxico", Limit: 10},
	{Text: "Mexico City", Limit: 10},
	{Text: "mexico", Kinds: []kg.Kind{kg.KindCountry, kg.KindPlace}, Limit: 10},
	{Text: "U.S.-Mexico", Limit: 10},
	{Text: "21CB", Limit: 10},
	{Text: "21cb 14th", Limit: 10},
	{Text: "14", Limit: 10},
	{Text: "2022", Limit: 10},
	{Text: "trilateral migration dialog", Limit: 10},
	{Text: "department of homeland security", Limit: 10},
	{Text: "homeland", Limit: 10},
	{Text: "border security operations", Limit: 5},
	{Text: "Joint Border Security Operations", Limit: 10},
	{Text: "washington d c", Limit: 10},
	{Text: "ottawa", Limit: 10},
	{Text: "trade", Limit: 10},
	{Text: "trade", Kinds: []kg.Kind{kg.KindTopic}, Limit: 10},
	{Text: "trade agenda", Limit: 10},
	{Text: "García", Limit: 10},
	{Text: "garcia", Kinds: []kg.Kind{kg.KindPerson}, Limit: 100},
	{Text: "A. García", Limit: 10},
	{Text: "maria gar", Limit: 10},
	{Text: "maria gar", Limit: 1},
	{Text: "Telecomunications Partnership", Limit: 10},
	{Text: "Secretariat of Migration", Limit: 10},
	{Text: "secretariat of", Limit: 25},
	{Text: "north trade dialogue", Limit: 10},
	{Text: "NTD", Limit: 10},
	{Text: "pacific", Limit: 100},
	{Text: "security operations", Limit: 10},
	{Text: "meeting 12", Limit: 10},
	{Text: "ministry of labor", Limit: 10},
	{Text: "de", Limit: 10},
	{Text: "s", Limit: 10},
	{Text: "a", Limit: 100},
	{Text: "zzyzx", Limit: 10},
	{Text: "office", Limit: kg.NoLimit},
	{Text: "office", Limit: 0},
	{Text: "ambassador", Limit: 10},
	{Text: "president", Limit: 10},
	{Text: "deputy assistant secretary", Limit: 10},
	{Text: "Acting Deputy Commissioner", Limit: 10},
	{Text: "", Limit: 10},
	{Text: " - ( ) : ", Limit: 10},
	{Text: "migration", Kinds: []kg.Kind{"Entity) DETACH DELETE n //"}, Limit: 10},
}

// derivedQueries returns searches made from entities of b, spread over it, so that a generated
// graph is searched for what it holds: a whole name, the start of a name as typed, and a name's
// first word with two runes swapped.
func derivedQueries(b *kg.Bundle) []kg.SearchQuery {
	var out []kg.SearchQuery
	for i := 0; i < len(b.Entities); i += max(len(b.Entities)/4, 1) {
		name := b.Entities[i].Name
		rs := []rune(name)
		out = append(out, kg.SearchQuery{Text: name, Limit: 10}, kg.SearchQuery{Text: string(rs[:min(len(rs), 4)]), Limit: 10})
		if w := []rune(kg.SearchTokens(name)[0]); len(w) >= 4 {
			w[1], w[2] = w[2], w[1]
			out = append(out, kg.SearchQuery{Text: string(w), Limit: 10})
		}
	}
	return out
}

// testSearchRanking runs rankingQueries and queries derived from b on s, which holds exactly b,
// and checks each answer against the brute-force reference: ids, order and scores. It also checks
// that pages of growing size are prefixes of one another.
func testSearchRanking(t *testing.T, s kg.Store, b *kg.Bundle) {
	queries := append(slices.Clone(rankingQueries), derivedQueries(b)...)
	for _, text := range []string{"secretariat", "garcia", "mexico", "p"} {
		for _, n := range []int{1, 2, 5, 100, 0} {
			queries = append(queries, kg.SearchQuery{Text: text, Limit: n})
		}
	}
	CheckSearches(t, s, b, queries)
}

// CheckSearches checks that s, which holds exactly b, answers each of queries as the brute-force
// reference ranking does, for a store's own tests of the ways its search may go.
func CheckSearches(t *testing.T, s kg.Store, b *kg.Bundle, queries []kg.SearchQuery) {
	for _, q := range queries {
		t.Run(fmt.Sprintf("%q kinds %v first %d", q.Text, q.Kinds, q.Limit), func(t *testing.T) {
			checkSearch(t, s, b, q)
		})
	}
}

// checkSearch checks that s answers q as referenceSearch does over b.
func checkSearch(t *testing.T, s kg.Store, b *kg.Bundle, q kg.SearchQuery) {
	t.Helper()
	got, err := s.Search(t.Context(), q)
	if err != nil {
		t.Fatalf("Search(%+v) error = %v", q, err)
	}
	want := referenceSearch(b, q)
	if g, w := hitLines(got), hitLines(want); g != w {
		t.Errorf("Search(%q, kinds %v, limit %d) differs from the reference ranking:\n%s", q.Text, q.Kinds, q.Limit, lineDiff(g, w))
	}
	for i, h := range got {
		if h.Entity == nil || i >= len(want) {
			break
		}
		if g, w := canonEntityJSON(h.Entity), canonEntityJSON(want[i].Entity); g != w {
			t.Errorf("Search(%q) hit %d = %s, want the whole entity %s", q.Text, i, g, w)
		}
	}
}

// hitLines renders hits one a line: id and the exact score.
func hitLines(hs []kg.SearchHit) string {
	var b strings.Builder
	for _, h := range hs {
		id := "<nil>"
		if h.Entity != nil {
			id = h.Entity.ID
		}
		fmt.Fprintf(&b, "%s %v\n", id, h.Score)
	}
	return b.String()
}

// typoNeighbours returns the first runes of names one edit from "pilot" and from each other:
// more than the 50 terms a Lucene fuzzy query keeps.
func typoNeighbours() []rune {
	var rs []rune
	for r := 'a'; r <= 'z'; r++ {
		if r != 'p' {
			rs = append(rs, r)
		}
	}
	for r := '0'; r <= '9'; r++ {
		rs = append(rs, r)
	}
	for r := 'α'; r <= 'ω'; r++ {
		rs = append(rs, r)
	}
	return rs
}

// searchEdgeBundle holds names that test the edges of tokenization and ordering: a word longer
// than kg.MaxSearchTokenUnits (cut in two), names that differ only by a letter outside the Basic
// Multilingual Plane and one from U+E000 to U+FFFF (equals, ordered by kg.SearchTieKey), an alias that
// is another entity's name, keys without letters or digits, a word with more neighbours one typo
// away than a Lucene fuzzy query returns, and hits that need a two-edit match yet outrank hits
// with one-edit matches only ("infrastrcutre harbr") or tie with them ("infrastrcutre zebra"),
// and a word that many two-edit patterns of a long token match
// ("intergxoernmental": Neo4j asks for them in several queries, which must count it once).
func searchEdgeBundle() *kg.Bundle {
	const text = "Edge cases for search."
	cite := []kg.Citation{{Source: "source:edges", Quote: text}}
	long := strings.Repeat("x", 280) // more than kg.MaxSearchTokenUnits, and a name of at most kg.MaxNameRunes
	ent := func(id string, k kg.Kind, name string, aliases []string, props map[string]any) kg.Entity {
		return kg.Entity{ID: id, Kind: k, Name: name, Aliases: aliases, Properties: props, Citations: cite}
	}
	b := &kg.Bundle{
		Sources: []kg.Source{{ID: "source:edges", Title: "Edges", Text: text}},
		Entities: []kg.Entity{
			ent("organization:long", kg.KindOrganization, long+" Commission", nil, map[string]any{kg.PropAcronym: "XC"}),
			ent("organization:long-short", kg.KindOrganization, long[:255]+" Office", []string{"—"}, nil),
			ent("organization:bold", kg.KindOrganization, "𝐏acific Office", nil, nil),
			ent("organization:fullwidth", kg.KindOrganization, "Ｐacific Office", nil, nil),
			ent("organization:plain", kg.KindOrganization, "Pacific Office", []string{"Harbor Office"}, nil),
			ent("organization:harbor", kg.KindOrganization, "Harbor Office", nil, nil),
			ent("topic:numbers", kg.KindTopic, "2022", []string{"twenty twenty-two"}, nil),
			ent("topic:one-edit-a", kg.KindTopic, "Infrastrcutra Harbor", nil, nil),
			ent("topic:one-edit-b", kg.KindTopic, "Infrastrcutro Harbor", nil, nil),
			ent("topic:two-edits", kg.KindTopic, "Infrastructure Harbr", nil, nil),
			ent("topic:one-edit-tie", kg.KindTopic, "Infrastrzutre Zebras", nil, nil),
			ent("topic:two-edits-tie", kg.KindTopic, "Infrastructure Zebra", nil, nil),
			ent("topic:intergovernmental", kg.KindTopic, "Intergovernmental Panel", nil, nil),
			ent("organization:zzz", kg.KindOrganization, "Zzz Office", nil, nil),
		},
	}
	for i, r := range typoNeighbours() {
		b.Entities = append(b.Entities, ent(fmt.Sprintf("topic:neighbour-%d", i), kg.KindTopic, string(r)+"ilot", nil, nil))
	}
	return b
}

// testSearchEdges runs searches on searchEdgeBundle, each compared with the reference, and checks
// the few facts about that bundle the reference itself must show.
func testSearchEdges(t *testing.T, s kg.Store) {
	b := searchEdgeBundle()
	long := strings.Repeat("x", 280) // more than kg.MaxSearchTokenUnits, and a name of at most kg.MaxNameRunes
	queries := []kg.SearchQuery{
		{Text: long, Limit: 10},
		{Text: long[:255], Limit: 10},
		{Text: long[255:], Limit: 10},
		{Text: long[:200], Limit: 10},
		{Text: long + " commission", Limit: 10},
		{Text: "office", Limit: 10},
		{Text: "pacific office", Limit: 10},
		{Text: "harbor office", Limit: 10},
		{Text: "xc", Limit: 10},
		{Text: "2022", Limit: 10},
		{Text: "twenty", Limit: 10},
		{Text: "—", Limit: 10},
		{Text: "infrastrcutre harbr", Limit: 1},
		{Text: "infrastrcutre harbr", Limit: 2},
		{Text: "infrastrcutre harbr", Limit: 10},
		{Text: "infrastrcutre zebra", Limit: 1},
		{Text: "infrastrcutre zebra", Limit: 10},
		{Text: "intergxoernmental", Limit: 10},
		{Text: "intergxoernmental zzz", Limit: 1},
		{Text: "intergxoernmental zzz", Limit: 10},
		{Text: "pilot", Limit: 100},
		{Text: "pilot", Limit: kg.NoLimit},
		{Text: "pilot", Limit: 0},
		{Text: "xilot", Limit: 100},
	}
	for _, q := range queries {
		t.Run(fmt.Sprintf("%.20q first %d", q.Text, q.Limit), func(t *testing.T) { checkSearch(t, s, b, q) })
	}
	// The reference must itself show what these entities are for, or the checks above prove less.
	ids := func(q kg.SearchQuery) []string {
		var out []string
		for _, h := range referenceSearch(b, q) {
			out = append(out, h.Entity.ID)
		}
		return out
	}
	if got := ids(kg.SearchQuery{Text: long[255:], Limit: kg.NoLimit}); len(got) == 0 || got[0] != "organization:long" {
		t.Errorf("the reference finds the cut-off end of a long word in %q, want organization:long first", got)
	}
	if got := referenceSearch(b, kg.SearchQuery{Text: "office", Limit: kg.NoLimit}); !tiesByKey(got) {
		t.Errorf("the reference orders %v, want hits of equal score by kg.SearchTieKey", hitLines(got))
	}
	if got := ids(kg.SearchQuery{Text: "pilot", Limit: kg.NoLimit}); len(got) != len(typoNeighbours()) || len(got) <= 50 {
		t.Errorf("the reference finds %d words one typo from \"pilot\", want all %d (more than 50)", len(got), len(typoNeighbours()))
	}
	if got := ids(kg.SearchQuery{Text: "infrastrcutre harbr", Limit: 2}); len(got) == 0 || got[0] != "topic:two-edits" {
		t.Errorf("the reference ranks %q, want topic:two-edits (a two-edit and an exact match) first", got)
	}
	if got := referenceSearch(b, kg.SearchQuery{Text: "infrastrcutre zebra", Limit: 2}); len(got) != 2 ||
		!slices.Contains([]string{got[0].Entity.ID, got[1].Entity.ID}, "topic:two-edits-tie") || got[0].Score != got[1].Score {
		t.Errorf("the reference ranks %v, want topic:two-edits-tie among the first two, tied", hitLines(got))
	}
	if got := ids(kg.SearchQuery{Text: "harbor office", Limit: kg.NoLimit}); len(got) < 2 || got[0] != "organization:harbor" || got[1] != "organization:plain" {
		t.Errorf("the reference orders %q, want the name before the alias", got)
	}
}

// tiesByKey reports whether hits of equal score are in kg.SearchTieKey order.
func tiesByKey(hits []kg.SearchHit) bool {
	ties := 0
	for i := 1; i < len(hits); i++ {
		if hits[i].Score == hits[i-1].Score {
			ties++
			if kg.SearchTieKey(hits[i-1].Entity.ID) > kg.SearchTieKey(hits[i].Entity.ID) {
				return false
			}
		}
	}
	return ties > 0
}

// builtinBundle returns the built-in data set, failing the test if it does not parse.
func builtinBundle(t *testing.T) *kg.Bundle {
	t.Helper()
	b, err := dataset.Bundle()
	if err != nil {
		t.Fatalf("dataset.Bundle() = %v", err)
	}
	return b
}
