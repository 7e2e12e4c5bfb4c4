package kg

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Merging entities: two (or more) entities that turn out to be one, such as a "Kenneth Salazar"
// imported before anyone saw he was the "Ken Salazar" of the built-in set. One entity survives
// (Into) and takes over what every merged one (From) was: its names as aliases, its citations,
// the values it alone had, and its relations. A merged id stays resolvable: the store keeps a
// redirect from it to the survivor, which reads (Store.Entities, ExpandQuery.WithEntities) and
// later writes (PlanImport) follow. The merge is audited with a record that holds everything it
// changed as it was before (MergeRecord), enough to undo it.

// ActionMergeEntities is the action of a merge's changes: one per merged entity, Entity the
// survivor, Other the merged id.
const ActionMergeEntities = "MERGE_ENTITIES"

// MaxMergeFrom is the most entities one merge may merge into another.
const MaxMergeFrom = 20

// MergeRequest asks to merge the entities From into the entity Into.
type MergeRequest struct {
	Into   string
	From   []string
	Reason string
}

// Check returns a CodeBadUserInput error listing what is wrong with m on its own: ids that are
// not entity ids, of another kind than Into, repeated or Into itself; no From; no reason.
func (m MergeRequest) Check() error {
	var p problems
	kind := KindOfID(m.Into)
	if !ValidID(m.Into) || kind == "" {
		p.add("into", "%q is not an entity id", m.Into)
	}
	switch {
	case len(m.From) == 0:
		p.add("from", "name at least one entity to merge into %s", m.Into)
	case len(m.From) > MaxMergeFrom:
		p.add("from", "at most %d entities merge at once, got %d", MaxMergeFrom, len(m.From))
	}
	for i, id := range m.From {
		path := fmt.Sprintf("from[%d]", i)
		switch {
		case !ValidID(id) || KindOfID(id) == "":
			p.add(path, "%q is not an entity id", id)
		case id == m.Into:
			p.add(path, "%s cannot be merged into itself", id)
		case kind != "" && KindOfID(id) != kind:
			p.add(path, "%s is a %s and %s a %s: only entities of one kind merge", id, KindOfID(id), m.Into, kind)
		case slices.Index(m.From, id) < i:
			p.add(path, "%s is named twice", id)
		}
	}
	if strings.TrimSpace(m.Reason) == "" {
		p.add("reason", "a reason is required: it is kept in the audit trail")
	} else if utf8.RuneCountInString(m.Reason) > MaxReasonRunes {
		p.add("reason", "the reason is longer than %d characters", MaxReasonRunes)
	}
	if len(p.list) > 0 {
		return ProblemsError("the merge", p.list)
	}
	return nil
}

// MergeState is what a store holds of the entities a merge names: the entities by id, and every
// relation that touches each of them (a relation between two of them under both).
type MergeState struct {
	Entities  map[string]*Entity
	Relations map[string][]*Relation
	// Dates gives the publication dates of the sources they cite, which rank the values the
	// merged entities disagree on (docs/provenance.md); nil ranks without dates.
	Dates SourceDates
}

// MergePlan is what a merge writes.
type MergePlan struct {
	// Into is the survivor as the merge leaves it.
	Into *Entity
	// Deleted are the merged entities, as they were; a store deletes each with every relation
	// that touches it (Removed).
	Deleted []*Entity
	// Removed are the relations that touched a merged entity, as they were.
	Removed []*Relation
	// Written are the relations the merge leaves on the survivor that it creates (moved from a
	// merged entity) or changes (an existing relation of the survivor that a moved one joins):
	// a store writes each whole, after deleting Removed.
	Written []*Relation
	// Dropped are moved relations that would join the survivor to itself (a merged entity's
	// relation with the survivor or with another merged entity): removed, kept in the record.
	Dropped []*Relation
	// Record is what the merge changed as it was before: the Detail of its changes.
	Record MergeRecord
}

// MergeRecord is the Detail of a merge's changes (JSON): the survivor, the merged entities and
// every relation that touched any of them, as they were before the merge, and why. Restoring them
// and deleting the redirects undoes the merge.
type MergeRecord struct {
	Into      *Entity     `json:"into"`
	From      []*Entity   `json:"from"`
	Relations []*Relation `json:"relations"`
	Reason    string      `json:"reason"`
	// Redirected are the redirects to a merged entity (ids merged into it before) that the merge
	// moved to the survivor: id -> the merged entity it pointed at. The store fills it.
	Redirected map[string]string `json:"redirected,omitempty"`
}

// JSON returns r as the Detail of a change.
func (r MergeRecord) JSON() string {
	b, err := json.Marshal(r)
	if err != nil { // entities and relations hold JSON values only
		panic(fmt.Sprintf("kg: a merge record does not marshal: %v", err))
	}
	return string(b)
}

