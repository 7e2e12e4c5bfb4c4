// Package draft reads the plain text of a press release and writes a draft bundle (kg.Bundle) for a
// person to review: the source with its full text, the people with their titles and organizations,
// organizations, countries, places, meetings with their dates, dialogues, initiatives and topics,
// and the relations between them, each cited with the sentence it came from. Entities the duplicate
// finder (kg.FindDuplicates) is confident about take the id of the existing entity. Facts the text
// implies but does not state (a meeting's year taken from the release date, an organization's
// country taken from the delegation it sat in) are cited with basis INFERRED and a note, and
// listed as inferences for the reviewer.
//
// The rules are written for the register of government press releases: titles before names
// ("Deputy Assistant Secretary ... Rachel Poynter"), "led the U.S. delegation", "met in <place> on
// <date>", "the 14th Plenary Meeting of ...", "adopted", "applauded", "support initiatives
// identified through ...". Their words are data (lexicon.txt); docs/drafting.md says how drafting
// works and where it stops.
package draft

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Source describes the document drafted. An empty ID becomes kg.SourceID(Title); an empty Title
// becomes the text's first sentence, cut to a readable length.
type Source struct {
	ID        string
	Title     string
	Publisher string
	Published string // ISO 8601, possibly partial; the year of dates the text gives without one
	URL       string
}

// Options tunes Draft.
type Options struct {
	Source Source
	// Existing, when set, is searched for entities the drafted ones may duplicate (a kg.Store is
	// one). Nil drafts against nothing: every entity is new.
	Existing kg.Searcher
}

// Result is a draft and what a reviewer should know about it.
type Result struct {
	Bundle *kg.Bundle
	// Duplicates lists, for each drafted entity with possible duplicates among the existing
	// entities, the candidates; Matched says the draft took the id of the confident one.
	Duplicates []EntityDuplicates
	// Inferences are the facts of the draft that the text does not state, with why they were drawn.
	Inferences []Inference
	// Unconnected are names the rules found but could not connect to anything; they are left out
	// of the bundle (a bundle entity with no relation is an orphan).
	Unconnected []string
}

// EntityDuplicates is a drafted entity and the existing entities it may duplicate.
type EntityDuplicates struct {
	ID         string         `json:"id"`   // the drafted entity's id (the existing id when Matched)
	Name       string         `json:"name"` // its name as the text gives it
	Matched    bool           `json:"matched"`
	Candidates []kg.Duplicate `json:"candidates"`
}

// Inference is a fact of the draft that the text does not state. Its citation in the bundle has
// the basis and note.
type Inference struct {
	Item  string   `json:"item"`  // the entity id, or the relation as "TYPE from -> to"
	Field string   `json:"field"` // what was inferred: "relation" (that it holds), "properties.date", ...
	Basis kg.Basis `json:"basis"` // INFERRED, or CURATED for what the rules' own data know
	Quote string   `json:"quote"` // the sentence it was inferred from
	Note  string   `json:"note"`
}

// Draft reads text and returns its draft bundle. The bundle passes kg.Bundle.Validate. An empty
// text, or one the rules find nothing in, is a CodeBadUserInput *kg.Error; an error of
// opts.Existing is returned as it is.
func Draft(ctx context.Context, text string, opts Options) (*Result, error) {
	if strings.TrimSpace(text) == "" {
		return nil, kg.Errorf(kg.CodeBadUserInput, "the text to draft from is empty")
	}
	src := opts.Source
	if src.ID != "" && (!strings.HasPrefix(src.ID, "source:") || !kg.ValidID(src.ID)) {
		return nil, kg.Errorf(kg.CodeBadUserInput, "source id %q is not of the form source:<slug> (lower-case letters, digits and single hyphens)", src.ID)
	}
	if src.Published != "" && !kg.ValidDate(src.Published) {
		return nil, kg.Errorf(kg.CodeBadUserInput, "published %q is not an ISO 8601 date (YYYY, YYYY-MM or YYYY-MM-DD)", src.Published)
	}
	b := newBuilder(text, src)
	for _, sp := range sentences(text) {
		b.sentence(sp)
	}
	b.infer()
	res := b.result()
	if len(res.Bundle.Entities) == 0 {
		return nil, kg.Errorf(kg.CodeBadUserInput, "found no people, organizations, meetings or other entities in the text: drafting reads the plain text of a press release in English")
	}
	if opts.Existing != nil {
		if err := b.matchExisting(ctx, opts.Existing, res); err != nil {
			return nil, err
		}
	}
	for i := range res.Bundle.Entities {
		b.curateNames(&res.Bundle.Entities[i])
	}
	res.Inferences = b.infs
	return res, nil
}

