package graph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/diplograph/diplograph/internal/kg"
)

// The where and sort arguments arrive as maps (gqlgen.yml binds every *Where and *Sort input to a
// map) and are compiled into a kg.Filter here by one table, so each kind's filter is data, not code.
// GraphQL validation has already checked field names and value types against the schema.

type opSet int

const (
	idOps opSet = iota
	stringOps
	dateOps
	intOps
	listOps
	citedOps // CitedByFilter: eq and in over the sources of an entity's citations (a list)
)

// whereField says what one entity (or source) field of a *Where input filters on: the field, with
// the operators of its input type. Fields that filter on related entities are declared with the
// relations (relations.go) and found in whereRels.
type whereField struct {
	field string
	ops   opSet
}

// relField is a filter on related entities: single (a `place: PlaceWhere` field, meaning some
// related entity matches) or a list filter with some/none/all.
type relField struct {
	types  []string
	dir    kg.Direction
	target string // the whereFields key of the related entities
	single bool
}

// sourceWhere is the whereFields key of SourceWhere.
const sourceWhere = "SOURCE"

func common(extra map[string]whereField) map[string]whereField {
	m := map[string]whereField{
		"id":          {field: "id", ops: idOps},
		"name":        {field: "name", ops: stringOps},
		"aliases":     {field: "aliases", ops: listOps},
		"description": {field: "description", ops: stringOps},
		"citedBy":     {field: kg.FieldCitedBy, ops: citedOps},
	}
	for k, v := range extra {
		m[k] = v
	}
	return m
}

var whereFields = map[string]map[string]whereField{
	string(kg.KindPerson): common(nil),
	string(kg.KindOrganization): common(map[string]whereField{
		"acronym":        {field: kg.PropAcronym, ops: stringOps},
		"classification": {field: kg.PropClassification, ops: stringOps},
	}),
	string(kg.KindCountry): common(map[string]whereField{
		"code": {field: kg.PropCode, ops: stringOps},
	}),
	string(kg.KindPlace): common(nil),
	string(kg.KindMeeting): common(map[string]whereField{
		"date":    {field: kg.PropDate, ops: dateOps},
		"ordinal": {field: kg.PropOrdinal, ops: intOps},
	}),
	string(kg.KindDialogue): common(map[string]whereField{
		"acronym":     {field: kg.PropAcronym, ops: stringOps},
		"established": {field: kg.PropEstablished, ops: dateOps},
	}),
	string(kg.KindInitiative): common(nil),
	string(kg.KindTopic):      common(nil),
	sourceWhere: {
		"id":        {field: "id", ops: idOps},
		"title":     {field: "title", ops: stringOps},
		"publisher": {field: "publisher", ops: stringOps},
		"published": {field: "published", ops: dateOps},
	},
}

var opNames = map[string]kg.Op{
	"eq": kg.OpEq, "in": kg.OpIn, "contains": kg.OpContains, "startsWith": kg.OpStartsWith,
	"endsWith": kg.OpEndsWith, "lt": kg.OpLt, "lte": kg.OpLte, "gt": kg.OpGt, "gte": kg.OpGte,
	"includes": kg.OpIncludes, "exists": kg.OpExists,
}

var quantifiers = map[string]kg.Quantifier{"some": kg.Some, "none": kg.None, "all": kg.All}

// compileWhere turns a *Where argument of the type named by key into a kg.Filter; nil for nil.
func compileWhere(key string, where map[string]any) (*kg.Filter, error) {
	if where == nil {
		return nil, nil
	}
	plain, err := plainMap(where)
	if err != nil {
		return nil, err
	}
	return compilePlain(key, plain)
}

