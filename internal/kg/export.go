package kg

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
)

// ExportPageSize is how many items WriteBundle asks a store for at a time.
const ExportPageSize = 1000

// WriteBundle writes everything s holds to w as one bundle (sources, then entities by kind and id,
// then relations by their From), streaming: it holds one page of ExportPageSize items at a time,
// whatever the size of the graph. Importing the output into an empty store gives the same graph.
// The pages are read one after the other, so writes that happen meanwhile may or may not show.
// It returns how many sources, entities and relations it wrote.
func WriteBundle(ctx context.Context, s Store, w io.Writer) (sources, entities, relations int, err error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	n := 0
	item := func(v any) error {
		if n > 0 {
			if err := bw.WriteByte(','); err != nil {
				return err
			}
		}
		n++
		return enc.Encode(v)
	}
	section := func(name string, first bool) error {
		sep := ""
		if !first {
			sep = "],\n"
		}
		n = 0
		_, err := fmt.Fprintf(bw, "%s%q: [\n", sep, name)
		return err
	}

	if _, err = bw.WriteString("{"); err != nil {
		return
	}
	if err = section("sources", true); err != nil {
		return
	}
	// Pages follow each other by position, not offset: a write during the export neither
	// repeats nor skips what was there before it.
	for q := (ListQuery{Limit: ExportPageSize, SkipTotal: true}); ; {
		p, e := s.ListSources(ctx, q)
		if e != nil {
			return sources, entities, relations, e
		}
		for _, src := range p.Sources {
			if err = item(src); err != nil {
				return
			}
			sources++
		}
		if len(p.Sources) < ExportPageSize {
			break
		}
		q.After = &Position{ID: p.Sources[len(p.Sources)-1].ID}
	}
	if err = section("entities", false); err != nil {
		return
	}
	err = eachEntityPage(ctx, s, func(es []*Entity) error {
		for _, e := range es {
			if err := item(e); err != nil {
				return err
			}
			entities++
		}
		return nil
	})
	if err != nil {
		return
	}
	if err = section("relations", false); err != nil {
		return
	}
	err = eachEntityPage(ctx, s, func(es []*Entity) error {
		ids := make([]string, len(es))
		for i, e := range es {
			ids[i] = e.ID
		}
		rels, err := s.Relations(ctx, RelationQuery{IDs: ids, Direction: Out, Limit: NoLimit})
		if err != nil {
			return err
		}
		for _, rs := range rels {
			for _, r := range rs {
				if err := item(r); err != nil {
					return err
				}
				relations++
			}
		}
		return nil
	})
	if err != nil {
		return
	}
	if _, err = bw.WriteString("]}\n"); err != nil {
		return
	}
	err = bw.Flush()
	return
}

// eachEntityPage calls fn with every entity s holds, one page of ExportPageSize at a time, kind by
// kind in the order of Kinds, by id.
func eachEntityPage(ctx context.Context, s Store, fn func([]*Entity) error) error {
	for _, k := range Kinds {
		for q := (ListQuery{Kind: k, Limit: ExportPageSize, SkipTotal: true}); ; {
			p, err := s.ListEntities(ctx, q)
			if err != nil {
				return err
			}
			if len(p.Entities) > 0 {
				if err := fn(p.Entities); err != nil {
					return err
				}
			}
			if len(p.Entities) < ExportPageSize {
				break
			}
			q.After = &Position{ID: p.Entities[len(p.Entities)-1].ID}
		}
	}
	return nil
}