// ent is an entity of the draft.
type ent struct {
	e       kg.Entity
	country *country // the country an organization or person is of, when the text says
	deleg   *country // the delegation a person or organization sat in
	// delegQuote is the sentence that puts it in the delegation.
	delegQuote string
}

// rel is a relation of the draft.
type rel struct {
	r kg.Relation
}

type builder struct {
	text     string
	src      kg.Source
	year     string
	ents     []*ent
	rels     []*rel
	relIndex map[string]*rel
	acronyms map[string]*ent // acronym defined in the text -> entity
	meeting  *ent            // the meeting the text is about: the first it names
	pending  []position      // titles whose organization infer settles
	infs     []Inference
}

func newBuilder(text string, s Source) *builder {
	src := kg.Source{ID: s.ID, Title: s.Title, Publisher: s.Publisher, Published: s.Published, Text: text}
	if s.URL != "" {
		u := s.URL
		src.URL = &u
	}
	if src.Title == "" {
		src.Title = defaultTitle(text)
	}
	if src.ID == "" {
		src.ID = kg.SourceID(src.Title)
	}
	b := &builder{text: text, src: src, relIndex: map[string]*rel{}, acronyms: map[string]*ent{}}
	if len(s.Published) >= 4 {
		b.year = s.Published[:4]
	}
	return b
}

func defaultTitle(text string) string {
	ss := sentences(text)
	if len(ss) == 0 {
		return "Untitled document"
	}
	t := strings.Join(strings.Fields(text[ss[0].start:ss[0].end]), " ")
	if r := []rune(t); len(r) > 120 {
		t = strings.TrimSpace(string(r[:117])) + "..."
	}
	return t
}

// cite adds quote as a citation of e, once.
func (b *builder) cite(cs *[]kg.Citation, quote string) {
	for _, c := range *cs {
		if c.Quote == quote {
			return
		}
	}
	*cs = append(*cs, kg.Citation{Source: b.src.ID, Quote: quote})
}

// entity returns the draft's entity of kind k named name, creating it, and cites quote for it. A
// name that folds to one of an entity's names, or that the duplicate finder matches with one
// drafted entity of the kind (a surname after the full name), is that entity; the name becomes an
// alias.
func (b *builder) entity(k kg.Kind, name, quote string) *ent {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return nil
	}
	if e := b.find(k, name); e != nil {
		b.alias(e, name)
		b.cite(&e.e.Citations, quote)
		return e
	}
	e := &ent{e: kg.Entity{ID: draftID(k, name), Kind: k, Name: name}}
	b.cite(&e.e.Citations, quote)
	b.ents = append(b.ents, e)
	return e
}

// alias adds name to e's aliases unless e already has it.
func (b *builder) alias(e *ent, name string) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || kg.Fold(name) == kg.Fold(e.e.Name) || slices.ContainsFunc(e.e.Aliases, func(a string) bool { return kg.Fold(a) == kg.Fold(name) }) {
		return
	}
	e.e.Aliases = append(e.e.Aliases, name)
}

// draftID is the id of a drafted entity: kg.NewID of its name without periods, so that "U.S.
// Government" is organization:us-government, as curators write it, not u-s-government.
func draftID(k kg.Kind, name string) string { return kg.NewID(k, strings.ReplaceAll(name, ".", "")) }

// find returns the drafted entity of kind k that name names, or nil.
func (b *builder) find(k kg.Kind, name string) *ent {
	f := kg.Fold(name)
	var same []*kg.Entity
	for _, e := range b.ents {
		if e.e.Kind != k {
			continue
		}
		if kg.Fold(e.e.Name) == f || slices.ContainsFunc(e.e.Aliases, func(a string) bool { return kg.Fold(a) == f }) ||
			kg.Fold(e.e.Prop(kg.PropAcronym)) == f {
			return e
		}
		same = append(same, &e.e)
	}
	// Within one document a shorter form of a name already given is the same entity: "Ambassador
	// Salazar" after "Ken Salazar". Only an unambiguous match counts.
	dups := kg.FindDuplicates(&kg.Entity{Kind: k, Name: name}, same)
	if len(dups) == 1 && dups[0].Score >= 0.7 {
		for _, e := range b.ents {
			if e.e.ID == dups[0].ID {
				return e
			}
		}
	}
	return nil
}

