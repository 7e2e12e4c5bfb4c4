package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Dump returns a canonical text fingerprint of everything s holds: one line per source, entity and
// relation, sorted, with property values tagged by type (an int64 14 and a float64 14 differ).
// Two stores with equal dumps hold the same graph; use it to compare a store before and after an
// operation. It reads through ListSources, ListEntities (every kind) and Relations (direction OUT,
// so each relation appears once).
func Dump(ctx context.Context, s kg.Store) (string, error) {
	var lines []string
	sp, err := s.ListSources(ctx, kg.ListQuery{Limit: kg.NoLimit})
	if err != nil {
		return "", fmt.Errorf("dump sources: %w", err)
	}
	for _, src := range sp.Sources {
		lines = append(lines, sourceLine(src))
	}
	var ids []string
	for _, k := range kg.Kinds {
		ep, err := s.ListEntities(ctx, kg.ListQuery{Kind: k, Limit: kg.NoLimit})
		if err != nil {
			return "", fmt.Errorf("dump %s entities: %w", k, err)
		}
		for _, e := range ep.Entities {
			lines = append(lines, entityLine(e))
			ids = append(ids, e.ID)
		}
	}
	if len(ids) > 0 {
		rels, err := s.Relations(ctx, kg.RelationQuery{IDs: ids, Direction: kg.Out, Limit: kg.NoLimit})
		if err != nil {
			return "", fmt.Errorf("dump relations: %w", err)
		}
		for _, rs := range rels {
			for _, r := range rs {
				lines = append(lines, relationLine(r))
			}
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n"), nil
}

// DumpBundle returns the fingerprint, in Dump's format, of a store that holds exactly b.
func DumpBundle(b *kg.Bundle) string {
	var lines []string
	for i := range b.Sources {
		lines = append(lines, sourceLine(&b.Sources[i]))
	}
	for i := range b.Entities {
		lines = append(lines, entityLine(&b.Entities[i]))
	}
	for i := range b.Relations {
		lines = append(lines, relationLine(&b.Relations[i]))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// canonEntity is the canonical form of an entity: nil and empty lists and maps are the same, and
// property values carry their type.
type canonEntity struct {
	ID          string         `json:"id"`
	Kind        kg.Kind        `json:"kind"`
	Name        string         `json:"name"`
	Aliases     []string       `json:"aliases,omitempty"`
	Description string         `json:"description,omitempty"`
	Properties  map[string]any `json:"properties,omitempty"`
	Citations   []kg.Citation  `json:"citations,omitempty"`
	Claims      []kg.Claim     `json:"claims,omitempty"`
}

type canonRelation struct {
	Type       string         `json:"type"`
	From       string         `json:"from"`
	To         string         `json:"to"`
	Properties map[string]any `json:"properties,omitempty"`
	Citations  []kg.Citation  `json:"citations,omitempty"`
	Claims     []kg.Claim     `json:"claims,omitempty"`
}

func entityLine(e *kg.Entity) string     { return "entity " + canonEntityJSON(e) }
func relationLine(r *kg.Relation) string { return "relation " + canonRelationJSON(r) }
func sourceLine(s *kg.Source) string     { return "source " + canonSourceJSON(s) }

func canonEntityJSON(e *kg.Entity) string {
	if e == nil {
		return "null"
	}
	return mustJSON(canonEntity{
		ID: e.ID, Kind: e.Kind, Name: e.Name, Aliases: e.Aliases, Description: e.Description,
		Properties: canonProps(e.Properties), Citations: e.Citations, Claims: canonClaims(e.Claims),
	})
}

func canonRelationJSON(r *kg.Relation) string {
	if r == nil {
		return "null"
	}
	return mustJSON(canonRelation{
		Type: r.Type, From: r.From, To: r.To, Properties: canonProps(r.Properties), Citations: r.Citations, Claims: canonClaims(r.Claims),
	})
}

func canonSourceJSON(s *kg.Source) string {
	if s == nil {
		return "null"
	}
	return mustJSON(s)
}

// canonClaims gives claim values their typed form, as canonProps does for properties.
func canonClaims(cs []kg.Claim) []kg.Claim {
	if len(cs) == 0 {
		return nil
	}
	out := make([]kg.Claim, len(cs))
	for i, c := range cs {
		c.Value = canonValue(c.Value)
		out[i] = c
	}
	return out
}

func canonProps(props map[string]any) map[string]any {
	if len(props) == 0 {
		return nil
	}
	out := make(map[string]any, len(props))
	for k, v := range props {
		out[k] = canonValue(v)
	}
	return out
}

// canonValue tags numbers with their type: integers print as 14, floats always with a point or an
// exponent (14.0, 12.5), so a store that turns an int64 into a float64 changes the dump.
func canonValue(v any) any {
	switch x := v.(type) {
	case int64:
		return json.Number(strconv.FormatInt(x, 10))
	case int:
		return json.Number(strconv.Itoa(x))
	case float64:
		s := strconv.FormatFloat(x, 'g', -1, 64)
		if !strings.ContainsAny(s, ".eEn") {
			s += ".0"
		}
		return json.Number(s)
	case string, bool, nil:
		return x
	case []string:
		out := make([]any, len(x))
		for i := range x {
			out[i] = x[i]
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = canonValue(x[i])
		}
		return out
	}
	return fmt.Sprintf("%T(%v)", v, v)
}

func mustJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("unencodable %T: %v", v, err)
	}
	return string(data)
}
