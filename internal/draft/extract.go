package draft

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/diplograph/diplograph/internal/kg"
)

// sent is one sentence being drafted: its tokens, which of them the rules have read, and the
// entities named in it.
type sent struct {
	b     *builder
	quote string
	toks  []token
	used  []bool
	ments []*mention
	dates []date
}

// mention is an entity named in a sentence, over tokens [from, to).
type mention struct {
	e        *ent
	from, to int
}

// date is a date the sentence gives, over tokens [from, to).
type date struct {
	iso      string
	from, to int
	yearless bool
}

// sentence drafts what the sentence sp says. The rules run in order, each reading what the ones
// before it found: dates, then people (titles before or after names), then the other names, then
// the facts around them.
func (b *builder) sentence(sp span) {
	s := &sent{b: b, quote: b.text[sp.start:sp.end], toks: tokenize(b.text, sp)}
	s.used = make([]bool, len(s.toks))
	s.findDates()
	s.people()
	s.names()
	slices.SortFunc(s.ments, func(x, y *mention) int { return x.from - y.from })
	s.meetings()
	s.delegations()
	s.chairs()
	s.outcomes()
	s.supports()
	s.partOf()
	s.topics()
}

func (s *sent) text(from, to int) string {
	if from >= to {
		return ""
	}
	return strings.Join(strings.Fields(s.b.text[s.toks[from].start:s.toks[to-1].end]), " ")
}

func (s *sent) tok(i int) string {
	if i < 0 || i >= len(s.toks) {
		return ""
	}
	return s.toks[i].s
}

func (s *sent) mark(from, to int) {
	for i := from; i < to && i < len(s.used); i++ {
		s.used[i] = true
	}
}

func (s *sent) add(e *ent, from, to int) *mention {
	if e == nil {
		return nil
	}
	m := &mention{e: e, from: from, to: to}
	s.ments = append(s.ments, m)
	s.mark(from, to)
	return m
}

// find returns the index of the first token at or after from that is w, or -1.
func (s *sent) find(from int, ws ...string) int {
	for i := max(from, 0); i < len(s.toks); i++ {
		if slices.Contains(ws, s.toks[i].s) {
			return i
		}
	}
	return -1
}

// phraseAt returns the index of the first token of phrase (words separated by spaces) at or after
// from, or -1.
func (s *sent) phraseAt(from int, phrase string) int {
	ws := strings.Fields(phrase)
	for i := max(from, 0); i+len(ws) <= len(s.toks); i++ {
		ok := true
		for k, w := range ws {
			if s.toks[i+k].s != w {
				ok = false
				break
			}
		}
		if ok {
			return i
		}
	}
	return -1
}

// --- dates ---

func (s *sent) findDates() {
	l := lex()
	for i := 0; i < len(s.toks); i++ {
		m, ok := l.months[s.tok(i)]
		if !ok {
			continue
		}
		j := i + 1
		day, year := 0, ""
		if d, err := strconv.Atoi(s.tok(j)); err == nil && d >= 1 && d <= 31 {
			day = d
			j++
			if s.tok(j) == "," && isYear(s.tok(j+1)) {
				year = s.tok(j + 1)
				j += 2
			}
		} else if isYear(s.tok(j)) {
			year = s.tok(j)
			j++
		} else {
			continue
		}
		d := date{from: i, to: j, yearless: year == ""}
		if year == "" {
			year = s.b.year
		}
		switch {
		case year == "":
			continue // no year anywhere: not a date the graph can hold
		case day > 0:
			d.iso = fmt.Sprintf("%s-%02d-%02d", year, m, day)
		default:
			d.iso = fmt.Sprintf("%s-%02d", year, m)
		}
		s.dates = append(s.dates, d)
		s.mark(i, j)
		i = j - 1
	}
}

func isYear(t string) bool {
	n, err := strconv.Atoi(t)
	return err == nil && len(t) == 4 && n >= 1800 && n <= 2200
}

// --- people ---