// relate adds the relation typ from -> to, citing quote; a relation already drafted gains the
// citation. note, when not empty, marks the relation as inferred from quote (basis INFERRED).
func (b *builder) relate(typ string, from, to *ent, props map[string]any, quote, note string) *rel {
	basis := kg.BasisStated
	if note != "" {
		basis = kg.BasisInferred
	}
	return b.relateAs(basis, typ, from, to, props, quote, note)
}

// relateAs is relate with the basis of quote's support given: STATED, or INFERRED or CURATED
// with the note.
func (b *builder) relateAs(basis kg.Basis, typ string, from, to *ent, props map[string]any, quote, note string) *rel {
	if from == nil || to == nil || from == to {
		return nil
	}
	spec, ok := kg.RelationSpecs[typ]
	if !ok || !spec.Allows(from.e.Kind, to.e.Kind) || typ == kg.RelPartOf && from.e.Kind != to.e.Kind {
		return nil
	}
	key := typ + " " + from.e.ID + " " + to.e.ID
	r, ok := b.relIndex[key]
	if !ok {
		r = &rel{r: kg.Relation{Type: typ, From: from.e.ID, To: to.e.ID}}
		b.relIndex[key] = r
		b.rels = append(b.rels, r)
	}
	for k, v := range props {
		if _, set := r.r.Properties[k]; !set {
			if r.r.Properties == nil {
				r.r.Properties = map[string]any{}
			}
			r.r.Properties[k] = v
		}
	}
	if basis.Or() == kg.BasisStated {
		b.cite(&r.r.Citations, quote)
	} else {
		b.derived(basis, kg.RelationName(&r.r), &r.r.Citations, "", quote, note)
	}
	return r
}

// citeFor adds quote as a stated citation of the values fields of an item (kg.Citation.Fields),
// once: a relation inferred as a whole whose properties the quote states ("U.S. Ambassador to
// Mexico" for a position in the U.S. Government).
func (b *builder) citeFor(cs *[]kg.Citation, quote string, fields []string) {
	if len(fields) == 0 {
		return
	}
	c := kg.Citation{Source: b.src.ID, Quote: quote, Fields: fields}
	if !slices.ContainsFunc(*cs, c.Equal) {
		*cs = append(*cs, c)
	}
}

// inferred records a fact of the draft that the text implies but does not state (derived with
// basis INFERRED).
func (b *builder) inferred(item string, cs *[]kg.Citation, field, quote, note string) {
	b.derived(kg.BasisInferred, item, cs, field, quote, note)
}

// derived records a fact of the draft that the text does not state: it cites quote for the item
// (cs are its citations) with basis (INFERRED, or CURATED for what the rules' own data know, such
// as the gazetteer's places) and the note, for the value field names (kg.PropertyField(...)), or
// for the item itself when field is "" (a relation the text implies), and lists it among the
// inferences for the reviewer. It is the one place such facts are marked: a draft's stated
// citation never carries one on its own, since a citation that names no field is for every value
// of its item that no other citation names.
func (b *builder) derived(basis kg.Basis, item string, cs *[]kg.Citation, field, quote, note string) {
	c := kg.Citation{Source: b.src.ID, Quote: quote, Basis: basis, Note: note}
	label := "relation"
	if field != "" {
		c.Fields, label = []string{field}, field
	}
	if !slices.ContainsFunc(*cs, func(d kg.Citation) bool { return d.Basis == basis && slices.Equal(d.Fields, c.Fields) }) {
		*cs = append(*cs, c)
	}
	for _, in := range b.infs {
		if in.Item == item && in.Field == label {
			return
		}
	}
	b.infs = append(b.infs, Inference{Item: item, Field: label, Basis: basis, Quote: quote, Note: note})
}

// curateNames cites CURATED, with a note, each name or alias of e that none of its quotes writes:
// the rules gave it (a country's name for "U.S." or "Mexican", a government's for "the U.S.
// delegation", a meeting named after its dialogue and date), and a value no quote states is not
// served as stated.
func (b *builder) curateNames(e *kg.Entity) {
	if len(e.Citations) == 0 {
		return
	}
	written := func(v string) bool {
		return slices.ContainsFunc(e.Citations, func(c kg.Citation) bool {
			return c.Basis.Or() == kg.BasisStated &&
				(strings.Contains(kg.Fold(c.Quote), kg.Fold(v)) || strings.Contains(kg.Fold(withoutAsides(c.Quote)), kg.Fold(v)))
		})
	}
	quote := e.Citations[0].Quote
	if !written(e.Name) {
		b.derived(kg.BasisCurated, e.ID, &e.Citations, kg.FieldName, quote,
			"the text does not write this name here (it writes \"U.S.\", \"Mexican\", an acronym, or the name with asides); the drafting rules give it")
	}
	for _, a := range e.Aliases {
		if !written(a) {
			b.derived(kg.BasisCurated, e.ID, &e.Citations, kg.AliasField(a), quote,
				"the text does not write this alias; the drafting rules give it")
		}
	}
}

