package neo4jstore

import (
	"fmt"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

// TestEditPatterns checks that the Lucene patterns of a token match exactly the words kg counts
// as k edits away, and some closer ones, never farther ones, interpreting "?" as Lucene does (any
// one character) with path.Match, which does the same for patterns of letters, digits and "?".
func TestEditPatterns(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	alphabet := []rune("abñ")
	word := func(n int) string {
		rs := make([]rune, max(n, 0))
		for i := range rs {
			rs[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(rs)
	}
	for k := 1; k <= 2; k++ {
		for range 200 {
			tok := word(4 + rng.IntN(5))
			patterns := editPatterns(tok, k)
			if n := len([]rune(tok)); len(patterns) > 8*n*n+1 {
				t.Errorf("editPatterns(%q, %d) has %d patterns, want O(n^k)", tok, k, len(patterns))
			}
			for range 300 {
				w := word(len([]rune(tok)) - k - 1 + rng.IntN(2*k+3))
				d := kg.Edits(tok, w, k)
				got := slices.ContainsFunc(patterns, func(p string) bool { ok, _ := path.Match(p, w); return ok })
				if d == k && !got || d > k && got {
					t.Fatalf("patterns %d of %q match %q (%d edits away): %v (patterns %q)", k, tok, w, d, got, patterns)
				}
			}
		}
	}
}

func TestSearchProbes(t *testing.T) {
	p := kg.PlanSearch("de poyntr 2023 telecommunications ab")
	render := func(ps []searchQueryProbe) []string {
		var out []string
		for _, pr := range ps {
			out = append(out, fmt.Sprintf("%d %d %s", pr.token, pr.class, pr.query))
		}
		return out
	}
	probes, typo2 := searchProbes(p)
	one := func(t string) string { return "(" + strings.Join(editPatterns(t, 1), " ") + ")" }
	want := []string{
		"0 4 de",
		"1 4 poyntr", "1 3 poyntr* -poyntr", "1 2 " + one("poyntr") + " -poyntr*",
		"2 4 2023", "2 3 2023* -2023", // a number: no typos
		"3 4 telecommunications", "3 3 telecommunications* -telecommunications",
		"3 2 " + one("telecommunications") + " -telecommunications*",
		"4 4 ab", "4 3 ab* -ab", // the last token, too short for typos
	}
	if got := render(probes); !slices.Equal(got, want) {
		t.Errorf("searchProbes =\n  %q\nwant\n  %q", got, want)
	}
	two := editPatterns("telecommunications", 2)
	if len(two) <= maxClauses {
		t.Fatalf("editPatterns(telecommunications, 2) has %d patterns: the test does not split probes", len(two))
	}
	var joined []string
	for _, pr := range typo2 {
		q := pr.query
		patterns, better, ok := strings.Cut(strings.TrimPrefix(q, "("), ") ")
		if pr.token != 3 || pr.class != kg.Typo2Match || !ok ||
			better != "-telecommunications* -"+one("telecommunications") || len(strings.Fields(q)) > maxClauses {
			t.Errorf("two-edit probe %v %v %.80q..., want token 3, class %d, excluding the better probes, at most %d clauses",
				pr.token, pr.class, q, kg.Typo2Match, maxClauses)
		}
		joined = append(joined, strings.Fields(patterns)...)
	}
	if !slices.Equal(joined, two) {
		t.Errorf("two-edit probes hold %d patterns, want the %d of editPatterns", len(joined), len(two))
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