// people finds people named with their titles: "<title> <name>" ("U.S. Ambassador to Mexico Ken
// Salazar", "DHS Acting Assistant Secretary for ... Blas Nuñez-Neto") and "<name>, <title>"
// ("Roberto Velasco, Chief Officer for North America of the Secretariat of Foreign Relations
// (SRE)"). A title's organization is the one after "at", or an organization after "of"/"for" (a
// name with a head word such as "Secretariat", or with its acronym in parentheses), or an acronym
// before the title ("DHS"). A country before the title ("U.S.", "Mexican") is part of the title.
func (s *sent) people() {
	l := lex()
	for h := 0; h < len(s.toks); h++ {
		n := s.titleHeadAt(h)
		if n == 0 {
			continue
		}
		start := h
		for start > 0 && !s.used[start-1] && l.titleMods[s.tok(start-1)] {
			start--
		}
		titleStart, prefixFrom := start, start
		var nation *country
		var orgAcr string
		if p := start - 1; p >= 0 && !s.used[p] {
			if c := l.countryOf(s.tok(p)); c != nil {
				nation, titleStart, prefixFrom = c, p, p
			} else if isAcronym(s.tok(p)) {
				orgAcr, prefixFrom = s.tok(p), p
			}
		}
		end := s.complementEnd(h + n)
		nameFrom, nameTo, nick := s.nameAtEnd(h+n, end)
		appositive := false
		if nameFrom < 0 {
			// "<name>, <title> ...": the name before the comma.
			if c := prefixFrom - 1; c > 0 && s.tok(c) == "," {
				k := c
				for k > 0 && isCap(s.tok(k-1)) && !s.used[k-1] && isNameWord(s.tok(k-1)) && c-k < 4 {
					k--
				}
				if c-k >= 2 {
					nameFrom, nameTo, appositive = k, c, true
				}
			}
		}
		nameFirst := false
		if nameFrom < 0 {
			// "<title> <name> of the <organization>": the name right after the title.
			k := h + n
			for k < end && isNameWord(s.tok(k)) && k-(h+n) < 3 {
				k++
			}
			if at := s.tok(k); k-(h+n) >= 2 && (lex().titleLinks[at] || lex().titleAt[at]) {
				nameFrom, nameTo, nameFirst = h+n, k, true
			}
		}
		if nameFrom < 0 {
			continue
		}
		compFrom, compEnd := h+n, end
		switch {
		case nameFirst:
			compFrom = nameTo
		case !appositive:
			compEnd = nameFrom
		}
		titleEnd, orgFrom, orgTo := s.splitComplement(compFrom, compEnd)
		if nameFirst {
			titleEnd = h + n
		}
		title := s.text(titleStart, titleEnd)
		name := s.text(nameFrom, nameTo)
		var aliases []string
		if nick != "" {
			aliases = []string{nick + " " + s.tok(nameTo-1), s.text(nameFrom, nameTo)}
			name = s.tok(nameFrom) + " " + s.tok(nameTo-1)
		}
		p := s.b.entity(kg.KindPerson, name, s.quote)
		for _, a := range aliases {
			s.b.alias(p, a)
		}
		s.add(p, nameFrom, nameTo)
		if nation != nil {
			p.country = nation
			s.add(s.b.country(nation, s.quote), titleStart, titleStart+1)
		}
		var org *ent
		switch {
		case orgFrom >= 0:
			org = s.organization(orgFrom, orgTo)
		case orgAcr != "":
			org = s.acronym(orgAcr, kg.KindOrganization)
			s.add(org, prefixFrom, prefixFrom+1)
		}
		props := map[string]any{kg.PropTitle: title, kg.PropActing: slices.Contains(strings.Fields(title), "Acting")}
		if org != nil {
			s.b.relate(kg.RelHoldsPosition, p, org, props, s.quote, "")
		} else {
			s.b.pending = append(s.b.pending, position{person: p, props: props, quote: s.quote})
		}
		s.mark(prefixFrom, max(end, nameTo))
		if appositive {
			s.mark(nameFrom, end)
		}
		h = max(end, nameTo) - 1
	}
}

