package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// idList is a repeatable flag of ids.
type idList []string

func (l *idList) String() string     { return strings.Join(*l, ",") }
func (l *idList) Set(v string) error { *l = append(*l, v); return nil }

// runWithdraw removes what a source said from the graph (kg.Writer.WithdrawSource): every item it
// supports, or the entities named with --entity.
func runWithdraw(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("withdraw", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv)
	source := fs.String("source", "", "the id of the source whose citations and claims to withdraw (required)")
	reason := fs.String("reason", "", "why, kept in the audit trail (required)")
	dryRun := fs.Bool("dry-run", false, "report what would change; write nothing")
	var entities idList
	fs.Var(&entities, "entity", "withdraw it from this entity only (repeatable); none: from every item the source supports")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("withdraw takes flags only, not %q", fs.Arg(0))
	}
	s, where, err := openWriteTarget(ctx, cfg, false, stderr)
	if err != nil {
		return err
	}
	defer s.Close(context.WithoutCancel(ctx))
	ctx = kg.WithPrincipal(ctx, kg.Principal{Role: kg.RoleAdmin, Name: CLIActor, Authenticated: true})
	rep, err := s.WithdrawSource(ctx, kg.Withdrawal{Source: *source, Entities: entities, Reason: *reason, DryRun: *dryRun})
	if err != nil {
		return fmt.Errorf("withdraw from %s: %s", where, kg.ErrorMessage(err))
	}
	verb := "withdrew"
	if *dryRun {
		verb = "dry run, nothing written: would withdraw"
	}
	_, err = fmt.Fprintf(stdout, "%s %s in %s: %d citation(s) removed; entities %d updated, %d deleted; relations %d updated, %d deleted\n",
		verb, *source, where, rep.CitationsRemoved, rep.EntitiesUpdated, rep.EntitiesDeleted, rep.RelationsUpdated, rep.RelationsDeleted)
	return err
}
