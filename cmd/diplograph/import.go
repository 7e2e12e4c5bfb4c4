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
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/diplograph/diplograph/internal/memstore"
	"github.com/diplograph/diplograph/internal/neo4jstore"
)

// CLIActor is the actor the import command's writes record.
const CLIActor = "cli"

func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv)
	builtin := fs.Bool("builtin", false, "import the built-in dataset instead of a file")
	dryRun := fs.Bool("dry-run", false, "check the bundle against the store (Neo4j, the data dir, else the built-in dataset) and report what would change; write nothing")
	replace := fs.Bool("replace", false, "on every item the bundle names, replace what the bundle's sources said before instead of adding to it")
	bulk := fs.Bool("bulk", false, "first load of a large bundle into an EMPTY Neo4j database, many times faster (refused if the database holds anything)")
	adminFiles := fs.String("admin-files", "", "write the bundle into `DIR` as files for neo4j-admin's offline import into an EMPTY, stopped Neo4j database, and print the command; the fastest first load")
	server := fs.String("server", "", "import into (or with --dry-run check against) the running diplograph at this URL, e.g. http://127.0.0.1:8080, with an editor's key from DIPLOGRAPH_API_KEY")
	apiKey := fs.String("api-key", getenv("DIPLOGRAPH_API_KEY"), "the editor's API key --server sends (DIPLOGRAPH_API_KEY)")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if *server != "" {
		if *bulk {
			return fmt.Errorf("--bulk and --server do not go together: a bulk load writes into Neo4j directly")
		}
		if *adminFiles != "" {
			return fmt.Errorf("--admin-files and --server do not go together: --admin-files writes files and touches no store")
		}
		var raw []byte
		var err error
		switch {
		case *builtin && fs.NArg() == 0:
			var b *kg.Bundle
			if b, err = dataset.Bundle(); err == nil {
				raw, err = json.Marshal(b)
			}
		case !*builtin && fs.NArg() == 1:
			raw, err = readBundleBytes(fs.Arg(0))
		default:
			return fmt.Errorf("import takes one bundle FILE (- for stdin), or --builtin")
		}
		if err != nil {
			return err
		}
		return importToServer(ctx, *server, *apiKey, raw, *dryRun, *replace, stdout)
	}
	if *bulk && *dryRun {
		return fmt.Errorf("--bulk and --dry-run do not go together: a dry run checks against what the store holds, and a bulk load needs it empty")
	}
	if *adminFiles != "" && (*bulk || *dryRun) {
		return fmt.Errorf("--admin-files goes with neither --bulk nor --dry-run: it writes files and touches no store")
	}
	var b *kg.Bundle
	var err error
	switch {
	case *builtin && fs.NArg() == 0:
		b, err = dataset.Bundle()
	case !*builtin && fs.NArg() == 1:
		b, err = readBundle(fs.Arg(0))
	default:
		return fmt.Errorf("import takes one bundle FILE (- for stdin), or --builtin")
	}
	if err != nil {
		return err
	}
	if *bulk {
		return bulkLoad(ctx, cfg, b, stdout)
	}
	if *adminFiles != "" {
		return writeAdminFiles(ctx, cfg, b, *adminFiles, stdout)
	}
	s, where, err := openWriteTarget(ctx, cfg, *dryRun, stderr)
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: CLIActor, Authenticated: true})
	rep, err := s.Import(ctx, b, kg.ImportOptions{DryRun: *dryRun, Replace: *replace, Duplicates: true})
	if err != nil {
		if rep != nil && len(rep.Problems) > 0 {
			return problemsError(rep.Problems)
		}
		return fmt.Errorf("import into %s: %s", where, kg.ErrorMessage(err))
	}
	return printReport(stdout, rep, where, *dryRun)
}

// printReport prints what an import into where did (or, dry, would do), and its possible
// duplicates.
func printReport(stdout io.Writer, rep *kg.ImportReport, where string, dryRun bool) error {
	var err error
	if dryRun {
		_, err = fmt.Fprintf(stdout, "dry run against %s, nothing written: would create %d, update %d, leave %d unchanged\n",
			where, rep.Created, rep.Updated, rep.Unchanged)
	} else {
		_, err = fmt.Fprintf(stdout, "imported into %s: %d created, %d updated, %d unchanged\n", where, rep.Created, rep.Updated, rep.Unchanged)
	}
	if err != nil {
		return err
	}
	if err := printDuplicates(stdout, rep); err != nil {
		return err
	}
	return printDisagreements(stdout, rep.Disagreements)
}

