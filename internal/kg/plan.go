package kg

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Snapshot is what planning a write needs to know of what a store holds. A store answers it from
// the state its write transaction sees (memstore under its write lock, neo4jstore with queries in
// the write transaction), so that the plan and the write agree. Each method takes a whole batch of
// keys, so a plan costs a few queries whatever the size of the bundle.
type Snapshot interface {
	// Sources returns the stored sources among ids, by id.
	Sources(ctx context.Context, ids []string) (map[string]*Source, error)
	// EntityKinds returns the kind of every stored entity among ids, by id.
	EntityKinds(ctx context.Context, ids []string) (map[string]Kind, error)
	// MatchNames returns, for each key, the ids of the stored entities of key.Kind whose name, an
	// alias or acronym folds (Fold) to key.Name.
	MatchNames(ctx context.Context, keys []NameKey) (map[NameKey][]string, error)
	// Redirects returns, for the ids among ids that were merged into another entity
	// (MergeEntities), the id of the survivor.
	Redirects(ctx context.Context, ids []string) (map[string]string, error)
	// Search is Store.Search over the stored entities: planning looks up the stored entities a
	// new one may duplicate (plan_duplicates.go).
	Search(ctx context.Context, q SearchQuery) ([]SearchHit, error)
}

// NameKey is a folded name (Fold of a name, alias or acronym) of an entity of one kind: two
// entities of a kind that share one are the same entity.
type NameKey struct {
	Kind Kind
	Name string
}

// NameKeys returns the name keys of e: its folded name, aliases and acronym, and the names its
// sources give that it does not show (Claims), without repeats.
func NameKeys(e *Entity) []NameKey {
	var out []NameKey
	add := func(s string) {
		if f := Fold(s); f != "" {
			k := NameKey{e.Kind, f}
			if !slices.Contains(out, k) {
				out = append(out, k)
			}
		}
	}
	add(e.Name)
	for _, a := range e.Aliases {
		add(a)
	}
	add(e.Prop(PropAcronym))
	for _, c := range e.Claims {
		if s, ok := c.Value.(string); ok && c.Field == FieldName {
			add(s)
		}
	}
	return out
}

// Plan is a bundle checked against a store and resolved to the writes it makes: every id set, every
// entity matched with the stored one it updates, relation ends remapped to resolved ids. Its items
// share memory with the bundle; nothing is copied that need not be.
type Plan struct {
	Sources   []*Source
	Entities  []*EntityWrite
	Relations []*Relation
	// StoredSources are the stored versions of the plan's sources and of the stored sources its
	// citations name, by id.
	StoredSources map[string]*Source
	// StoredKinds are the kinds of the entities the plan names that the store holds, by id: an
	// entity not in it is new, and so is every relation with an end not in it.
	StoredKinds map[string]Kind
	// Problems lists everything wrong, in bundle order; a plan with problems must not be written.
	Problems []Problem
	// SourceIDs are the sources the bundle lists or cites: whose say on the items it names an
	// import with ImportOptions.Replace replaces.
	SourceIDs []string
	// Duplicates are the stored entities that entities the plan creates resemble, by bundle
	// order then best first, once FindDuplicates has looked (imports do; single-item writes do
	// not); DuplicatesUnchecked counts the new entities beyond MaxDuplicateChecks, not looked up.
	Duplicates          []PossibleDuplicate
	DuplicatesUnchecked int
}

// ApplyOptions returns what applying the plan's items needs (ApplyEntity, ApplyRelation): the
// publication dates of sources, as the bundle gives them, else as stored, else as stored returns
// (nil: none); and, when replace, the plan's SourceIDs as the sources whose say is replaced.
func (p *Plan) ApplyOptions(replace bool, stored func(id string) *Source) ApplyOptions {
	given := make(map[string]*Source, len(p.Sources))
	for _, s := range p.Sources {
		given[s.ID] = s
	}
	opts := ApplyOptions{Dates: func(id string) string {
		if s := given[id]; s != nil {
			return s.Published
		}
		if s := p.StoredSources[id]; s != nil {
			return s.Published
		}
		if stored != nil {
			if s := stored(id); s != nil {
				return s.Published
			}
		}
		return ""
	}}
	if replace {
		opts.Replace = make(map[string]bool, len(p.SourceIDs))
		for _, id := range p.SourceIDs {
			opts.Replace[id] = true
		}
	}
	return opts
}

