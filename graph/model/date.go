package model

import (
	"io"
	"strconv"

	"github.com/99designs/gqlgen/graphql"

	"github.com/diplograph/diplograph/internal/kg"
)

// MarshalDate writes an ISO 8601 date string as a GraphQL Date.
func MarshalDate(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(s)) })
}

// UnmarshalDate accepts an ISO 8601 date, possibly partial ("2010", "2022-07", "2022-12-01"), and
// refuses anything else with a message naming the accepted forms.
func UnmarshalDate(v any) (string, error) {
	s, ok := v.(string)
	if !ok || !kg.ValidDate(s) {
		return "", kg.Errorf(kg.CodeBadUserInput, "%v is not a Date: use YYYY, YYYY-MM or YYYY-MM-DD", v)
	}
	return s, nil
}