// printDisagreements lists the disagreements an import created, one a line.
func printDisagreements(w io.Writer, ds []kg.Disagreement) error {
	if len(ds) == 0 {
		return nil
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d field(s) where sources now disagree (every value is kept; the first is shown, docs/provenance.md):\n", len(ds))
	for _, d := range ds {
		item := d.Entity
		if d.Relation != "" {
			item = d.Relation
		}
		fmt.Fprintf(&b, "  %s %s\n", item, d.String())
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// printDuplicates lists the possible duplicates of an import, one a line, with what to do.
func printDuplicates(w io.Writer, rep *kg.ImportReport) error {
	if len(rep.Duplicates) == 0 && rep.DuplicatesUnchecked == 0 {
		return nil
	}
	var b strings.Builder
	if n := len(rep.Duplicates); n > 0 {
		fmt.Fprintf(&b, "%d possible duplicate(s) of stored entities: check each; if two are one, give the bundle entity the stored id, "+
			"or merge them after the import (mergeEntities, docs/merging.md):\n", n)
		for _, d := range rep.Duplicates {
			fmt.Fprintf(&b, "  %s %s %q ~ %s %q (%.2f: %s)\n", d.Path, d.ID, d.Name, d.Existing.ID, d.Existing.Name, d.Existing.Score, d.Existing.Reason)
		}
	}
	if rep.DuplicatesUnchecked > 0 {
		fmt.Fprintf(&b, "%d more new entities were not checked for duplicates (at most %d are)\n", rep.DuplicatesUnchecked, kg.MaxDuplicateChecks)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// bulkLoad writes b into the empty Neo4j database cfg names with neo4jstore.BulkLoad, which
// also creates the schema.
func bulkLoad(ctx context.Context, cfg Config, b *kg.Bundle, stdout io.Writer) error {
	if cfg.Neo4jURI == "" {
		return errors.New("--bulk loads into Neo4j: set NEO4J_URI")
	}
	s, err := neo4jstore.Open(ctx, neo4jConfig(cfg, nil, nil))
	if err != nil {
		return errors.New(userMessage(err))
	}
	defer s.Close(context.WithoutCancel(ctx))
	where := redactURI(cfg.Neo4jURI)
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: CLIActor, Authenticated: true})
	st, err := s.BulkLoad(ctx, b, neo4jstore.BulkLoadOptions{})
	if err != nil {
		var kerr *kg.Error
		if errors.As(err, &kerr) && len(kerr.Problems) > 0 {
			return problemsError(kerr.Problems)
		}
		return fmt.Errorf("bulk load into %s: %s", where, kg.ErrorMessage(err))
	}
	_, err = fmt.Fprintf(stdout, "bulk-loaded into %s: %d created\n", where, st.Created)
	return err
}

// writeAdminFiles writes the files of neo4j-admin's offline import of b into dir and prints the
// command that imports them into the database cfg names (stopped, and replaced whole);
// `diplograph serve` then builds the schema.
func writeAdminFiles(ctx context.Context, cfg Config, b *kg.Bundle, dir string, stdout io.Writer) error {
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: CLIActor, Authenticated: true})
	f, err := neo4jstore.WriteImportFiles(ctx, b, dir)
	if err != nil {
		var kerr *kg.Error
		if errors.As(err, &kerr) && len(kerr.Problems) > 0 {
			return problemsError(kerr.Problems)
		}
		if kerr != nil {
			return errors.New(kerr.Message)
		}
		return err
	}
	args := f.AdminArgs(cfg.Neo4jDatabase)
	for i, a := range args {
		if strings.ContainsAny(a, " '\"$\\") {
			args[i] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
	}
	_, err = fmt.Fprintf(stdout, "wrote %d created in %d files to %s; with Neo4j stopped, import them (this replaces the database) with:\nneo4j-admin %s\n",
		f.Stats.Created, len(f.Nodes)+len(f.Relationships), dir, strings.Join(args, " "))
	return err
}

// problemsError lists every problem of a bundle, one a line.
func problemsError(ps []kg.Problem) error {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = "  " + p.String()
	}
	return fmt.Errorf("the bundle has %d problem(s); nothing was imported:\n%s", len(ps), strings.Join(lines, "\n"))
}

// openWriteTarget opens the store an import writes to: Neo4j when NEO4J_URI is set, else the
// embedded store in the data dir (what opening it drops is logged to stderr). A dry run without
// either checks against the built-in dataset, which is what `diplograph serve` holds without them:
// a bundle that extends it can be checked before it is sent to a running server.
func openWriteTarget(ctx context.Context, cfg Config, dryRun bool, stderr io.Writer) (kg.Store, string, error) {
	switch {
	case cfg.Neo4jURI != "":
		s, err := openNeo4j(ctx, cfg, nil, nil)
		if err != nil {
			return nil, "", errors.New(userMessage(err))
		}
		return s, redactURI(cfg.Neo4jURI), nil
	case cfg.DataDir != "":
		s, err := openDataDir(cfg.DataDir, newLogger(cfg.LogFormat, stderr))
		if err != nil {
			return nil, "", err
		}
		return s, "the data directory " + cfg.DataDir, nil
	case dryRun:
		builtin, err := dataset.Bundle()
		if err != nil {
			return nil, "", fmt.Errorf("built-in dataset: %w", err)
		}
		s, err := memstore.Load(builtin)
		if err != nil {
			return nil, "", fmt.Errorf("built-in dataset: %w", err)
		}
		return s, "the built-in dataset (what serve holds without NEO4J_URI or a data directory)", nil
	}
	return nil, "", errors.New("import needs somewhere to write: set NEO4J_URI (Neo4j) or DIPLOGRAPH_DATA_DIR / --data-dir (the embedded store)")
}

// readBundle decodes the bundle in path ("-": stdin) as a stream, one item at a time, so the file
// is never held in memory whole.
func readBundle(path string) (*kg.Bundle, error) {
	var r io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("cannot read the bundle: %w", err)
		}
		defer f.Close()
		r = f
	}
	b, err := kg.DecodeBundle(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, kg.ErrorMessage(err))
	}
	return b, nil
}
