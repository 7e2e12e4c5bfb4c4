package kg

import (
	"strings"
)

// Kind is an entity kind. Its value is the GraphQL enum value; its Label is the Neo4j node label.
type Kind string

// The entity kinds.
const (
	KindPerson       Kind = "PERSON"
	KindOrganization Kind = "ORGANIZATION"
	KindCountry      Kind = "COUNTRY"
	KindPlace        Kind = "PLACE"
	KindMeeting      Kind = "MEETING"
	KindDialogue     Kind = "DIALOGUE"
	KindInitiative   Kind = "INITIATIVE"
	KindTopic        Kind = "TOPIC"
)

// Kinds lists every entity kind in a stable order.
var Kinds = []Kind{KindPerson, KindOrganization, KindCountry, KindPlace, KindMeeting, KindDialogue, KindInitiative, KindTopic}

// Valid reports whether k is one of Kinds.
func (k Kind) Valid() bool {
	for _, x := range Kinds {
		if x == k {
			return true
		}
	}
	return false
}

// Label returns the Neo4j label of k ("Person" for PERSON).
func (k Kind) Label() string {
	s := strings.ToLower(string(k))
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// Prefix returns the ID prefix of k ("person" for PERSON).
func (k Kind) Prefix() string { return strings.ToLower(string(k)) }

// KindOfID returns the kind named by id's prefix, or "" if the prefix names no kind.
func KindOfID(id string) Kind {
	prefix, _, ok := strings.Cut(id, ":")
	if !ok {
		return ""
	}
	k := Kind(strings.ToUpper(prefix))
	if !k.Valid() {
		return ""
	}
	return k
}