// titleHeadAt returns how many tokens a title head at i covers, 0 if none starts there.
func (s *sent) titleHeadAt(i int) int {
	if s.used[i] || !isCap(s.tok(i)) {
		return 0
	}
	for _, p := range lex().titleHeads {
		if i+len(p) > len(s.toks) {
			continue
		}
		ok := true
		for k, w := range p {
			if s.tok(i+k) != w {
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

// complementEnd returns where the words after a title head end: capitals, connectors, title links,
// parenthesized acronyms and quoted nicknames, up to a comma, a lower-case word, or "and" before
// another title.
func (s *sent) complementEnd(i int) int {
	l := lex()
	j := i
	for j < len(s.toks) && !s.used[j] {
		t := s.tok(j)
		switch {
		case t == "and":
			k := j + 1
			if l.countryOf(s.tok(k)) != nil || isAcronym(s.tok(k)) {
				k++
			}
			if l.titleMods[s.tok(k)] || s.titleHeadAt(k) > 0 || !isCap(s.tok(j+1)) {
				return trimConnectors(s, i, j)
			}
		case isCap(t), l.titleLinks[t], l.titleAt[t], connectors[t]:
		case t == "(" && isAcronym(s.tok(j+1)) && s.tok(j+2) == ")":
			j += 2
		case (t == "“" || t == "\"") && isCap(s.tok(j+1)) && (s.tok(j+2) == "”" || s.tok(j+2) == "\""):
			j += 2
		default:
			return trimConnectors(s, i, j)
		}
		j++
	}
	return trimConnectors(s, i, j)
}

func trimConnectors(s *sent, from, to int) int {
	l := lex()
	for to > from && (connectors[s.tok(to-1)] || l.titleLinks[s.tok(to-1)] || l.titleAt[s.tok(to-1)]) {
		to--
	}
	return to
}

// nameAtEnd finds the person's name that ends the words [from, to) after a title: the last two
// words (three when the third from last is a given name of the lexicon, all when no link word
// such as "for" comes first: "President López Obrador"), or a name with a quoted nickname
// ("Benjamine “Carry” Huffman"). It returns -1 when the words end in no name.
func (s *sent) nameAtEnd(from, to int) (nameFrom, nameTo int, nick string) {
	if to-from >= 5 && isQuote(s.tok(to-2)) && isQuote(s.tok(to-4)) && isNameWord(s.tok(to-1)) && isNameWord(s.tok(to-5)) {
		return to - 5, to, s.tok(to - 3)
	}
	k := to
	for k > from && isNameWord(s.tok(k-1)) && isCap(s.tok(k-1)) {
		k--
	}
	n := to - k
	if n == 0 {
		return -1, -1, ""
	}
	linked := false
	for i := from; i < k; i++ {
		if lex().titleLinks[s.tok(i)] || lex().titleAt[s.tok(i)] {
			linked = true
		}
	}
	switch {
	case !linked && k == from:
		n = min(n, 4)
	case n >= 3 && lex().givenNames[s.tok(to-3)]:
		n = 3
	case n >= 2:
		n = 2
	default:
		// One capital after a complement ("to Mexico") is not a name.
		return -1, -1, ""
	}
	if isAcronym(s.tok(to-n)) || lex().countryOf(s.tok(to-1)) != nil {
		return -1, -1, ""
	}
	return to - n, to, ""
}

func isQuote(t string) bool { return t == "“" || t == "”" || t == "\"" }

// isNameWord reports whether t may be a word of a person's name: not a head word, title word,
// country, acronym or connector.
func isNameWord(t string) bool {
	l := lex()
	if !isCap(t) || isAcronym(t) || l.orgHeads[t] || l.titleMods[t] || l.countryOf(t) != nil || unicode.IsDigit(firstRune(t)) {
		return false
	}
	for _, p := range l.titleHeads {
		if p[0] == t {
			return false
		}
	}
	return true
}

func firstRune(t string) rune {
	r, _ := utf8.DecodeRuneInString(t)
	return r
}

// splitComplement splits the words after a title head [from, to) into what belongs to the title
// and the organization named in them: it returns where the title ends and the organization's
// words (-1 when none).
func (s *sent) splitComplement(from, to int) (titleEnd, orgFrom, orgTo int) {
	l := lex()
	for i := from; i < to; i++ {
		if l.titleAt[s.tok(i)] {
			o := i + 1
			if s.tok(o) == "the" {
				o++
			}
			if o < to {
				return i, o, to
			}
		}
	}
	for i := to - 1; i >= from; i-- {
		if !l.titleLinks[s.tok(i)] {
			continue
		}
		o := i + 1
		if s.tok(o) == "the" {
			o++
		}
		if o < to && s.isOrgPhrase(o, to) {
			return i, o, to
		}
	}
	return to, -1, -1
}

// isOrgPhrase reports whether [from, to) names an organization: a head word first (after a
// country), or a head word anywhere and its acronym in parentheses at the end.
func (s *sent) isOrgPhrase(from, to int) bool {
	l := lex()
	i := from
	if l.countryOf(s.tok(i)) != nil {
		i++
	}
	if l.orgHeads[s.tok(i)] {
		return true
	}
	if s.tok(to-1) != ")" {
		return false
	}
	for k := from; k < to; k++ {
		if l.orgHeads[s.tok(k)] {
			return true
		}
	}
	return false
}

// --- names ---

// names drafts the names the sentence gives that are not people: runs of capitalized words
// joined by connectors ("Secretariat of the Economy"), with acronyms in parentheses, classified
// by their head words (lexicon.txt) and the lexicon's countries and places.
func (s *sent) names() {
	for i := 0; i < len(s.toks); {
		if s.used[i] || !isCap(s.tok(i)) {
			i++
			continue
		}
		j := s.phraseEnd(i)
		j = s.acrossCommas(i, j)
		s.phrase(i, j)
		i = j
	}
}

// acrossCommas extends the name [from, to) over the commas of a name that lists what an
// organization or framework is for or of: "Secretariat of Infrastructure, Communications and
// Transportation (SICT)", "Bicentennial Framework for Security, Public Health, and Safe
// Communities". The name must have a head word followed by "of" or "for", and each part after a
// comma must be capitalized words without a head word, acronym or country of their own (a list of
// organizations, "the Department of State, DHS, CBP, and ...", is not joined). The last part starts
// with "and".
func (s *sent) acrossCommas(from, to int) int {
	l := lex()
	headOf := false
	for k := from; k+1 < to; k++ {
		w := []string{s.tok(k)}
		if (l.orgHeads[w[0]] || endsWith(w, l.dialogueHeads) || endsWith(w, l.initiativeHeads)) && (s.tok(k+1) == "of" || s.tok(k+1) == "for") {
			headOf = true
		}
	}
	if !headOf {
		return to
	}
	end := to
	for s.tok(end) == "," {
		k := end + 1
		last := false
		if s.tok(k) == "and" {
			k, last = k+1, true
		}
		if !isCap(s.tok(k)) || s.used[k] {
			return to
		}
		next := s.phraseEnd(k)
		for i := k; i < next; i++ {
			w := []string{s.tok(i)}
			if i == k && s.tok(i) == "the" || isAcronym(s.tok(i)) && s.tok(i-1) != "(" || l.orgHeads[w[0]] || endsWith(w, l.dialogueHeads) || endsWith(w, l.initiativeHeads) || l.countryOf(w[0]) != nil {
				return to
			}
		}
		if s.andHasHead(k, next) {
			return to
		}
		end = next
		if last || s.tok(end-1) == ")" {
			return end
		}
		if s.tok(end) != "," {
			// "Communications and Transportation (SICT)": the part ends the name.
			return end
		}
	}
	return to
}

// andHasHead reports whether a part joined by "and" is two names ("X and the Y Service").
func (s *sent) andHasHead(from, to int) bool {
	for k := from; k < to; k++ {
		if s.tok(k) == "and" {
			kind, _ := s.classify(k+1, to)
			return kind != ""
		}
	}
	return false
}

// phraseEnd returns where a run of capitalized words that starts at i ends.
func (s *sent) phraseEnd(i int) int {
	j := i
	for j < len(s.toks) && !s.used[j] {
		t := s.tok(j)
		switch {
		case isCap(t):
			j++
		case connectors[t] && (isCap(s.tok(j+1)) && !s.used[j+1] || s.tok(j+1) == "the" && isCap(s.tok(j+2)) && !s.used[j+2]):
			j++
		case t == "(" && isAcronym(s.tok(j+1)) && s.tok(j+2) == ")":
			j += 3
		default:
			return j
		}
	}
	return j
}

// phrase drafts the run of capitalized words [from, to).
func (s *sent) phrase(from, to int) {
	if t := s.tok(from); t == "The" || t == "the" {
		from++
	}
	if from >= to {
		return
	}
	// "the 14th Plenary Meeting of the <dialogue>": a meeting, and what it is a session of.
	for k := from; k+1 < to; k++ {
		if lex().meetingHeads[s.tok(k)] && s.tok(k+1) == "of" && k > from {
			// The meeting's words start after the last connector before its head: "Joint
			// Statement on the Third Meeting of ..." is about the "Third Meeting of ...".
			start := from
			for i := from; i < k; i++ {
				if connectors[s.tok(i)] {
					start = i + 1
				}
			}
			if start < k {
				s.meetingOf(start, k+1, to)
				return
			}
		}
	}
	// "A and B": two names when both sides are names of their own.
	for k := from + 1; k < to-1; k++ {
		if s.tok(k) != "and" {
			continue
		}
		rk := k + 1
		if s.tok(rk) == "the" {
			rk++
		}
		lk, _ := s.classify(from, k)
		rkind, _ := s.classify(rk, to)
		if rkind == kg.KindOrganization && strings.HasSuffix(s.tok(to-1), "Governments") {
			// "the U.S. and Mexican Governments": each country's government.
			if c := lex().countryOf(s.tok(k - 1)); c != nil && k-1 == from {
				s.add(s.b.government(c, s.quote), from, k)
				s.phrase(rk, to)
				return
			}
		}
		if lk != "" && rkind != "" {
			s.phrase(from, k)
			s.phrase(rk, to)
			return
		}
	}
	s.name(from, to)
}

// classify returns the kind of the name [from, to) and, for a country's government, the country.
func (s *sent) classify(from, to int) (kg.Kind, *country) {
	l := lex()
	words := s.words(from, to)
	text := strings.Join(words, " ")
	if len(words) == 0 {
		return "", nil
	}
	if c := l.countryOf(text); c != nil {
		return kg.KindCountry, c
	}
	if p := l.placeOf(text); p != nil {
		return kg.KindPlace, nil
	}
	last := words[len(words)-1]
	if last == "Government" || last == "Governments" || last == "government" {
		if c := l.countryOf(strings.Join(words[:len(words)-1], " ")); c != nil {
			return kg.KindOrganization, c
		}
	}
	if len(words) == 3 && words[0] == "Government" && words[1] == "of" {
		if c := l.countryOf(words[2]); c != nil {
			return kg.KindOrganization, c
		}
	}
	// A head word before "of" or "for" says the kind: "Department of State", "Bicentennial
	// Framework for Security, ...".
	for i := 0; i+1 < len(words); i++ {
		if words[i+1] != "of" && words[i+1] != "for" {
			continue
		}
		w := words[:i+1]
		switch {
		case endsWith(w, l.dialogueHeads):
			return kg.KindDialogue, nil
		case endsWith(w, l.initiativeHeads):
			return kg.KindInitiative, nil
		case l.orgHeads[words[i]]:
			return kg.KindOrganization, nil
		}
	}
	if endsWith(words, l.dialogueHeads) {
		return kg.KindDialogue, nil
	}
	if endsWith(words, l.initiativeHeads) {
		return kg.KindInitiative, nil
	}
	if l.orgHeads[last] || l.orgHeads[words[0]] || len(words) > 1 && l.countryOf(words[0]) != nil && l.orgHeads[words[1]] {
		return kg.KindOrganization, nil
	}
	if len(words) == 1 && isAcronym(words[0]) {
		if e := s.b.acronyms[words[0]]; e != nil {
			return e.e.Kind, nil
		}
	}
	return "", nil
}

// words returns the words of [from, to) without parenthesized acronyms.
func (s *sent) words(from, to int) []string {
	var out []string
	for i := from; i < to; i++ {
		if s.tok(i) == "(" && s.tok(i+2) == ")" {
			i += 2
			continue
		}
		out = append(out, s.tok(i))
	}
	return out
}

func endsWith(words []string, heads [][]string) bool {
	for _, h := range heads {
		if len(h) <= len(words) && slices.Equal(words[len(words)-len(h):], h) {
			return true
		}
	}
	return false
}

// name drafts one name [from, to): an entity of the kind classify gives, or, with acronyms in
// parentheses, each part: "21st Century Border Management Process (21CB) Executive Steering
// Committee (ESC)" is the process 21CB and its committee "21CB Executive Steering Committee"
// (ESC), PART_OF the process.
func (s *sent) name(from, to int) *ent {
	var parts [][2]int // [start, index of "("]
	start := from
	for k := from; k < to; k++ {
		if s.tok(k) == "(" && k+2 < to+1 && s.tok(k+2) == ")" {
			parts = append(parts, [2]int{start, k})
			start = k + 3
			k += 2
		}
	}
	if len(parts) <= 1 || start < to {
		if len(parts) == 1 && start >= to {
			return s.defined(parts[0][0], parts[0][1], s.tok(parts[0][1]+1), to)
		}
		kind, c := s.classify(from, to)
		return s.simple(kind, c, from, to)
	}
	var prev *ent
	var prevAcr string
	var fullPrev string
	for _, p := range parts {
		acr := s.tok(p[1] + 1)
		if prev == nil {
			prev = s.defined(p[0], p[1], acr, p[1]+3)
			prevAcr, fullPrev = acr, s.text(p[0], p[1])
			continue
		}
		// The part after an acronym names something of what the acronym names.
		own := s.text(p[0], p[1])
		kind, _ := s.classify(p[0], p[1])
		if kind == "" {
			kind = prev.e.Kind
		}
		e := s.b.entity(kind, prevAcr+" "+own, s.quote)
		s.b.alias(e, fullPrev+" "+own)
		s.define(e, acr)
		s.add(e, p[0], p[1]+3)
		s.b.relate(kg.RelPartOf, e, prev, nil, s.quote, "")
		prev, prevAcr, fullPrev = e, acr, fullPrev+" "+own
	}
	return prev
}

// defined drafts "<name> (<acronym>)" over [from, to).
func (s *sent) defined(from, paren int, acr string, to int) *ent {
	kind, c := s.classify(from, paren)
	if kind == "" {
		kind = kg.KindOrganization
	}
	e := s.simple(kind, c, from, paren)
	if e == nil {
		return nil
	}
	s.define(e, acr)
	s.mark(from, to)
	return e
}

func (s *sent) define(e *ent, acr string) {
	if e.e.Prop(kg.PropAcronym) == "" && e.e.Kind != kg.KindPerson && e.e.Kind != kg.KindCountry && e.e.Kind != kg.KindPlace {
		if e.e.Properties == nil {
			e.e.Properties = map[string]any{}
		}
		e.e.Properties[kg.PropAcronym] = acr
	}
	if !slices.Contains(e.e.Aliases, acr) {
		e.e.Aliases = append(e.e.Aliases, acr)
	}
	s.b.acronyms[acr] = e
}

// simple drafts a name without parts as the entity of kind (nothing when kind is empty).
func (s *sent) simple(kind kg.Kind, c *country, from, to int) *ent {
	var e *ent
	switch kind {
	case "":
		return nil
	case kg.KindCountry:
		e = s.b.country(c, s.quote)
	case kg.KindPlace:
		p := lex().placeOf(strings.Join(s.words(from, to), " "))
		e = s.b.entity(kg.KindPlace, p.Name, s.quote)
		s.b.alias(e, s.text(from, to))
		e.country = lex().countryByCode(p.Country)
	case kg.KindOrganization:
		if c != nil {
			e = s.b.government(c, s.quote)
			break
		}
		if len(s.words(from, to)) == 1 {
			e = s.acronym(s.tok(from), kind)
			break
		}
		e = s.b.entity(kind, s.text(from, to), s.quote)
		// "U.S. Customs and Border Protection", "National Customs Agency of Mexico": the name says
		// the country.
		if n := lex().countryOf(s.tok(from)); n != nil {
			e.country = n
		} else if n := lex().countryOf(s.tok(to - 1)); n != nil && to-from > 2 && s.tok(to-2) == "of" {
			e.country = n
		}
	default:
		e = s.b.entity(kind, s.text(from, to), s.quote)
	}
	s.add(e, from, to)
	return e
}

// organization drafts the organization named by [from, to), with its acronym if given.
func (s *sent) organization(from, to int) *ent {
	if to-from == 1 {
		e := s.acronym(s.tok(from), kg.KindOrganization)
		s.add(e, from, to)
		return e
	}
	if s.tok(to-1) == ")" && s.tok(to-3) == "(" {
		return s.defined(from, to-3, s.tok(to-2), to)
	}
	kind, c := s.classify(from, to)
	if kind != kg.KindOrganization {
		kind, c = kg.KindOrganization, nil
	}
	return s.simple(kind, c, from, to)
}

// acronym returns the entity an acronym names: the one the text defined it for, or a new one of
// kind named by the acronym.
func (s *sent) acronym(acr string, kind kg.Kind) *ent {
	if e := s.b.acronyms[acr]; e != nil {
		s.b.cite(&e.e.Citations, s.quote)
		return e
	}
	e := s.b.entity(kind, acr, s.quote)
	if e != nil && e.e.Kind != kg.KindPerson {
		s.b.acronyms[acr] = e
	}
	return e
}

// meetingOf drafts "<ordinal> Plenary Meeting of the <name>" ([from, of) is the meeting's words,
// (of, to) what it is a meeting of).
func (s *sent) meetingOf(from, of, to int) {
	rest := of + 1
	if s.tok(rest) == "the" {
		rest++
	}
	dialogue := s.name(rest, to)
	name := s.text(from, of) + " of the " + strings.Join(s.words(rest, to), " ")
	m := s.b.entity(kg.KindMeeting, name, s.quote)
	if n := ordinal(s.tok(from)); n > 0 {
		setProp(&m.e, kg.PropOrdinal, int64(n))
	} else if n := lex().ordinals[s.tok(from)]; n > 0 {
		setProp(&m.e, kg.PropOrdinal, int64(n))
	}
	s.add(m, from, of)
	if dialogue != nil {
		s.b.relate(kg.RelSessionOf, m, dialogue, nil, s.quote, "")
	}
	if s.b.meeting == nil {
		s.b.meeting = m
	}
}

func ordinal(t string) int {
	i := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) })
	if i <= 0 {
		return 0
	}
	switch t[i:] {
	case "st", "nd", "rd", "th":
		n, _ := strconv.Atoi(t[:i])
		return n
	}
	return 0
}

func setProp(e *kg.Entity, k string, v any) {
	if e.Properties == nil {
		e.Properties = map[string]any{}
	}
	if _, ok := e.Properties[k]; !ok {
		e.Properties[k] = v
	}
}
