package graph

import (
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// withoutID are the object types that have no id, each with why a normalized cache needs none.
// Every other object type has `id: ID!` (docs/frontend.md): a type added without one fails
// TestCacheableTypesHaveIDs until it gets an id or a line here.
var withoutID = map[string]string{
	"Query":            "the root",
	"Mutation":         "the root",
	"PageInfo":         "part of its connection (Relay's connection specification)",
	"CypherResult":     "the answer to one ad hoc statement, kept under the cypher field's arguments",
	"RelationType":     "relationTypes: the declaration of the relation types, one list, read as a whole",
	"RelationProperty": "part of its RelationType",
	"TimelineEntry":    "one meeting of one timeline, kept under the timeline field's arguments; the meeting has its id",
	"TimelineVia":      "part of its TimelineEntry",
	// What a mutation answers: read once from the mutation's result.
	"ImportReport":      "a mutation's result",
	"ImportError":       "a mutation's result",
	"Disagreement":      "a mutation's result (ImportReport)",
	"DisagreementValue": "a mutation's result (ImportReport)",
	"MergeResult":       "a mutation's result",
	"UndoMergeResult":   "a mutation's result",
	"WithdrawReport":    "a mutation's result",
	"Draft":             "a mutation's result (draftBundle), never stored",
	"DraftInference":    "a mutation's result (Draft)",
}

// Every object a client may keep in a normalized cache has a stable id (issue 16): otherwise two
// queries selecting different fields of it overwrite each other's, and a cached query reads back
// incomplete.
func TestCacheableTypesHaveIDs(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	for name, def := range schema.Types {
		if def.Kind != ast.Object || def.BuiltIn || strings.HasPrefix(name, "__") {
			continue
		}
		id := def.Fields.ForName("id")
		connection := strings.HasSuffix(name, "Connection") || strings.HasSuffix(name, "Edge")
		_, listed := withoutID[name]
		switch {
		case id != nil && id.Type.String() != "ID!":
			t.Errorf("%s.id is %s, want ID!", name, id.Type)
		case id != nil && listed:
			t.Errorf("%s has an id now: take it out of withoutID", name)
		case id == nil && !listed && !connection:
			t.Errorf("%s has no id: give it a stable one (graph/model/ids.go) or say in withoutID why a cache needs none", name)
		}
	}
	for name := range withoutID {
		if schema.Types[name] == nil {
			t.Errorf("withoutID lists %s, which the schema no longer has", name)
		}
	}
}
