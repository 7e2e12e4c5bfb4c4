package neo4jstore

import (
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestOneEditPatterns checks that the Lucene patterns of a token match exactly the words kg counts
// as at most one edit away, interpreting "?" as Lucene does (any one character) with path.Match,
// which does the same for patterns of letters, digits and "?".
func TestOneEditPatterns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abñ")
	word := func(n int) string {
		rs := make([]rune, n)
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	for range 300 {
		tok := word(4 + rng.IntN(3))
		patterns := oneEditPatterns(tok)
		if len(patterns) > 4*len([]rune(tok))+1 {
			t.Errorf("oneEditPatterns(%q) has %d patterns, want at most 4n+1", tok, len(patterns))
		}
		for range 200 {
			w := word(len([]rune(tok)) - 2 + rng.IntN(5))
			want := w == tok || kg.OneEdit(tok, w)
			got := slices.ContainsFunc(patterns, func(p string) bool { ok, _ := path.Match(p, w); return ok })
			if got != want {
				t.Fatalf("patterns of %q match %q: %v, want %v (patterns %q)", tok, w, got, want, patterns)
			}
		}
	}
}

func TestSearchProbes(t *testing.T) {
	p := kg.PlanSearch("de poyntr 2023 ab")
	var got []string
	for _, pr := range searchProbes(p) {
		got = append(got, strings.Join([]string{string(rune('0' + pr["token"].(int64))), string(rune('0' + pr["class"].(int64))), pr["query"].(string)}, " "))
	}
	want := []string{
		"0 3 de",
		"1 3 poyntr", "1 2 poyntr*", "1 1 " + strings.Join(oneEditPatterns("poyntr"), " "),
		"2 3 2023", "2 2 2023*", // a number: no typos
		"3 3 ab", "3 2 ab*", // the last token, too short for typos
	}
	if !slices.Equal(got, want) {
		t.Errorf("searchProbes =\n  %q\nwant\n  %q", got, want)
	}
}

func TestEscapeLucene(t *testing.T) {
	if got, want := escapeLucene(`a+b-c&&d||e!f(g)h{i}j[k]l^m"n~o*p?q:r\s/t`),
		`a\+b\-c\&\&d\|\|e\!f\(g\)h\{i\}j\[k\]l\^m\"n\~o\*p\?q\:r\\s\/t`; got != want {
		t.Errorf("escapeLucene = %s, want %s", got, want)
	}
	if got := escapeLucene("AND"); got != `\AND` {
		t.Errorf(`escapeLucene("AND") = %s, want \AND`, got)
	}
}
