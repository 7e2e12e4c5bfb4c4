package model

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Ids of the objects a client may cache besides entities and sources (docs/frontend.md). Each is
// stable (the same object always has the same id), unique across every type, as Relay's store
// needs, and made only of the object's identity:
//
//	relation:<TYPE>:<from>:<to>           a relation: its type and ends, which identify it
//	position:<TYPE>:<from>:<to>           the same relation seen as a Position (an Attendance,
//	attendance:..., representation:...,   a Representation, an Outcome), a type of its own with
//	outcome:...                           fields of its own, so an id of its own
//	citation:<owner>#<hash>               a quote of a source cited by the entity or relation
//	                                      owner (its id, or TYPE:from:to): the same quote cites
//	                                      other facts on other grounds
//	claim:<owner>#<hash>                  one value of one field of the entity or relation
//	                                      owner, with the sources that give it
//	hit:<hash of the query>:<entity>      a search hit: its score belongs to its query
//	path:<hash>, subgraph:<hash>          of the ids of their nodes and relations, in order
//
// Clients must treat them as opaque: the forms may change, the stability will not.

// Prefixes of the relation views' ids.
const (
	RelationPrefix       = "relation"
	PositionPrefix       = "position"
	AttendancePrefix     = "attendance"
	RepresentationPrefix = "representation"
	OutcomePrefix        = "outcome"
)

// relationKey is the identity of a relation: its type and ends.
func relationKey(r *kg.Relation) string { return r.Type + ":" + r.From + ":" + r.To }

// RelationViewID returns the id of relation r seen as the type prefix names.
func RelationViewID(prefix string, r *kg.Relation) string { return prefix + ":" + relationKey(r) }

// ParseRelationViewID splits a relation view's id into its prefix, type and ends; ok is false
// for any other id.
func ParseRelationViewID(id string) (prefix, typ, from, to string, ok bool) {
	parts := strings.Split(id, ":")
	if len(parts) != 6 {
		return "", "", "", "", false
	}
	switch parts[0] {
	case RelationPrefix, PositionPrefix, AttendancePrefix, RepresentationPrefix, OutcomePrefix:
	default:
		return "", "", "", "", false
	}
	from, to = parts[2]+":"+parts[3], parts[4]+":"+parts[5]
	if !kg.ValidID(from) || !kg.ValidID(to) || parts[1] == "" {
		return "", "", "", "", false
	}
	return parts[0], parts[1], from, to, true
}

func hash(parts ...string) string {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return fmt.Sprintf("%016x", h.Sum64())
}

// citations wraps the citations of owner (an entity id or a relation key), giving each its id;
// a citation repeated within one owner gets a numbered id.
func citations(owner string, cs []kg.Citation, source func(ctx context.Context, id string) (*kg.Source, error)) []*Citation {
	out := make([]*Citation, len(cs))
	seen := map[string]int{}
	for i, c := range cs {
		id := "citation:" + owner + "#" + hash(c.Source, c.Quote)
		if n := seen[id]; n > 0 {
			seen[id] = n + 1
			id = fmt.Sprintf("%s-%d", id, n+1)
		} else {
			seen[id] = 1
		}
		out[i] = &Citation{Citation: c, id: id, source: source}
	}
	return out
}

// claimID returns the id of the value of field of owner (an entity id or a relation key). A value
// is told apart by its JSON form, as kg.RankValues groups them.
func claimID(owner, field string, value any) string {
	raw, err := json.Marshal(value)
	if err != nil {
		// Claimed values come from JSON bundles and GraphQL JSON: always JSON again.
		raw = []byte(fmt.Sprint(value))
	}
	return "claim:" + owner + "#" + hash(field, string(raw))
}

// SearchHitID returns the id of the hit of entity in a search for query.
func SearchHitID(query, entity string) string { return "hit:" + hash(query) + ":" + entity }

// PathID returns the id of a path through nodes along rels.
func PathID(nodes []*kg.Entity, rels []*kg.Relation) string {
	return "path:" + graphHash(nodes, rels)
}

// SubgraphID returns the id of the subgraph of nodes and rels.
func SubgraphID(nodes []*kg.Entity, rels []*kg.Relation) string {
	return "subgraph:" + graphHash(nodes, rels)
}

func graphHash(nodes []*kg.Entity, rels []*kg.Relation) string {
	parts := make([]string, 0, len(nodes)+len(rels)+1)
	for _, n := range nodes {
		parts = append(parts, n.ID)
	}
	parts = append(parts, "")
	for _, r := range rels {
		parts = append(parts, relationKey(r))
	}
	return hash(parts...)
}
