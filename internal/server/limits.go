package server

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/diplograph/diplograph/graph"
	"github.com/diplograph/diplograph/internal/kg"
)

// Limits bounds what one GraphQL operation may ask for. Each is checked before anything runs and
// refused with extensions.code COST_LIMIT, with extensions.limit naming the limit, extensions.max
// its value and extensions.actual what the operation asked for. A zero field means its default.
type Limits struct {
	// MaxTokens bounds the lexical tokens of the query document (comments included), counted
	// before it is parsed. Default 10,000.
	MaxTokens int
	// MaxDepth bounds how deeply fields nest: `{ people { edges { node { name } } } }` is 4 deep.
	// Fragments add no depth of their own. Default 10.
	MaxDepth int
	// MaxComplexity bounds the estimated cost of the operation: every field costs 1, and the
	// selection under a field is counted `first` times when the field takes a `first` argument
	// (its value, or its default), ListSize times when it returns a list without one, and once
	// otherwise. The lists of a connection (`edges` under `people(first: 20)`) count once: the
	// connection's `first` already counted their items. Default 100,000.
	MaxComplexity int
	// MaxAliases bounds the aliased fields of the operation, fragments included. Default 30.
	MaxAliases int
	// MaxRootFields bounds the fields selected at the top of the operation. Default 20.
	MaxRootFields int
	// MaxMerges bounds the pairs of same-named fields and of fragment spreads that validating the
	// document compares (see merges.go), checked on the parsed document before gqlgen validates
	// it: validation's work grows with the square of repeated selections. Default 2,000.
	MaxMerges int
	// MaxIntrospection bounds the __schema and __type fields of the operation, fragments and
	// aliases included: each answers from the whole schema, so twenty aliased __schema fields
	// cost twenty schemas (seconds under load, issue 17). GraphiQL asks for one. Default 3.
	MaxIntrospection int
	// MaxDirectives bounds the directives (@include, @skip, ...) of the document, counted with its
	// tokens before it is parsed: validating each unknown or misplaced one makes an error, so a
	// document of thousands of them costs validation its time. Default 100.
	MaxDirectives int
	// MaxTextBytes bounds the bytes of the strings of one answer, counted as fields resolve
	// (textbudget.go): the fields are bounded, not their sizes, and a source's text is a whole
	// document. Default 32 MiB.
	MaxTextBytes int
	// MaxErrors bounds the errors of one response: the first MaxErrors are kept and a last one
	// says how many more were cut (extensions.limit "errors"). A document of thousands of unknown
	// directives once answered 5,999 errors in 892 KB. Default 50.
	MaxErrors int
}

// Defaults of Limits.
const (
	DefaultMaxTokens        = 10_000
	DefaultMaxDepth         = 10
	DefaultMaxComplexity    = 100_000
	DefaultMaxAliases       = 30
	DefaultMaxRootFields    = 20
	DefaultMaxMerges        = 2_000
	DefaultMaxIntrospection = 3
	DefaultMaxErrors        = 50
	DefaultMaxDirectives    = 100
	DefaultMaxTextBytes     = 32 << 20
	// ListSize is the number of items a list without a `first` argument is assumed to hold.
	ListSize = 10
)

// Names of the limits, as extensions.limit gives them.
const (
	LimitTokens        = "tokens"
	LimitDepth         = "depth"
	LimitComplexity    = "complexity"
	LimitAliases       = "aliases"
	LimitRootFields    = "rootFields"
	LimitFirst         = "first"
	LimitMerges        = "merges"
	LimitIntrospection = "introspection"
	LimitErrors        = "errors"
	LimitDirectives    = "directives"
	LimitText          = "text"
)

func (l Limits) withDefaults() Limits {
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&l.MaxTokens, DefaultMaxTokens)
	def(&l.MaxDepth, DefaultMaxDepth)
	def(&l.MaxComplexity, DefaultMaxComplexity)
	def(&l.MaxAliases, DefaultMaxAliases)
	def(&l.MaxRootFields, DefaultMaxRootFields)
	def(&l.MaxMerges, DefaultMaxMerges)
	def(&l.MaxIntrospection, DefaultMaxIntrospection)
	def(&l.MaxErrors, DefaultMaxErrors)
	def(&l.MaxDirectives, DefaultMaxDirectives)
	def(&l.MaxTextBytes, DefaultMaxTextBytes)
	return l
}

