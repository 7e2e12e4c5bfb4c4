package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/diplograph/diplograph/internal/export"
	"github.com/diplograph/diplograph/internal/kg"
)

// exportPage is how many entities an export reads from the store at a time.
const exportPage = 500

// DefaultMaxGraphExports is Config.MaxGraphExports's default.
const DefaultMaxGraphExports = 2

// exportHandler serves GET /export?format=graphml|json|csv: the whole graph, or with id=ID (and
// hops=N, 1 to kg.MaxNeighborhoodHops, default 1) the neighbourhood of that entity, at most
// kg.MaxNeighborhoodNodes entities, as Query.neighborhood ranks them. The whole graph streams:
// entities are read a page at a time, kind by kind, and written as they come, then the relations
// of each page. A bad format or hops is 400 and an unknown id 404, each with a coded JSON error
// in the GraphQL error shape; a store failure before the first byte is 503 or 500, and one after
// it aborts the response, so that a client never takes a truncated file for a whole one.
//
// At most maxGraph exports of the whole graph run at once (default DefaultMaxGraphExports); one
// more gets 429 COST_LIMIT with Retry-After, so that a handful of
// concurrent downloads cannot keep the store reading the whole graph over and over.
func exportHandler(store kg.Store, exploreTimeout time.Duration, maxGraph int, log *slog.Logger) http.Handler {
	if maxGraph <= 0 {
		maxGraph = DefaultMaxGraphExports
	}
	graphSlots := make(chan struct{}, maxGraph)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		format, err := export.ParseFormat(q.Get("format"))
		if err != nil {
			writeCodedError(w, r, err)
			return
		}
		x := &exporter{store: store, format: format, w: w, log: log, r: r}
		if !q.Has("id") {
			if q.Has("hops") {
				writeCodedError(w, r, kg.Errorf(kg.CodeBadUserInput, "hops needs id: the entity whose neighborhood to export"))
				return
			}
			select {
			case graphSlots <- struct{}{}:
				defer func() { <-graphSlots }()
			default:
				w.Header().Set("Retry-After", "10")
				e := kg.Errorf(kg.CodeCostLimit, "%d exports of the whole graph are running, the most at once; try again in a few seconds", maxGraph)
				writeCodedError(w, r, e)
				return
			}
			x.graph()
			return
		}
		id := q.Get("id")
		if id == "" {
			writeCodedError(w, r, kg.Errorf(kg.CodeBadUserInput, "id is empty: give the entity whose neighborhood to export, or leave id out for the whole graph"))
			return
		}
		hops := 1
		if s := q.Get("hops"); q.Has("hops") {
			if hops, err = strconv.Atoi(s); err != nil || hops < 1 || hops > kg.MaxNeighborhoodHops {
				writeCodedError(w, r, kg.Errorf(kg.CodeBadUserInput, "hops must be an integer between 1 and %d, got %q", kg.MaxNeighborhoodHops, s))
				return
			}
		}
		x.neighborhood(id, hops, exploreTimeout)
	})
}

// exporter is one export request in progress.
type exporter struct {
	store  kg.Store
	format export.Format
	w      http.ResponseWriter
	r      *http.Request
	log    *slog.Logger
	out    export.Writer // nil until the response has begun
}

// begin writes the response headers and starts the document, named diplograph-<scope>.<ext>.
func (x *exporter) begin(scope string) {
	h := x.w.Header()
	h.Set("Content-Type", x.format.ContentType())
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{
		"filename": "diplograph-" + scope + "." + x.format.Extension(),
	}))
	h.Set("X-Content-Type-Options", "nosniff")
	x.w.WriteHeader(http.StatusOK)
	x.out = export.NewWriter(x.w, x.format)
}

// fail ends the request after err: with a coded JSON error if nothing was written yet, else by
// aborting the response mid-stream (net/http then closes the connection without logging).
func (x *exporter) fail(err error) {
	ctx := x.r.Context()
	x.log.LogAttrs(ctx, slog.LevelWarn, "export failed", slog.String("request_id", RequestID(ctx)),
		slog.String("code", kg.ErrorCode(err)), slog.String("error", err.Error()))
	if x.out == nil {
		writeCodedError(x.w, x.r, err)
		return
	}
	panic(http.ErrAbortHandler)
}

