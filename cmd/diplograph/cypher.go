package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/neo4jstore"
)

// runCypher runs `diplograph cypher`: one read-only statement against the Neo4j of NEO4J_URI,
// with the same safety layers as the API's cypher field (the same neo4jstore code), printed as an
// aligned table or as JSON of the API's CypherResult shape. QUERY "-" reads it from stdin.
func runCypher(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cypher", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: diplograph cypher [flags] QUERY | -")
		fs.PrintDefaults()
	}
	var cfg Config
	cfg.bindFlags(fs, getenv)
	params := map[string]any{}
	var paramsJSON string
	fs.Func("param", "a parameter as name=value, repeatable; value is JSON if it parses as JSON (5, true, [1,2], \"5\"), else text", func(s string) error {
		name, value, ok := strings.Cut(s, "=")
		if !ok || name == "" {
			return fmt.Errorf("want name=value, not %q", s)
		}
		var v any
		if err := decodeJSON(value, &v); err != nil {
			v = value
		}
		params[name] = v
		return nil
	})
	fs.StringVar(&paramsJSON, "params", "", "the parameters as one JSON object; --param values override its keys")
	limit := fs.Int("limit", kg.DefaultCypherLimit, fmt.Sprintf("rows at most (1 to %d)", kg.MaxCypherLimit))
	format := fs.String("format", "table", "output: table (aligned text) or json")
	// Flags may come before or after QUERY.
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return errUsage
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if len(positional) != 1 {
		return fmt.Errorf("cypher takes one QUERY argument (or - to read it from stdin)")
	}
	if *format != "table" && *format != "json" {
		return fmt.Errorf("--format must be table or json, not %q", *format)
	}
	text := positional[0]
	if text == "-" {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return fmt.Errorf("read the query from stdin: %w", err)
		}
		text = string(b)
	}
	all := map[string]any{}
	if paramsJSON != "" {
		var v any
		if err := decodeJSON(paramsJSON, &v); err != nil {
			return fmt.Errorf("--params is not JSON: %w", err)
		}
		m, err := kg.CypherParams(v)
		if err != nil {
			return fmt.Errorf("--params: %s", kg.ErrorMessage(err))
		}
		all = m
	}
	for k, v := range params {
		all[k] = v
	}
	if cfg.Neo4jURI == "" {
		return fmt.Errorf("cypher runs against Neo4j: set NEO4J_URI (e.g. NEO4J_URI=bolt://127.0.0.1:7687) or --neo4j-uri")
	}

	// Open only: an analyst's command sets up no schema and loads nothing.
	s, err := neo4jstore.Open(ctx, neo4jConfig(cfg, nil, nil))
	if err != nil {
		return errors.New(kg.ErrorMessage(err))
	}
	defer s.Close(context.WithoutCancel(ctx))
	p, err := kg.CypherParams(all)
	if err != nil {
		return errors.New(kg.ErrorMessage(err))
	}
	res, err := s.Cypher(ctx, kg.CypherQuery{Text: text, Params: p, Limit: *limit})
	if err != nil {
		return fmt.Errorf("%s: %s", kg.ErrorCode(err), kg.ErrorMessage(err))
	}
	if *format == "json" {
		return writeCypherJSON(stdout, res)
	}
	return writeCypherTable(stdout, res)
}

// decodeJSON decodes s into v with numbers kept exact, and fails on anything after the value.
func decodeJSON(s string, v any) error {
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value")
	}
	return nil
}

// writeCypherJSON writes res in the shape of the API's CypherResult.
func writeCypherJSON(w io.Writer, res *kg.CypherResult) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(struct {
		Columns   []string `json:"columns"`
		Rows      [][]any  `json:"rows"`
		Truncated bool     `json:"truncated"`
		ElapsedMs float64  `json:"elapsedMs"`
	}{res.Columns, res.Rows, res.Truncated, float64(res.Elapsed.Microseconds()) / 1000})
}

// writeCypherTable writes res as aligned text: a header, a rule, one line per row, and a line
// with the row count that says when more rows exist.
func writeCypherTable(w io.Writer, res *kg.CypherResult) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	rule := make([]string, len(res.Columns))
	for i, c := range res.Columns {
		rule[i] = strings.Repeat("-", max(len([]rune(c)), 1))
	}
	fmt.Fprintln(tw, strings.Join(res.Columns, "\t"))
	fmt.Fprintln(tw, strings.Join(rule, "\t"))
	for _, row := range res.Rows {
		cells := make([]string, len(row))
		for i, v := range row {
			cells[i] = cell(v)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	more := ""
	if res.Truncated {
		more = "; more rows exist: raise --limit"
	}
	_, err := fmt.Fprintf(w, "(%d rows, %.1f ms%s)\n", len(res.Rows), float64(res.Elapsed.Microseconds())/1000, more)
	return err
}

// cell renders one value for a table cell on one line: entities and sources by name and id,
// relations and paths as arrows, anything else as compact JSON.
func cell(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return oneLine(x)
	case *kg.Entity:
		return oneLine(x.Name) + " (" + x.ID + ")"
	case *kg.Source:
		return oneLine(x.Title) + " (" + x.ID + ")"
	case *kg.Relation:
		return "(" + end(x.From) + ")-[:" + x.Type + "]->(" + end(x.To) + ")"
	case *kg.CypherNode:
		return ":" + strings.Join(x.Labels, ":") + " " + compactJSON(x.Properties)
	case *kg.CypherPath:
		var b strings.Builder
		for i, n := range x.Nodes {
			id := nodeID(n)
			b.WriteString("(" + end(id) + ")")
			if i < len(x.Relations) {
				r := x.Relations[i]
				if r.From == id && id != "" {
					b.WriteString("-[:" + r.Type + "]->")
				} else {
					b.WriteString("<-[:" + r.Type + "]-")
				}
			}
		}
		return b.String()
	}
	return compactJSON(v)
}

func end(id string) string {
	if id == "" {
		return "?"
	}
	return id
}

func nodeID(n any) string {
	switch x := n.(type) {
	case *kg.Entity:
		return x.ID
	case *kg.Source:
		return x.ID
	}
	return ""
}

// oneLine replaces line breaks and tabs, which would break the table's alignment, with spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}

func compactJSON(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSuffix(b.String(), "\n")
}
