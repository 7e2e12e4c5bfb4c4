package kg

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	edlib "github.com/hbollon/go-edlib"
)

func TestSearchTokens(t *testing.T) {
	long := strings.Repeat("a", 300)
	supp := strings.Repeat("𝐀", 200) // MATHEMATICAL BOLD CAPITAL A: a letter outside the BMP, two UTF-16 units
	tests := []struct {
		in   string
		want []string
	}{
		{"Blas Nuñez-Neto", []string{"blas", "nunez", "neto"}},
		{"NUÑEZ-NETO", []string{"nunez", "neto"}},
		{"Secretaría de Relaciones Exteriores", []string{"secretaria", "de", "relaciones", "exteriores"}},
		{"S.R.E.", []string{"s", "r", "e"}},
		{"21CB 14th", []string{"21cb", "14th"}},
		{"  - ( ) :", nil},
		{"", nil},
		{"Ａｂｃ", []string{"ａｂｃ"}},
		{long, []string{long[:255], long[255:]}},
		{supp, []string{strings.Repeat("𝐀", 128), strings.Repeat("𝐀", 72)}}, // 128 runes = 256 units: cut after the unit count reaches 255
	}
	for _, tc := range tests {
		if got := SearchTokens(tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("SearchTokens(%.40q) = %.80q, want %.80q", tc.in, got, tc.want)
		}
	}
	for _, tok := range SearchTokens(strings.Repeat("é", 600) + " " + supp) {
		if n := len(utf16.Encode([]rune(tok))); n > MaxSearchTokenUnits+1 {
			t.Errorf("token of %d UTF-16 units, want at most %d", n, MaxSearchTokenUnits+1)
		}
	}
}

// TestOneEdit checks OneEdit against the optimal string alignment distance of a library, on
// random strings over a small alphabet (so that near misses are common).
func TestOneEdit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abéè") // é and è share their first byte
	word := func() string {
		rs := make([]rune, rng.IntN(6))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	ones := 0
	for range 20_000 {
		a, b := word(), word()
		if rng.IntN(2) == 0 { // derive b from a by a random edit, so that distance 1 is frequent
			b = randomEdit(rng, a, alphabet)
		}
		want := edlib.OSADamerauLevenshteinDistance(a, b) == 1
		if got := OneEdit(a, b); got != want {
			t.Fatalf("OneEdit(%q, %q) = %v, want %v", a, b, got, want)
		}
		if want {
			ones++
		}
	}
	if ones < 5000 {
		t.Errorf("only %d pairs one edit apart: the test does not exercise OneEdit", ones)
	}
}

// TestEdits checks Edits against the optimal string alignment distance of a library, with its
// bound.
func TestEdits(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []rune("abéè")
	counts := map[int]int{}
	for range 20_000 {
		rs := make([]rune, rng.IntN(9))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		a := string(rs)
		b := a
		for range rng.IntN(4) {
			b = randomEdit(rng, b, alphabet)
		}
		d := edlib.OSADamerauLevenshteinDistance(a, b)
		for bound := 0; bound <= 3; bound++ {
			if got, want := Edits(a, b, bound), min(d, bound+1); got != want {
				t.Fatalf("Edits(%q, %q, %d) = %d, want %d", a, b, bound, got, want)
			}
		}
		counts[min(d, 3)]++
	}
	if counts[1] < 2000 || counts[2] < 2000 {
		t.Errorf("distances seen %v: the test does not exercise Edits", counts)
	}
}

func randomEdit(rng *rand.Rand, s string, alphabet []rune) string {
	rs := []rune(s)
	i := rng.IntN(len(rs) + 1)
	c := alphabet[rng.IntN(len(alphabet))]
	switch rng.IntN(4) {
	case 0:
		return string(slices.Insert(slices.Clone(rs), i, c))
	case 1:
		if i < len(rs) {
			return string(slices.Delete(slices.Clone(rs), i, i+1))
		}
	case 2:
		if i < len(rs) {
			out := slices.Clone(rs)
			out[i] = c
			return string(out)
		}
	case 3:
		if i+1 < len(rs) {
			out := slices.Clone(rs)
			out[i], out[i+1] = out[i+1], out[i]
			return string(out)
		}
	}
	return s
}