func (x *exporter) neighborhood(id string, hops int, timeout time.Duration) {
	ctx := x.r.Context()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	g, err := x.store.Neighborhood(ctx, kg.NeighborhoodQuery{ID: id, Hops: hops, Limit: kg.MaxNeighborhoodNodes})
	if err != nil {
		x.fail(err)
		return
	}
	if len(g.Nodes) == 0 {
		writeCodedError(x.w, x.r, kg.Errorf(kg.CodeNotFound, "no entity has the id %q", id))
		return
	}
	names := make(map[string]string, len(g.Nodes))
	x.begin(fmt.Sprintf("%s-%dhop", kg.Slug(id), hops))
	for _, e := range g.Nodes {
		names[e.ID] = e.Name
		if err := x.out.Node(e); err != nil {
			x.fail(err)
			return
		}
	}
	for _, rel := range g.Relations {
		if err := x.out.Edge(rel, names[rel.From], names[rel.To]); err != nil {
			x.fail(err)
			return
		}
	}
	if err := x.out.Close(); err != nil {
		x.fail(err)
	}
}

// graph streams the whole graph: every entity, kind by kind a page at a time, then every
// relation, read as the outgoing relations of each page of entities (so each once).
func (x *exporter) graph() {
	ctx := x.r.Context()
	for _, kind := range kg.Kinds {
		if err := x.pages(ctx, kind, func(es []*kg.Entity) error {
			if x.out == nil {
				x.begin("graph")
			}
			for _, e := range es {
				if err := x.out.Node(e); err != nil {
					return err
				}
			}
			return nil
		}); err != nil {
			x.fail(err)
			return
		}
	}
	if x.out == nil {
		x.begin("graph") // an empty graph
	}
	for _, kind := range kg.Kinds {
		if err := x.pages(ctx, kind, func(es []*kg.Entity) error { return x.edges(ctx, es) }); err != nil {
			x.fail(err)
			return
		}
	}
	if err := x.out.Close(); err != nil {
		x.fail(err)
	}
}

// pages calls f with each page of the entities of kind, in id order. Each page starts after the
// last one's last entity, so a write meanwhile neither repeats nor skips what was there before.
func (x *exporter) pages(ctx context.Context, kind kg.Kind, f func([]*kg.Entity) error) error {
	for q := (kg.ListQuery{Kind: kind, Limit: exportPage, SkipTotal: true}); ; {
		page, err := x.store.ListEntities(ctx, q)
		if err != nil {
			return err
		}
		if len(page.Entities) > 0 {
			if err := f(page.Entities); err != nil {
				return err
			}
		}
		if len(page.Entities) < exportPage {
			return nil
		}
		q.After = &kg.Position{ID: page.Entities[len(page.Entities)-1].ID}
	}
}

// edges writes the outgoing relations of es, with their ends' names if the format needs them.
func (x *exporter) edges(ctx context.Context, es []*kg.Entity) error {
	ids := make([]string, len(es))
	names := make(map[string]string, len(es))
	for i, e := range es {
		ids[i] = e.ID
		names[e.ID] = e.Name
	}
	rels, err := x.store.Relations(ctx, kg.RelationQuery{IDs: ids, Direction: kg.Out, Limit: kg.NoLimit})
	if err != nil {
		return err
	}
	if x.format.NeedsEndNames() {
		var far []string
		for _, rs := range rels {
			for _, r := range rs {
				if _, ok := names[r.To]; !ok {
					names[r.To] = ""
					far = append(far, r.To)
				}
			}
		}
		if len(far) > 0 {
			ends, err := x.store.Entities(ctx, far)
			if err != nil {
				return err
			}
			for _, e := range ends {
				if e != nil {
					names[e.ID] = e.Name
				}
			}
		}
	}
	for _, rs := range rels {
		for _, r := range rs {
			if err := x.out.Edge(r, names[r.From], names[r.To]); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeCodedError answers r with err's code and client-safe message, in the GraphQL error shape,
// with the HTTP status the code calls for; an uncoded error is INTERNAL, with the request id.
func writeCodedError(w http.ResponseWriter, r *http.Request, err error) {
	code := kg.ErrorCode(err)
	status := http.StatusInternalServerError
	switch code {
	case kg.CodeBadUserInput:
		status = http.StatusBadRequest
	case kg.CodeNotFound:
		status = http.StatusNotFound
	case kg.CodeTimeout:
		status = http.StatusGatewayTimeout
	case kg.CodeServiceUnavailable:
		status = http.StatusServiceUnavailable
	case kg.CodeCostLimit:
		status = http.StatusTooManyRequests
	}
	var kerr *kg.Error
	msg := fmt.Sprintf("Internal error (request id %s)", RequestID(r.Context()))
	if errors.As(err, &kerr) && code != kg.CodeInternal {
		msg = kerr.Message
	}
	writeError(w, r, status, code, msg)
}