// plainMap turns gqlgen's coerced input (maps holding typed operator structs such as
// *model.DateFilter) into plain JSON values, so one table-driven walk handles every input type.
func plainMap(m map[string]any) (map[string]any, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("where: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var out map[string]any
	if err := dec.Decode(&out); err != nil {
		return nil, fmt.Errorf("where: %w", err)
	}
	return out, nil
}

func compilePlain(key string, where map[string]any) (*kg.Filter, error) {
	if where == nil {
		return nil, nil
	}
	fields := whereFields[key]
	f := &kg.Filter{}
	for _, name := range sortedKeys(where) {
		val := where[name]
		if val == nil {
			continue
		}
		switch name {
		case "AND", "OR":
			list, ok := val.([]any)
			if !ok {
				return nil, badInput("%s must be a list", name)
			}
			for _, item := range list {
				sub, err := compilePlain(key, asMap(item))
				if err != nil {
					return nil, err
				}
				if name == "AND" {
					f.And = append(f.And, sub)
				} else {
					f.Or = append(f.Or, sub)
				}
			}
			continue
		case "NOT":
			sub, err := compilePlain(key, asMap(val))
			if err != nil {
				return nil, err
			}
			f.Not = sub
			continue
		}
		if rel := whereRels[key][name]; rel != nil {
			conds, err := compileRel(rel, asMap(val))
			if err != nil {
				return nil, err
			}
			f.Rels = append(f.Rels, conds...)
			continue
		}
		spec, ok := fields[name]
		if !ok {
			return nil, badInput("unknown filter field %q", name)
		}
		ops := asMap(val)
		if spec.ops == citedOps {
			sub, err := compileCitedBy(ops)
			if err != nil {
				return nil, err
			}
			f.And = append(f.And, sub...)
			continue
		}
		for _, opName := range sortedKeys(ops) {
			v := ops[opName]
			if v == nil {
				continue
			}
			op, ok := opNames[opName]
			if !ok {
				return nil, badInput("unknown operator %q on %q", opName, name)
			}
			value, err := filterValue(spec.ops, name, op, v)
			if err != nil {
				return nil, err
			}
			f.Conds = append(f.Conds, kg.Cond{Field: spec.field, Op: op, Value: value})
		}
	}
	return f, nil
}

// compileCitedBy turns a CitedByFilter into filters on kg.FieldCitedBy, a list: eq is one source
// among those of the citations; in is one of several (none for an empty list).
func compileCitedBy(ops map[string]any) ([]*kg.Filter, error) {
	includes := func(v any) (*kg.Filter, error) {
		id, ok := v.(string)
		if !ok {
			return nil, badInput("citedBy takes source ids, not %v", v)
		}
		return &kg.Filter{Conds: []kg.Cond{{Field: kg.FieldCitedBy, Op: kg.OpIncludes, Value: id}}}, nil
	}
	var out []*kg.Filter
	if v := ops["eq"]; v != nil {
		f, err := includes(v)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	if v, ok := ops["in"]; ok && v != nil {
		list, ok := v.([]any)
		if !ok {
			return nil, badInput("citedBy.in takes a list")
		}
		oneOf := &kg.Filter{}
		for _, x := range list {
			f, err := includes(x)
			if err != nil {
				return nil, err
			}
			oneOf.Or = append(oneOf.Or, f)
		}
		if len(list) == 0 { // matches nothing, as every other in: []
			oneOf.Conds = []kg.Cond{{Field: "id", Op: kg.OpIn, Value: []any{}}}
		}
		out = append(out, oneOf)
	}
	return out, nil
}

func compileRel(rel *relField, val map[string]any) ([]kg.RelCond, error) {
	if rel.single {
		sub, err := compilePlain(rel.target, val)
		if err != nil {
			return nil, err
		}
		return []kg.RelCond{{Types: rel.types, Direction: rel.dir, Quantifier: kg.Some, Where: sub}}, nil
	}
	var out []kg.RelCond
	for _, q := range sortedKeys(val) {
		if val[q] == nil {
			continue
		}
		quant, ok := quantifiers[q]
		if !ok {
			return nil, badInput("unknown quantifier %q: use some, none or all", q)
		}
		sub, err := compilePlain(rel.target, asMap(val[q]))
		if err != nil {
			return nil, err
		}
		out = append(out, kg.RelCond{Types: rel.types, Direction: rel.dir, Quantifier: quant, Where: sub})
	}
	return out, nil
}

// filterValue checks and normalizes a filter operand: dates must be ISO 8601, integers become
// int64, and `in` takes a list.
func filterValue(ops opSet, field string, op kg.Op, v any) (any, error) {
	if op == kg.OpExists {
		b, ok := v.(bool)
		if !ok {
			return nil, badInput("%s.exists takes a boolean", field)
		}
		return b, nil
	}
	if op == kg.OpIn {
		list, ok := v.([]any)
		if !ok {
			return nil, badInput("%s.in takes a list", field)
		}
		out := make([]any, len(list))
		for i, x := range list {
			y, err := filterValue(ops, field, kg.OpEq, x)
			if err != nil {
				return nil, err
			}
			out[i] = y
		}
		return out, nil
	}
	switch ops {
	case intOps:
		n, err := toInt64(v)
		if err != nil {
			return nil, badInput("%s takes an integer, not %v", field, v)
		}
		return n, nil
	case dateOps:
		s, ok := v.(string)
		if !ok || !kg.ValidDate(s) {
			return nil, badInput("%s takes a date (YYYY, YYYY-MM or YYYY-MM-DD), not %v", field, v)
		}
		return s, nil
	default:
		s, ok := v.(string)
		if !ok {
			return nil, badInput("%s takes a string, not %v", field, v)
		}
		return s, nil
	}
}

func toInt64(v any) (int64, error) {
	switch n := v.(type) {
	case int:
		return int64(n), nil
	case int64:
		return n, nil
	case float64:
		if n == float64(int64(n)) {
			return int64(n), nil
		}
	case json.Number:
		return n.Int64()
	}
	return 0, fmt.Errorf("not an integer: %v", v)
}

// compileSort turns a [<Kind>Sort!] argument into sort fields, in list order; fields of one list
// element apply in alphabetical order.
func compileSort(sorts []map[string]any) []kg.SortField {
	var out []kg.SortField
	for _, s := range sorts {
		for _, field := range sortedKeys(s) {
			dir := fmt.Sprint(s[field])
			if s[field] == nil || dir == "" {
				continue
			}
			out = append(out, kg.SortField{Field: field, Desc: dir == "DESC"})
		}
	}
	return out
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

func sortedKeys(m map[string]any) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func badInput(format string, args ...any) error {
	return kg.Errorf(kg.CodeBadUserInput, format, args...)
}
