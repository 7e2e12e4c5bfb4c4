package kg

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// What the one-item writes of every Writer share (AddSource, UpsertEntity, AddRelation,
// RemoveRelation, DeleteEntity): their input checks, the paths of their problems, and their change
// summaries.

// MaxReasonRunes bounds the reason given for a deletion.
const MaxReasonRunes = 1000

// ItemProblems returns ps, the problems of a one-item bundle whose item is at prefix
// ("entities[0]"), with paths relative to the item ("citations[0].quote"), for the error of a
// one-item write.
func ItemProblems(ps []Problem, prefix string) []Problem {
	out := make([]Problem, len(ps))
	for i, p := range ps {
		path := strings.TrimPrefix(p.Path, prefix)
		path = strings.TrimPrefix(path, ".")
		out[i] = Problem{Path: path, Message: p.Message}
	}
	return out
}

// CheckRemoveRelation returns a CodeBadUserInput error when (typ, from, to) cannot name a relation.
func CheckRemoveRelation(typ, from, to string) error {
	var p problems
	if _, ok := RelationSpecs[typ]; !ok {
		p.add("type", "%s", UnknownRelationType(typ))
	}
	if !ValidID(from) || KindOfID(from) == "" {
		p.add("from", "%q is not an entity id", from)
	}
	if !ValidID(to) || KindOfID(to) == "" {
		p.add("to", "%q is not an entity id", to)
	}
	if len(p.list) > 0 {
		return ProblemsError("the relation", p.list)
	}
	return nil
}

// CheckDeleteEntity returns a CodeBadUserInput error when id is no entity id or reason is empty or
// too long.
func CheckDeleteEntity(id, reason string) error {
	var p problems
	if !ValidID(id) || KindOfID(id) == "" {
		p.add("id", "%q is not an entity id", id)
	}
	if strings.TrimSpace(reason) == "" {
		p.add("reason", "a reason is required: it is kept in the audit trail")
	} else if utf8.RuneCountInString(reason) > MaxReasonRunes {
		p.add("reason", "the reason is longer than %d characters", MaxReasonRunes)
	}
	if len(p.list) > 0 {
		return ProblemsError("the deletion", p.list)
	}
	return nil
}

// DeleteSummary is the change summary of deleting e, which had relations relations.
func DeleteSummary(e *Entity, relations int, reason string) string {
	return fmt.Sprintf("deleted %s %q and its %d relation(s); reason: %s", e.Kind, clip(e.Name, 80), relations, clip(reason, 200))
}

// RemovedWithSummary is the change summary of a relation removed because entity id was deleted.
func RemovedWithSummary(r *Relation, id string) string {
	return fmt.Sprintf("removed %s with the deletion of %s", RelationName(r), id)
}

// RemoveSummary is the change summary of removing r.
func RemoveSummary(r *Relation) string { return "removed " + RelationName(r) }

// ImportSummary is the change summary of a whole import.
func ImportSummary(st ImportStats) string {
	return fmt.Sprintf("import: %d created, %d updated, %d unchanged", st.Created, st.Updated, st.Unchanged)
}
