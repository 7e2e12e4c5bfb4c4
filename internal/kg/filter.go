package kg

// Filter is a boolean condition on an entity (or source). All its parts must hold: every Cond,
// every Rel, every And filter, at least one Or filter (when Or is not empty), and not Not.
// The zero Filter matches everything.
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
	OpIn         Op = "IN"          // field is one of value ([]any)
	OpContains   Op = "CONTAINS"    // string field contains value
	OpStartsWith Op = "STARTS_WITH" // string field starts with value
	OpEndsWith   Op = "ENDS_WITH"   // string field ends with value
	OpLt         Op = "LT"
	OpLte        Op = "LTE"
	OpGt         Op = "GT"
	OpGte        Op = "GTE"
	OpIncludes   Op = "INCLUDES" // list field (aliases) has an element equal to value
	OpExists     Op = "EXISTS"   // value true: the field is present; false: absent
)

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
// satisfy Where (nil: any entity) with Quantifier.
type RelCond struct {
	Types      []string
	Direction  Direction
	Quantifier Quantifier
	Where      *Filter
}