func TestPlanSearch(t *testing.T) {
	p := PlanSearch("de  Poyntr, 2023 secretaría de ab")
	want := []QueryToken{
		{Text: "de"},
		{Text: "poyntr", Prefix: true, MaxEdits: 1},
		{Text: "2023", Prefix: true}, // a number: no typos
		{Text: "secretaria", Prefix: true, MaxEdits: 2},
		{Text: "de"},
		{Text: "ab", Prefix: true}, // the last token
	}
	if !slices.Equal(p.Tokens, want) || p.Key != "de poyntr 2023 secretaria de ab" {
		t.Errorf("PlanSearch = %+v, want %+v", p, want)
	}
	if p := PlanSearch(strings.Repeat("a ", 40)); len(p.Tokens) != MaxSearchTokens {
		t.Errorf("PlanSearch of 40 tokens kept %d, want %d", len(p.Tokens), MaxSearchTokens)
	}
	if p := PlanSearch(strings.Repeat("x", MaxTypoRunes+1)); p.Tokens[0].MaxEdits != 0 {
		t.Errorf("a token of %d runes may match with a typo, want not", MaxTypoRunes+1)
	}
	if p := PlanSearch(" -- "); len(p.Tokens) != 0 {
		t.Errorf("PlanSearch(\" -- \") = %+v, want no tokens", p)
	}
}

func TestMatch(t *testing.T) {
	tok := QueryToken{Text: "poyntr", Prefix: true, MaxEdits: 1}
	long := QueryToken{Text: "comunicatons", Prefix: true, MaxEdits: 2}
	tests := []struct {
		tok  QueryToken
		word string
		want MatchClass
	}{
		{tok, "poyntr", ExactMatch},
		{tok, "poyntrs", PrefixMatch}, // also one edit away: the better class wins
		{tok, "poynter", TypoMatch},
		{tok, "poytnr", TypoMatch},
		{tok, "pyontre", NoMatch},
		{long, "communications", Typo2Match},
		{long, "comunications", TypoMatch},
		{long, "communicationss", NoMatch},
		{QueryToken{Text: "infrastrcutre", MaxEdits: 2}, "infrastructure", Typo2Match},
		{QueryToken{Text: "poyntr"}, "poyntrs", NoMatch},
		{QueryToken{Text: "poyntr", Prefix: true}, "poynter", NoMatch},
	}
	for _, tc := range tests {
		if got := tc.tok.Match(tc.word); got != tc.want {
			t.Errorf("%+v.Match(%q) = %v, want %v", tc.tok, tc.word, got, tc.want)
		}
	}
}

func TestNewSearchDoc(t *testing.T) {
	e := &Entity{Name: "Secretaría de Relaciones Exteriores", Aliases: []string{"SRE's office", "Nuñez"},
		Properties: map[string]any{PropAcronym: "S.R.E."}}
	d := NewSearchDoc(e, nil)
	want := &SearchDoc{
		NameKey:    "secretaria de relaciones exteriores",
		OtherKeys:  []string{"sre s office", "nunez", "s r e"},
		Words:      []string{"secretaria", "de", "relaciones", "exteriores", "sre", "s", "office", "nunez", "r", "e"},
		NameTokens: 4,
	}
	if d.NameKey != want.NameKey || !slices.Equal(d.OtherKeys, want.OtherKeys) || !slices.Equal(d.Words, want.Words) || d.NameTokens != want.NameTokens {
		t.Errorf("NewSearchDoc = %+v, want %+v", d, want)
	}
}