// costLimits is the gqlgen extension enforcing Limits: it counts tokens and validation's merges
// before gqlgen parses and validates the document, and measures the validated operation before it
// runs. With introspection off, it also refuses operations that select __schema or __type.
type costLimits struct {
	limits        Limits
	introspection bool
	// checked remembers the SHA-256 of documents that passed the pre-validation checks, so that
	// a document seen again is not parsed twice (gqlgen caches its own parse by document).
	checked graphql.Cache[struct{}]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = costLimits{}

func (costLimits) ExtensionName() string                          { return "CostLimits" }
func (costLimits) Validate(schema graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters refuses a document of more than MaxTokens tokens, or one whose
// validation would compare more than MaxMerges pairs of selections. It runs after the
// persisted-query extension has filled in the query, and stops lexing at the limit, so a huge
// document costs no more than a document at the limit. A document that does not parse is left to
// gqlgen, which reports the syntax error.
func (c costLimits) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	sum := sha256.Sum256([]byte(p.Query))
	key := string(sum[:])
	if _, ok := c.checked.Get(ctx, key); ok {
		return nil
	}
	n, directives := countTokens(p.Query, c.limits.MaxTokens)
	if n > c.limits.MaxTokens {
		return costError(LimitTokens, c.limits.MaxTokens, n,
			fmt.Sprintf("the query has more than %d tokens", c.limits.MaxTokens))
	}
	if directives > c.limits.MaxDirectives {
		return costError(LimitDirectives, c.limits.MaxDirectives, directives,
			fmt.Sprintf("the query has %d directives; the limit is %d", directives, c.limits.MaxDirectives))
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: p.Query})
	if err != nil {
		return nil
	}
	if n := countMerges(doc, c.limits.MaxMerges); n > c.limits.MaxMerges {
		return costError(LimitMerges, c.limits.MaxMerges, n,
			fmt.Sprintf("the query repeats fields or fragments so often that checking it would compare more than %d pairs of them; select each field once", c.limits.MaxMerges))
	}
	c.checked.Add(ctx, key, struct{}{})
	return nil
}

// countTokens returns the number of lexical tokens of query, or most+1 when there are more than
// most, and how many of them are @ (directives). A lexical error ends the count: the parser
// reports it.
func countTokens(query string, most int) (tokens, directives int) {
	lx := lexer.New(&ast.Source{Input: query})
	for tokens <= most {
		tok, err := lx.ReadToken()
		if err != nil || tok.Kind == lexer.EOF {
			break
		}
		tokens++
		if tok.Kind == lexer.At {
			directives++
		}
	}
	return tokens, directives
}

// MutateOperationContext measures the operation and refuses it when it is over a limit.
func (c costLimits) MutateOperationContext(ctx context.Context, opCtx *graphql.OperationContext) *gqlerror.Error {
	w := &costWalker{vars: opCtx.Variables, fragments: map[fragmentUse]*cost{}}
	total := w.selectionSet(opCtx.Operation.SelectionSet, false)
	switch {
	case w.firstErr != nil:
		return w.firstErr
	case w.introspection && !c.introspection:
		err := gqlerror.Errorf("introspection is turned off on this server")
		err.Extensions = map[string]any{"code": kg.CodeForbidden}
		return err
	case total.introspections > c.limits.MaxIntrospection:
		return costError(LimitIntrospection, c.limits.MaxIntrospection, total.introspections,
			fmt.Sprintf("the query selects __schema or __type %d times; the limit is %d (ask for the schema once)",
				total.introspections, c.limits.MaxIntrospection))
	case total.depth > c.limits.MaxDepth:
		return costError(LimitDepth, c.limits.MaxDepth, total.depth,
			fmt.Sprintf("the query nests %d fields deep; the limit is %d", total.depth, c.limits.MaxDepth))
	case total.aliases > c.limits.MaxAliases:
		return costError(LimitAliases, c.limits.MaxAliases, total.aliases,
			fmt.Sprintf("the query has %d aliases; the limit is %d", total.aliases, c.limits.MaxAliases))
	case total.fields > c.limits.MaxRootFields:
		return costError(LimitRootFields, c.limits.MaxRootFields, total.fields,
			fmt.Sprintf("the query selects %d root fields; the limit is %d", total.fields, c.limits.MaxRootFields))
	case total.complexity > c.limits.MaxComplexity:
		return costError(LimitComplexity, c.limits.MaxComplexity, total.complexity,
			fmt.Sprintf("the query's estimated cost is %d; the limit is %d (lower `first` arguments or select fewer nested lists)",
				total.complexity, c.limits.MaxComplexity))
	}
	return nil
}

func costError(limit string, most, actual int, message string) *gqlerror.Error {
	err := gqlerror.Errorf("%s", message)
	err.Extensions = map[string]any{"code": kg.CodeCostLimit, "limit": limit, "max": most, "actual": actual}
	return err
}

// cost is the measure of a selection set.
type cost struct {
	complexity int // estimated cost, saturating at math.MaxInt
	depth      int // deepest field nesting
	aliases    int // aliased fields
	fields     int // fields selected at this level, through fragments
	// introspections counts __schema and __type fields, each of which answers from the whole
	// schema.
	introspections int
}

