package storetest_test

import (
	"context"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/storetest"
)

func TestFixtureIsValid(t *testing.T) {
	if ps := storetest.Fixture().Validate(); len(ps) > 0 {
		t.Errorf("Fixture().Validate() = %v, want none", ps)
	}
}

func TestDumpIsCanonical(t *testing.T) {
	a, b := storetest.Fixture(), storetest.Fixture()
	// Reordering a bundle and spelling an int64 as an int does not change its dump.
	b.Entities[0], b.Entities[1] = b.Entities[1], b.Entities[0]
	for i := range b.Entities {
		if n, ok := b.Entities[i].IntProp(kg.PropOrdinal); ok {
			b.Entities[i].Properties[kg.PropOrdinal] = int(n)
		}
	}
	if storetest.DumpBundle(a) != storetest.DumpBundle(b) {
		t.Errorf("DumpBundle differs for a reordered bundle")
	}
	// A float where an int was does.
	for i := range b.Entities {
		if n, ok := b.Entities[i].IntProp(kg.PropOrdinal); ok {
			b.Entities[i].Properties[kg.PropOrdinal] = float64(n)
			break
		}
	}
	if storetest.DumpBundle(a) == storetest.DumpBundle(b) {
		t.Errorf("DumpBundle is the same when an int64 property became a float64")
	}
}

func TestCounting(t *testing.T) {
	ctx := context.Background()
	s, err := memstore.Load(storetest.Fixture())
	if err != nil {
		t.Fatal(err)
	}
	c := storetest.NewCounting(s)
	for _, call := range []func() error{
		func() error {
			_, err := c.Relations(ctx, kg.RelationQuery{IDs: []string{"country:mexico"}, Limit: kg.NoLimit})
			return err
		},
		func() error {
			_, err := c.Relations(ctx, kg.RelationQuery{IDs: []string{"country:canada"}, Limit: kg.NoLimit})
			return err
		},
		func() error { _, err := c.Entities(ctx, []string{"country:mexico"}); return err },
		func() error { _, err := c.Search(ctx, kg.SearchQuery{Text: "x", Limit: kg.NoLimit}); return err },
	} {
		if err := call(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Import(ctx, storetest.Fixture(), kg.ImportOptions{}); err != nil {
		t.Errorf("Counting.Import() = %v", err)
	}
	want := map[string]int{"Relations": 2, "Entities": 1, "Search": 1, "Import": 1}
	if got := c.Calls(); !equalCounts(got, want) {
		t.Errorf("Calls() = %v, want %v", got, want)
	}
	c.Reset()
	if got := c.Calls(); len(got) != 0 {
		t.Errorf("Calls() after Reset = %v, want empty", got)
	}
	if d, err := storetest.Dump(ctx, c); err != nil || d == "" {
		t.Errorf("Dump(counting) = %d bytes, %v", len(d), err)
	}
	if got := c.Calls(); got["ListEntities"] != len(kg.Kinds) || got["Relations"] != 1 || got["ListSources"] != 1 {
		t.Errorf("Calls() after Dump = %v, want one ListEntities per kind, one Relations, one ListSources", got)
	}
}

func equalCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
