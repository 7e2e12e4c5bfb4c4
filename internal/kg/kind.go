package kg

import (
	"strings"
	"unicode/utf8"
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
	// Every entity read calls this: an ASCII prefix is compared in place rather than upper-cased
	// into a new string. strings.ToUpper maps a few other letters onto ASCII ones (ı to I, ſ to
	// S), so any other prefix takes that way, as it always did.
	for i := range len(prefix) {
		if prefix[i] >= utf8.RuneSelf {
			return kindOfPrefix(strings.ToUpper(prefix))
		}
	}
	for _, k := range Kinds {
		if asciiUpperIs(prefix, string(k)) {
			return k
		}
	}
	return ""
}

// kindOfPrefix returns the kind whose value is prefix, or "".
func kindOfPrefix(prefix string) Kind {
	if k := Kind(prefix); k.Valid() {
		return k
	}
	return ""
}

// asciiUpperIs reports whether the ASCII string s upper-cased is upper.
func asciiUpperIs(s, upper string) bool {
	if len(s) != len(upper) {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != upper[i] {
			return false
		}
	}
	return true
}
