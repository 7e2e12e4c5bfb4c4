package graph

import (
	"context"
	"unicode/utf8"

	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/draft"
	"github.com/diplograph/diplograph/internal/kg"
)

// MaxDraftTextRunes bounds the text draftBundle reads: a press release is a few thousand.
const MaxDraftTextRunes = 200_000

// draftBundle drafts text against the store and wraps the result.
func (r *Resolver) draftBundle(ctx context.Context, text string, in *model.DraftSourceInput) (*model.Draft, error) {
	if n := utf8.RuneCountInString(text); n > MaxDraftTextRunes {
		return nil, kg.Errorf(kg.CodeBadUserInput, "the text has %d characters; draftBundle reads at most %d", n, MaxDraftTextRunes)
	}
	src := draft.Source{}
	if in != nil {
		src = draft.Source{ID: deref(in.ID), Title: deref(in.Title), Publisher: deref(in.Publisher), Published: deref(in.Published), URL: deref(in.URL)}
	}
	res, err := draft.Draft(ctx, text, draft.Options{Source: src, Existing: r.Store})
	if err != nil {
		return nil, err
	}
	out := &model.Draft{Bundle: res.Bundle, Duplicates: []*model.DraftDuplicate{}, Inferences: []*model.DraftInference{}, Unconnected: res.Unconnected}
	if out.Unconnected == nil {
		out.Unconnected = []string{}
	}
	for _, d := range res.Duplicates {
		dd := &model.DraftDuplicate{ID: d.ID, Name: d.Name, Matched: d.Matched}
		for _, c := range d.Candidates {
			dd.Candidates = append(dd.Candidates, &model.DuplicateCandidate{ID: c.ID, Name: c.Name, Score: c.Score, Reason: c.Reason})
		}
		out.Duplicates = append(out.Duplicates, dd)
	}
	for _, in := range res.Inferences {
		out.Inferences = append(out.Inferences, &model.DraftInference{Item: in.Item, Field: in.Field, Basis: model.Basis(in.Basis.Or()), Quote: in.Quote, Note: in.Note})
	}
	return out, nil
}
