package kg

import "testing"

func TestFold(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Blas Nuñez-Neto", "blas nunez-neto"},
		{"  Secretaría   de\tEconomía ", "secretaria de economia"},
		{"Benjamine “Carry” Huffman", `benjamine "carry" huffman`},
		{"These issues – including", "these issues - including"},
		{"CBP", "cbp"},
		{"", ""},
	} {
		if got := Fold(tc.in); got != tc.want {
			t.Errorf("Fold(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestSlugAndIDs(t *testing.T) {
	for _, tc := range []struct {
		kind       Kind
		name, want string
	}{
		{KindPerson, "Rachel Poynter", "person:rachel-poynter"},
		{KindPerson, "Blas Nuñez-Neto", "person:blas-nunez-neto"},
		{KindOrganization, "Secretariat of Foreign Relations", "organization:secretariat-of-foreign-relations"},
		{KindDialogue, "U.S.-Mexico High-Level Economic Dialogue", "dialogue:u-s-mexico-high-level-economic-dialogue"},
		{KindPlace, "Ciudad de México", "place:ciudad-de-mexico"},
	} {
		got := NewID(tc.kind, tc.name)
		if got != tc.want {
			t.Errorf("NewID(%s, %q) = %q, want %q", tc.kind, tc.name, got, tc.want)
		}
		if !ValidID(got) || KindOfID(got) != tc.kind {
			t.Errorf("ValidID(%q) = false or KindOfID = %q, want valid %s", got, KindOfID(got), tc.kind)
		}
	}
	for _, bad := range []string{"", "person:", "person", "animal:x", "person:Rachel", "person:a--b", "person:-a", "person:a b"} {
		if ValidID(bad) {
			t.Errorf("ValidID(%q) = true, want false", bad)
		}
	}
}

func TestQuoteOccurs(t *testing.T) {
	text := "Acting Deputy Commissioner for U.S. Customs and Border Protection (CBP) Benjamine “Carry” Huffman also joined"
	for _, tc := range []struct {
		quote string
		want  bool
	}{
		{"Benjamine “Carry” Huffman", true},
		{`Benjamine "Carry" Huffman`, true},
		{"Customs  and\nBorder Protection", true},
		{"customs and border protection", false},
		{"Benjamine Huffman", false},
		{"", false},
		{"   ", false},
	} {
		if got := QuoteOccurs(text, tc.quote); got != tc.want {
			t.Errorf("QuoteOccurs(text, %q) = %v, want %v", tc.quote, got, tc.want)
		}
	}
}

func TestValidDate(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"2010", true}, {"2022-07", true}, {"2022-12-01", true},
		{"2022-13", false}, {"2022-02-30", false}, {"December 2022", false}, {"22", false}, {"", false},
	} {
		if got := ValidDate(tc.in); got != tc.want {
			t.Errorf("ValidDate(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestErrorCode(t *testing.T) {
	err := Wrap(CodeServiceUnavailable, "Neo4j is unavailable", errString("dial tcp: refused"))
	if ErrorCode(err) != CodeServiceUnavailable || ErrorMessage(err) != "Neo4j is unavailable" {
		t.Errorf("ErrorCode, ErrorMessage = %q, %q", ErrorCode(err), ErrorMessage(err))
	}
	if ErrorCode(errString("boom")) != CodeInternal || ErrorMessage(errString("boom")) != "Internal error" {
		t.Errorf("an uncoded error must read as INTERNAL / Internal error")
	}
}

type errString string

func (e errString) Error() string { return string(e) }

func BenchmarkFold(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Fold("Secretariat of Communications and Transportation")
		Fold("Secretaría de Infraestructura, Comunicaciones y Transportes")
	}
}
