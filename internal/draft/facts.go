package draft

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/diplograph/diplograph/internal/kg"
)

// The rules for facts around the names of a sentence: where and when a meeting was held, who sat
// in which delegation, what a meeting adopted or applauded, what an initiative supports, and the
// topics addressed.

// position is a title whose organization the text does not name; infer settles it.
type position struct {
	person *ent
	props  map[string]any
	quote  string
}

func (s *sent) mentionsOf(from, to int, kinds ...kg.Kind) []*mention {
	var out []*mention
	for _, m := range s.ments {
		if m.from >= from && m.from < to && slices.Contains(kinds, m.e.e.Kind) {
			out = append(out, m)
		}
	}
	return out
}

func (s *sent) mentionAt(i int) *mention {
	for _, m := range s.ments {
		if i >= m.from && i < m.to {
			return m
		}
	}
	return nil
}

// meetings drafts "the July 2022 meeting between President Biden and President López Obrador"
// and the facts of "<subject> met in <place> on <date>".
func (s *sent) meetings() {
	for _, d := range s.dates {
		if s.tok(d.to) != "meeting" || s.tok(d.to+1) != "between" {
			continue
		}
		people := s.mentionsOf(d.to+2, len(s.toks), kg.KindPerson)
		if len(people) < 2 {
			continue
		}
		if and := s.find(people[0].to, "and"); and < 0 || and > people[1].from {
			continue
		}
		m := s.b.entity(kg.KindMeeting, s.text(d.from, people[1].to), s.quote)
		setProp(&m.e, kg.PropDate, d.iso)
		s.add(m, d.from, people[1].to)
		for _, p := range people[:2] {
			s.b.relate(kg.RelAttended, p.e, m, map[string]any{kg.PropRole: "PARTICIPANT"}, s.quote, "")
		}
	}
	slices.SortFunc(s.ments, func(x, y *mention) int { return x.from - y.from })

	v := s.find(0, "met", "convened", "gathered")
	if v < 0 {
		return
	}
	meeting := s.b.meeting
	if ms := s.mentionsOf(0, len(s.toks), kg.KindMeeting); len(ms) > 0 {
		meeting = ms[0].e
	}
	var when *date
	for k := range s.dates {
		if s.dates[k].from > v {
			when = &s.dates[k]
			break
		}
	}
	if ds := s.mentionsOf(0, v, kg.KindDialogue); meeting == nil && len(ds) > 0 && when != nil {
		// "The High-Level Security Dialogue met in ... on March 3": a meeting of the dialogue.
		d := ds[len(ds)-1].e
		meeting = s.b.entity(kg.KindMeeting, d.e.Name+" meeting on "+s.text(when.from, when.to), s.quote)
		s.b.relate(kg.RelSessionOf, meeting, d, nil, s.quote, "")
	}
	if meeting == nil {
		return
	}
	if s.b.meeting == nil {
		s.b.meeting = meeting
	}
	s.b.cite(&meeting.e.Citations, s.quote)
	if in := s.find(v, "in"); in > 0 {
		place := s.mentionAt(in + 1)
		if place == nil && isCap(s.tok(in+1)) && !s.used[in+1] {
			end := s.phraseEnd(in + 1)
			place = s.add(s.b.entity(kg.KindPlace, s.text(in+1, end), s.quote), in+1, end)
		}
		if place != nil && place.e.e.Kind == kg.KindPlace {
			s.b.relate(kg.RelHeldIn, meeting, place.e, nil, s.quote, "")
			if c := s.mentionAt(place.to + 1); s.tok(place.to) == "," && c != nil && c.e.e.Kind == kg.KindCountry {
				s.b.relate(kg.RelLocatedIn, place.e, c.e, nil, s.quote, "")
			}
		}
	}
	if when != nil && meeting.e.Prop(kg.PropDate) == "" {
		setProp(&meeting.e, kg.PropDate, when.iso)
		if when.yearless {
			s.b.inferred(meeting.e.ID, &meeting.e.Citations, kg.PropertyField(kg.PropDate), s.quote, "the text gives the day without a year; the year is the release's")
		}
	}
	if from := s.phraseAt(0, "representatives from"); from >= 0 && from < v {
		for _, o := range s.mentionsOf(from, v, kg.KindOrganization) {
			var props map[string]any
			if o.e.country != nil {
				props = map[string]any{kg.PropDelegation: o.e.country.Code}
			}
			s.b.relate(kg.RelRepresentedAt, o.e, meeting, props, s.quote, "")
		}
	}
}

