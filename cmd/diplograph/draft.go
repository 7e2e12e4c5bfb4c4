package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/draft"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

// runDraft drafts a bundle from the text in a file (or stdin) and writes it as JSON to stdout or
// --out; what a reviewer should look at (possible duplicates, inferences, names left out) goes to
// stderr. With --server the draft is made by the running diplograph there (draftBundle), matched
// against what it holds; else entities are matched against Neo4j when NEO4J_URI is set, else the
// data dir when set, else the built-in dataset; --no-match drafts against nothing.
func runDraft(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("draft", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv)
	var src draft.Source
	out := fs.String("out", "", "write the draft bundle to this file instead of standard output")
	fs.StringVar(&src.Title, "title", "", "the source's title (default: the text's first sentence)")
	fs.StringVar(&src.Publisher, "publisher", "", "the source's publisher")
	fs.StringVar(&src.Published, "published", "", "the source's publication date, ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD): the year of dates the text gives without one")
	fs.StringVar(&src.URL, "url", "", "the source's URL")
	fs.StringVar(&src.ID, "source-id", "", "the source's id, source:<slug> (default: from the title)")
	server := fs.String("server", "", "draft on the running diplograph at this URL, e.g. http://127.0.0.1:8080, matching against what it holds, with an editor's key from DIPLOGRAPH_API_KEY")
	apiKey := fs.String("api-key", getenv("DIPLOGRAPH_API_KEY"), "the editor's API key --server sends (DIPLOGRAPH_API_KEY)")
	builtin := fs.Bool("builtin", false, "match against the built-in dataset even when NEO4J_URI or a data dir is set")
	noMatch := fs.Bool("no-match", false, "match against nothing: every drafted entity is new")
	// Flags may follow the file: "diplograph draft release.txt --out draft.json".
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if len(files) != 1 {
		return fmt.Errorf("draft takes one text FILE (- for stdin)")
	}
	text, err := readText(files[0])
	if err != nil {
		return err
	}
	var res *draft.Result
	var where string
	switch {
	case *server != "":
		if *builtin || *noMatch {
			return fmt.Errorf("--server drafts against what the server holds: --builtin and --no-match do not go with it")
		}
		if res, err = draftOnServer(ctx, *server, *apiKey, text, src); err != nil {
			return err
		}
		where = "the server at " + *server
	default:
		if res, where, err = draftHere(ctx, cfg, text, src, *builtin, *noMatch, stderr); err != nil {
			return err
		}
	}
	data, err := json.MarshalIndent(res.Bundle, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *out != "" {
		if err := os.WriteFile(*out, data, 0o644); err != nil {
			return fmt.Errorf("cannot write the draft: %w", err)
		}
	} else if _, err := stdout.Write(data); err != nil {
		return err
	}
	writeReview(stderr, res, where, *server)
	return nil
}

// draftHere drafts text in this process, matching against what openMatchTarget opens (nothing
// with noMatch), and says what it matched against.
func draftHere(ctx context.Context, cfg Config, text string, src draft.Source, builtin, noMatch bool, stderr io.Writer) (*draft.Result, string, error) {
	opts := draft.Options{Source: src}
	where := "nothing"
	if !noMatch {
		s, w, err := openMatchTarget(ctx, cfg, builtin, stderr)
		if err != nil {
			return nil, "", err
		}
		defer s.Close(context.WithoutCancel(ctx))
		opts.Existing, where = s, w
	}
	res, err := draft.Draft(ctx, text, opts)
	if err != nil {
		return nil, "", errors.New(kg.ErrorMessage(err))
	}
	return res, where, nil
}

// draftServerQuery is the mutation draft --server sends.
const draftServerQuery = `mutation Draft($text: String!, $src: DraftSourceInput) {
  draftBundle(text: $text, source: $src) {
    bundle
    duplicates { id name matched candidates { id name score reason } }
    inferences { item field basis quote note }
    unconnected
  }
}`

// draftOnServer drafts text on the diplograph at server (the draftBundle mutation, with the
// editor key key), so that the draft is matched against the graph that server holds, which a
// data directory it holds cannot be opened to read meanwhile.
func draftOnServer(ctx context.Context, server, key, text string, src draft.Source) (*draft.Result, error) {
	if key == "" {
		return nil, errors.New("--server needs an editor's API key: set DIPLOGRAPH_API_KEY (or --api-key)")
	}
	in := map[string]any{}
	for k, v := range map[string]string{"id": src.ID, "title": src.Title, "publisher": src.Publisher, "published": src.Published, "url": src.URL} {
		if v != "" {
			in[k] = v
		}
	}
	var out struct {
		DraftBundle *struct {
			Bundle      json.RawMessage
			Duplicates  []draft.EntityDuplicates
			Inferences  []draft.Inference
			Unconnected []string
		} `json:"draftBundle"`
	}
	if err := callServer(ctx, server, key, "the draft", draftServerQuery, map[string]any{"text": text, "src": in}, &out); err != nil {
		return nil, err
	}
	d := out.DraftBundle
	if d == nil {
		return nil, fmt.Errorf("the server at %s answered without a draft", server)
	}
	b, err := kg.ParseBundle(d.Bundle)
	if err != nil {
		return nil, fmt.Errorf("the server at %s answered a draft that is not a bundle: %w", server, err)
	}
	return &draft.Result{Bundle: b, Duplicates: d.Duplicates, Inferences: d.Inferences, Unconnected: d.Unconnected}, nil
}

// openMatchTarget opens what a draft is matched against: Neo4j, the data dir, or the built-in set.
func openMatchTarget(ctx context.Context, cfg Config, builtin bool, stderr io.Writer) (kg.Store, string, error) {
	if !builtin && (cfg.Neo4jURI != "" || cfg.DataDir != "") {
		return openWriteTarget(ctx, cfg, false, stderr)
	}
	b, err := dataset.Bundle()
	if err != nil {
		return nil, "", err
	}
	s, err := memstore.Load(b)
	if err != nil {
		return nil, "", err
	}
	return s, "the built-in dataset", nil
}

func readText(path string) (string, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(os.Stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("cannot read the text: %w", err)
	}
	return string(data), nil
}

// writeReview tells the reviewer what the draft holds and what to check, and the next commands
// (against server, when the draft was made there).
func writeReview(w io.Writer, res *draft.Result, where, server string) {
	b := res.Bundle
	fmt.Fprintf(w, "drafted %d entities and %d relations, matched against %s\n", len(b.Entities), len(b.Relations), where)
	for _, d := range res.Duplicates {
		state := "possible duplicate"
		if d.Matched {
			state = "matched"
		}
		for i, c := range d.Candidates {
			if i == 0 {
				fmt.Fprintf(w, "  %s: %q (%s) ~ %s %q, score %.2f: %s\n", state, d.Name, d.ID, c.ID, c.Name, c.Score, c.Reason)
				continue
			}
			fmt.Fprintf(w, "    or %s %q, score %.2f: %s\n", c.ID, c.Name, c.Score, c.Reason)
		}
	}
	for _, in := range res.Inferences {
		// "inferred: ..." or "curated: ...", as the draft cites it.
		fmt.Fprintf(w, "  %s: %s (%s): %s\n", strings.ToLower(string(in.Basis.Or())), in.Item, in.Field, in.Note)
	}
	if len(res.Unconnected) > 0 {
		fmt.Fprintf(w, "  left out, connected to nothing: %s\n", strings.Join(res.Unconnected, ", "))
	}
	on := ""
	if server != "" {
		on = " --server " + server
	}
	fmt.Fprintf(w, "review the draft, then: diplograph import%s --dry-run FILE, and diplograph import%s FILE\n", on, on)
}
