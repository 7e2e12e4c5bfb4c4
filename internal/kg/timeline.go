package kg

import (
	"cmp"
	"slices"
	"strings"
)

// TimelineEntry is one meeting of a timeline and the ways the entity the timeline is for took part
// in it (none for a timeline of every meeting).
type TimelineEntry struct {
	Meeting *Entity
	Via     []Via
}

// Way is how an entity takes part in a meeting of its timeline (TimelineQuery).
type Way string

// The ways, in the order CompareVia puts them.
const (
	WayDirect       Way = "DIRECT"       // a relation between the entity and the meeting, or the meeting itself
	WayOrganization Way = "ORGANIZATION" // an organization of the person's, or of the country, was represented
	WayDelegation   Way = "DELEGATION"   // a member of the country's delegation attended or was represented
	WayDialogue     Way = "DIALOGUE"     // the meeting is a session of a part of the dialogue
)

// Ways lists every Way in order.
var Ways = []Way{WayDirect, WayOrganization, WayDelegation, WayDialogue}

// Via is one way an entity took part in a meeting.
type Via struct {
	Way Way
	// Relation is the type of the relation that makes it: for WayDirect the relation between the
	// entity and the meeting ("" for a meeting's own timeline); for WayOrganization and
	// WayDelegation the REPRESENTED_AT or ATTENDED relation of Through with the meeting; for
	// WayDialogue SESSION_OF.
	Relation string
	// Through is the id of the entity it goes through: the organization, the member of the
	// delegation or the part of the dialogue; "" for WayDirect.
	Through string
}

// Direct reports whether v is a way of taking part directly.
func (v Via) Direct() bool { return v.Way == WayDirect }

// CompareVia orders vias by way (as Ways lists them), then by relation type, then by Through.
func CompareVia(a, b Via) int {
	return cmp.Or(cmp.Compare(slices.Index(Ways, a.Way), slices.Index(Ways, b.Way)),
		strings.Compare(a.Relation, b.Relation), strings.Compare(a.Through, b.Through))
}

// SortVias sorts vs in CompareVia order and drops repeats.
func SortVias(vs []Via) []Via {
	slices.SortFunc(vs, CompareVia)
	return slices.Compact(vs)
}

// TimelineOrder orders entries in timeline order by their meetings (CompareTimeline).
func TimelineOrder(a, b *TimelineEntry) int { return CompareTimeline(a.Meeting, b.Meeting) }
