package neo4jstore

import (
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The probes of a search: for each query word, the full-text queries of the entities whose best
// match of it is exact, a prefix, one edit or two edits away, each excluding what a better one
// finds, so that an entity is found once per word, in its best class (docs/search.md).

// maxClauses is the most clauses one probe holds: Lucene refuses queries of more than 1024.
const maxClauses = 1000

// searchQueryProbe is one full-text query of a search: the entities whose best match of token (its
// index) is class.
type searchQueryProbe struct {
	token int
	class kg.MatchClass
	query string // Lucene query text
}

// probeParams returns probes as the statements take them: {token, class, query} each.
func probeParams(probes []searchQueryProbe) []map[string]any {
	out := make([]map[string]any, len(probes))
	for i, pr := range probes {
		out[i] = map[string]any{"token": int64(pr.token), "class": int64(pr.class), "query": pr.query}
	}
	return out
}

// searchProbes returns the full-text queries of plan p: for each token, one query per way it may
// match (exact, prefix, one edit), and apart, the two-edit queries. Each query of a token
// excludes what its better ones find.
func searchProbes(p *kg.SearchPlan) (probes, typo2 []searchQueryProbe) {
	probe := func(i int, c kg.MatchClass, query string) searchQueryProbe {
		return searchQueryProbe{token: i, class: c, query: query}
	}
	for i, t := range p.Tokens {
		tok := escapeLucene(t.Text)
		probes = append(probes, probe(i, kg.ExactMatch, tok))
		better := "-" + tok // what the token's better probes find
		if t.Prefix {
			probes = append(probes, probe(i, kg.PrefixMatch, tok+"* "+better))
			better = "-" + tok + "*"
		}
		if t.MaxEdits < 1 {
			continue
		}
		one := editPatterns(t.Text, 1)
		probes = append(probes, probe(i, kg.TypoMatch, "("+strings.Join(one, " ")+") "+better))
		if t.MaxEdits < 2 {
			continue
		}
		better += " -(" + strings.Join(one, " ") + ")"
		two, room := editPatterns(t.Text, 2), maxClauses-len(one)-1
		for len(two) > 0 {
			n := min(len(two), room)
			typo2 = append(typo2, probe(i, kg.Typo2Match, "("+strings.Join(two[:n], " ")+") "+better))
			two = two[n:]
		}
	}
	return probes, typo2
}

// editPatterns returns Lucene terms and wildcard patterns ("?" is any one character) that together
// match exactly the words k edits from t, as kg counts edits (kg.Edits), and some words closer to
// t: t with runes deleted, replaced, inserted, or swapped with the next, for k = 1 (about 4n
// patterns for n runes) and k = 2 (about 8n², without those of k = 1). t must hold only letters
// and digits, which Lucene's query syntax never treats specially.
func editPatterns(t string, k int) []string {
	all := map[string]bool{}
	var edit func(head string, rest []rune, k int)
	edit = func(head string, rest []rune, k int) {
		all[head+string(rest)] = true
		if k == 0 {
			return
		}
		for i := 0; i <= len(rest); i++ {
			h := head + string(rest[:i])
			edit(h+"?", rest[i:], k-1) // insertion before rest[i]
			if i == len(rest) {
				break
			}
			edit(h, rest[i+1:], k-1)     // deletion of rest[i]
			edit(h+"?", rest[i+1:], k-1) // replacement of rest[i]
			if i+1 < len(rest) && rest[i] != rest[i+1] {
				edit(h+string(rest[i+1])+string(rest[i]), rest[i+2:], k-1) // swap
			}
		}
	}
	edit("", []rune(t), k)
	if k > 1 {
		for _, p := range editPatterns(t, k-1) {
			delete(all, p)
		}
	}
	out := make([]string, 0, len(all))
	for p := range all {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// editRegexp turns edit patterns (editPatterns: "?" is any one character) into one Java regular
// expression that matches a whole word as one of them does. Patterns hold only letters, digits
// and "?", none special in a regular expression but "?", which becomes ".".
func editRegexp(patterns []string) string {
	return "(?:" + strings.ReplaceAll(strings.Join(patterns, "|"), "?", ".") + ")"
}
