package kg

import (
	"cmp"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Search ranking: the one definition of what a search finds and in which order. Every store
// ranks with it, so a query gets the same hits, order and scores whatever the store.
//
// Texts are compared as tokens (SearchTokens): the runs of letters and digits of their folded
// form (Fold), so case, accents and punctuation never matter: "Nuñez-Neto" is the tokens "nunez"
// and "neto". An entity's keys are its name, each alias, its acronym and the title of each position
// it holds (PositionTitles: "ambassador" finds the U.S. Ambassador to Mexico); its words are the
// tokens of all its keys. At most MaxSearchTokens tokens of a query count.
//
// Each query token matches the entity in the best way any of its words allows (MatchClass):
//
//	exact   the word is the token
//	prefix  the word starts with the token; the query's last token may always match so (search
//	        as you type), other tokens from 3 runes on, so that "de" inside a query does not match
//	        "department"
//	typo    the word is within the token's edits (MaxEdits): an edit is one rune inserted, deleted
//	        or replaced, or two adjacent runes swapped (optimal string alignment distance); a token
//	        of 4 to 7 runes may be one edit away, one of 8 to MaxTypoRunes runes two; numbers
//	        (tokens of digits only) never match with a typo
//
// The tier says how the query as a whole matches:
//
//	4  the query's tokens are exactly the name's tokens
//	3  the query's tokens are exactly the tokens of an alias, the acronym or a position's title
//	2  every query token matches exactly or as a prefix
//	1  every query token matches, some only with a typo
//	0  some query tokens match
//
// An entity that no query token matches is not a hit. Hits are ordered by tier, then by how many
// query tokens match, then by quality (the sum of the tokens' MatchClass weights: exact 4, prefix 3,
// one edit 2, two edits 1), then by the fewest name tokens (so "Trade" ranks the topic "Trade" above "Trade
// Agenda" among equals), then in a fixed order of the entities that owes nothing to their names
// (SearchTieKey: a hash of the id). Hits of one group spread evenly over that order, so a store
// can take the first hits of a large group of equals by walking its entities in that order and
// stopping at the page: an alphabetical order would put every "Pacific ..." in one stretch, far
// from the start. A hit's score is its tier plus
// a fraction in [0, 1) that grows with the matched tokens, the quality and the brevity, in that
// order of importance: the higher score always ranks first, and equal scores tie.

// MaxSearchTokens is how many tokens of a search text count; the rest are ignored.
const MaxSearchTokens = 16

// MaxSearchTokenUnits is the longest token in UTF-16 code units: a longer run of letters and
// digits is cut into tokens of this length, as full-text engines cut the words they index (Lucene
// keeps words of up to 255 code units), so that every store sees the same tokens.
const MaxSearchTokenUnits = 255

// MaxTypoRunes is the longest query token that may match with a typo.
const MaxTypoRunes = 20

// Token rules: the shortest token that matches as a prefix when it is not the query's last, and the
// shortest that may match one and two edits away.
const (
	minPrefixRunes = 3
	minTypoRunes   = 4
	minTypo2Runes  = 8
)

// MatchClass is how well a query token matches a word; a greater class is a better match, and
// its value is its weight in a hit's quality.
type MatchClass uint8

// The match classes, worst first.
const (
	NoMatch     MatchClass = 0
	Typo2Match  MatchClass = 1 // two edits away
	TypoMatch   MatchClass = 2 // one edit away
	PrefixMatch MatchClass = 3
	ExactMatch  MatchClass = 4
)

// Search tiers (see the package's search ranking notes).
const (
	TierSomeTokens = 0
	TierTypo       = 1
	TierAllTokens  = 2
	TierAlias      = 3
	TierName       = 4
)

// MaxRankedNameTokens bounds the name length the ranking tells apart: names of more tokens rank as
// if they had this many.
const MaxRankedNameTokens = 63

// SearchTokens returns the tokens of s search compares: the runs of letters and digits of Fold(s),
// each cut into pieces of at most MaxSearchTokenUnits UTF-16 code units.
func SearchTokens(s string) []string {
	isSep := func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }
	var ts []string
	if isPlainASCII(s) {
		// Fold of ASCII text is lower-casing, and squeezing white space does not change tokens.
		ts = strings.FieldsFunc(strings.ToLower(s), isSep)
	} else {
		ts = strings.FieldsFunc(Fold(s), isSep)
	}
	for i := 0; i < len(ts); i++ {
		if len(ts[i]) <= MaxSearchTokenUnits {
			continue // no string of n bytes has more than n UTF-16 code units
		}
		if head, tail := cutToken(ts[i]); tail != "" {
			ts[i] = head
			ts = append(ts[:i+1], append([]string{tail}, ts[i+1:]...)...)
		}
	}
	return ts
}

