package neo4jstore

import (
	"fmt"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Keyset bounds of list pages: Cypher expressions that hold for the nodes lying after (or
// before) a kg.Position in the order ORDER BY gives the sort fields then id. Comparisons across
// value types are null in Cypher, where ORDER BY ranks the types (lists < strings < booleans <
// numbers < null), so each bound compares the ranks first and values only within one type. A list
// compares with a list of the same element type; lists of different element types are not
// ordered by these bounds as ORDER BY orders them (no sort field of the API holds lists).

// orderRank returns the rank of v's type: 0 lists, 1 strings, 2 booleans, 3 numbers, 4 nil.
func orderRank(v any) int {
	switch v.(type) {
	case nil:
		return 4
	case []any, []string:
		return 0
	case string:
		return 1
	case bool:
		return 2
	}
	return 3
}

// rankOf returns the Cypher expression of the rank of f's value, as orderRank ranks Go values.
// (Type predicates such as `f IS :: STRING NOT NULL` would read better, but Neo4j 5.26 finds no
// node with a null f under their negation: NOT (f IS :: STRING NOT NULL) matches none.)
func rankOf(f string) string {
	return "CASE WHEN " + f + " IS NULL THEN 4" +
		" WHEN valueType(" + f + ") STARTS WITH 'LIST' THEN 0" +
		" WHEN valueType(" + f + ") STARTS WITH 'STRING' THEN 1" +
		" WHEN valueType(" + f + ") STARTS WITH 'BOOLEAN' THEN 2 ELSE 3 END"
}

// beyond returns an expression that holds when f sorts strictly after v in ascending order
// (desc false) or strictly before it (desc true), never null.
func (c *compiler) beyond(f string, v any, desc bool) string {
	r := orderRank(v)
	switch {
	case v == nil && desc:
		return "(" + f + " IS NOT NULL)"
	case v == nil:
		return "false"
	case desc:
		return fmt.Sprintf("(%s < %d OR coalesce(%s < %s, false))", rankOf(f), r, f, c.param(v))
	}
	return fmt.Sprintf("(%s > %d OR coalesce(%s > %s, false))", rankOf(f), r, f, c.param(v))
}

// same returns an expression that holds when f equals v as ORDER BY ties them, never null.
func (c *compiler) same(f string, v any) string {
	if v == nil {
		return "(" + f + " IS NULL)"
	}
	return "coalesce(" + f + " = " + c.param(v) + ", false)"
}

// keyset returns an expression that holds for the nodes v lying strictly after p (before p when
// backwards) in the order of sorts then id. Sort fields the nodes cannot have are left out, as
// orderBy leaves them out.
func (c *compiler) keyset(v string, sorts []kg.SortField, p *kg.Position, backwards bool) (string, error) {
	var alts, ties []string
	for i, s := range sorts {
		f, err := c.field(v, s.Field)
		if err != nil {
			return "", err
		}
		if f == "null" {
			continue
		}
		var key any
		if i < len(p.Keys) {
			key = kg.NormalizeValue(p.Keys[i])
		}
		alts = append(alts, conj(append(ties, c.beyond(f, key, s.Desc != backwards))))
		ties = append(ties, c.same(f, key))
	}
	op := " > "
	if backwards {
		op = " < "
	}
	alts = append(alts, conj(append(ties, v+".id"+op+c.param(p.ID))))
	if len(alts) == 1 {
		return alts[0], nil
	}
	return "(" + strings.Join(alts, " OR ") + ")", nil
}

func conj(parts []string) string {
	if len(parts) == 1 {
		return parts[0]
	}
	return "(" + strings.Join(parts, " AND ") + ")"
}
