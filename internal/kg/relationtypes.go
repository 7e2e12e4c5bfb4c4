package kg

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

// RelationTypeNames returns the names of every relation type of RelationSpecs, sorted.
func RelationTypeNames() []string {
	relationTypeNamesOnce.Do(func() {
		for t := range RelationSpecs {
			relationTypeNames = append(relationTypeNames, t)
		}
		slices.Sort(relationTypeNames)
	})
	return slices.Clone(relationTypeNames)
}

var (
	relationTypeNamesOnce sync.Once
	relationTypeNames     []string
)

// UnknownRelationType returns the message for a relation type that is not one of RelationSpecs:
// it names the valid ones, so that the person who wrote it can pick.
func UnknownRelationType(t string) string {
	return fmt.Sprintf("unknown relation type %q (one of %s)", t, strings.Join(RelationTypeNames(), ", "))
}

// CheckRelationTypes returns a CodeBadUserInput error for the first of types that is not a
// relation type, naming the valid ones; nil if all are.
func CheckRelationTypes(types []string) error {
	for _, t := range types {
		if _, ok := RelationSpecs[t]; !ok {
			return Errorf(CodeBadUserInput, "%s", UnknownRelationType(t))
		}
	}
	return nil
}

// AllProperties returns the properties a relation of spec s may carry with a meaning: its own,
// then those of CommonRelationProperties it does not declare itself.
func (s RelationSpec) AllProperties() []PropertySpec {
	out := slices.Clone(s.Properties)
	for _, c := range CommonRelationProperties {
		if !slices.ContainsFunc(out, func(p PropertySpec) bool { return p.Name == c.Name }) {
			out = append(out, c)
		}
	}
	return out
}

// PropertyValues returns the values a property of type typ may take when they are few
// (AttendanceRoles for TypeRole), else nil.
func PropertyValues(typ string) []string {
	if typ == TypeRole {
		return slices.Clone(AttendanceRoles)
	}
	return nil
}

// propertyCheck returns the check of a value of property type typ: "" when the value is fine,
// else what is wrong with it.
func propertyCheck(typ string) func(v any) string {
	switch typ {
	case TypeDate:
		return checkDate
	case TypeBoolean:
		return checkBool
	case TypeCountryCode:
		return checkCountryCode
	case TypeRole:
		return checkRole
	}
	return checkNonEmpty
}

// deriveRelationPropSpecs derives, from RelationSpecs, how each well-known relation property is checked
// and on which types it may appear: anywhere for CommonRelationProperties, else on the types that
// declare it.
func deriveRelationPropSpecs() map[string]propSpec {
	out := map[string]propSpec{}
	for _, c := range CommonRelationProperties {
		out[c.Name] = propSpec{check: propertyCheck(c.Type)}
	}
	for _, t := range RelationTypeNames() {
		for _, p := range RelationSpecs[t].Properties {
			if slices.ContainsFunc(CommonRelationProperties, func(c PropertySpec) bool { return c.Name == p.Name }) {
				continue
			}
			ps := out[p.Name]
			ps.check = propertyCheck(p.Type)
			ps.types = append(ps.types, t)
			out[p.Name] = ps
		}
	}
	return out
}

// requiredRelationProps returns the properties a relation of type t must have.
func requiredRelationProps(t string) []PropertySpec {
	var out []PropertySpec
	for _, p := range RelationSpecs[t].Properties {
		if p.Required {
			out = append(out, p)
		}
	}
	return out
}