// TestSearchOrder ranks small sets of names and checks the order the ranking notes promise.
func TestSearchOrder(t *testing.T) {
	ent := func(id, name string, aliases ...string) *Entity {
		return &Entity{ID: id, Name: name, Aliases: aliases}
	}
	tests := []struct {
		name  string
		query string
		ents  []*Entity
		want  []string // every hit, best first
	}{
		{"exact name, alias, all tokens, typo, some tokens", "trade agenda", []*Entity{
			ent("a", "Trade"),
			ent("b", "Pacific Trade Agenda"),
			ent("c", "Agenda Office", "Trade Agenda"),
			ent("d", "Trade Agenda"),
			ent("e", "Trade Agendas"),
			ent("f", "Trde Agenda"),
			ent("g", "Fisheries"),
		}, []string{"d", "c", "b", "e", "f", "a"}},
		{"exact words before prefixes, fewer name tokens first, then name", "trade", []*Entity{
			ent("x", "Tradecraft"),
			ent("y", "Trade Council of the Pacific"),
			ent("z", "Trade Agenda"),
			ent("w", "Agenda Trade"),
		}, []string{"w", "z", "y", "x"}},
		{"more tokens matched first", "border security operations", []*Entity{
			ent("a", "Border Patrol"),
			ent("b", "Security Operations Center"),
			ent("c", "Border Security Operations Unit"),
		}, []string{"c", "b", "a"}},
		{"accents and case", "NUÑEZ", []*Entity{ent("n", "Blas Nuñez-Neto"), ent("m", "Nunez")}, []string{"m", "n"}},
		{"a middle token of two runes does not match as a prefix", "de zz", []*Entity{
			ent("a", "Department of Economy"), ent("b", "Secretaría de Economía"),
		}, []string{"b"}},
		{"two edits in a long word", "Secretariat of Comunicatons", []*Entity{
			ent("a", "Secretariat of Communications and Transportation"), ent("b", "Secretariat of Foreign Relations"),
		}, []string{"a", "b"}},
		{"the last token does", "economia d", []*Entity{
			ent("a", "Department of Economy"), ent("b", "Secretaría de Economía"),
		}, []string{"b", "a"}},
		// Equal scores: by the FNV-1a hash of the id, whatever the names (TestSearchTieKey checks
		// the hash).
		{"ties by the hash of the id", "garcia", []*Entity{
			ent("p3", "Ana García"), ent("p1", "Luis García"), ent("p2", "Ana García"),
		}, tieOrder("p3", "p1", "p2")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := PlanSearch(tc.query)
			var hits []SearchHit
			for _, e := range tc.ents {
				if r, ok := p.Rank(NewSearchDoc(e, nil)); ok {
					hits = append(hits, SearchHit{Entity: e, Score: p.Score(r)})
				}
			}
			slices.SortFunc(hits, CompareSearchHits)
			var got []string
			for _, h := range hits {
				got = append(got, h.Entity.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("ranking %q = %q, want %q", tc.query, got, tc.want)
				for _, h := range hits {
					t.Logf("  %s %q %v", h.Entity.ID, h.Entity.Name, h.Score)
				}
			}
		})
	}
}

