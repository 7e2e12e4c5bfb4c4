package main

import "testing"

// The answers of @neo4j/graphql and of diplograph to the nested query, in their own shapes and
// list orders, must come out equal, and a changed value must not.
func TestCanonicalMapsShapesAlike(t *testing.T) {
	diplo := `{"data":{"meetings":{"edges":[{"node":{"id":"m1","name":"M","date":"2001",
		"place":{"id":"p","name":"P"},"dialogue":null,
		"attendances":[{"role":"LEAD","person":{"id":"a","name":"A","positions":[{"title":"T","organization":{"id":"o","name":"O"}}]}},
		               {"role":"MEMBER","person":{"id":"b","name":"B","positions":[]}}],
		"representations":[{"organization":{"id":"o","name":"O"}}],
		"outcomes":[{"action":"ADOPTED","initiative":{"id":"i","name":"I"}}]}}]}}}`
	ng := `{"data":{"meetings":[{"id":"m1","name":"M","date":"2001","place":[{"id":"p","name":"P"}],"dialogue":[],
		"attendeesConnection":{"edges":[
			{"properties":{"role":"MEMBER"},"node":{"id":"b","name":"B","positionsConnection":{"edges":[]}}},
			{"properties":{"role":"LEAD"},"node":{"id":"a","name":"A","positionsConnection":{"edges":[{"properties":{"title":"T"},"node":{"id":"o","name":"O"}}]}}}]},
		"representedBy":[{"id":"o","name":"O"}],
		"adopted":[{"id":"i","name":"I"}],"affirmed":[],"reviewed":[],"advanced":[],"applauded":[]}]}}`
	a, err := canonical(sysDiploNeo4j, "nested", []byte(diplo))
	if err != nil {
		t.Fatal(err)
	}
	b, err := canonical(sysNG, "nested", []byte(ng))
	if err != nil {
		t.Fatal(err)
	}
	if a != b {
		t.Errorf("canonical answers differ:\n%s\n%s", a, b)
	}
	c, err := canonical(sysDiploMem, "nested", []byte(`{"data":{"meetings":{"edges":[{"node":{"id":"m2"}}]}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if c == a {
		t.Errorf("different answers compare equal: %s", c)
	}
	if _, err := canonical(sysDiploNeo4j, "point", []byte(`{"errors":[{"message":"x"}],"data":null}`)); err == nil {
		t.Error("an answer with errors was accepted")
	}
}