// chairs drafts "<people> co-chaired the meeting, joined by <person>": attendance without a
// delegation named. A person's delegation is the country their title names ("Mexican Secretary
// of Economy"), if any.
func (s *sent) chairs() {
	meeting := s.b.meeting
	if meeting == nil || s.find(0, "delegation", "delegations") >= 0 {
		return
	}
	for _, vr := range lex().chairs {
		v := s.phraseAt(0, vr.Verb)
		if v < 0 {
			continue
		}
		var people []*mention
		if strings.HasSuffix(vr.Verb, " by") {
			people = s.mentionsOf(v, len(s.toks), kg.KindPerson)
		} else if t := s.tok(v + 1 + boolInt(s.tok(v+1) == "the")); lex().meetingHeads[t] || t == "talks" || t == "dialogue" {
			people = s.mentionsOf(0, v, kg.KindPerson)
		}
		for _, p := range people {
			if _, done := s.b.relIndex[kg.RelAttended+" "+p.e.e.ID+" "+meeting.e.ID]; done {
				continue
			}
			props := map[string]any{kg.PropRole: vr.Role}
			if p.e.country != nil {
				props[kg.PropDelegation] = p.e.country.Code
				p.e.setDelegation(p.e.country, s.quote)
			}
			r := s.b.relate(kg.RelAttended, p.e, meeting, props, s.quote, "")
			if r == nil {
				continue
			}
			// The text names no delegation, and says how they took part in the meeting, not in
			// which role on their side: both are inferred ("led" alone states the role).
			if p.e.country != nil {
				s.b.inferred(kg.RelationName(&r.r), &r.r.Citations, kg.PropertyField(kg.PropDelegation), s.quote,
					"the text names no delegation; taken to be that of "+p.e.country.Name+", which the title names")
			}
			if vr.Verb != "led" {
				s.b.inferred(kg.RelationName(&r.r), &r.r.Citations, kg.PropertyField(kg.PropRole), s.quote,
					"the text says "+vr.Verb+"; recorded as the role "+vr.Role+" on their side")
			}
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// clauses splits the sentence at semicolons and "while", "whereas".
func (s *sent) clauses() [][2]int {
	var out [][2]int
	start := 0
	for i, t := range s.toks {
		if t.s == ";" || t.s == "while" || t.s == "whereas" {
			out = append(out, [2]int{start, i})
			start = i + 1
		}
	}
	return append(out, [2]int{start, len(s.toks)})
}

// delegations drafts "<people> led the U.S. delegation (alongside <person>)", "<people> also
// joined the U.S. delegation", "the Mexican delegation was led by <person>" and "the U.S.
// delegation included representatives from <organizations>". Each mention of a delegation reads
// the words since the one before it (or the clause's start) and up to the next.
func (s *sent) delegations() {
	meeting := s.b.meeting
	if meeting == nil {
		return
	}
	for _, cl := range s.clauses() {
		var ks []int
		for i := cl[0]; i < cl[1]; i++ {
			if s.tok(i) == "delegation" || s.tok(i) == "delegations" {
				ks = append(ks, i)
			}
		}
		for n, k := range ks {
			from, to := cl[0], cl[1]
			if n > 0 {
				from = ks[n-1] + 1
			}
			if n+1 < len(ks) {
				to = ks[n+1]
			}
			s.delegation(meeting, from, k, to)
		}
	}
}

// delegation drafts the delegation named at k, with the words [from, to) around it.
func (s *sent) delegation(meeting *ent, from, k, to int) {
	c := s.delegationCountry(from, k)
	if c == nil {
		if s.tok(k) == "delegations" {
			s.joinedDelegations(meeting, from, to)
		}
		return
	}
	code := map[string]any{kg.PropDelegation: c.Code}
	if inc := s.find(k, "included", "includes", "include"); inc > 0 && inc < to {
		for _, o := range s.mentionsOf(inc, to, kg.KindOrganization) {
			o.e.setDelegation(c, s.quote)
			s.b.relate(kg.RelRepresentedAt, o.e, meeting, code, s.quote, "")
		}
	}
	for _, vr := range lex().attends {
		v := s.phraseAt(from, vr.Verb)
		if v < 0 || v >= to {
			continue
		}
		var subjects []*mention
		if s.tok(v+len(strings.Fields(vr.Verb))) == "by" {
			subjects = s.mentionsOf(v, to, kg.KindPerson)
		} else {
			subjects = s.mentionsOf(from, v, kg.KindPerson)
		}
		along := s.find(v, "alongside")
		if along >= to {
			along = -1
		}
		for _, p := range subjects {
			if along > 0 && p.from > along {
				continue
			}
			p.e.setDelegation(c, s.quote)
			s.b.relate(kg.RelAttended, p.e, meeting, map[string]any{kg.PropRole: vr.Role, kg.PropDelegation: c.Code}, s.quote, "")
		}
		if along > 0 {
			for _, p := range s.mentionsOf(along, to, kg.KindPerson) {
				p.e.setDelegation(c, s.quote)
				r := s.b.relate(kg.RelAttended, p.e, meeting, map[string]any{kg.PropRole: "MEMBER", kg.PropDelegation: c.Code}, s.quote, "")
				if r != nil {
					s.b.inferred(kg.RelationName(&r.r), &r.r.Citations, kg.PropertyField(kg.PropRole), s.quote,
						"the text says the delegation was led alongside this person; that they were a member of it, and not a lead, is inferred")
				}
			}
		}
		return
	}
}

// joinedDelegations drafts "<people> also joined the delegations": each person attended in the
// delegation of their own country (their title's, or their organization's), which is inferred.
func (s *sent) joinedDelegations(meeting *ent, from, to int) {
	for _, vr := range lex().attends {
		v := s.phraseAt(from, vr.Verb)
		if v < 0 || v >= to || s.tok(v+len(strings.Fields(vr.Verb))) == "by" {
			continue
		}
		for _, p := range s.mentionsOf(from, v, kg.KindPerson) {
			c := s.b.countryOfPerson(p.e)
			if c == nil {
				continue
			}
			p.e.setDelegation(c, s.quote)
			r := s.b.relate(kg.RelAttended, p.e, meeting, map[string]any{kg.PropRole: vr.Role, kg.PropDelegation: c.Code}, s.quote, "")
			if r != nil {
				s.b.inferred(kg.RelationName(&r.r), &r.r.Citations, kg.PropertyField(kg.PropDelegation), s.quote,
					"the text says they joined the delegations, not which; taken to be the delegation of "+c.Name+", whose official they are")
			}
		}
		return
	}
}

// countryOfPerson returns the country a person's title names, else that of the organization the
// draft has them hold a position in, or nil.
func (b *builder) countryOfPerson(p *ent) *country {
	if p.country != nil {
		return p.country
	}
	for _, r := range b.rels {
		if r.r.Type != kg.RelHoldsPosition || r.r.From != p.e.ID {
			continue
		}
		for _, o := range b.ents {
			if o.e.ID == r.r.To && o.country != nil {
				return o.country
			}
		}
	}
	return nil
}

// delegationCountry returns the country of "the U.S. delegation", "the Mexican delegation", "the
// U.S. government delegation", "the Government of Mexico delegation" (the words before k).
func (s *sent) delegationCountry(from, k int) *country {
	i := k - 1
	if s.tok(i) == "government" || s.tok(i) == "Government" {
		i--
	}
	if i < from {
		return nil
	}
	if c := lex().countryOf(s.tok(i)); c != nil {
		return c
	}
	if m := s.mentionAt(i); m != nil {
		if m.e.e.Kind == kg.KindCountry || m.e.e.Kind == kg.KindOrganization {
			return m.e.country
		}
	}
	return nil
}

func (e *ent) setDelegation(c *country, quote string) {
	if e.deleg == nil {
		e.deleg, e.delegQuote = c, quote
	}
}

// outcomes drafts "<meeting or dialogue> adopted|applauded|affirmed ... <initiatives>": the
// outcome is the meeting's (a dialogue's outcome is its meeting's). What follows "including" or
// "our commitment to" is a list: items with an initiative's head word are initiatives, others are
// topics the meeting addresses.
func (s *sent) outcomes() {
	l := lex()
	for k := 0; k < len(s.toks); k++ {
		typ, ok := l.outcomes[s.tok(k)]
		if !ok {
			continue
		}
		// The outcome is stated of a meeting the sentence names before the verb; of a dialogue
		// ("the ESC adopted"), or of no one named ("The delegations reviewed"), it is attributed
		// to the meeting the release is about, and that is an inference.
		meeting, note := s.b.meeting, "the text does not name the meeting as the one that did so; attributed to the meeting the release is about"
		for i := k - 1; i >= 0; i-- {
			m := s.mentionAt(i)
			if m == nil {
				continue
			}
			if m.e.e.Kind == kg.KindMeeting {
				meeting, note = m.e, ""
			}
			if m.e.e.Kind == kg.KindDialogue {
				note = "the text says " + m.e.e.Name + " did so; attributed to its meeting the release is about"
			}
			if m.e.e.Kind == kg.KindMeeting || m.e.e.Kind == kg.KindDialogue {
				break
			}
		}
		if meeting == nil {
			continue
		}
		end := k + 1
		for end < len(s.toks) && !slices.Contains([]string{",", ";", ".", "to", "which", "that", "and"}, s.tok(end)) {
			end++
		}
		from, to, list, topicList := k+1, end, false, false
		for _, p := range l.outcomeLists {
			if at := s.phraseAt(k+1, p); at >= 0 && (at == k+1 || s.tok(at-1) == ",") {
				// Items of a commitment are topics unless they name an initiative; items of
				// "including" or "progress on" are initiatives.
				from, to, list, topicList = at+len(strings.Fields(p)), len(s.toks), true, strings.Contains(p, "commitment")
				// The list runs to the sentence's end, or to the next outcome ("reviewed progress on
				// X and adopted Y") or relative clause.
				for i := from; i < to; i++ {
					if _, verb := l.outcomes[s.tok(i)]; verb || s.tok(i) == "which" {
						to = i
						for to > from && (s.tok(to-1) == "and" || s.tok(to-1) == ",") {
							to--
						}
						break
					}
				}
				if s.tok(to-1) == "." {
					to--
				}
				break
			}
		}
		for _, it := range s.items(from, to) {
			m := s.mentionAt(it[0])
			switch {
			case m != nil && m.e.e.Kind == kg.KindInitiative:
				s.b.relate(typ, meeting, m.e, nil, s.quote, note)
			case m != nil:
			default:
				from := it[0]
				if !list {
					from = s.drop(from, it[1], l.objectDrops)
					if m := s.mentionAt(from); m != nil {
						if m.e.e.Kind == kg.KindInitiative {
							s.b.relate(typ, meeting, m.e, nil, s.quote, note)
						}
						continue
					}
				}
				name, initiative := s.itemName(from, it[1])
				if name == "" {
					continue
				}
				if initiative || !topicList {
					s.b.relate(typ, meeting, s.b.entity(kg.KindInitiative, name, s.quote), nil, s.quote, note)
				} else {
					s.b.relate(kg.RelAddresses, meeting, s.b.entity(kg.KindTopic, name, s.quote), nil, s.quote, note)
				}
			}
		}
		k = to
	}
}

// items splits the list [from, to) into its items: at commas, and at "and" when both sides have
// three words or more ("goods and people" stays whole).
func (s *sent) items(from, to int) [][2]int {
	var parts [][2]int
	start := from
	for i := from; i <= to; i++ {
		if i == to || s.tok(i) == "," || s.tok(i) == ";" {
			a := start
			for a < i && (s.tok(a) == "and" || s.tok(a) == "or") {
				a++
			}
			if a < i {
				parts = append(parts, [2]int{a, i})
			}
			start = i + 1
		}
	}
	var out [][2]int
	for _, p := range parts {
		split := false
		for k := p[0] + 3; k <= p[1]-3; k++ {
			if s.tok(k) == "and" && s.mentionAt(k) == nil {
				out = append(out, [2]int{p[0], k}, [2]int{k + 1, p[1]})
				split = true
				break
			}
		}
		if !split {
			out = append(out, p)
		}
	}
	return out
}

// itemName returns the name of a list item [from, to): its words without the leading ones that
// carry no identity ("greater", "our", "the", "accelerating the"), a gerund before "our" dropped
// when an initiative follows ("implementing our ... efforts"), the first letter a capital. It says
// whether the item is an initiative (it ends in an initiative's head word).
func (s *sent) itemName(from, to int) (string, bool) {
	l := lex()
	from = s.drop(from, to, l.topicDrops)
	ws := s.words(from, to)
	initiative := endsWith(ws, l.initiativeHeads)
	if initiative && len(ws) > 2 && strings.HasSuffix(ws[0], "ing") && (ws[1] == "our" || ws[1] == "the") {
		from += 2
	}
	from = s.drop(from, to, l.topicDrops)
	if from >= to || to-from > 14 {
		return "", false
	}
	return capitalize(s.text(from, to)), initiative
}

// drop returns where [from, to) starts once the phrases of drops that lead it are dropped, one
// after another.
func (s *sent) drop(from, to int, drops [][]string) int {
	for {
		n := 0
		for _, p := range drops {
			if from+len(p) < to && slices.Equal(tokText(s.toks[from:from+len(p)]), p) {
				n = len(p)
				break
			}
		}
		if n == 0 {
			return from
		}
		from += n
	}
}

func tokText(ts []token) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.s
	}
	return out
}

func capitalize(t string) string {
	r, n := utf8.DecodeRuneInString(t)
	return string(unicode.ToUpper(r)) + t[n:]
}

// partOf drafts "<dialogue> (ACRONYM), a working group of <dialogue>": the first is PART_OF the
// second, as the apposition states.
func (s *sent) partOf() {
	for i := 0; i+3 < len(s.toks); i++ {
		if s.tok(i) != "," || s.tok(i+1) != "a" && s.tok(i+1) != "an" {
			continue
		}
		of := s.find(i+2, "of")
		if of < 0 || of > i+5 {
			continue
		}
		whole := s.mentionAt(of + 1 + boolInt(s.tok(of+1) == "the"))
		var part *mention
		for _, m := range s.ments {
			// The dialogue named just before the comma, its acronym in parentheses between.
			if m.e.e.Kind == kg.KindDialogue && m.to <= i && m.to >= i-4 {
				part = m
			}
		}
		if whole != nil && part != nil && whole.e.e.Kind == kg.KindDialogue {
			s.b.relate(kg.RelPartOf, part.e, whole.e, nil, s.quote, "")
		}
	}
}

// supports drafts "<initiative>, many of which support initiatives identified through <dialogues>".
func (s *sent) supports() {
	for _, p := range lex().supports {
		at := s.phraseAt(0, p)
		if at < 0 {
			continue
		}
		inits := s.mentionsOf(0, at, kg.KindInitiative)
		if len(inits) == 0 {
			return
		}
		// "many of which support ...": some of the initiatives do, not the one named as a whole.
		note := ""
		for i := inits[len(inits)-1].to; i < at; i++ {
			if q := strings.ToLower(s.tok(i)); q == "many" || q == "some" || q == "several" || q == "most" {
				note = "the text says " + q + " of them support initiatives of the dialogue; drafted as the whole supporting it"
				break
			}
		}
		for _, d := range s.mentionsOf(at, len(s.toks), kg.KindDialogue) {
			s.b.relate(kg.RelSupports, inits[len(inits)-1].e, d.e, nil, s.quote, note)
		}
		return
	}
}

// topics drafts "issues such as A, B, and C" (what the sentence's subject, or the meeting,
// addresses) and "a goal to improve A and promote B" (the verb of each item dropped).
func (s *sent) topics() {
	// The list is after the last of the lexicon's phrases in the sentence ("discussed priorities
	// such as ...").
	at, p := -1, ""
	for _, q := range lex().topicLists {
		if k := s.phraseAt(0, q); k > at {
			at, p = k, q
		}
	}
	if at >= 0 {
		subject := s.b.meeting
		if ms := s.mentionsOf(0, at, kg.KindDialogue, kg.KindInitiative, kg.KindMeeting); len(ms) > 0 {
			subject = ms[0].e
		}
		if subject == nil {
			return
		}
		to := len(s.toks)
		if s.tok(to-1) == "." {
			to--
		}
		verbs := strings.HasPrefix(p, "goal")
		for _, it := range s.items(at+len(strings.Fields(p)), to) {
			from := it[0]
			if verbs {
				from++
			}
			if m := s.mentionAt(from); m != nil {
				continue
			}
			if name, _ := s.itemName(from, it[1]); name != "" {
				s.b.relate(kg.RelAddresses, subject, s.b.entity(kg.KindTopic, name, s.quote), nil, s.quote, "")
			}
		}
		return
	}
}
