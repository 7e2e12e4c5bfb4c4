// Command diplograph serves the diplograph knowledge graph over GraphQL and manages its data.
//
//	diplograph serve            serve the API (embedded store unless NEO4J_URI is set)
//	diplograph import FILE      import a bundle into Neo4j or the data dir (--builtin: the built-in dataset)
//	diplograph draft FILE       draft a bundle from a press release's plain text
//	diplograph cypher QUERY     run one read-only Cypher statement against Neo4j
//	diplograph export           write the whole graph as a bundle
//	diplograph withdraw         withdraw what a source said (--source, --reason)
//	diplograph repair           check (--dry-run) or repair the embedded store's write-ahead log
//	diplograph backup FILE      copy the embedded store's data while it serves
//	diplograph restore FILE     put a backup into a new data dir
//	diplograph version          print the version
//	diplograph help             list the commands
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run executes the command line args and returns the process exit code. Failures print one line
// a person can act on to stderr; details go to the log.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	cmd := "serve"
	switch {
	case len(args) > 0 && isHelp(args[0]):
		cmd = "help"
	case len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-':
		cmd, args = args[0], args[1:]
	}
	var err error
	switch cmd {
	case "serve":
		err = runServe(ctx, args, getenv, stderr)
	case "import":
		err = runImport(ctx, args, getenv, stdout, stderr)
	case "draft":
		err = runDraft(ctx, args, getenv, stdout, stderr)
	case "cypher":
		err = runCypher(ctx, args, getenv, os.Stdin, stdout, stderr)
	case "export":
		err = runExport(ctx, args, getenv, stdout, stderr)
	case "withdraw":
		err = runWithdraw(ctx, args, getenv, stdout, stderr)
	case "repair":
		err = runRepair(ctx, args, getenv, stdout, stderr)
	case "backup":
		err = runBackup(ctx, args, getenv, stdout, stderr)
	case "restore":
		err = runRestore(ctx, args, getenv, stdout, stderr)
	case "version":
		_, err = fmt.Fprintln(stdout, "diplograph", version)
	case "help":
		_, err = fmt.Fprintln(stdout, usage)
	default:
		err = fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
	if err != nil {
		if errors.Is(err, errUsage) {
			return 2
		}
		fmt.Fprintln(stderr, "diplograph:", err)
		return 1
	}
	return 0
}

// errUsage marks a command line the flag package already reported.
var errUsage = errors.New("usage")

// isHelp reports whether arg asks for the list of commands.
func isHelp(arg string) bool {
	switch arg {
	case "help", "-h", "-help", "--help":
		return true
	}
	return false
}

const usage = `usage: diplograph COMMAND [flags]

commands:
  serve [flags]                    serve the GraphQL API (the default command)
  import [flags] FILE | --builtin  import a bundle into Neo4j, the data dir or a running server
                                   (--server URL; --dry-run: check only)
  draft [flags] FILE | -           draft a bundle from a press release's text (--out FILE; --server URL)
  cypher [flags] QUERY | -         run one read-only Cypher statement against Neo4j
  export [--format bundle] [--out FILE]  write the whole graph as a bundle
  withdraw --source ID --reason TEXT [--entity ID]... [--dry-run]
                                   withdraw what a source said
  repair [--dry-run] [--data-dir DIR]    check or repair the embedded store's log
  backup [--data-dir DIR] FILE           copy the embedded store's data (it may be serving)
  restore [--data-dir DIR] FILE          put a backup into a new data dir
  version                          print the version
  help                             print this list

Run 'diplograph COMMAND -h' for a command's flags; every flag also has an environment variable.`
