package kg

import (
	"cmp"
	"context"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// Duplicate finding: which stored entities a new entity may be. FindDuplicates scores a new entity
// against candidate entities of its kind; SearchDuplicates first gets those candidates from a
// store's search, a few bounded searches per entity, so it never compares against every entity.
//
// Names are compared as folded tokens (case, accents and punctuation never matter). Every name of
// each side counts: the name, each alias and the acronym; the best pair of names wins. People's
// names match when one's tokens line up, in order, with some of the other's: the same token, an
// initial ("K." and "Kenneth"), or a nickname ("Ken" and "Kenneth", from names.txt); at least one
// surname must be the same word. Titles before a name ("Ambassador", "President") are dropped.
// Given names may be missing on one side ("Salazar", "López Obrador"), which scores lower. Other
// kinds match on the same words (stop words aside, in any order), on an acronym that the other
// name's initials spell, or on one name holding the other's words plus qualifiers ("U.S.
// Department of State" and "Department of State"). Numbers must agree ("14th Plenary" is not the
// "15th Plenary"), and so must a meeting's date and a country's code where both have one.
//
// The word lists (nicknames, titles, stop words, qualifiers, ordinals) are data: names.txt.

// Duplicate scores: a candidate below MinDuplicateScore is not reported; from
// ConfidentDuplicateScore on, a match is strong enough for a program to act on it (the draft
// names the existing entity instead of a new one) when it is the only such candidate.
const (
	MinDuplicateScore       = 0.5
	ConfidentDuplicateScore = 0.85
)

// MaxDuplicateCandidates is how many hits each of DuplicateSearches' searches asks for.
const MaxDuplicateCandidates = 20

// Duplicate is an existing entity that a new entity may duplicate.
type Duplicate struct {
	ID     string  `json:"id"`   // the existing entity's id
	Name   string  `json:"name"` // the existing entity's name
	Score  float64 `json:"score"`
	Reason string  `json:"reason"` // why, for a person to read: "Ken is a nickname of Kenneth"
}

// Confident reports whether d is strong enough to act on (ConfidentDuplicateScore).
func (d Duplicate) Confident() bool { return d.Score >= ConfidentDuplicateScore }

// FindDuplicates returns the candidates e may duplicate, best first (then by id): those of e's
// kind, other than e itself (same id), that score at least MinDuplicateScore. Candidates may be
// nil. It is a pure function of its arguments.
func FindDuplicates(e *Entity, candidates []*Entity) []Duplicate {
	mine := entityForms(e)
	var out []Duplicate
	seen := map[string]bool{}
	for _, c := range candidates {
		if c == nil || c.Kind != e.Kind || (e.ID != "" && c.ID == e.ID) || seen[c.ID] {
			continue
		}
		seen[c.ID] = true
		if propsConflict(e, c) {
			continue
		}
		best := match{}
		for _, a := range mine {
			for _, b := range entityForms(c) {
				if m := compareForms(e.Kind, a, b); m.score > best.score {
					best = m
				}
			}
		}
		if best.score >= MinDuplicateScore {
			out = append(out, Duplicate{ID: c.ID, Name: c.Name, Score: roundScore(best.score), Reason: best.reason})
		}
	}
	slices.SortStableFunc(out, func(a, b Duplicate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	return out
}

// ConfidentDuplicate returns the one candidate of dups (FindDuplicates' answer) that is confident,
// and false when none is or several are: two confident candidates are a choice for a person.
func ConfidentDuplicate(dups []Duplicate) (Duplicate, bool) {
	var found []Duplicate
	for _, d := range dups {
		if d.Confident() {
			found = append(found, d)
		}
	}
	if len(found) != 1 {
		return Duplicate{}, false
	}
	return found[0], true
}

// Searcher is what SearchDuplicates needs of a store: its search (Store.Search).
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
}

// DuplicateSearches returns the searches that find the stored entities e may duplicate: one for
// each distinct name of e (name, aliases, acronym) with titles dropped, for a person also the
// surnames alone and the name with each nickname's full form (and the reverse), for other kinds
// the name without its leading qualifiers and its initials. Each is of e's kind and asks for at
// most MaxDuplicateCandidates hits, so finding candidates costs a few bounded searches whatever
// the store's size. A candidate that shares no word with e (an acronym against a store entity
// without it) is not found this way.
func DuplicateSearches(e *Entity) []SearchQuery {
	var out []SearchQuery
	seen := map[string]bool{}
	add := func(text string) {
		key := strings.Join(SearchTokens(text), " ")
		if key == "" || seen[key] || len(out) >= 8 {
			return
		}
		seen[key] = true
		out = append(out, SearchQuery{Text: key, Kinds: []Kind{e.Kind}, Limit: MaxDuplicateCandidates})
	}
	forms := entityForms(e)
	for _, f := range forms {
		add(strings.Join(f.tokens, " "))
	}
	for _, f := range forms {
		if e.Kind == KindPerson {
			if n := len(f.tokens); n >= 2 {
				add(f.tokens[n-1])
				if n >= 3 {
					add(strings.Join(f.tokens[n-2:], " "))
				}
				for _, alt := range nameLists().nicknames[f.tokens[0]] {
					add(alt + " " + strings.Join(f.tokens[1:], " "))
				}
			}
			continue
		}
		if q := dropQualifiers(f.tokens); len(q) < len(f.tokens) && len(q) > 0 {
			add(strings.Join(q, " "))
		}
		if content := dropQualifiers(f.content()); !f.acronym && len(content) >= 2 {
			add(initials(content))
			add(initials(dropQualifiers(f.tokens)))
		}
	}
	return out
}

// SearchDuplicates finds the stored entities e may duplicate: it runs DuplicateSearches(e) on s
// and scores the hits with FindDuplicates. It returns s's error, if any, unwrapped.
func SearchDuplicates(ctx context.Context, s Searcher, e *Entity) ([]Duplicate, error) {
	var candidates []*Entity
	for _, q := range DuplicateSearches(e) {
		hits, err := s.Search(ctx, q)
		if err != nil {
			return nil, err
		}
		for _, h := range hits {
			candidates = append(candidates, h.Entity)
		}
	}
	return FindDuplicates(e, candidates), nil
}

// nameForm is one name of an entity made ready for comparing.
type nameForm struct {
	text    string   // as written
	of      string   // the name of the entity it is a name of
	role    string   // "name", "alias" or "acronym"
	tokens  []string // folded tokens, leading titles (people) or "the" (other kinds) dropped
	title   string   // the title dropped, as written ("Ambassador"); "" if none
	acronym bool     // the entity's acronym, or a name that looks like one ("SRE", "21CB")
}

func (f nameForm) content() []string {
	var out []string
	for _, t := range f.tokens {
		if !nameLists().stop[t] {
			out = append(out, t)
		}
	}
	return out
}

func entityForms(e *Entity) []nameForm {
	var out []nameForm
	seen := map[string]bool{}
	add := func(text, role string) {
		if strings.TrimSpace(text) == "" || seen[Fold(text)] {
			return
		}
		seen[Fold(text)] = true
		if f := newNameForm(e.Kind, text, role); len(f.tokens) > 0 {
			f.of = e.Name
			out = append(out, f)
		}
	}
	add(e.Name, "name")
	for _, a := range e.Aliases {
		add(a, "alias")
	}
	add(e.Prop(PropAcronym), "acronym")
	return out
}

// nameToken is a folded token and where it is in the text it came from.
type nameToken struct {
	text       string
	start, end int
}

// tokenize returns the runs of letters, digits and marks of s, each folded.
func tokenize(s string) []nameToken {
	var out []nameToken
	start := -1
	for i, r := range s {
		in := unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.Is(unicode.Mn, r)
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			out = append(out, nameToken{Fold(s[start:i]), start, i})
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, nameToken{Fold(s[start:]), start, len(s)})
	}
	return out
}

func newNameForm(k Kind, text, role string) nameForm {
	f := nameForm{text: text, role: role, acronym: role == "acronym" || looksLikeAcronym(text)}
	ts := tokenize(text)
	if k == KindPerson {
		if n := titleLength(ts); n > 0 {
			f.title = text[ts[0].start:ts[n-1].end]
			ts = ts[n:]
		}
		for _, t := range ts {
			f.tokens = append(f.tokens, t.text)
		}
		return f
	}
	var words []string
	for i := 0; i < len(ts); i++ {
		// Runs of single letters are one word: "U.S." is "us", as "US" is.
		if len([]rune(ts[i].text)) == 1 && i+1 < len(ts) && len([]rune(ts[i+1].text)) == 1 {
			j := i
			var b strings.Builder
			for j < len(ts) && len([]rune(ts[j].text)) == 1 {
				b.WriteString(ts[j].text)
				j++
			}
			words = append(words, b.String())
			i = j - 1
			continue
		}
		w := ts[i].text
		if fig, ok := nameLists().ordinals[w]; ok {
			w = fig
		}
		words = append(words, w)
	}
	if len(words) > 1 && words[0] == "the" {
		words = words[1:]
	}
	f.tokens = words
	return f
}

// titleLength returns how many leading tokens of a person's name are a title: title phrases, and
// qualifiers or initials ("U.S.") before one; 0 when no title leads or nothing would be left.
func titleLength(ts []nameToken) int {
	l := nameLists()
	n, i := 0, 0
	for i < len(ts) {
		if m := l.titleAt(ts[i:]); m > 0 {
			i += m
			n = i
			continue
		}
		if l.qualifier[ts[i].text] || len([]rune(ts[i].text)) == 1 {
			i++
			continue
		}
		break
	}
	if n >= len(ts) {
		return 0
	}
	return n
}

// looksLikeAcronym reports whether s is one word of 2 to 8 capitals and digits with a capital
// ("SRE", "21CB"), dots allowed ("D.O.J.").
func looksLikeAcronym(s string) bool {
	s = strings.ReplaceAll(strings.TrimSpace(s), ".", "")
	n, upper := 0, false
	for _, r := range s {
		switch {
		case unicode.IsUpper(r):
			upper = true
		case unicode.IsDigit(r):
		default:
			return false
		}
		n++
	}
	return upper && n >= 2 && n <= 8
}

// match is how well two names match and why.
type match struct {
	score  float64
	reason string
}

func compareForms(k Kind, a, b nameForm) match {
	var m match
	if k == KindPerson {
		m = comparePeople(a, b)
	} else {
		m = compareNames(a, b)
	}
	if m.score == 0 || strings.HasPrefix(m.reason, "acronym ") {
		return m
	}
	switch {
	case a.role == "name" && b.role != "name":
		m.reason += fmt.Sprintf(", as its %s %q", b.role, b.text)
	case a.role != "name" && b.role == "name":
		m.reason += fmt.Sprintf(", as the new %s %q", a.role, a.text)
	case a.role != "name":
		m.reason += fmt.Sprintf(", as the new %s %q and its %s %q", a.role, a.text, b.role, b.text)
	}
	return m
}

// comparePeople matches two people's names by lining up the shorter's tokens with the longer's.
func comparePeople(a, b nameForm) match {
	if len(a.tokens) == 0 || len(b.tokens) == 0 || len(a.tokens) > 8 || len(b.tokens) > 8 {
		return match{}
	}
	var titles []string
	for _, f := range []nameForm{a, b} {
		if f.title != "" {
			titles = append(titles, fmt.Sprintf("title prefix %q dropped", f.title))
		}
	}
	if slices.Equal(a.tokens, b.tokens) {
		why := sameNameReason(a.text, b.text, a.title != "" || b.title != "")
		return match{1, strings.Join(append(titles, why), "; ")}
	}
	short, long := a, b
	if len(b.tokens) < len(a.tokens) {
		short, long = b, a
	}
	best := match{}
	var pos []int
	var try func(i, from int)
	try = func(i, from int) {
		if i == len(short.tokens) {
			if m := scoreAlignment(short, long, pos); m.score > best.score {
				best = m
			}
			return
		}
		for j := from; j < len(long.tokens); j++ {
			if tokenPair(short.tokens[i], long.tokens[j]) != "" {
				pos = append(pos, j)
				try(i+1, j+1)
				pos = pos[:len(pos)-1]
			}
		}
	}
	try(0, 0)
	if best.score == 0 {
		return best
	}
	best.reason = strings.Join(append(titles, best.reason), "; ")
	return best
}

// tokenPair says how two name tokens match: "same", "initial", "nickname", or "" for not at all.
func tokenPair(x, y string) string {
	switch {
	case x == y:
		return "same"
	case len([]rune(x)) == 1 && strings.HasPrefix(y, x), len([]rune(y)) == 1 && strings.HasPrefix(x, y):
		return "initial"
	case nameLists().nicknamesOf(x, y):
		return "nickname"
	}
	return ""
}

// scoreAlignment scores short's tokens lined up with long's at pos. It needs an anchor: a surname
// (a token after long's first) of two letters or more that is the same on both sides.
func scoreAlignment(short, long nameForm, pos []int) match {
	anchor := false
	score := 1.0
	var why []string
	for i, j := range pos {
		s, l := short.tokens[i], long.tokens[j]
		switch tokenPair(s, l) {
		case "same":
			if j > 0 && len([]rune(s)) >= 2 {
				anchor = true
			}
		case "initial":
			score -= 0.12
			why = append(why, fmt.Sprintf("initial %s matches %s", title(shorter(s, l)), title(longer(s, l))))
		case "nickname":
			score -= 0.08
			why = append(why, nicknameReason(s, l))
		}
	}
	if !anchor {
		return match{}
	}
	words := func(from, to int) string { return title(strings.Join(long.tokens[from:to], " ")) }
	if lead := pos[0]; lead > 0 {
		if len(short.tokens) == 1 {
			score -= 0.3
		} else {
			score -= 0.2
		}
		why = append(why, fmt.Sprintf("given name %q missing", words(0, lead)))
	}
	for j := pos[0] + 1; j < pos[len(pos)-1]; j++ {
		if !slices.Contains(pos, j) {
			score -= 0.1
			why = append(why, fmt.Sprintf("middle name %q missing", words(j, j+1)))
		}
	}
	if last := pos[len(pos)-1]; last < len(long.tokens)-1 {
		score -= 0.1 * float64(len(long.tokens)-1-last)
		why = append(why, fmt.Sprintf("%q missing at the end", words(last+1, len(long.tokens))))
	}
	if len(why) == 0 {
		why = append(why, sameNameReason(short.text, long.text, short.title != "" || long.title != ""))
	}
	return match{score: score, reason: strings.Join(why, "; ")}
}

func sameNameReason(a, b string, titled bool) string {
	switch {
	case titled:
		return "same name otherwise"
	case a == b:
		return "same name"
	}
	return "same name folded"
}

func nicknameReason(x, y string) string {
	l := nameLists()
	for _, g := range l.nicknameGroups {
		if slices.Contains(g, x) && slices.Contains(g, y) {
			switch g[0] {
			case x:
				return fmt.Sprintf("%s is a nickname of %s", title(y), title(x))
			case y:
				return fmt.Sprintf("%s is a nickname of %s", title(x), title(y))
			}
			return fmt.Sprintf("%s and %s are both short for %s", title(x), title(y), title(g[0]))
		}
	}
	return ""
}

// compareNames matches the names of organizations, places, meetings and the other kinds.
func compareNames(a, b nameForm) match {
	ja, jb := strings.Join(a.tokens, " "), strings.Join(b.tokens, " ")
	if ja == jb {
		switch {
		case b.acronym && b.role != "name":
			return match{1, fmt.Sprintf("acronym %s of %s", b.text, b.of)}
		case a.acronym && a.role != "name":
			return match{1, fmt.Sprintf("acronym %s of %s", a.text, a.of)}
		}
		return match{1, sameNameReason(a.text, b.text, false)}
	}
	ca, cb := a.content(), b.content()
	if !slices.Equal(numbers(ca), numbers(cb)) && !a.acronym && !b.acronym {
		return match{}
	}
	for _, p := range [][2]nameForm{{a, b}, {b, a}} {
		acr, full := p[0], p[1]
		if acr.acronym && len(acr.tokens) == 1 && !full.acronym && spellsInitials(acr.tokens[0], full) {
			return match{0.85, fmt.Sprintf("acronym %s of %s (its initials)", acr.text, full.text)}
		}
	}
	if len(ca) == 0 || len(cb) == 0 {
		return match{}
	}
	if slices.Equal(ca, cb) {
		return match{0.95, "same words apart from stop words"}
	}
	if sameSet(ca, cb) {
		return match{0.9, "same words in another order"}
	}
	short, long := ca, cb
	if len(cb) < len(ca) {
		short, long = cb, ca
	}
	extra, ok := without(long, short)
	if !ok {
		return match{}
	}
	var other []string
	for _, w := range extra {
		if !nameLists().qualifier[w] {
			other = append(other, w)
		}
	}
	switch {
	case len(other) == 0 && len(short) >= 2:
		return match{0.9, fmt.Sprintf("qualifier %q dropped", strings.Join(extra, " "))}
	case len(other) == 0:
		return match{0.6, fmt.Sprintf("qualifier %q dropped from a one-word name", strings.Join(extra, " "))}
	case len(other) == 1 && len(short) >= 3:
		// One word more in a long name ("Border crossing infrastructure modernization"); not in a
		// short one, where it is often the word that tells two bodies apart ("National Security
		// Council" and "Security Council").
		return match{0.6, fmt.Sprintf("word %q missing", strings.Join(other, " "))}
	}
	return match{}
}

// spellsInitials reports whether acronym acr (a folded token) is the initials of full's words: its
// content words, or all its words, either with or without leading qualifiers ("HLSD" for "U.S.-Mexico
// High-Level Security Dialogue", "DOJ" for "Department of Justice"). A word of digits and letters
// gives its digits ("21st Century Border" is "21cb").
func spellsInitials(acr string, full nameForm) bool {
	for _, ws := range [][]string{full.content(), full.tokens} {
		if initials(ws) == acr || initials(dropQualifiers(ws)) == acr {
			return true
		}
	}
	return false
}

func initials(ws []string) string {
	var b strings.Builder
	for _, w := range ws {
		rs := []rune(w)
		if unicode.IsDigit(rs[0]) {
			for _, r := range rs {
				if !unicode.IsDigit(r) {
					break
				}
				b.WriteRune(r)
			}
			continue
		}
		b.WriteRune(rs[0])
	}
	return b.String()
}

func dropQualifiers(ws []string) []string {
	i := 0
	for i < len(ws) && nameLists().qualifier[ws[i]] {
		i++
	}
	return ws[i:]
}

// numbers returns the tokens of ws that hold a digit, sorted.
func numbers(ws []string) []string {
	var out []string
	for _, w := range ws {
		if strings.ContainsFunc(w, unicode.IsDigit) {
			out = append(out, w)
		}
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// without returns the words of long that are not in short, and whether every word of short is in
// long.
func without(long, short []string) ([]string, bool) {
	for _, w := range short {
		if !slices.Contains(long, w) {
			return nil, false
		}
	}
	var out []string
	for _, w := range long {
		if !slices.Contains(short, w) {
			out = append(out, w)
		}
	}
	return out, true
}

// propsConflict reports whether e and c cannot be the same entity whatever their names: meetings
// on different dates or with different ordinals, countries with different codes.
func propsConflict(e, c *Entity) bool {
	switch e.Kind {
	case KindMeeting:
		if x, y := e.Prop(PropDate), c.Prop(PropDate); x != "" && y != "" && !strings.HasPrefix(x, y) && !strings.HasPrefix(y, x) {
			return true
		}
		x, okx := e.IntProp(PropOrdinal)
		y, oky := c.IntProp(PropOrdinal)
		return okx && oky && x != y
	case KindCountry:
		x, y := e.Prop(PropCode), c.Prop(PropCode)
		return x != "" && y != "" && !strings.EqualFold(x, y)
	}
	return false
}

func roundScore(s float64) float64 { return float64(int(s*100+0.5)) / 100 }

func shorter(a, b string) string {
	if len(a) <= len(b) {
		return a
	}
	return b
}

func longer(a, b string) string {
	if len(a) > len(b) {
		return a
	}
	return b
}

// title capitalizes each word of a folded text, for reasons a person reads.
func title(s string) string {
	ws := strings.Fields(s)
	for i, w := range ws {
		rs := []rune(w)
		rs[0] = unicode.ToUpper(rs[0])
		ws[i] = string(rs)
	}
	return strings.Join(ws, " ")
}

//go:embed names.txt
var namesText string

// nameWordLists holds names.txt, parsed.
type nameWordLists struct {
	nicknameGroups [][]string          // each: the full name, then its short forms
	nicknames      map[string][]string // a name -> the names one of its groups holds besides it
	titles         [][]string          // phrases as tokens, longest first
	stop           map[string]bool
	qualifier      map[string]bool
	ordinals       map[string]string // "fourteenth" -> "14th"
}

var nameLists = sync.OnceValue(func() *nameWordLists {
	l, err := parseNameLists(namesText)
	if err != nil {
		panic(err) // names.txt is embedded; TestNameLists parses it
	}
	return l
})

func parseNameLists(text string) (*nameWordLists, error) {
	l := &nameWordLists{nicknames: map[string][]string{}, stop: map[string]bool{}, qualifier: map[string]bool{}, ordinals: map[string]string{}}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		section, list, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("names.txt:%d: want \"section: item, item\"", n+1)
		}
		var items []string
		for it := range strings.SplitSeq(list, ",") {
			if it = strings.Join(SearchTokens(it), " "); it != "" {
				items = append(items, it)
			}
		}
		switch strings.TrimSpace(section) {
		case "nickname":
			l.nicknameGroups = append(l.nicknameGroups, items)
			for _, x := range items {
				for _, y := range items {
					if x != y && !slices.Contains(l.nicknames[x], y) {
						l.nicknames[x] = append(l.nicknames[x], y)
					}
				}
			}
		case "title":
			for _, it := range items {
				l.titles = append(l.titles, strings.Fields(it))
			}
		case "stop":
			for _, it := range items {
				l.stop[it] = true
			}
		case "qualifier":
			for _, it := range items {
				l.qualifier[it] = true
			}
		case "ordinal":
			if len(items) != 2 {
				return nil, fmt.Errorf("names.txt:%d: an ordinal is a word and its figures", n+1)
			}
			l.ordinals[items[0]] = items[1]
		default:
			return nil, fmt.Errorf("names.txt:%d: unknown section %q", n+1, section)
		}
	}
	slices.SortStableFunc(l.titles, func(a, b []string) int { return cmp.Compare(len(b), len(a)) })
	return l, nil
}

// titleAt returns how many of ts's leading tokens one title phrase covers, longest first; 0 if none.
func (l *nameWordLists) titleAt(ts []nameToken) int {
	for _, p := range l.titles {
		if len(p) > len(ts) {
			continue
		}
		ok := true
		for i, w := range p {
			if ts[i].text != w {
				ok = false
				break
			}
		}
		if ok {
			return len(p)
		}
	}
	return 0
}

func (l *nameWordLists) nicknamesOf(x, y string) bool { return slices.Contains(l.nicknames[x], y) }

// SplitTitle splits a person's name as written into the title that leads it and the name proper
// ("Ambassador Ken Salazar" -> "Ambassador", "Ken Salazar"), with the titles of names.txt. A name
// without a leading title, or that would be left empty, comes back whole with an empty title.
func SplitTitle(name string) (title, rest string) {
	ts := tokenize(name)
	n := titleLength(ts)
	if n == 0 {
		return "", strings.TrimSpace(name)
	}
	return name[:ts[n-1].end], strings.TrimSpace(name[ts[n].start:])
}
