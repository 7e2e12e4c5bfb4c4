package kg

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Writer is the write side of a Store: cited writes, bulk import and the audit trail. Callers
// check the caller's role (Require(ctx, RoleEditor)) before calling; a Writer trusts its caller and
// records PrincipalFrom(ctx).Name as the actor of every Change.
//
// Every write is validated first (ValidateBundle's rules, against what the store holds), resolves
// identity (PlanImport), is all-or-nothing, and is recorded as Changes in the same transaction as
// the write itself. A write that would change nothing writes nothing and records nothing. Invalid
// input is a *Error with CodeBadUserInput whose Problems say what is wrong where, and changes
// nothing.
type Writer interface {
	// AddSource creates the source s, or updates the one with its id (when s has no id, its id is
	// SourceID(s.Title)). A stored source's text never changes: citations depend on it. It returns
	// the source as stored.
	AddSource(ctx context.Context, s *Source) (*Source, error)

	// UpsertEntity creates e or adds what it says to the entity it resolves to (see PlanImport,
	// ApplyEntity: no other source's values are lost), and returns the entity as stored.
	UpsertEntity(ctx context.Context, e *Entity) (*Entity, error)

	// AddRelation creates r or adds its properties and citations to the relation with its (Type,
	// From, To) (ApplyRelation). Both ends must exist. It returns the relation as stored.
	AddRelation(ctx context.Context, r *Relation) (*Relation, error)

	// RemoveRelation deletes the relation (typ, from, to) and reports whether there was one.
	RemoveRelation(ctx context.Context, typ, from, to string) (bool, error)

	// DeleteEntity deletes the entity id with all its relations, giving reason in the audit trail,
	// and reports whether there was one. An empty reason is a CodeBadUserInput error.
	DeleteEntity(ctx context.Context, id, reason string) (bool, error)

	// Import writes every source, entity and relation of b, all or nothing (see PlanImport for how
	// items are matched with what the store holds, and ApplyEntity for how what they say joins what
	// is stored; opts.Replace replaces what b's sources said instead). A stored source whose
	// publication date b changes re-ranks the values of the items that cite it (RerankEntity),
	// audited. When b has problems, the report lists every one, nothing is written and the error
	// is a CodeBadUserInput *Error. With opts.DryRun the report says what would happen and nothing
	// is written. The report lists the disagreements the import creates. Importing the same bundle
	// twice creates and updates nothing the second time. The store may keep b's items: the caller
	// must not change b afterwards.
	//
	// An import records one Change for itself (Action IMPORT, no Entity, the counts as summary),
	// numbered before the others of its write, and one per item it updates. The items it creates
	// are attributed to its Change instead of recording one each (a bulk import would otherwise
	// double what it writes): Changes of an entity or source lists the import that created it or
	// one of the entity's present relations.
	Import(ctx context.Context, b *Bundle, opts ImportOptions) (*ImportReport, error)

	// WithdrawSource removes what w.Source said, its citations and claims, from the items w names
	// (every item that cites it, when it names none), all or nothing, audited with w.Reason: one
	// Change for the withdrawal (Action WITHDRAW_SOURCE, no Entity, numbered first) and one per
	// item changed or deleted. An item left with no citation is deleted, an entity with its
	// relations. The others keep what other sources say and show the values those rank first. The
	// source itself stays. A bad w, or a named item that does not cite the source, is a
	// CodeBadUserInput error and an unknown source a CodeNotFound one; both change nothing. With
	// w.DryRun it reports what it would do and writes nothing.
	WithdrawSource(ctx context.Context, w Withdrawal) (*WithdrawReport, error)
	// MergeEntities merges the entities m.From into m.Into (PlanMerge), all or nothing: the
	// survivor takes their names as aliases, their citations, the values it lacks and their
	// relations; they are deleted, and each merged id (and every id merged into one of them
	// before) redirects to the survivor from then on: Entities, ExpandQuery.WithEntities and
	// later writes resolve it to the survivor. It records one Change per merged entity (Action
	// MERGE_ENTITIES, Entity the survivor, Other the merged id, Detail its MergeRecord). A bad
	// request is a CodeBadUserInput error, an unknown entity a CodeNotFound one; both change
	// nothing.
	MergeEntities(ctx context.Context, m MergeRequest) (*MergeReport, error)

	// UndoMerge undoes the merge change u.Change recorded (PlanUndoMerge), all or nothing: the
	// survivor and the merged entities as they were, their relations as they were, the redirects
	// gone (and the ones the merge moved put back). It records one Change per restored entity
	// (Action UNDO_MERGE, Entity the survivor, Other the restored id). A change that is no merge,
	// or a bad request, is a CodeBadUserInput error; an unknown change CodeNotFound; a survivor
	// written to since the merge CodeConflict (CheckUndoable). Each changes nothing.
	UndoMerge(ctx context.Context, u UndoMergeRequest) (*UndoReport, error)

	// Changes returns one page of the audit trail, newest first: every change, or those touching
	// q.Entity: as the changed entity or source, as the other end of a changed relation, or as
	// the import that created it or one of its present relations.
	Changes(ctx context.Context, q ChangeQuery) (*ChangePage, error)
}

