package graphgen_test

import (
	"fmt"
	"os/exec"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/graphgen"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/storetest"
)

func TestGenerateIsValid(t *testing.T) {
	for _, n := range []int{100, 2000} {
		b := graphgen.Generate(n)
		if ps := b.Validate(); len(ps) > 0 {
			t.Errorf("Generate(%d).Validate() = %d problems, first %v", n, len(ps), ps[0])
		}
		if len(b.Entities) != n {
			t.Errorf("Generate(%d) has %d entities", n, len(b.Entities))
		}
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	if a, b := storetest.DumpBundle(graphgen.Generate(500)), storetest.DumpBundle(graphgen.Generate(500)); a != b {
		t.Errorf("Generate(500) gave two different graphs")
	}
}

// TestLinksNoTestCode keeps the generator usable from programs (bench/cmd/benchrun): a dependency
// on package testing would register test flags in them and grow their binaries.
func TestLinksNoTestCode(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/diplograph/diplograph/internal/graphgen").Output()
	if err != nil {
		t.Fatalf("go list -deps: %v", err)
	}
	deps := strings.Fields(string(out))
	for _, bad := range []string{"testing", "github.com/diplograph/diplograph/internal/storetest"} {
		if slices.Contains(deps, bad) {
			t.Errorf("graphgen depends on %s, want no test code", bad)
		}
	}
}

// Relations with equal properties share one map (a map each made the bundle at a million entities
// larger than the graph loaded from it); unequal ones do not.
func TestGenerateSharesEqualProperties(t *testing.T) {
	b := graphgen.Generate(2000)
	maps := map[string]map[string]any{}
	distinct := map[string]bool{}
	for _, r := range b.Relations {
		if r.Properties == nil {
			continue
		}
		key := fmt.Sprint(r.Properties)
		distinct[fmt.Sprintf("%p", r.Properties)] = true
		if m, ok := maps[key]; !ok {
			maps[key] = r.Properties
		} else if fmt.Sprintf("%p", m) != fmt.Sprintf("%p", r.Properties) {
			t.Fatalf("%s %s %s has its own map of properties %v, equal to another relation's", r.Type, r.From, r.To, r.Properties)
		}
	}
	if len(distinct) != len(maps) || len(maps) < 2 {
		t.Errorf("%d maps for %d distinct property sets", len(distinct), len(maps))
	}
}

// The parts joined are Generate(n) item for item, each part ends within one meeting's relations of the
// size asked, and entities come before the relations that refer to them.
func TestGeneratePartsJoinedAreGenerate(t *testing.T) {
	const n, size = 3000, 700
	whole := graphgen.Generate(n)
	var joined kg.Bundle
	parts := 0
	for p := range graphgen.GenerateParts(n, size) {
		parts++
		if items := len(p.Entities) + len(p.Relations); items > size+17 {
			t.Errorf("part %d has %d items, want at most %d", parts, items, size+17)
		}
		if len(p.Entities) > 0 && len(joined.Relations) > 0 {
			t.Errorf("part %d has entities after relations", parts)
		}
		joined.Sources = append(joined.Sources, p.Sources...)
		joined.Entities = append(joined.Entities, p.Entities...)
		joined.Relations = append(joined.Relations, p.Relations...)
	}
	if parts < (len(whole.Entities)+len(whole.Relations))/size {
		t.Errorf("%d parts of about %d items for %d items", parts, size, len(whole.Entities)+len(whole.Relations))
	}
	if !reflect.DeepEqual(&joined, whole) {
		t.Errorf("GenerateParts(%d, %d) joined differs from Generate(%d): %d/%d/%d items, want %d/%d/%d", n, size, n,
			len(joined.Sources), len(joined.Entities), len(joined.Relations), len(whole.Sources), len(whole.Entities), len(whole.Relations))
	}
	stopped := 0
	for range graphgen.GenerateParts(n, size) {
		if stopped++; stopped == 2 {
			break
		}
	}
}