// costWalker measures a validated operation. Fragments are measured once and remembered, so a
// document that spreads fragments into fragments costs the walker time linear in its size, not in
// the size of its expansion.
type costWalker struct {
	vars          map[string]any
	fragments     map[fragmentUse]*cost
	introspection bool
	firstErr      *gqlerror.Error
}

// fragmentUse is a fragment spread inside a connection or elsewhere: the two cost differently.
type fragmentUse struct {
	name         string
	inConnection bool
}

// selectionSet measures set; inConnection says that set is the selection of a connection field,
// whose lists the connection's `first` bounds.
func (w *costWalker) selectionSet(set ast.SelectionSet, inConnection bool) cost {
	var c cost
	add := func(o cost) {
		c.complexity = satAdd(c.complexity, o.complexity)
		c.depth = max(c.depth, o.depth)
		c.aliases = satAdd(c.aliases, o.aliases)
		c.fields = satAdd(c.fields, o.fields)
		c.introspections = satAdd(c.introspections, o.introspections)
	}
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			add(w.field(s, inConnection))
		case *ast.InlineFragment:
			add(w.selectionSet(s.SelectionSet, inConnection))
		case *ast.FragmentSpread:
			use := fragmentUse{s.Name, inConnection}
			fc, ok := w.fragments[use]
			if !ok {
				w.fragments[use] = &cost{} // validation has ruled out cycles; this guards anyway
				var def ast.SelectionSet
				if s.Definition != nil {
					def = s.Definition.SelectionSet
				}
				v := w.selectionSet(def, inConnection)
				fc = &v
				w.fragments[use] = fc
			}
			add(*fc)
		}
	}
	return c
}

func (w *costWalker) field(f *ast.Field, inConnection bool) cost {
	c := cost{complexity: 1, depth: 1, fields: 1}
	if f.Alias != "" && f.Alias != f.Name {
		c.aliases = 1
	}
	if strings.HasPrefix(f.Name, "__") && f.Name != "__typename" {
		// Introspection has its own bound (gqlparser's MaxIntrospectionDepth rule) and can be
		// turned off; its standard query nests deeper than any data query should.
		w.introspection = true
		if f.Name == "__schema" || f.Name == "__type" {
			c.introspections = 1
		}
		return c
	}
	isList := f.Definition != nil && f.Definition.Type != nil && f.Definition.Type.Elem != nil
	first, hasFirst := w.first(f)
	child := w.selectionSet(f.SelectionSet, hasFirst && !isList)
	n := 1
	switch {
	case hasFirst:
		n = first
	case isList && !inConnection:
		n = ListSize
	}
	c.complexity = satAdd(1, satMul(n, child.complexity))
	c.depth = 1 + child.depth
	c.aliases = satAdd(c.aliases, child.aliases)
	return c
}

// first returns the value of f's `first` argument, or of a connection's `last` (given, or its
// default: a connection given neither reads graph.DefaultPage items), and records a COST_LIMIT
// error when a given value is over graph.MaxFirst. A default over it is the schema's business (the
// resolver enforces it) and never refuses a query that did not ask.
func (w *costWalker) first(f *ast.Field) (int, bool) {
	if f.Definition == nil || f.Definition.Arguments.ForName("first") == nil {
		return 0, false
	}
	args := f.ArgumentMap(w.vars)
	name := "first"
	v, ok := args[name]
	given := ok && v != nil
	connection := f.Definition.Arguments.ForName("last") != nil
	if lv, ok := args["last"]; !given && connection && ok && lv != nil {
		name, v, given = "last", lv, true
	}
	if !given {
		if def := f.Definition.Arguments.ForName("first").DefaultValue; def != nil {
			v, _ = def.Value(nil)
		} else if connection {
			v = int64(graph.DefaultPage)
		}
	}
	var n int64
	switch x := v.(type) {
	case int64:
		n = x
	case int:
		n = int64(x)
	case int32:
		n = int64(x)
	case float64:
		n = int64(min(x, math.MaxInt32))
	case json.Number:
		var err error
		if n, err = x.Int64(); err != nil {
			return ListSize, true
		}
	default:
		return ListSize, true
	}
	if given && n > graph.MaxFirst && w.firstErr == nil {
		w.firstErr = costError(LimitFirst, graph.MaxFirst, int(min(n, math.MaxInt32)),
			fmt.Sprintf("%s(%s: %d) asks for more than %d items; page with cursors instead", f.Name, name, n, graph.MaxFirst))
		// An argument out of its documented range is the client's input error, as the schema's
		// own checks say; the other limits are about the operation's cost.
		w.firstErr.Extensions["code"] = kg.CodeBadUserInput
	}
	if n < 0 {
		return 0, true // refused by the resolver with BAD_USER_INPUT
	}
	return int(min(n, graph.MaxFirst)), true
}

func satAdd(a, b int) int {
	if a > math.MaxInt-b {
		return math.MaxInt
	}
	return a + b
}

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > math.MaxInt/b {
		return math.MaxInt
	}
	return a * b
}