// ImportOptions tunes Import.
type ImportOptions struct {
	// DryRun validates and counts without writing anything.
	DryRun bool
	// Replace: on every item the bundle names, what the bundle's sources (those it lists and those
	// its items cite) said before is replaced by what the bundle says now, instead of added to.
	// What other sources said stays. docs/provenance.md.
	Replace bool
	// Duplicates looks up, for each entity the import creates, the stored entities it may
	// duplicate (Plan.FindDuplicates: a few searches per new entity), for the report. The API
	// and the command line ask for it; loads of a whole graph (seeding, tests) need not.
	Duplicates bool
}

// ImportStats counts what an import did (or, in a dry run, would do) with the items of a bundle.
type ImportStats struct {
	Created   int
	Updated   int
	Unchanged int
}

// ImportReport is what an import did, or why it did nothing.
type ImportReport struct {
	ImportStats
	// Problems lists everything wrong with the bundle, in bundle order; when it is not empty,
	// nothing was written and the counts are zero.
	Problems []Problem
	DryRun   bool
	// Disagreements lists every field the import left (or, in a dry run, would leave) with values
	// from sources that disagree, which it did not have before: all values, the shown one first.
	Disagreements []Disagreement
	// Duplicates lists the stored entities that entities the import creates (or, in a dry run,
	// would create) resemble, each with the score and the reason (PossibleDuplicate); they are
	// written all the same. DuplicatesUnchecked counts new entities not looked up (beyond
	// MaxDuplicateChecks).
	Duplicates          []PossibleDuplicate
	DuplicatesUnchecked int
}

// Actions of Changes.
const (
	ActionAddSource      = "ADD_SOURCE"
	ActionUpsertEntity   = "UPSERT_ENTITY"
	ActionAddRelation    = "ADD_RELATION"
	ActionRemoveRelation = "REMOVE_RELATION"
	ActionDeleteEntity   = "DELETE_ENTITY"
	ActionImport         = "IMPORT"
	// ActionWithdraw (withdraw.go) records a withdrawal.
)

// Change is one entry of the audit trail: who changed what, when, with a before/after summary. A
// write records one Change per source, entity and relation it creates, updates or deletes (an
// import also one for the whole import, with no Entity). Seq orders changes: a later write has a
// higher Seq.
type Change struct {
	Seq    int64  `json:"seq"`
	At     string `json:"at"` // RFC 3339, UTC, milliseconds
	Actor  string `json:"actor"`
	Action string `json:"action"`
	// Entity is the id of the entity or source changed; for a relation, its From.
	Entity string `json:"entity,omitempty"`
	// Other is the To of a changed relation, so the change is found from either end.
	Other   string `json:"other,omitempty"`
	Summary string `json:"summary"`
	// Detail is what a change that the summary cannot hold needs to be undone, as JSON: a merge's
	// MergeRecord. "" for most changes.
	Detail string `json:"detail,omitempty"`
}

// ID returns the change's id, "change:<seq>".
func (c *Change) ID() string { return fmt.Sprintf("change:%d", c.Seq) }

// Touches reports whether c changed id: as its Entity or as the Other end of its relation.
func (c *Change) Touches(id string) bool { return c.Entity == id || c.Other == id }

// ChangeTime formats t as a Change's At.
func ChangeTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// ChangeQuery selects a page of the audit trail, newest first: the first Limit changes (the last
// Limit with FromEnd, when Offset must be 0) of those older than Below and newer than Above
// (sequence numbers, exclusive; 0: no bound), once Offset of them are skipped.
type ChangeQuery struct {
	Entity  string // "" means every change
	Below   int64
	Above   int64
	FromEnd bool
	Offset  int
	Limit   int // at most this many (0: none, with Total still counted); NoLimit: every one
}

// ChangePage is one page of the audit trail, newest first, with the number of changes matching
// (whatever the bounds); More and Earlier mean what EntityPage's do.
type ChangePage struct {
	Changes []*Change
	Total   int
	More    bool
	Earlier bool
}

// Actor returns the name a write by the caller of ctx records as its actor.
func Actor(ctx context.Context) string {
	if n := PrincipalFrom(ctx).Name; n != "" {
		return n
	}
	return "anonymous"
}

// ProblemsError returns the CodeBadUserInput error for ps: its message lists the first problems,
// and Problems holds them all.
func ProblemsError(what string, ps []Problem) *Error {
	const show = 10
	var b strings.Builder
	fmt.Fprintf(&b, "%s has %d problem(s), nothing was written: ", what, len(ps))
	for i, p := range ps {
		if i == show {
			fmt.Fprintf(&b, "; and %d more", len(ps)-show)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(p.String())
	}
	return &Error{Code: CodeBadUserInput, Message: b.String(), Problems: ps}
}