// KnowsSource reports whether the plan holds source id (given by the bundle or stored): what
// ApplyOptions' dates need no fallback for.
func (p *Plan) KnowsSource(id string) bool {
	if _, ok := p.StoredSources[id]; ok {
		return true
	}
	return slices.ContainsFunc(p.Sources, func(s *Source) bool { return s.ID == id })
}

// EntityWrite is one entity a plan writes. Either way it is merged into the stored one
// (ApplyEntity); Merge says that it found the stored one by its name (it had no id), so its name
// is a claim on an alias, not on the name (MergeOptions.ByName).
type EntityWrite struct {
	Entity *Entity
	Merge  bool
	Index  int // of the (first) bundle entity that became this write
}

// PlanImport checks b against what snap holds and resolves it into the writes it makes. It never
// changes b. Identity is resolved before anything is created:
//
//   - A source without an id gets SourceID(title). A stored source's text never changes: a source
//     with the id of a stored one and another text is a problem (citations depend on the text).
//   - An entity with an id is that entity: it is created, or what it says is added to the stored
//     one (ApplyEntity, MergeEntity: its sources' claims and citations join the others'). An id is
//     authoritative: two entities with different ids stay two, whatever their names.
//   - An entity without an id is looked up by what it would be called: an entity of the same kind
//     with the same id it would get (NewID(kind, name)), or whose folded name, alias or acronym
//     equals its folded name, alias or acronym (NameKeys), among the stored entities and the
//     bundle's other entities. One match: it is merged into that entity (MergeEntity, ByName: its
//     name is a claim on the stored spelling it folds to, or a new alias; the shown name stays).
//     No match: it is created with NewID(kind, name). Several different matches: a problem (give
//     the id of the one meant).
//   - A relation end that names the id an id-less entity would get (NewID(kind, name)) is remapped
//     to the id that entity resolved to, so a bundle can refer to entities it does not name by id.
//   - Relations are identified by (Type, From, To) after remapping; what a relation says is added
//     to the stored one's (MergeRelation). Both ends must be in the bundle or stored, of kinds the
//     type connects.
//
// Every citation's quote must occur in its source's text, the source being in b or stored; its
// basis, note and fields, and the claims an item carries, must hold together (docs/provenance.md).
// Every problem is reported with its JSON path in b ("entities[3].citations[0].quote"), those of
// b's JSON (b.Problems) among them, in bundle order. The error is
// only for a snapshot that fails.
func PlanImport(ctx context.Context, b *Bundle, snap Snapshot) (*Plan, error) {
	pl := &planner{b: b, quotes: map[string]*quoteIndex{}, plan: &Plan{
		Sources:   make([]*Source, 0, len(b.Sources)),
		Entities:  make([]*EntityWrite, 0, len(b.Entities)),
		Relations: make([]*Relation, 0, len(b.Relations)),
	}}
	if err := pl.lookup(ctx, snap); err != nil {
		return nil, err
	}
	pl.planSources()
	pl.planEntities()
	pl.planRelations()
	pl.plan.Problems = mergeProblems(b.Problems, pl.problems.list)
	return pl.plan, nil
}

type planner struct {
	b        *Bundle
	plan     *Plan
	problems problems

	sourceIDs []string // per bundle source
	entityIDs []string // per bundle entity: its id, or the id it would get
	idGiven   []bool   // per bundle entity

	bundleSources map[string]*Source
	stored        map[string]*Source
	redirects     map[string]string // merged id -> survivor, for the ids b names
	storedKinds   map[string]Kind
	storedNames   map[NameKey][]string

	quotes      map[string]*quoteIndex  // source id -> its text, squeezed and indexed for quotes
	byID        map[string]*EntityWrite // resolved id -> the write of that entity
	derived     map[string]string       // id an id-less entity would get -> id it resolved to
	bundleKinds map[string]Kind         // every id (or would-be id) of a bundle entity -> its kind
}

