package kg

import "testing"

// benchEntities are a stored entity of the built-in kind (one source) and the same entity as a
// second source gives it, with a description and a title of its own.
func benchEntities() (*Entity, *Entity) {
	stored := &Entity{ID: "organization:sre", Kind: KindOrganization, Name: "Secretariat of Foreign Relations",
		Aliases: []string{"SRE", "Secretaría de Relaciones Exteriores"}, Description: "A Mexican secretariat.",
		Properties: map[string]any{"acronym": "SRE", "classification": "SECRETARIAT"},
		Citations: []Citation{{Source: "source:a", Quote: "the Secretariat of Foreign Relations (SRE)"},
			{Source: "source:a", Quote: "Secretariat of Foreign Relations", Basis: BasisCurated, Note: "Spanish name", Fields: []string{"aliases[Secretaría de Relaciones Exteriores]"}}}}
	other := &Entity{ID: "organization:sre", Kind: KindOrganization, Name: "Secretariat of Foreign Relations", Description: "Mexico's foreign ministry.",
		Properties: map[string]any{"acronym": "SRE", "classification": "MINISTRY"}, Citations: []Citation{{Source: "source:b", Quote: "the SRE"}}}
	return stored, other
}

func dates(id string) string {
	return map[string]string{"source:a": "2022-12", "source:b": "2023-05"}[id]
}

// BenchmarkApplyEntityUnchanged is a re-import of what is stored: the merge that finds nothing new.
func BenchmarkApplyEntityUnchanged(b *testing.B) {
	stored, _ := benchEntities()
	w := &EntityWrite{Entity: stored}
	b.ReportAllocs()
	for b.Loop() {
		if _, a := ApplyEntity(stored, w, ApplyOptions{Dates: dates}); a.Outcome != Unchanged {
			b.Fatal(a.Outcome)
		}
	}
}

// BenchmarkApplyEntityMerge is a second source's say merged in, with two disagreements.
func BenchmarkApplyEntityMerge(b *testing.B) {
	stored, other := benchEntities()
	w := &EntityWrite{Entity: other}
	b.ReportAllocs()
	for b.Loop() {
		if _, a := ApplyEntity(stored, w, ApplyOptions{Dates: dates}); len(a.Disagreements) != 2 {
			b.Fatal(a.Disagreements)
		}
	}
}

// BenchmarkApplyEntityCreate is the common case of a bulk import: a new entity.
func BenchmarkApplyEntityCreate(b *testing.B) {
	stored, _ := benchEntities()
	w := &EntityWrite{Entity: stored}
	b.ReportAllocs()
	for b.Loop() {
		if _, a := ApplyEntity(nil, w, ApplyOptions{Dates: dates}); a.Outcome != Created {
			b.Fatal(a.Outcome)
		}
	}
}
