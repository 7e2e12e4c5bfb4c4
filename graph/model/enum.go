package model

import (
	"io"
	"strconv"

	"github.com/diplograph/diplograph/internal/kg"
)

// EntityKind is the GraphQL enum of entity kinds; its values are kg.Kind's.
type EntityKind kg.Kind

// MarshalGQL writes k as an enum value.
func (k EntityKind) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(k))) }

// UnmarshalGQL accepts one of kg.Kinds.
func (k *EntityKind) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if !kg.Kind(s).Valid() {
		return kg.Errorf(kg.CodeBadUserInput, "%v is not a valid EntityKind", v)
	}
	*k = EntityKind(s)
	return nil
}

// Kind returns k as the domain kind.
func (k EntityKind) Kind() kg.Kind { return kg.Kind(k) }

// AttendanceRole is a person's role at a meeting: LEAD, MEMBER or PARTICIPANT.
type AttendanceRole string

// MarshalGQL writes r as an enum value.
func (r AttendanceRole) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(r))) }

// UnmarshalGQL accepts LEAD, MEMBER or PARTICIPANT.
func (r *AttendanceRole) UnmarshalGQL(v any) error {
	switch s, _ := v.(string); s {
	case "LEAD", "MEMBER", "PARTICIPANT":
		*r = AttendanceRole(s)
		return nil
	}
	return kg.Errorf(kg.CodeBadUserInput, "%v is not a valid AttendanceRole", v)
}

// OutcomeAction is what a meeting did with an initiative; its values are kg.OutcomeTypes.
type OutcomeAction string

// MarshalGQL writes a as an enum value.
func (a OutcomeAction) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(a))) }

// UnmarshalGQL accepts one of kg.OutcomeTypes.
func (a *OutcomeAction) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	for _, t := range kg.OutcomeTypes {
		if t == s {
			*a = OutcomeAction(s)
			return nil
		}
	}
	return kg.Errorf(kg.CodeBadUserInput, "%v is not a valid OutcomeAction", v)
}

// Basis is how a citation's quote supports a fact: STATED, CURATED or INFERRED (kg.Bases).
type Basis kg.Basis

// MarshalGQL writes b as an enum value, STATED for "".
func (b Basis) MarshalGQL(w io.Writer) {
	_, _ = io.WriteString(w, strconv.Quote(string(kg.Basis(b).Or())))
}

// UnmarshalGQL accepts one of kg.Bases.
func (b *Basis) UnmarshalGQL(v any) error {
	s, _ := v.(string)
	if s == "" || !kg.Basis(s).Valid() {
		return kg.Errorf(kg.CodeBadUserInput, "%v is not a valid Basis", v)
	}
	*b = Basis(s)
	return nil
}
