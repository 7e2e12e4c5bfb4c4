package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/diplograph/diplograph/internal/memstore"
)

// runRepair checks the embedded store's write-ahead log in the data dir and, unless --dry-run,
// cuts it after the last transaction before the first damaged record (keeping a copy of the
// damaged log), printing what it dropped or would drop.
func runRepair(_ context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("repair", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	cfg.bindFlags(fs, getenv, "DIPLOGRAPH_DATA_DIR")
	dir := &cfg.DataDir
	dryRun := fs.Bool("dry-run", false, "report what a repair would drop; change nothing")
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	if err := cfg.check(); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("repair takes no arguments, only flags (--data-dir, --dry-run)")
	}
	if *dir == "" {
		return fmt.Errorf("repair needs the data directory: --data-dir or DIPLOGRAPH_DATA_DIR")
	}
	rep, err := memstore.Repair(*dir, *dryRun)
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, repairText(rep))
	return err
}

// repairText says what a repair found and dropped (or would drop), for a person.
func repairText(r *memstore.RepairReport) string {
	var b strings.Builder
	if r.Manifest != "" {
		fmt.Fprintf(&b, "the manifest was %s\n", r.Manifest)
	}
	if r.Sound() {
		fmt.Fprintf(&b, "the write-ahead log of %s is sound: %d bytes, %d transactions; nothing to drop\n", r.Dir, r.Size, r.KeepTx)
		return b.String()
	}
	would, did := "would keep", "would drop"
	if !r.DryRun {
		would, did = "kept", "dropped"
	}
	if r.Problem != "" {
		fmt.Fprintf(&b, "the write-ahead log of %s is damaged: %s\n", r.Dir, r.Problem)
	}
	fmt.Fprintf(&b, "a repair %s the first %d bytes (transactions 1 to %d) and %s %d bytes:\n", would, r.Keep, r.KeepTx, did, r.Size-r.Keep)
	acked := 0
	for _, d := range r.Dropped {
		state := "never acknowledged (no commit)"
		if d.Committed {
			state = "ACKNOWLEDGED"
			acked++
		}
		fmt.Fprintf(&b, "  transaction %d, %s, %d readable record(s)\n", d.Tx, state, d.Ops)
		for _, c := range d.Changes {
			what := c.Entity
			if c.Other != "" {
				what += " -> " + c.Other
			}
			fmt.Fprintf(&b, "    change %d at %s by %s: %s %s %s\n", c.Seq, c.At, c.Actor, c.Action, what, c.Summary)
		}
	}
	if r.BadLines > 0 {
		fmt.Fprintf(&b, "  %d record(s) that cannot be read at all\n", r.BadLines)
	}
	if r.Missing > 0 {
		fmt.Fprintf(&b, "%d acknowledged transaction(s) the log held when it was last closed are not in it at all\n", r.Missing)
		acked += int(r.Missing)
	}
	if acked > 0 {
		fmt.Fprintf(&b, "%d of them acknowledged writes: a backup taken before the damage may still hold them (diplograph restore)\n", acked)
	}
	if r.DryRun {
		fmt.Fprintf(&b, "dry run: nothing changed; run without --dry-run to repair (a copy of the damaged log is kept)\n")
	} else if r.SavedTo != "" {
		fmt.Fprintf(&b, "repaired; the damaged log is kept in %s\n", r.SavedTo)
	} else {
		fmt.Fprintf(&b, "repaired: the manifest now records the log as it is\n")
	}
	return b.String()
}
