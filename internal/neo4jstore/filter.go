package neo4jstore

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// maxFilterDepth bounds the nesting of filters (And, Or, Not, relation conditions), so that a
// hostile filter cannot make a query of unbounded size.
const maxFilterDepth = 16

// compiler turns kg.Filter trees into a Cypher boolean expression with numbered parameters. Values
// are always parameters; the only names written into the text are property keys that passed
// propertyKey, relation types from kg.RelationSpecs, and the compiler's own variables.
type compiler struct {
	params map[string]any
	vars   int
	// fields, when not nil, lists the only fields the nodes have (sources); any other field is
	// missing.
	fields []string
}

func newCompiler() *compiler { return &compiler{params: map[string]any{}} }

func (c *compiler) param(v any) string {
	name := "p" + strconv.Itoa(len(c.params))
	c.params[name] = v
	return "$" + name
}

// where compiles f over the node variable v into an expression that is always true or false,
// never null: Cypher's three-valued logic would otherwise make NOT(missing) null, where the kg
// contract says a condition on a missing field is false and its negation true.
func (c *compiler) where(v string, f *kg.Filter) (string, error) {
	return c.filter(v, f, 0)
}

func (c *compiler) filter(v string, f *kg.Filter, depth int) (string, error) {
	if f == nil {
		return "true", nil
	}
	if depth > maxFilterDepth {
		return "", badInput("filter is nested more than %d levels deep", maxFilterDepth)
	}
	var parts []string
	for _, cond := range f.Conds {
		s, err := c.cond(v, cond)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	for _, rc := range f.Rels {
		s, err := c.rel(v, rc, depth+1)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	for _, sub := range f.And {
		s, err := c.filter(v, sub, depth+1)
		if err != nil {
			return "", err
		}
		parts = append(parts, s)
	}
	if len(f.Or) > 0 {
		var alts []string
		for _, sub := range f.Or {
			s, err := c.filter(v, sub, depth+1)
			if err != nil {
				return "", err
			}
			alts = append(alts, s)
		}
		parts = append(parts, "("+strings.Join(alts, " OR ")+")")
	}
	if f.Not != nil {
		s, err := c.filter(v, f.Not, depth+1)
		if err != nil {
			return "", err
		}
		parts = append(parts, "NOT "+s)
	}
	switch len(parts) {
	case 0:
		return "true", nil
	case 1:
		return parts[0], nil
	}
	return "(" + strings.Join(parts, " AND ") + ")", nil
}

// field returns the Cypher expression of field on v: a backquoted property, or null for a field
// the nodes do not have as far as kg is concerned (the store's own bookkeeping, a source's text),
// which is missing as it is in any other store.
func (c *compiler) field(v, field string) (string, error) {
	if field == kg.FieldCitedBy && c.fields == nil {
		return v + "." + keyCitationSources, nil // the sources of the citations, a list
	}
	key, err := propertyKey(field)
	if err != nil {
		return "", err
	}
	if c.fields != nil && !slices.Contains(c.fields, field) || c.fields == nil && slices.Contains(internalKeys, field) {
		return "null", nil
	}
	return v + "." + key, nil
}

func (c *compiler) cond(v string, cond kg.Cond) (string, error) {
	f, err := c.field(v, cond.Field)
	if err != nil {
		return "", err
	}
	val := kg.NormalizeValue(cond.Value)
	if err := checkValue(cond, val); err != nil {
		return "", err
	}
	var expr string
	switch cond.Op {
	case kg.OpEq:
		expr = f + " = " + c.param(val)
	case kg.OpIn:
		expr = f + " IN " + c.param(val)
	case kg.OpContains:
		expr = f + " CONTAINS " + c.param(val)
	case kg.OpStartsWith:
		expr = f + " STARTS WITH " + c.param(val)
	case kg.OpEndsWith:
		expr = f + " ENDS WITH " + c.param(val)
	case kg.OpLt:
		expr = f + " < " + c.param(val)
	case kg.OpLte:
		expr = f + " <= " + c.param(val)
	case kg.OpGt:
		expr = f + " > " + c.param(val)
	case kg.OpGte:
		expr = f + " >= " + c.param(val)
	case kg.OpIncludes:
		// IN over a value that is not a list is a type error in Cypher, hence the guard.
		return fmt.Sprintf("(CASE WHEN %s IS :: LIST<ANY> NOT NULL THEN coalesce(%s IN %s, false) ELSE false END)",
			f, c.param(val), f), nil
	case kg.OpExists:
		if val.(bool) {
			return "(" + f + " IS NOT NULL)", nil
		}
		return "(" + f + " IS NULL)", nil
	default:
		return "", badInput("unknown filter operator %q", cond.Op)
	}
	// A missing field or a comparison of values of different types is null in Cypher; it fails.
	return "coalesce(" + expr + ", false)", nil
}

// checkValue refuses values an operator cannot take.
func checkValue(cond kg.Cond, v any) error {
	switch cond.Op {
	case kg.OpIn:
		if _, ok := v.([]any); !ok {
			return badInput("%s %s needs a list of values", cond.Field, cond.Op)
		}
	case kg.OpExists:
		if _, ok := v.(bool); !ok {
			return badInput("%s %s needs true or false", cond.Field, cond.Op)
		}
	case kg.OpContains, kg.OpStartsWith, kg.OpEndsWith:
		if _, ok := v.(string); !ok {
			return badInput("%s %s needs a string", cond.Field, cond.Op)
		}
	}
	if _, ok := v.(map[string]any); ok {
		return badInput("%s %s cannot compare with an object", cond.Field, cond.Op)
	}
	return nil
}

// rel compiles a relation condition into an existential subquery over a fresh variable.
func (c *compiler) rel(v string, rc kg.RelCond, depth int) (string, error) {
	if depth > maxFilterDepth {
		return "", badInput("filter is nested more than %d levels deep", maxFilterDepth)
	}
	switch rc.Quantifier {
	case kg.Some, kg.None, kg.All, "":
	default:
		return "", badInput("unknown quantifier %q", rc.Quantifier)
	}
	types, none := relTypes(rc.Types)
	// Sources have no relations.
	none = none || c.fields != nil
	c.vars++
	m := "m" + strconv.Itoa(c.vars)
	pattern, err := relPattern(v, "", types, rc.Direction, m)
	if err != nil {
		return "", err
	}
	inner, err := c.filter(m, rc.Where, depth)
	if err != nil {
		return "", err
	}
	if none {
		// No entity is related that way (only unknown types, or a source), so SOME fails and NONE
		// and ALL hold.
		if rc.Quantifier == kg.Some || rc.Quantifier == "" {
			return "false", nil
		}
		return "true", nil
	}
	switch rc.Quantifier {
	case kg.Some, "":
		if rc.Where == nil {
			return "EXISTS { MATCH " + pattern + " }", nil
		}
		return "EXISTS { MATCH " + pattern + " WHERE " + inner + " }", nil
	case kg.None:
		if rc.Where == nil {
			return "NOT EXISTS { MATCH " + pattern + " }", nil
		}
		return "NOT EXISTS { MATCH " + pattern + " WHERE " + inner + " }", nil
	}
	// kg.All: no related entity fails Where.
	if rc.Where == nil {
		return "true", nil
	}
	return "NOT EXISTS { MATCH " + pattern + " WHERE NOT " + inner + " }", nil
}

// relTypes returns the types of kg.RelationSpecs among types, sorted and deduplicated: only they
// are ever written into Cypher. The graph holds no relation of any other type, so none reports
// that types named some but none of them is known: nothing can match.
func relTypes(types []string) (known []string, none bool) {
	for _, t := range types {
		if _, ok := kg.RelationSpecs[t]; ok {
			known = append(known, t)
		}
	}
	sort.Strings(known)
	return slices.Compact(known), len(types) > 0 && len(known) == 0
}

// relPattern returns the pattern (v)-[r:T1|T2]->(m) for direction d; the relationship variable r
// may be empty. Types must have passed relTypes.
func relPattern(v, r string, types []string, d kg.Direction, m string) (string, error) {
	rel := r
	if len(types) > 0 {
		rel += ":" + strings.Join(types, "|")
	}
	switch d {
	case kg.Out:
		return "(" + v + ")-[" + rel + "]->(" + m + ")", nil
	case kg.In:
		return "(" + v + ")<-[" + rel + "]-(" + m + ")", nil
	case kg.Both, "":
		return "(" + v + ")-[" + rel + "]-(" + m + ")", nil
	}
	return "", badInput("unknown direction %q", d)
}

// orderBy compiles sort fields over v into an ORDER BY list that ends with v.id.
func (c *compiler) orderBy(v string, sorts []kg.SortField) (string, error) {
	return c.order(v, sorts, false)
}

// order compiles sort fields over v into an ORDER BY list that ends with v.id, or into its exact
// reverse (every direction turned, missing values with them).
func (c *compiler) order(v string, sorts []kg.SortField, reverse bool) (string, error) {
	var keys []string
	for _, s := range sorts {
		f, err := c.field(v, s.Field)
		if err != nil {
			return "", err
		}
		if f == "null" {
			continue
		}
		if s.Desc != reverse {
			f += " DESC"
		}
		keys = append(keys, f)
	}
	if reverse {
		keys = append(keys, v+".id DESC")
	} else {
		keys = append(keys, v+".id")
	}
	return strings.Join(keys, ", "), nil
}
