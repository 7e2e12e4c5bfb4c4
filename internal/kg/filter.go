package kg

// Filter is a boolean condition on an entity (or source). All its parts must hold: every Cond,
// every Rel, every And filter, at least one Or filter (when Or is not empty), and not Not.
// The zero Filter matches everything.
//
// Logic is two-valued, not Cypher's three-valued: a condition on a missing field, or comparing
// values of different types, is false, so Not over it holds ("NOT date < 2022" includes undated
// meetings). Stores on Cypher wrap each condition in coalesce(..., false).
type Filter struct {
	Conds []Cond
	Rels  []RelCond
	And   []*Filter
	Or    []*Filter
	Not   *Filter
}

// Op is a comparison operator of a Cond.
type Op string

// Operators. String comparisons are exact (case-sensitive), as in Cypher; dates are ISO 8601
// strings and compare as strings, so "2022" < "2022-07" < "2022-12-01".
const (
	OpEq         Op = "EQ"          // field = value
	OpIn         Op = "IN"          // field is one of value ([]any); an empty list matches nothing
	OpContains   Op = "CONTAINS"    // string field contains value
	OpStartsWith Op = "STARTS_WITH" // string field starts with value
	OpEndsWith   Op = "ENDS_WITH"   // string field ends with value
	OpLt         Op = "LT"
	OpLte        Op = "LTE"
	OpGt         Op = "GT"
	OpGte        Op = "GTE"
	OpIncludes   Op = "INCLUDES" // list field (aliases) has an element equal to value
	OpExists     Op = "EXISTS"   // value true: the field is present; false: absent (an empty string or list counts as absent)
)

// Strings compare by code point, case- and accent-sensitively; integers and floats compare as
// numbers.

// Cond compares one field with a value. Field is "id", "name", "description", "aliases", or a
// property key (PropDate, PropCode, ...). A missing field fails every Op but OpExists(false).
type Cond struct {
	Field string
	Op    Op
	Value any
}

// Quantifier says how many related entities must match a RelCond's Where.
type Quantifier string

// Quantifiers.
const (
	Some Quantifier = "SOME" // at least one related entity matches
	None Quantifier = "NONE" // no related entity matches
	All  Quantifier = "ALL"  // every related entity matches (true when there is none)
)

// RelCond holds when the entities related through a relation of one of Types in Direction
// satisfy Where (nil: any entity) with Quantifier ("" means Some). A type no relation has gives
// Some and None their plain meaning over no entities: Some false, None and All true.
type RelCond struct {
	Types      []string
	Direction  Direction
	Quantifier Quantifier
	Where      *Filter
}
