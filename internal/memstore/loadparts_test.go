package memstore_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

// loaded is what a load leaves that a test compares: the graph, the audit trail and each
// entity's history (which attributes what the load created to its one change), without the
// changes' times.
func loaded(t *testing.T, s *memstore.Store) string {
	t.Helper()
	ctx := t.Context()
	d, err := storetest.Dump(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString(d)
	history := func(entity string) {
		p, err := s.Changes(ctx, kg.ChangeQuery{Entity: entity, Limit: kg.NoLimit})
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("\nhistory " + entity)
		for _, c := range p.Changes {
			b.WriteString("\n" + c.ID() + " " + c.Actor + " " + c.Action + " " + c.Entity + " " + c.Other + " " + c.Summary)
		}
	}
	// Search, by names and by the titles of positions (which the index takes from relations).
	search := func(text string) {
		hits, err := s.Search(ctx, kg.SearchQuery{Text: text, Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		b.WriteString("\nsearch " + text)
		for _, h := range hits {
			fmt.Fprintf(&b, " %s %g", h.Entity.ID, h.Score)
		}
	}
	history("")
	search("Director")
	search("Advisor")
	for _, k := range kg.Kinds {
		ep, err := s.ListEntities(ctx, kg.ListQuery{Kind: k, Limit: kg.NoLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range ep.Entities {
			history(e.ID)
			search(e.Name)
		}
	}
	return b.String()
}

// imported is a new store into which b is imported as Load imports it, by the path every other
// write takes.
func imported(t *testing.T, b *kg.Bundle) *memstore.Store {
	t.Helper()
	ctx := kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleAdmin, Name: memstore.LoadActor, Authenticated: true})
	s := memstore.New()
	if _, err := s.Import(ctx, b, kg.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	return s
}

// inParts splits b as a caller must: sources and entities first, then the relations, at most
// size items a part.
func inParts(b *kg.Bundle, size int) []*kg.Bundle {
	parts := []*kg.Bundle{{Sources: b.Sources}}
	for i := 0; i < len(b.Entities); i += size {
		parts = append(parts, &kg.Bundle{Entities: b.Entities[i:min(i+size, len(b.Entities))]})
	}
	for i := 0; i < len(b.Relations); i += size {
		parts = append(parts, &kg.Bundle{Relations: b.Relations[i:min(i+size, len(b.Relations))]})
	}
	return parts
}

// A store loaded in parts, or whole, is the one a single import gives: entities, relations, sources, and one import
// change counting every part, to which each entity's creation is attributed.
func TestLoadPartsIsLoad(t *testing.T) {
	for name, b := range map[string]*kg.Bundle{"fixture": storetest.Fixture(), "generated": graphgen.Generate(600)} {
		t.Run(name, func(t *testing.T) {
			want := loaded(t, imported(t, b))
			if got := loaded(t, load(t, b)); got != want {
				t.Errorf("Load differs from one import as LoadActor:\n%s", firstLineDiff(got, want))
			}
			if !strings.Contains(want, "import: ") {
				t.Fatalf("Load recorded no import change:\n%s", want[:min(len(want), 2000)])
			}
			for _, size := range []int{1, 7, 250} {
				parts := inParts(b, size)
				s, err := memstore.LoadParts(func(yield func(*kg.Bundle) bool) {
					for _, p := range parts {
						if !yield(p) {
							return
						}
					}
				})
				if err != nil {
					t.Fatalf("LoadParts(%d parts) error = %v", len(parts), err)
				}
				if got := loaded(t, s); got != want {
					t.Errorf("LoadParts(%d parts) differs from Load:\n%s", len(parts), firstLineDiff(got, want))
				}
			}
		})
	}
}

// The parts graphgen yields load as Generate's whole bundle imports; the store, once loaded, takes
// writes as any other.
func TestLoadGeneratedParts(t *testing.T) {
	want := loaded(t, imported(t, graphgen.Generate(800)))
	s, err := memstore.LoadParts(graphgen.GenerateParts(800, 300))
	if err != nil {
		t.Fatal(err)
	}
	if got := loaded(t, s); got != want {
		t.Errorf("LoadParts(GenerateParts) differs from Load(Generate):\n%s", firstLineDiff(got, want))
	}
	ctx := kg.WithPrincipal(t.Context(), kg.Principal{Role: kg.RoleAdmin, Name: "admin:test", Authenticated: true})
	rep, err := s.Import(ctx, &kg.Bundle{Entities: []kg.Entity{{ID: "topic:after-load", Kind: kg.KindTopic, Name: "After load",
		Citations: []kg.Citation{{Source: "source:generated", Quote: "Generated fact for benchmarks."}}}}}, kg.ImportOptions{})
	if err != nil || rep.Created != 1 {
		t.Fatalf("Import after LoadParts = %+v, %v", rep, err)
	}
	if es, _ := s.Entities(t.Context(), []string{"topic:after-load"}); es[0] == nil {
		t.Errorf("the entity imported after LoadParts is not there")
	}
}

// A part with problems fails the load with them; a part may not refer to a later one.
func TestLoadPartsFailsOnAPartsProblems(t *testing.T) {
	b := graphgen.Generate(300)
	parts := inParts(b, 100)
	// The relations before the entities they join.
	parts[1], parts[len(parts)-1] = parts[len(parts)-1], parts[1]
	_, err := memstore.LoadParts(func(yield func(*kg.Bundle) bool) {
		for _, p := range parts {
			if !yield(p) {
				return
			}
		}
	})
	if kg.ErrorCode(err) != kg.CodeBadUserInput {
		t.Errorf("LoadParts with relations before their entities: error = %v, want %s", err, kg.CodeBadUserInput)
	}
}

func firstLineDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range max(len(g), len(w)) {
		var a, b string
		if i < len(g) {
			a = g[i]
		}
		if i < len(w) {
			b = w[i]
		}
		if a != b {
			return "got:  " + a + "\nwant: " + b
		}
	}
	return ""
}