// withoutAsides returns quote without what it puts in parentheses or typographic quotes: the
// "(21CB)" of "21st Century Border Management Process (21CB) Executive Steering Committee", the
// "“Carry”" of "Benjamine “Carry” Huffman", so that the name around them reads as written.
func withoutAsides(quote string) string {
	var out strings.Builder
	depth := 0
	for _, r := range quote {
		switch r {
		case '(', '“':
			depth++
		case ')', '”':
			depth = max(0, depth-1)
		default:
			if depth == 0 {
				out.WriteRune(r)
			}
		}
	}
	return strings.Join(strings.Fields(out.String()), " ")
}

// result assembles the bundle: the source, the entities that have a relation, the relations.
func (b *builder) result() *Result {
	res := &Result{Bundle: &kg.Bundle{Sources: []kg.Source{b.src}}}
	linked := map[string]bool{}
	for _, r := range b.rels {
		linked[r.r.From], linked[r.r.To] = true, true
	}
	for _, e := range b.ents {
		if !linked[e.e.ID] {
			res.Unconnected = append(res.Unconnected, fmt.Sprintf("%s %q", strings.ToLower(string(e.e.Kind)), e.e.Name))
			continue
		}
		res.Bundle.Entities = append(res.Bundle.Entities, e.e)
	}
	for _, r := range b.rels {
		res.Bundle.Relations = append(res.Bundle.Relations, r.r)
	}
	return res
}

// matchExisting looks up every drafted entity among the existing ones. A confident duplicate
// gives the drafted entity the existing id and name, the text's name becoming an alias: as an
// import that finds an entity by name never changes the name it shows (docs/provenance.md), a
// release that writes a short form, an alias or a nickname adds what it writes instead of
// competing for the shown name. The name is cited CURATED, the match's reason in the note.
// Every candidate is reported.
func (b *builder) matchExisting(ctx context.Context, s kg.Searcher, res *Result) error {
	ids := map[string]string{}
	taken := map[string]bool{}
	for i := range res.Bundle.Entities {
		e := &res.Bundle.Entities[i]
		// Scored as a new entity without an id, so that an existing entity with the id the draft
		// gave it is reported (and matched) like any other.
		probe := *e
		probe.ID = ""
		dups, err := kg.SearchDuplicates(ctx, s, &probe)
		if err != nil {
			return err
		}
		if len(dups) == 0 {
			continue
		}
		ed := EntityDuplicates{ID: e.ID, Name: e.Name, Candidates: dups}
		// Two drafted entities never take one existing id.
		if d, ok := kg.ConfidentDuplicate(dups); ok && !taken[d.ID] {
			taken[d.ID] = true
			ids[e.ID] = d.ID
			ed.ID, ed.Matched = d.ID, true
			e.ID = d.ID
			if d.Name != "" && kg.Fold(d.Name) != kg.Fold(e.Name) {
				written := e.Name
				e.Aliases = slices.DeleteFunc(e.Aliases, func(a string) bool { return kg.Fold(a) == kg.Fold(d.Name) })
				e.Name = d.Name
				if !slices.ContainsFunc(e.Aliases, func(a string) bool { return kg.Fold(a) == kg.Fold(written) }) {
					e.Aliases = append([]string{written}, e.Aliases...)
				}
				b.derived(kg.BasisCurated, e.ID, &e.Citations, kg.FieldName, e.Citations[0].Quote,
					"the name of the stored entity the draft matched ("+d.Reason+"); the text writes "+strconv.Quote(written))
			}
		}
		res.Duplicates = append(res.Duplicates, ed)
	}
	if len(ids) == 0 {
		return nil
	}
	for i := range res.Bundle.Relations {
		r := &res.Bundle.Relations[i]
		if id, ok := ids[r.From]; ok {
			r.From = id
		}
		if id, ok := ids[r.To]; ok {
			r.To = id
		}
	}
	for i := range b.infs {
		in := &b.infs[i]
		for from, to := range ids {
			in.Item = strings.ReplaceAll(in.Item, from, to)
		}
	}
	return nil
}
