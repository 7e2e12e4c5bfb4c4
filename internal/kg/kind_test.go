package kg

import (
	"strings"
	"testing"
)

// KindOfID names the kinds strings.ToUpper of the prefix names, whatever the prefix's letters.
func TestKindOfIDIsTheUpperCasedPrefix(t *testing.T) {
	upper := func(id string) Kind {
		prefix, _, ok := strings.Cut(id, ":")
		if k := Kind(strings.ToUpper(prefix)); ok && k.Valid() {
			return k
		}
		return ""
	}
	ids := []string{"", ":", "person", "person:", "person:a", "PERSON:a", "Person:a:b", "meeting:x",
		"topic:t", "country:us", "persons:a", "perso:a", "p:a", "ınitiative:a", "ſource:a", "ſession:a",
		"placé:a", "PLACE:é", "organızatıon:a", "dialogue:ſ", "in\u0130tiative:a", "\u212Aountry:a"}
	for _, k := range Kinds {
		ids = append(ids, k.Prefix()+":x", string(k)+":x", strings.ToUpper(k.Prefix()[:1])+k.Prefix()[1:]+":x")
	}
	for _, id := range ids {
		if got, want := KindOfID(id), upper(id); got != want {
			t.Errorf("KindOfID(%q) = %q, want %q", id, got, want)
		}
	}
}

func BenchmarkKindOfID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = KindOfID("organization:secretariat-of-foreign-relations")
	}
}