// lookup computes the ids of b's items and asks snap, in one call per kind of question, about
// every source, entity and name b refers to.
func (pl *planner) lookup(ctx context.Context, snap Snapshot) error {
	b := pl.b
	pl.sourceIDs = make([]string, len(b.Sources))
	srcSet := make(map[string]bool, len(b.Sources))
	var srcIDs []string
	addSrc := func(id string) {
		if id != "" && !srcSet[id] {
			srcSet[id] = true
			srcIDs = append(srcIDs, id)
		}
	}
	for i := range b.Sources {
		id := b.Sources[i].ID
		if id == "" {
			id = SourceID(b.Sources[i].Title)
		}
		pl.sourceIDs[i] = id
		addSrc(id)
	}
	entSet := make(map[string]bool, len(b.Entities))
	var entIDs []string
	addEnt := func(id string) {
		if id != "" && !entSet[id] {
			entSet[id] = true
			entIDs = append(entIDs, id)
		}
	}
	pl.entityIDs = make([]string, len(b.Entities))
	pl.idGiven = make([]bool, len(b.Entities))
	var keys []NameKey
	keySet := map[NameKey]bool{}
	for i := range b.Entities {
		e := &b.Entities[i]
		for _, c := range e.Citations {
			addSrc(c.Source)
		}
		id := e.ID
		pl.idGiven[i] = id != ""
		if id == "" && e.Kind.Valid() {
			id = NewID(e.Kind, e.Name)
		}
		pl.entityIDs[i] = id
		addEnt(id)
		if !pl.idGiven[i] && e.Kind.Valid() {
			for _, k := range NameKeys(e) {
				if !keySet[k] {
					keySet[k] = true
					keys = append(keys, k)
				}
			}
		}
	}
	for i := range b.Relations {
		r := &b.Relations[i]
		addEnt(r.From)
		addEnt(r.To)
		for _, c := range r.Citations {
			addSrc(c.Source)
		}
	}
	var err error
	if pl.stored, err = snap.Sources(ctx, srcIDs); err != nil {
		return err
	}
	// Ids of merged entities stand for their survivors: an entity named by one is the survivor,
	// a relation end naming one ends at it.
	if pl.redirects, err = snap.Redirects(ctx, entIDs); err != nil {
		return err
	}
	if len(pl.redirects) > 0 {
		for i, id := range pl.entityIDs {
			if to, ok := pl.redirects[id]; ok {
				pl.entityIDs[i] = to
			}
		}
		for _, to := range pl.redirects {
			addEnt(to)
		}
	}
	if pl.storedKinds, err = snap.EntityKinds(ctx, entIDs); err != nil {
		return err
	}
	if pl.storedKinds == nil {
		pl.storedKinds = map[string]Kind{}
	}
	if len(keys) > 0 {
		if pl.storedNames, err = snap.MatchNames(ctx, keys); err != nil {
			return err
		}
	}
	if pl.stored == nil {
		pl.stored = map[string]*Source{}
	}
	pl.plan.StoredSources = pl.stored
	pl.plan.StoredKinds = pl.storedKinds
	pl.plan.SourceIDs = srcIDs
	return nil
}

func (pl *planner) planSources() {
	pl.bundleSources = make(map[string]*Source, len(pl.b.Sources))
	for i := range pl.b.Sources {
		s := &pl.b.Sources[i]
		path := "sources[" + strconv.Itoa(i) + "]"
		if s.ID != pl.sourceIDs[i] {
			c := *s
			c.ID = pl.sourceIDs[i]
			s = &c
		}
		n := len(pl.problems.list)
		pl.problems.checkSource(path, s)
		if _, dup := pl.bundleSources[s.ID]; dup {
			pl.problems.add(path+".id", "duplicate source id %q", s.ID)
			continue
		}
		if old := pl.stored[s.ID]; old != nil && old.Text != s.Text {
			pl.problems.add(path+".text", "%s is stored with another text, and a source's text never changes "+
				"(quotes are checked against it): add the new text as a new source", s.ID)
		}
		// Quotes are checked against it even when it has problems, so they are not reported twice.
		pl.bundleSources[s.ID] = s
		if len(pl.problems.list) == n {
			pl.plan.Sources = append(pl.plan.Sources, s)
		}
	}
}

// date returns the publication date of source id as the bundle gives it, else as stored.
func (pl *planner) date(id string) string {
	if s := pl.bundleSources[id]; s != nil {
		return s.Published
	}
	if s := pl.stored[id]; s != nil {
		return s.Published
	}
	return ""
}

