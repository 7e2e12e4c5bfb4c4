package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
)

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv)
	builtin := fs.Bool("builtin", false, "import the built-in dataset instead of a file")
	dryRun := fs.Bool("dry-run", false, "validate the bundle and write nothing")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	var b *kg.Bundle
	var err error
	switch {
	case *builtin && fs.NArg() == 0:
		b, err = dataset.Bundle()
	case !*builtin && fs.NArg() == 1:
		b, err = readBundle(fs.Arg(0))
	default:
		return fmt.Errorf("import takes one bundle FILE, or --builtin")
	}
	if err != nil {
		return err
	}
	if ps := b.Validate(); len(ps) > 0 {
		var lines []string
		for _, p := range ps {
			lines = append(lines, "  "+p.String())
		}
		return fmt.Errorf("the bundle has %d problems; nothing was imported:\n%s", len(ps), strings.Join(lines, "\n"))
	}
	if *dryRun {
		_, err := fmt.Fprintf(stdout, "valid: %d sources, %d entities, %d relations (dry run: nothing written)\n",
			len(b.Sources), len(b.Entities), len(b.Relations))
		return err
	}
	if cfg.Neo4jURI == "" {
		return fmt.Errorf("import writes to Neo4j: set NEO4J_URI (the embedded store keeps nothing between runs)")
	}
	s, err := openNeo4j(ctx, cfg, nil)
	if err != nil {
		return errors.New(userMessage(err))
	}
	defer s.Close(ctx)
	stats, err := s.Import(ctx, b)
	if err != nil {
		return fmt.Errorf("import into %s: %s", redactURI(cfg.Neo4jURI), kg.ErrorMessage(err))
	}
	_, err = fmt.Fprintf(stdout, "imported: %d created, %d updated, %d unchanged\n", stats.Created, stats.Updated, stats.Unchanged)
	return err
}

func readBundle(path string) (*kg.Bundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the bundle: %w", err)
	}
	defer f.Close()
	b, err := kg.DecodeBundle(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}
