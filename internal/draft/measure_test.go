package draft

import (
	"fmt"
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// score is how a draft compares with the bundle a person curated from the same text.
type score struct {
	entTP, entFP, entFN   int
	relTP, relFP, relFN   int
	missedEnts, extraEnts []string
	missedRels, extraRels []string
	// Of the relations matched: inferred in both, inferred only in the draft, only in the
	// expected bundle (kg.ItemBasis: how the relation holds).
	infBoth, infDraftOnly, infWantOnly int
	basisDiffers                       []string
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

func (s score) entityPrecision() float64   { return ratio(s.entTP, s.entTP+s.entFP) }
func (s score) entityRecall() float64      { return ratio(s.entTP, s.entTP+s.entFN) }
func (s score) relationPrecision() float64 { return ratio(s.relTP, s.relTP+s.relFP) }
func (s score) relationRecall() float64    { return ratio(s.relTP, s.relTP+s.relFN) }

func (s score) String() string {
	return fmt.Sprintf("entities P %.2f R %.2f (%d right, %d extra, %d missed); relations P %.2f R %.2f (%d right, %d extra, %d missed)",
		s.entityPrecision(), s.entityRecall(), s.entTP, s.entFP, s.entFN,
		s.relationPrecision(), s.relationRecall(), s.relTP, s.relFP, s.relFN)
}

// inferredString says how the draft's INFERRED relations compare with the expected bundle's.
func (s score) inferredString() string {
	return fmt.Sprintf("of the relations matched, INFERRED in both %d, only in the draft %d, only in the expected bundle %d",
		s.infBoth, s.infDraftOnly, s.infWantOnly)
}

// names returns the folded names of e: its name, aliases and acronym.
func names(e *kg.Entity) []string {
	out := []string{kg.Fold(e.Name)}
	for _, a := range e.Aliases {
		out = append(out, kg.Fold(a))
	}
	if a := e.Prop(kg.PropAcronym); a != "" {
		out = append(out, kg.Fold(a))
	}
	return out
}

// compare scores got against want. A drafted entity matches an expected one of the same kind
// when they share a name (name, alias or acronym, folded: kg.Fold) or the id; each expected entity
// matches at most one drafted entity. A drafted relation matches an expected one of the same type
// whose ends are the expected entities its ends matched.
func compare(got, want *kg.Bundle) score {
	var s score
	match := map[string]string{} // drafted id -> expected id
	taken := map[string]bool{}
	for i := range got.Entities {
		g := &got.Entities[i]
		found := ""
		for j := range want.Entities {
			w := &want.Entities[j]
			if w.Kind != g.Kind || taken[w.ID] {
				continue
			}
			if g.ID == w.ID || slices.ContainsFunc(names(g), func(n string) bool { return slices.Contains(names(w), n) }) {
				found = w.ID
				break
			}
		}
		if found == "" {
			s.entFP++
			s.extraEnts = append(s.extraEnts, g.ID)
			continue
		}
		s.entTP++
		match[g.ID] = found
		taken[found] = true
	}
	for _, w := range want.Entities {
		if !taken[w.ID] {
			s.entFN++
			s.missedEnts = append(s.missedEnts, w.ID)
		}
	}
	key := func(t, f, to string) string { return t + " " + f + " -> " + to }
	wantRels := map[string]bool{}
	wantInferred := map[string]bool{}
	for _, r := range want.Relations {
		k := key(r.Type, r.From, r.To)
		wantRels[k] = true
		wantInferred[k] = kg.ItemBasis(r.Citations) == kg.BasisInferred
	}
	seen := map[string]bool{}
	for _, r := range got.Relations {
		k := key(r.Type, match[r.From], match[r.To])
		if wantRels[k] && !seen[k] {
			seen[k] = true
			s.relTP++
			switch inferred := kg.ItemBasis(r.Citations) == kg.BasisInferred; {
			case inferred && wantInferred[k]:
				s.infBoth++
			case inferred:
				s.infDraftOnly++
				s.basisDiffers = append(s.basisDiffers, "INFERRED only in the draft: "+k)
			case wantInferred[k]:
				s.infWantOnly++
				s.basisDiffers = append(s.basisDiffers, "INFERRED only in the expected bundle: "+k)
			}
			continue
		}
		s.relFP++
		s.extraRels = append(s.extraRels, key(r.Type, r.From, r.To))
	}
	for k := range wantRels {
		if !seen[k] {
			s.relFN++
			s.missedRels = append(s.missedRels, k)
		}
	}
	slices.Sort(s.missedRels)
	return s
}

func (s score) details() string {
	var b strings.Builder
	fmt.Fprintf(&b, "extra entities: %s\nmissed entities: %s\nextra relations:\n  %s\nmissed relations:\n  %s\nbasis:\n  %s\n",
		strings.Join(s.extraEnts, ", "), strings.Join(s.missedEnts, ", "),
		strings.Join(s.extraRels, "\n  "), strings.Join(s.missedRels, "\n  "), strings.Join(s.basisDiffers, "\n  "))
	return b.String()
}
