package draft

import (
	"slices"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The inferences of a draft: facts the text implies but does not state. Each is cited INFERRED
// (CURATED for the gazetteer's) with a note by builder.derived; besides these, only an outcome's
// meeting, a "many of which" support, a yearless date and an "alongside" role are inferred where
// they are read (facts.go).

// country returns the draft's entity of country c.
func (b *builder) country(c *country, quote string) *ent {
	e := b.entity(kg.KindCountry, c.Name, quote)
	setProp(&e.e, kg.PropCode, c.Code)
	e.country = c
	return e
}

// government returns the draft's entity of country c's government.
func (b *builder) government(c *country, quote string) *ent {
	e := b.entity(kg.KindOrganization, c.Government, quote)
	setProp(&e.e, kg.PropClassification, "GOVERNMENT")
	e.country = c
	return e
}

// infer draws what the text implies once every sentence is read:
//
//   - a title without an organization is a position in the government of the country the title
//     names ("U.S. Ambassador") or of the delegation the person sat in;
//   - an organization belongs to the country its name says ("U.S. Customs and Border Protection",
//     a government: stated by the name), else to the country of the delegation it or its people
//     sat in (inferred);
//   - a place of the gazetteer (lexicon.txt) lies in its country;
//   - the countries whose delegations met in a session of a dialogue are party to it and to what
//     it is part of; a dialogue named "U.S.-Mexico ..." has both countries as parties.
func (b *builder) infer() {
	for _, p := range b.pending {
		c, quote, why := p.person.country, p.quote, "the title names the country; the position is taken to be in its government, as the text names no organization"
		if c == nil && p.person.deleg != nil {
			c, quote, why = p.person.deleg, p.person.delegQuote, "the text names no organization for this title; the position is taken to be in the government of the delegation the person sat in"
		}
		if c == nil {
			continue
		}
		// The position in that government is inferred; its title (and "Acting") the text states.
		if r := b.relate(kg.RelHoldsPosition, p.person, b.government(c, quote), p.props, quote, why); r != nil {
			b.citeFor(&r.r.Citations, p.quote, propertyFields(p.props))
		}
	}
	// Only what the text connects is connected further: a place or an organization that is merely
	// named gets no inferred relation.
	linked := map[string]bool{}
	for _, r := range b.rels {
		linked[r.r.From], linked[r.r.To] = true, true
	}
	for _, e := range slices.Clone(b.ents) {
		if !linked[e.e.ID] {
			continue
		}
		switch e.e.Kind {
		case kg.KindOrganization:
			b.inferOrgCountry(e)
		case kg.KindPlace:
			if e.country != nil {
				b.relateAs(kg.BasisCurated, kg.RelLocatedIn, e, b.country(e.country, e.e.Citations[0].Quote), nil, e.e.Citations[0].Quote,
					"the gazetteer of the drafting rules places "+e.e.Name+" in "+e.country.Name+"; the text does not say so")
			}
		case kg.KindDialogue:
			b.inferParties(e)
		}
	}
}

func (b *builder) inferOrgCountry(e *ent) {
	switch {
	case e.country != nil:
		q := e.e.Citations[0].Quote
		// Stated: the name says it ("U.S. Customs and Border Protection").
		b.relate(kg.RelBelongsTo, e, b.country(e.country, q), nil, q, "")
	case e.deleg != nil:
		b.relate(kg.RelBelongsTo, e, b.country(e.deleg, e.delegQuote), nil, e.delegQuote,
			"the organization was in the "+e.deleg.Name+" delegation; that it is of "+e.deleg.Name+" is inferred")
	default:
		for _, r := range b.rels {
			if r.r.Type != kg.RelHoldsPosition || r.r.To != e.e.ID {
				continue
			}
			for _, p := range b.ents {
				if p.e.ID == r.r.From && p.deleg != nil {
					b.relate(kg.RelBelongsTo, e, b.country(p.deleg, p.delegQuote), nil, p.delegQuote,
						p.e.Name+" of this organization was in the "+p.deleg.Name+" delegation; that the organization is of "+p.deleg.Name+" is inferred")
					return
				}
			}
		}
	}
}

// inferParties makes the countries of the delegations at the dialogue's sessions, or the
// countries its name joins with a hyphen ("U.S.-Mexico"), parties to it and to what it is part of.
func (b *builder) inferParties(d *ent) {
	type party struct {
		c     *country
		quote string
		note  string // "" when the dialogue's name states it
		name  string // the countries the name joins ("U.S.-Mexico"), when it does
	}
	var parties []party
	if first, _, ok := strings.Cut(d.e.Name, " "); ok && strings.Contains(first, "-") {
		for _, w := range strings.Split(first, "-") {
			if c := lex().countryOf(w); c != nil {
				parties = append(parties, party{c, d.e.Citations[0].Quote, "", first})
			}
		}
	}
	for _, r := range b.rels {
		if r.r.Type != kg.RelSessionOf || r.r.To != d.e.ID {
			continue
		}
		for _, a := range b.rels {
			if a.r.To != r.r.From || a.r.Type != kg.RelAttended && a.r.Type != kg.RelRepresentedAt {
				continue
			}
			if c := lex().countryByCode(a.r.Prop(kg.PropDelegation)); c != nil {
				parties = append(parties, party{c, a.r.Citations[0].Quote, "a delegation of " + c.Name + " took part in a session of the dialogue", ""})
			}
		}
	}
	targets := []*ent{d}
	for _, r := range b.rels {
		if r.r.Type == kg.RelPartOf && r.r.From == d.e.ID {
			for _, e := range b.ents {
				if e.e.ID == r.r.To {
					targets = append(targets, e)
				}
			}
		}
	}
	for _, p := range parties {
		for _, t := range targets {
			note := p.note
			switch {
			case note != "":
				note = "that " + p.c.Name + " is a party is inferred: " + note
			case t != d:
				note = "the name of " + d.e.Name + " joins the countries (" + p.name + "); that they are parties to what it is part of is inferred"
			}
			b.relate(kg.RelPartyTo, b.country(p.c, p.quote), t, nil, p.quote, note)
		}
	}
}

// propertyFields returns the field names of props (kg.PropertyField), sorted.
func propertyFields(props map[string]any) []string {
	var fs []string
	for k := range props {
		fs = append(fs, kg.PropertyField(k))
	}
	slices.Sort(fs)
	return fs
}