// PlanMerge plans merging m.From into m.Into over st. An entity st lacks is a CodeNotFound error;
// entities of different kinds a CodeBadUserInput one (also what Check finds). It never changes
// st.
func PlanMerge(m MergeRequest, st MergeState) (*MergePlan, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	into := st.Entities[m.Into]
	if into == nil {
		return nil, Errorf(CodeNotFound, "there is no entity %s to merge into", m.Into)
	}
	plan := &MergePlan{Record: MergeRecord{Into: into, Reason: m.Reason}}
	merged := map[string]bool{}
	for _, id := range m.From {
		e := st.Entities[id]
		if e == nil {
			return nil, Errorf(CodeNotFound, "there is no entity %s to merge into %s", id, m.Into)
		}
		if e.Kind != into.Kind {
			return nil, Errorf(CodeBadUserInput, "%s is a %s and %s a %s: only entities of one kind merge", id, e.Kind, m.Into, into.Kind)
		}
		merged[id] = true
		plan.Deleted = append(plan.Deleted, e)
	}
	plan.Record.From = plan.Deleted
	plan.Into = into
	for _, e := range plan.Deleted {
		plan.Into = MergedEntity(plan.Into, e, st.Dates)
	}

	// Every relation of the survivor and the merged entities, once, as it was.
	type key struct{ t, from, to string }
	seen := map[key]bool{}
	survivor := map[key]*Relation{} // the survivor's relations that stay, by key
	var moved []*Relation
	for _, id := range append([]string{m.Into}, m.From...) {
		for _, r := range st.Relations[id] {
			k := key{r.Type, r.From, r.To}
			if seen[k] {
				continue
			}
			seen[k] = true
			plan.Record.Relations = append(plan.Record.Relations, r)
			if merged[r.From] || merged[r.To] {
				plan.Removed = append(plan.Removed, r)
				moved = append(moved, r)
			} else {
				survivor[k] = r
			}
		}
	}
	repoint := func(id string) string {
		if merged[id] {
			return m.Into
		}
		return id
	}
	written := map[key]*Relation{}
	var order []key
	for _, r := range moved {
		c := *r
		c.From, c.To = repoint(r.From), repoint(r.To)
		if c.From == c.To {
			plan.Dropped = append(plan.Dropped, r)
			continue
		}
		k := key{c.Type, c.From, c.To}
		switch {
		case written[k] != nil:
			written[k] = MergedRelation(written[k], &c, st.Dates)
		case survivor[k] != nil:
			written[k] = MergedRelation(survivor[k], &c, st.Dates)
			order = append(order, k)
		default:
			written[k] = canonicalRelation(&c)
			order = append(order, k)
		}
	}
	slices.SortFunc(order, func(a, b key) int {
		return cmp.Or(strings.Compare(a.t, b.t), strings.Compare(a.from, b.from), strings.Compare(a.to, b.to))
	})
	for _, k := range order {
		plan.Written = append(plan.Written, written[k])
	}
	return plan, nil
}

// MergedEntity returns into with what from says added, as a source's say is (MergeEntity): the
// claims and citations of both, nothing lost. from's name is a claim on an alias (or on into's
// spelling of it), so into's name stays shown; the other fields show the value their claims rank
// first (docs/provenance.md), whichever entity it came from.
func MergedEntity(into, from *Entity, dates SourceDates) *Entity {
	f := *from
	f.ID = into.ID
	return MergeEntity(into, &f, MergeOptions{ByName: true, Dates: dates})
}

// MergedRelation returns keep with what add says added: the claims and citations of both, the
// values ranked as for any relation (MergeRelation).
func MergedRelation(keep, add *Relation, dates SourceDates) *Relation {
	a := *add
	a.Type, a.From, a.To = keep.Type, keep.From, keep.To
	return MergeRelation(keep, &a, MergeOptions{Dates: dates})
}

// MergeSummary is the summary of the change that merges from into p's survivor.
func MergeSummary(p *MergePlan, from *Entity) string {
	moved := 0
	for _, r := range p.Removed {
		if r.From == from.ID || r.To == from.ID {
			moved++
		}
	}
	return fmt.Sprintf("merged %s %q into %s %q: %d relation(s) moved (%d dropped as joining the survivor to itself); reason: %s",
		from.ID, clip(from.Name, 80), p.Into.ID, clip(p.Into.Name, 80), moved, len(p.Dropped), clip(p.Record.Reason, 200))
}

// MergeReport says what a merge did.
type MergeReport struct {
	Into      *Entity // the survivor, as stored
	Merged    []string
	Moved     int // relations moved onto the survivor or joined with its own
	Dropped   int // relations dropped as joining the survivor to itself
	Redirects int // merged ids (and ids merged into them before) that now resolve to the survivor
}