// cutToken splits t after the rune that brings its first piece to MaxSearchTokenUnits UTF-16 code
// units or more (a rune outside the Basic Multilingual Plane counts two), as Lucene's tokenizers do.
func cutToken(t string) (head, tail string) {
	units := 0
	for i, r := range t {
		if units += utf16.RuneLen(r); units >= MaxSearchTokenUnits {
			end := i + utf8.RuneLen(r)
			return t[:end], t[end:]
		}
	}
	return t, ""
}

// searchKey returns the tokens of s joined by one space: the form in which keys are compared.
func searchKey(s string) (key string, tokens int) {
	ts := SearchTokens(s)
	return strings.Join(ts, " "), len(ts)
}

// SearchDoc is what ranking needs of an entity, computed once per entity.
type SearchDoc struct {
	NameKey    string   // the name's tokens joined by one space
	OtherKeys  []string // the same for each alias, then the acronym
	Words      []string // the distinct tokens of all keys, in order of first appearance
	NameTokens int      // how many tokens the name has
}

// NewSearchDoc returns the search document of e: its name, aliases and acronym (if any) as keys,
// then titles, the titles of the positions e holds (PositionTitles of its relations; nil for an
// entity that holds none). A store must pass every title e holds, so it reindexes a person when
// one of its HOLDS_POSITION relations is written or removed.
func NewSearchDoc(e *Entity, titles []string) *SearchDoc {
	d := &SearchDoc{}
	d.NameKey, d.NameTokens = searchKey(e.Name)
	d.addWords(d.NameKey)
	for _, a := range e.Aliases {
		d.addKey(a)
	}
	if a := e.Prop(PropAcronym); a != "" {
		d.addKey(a)
	}
	for _, t := range titles {
		d.addKey(t)
	}
	return d
}

// TitledTypes are the relation types whose title makes the entity at their From findable by it.
var TitledTypes = []string{RelHoldsPosition}

// PositionTitles returns the titles search finds the entity id by: the title of each relation of
// TitledTypes among rels that goes from id, each once, sorted. rels may hold any relations.
func PositionTitles(id string, rels []*Relation) []string {
	var out []string
	for _, r := range rels {
		if r.From != id || !containsString(TitledTypes, r.Type) {
			continue
		}
		if t := strings.TrimSpace(r.Prop(PropTitle)); t != "" && !containsString(out, t) {
			out = append(out, t)
		}
	}
	slices.Sort(out)
	return out
}

// SearchDocOfKeys returns the search document of an entity whose keys, each already in search
// form (its tokens joined by one space), are keys: the name's first, then the aliases', the
// acronym's and the titles'. Stores that keep the keys rather than the entity use it.
func SearchDocOfKeys(keys []string) *SearchDoc {
	d := &SearchDoc{}
	if len(keys) == 0 {
		return d
	}
	d.NameKey = keys[0]
	d.NameTokens = len(strings.Fields(keys[0]))
	d.addWords(d.NameKey)
	for _, k := range keys[1:] {
		d.OtherKeys = append(d.OtherKeys, k)
		d.addWords(k)
	}
	return d
}

func (d *SearchDoc) addKey(s string) {
	k, _ := searchKey(s)
	d.OtherKeys = append(d.OtherKeys, k)
	d.addWords(k)
}

func (d *SearchDoc) addWords(key string) {
	for w := range strings.SplitSeq(key, " ") {
		if w != "" && !containsString(d.Words, w) {
			d.Words = append(d.Words, w)
		}
	}
}

