package kg

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// ActionWithdraw is the action of the changes a withdrawal records (Writer.WithdrawSource).
const ActionWithdraw = "WITHDRAW_SOURCE"

// RelationRef names a relation by its type and ends.
type RelationRef struct {
	Type, From, To string
}

// Key returns the key of r.
func (r *Relation) Key() RelationRef { return RelationRef{r.Type, r.From, r.To} }

// Withdrawal says what a source no longer supports: every item it is cited by, or only the
// entities and relations named.
type Withdrawal struct {
	Source string
	// Entities and Relations limit the withdrawal to these items; both empty: every item.
	Entities  []string
	Relations []RelationRef
	// Reason is kept in the audit trail; required.
	Reason string
	DryRun bool
}

// WithdrawReport counts what a withdrawal did (or, in a dry run, would do).
type WithdrawReport struct {
	CitationsRemoved int
	EntitiesUpdated  int
	EntitiesDeleted  int
	RelationsUpdated int
	// RelationsDeleted counts the relations left without a citation, and those removed with an
	// entity that was.
	RelationsDeleted int
	DryRun           bool
}

// CheckWithdrawal returns a CodeBadUserInput error when w cannot name a withdrawal: a source id,
// entity ids, relation keys and a reason. Whether the items cite the source is checked against the
// store (WithdrawNotCited).
func CheckWithdrawal(w Withdrawal) error {
	var p problems
	if !strings.HasPrefix(w.Source, "source:") || !ValidID(w.Source) {
		p.add("source", "%q is not a source id", w.Source)
	}
	for i, id := range w.Entities {
		if !ValidID(id) || KindOfID(id) == "" {
			p.add(fmt.Sprintf("entities[%d]", i), "%q is not an entity id", id)
		}
	}
	for i, k := range w.Relations {
		if _, ok := RelationSpecs[k.Type]; !ok {
			p.add(fmt.Sprintf("relations[%d].type", i), "unknown relation type %q", k.Type)
		}
		if !ValidID(k.From) || !ValidID(k.To) {
			p.add(fmt.Sprintf("relations[%d]", i), "%s %q -> %q does not name a relation", k.Type, k.From, k.To)
		}
	}
	if strings.TrimSpace(w.Reason) == "" {
		p.add("reason", "a reason is required: it is kept in the audit trail")
	} else if utf8.RuneCountInString(w.Reason) > MaxReasonRunes {
		p.add("reason", "the reason is longer than %d characters", MaxReasonRunes)
	}
	if len(p.list) > 0 {
		return ProblemsError("the withdrawal", p.list)
	}
	return nil
}

// WithdrawNotCited returns the CodeBadUserInput error of a withdrawal that names items which do
// not cite its source (missing lists them, as "entities[i]" or "relations[i]" paths with a
// message), or nil when there are none.
func WithdrawNotCited(w Withdrawal, entities []*Entity, relations []*Relation) error {
	var p problems
	for i, id := range w.Entities {
		e := entities[i]
		switch {
		case e == nil:
			p.add(fmt.Sprintf("entities[%d]", i), "no entity %q", id)
		case !citesSource(e.Citations, w.Source):
			p.add(fmt.Sprintf("entities[%d]", i), "%s is not cited to %s", id, w.Source)
		}
	}
	for i, k := range w.Relations {
		r := relations[i]
		switch {
		case r == nil:
			p.add(fmt.Sprintf("relations[%d]", i), "no relation %s %s -> %s", k.Type, k.From, k.To)
		case !citesSource(r.Citations, w.Source):
			p.add(fmt.Sprintf("relations[%d]", i), "%s is not cited to %s", RelationName(r), w.Source)
		}
	}
	if len(p.list) > 0 {
		return ProblemsError("the withdrawal", p.list)
	}
	return nil
}

func citesSource(cs []Citation, src string) bool {
	return slices.ContainsFunc(cs, func(c Citation) bool { return c.Source == src })
}

// Withdrawn is what withdrawing a source does to one item.
type Withdrawn struct {
	// Deleted: no citation is left; the item goes (an entity with its relations).
	Deleted bool
	// Citations counts the citations removed.
	Citations int
	Summary   string
}

// WithdrawFromEntity returns e without the citations and claims of source src, with the values its
// other claims rank first (dates), and what that was; Deleted when no citation is left (the
// returned entity is then e).
func WithdrawFromEntity(e *Entity, src, reason string, dates SourceDates) (*Entity, Withdrawn) {
	drop := map[string]bool{src: true}
	cits := dropCitations(e.Citations, drop)
	w := Withdrawn{Citations: len(e.Citations) - len(cits)}
	if len(cits) == 0 {
		w.Deleted = true
		w.Summary = fmt.Sprintf("deleted %s %q: withdrawn %s was its only source; reason: %s", e.Kind, clip(e.Name, 80), src, clip(reason, 200))
		return e, w
	}
	base := *e
	base.Citations = cits
	next := resolveEntity(&base, dropSources(e.ItemClaims(), drop), e.Aliases, dates)
	w.Summary = fmt.Sprintf("withdrew %s: %s; reason: %s", src, DiffEntities(e, next), clip(reason, 200))
	return next, w
}

// WithdrawFromRelation is WithdrawFromEntity for relations.
func WithdrawFromRelation(r *Relation, src, reason string, dates SourceDates) (*Relation, Withdrawn) {
	drop := map[string]bool{src: true}
	cits := dropCitations(r.Citations, drop)
	w := Withdrawn{Citations: len(r.Citations) - len(cits)}
	if len(cits) == 0 {
		w.Deleted = true
		w.Summary = fmt.Sprintf("removed %s: withdrawn %s was its only source; reason: %s", RelationName(r), src, clip(reason, 200))
		return r, w
	}
	base := *r
	base.Citations = cits
	next := resolveRelation(&base, dropSources(r.ItemClaims(), drop), dates)
	w.Summary = fmt.Sprintf("%s: withdrew %s: %s; reason: %s", RelationName(r), src, DiffRelations(r, next), clip(reason, 200))
	return next, w
}

// WithdrawnWithSummary is the change summary of a relation removed because withdrawing src for
// reason deleted entity id.
func WithdrawnWithSummary(r *Relation, id, src, reason string) string {
	return fmt.Sprintf("removed %s with %s, which withdrawing %s left without a source; reason: %s", RelationName(r), id, src, clip(reason, 200))
}

// WithdrawSummary is the change summary of a whole withdrawal.
func WithdrawSummary(w Withdrawal, rep *WithdrawReport) string {
	return fmt.Sprintf("withdrew %s: %d citation(s) removed; entities %d updated, %d deleted; relations %d updated, %d deleted; reason: %s",
		w.Source, rep.CitationsRemoved, rep.EntitiesUpdated, rep.EntitiesDeleted, rep.RelationsUpdated, rep.RelationsDeleted, clip(w.Reason, 200))
}
