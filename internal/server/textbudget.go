package server

import (
	"context"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"

	"github.com/diplograph/diplograph/internal/kg"
)

// textBudget bounds the text one operation may put in its answer. The cost limits count fields,
// not their sizes, and a source's text is as long as the document it holds: twenty aliased
// sources(first: 100) { ... text } would build an answer of 2,000 texts in memory, gigabytes
// for long documents. Strings are counted as fields resolve; past the budget each further string
// field fails with COST_LIMIT (extensions.limit "text"), so the answer stops growing.
type textBudget struct{ max int64 }

var _ interface {
	graphql.HandlerExtension
	graphql.OperationInterceptor
	graphql.FieldInterceptor
} = textBudget{}

type textUsedKey struct{}

func (textBudget) ExtensionName() string                          { return "TextBudget" }
func (textBudget) Validate(schema graphql.ExecutableSchema) error { return nil }

// InterceptOperation gives the operation its own count of text bytes.
func (textBudget) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	return next(context.WithValue(ctx, textUsedKey{}, new(atomic.Int64)))
}

// InterceptField counts the string a field resolved to, and fails the field once the operation's
// strings pass the budget.
func (b textBudget) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	res, err := next(ctx)
	if err != nil {
		return res, err
	}
	var n int
	switch s := res.(type) {
	case string:
		n = len(s)
	case *string:
		if s != nil {
			n = len(*s)
		}
	default:
		return res, err
	}
	// Looked up only for a string: ctx holds a value per level of the answer above the field, and
	// most fields (objects, lists, numbers) have nothing to count.
	used, _ := ctx.Value(textUsedKey{}).(*atomic.Int64)
	if used == nil {
		return res, err
	}
	if total := used.Add(int64(n)); total > b.max {
		e := kg.Errorf(kg.CodeCostLimit, "the answer holds more than %d bytes of text: ask for fewer items or leave out long fields such as a source's text", b.max)
		e.Details = map[string]any{"limit": LimitText, "max": b.max}
		return nil, e
	}
	return res, err
}