// TestScoreOrdersRanks checks that Points and Score order every pair of ranks lexicographically
// by tier, matched tokens, quality and brevity, and that Score stays within its tier.
func TestScoreOrdersRanks(t *testing.T) {
	for m := 1; m <= MaxSearchTokens; m += 5 {
		p := &SearchPlan{Tokens: make([]QueryToken, m)}
		var ranks []SearchRank
		for tier := TierSomeTokens; tier <= TierName; tier++ {
			for _, matched := range []int{1, m} {
				for _, quality := range []int{matched, int(ExactMatch) * matched} {
					for _, nt := range []int{0, 1, MaxRankedNameTokens, MaxRankedNameTokens + 40} {
						ranks = append(ranks, SearchRank{tier, matched, quality, nt})
					}
				}
			}
		}
		key := func(r SearchRank) []int {
			return []int{r.Tier, r.Matched, r.Quality, -min(r.NameTokens, MaxRankedNameTokens)}
		}
		for _, a := range ranks {
			if s := p.Score(a); s < float64(a.Tier) || s >= float64(a.Tier+1) {
				t.Errorf("m=%d: Score(%+v) = %v, outside its tier", m, a, s)
			}
			for _, b := range ranks {
				want := slices.Compare(key(a), key(b))
				if got := cmpInt64(p.Points(a), p.Points(b)); got != want {
					t.Errorf("m=%d: Points order of %+v and %+v = %d, want %d", m, a, b, got, want)
				}
				if got := cmpFloat(p.Score(a), p.Score(b)); got != want {
					t.Errorf("m=%d: Score order of %+v and %+v = %d, want %d", m, a, b, got, want)
				}
			}
		}
	}
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// tieOrder returns ids in SearchTieKey order.
func tieOrder(ids ...string) []string {
	slices.SortFunc(ids, func(a, b string) int { return strings.Compare(SearchTieKey(a), SearchTieKey(b)) })
	return ids
}

// TestSearchTieKey checks the tie key against published FNV-1a 64-bit test vectors, and that it
// orders by the hash first and the id second.
func TestSearchTieKey(t *testing.T) {
	for id, want := range map[string]string{
		"":       "cbf29ce484222325",
		"a":      "af63dc4c8601ec8c",
		"foobar": "85944171f73967e8",
	} {
		if got := SearchTieKey(id); got != want+id {
			t.Errorf("SearchTieKey(%q) = %q, want %q", id, got, want+id)
		}
	}
	if a, b := SearchTieKey("p1"), SearchTieKey("p2"); (a < b) != (a[:16] < b[:16]) {
		t.Errorf("SearchTieKey orders p1, p2 as %q, %q: not by hash", a, b)
	}
}

func TestPositionTitles(t *testing.T) {
	pos := func(from, to, title string) *Relation {
		return &Relation{Type: RelHoldsPosition, From: from, To: to, Properties: map[string]any{PropTitle: title}}
	}
	rels := []*Relation{
		pos("person:a", "organization:x", "U.S. Ambassador to Mexico"),
		pos("person:a", "organization:y", "President"),
		pos("person:a", "organization:z", "President"), // the same title twice counts once
		pos("person:b", "organization:x", "Consul"),    // another person's
		{Type: RelAttended, From: "person:a", To: "meeting:m", Properties: map[string]any{PropTitle: "Chair"}},
		{Type: RelHoldsPosition, From: "person:a", To: "organization:w"}, // no title
	}
	got := PositionTitles("person:a", rels)
	if want := []string{"President", "U.S. Ambassador to Mexico"}; !slices.Equal(got, want) {
		t.Errorf("PositionTitles(person:a) = %q, want %q", got, want)
	}
	if got := PositionTitles("organization:x", rels); got != nil {
		t.Errorf("PositionTitles(organization:x) = %q, want none (titles belong to the relation's From)", got)
	}
}

// TestSearchTitles: a position's title is a key of the person who holds it, so a word of it finds
// the person, and the whole title ranks the person as an alias would.
func TestSearchTitles(t *testing.T) {
	salazar := &Entity{ID: "person:ken-salazar", Kind: KindPerson, Name: "Ken Salazar"}
	titles := []string{"U.S. Ambassador to Mexico"}
	for _, tc := range []struct {
		query string
		tier  int
	}{
		{"ambassador", TierAllTokens},
		{"ambasador", TierTypo},
		{"U.S. ambassador to Mexico", TierAlias},
	} {
		p := PlanSearch(tc.query)
		r, ok := p.Rank(NewSearchDoc(salazar, titles))
		if !ok || r.Tier != tc.tier {
			t.Errorf("Rank(%q) of Ken Salazar with his title = %+v, %v; want tier %d", tc.query, r, ok, tc.tier)
		}
		if _, ok := p.Rank(NewSearchDoc(salazar, nil)); ok {
			t.Errorf("Rank(%q) of Ken Salazar without titles is a hit, want none", tc.query)
		}
	}
}