// source returns the quote index of the text of the source id names (the bundle's version, else
// the stored one), and whether there is one. Texts are squeezed and indexed once per source.
func (pl *planner) source(id string) (*quoteIndex, bool) {
	if x, ok := pl.quotes[id]; ok {
		return x, true
	}
	s := pl.bundleSources[id]
	if s == nil {
		s = pl.stored[id]
	}
	if s == nil {
		return nil, false
	}
	x := newQuoteIndex(s.Text)
	pl.quotes[id] = x
	return x, true
}

func (pl *planner) planEntities() {
	b := pl.b
	n := len(b.Entities)
	byID := make(map[string]*EntityWrite, n)
	byKey := map[NameKey][]string{} // name key -> ids of bundle entities that have it
	derived := map[string]string{}
	explicitAt := make(map[string]int, n) // id -> index of the first bundle entity with it
	pl.bundleKinds = make(map[string]Kind, n)
	pl.byID, pl.derived = byID, derived
	// Name keys of entities named by id matter only to entities without one.
	idless := slices.Contains(pl.idGiven, false)
	for i := range b.Entities {
		e := &b.Entities[i]
		if e.Kind.Valid() && pl.entityIDs[i] != "" {
			// Known even if the entity has problems, so relations to it do not add more.
			pl.bundleKinds[pl.entityIDs[i]] = e.Kind
		}
		if !pl.idGiven[i] || !e.Kind.Valid() {
			continue
		}
		id := pl.entityIDs[i] // the id given, or the survivor's when it names a merged entity
		if _, dup := explicitAt[id]; !dup {
			explicitAt[id] = i
			if idless {
				for _, k := range NameKeys(e) {
					byKey[k] = appendNew(byKey[k], id)
				}
			}
		}
	}

	// Entities named by id first, so that an entity without one finds them wherever they are in
	// the bundle; problems are reported in bundle order all the same.
	perEntity := make([][]Problem, n)
	for pass := 0; pass < 2; pass++ {
		for i := range b.Entities {
			if pl.idGiven[i] != (pass == 0) {
				continue
			}
			var p problems
			pl.planEntity(i, &p, explicitAt, byKey)
			perEntity[i] = p.list
		}
	}
	for _, ps := range perEntity {
		pl.problems.list = append(pl.problems.list, ps...)
	}
}

// planEntity checks and resolves bundle entity i, adding its problems to p.
func (pl *planner) planEntity(i int, p *problems, explicitAt map[string]int, byKey map[NameKey][]string) {
	e := &pl.b.Entities[i]
	path := "entities[" + strconv.Itoa(i) + "]"
	id := pl.entityIDs[i]
	view := e
	if e.ID != id || !isNormalized(e.Properties) {
		c := *e
		c.ID = id
		c.Properties = NormalizeProps(e.Properties)
		view = &c
	}
	p.checkEntity(path, view)
	p.checkCitations(path, view.Citations, pl.source)
	p.checkProvenance(path, view.Citations, entityFields(view))
	p.checkClaims(path, view.Kind, "", entityValues(view), view.Citations, view.Claims)
	if len(p.list) > 0 {
		return
	}
	if pl.idGiven[i] {
		if explicitAt[id] != i {
			p.add(path+".id", "duplicate entity id %q (also entities[%d])", id, explicitAt[id])
			return
		}
		if k, ok := pl.storedKinds[id]; ok && k != view.Kind {
			p.add(path+".id", "%q is stored as a %s", id, k)
			return
		}
		w := &EntityWrite{Entity: view, Index: i}
		pl.byID[id] = w
		pl.plan.Entities = append(pl.plan.Entities, w)
		return
	}
	// Without an id: find the entity it names.
	var cands []string
	if _, ok := pl.byID[id]; ok {
		cands = append(cands, id)
	} else if _, ok := pl.storedKinds[id]; ok {
		cands = append(cands, id)
	}
	for _, k := range NameKeys(view) {
		for _, c := range byKey[k] {
			cands = appendNew(cands, c)
		}
		for _, c := range pl.storedNames[k] {
			cands = appendNew(cands, c)
		}
	}
	switch {
	case len(cands) > 1:
		slices.Sort(cands)
		p.add(path, "%s %q matches several entities (%s) by id, name, alias or acronym: give the id of the one you mean",
			view.Kind, view.Name, strings.Join(cands, ", "))
		return
	case len(cands) == 0:
		w := &EntityWrite{Entity: view, Index: i}
		pl.byID[id] = w
		pl.derived[id] = id
		for _, k := range NameKeys(view) {
			byKey[k] = appendNew(byKey[k], id)
		}
		pl.plan.Entities = append(pl.plan.Entities, w)
		return
	}
	target := cands[0]
	if _, inBundle := explicitAt[target]; !inBundle {
		if _, planned := pl.byID[target]; !planned {
			if k, ok := pl.storedKinds[target]; ok && k != view.Kind {
				p.add(path, "%q would get the id %s, which is stored as a %s: give an id", view.Name, target, k)
				return
			}
		}
	}
	pl.derived[id] = target
	for _, k := range NameKeys(view) {
		byKey[k] = appendNew(byKey[k], target)
	}
	c := *view
	c.ID = target
	if w, ok := pl.byID[target]; ok {
		// Another entity of the bundle: merge into what it will write.
		w.Entity = MergeEntity(w.Entity, &c, MergeOptions{ByName: true, Dates: pl.date})
		return
	}
	if _, inBundle := explicitAt[target]; inBundle {
		// An entity of the bundle named by id that has problems of its own: they are reported.
		return
	}
	// A stored entity found by name: the plan knows now that it is stored.
	pl.storedKinds[target] = view.Kind
	w := &EntityWrite{Entity: &c, Merge: true, Index: i}
	pl.byID[target] = w
	pl.plan.Entities = append(pl.plan.Entities, w)
}

