package draft

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

//go:embed lexicon.txt
var lexiconText string

// lexicon holds lexicon.txt, parsed: the words the rules read.
type lexicon struct {
	abbreviations   map[string]bool
	sentenceStarts  map[string]bool
	titleHeads      [][]string // phrases as words, longest first
	titleMods       map[string]bool
	titleLinks      map[string]bool
	titleAt         map[string]bool
	givenNames      map[string]bool
	orgHeads        map[string]bool
	dialogueHeads   [][]string
	initiativeHeads [][]string
	meetingHeads    map[string]bool
	countries       []*country
	places          []*place
	outcomes        map[string]string // verb -> relation type
	attends         []verbRole
	chairs          []verbRole
	supports        []string // longest first
	topicLists      []string
	outcomeLists    []string
	topicDrops      [][]string
	objectDrops     [][]string
	ordinals        map[string]int
	months          map[string]int
}

type country struct {
	Code, Name, Government string
	Names                  []string // Name and the other names and adjectives
}

type place struct {
	Name, Country string
	Names         []string
}

type verbRole struct{ Verb, Role string }

var lex = sync.OnceValue(func() *lexicon {
	l, err := parseLexicon(lexiconText)
	if err != nil {
		panic(err) // lexicon.txt is embedded; TestLexicon parses it
	}
	return l
})

func parseLexicon(text string) (*lexicon, error) {
	l := &lexicon{
		abbreviations: map[string]bool{}, sentenceStarts: map[string]bool{}, titleMods: map[string]bool{},
		titleLinks: map[string]bool{}, titleAt: map[string]bool{}, givenNames: map[string]bool{},
		orgHeads: map[string]bool{}, meetingHeads: map[string]bool{}, outcomes: map[string]string{},
		months: map[string]int{}, ordinals: map[string]int{},
	}
	set := func(m map[string]bool, items []string) {
		for _, it := range items {
			m[it] = true
		}
	}
	phrases := func(items []string) [][]string {
		var out [][]string
		for _, it := range items {
			out = append(out, strings.Fields(it))
		}
		slices.SortStableFunc(out, func(a, b []string) int { return len(b) - len(a) })
		return out
	}
	for n, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		section, list, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("lexicon.txt:%d: want \"section: item, item\"", n+1)
		}
		bad := func(why string) error { return fmt.Errorf("lexicon.txt:%d: %s", n+1, why) }
		list = strings.TrimSpace(list)
		var items []string
		if section != "country" && section != "place" {
			for it := range strings.SplitSeq(list, ",") {
				if it = strings.TrimSpace(it); it != "" {
					items = append(items, it)
				}
			}
		}
		switch section {
		case "abbreviation":
			set(l.abbreviations, items)
		case "sentence-start":
			set(l.sentenceStarts, items)
		case "title-head":
			l.titleHeads = append(l.titleHeads, phrases(items)...)
		case "title-modifier":
			set(l.titleMods, items)
		case "title-link":
			set(l.titleLinks, items)
		case "title-at":
			set(l.titleAt, items)
		case "given-name":
			set(l.givenNames, items)
		case "org-head":
			set(l.orgHeads, items)
		case "dialogue-head":
			l.dialogueHeads = append(l.dialogueHeads, phrases(items)...)
		case "initiative-head":
			l.initiativeHeads = append(l.initiativeHeads, phrases(items)...)
		case "meeting-head":
			set(l.meetingHeads, items)
		case "country":
			f := splitFields(list)
			if len(f) != 4 || f[0] == "" || f[1] == "" || f[3] == "" {
				return nil, bad("a country is \"code | name | other names | government\"")
			}
			l.countries = append(l.countries, &country{Code: f[0], Name: f[1], Government: f[3], Names: append([]string{f[1]}, splitList(f[2])...)})
		case "place":
			f := splitFields(list)
			if len(f) != 3 || f[0] == "" {
				return nil, bad("a place is \"name | country code | other names\"")
			}
			l.places = append(l.places, &place{Name: f[0], Country: f[1], Names: append([]string{f[0]}, splitList(f[2])...)})
		case "outcome", "attend", "chair":
			for _, it := range items {
				verb, val, ok := strings.Cut(it, "=")
				if !ok {
					return nil, bad("want verb=VALUE")
				}
				switch section {
				case "outcome":
					l.outcomes[verb] = val
				case "attend":
					l.attends = append(l.attends, verbRole{verb, val})
				default:
					l.chairs = append(l.chairs, verbRole{verb, val})
				}
			}
		case "support":
			l.supports = append(l.supports, items...)
		case "topic-list":
			l.topicLists = append(l.topicLists, items...)
		case "outcome-list":
			l.outcomeLists = append(l.outcomeLists, items...)
		case "topic-drop":
			l.topicDrops = append(l.topicDrops, phrases(items)...)
		case "object-drop":
			l.objectDrops = append(l.objectDrops, phrases(items)...)
		case "ordinal":
			for i, it := range items {
				l.ordinals[it] = i + 1
			}
		case "month":
			for i, it := range items {
				l.months[it] = i + 1
			}
		default:
			return nil, bad(fmt.Sprintf("unknown section %q", section))
		}
	}
	slices.SortStableFunc(l.titleHeads, func(a, b []string) int { return len(b) - len(a) })
	slices.SortStableFunc(l.dialogueHeads, func(a, b []string) int { return len(b) - len(a) })
	for _, ps := range [][][]string{l.initiativeHeads, l.topicDrops, l.objectDrops} {
		slices.SortStableFunc(ps, func(a, b []string) int { return len(b) - len(a) })
	}
	for _, list := range [][]string{l.supports, l.topicLists, l.outcomeLists} {
		slices.SortStableFunc(list, func(a, b string) int { return len(b) - len(a) })
	}
	if len(l.months) != 12 {
		return nil, fmt.Errorf("lexicon.txt: want 12 months, have %d", len(l.months))
	}
	return l, nil
}

func splitFields(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, "|") {
		out = append(out, strings.TrimSpace(f))
	}
	return out
}

func splitList(s string) []string {
	var out []string
	for f := range strings.SplitSeq(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// countryOf returns the country one of whose names or adjectives is w, or nil.
func (l *lexicon) countryOf(w string) *country {
	for _, c := range l.countries {
		if slices.Contains(c.Names, w) {
			return c
		}
	}
	return nil
}

func (l *lexicon) countryByCode(code string) *country {
	for _, c := range l.countries {
		if c.Code == code {
			return c
		}
	}
	return nil
}

// placeOf returns the place one of whose names is s, or nil.
func (l *lexicon) placeOf(s string) *place {
	for _, p := range l.places {
		if slices.Contains(p.Names, s) {
			return p
		}
	}
	return nil
}
