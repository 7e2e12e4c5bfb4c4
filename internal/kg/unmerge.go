package kg

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Undoing a merge: the merge's record (MergeRecord, the Detail of its changes) holds the survivor,
// the merged entities and every relation of theirs as they were, so restoring those, removing the
// redirects and putting back the ones the merge moved gives the graph as it was before it. Only
// while nothing has touched the survivor since: a later write would be lost, so it is refused.

// ActionUndoMerge is the action of an undo's changes: one per restored entity, Entity the
// survivor, Other the restored id.
const ActionUndoMerge = "UNDO_MERGE"

// UndoMergeRequest asks to undo the merge that change Change (an id "change:<seq>") recorded.
type UndoMergeRequest struct {
	Change string
	Reason string
}

// Seq checks u on its own and returns the sequence number of its change, or a CodeBadUserInput
// error listing what is wrong.
func (u UndoMergeRequest) Seq() (int64, error) {
	var p problems
	seq, err := strconv.ParseInt(strings.TrimPrefix(u.Change, "change:"), 10, 64)
	if !strings.HasPrefix(u.Change, "change:") || err != nil || seq < 1 {
		p.add("change", "%q is not a change id (change:<number>)", u.Change)
	}
	if strings.TrimSpace(u.Reason) == "" {
		p.add("reason", "a reason is required: it is kept in the audit trail")
	} else if utf8.RuneCountInString(u.Reason) > MaxReasonRunes {
		p.add("reason", "the reason is longer than %d characters", MaxReasonRunes)
	}
	if len(p.list) > 0 {
		return 0, ProblemsError("the undo", p.list)
	}
	return seq, nil
}

// MergeRecordOf returns the record of merge change c: a CodeBadUserInput error when c is no
// merge's change.
func MergeRecordOf(c *Change) (*MergeRecord, error) {
	if c.Action != ActionMergeEntities {
		return nil, Errorf(CodeBadUserInput, "%s is a %s, not a merge: only merges are undone", c.ID(), c.Action)
	}
	var rec MergeRecord
	if err := json.Unmarshal([]byte(c.Detail), &rec); err != nil || rec.Into == nil || len(rec.From) == 0 {
		return nil, Errorf(CodeBadUserInput, "%s holds no record of the merge to undo it from", c.ID())
	}
	// JSON gave every number as float64: back to the form stores keep.
	for _, e := range append([]*Entity{rec.Into}, rec.From...) {
		e.Properties = NormalizeProps(e.Properties)
		NormalizeClaims(e.Claims)
	}
	for _, r := range rec.Relations {
		r.Properties = NormalizeProps(r.Properties)
		NormalizeClaims(r.Claims)
	}
	return &rec, nil
}

// UndoRecord is the Detail of an undo's changes: which merge change it undid.
type UndoRecord struct {
	Undid string `json:"undid"`
}

// JSON returns r as the Detail of a change.
func (r UndoRecord) JSON() string {
	b, _ := json.Marshal(r) // a struct of strings
	return string(b)
}

// CheckUndoable returns a CodeConflict error unless nothing but merges undone since has touched
// the survivor of merge change c after it: touching are the changes that touched the survivor,
// newest first (as Changes lists them). A merge undone since (its changes, then the undo's) left
// the survivor as it was; anything else written to it since would be lost by restoring it.
func CheckUndoable(c *Change, touching []*Change) error {
	conflict := func(t *Change) error {
		what := "a change the audit trail no longer shows"
		if t != nil {
			what = fmt.Sprintf("%s (%s, %s)", t.ID(), t.Action, t.At)
		}
		return Errorf(CodeConflict, "%s was written to since the merge of %s (by %s): undoing the merge would lose that; "+
			"fix what the merge did by hand instead", c.Entity, c.ID(), what)
	}
	run := func(i int, action, detail string) int { // the end of the run of changes of one write
		for i < len(touching) && touching[i].Action == action && touching[i].Detail == detail {
			i++
		}
		return i
	}
	for i := 0; i < len(touching); {
		t := touching[i]
		switch {
		case t.Action == ActionMergeEntities && t.Detail == c.Detail:
			return nil
		case t.Action != ActionUndoMerge:
			return conflict(t)
		}
		var u UndoRecord
		_ = json.Unmarshal([]byte(t.Detail), &u)
		i = run(i, ActionUndoMerge, t.Detail)
		if i == len(touching) || touching[i].Action != ActionMergeEntities {
			return conflict(t)
		}
		end := run(i, ActionMergeEntities, touching[i].Detail)
		undone := false
		for _, m := range touching[i:end] {
			undone = undone || m.ID() == u.Undid
		}
		if !undone {
			return conflict(t)
		}
		i = end
	}
	return conflict(nil)
}

// UndoPlan is what undoing a merge writes.
type UndoPlan struct {
	// Into is the survivor as it was before the merge; Restored the merged entities as they were.
	Into     *Entity
	Restored []*Entity
	// Removed are the survivor's relations now that the record does not hold (moved onto it by the
	// merge): deleted first.
	Removed []*Relation
	// Written are the recorded relations the store does not hold as they were: written whole,
	// once the entities are back.
	Written []*Relation
	// Unredirected are the merged ids whose redirect goes; Redirected the earlier redirects the
	// merge moved to the survivor, put back to the merged entity they pointed at.
	Unredirected []string
	Redirected   map[string]string
}

// UndoReport says what undoing a merge did.
type UndoReport struct {
	Into     *Entity  // the survivor, as restored
	Restored []string // the merged ids, entities again
	Removed  int      // relations the merge had moved onto the survivor, removed
	Written  int      // recorded relations written back
}

// PlanUndoMerge plans undoing the merge recorded in rec over the survivor's relations as the
// store holds them now (current).
func PlanUndoMerge(rec *MergeRecord, current []*Relation) *UndoPlan {
	p := &UndoPlan{Into: rec.Into, Restored: rec.From, Redirected: rec.Redirected}
	recorded := map[string]*Relation{}
	for _, r := range rec.Relations {
		recorded[RelationKey(r)] = r
	}
	now := map[string]*Relation{}
	for _, r := range current {
		now[RelationKey(r)] = r
		if recorded[RelationKey(r)] == nil {
			p.Removed = append(p.Removed, r)
		}
	}
	for _, r := range rec.Relations {
		if c := now[RelationKey(r)]; c == nil || !EqualRelations(c, r) {
			p.Written = append(p.Written, r)
		}
	}
	for _, e := range rec.From {
		p.Unredirected = append(p.Unredirected, e.ID)
	}
	return p
}

// UndoSummary is the summary of the change that restores e, undoing merge change c.
func UndoSummary(c *Change, e *Entity, reason string) string {
	return fmt.Sprintf("undid %s: %s %q restored beside %s; reason: %s", c.ID(), e.ID, clip(e.Name, 80), c.Entity, clip(reason, 200))
}