func (pl *planner) planRelations() {
	type relKey struct{ t, from, to string }
	seen := make(map[relKey]int, len(pl.b.Relations))
	kindOf := func(id string) Kind {
		if w, ok := pl.byID[id]; ok {
			return w.Entity.Kind
		}
		if k, ok := pl.bundleKinds[id]; ok {
			return k
		}
		return pl.storedKinds[id]
	}
	for i := range pl.b.Relations {
		r := &pl.b.Relations[i]
		path := "relations[" + strconv.Itoa(i) + "]"
		from, to := pl.resolve(r.From), pl.resolve(r.To)
		view := r
		if from != r.From || to != r.To || !isNormalized(r.Properties) {
			c := *r
			c.From, c.To = from, to
			c.Properties = NormalizeProps(r.Properties)
			view = &c
		}
		n := len(pl.problems.list)
		pl.problems.checkRelation(path, view)
		if view.From != "" && view.To != "" {
			pl.problems.checkEnds(path, view, kindOf(view.From), kindOf(view.To))
		}
		pl.problems.checkCitations(path, view.Citations, pl.source)
		pl.problems.checkProvenance(path, view.Citations, relationFields(view))
		pl.problems.checkClaims(path, "", view.Type, propertyValues(view.Properties), view.Citations, view.Claims)
		k := relKey{view.Type, view.From, view.To}
		if j, dup := seen[k]; dup {
			what := ""
			if from != r.From || to != r.To {
				what = fmt.Sprintf(" (after resolving its ends to %s -> %s)", from, to)
			}
			pl.problems.add(path, "duplicate relation %s %s -> %s%s: also relations[%d]", view.Type, view.From, view.To, what, j)
		} else {
			seen[k] = i
		}
		if len(pl.problems.list) == n {
			pl.plan.Relations = append(pl.plan.Relations, view)
		}
	}
}

// resolve returns the id a relation end id refers to.
func (pl *planner) resolve(id string) string {
	if to, ok := pl.redirects[id]; ok {
		id = to
	}
	if _, ok := pl.byID[id]; ok {
		return id
	}
	if to, ok := pl.derived[id]; ok {
		return to
	}
	return id
}

func appendNew(list []string, id string) []string {
	if slices.Contains(list, id) {
		return list
	}
	return append(list, id)
}

// isNormalized reports whether props already has the value forms NormalizeProps gives, so it can
// be used as it is.
func isNormalized(props map[string]any) bool {
	for _, v := range props {
		if !normalValue(v) {
			return false
		}
	}
	return true
}

func normalValue(v any) bool {
	switch x := v.(type) {
	case string, bool, int64:
		return true
	case float64:
		return NormalizeValue(x) == any(x)
	case []any:
		for _, e := range x {
			if _, isList := e.([]any); isList || !normalValue(e) {
				return false
			}
		}
		return true
	}
	return false
}

// Stored reports whether the store held entity id when the plan was made.
func (p *Plan) Stored(id string) bool {
	_, ok := p.StoredKinds[id]
	return ok
}
