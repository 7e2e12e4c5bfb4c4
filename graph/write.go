package graph

import (
	"context"
	"errors"
	"runtime"

	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
)

// The write resolvers check the caller's role, turn inputs into kg values, and call the store's
// Writer; validation, identity resolution and the audit trail live below, in kg and the stores.

// inputPath is where the fields of a mutation's input sit in the GraphQL request.
const inputPath = "input"

// inputError rebases the problems of a one-item write's error onto the mutation's input, so
// extensions.problems point into the request ("input.citations[0].quote").
func inputError(err error) error {
	var kerr *kg.Error
	if !errors.As(err, &kerr) || len(kerr.Problems) == 0 {
		return err
	}
	ps := make([]kg.Problem, len(kerr.Problems))
	for i, p := range kerr.Problems {
		ps[i] = kg.Problem{Path: inputPath, Message: p.Message}
		if p.Path != "" {
			ps[i].Path = inputPath + "." + p.Path
		}
	}
	return &kg.Error{Code: kerr.Code, Message: kerr.Message, Err: kerr.Err, Problems: ps}
}

func citations(in []*model.CitationInput) []kg.Citation {
	out := make([]kg.Citation, 0, len(in))
	for _, c := range in {
		if c != nil {
			cit := kg.Citation{Source: c.Source, Quote: c.Quote, Note: deref(c.Note), Fields: c.Fields}
			if c.Basis != nil {
				cit.Basis = kg.Basis(*c.Basis)
			}
			out = append(out, cit)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// properties converts a JSON properties argument, refusing anything but an object.
func properties(v any) (map[string]any, error) {
	p, ps := kg.PropsFromValue("properties", v)
	if len(ps) > 0 {
		return nil, inputError(kg.ProblemsError("the input", ps))
	}
	return p, nil
}

func sourceOf(in model.SourceInput) *kg.Source {
	return &kg.Source{ID: deref(in.ID), Title: in.Title, Publisher: deref(in.Publisher), Published: deref(in.Published), URL: in.URL, Text: in.Text}
}

func entityOf(in model.EntityInput) (*kg.Entity, error) {
	p, err := properties(in.Properties)
	if err != nil {
		return nil, err
	}
	return &kg.Entity{ID: deref(in.ID), Kind: kg.Kind(in.Kind), Name: in.Name, Aliases: in.Aliases,
		Description: deref(in.Description), Properties: p, Citations: citations(in.Citations)}, nil
}

func relationOf(in model.RelationInput) (*kg.Relation, error) {
	p, err := properties(in.Properties)
	if err != nil {
		return nil, err
	}
	return &kg.Relation{Type: in.Type, From: in.From, To: in.To, Properties: p, Citations: citations(in.Citations)}, nil
}

// importReport turns a kg report into the API's.
func (r *Resolver) importReport(rep *kg.ImportReport) *model.ImportReport {
	out := &model.ImportReport{Created: rep.Created, Updated: rep.Updated, Unchanged: rep.Unchanged, Errors: []*model.ImportError{},
		Duplicates: model.NewPossibleDuplicates(r.Store, rep.Duplicates), DuplicatesUnchecked: rep.DuplicatesUnchecked,
		Disagreements: []*model.Disagreement{}}
	for _, p := range rep.Problems {
		out.Errors = append(out.Errors, &model.ImportError{Path: p.Path, Message: p.Message})
	}
	for _, d := range rep.Disagreements {
		md := &model.Disagreement{Entity: d.Entity, Field: d.Field}
		if d.Relation != "" {
			md.Relation = &d.Relation
		}
		for _, v := range d.Values {
			md.Values = append(md.Values, &model.DisagreementValue{Value: v.Value, Basis: model.Basis(v.Basis.Or()), Sources: v.Sources})
		}
		out.Disagreements = append(out.Disagreements, md)
	}
	return out
}

// bigBundle is the number of items from which importBundle collects the request's generic JSON
// before importing.
const bigBundle = 10_000

// importBundle converts the bundle argument (consuming it, so it is not held twice) and imports it.
// A bundle with problems is answered with a report that lists them, not with an error.
func (r *Resolver) importBundle(ctx context.Context, bundle any, opts kg.ImportOptions) (*model.ImportReport, error) {
	// Problems of the JSON stay in the bundle: the import reports them with every other one.
	b, ps := kg.BundleFromValue(bundle)
	if b == nil {
		return r.importReport(&kg.ImportReport{Problems: ps, DryRun: opts.DryRun}), nil
	}
	if len(b.Sources)+len(b.Entities)+len(b.Relations) >= bigBundle {
		// The generic JSON is garbage now, and larger than the bundle: collect it before the store
		// grows, rather than when the heap has doubled, so a large import does not hold both.
		runtime.GC()
	}
	opts.Duplicates = true
	rep, err := r.Store.Import(ctx, b, opts)
	if err != nil && (rep == nil || len(rep.Problems) == 0) {
		return nil, err
	}
	return r.importReport(rep), nil
}

// changes resolves the audit trail as a connection.
func (r *Resolver) changes(ctx context.Context, entity *string, first *int, after *string, last *int, before *string) (*model.ChangeConnection, error) {
	// The audit trail is newest first: a list sorted by sequence number, descending.
	order := []kg.SortField{{Field: "seq", Desc: true}}
	args, err := readPageArgs(order, first, after, last, before)
	if err != nil {
		return nil, err
	}
	q := kg.ChangeQuery{Entity: deref(entity), FromEnd: args.fromEnd, Limit: args.n}
	for bound, p := range map[*int64]*kg.Position{&q.Below: args.after, &q.Above: args.before} {
		if p == nil {
			continue
		}
		seq, ok := p.Keys[0].(int64)
		if !ok || seq <= 0 {
			return nil, badInput("the cursor is not one of the audit trail")
		}
		*bound = seq
	}
	p, err := r.Store.Changes(ctx, q)
	if err != nil {
		return nil, err
	}
	conn := &model.ChangeConnection{Edges: make([]*model.ChangeEdge, len(p.Changes)), TotalCount: p.Total}
	cursors := make([]string, len(p.Changes))
	for i, c := range p.Changes {
		cursors[i] = encodeCursor(order, kg.Position{Keys: []any{c.Seq}, ID: c.ID()})
		conn.Edges[i] = &model.ChangeEdge{Cursor: cursors[i], Node: &model.Change{Change: c}}
	}
	conn.PageInfo = pageInfo(p.More, p.Earlier, cursors)
	return conn, nil
}

func withdrawalOf(source string, entities []string, relations []*model.RelationKeyInput, reason string, dryRun bool) kg.Withdrawal {
	w := kg.Withdrawal{Source: source, Entities: entities, Reason: reason, DryRun: dryRun}
	for _, k := range relations {
		if k != nil {
			w.Relations = append(w.Relations, kg.RelationRef{Type: k.Type, From: k.From, To: k.To})
		}
	}
	return w
}

// withdrawSource withdraws what a source said and reports it.
func (r *Resolver) withdrawSource(ctx context.Context, w kg.Withdrawal) (*model.WithdrawReport, error) {
	rep, err := r.Store.WithdrawSource(ctx, w)
	if err != nil {
		return nil, err
	}
	return &model.WithdrawReport{CitationsRemoved: rep.CitationsRemoved, EntitiesUpdated: rep.EntitiesUpdated,
		EntitiesDeleted: rep.EntitiesDeleted, RelationsUpdated: rep.RelationsUpdated, RelationsDeleted: rep.RelationsDeleted}, nil
}