func containsString(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// QueryToken is one token of a search and the ways it may match a word.
type QueryToken struct {
	Text     string
	Prefix   bool // it may match the start of a word
	MaxEdits int  // it may match a word this many edits away (0, 1 or 2)
}

// Match returns how token t matches word w.
func (t QueryToken) Match(w string) MatchClass {
	switch {
	case w == t.Text:
		return ExactMatch
	case t.Prefix && strings.HasPrefix(w, t.Text):
		return PrefixMatch
	case t.MaxEdits >= 1 && OneEdit(t.Text, w):
		return TypoMatch
	case t.MaxEdits >= 2 && Edits(t.Text, w, 2) == 2:
		return Typo2Match
	}
	return NoMatch
}

// OneEdit reports whether a and b differ by exactly one edit: one rune inserted, deleted or
// replaced, or two adjacent runes swapped (an optimal string alignment distance of 1). It does not
// allocate: stores call it for many words per search.
func OneEdit(a, b string) bool {
	if a == b {
		return false
	}
	na, nb := utf8.RuneCountInString(a), utf8.RuneCountInString(b)
	if na > nb {
		a, b, na, nb = b, a, nb, na
	}
	if nb-na > 1 {
		return false
	}
	// Skip the common prefix, back to a rune boundary of both.
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	for i > 0 && (i < len(a) && !utf8.RuneStart(a[i]) || i < len(b) && !utf8.RuneStart(b[i])) {
		i--
	}
	_, sa := utf8.DecodeRuneInString(a[i:])
	rb, sb := utf8.DecodeRuneInString(b[i:])
	if na < nb { // one rune inserted into a at i
		return a[i:] == b[i+sb:]
	}
	if a[i+sa:] == b[i+sb:] { // one rune replaced at i
		return true
	}
	// Two adjacent runes swapped at i.
	ra, _ := utf8.DecodeRuneInString(a[i:])
	ra2, sa2 := utf8.DecodeRuneInString(a[i+sa:])
	rb2, sb2 := utf8.DecodeRuneInString(b[i+sb:])
	return sa2 > 0 && ra == rb2 && ra2 == rb && a[i+sa+sa2:] == b[i+sb+sb2:]
}

// Edits returns the optimal string alignment distance of a and b (the fewest runes inserted,
// deleted or replaced and adjacent runes swapped that turn a into b), or bound+1 if it is more
// than bound. It stops as soon as the distance must exceed bound.
func Edits(a, b string, bound int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d > bound || -d > bound {
		return bound + 1
	}
	// Three rows of the dynamic program: two back (for swaps), one back, and the current one.
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
			best = min(best, cur[j])
		}
		if best > bound {
			return bound + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return min(prev[len(rb)], bound+1)
}

// SearchPlan is a search text made ready for ranking.
type SearchPlan struct {
	Tokens []QueryToken // at most MaxSearchTokens
	Key    string       // the tokens joined by one space, compared with whole keys
}

// PlanSearch returns the plan of a search text. A text without letters or digits gives a plan
// without tokens, which matches nothing.
func PlanSearch(text string) *SearchPlan {
	ts := SearchTokens(text)
	ts = ts[:min(len(ts), MaxSearchTokens)]
	p := &SearchPlan{Key: strings.Join(ts, " ")}
	for i, t := range ts {
		n := utf8.RuneCountInString(t)
		qt := QueryToken{Text: t, Prefix: i == len(ts)-1 || n >= minPrefixRunes}
		switch {
		case n > MaxTypoRunes || isNumber(t):
		case n >= minTypo2Runes:
			qt.MaxEdits = 2
		case n >= minTypoRunes:
			qt.MaxEdits = 1
		}
		p.Tokens = append(p.Tokens, qt)
	}
	return p
}

func isNumber(t string) bool {
	for _, r := range t {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// Classes returns, for each token of p, the best class of its matches with d's words.
func (p *SearchPlan) Classes(d *SearchDoc) []MatchClass {
	cs := make([]MatchClass, len(p.Tokens))
	for i, t := range p.Tokens {
		for _, w := range d.Words {
			cs[i] = max(cs[i], t.Match(w))
			if cs[i] == ExactMatch {
				break
			}
		}
	}
	return cs
}

// SearchRank is where a hit ranks: the parts of its score, most important first.
type SearchRank struct {
	Tier       int // TierSomeTokens to TierName
	Matched    int // query tokens that match
	Quality    int // the sum of their MatchClass weights
	NameTokens int // tokens of the entity's name; fewer rank higher
}

// Rank returns the rank of d for p, and false if d is not a hit.
func (p *SearchPlan) Rank(d *SearchDoc) (SearchRank, bool) {
	return p.RankClasses(d, p.Classes(d))
}

// RankClasses returns the rank of d for p given the best class of each token of p (Classes), and
// false if d is not a hit. Stores that already know the classes from an index use it.
func (p *SearchPlan) RankClasses(d *SearchDoc, classes []MatchClass) (SearchRank, bool) {
	r, ok := p.ClassRank(classes)
	if !ok {
		return r, false
	}
	r.NameTokens = d.NameTokens
	switch {
	case d.NameKey == p.Key:
		r.Tier = TierName
	case containsString(d.OtherKeys, p.Key):
		r.Tier = TierAlias
	}
	return r, true
}

// ClassRank returns the rank, but for NameTokens, of an entity whose tokens match as classes say
// and none of whose keys is the query's: the group of hits it ranks in. It returns false if no
// token matches.
func (p *SearchPlan) ClassRank(classes []MatchClass) (SearchRank, bool) {
	var r SearchRank
	weakest := ExactMatch
	for _, c := range classes {
		if c != NoMatch {
			r.Matched++
			r.Quality += int(c)
		}
		weakest = min(weakest, c)
	}
	if r.Matched == 0 {
		return r, false
	}
	switch {
	case weakest >= PrefixMatch:
		r.Tier = TierAllTokens
	case weakest >= Typo2Match:
		r.Tier = TierTypo
	default:
		r.Tier = TierSomeTokens
	}
	return r, true
}

// Points returns r as one integer that orders ranks as the ranking notes say: a greater number
// is a better rank, and equal ranks have equal points. Stores that must order hits before they
// reach Go compute the same number from the same parts.
func (p *SearchPlan) Points(r SearchRank) int64 {
	m := int64(len(p.Tokens))
	return (((int64(r.Tier)*(m+1)+int64(r.Matched))*(int64(ExactMatch)*m+1) + int64(r.Quality)) * (MaxRankedNameTokens + 1)) +
		MaxRankedNameTokens - int64(min(r.NameTokens, MaxRankedNameTokens))
}

// Score returns the score of r: its tier plus a fraction in [0, 1) that orders ranks of a tier as
// Points does.
func (p *SearchPlan) Score(r SearchRank) float64 {
	m := int64(len(p.Tokens))
	perTier := (m + 1) * (int64(ExactMatch)*m + 1) * (MaxRankedNameTokens + 1)
	return float64(r.Tier) + float64(p.Points(r)-int64(r.Tier)*perTier)/float64(perTier)
}

// CompareSearchHits orders search hits best first: by score, higher first, then by SearchTieKey
// (compared without building it: ranking a page compares many hits).
func CompareSearchHits(a, b SearchHit) int {
	return cmp.Or(cmp.Compare(b.Score, a.Score), cmp.Compare(tieHash(a.Entity.ID), tieHash(b.Entity.ID)),
		strings.Compare(a.Entity.ID, b.Entity.ID))
}

// SearchTieKey returns the key that orders search hits of equal score: the 64-bit FNV-1a hash of
// the entity id as 16 hexadecimal digits, then the id (two ids with the same hash). It is ASCII,
// so every store sorts it alike.
func SearchTieKey(id string) string {
	return fmt.Sprintf("%016x", tieHash(id)) + id
}

// SearchTieHash is the hash SearchTieKey(id) begins with: ordering by it, then by id, is ordering
// by SearchTieKey, for a store that keeps 8 bytes per entity rather than the key.
func SearchTieHash(id string) uint64 { return tieHash(id) }

func tieHash(id string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(id))
	return h.Sum64()
}
