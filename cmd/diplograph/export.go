package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/diplograph/diplograph/internal/dataset"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
)

func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv)
	format := fs.String("format", "bundle", "output format: bundle (the import format)")
	out := fs.String("out", "", "file to write; empty writes to stdout")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export takes no arguments, only flags (--format, --out)")
	}
	if *format != "bundle" {
		return fmt.Errorf("unknown export format %q: the command writes bundles (--format bundle); the server's GET /export serves other formats", *format)
	}
	s, err := openExportSource(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))
	if *out == "" {
		_, _, _, err := kg.WriteBundle(ctx, s, stdout)
		if err != nil {
			return fmt.Errorf("export: %s", kg.ErrorMessage(err))
		}
		return nil
	}
	// Write beside the target and rename, so a failed export never leaves half a bundle there.
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".export-*.json")
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	defer os.Remove(tmp.Name())
	srcs, ents, rels, err := kg.WriteBundle(ctx, s, tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("export: %s", kg.ErrorMessage(err))
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = fmt.Fprintf(stderr, "exported %d sources, %d entities, %d relations to %s\n", srcs, ents, rels, *out)
	return err
}

// openExportSource opens the store an export reads, without seeding anything: Neo4j when NEO4J_URI
// is set, else the data dir (which must exist), else the built-in dataset in memory.
func openExportSource(ctx context.Context, cfg Config, stderr io.Writer) (kg.Store, error) {
	switch {
	case cfg.Neo4jURI != "":
		return openNeo4j(ctx, cfg, nil, nil)
	case cfg.DataDir != "":
		if _, err := os.Stat(cfg.DataDir); err != nil {
			return nil, fmt.Errorf("export: no data directory at %s: %w", cfg.DataDir, err)
		}
		s, err := openDataDir(cfg.DataDir, newLogger(cfg.LogFormat, stderr))
		if err != nil {
			return nil, err
		}
		return s, nil
	}
	b, err := dataset.Bundle()
	if err != nil {
		return nil, err
	}
	return memstore.Load(b)
}
