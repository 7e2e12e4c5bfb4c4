package memstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// RepairReport says what a repair of a data directory's log found, and what it dropped or would
// drop.
type RepairReport struct {
	Dir      string
	Size     int64  // bytes in the log
	Keep     int64  // bytes kept: the log up to the last commit before the first problem
	KeepTx   int64  // the last transaction kept
	Problem  string // where the log stops being sound; empty if it is
	BadLines int    // records after that point that could not be read at all
	// Dropped lists the transactions after the point of damage whose records could be read; those
	// with Committed set were acknowledged writes.
	Dropped []DroppedTx
	// Missing counts transactions the manifest says were closed cleanly in the log and that are
	// not there at all (the log was cut at a transaction's end).
	Missing  int64
	Manifest string // what was wrong with the manifest, if anything
	SavedTo  string // where the damaged log was copied (a repair that dropped something)
	DryRun   bool
}

// Sound reports whether the repair found nothing to drop and nothing missing.
func (r *RepairReport) Sound() bool {
	return r.Problem == "" && r.Keep == r.Size && r.Missing == 0
}

// Repair checks the log in dir, which no process may be using, and unless dryRun cuts it after
// its last transaction before the first damaged record, keeping a copy of the whole damaged log
// (wal.damaged-*) beside it, and records the repaired log in the manifest, so the store opens
// again. What it drops, acknowledged writes included, is in the report. A dir without a log, or
// with an empty one, has nothing to repair and is an error.
func Repair(dir string, dryRun bool) (*RepairReport, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	rep := &RepairReport{Dir: dir, DryRun: dryRun}
	man, merr := readManifest(dir)
	if merr != nil {
		rep.Manifest = "damaged; rebuilt from the log"
	}
	path := filepath.Join(dir, walFile)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("data directory %s has no write-ahead log (%s), so there is nothing to repair: "+
			"restore the directory from a backup (diplograph restore), or move it away to start afresh", dir, walFile)
	}
	if err != nil {
		return nil, dirError(dir, err)
	}
	defer f.Close()
	sc, err := scanLog(f, func(int64, []op) {})
	if err != nil {
		return nil, dirError(dir, err)
	}
	if sc.end == 0 {
		return nil, fmt.Errorf("the write-ahead log of data directory %s is empty, so there is nothing to repair: "+
			"restore the directory from a backup (diplograph restore), or move it away to start afresh", dir)
	}
	rep.Size, rep.Keep, rep.KeepTx = sc.end, sc.good, sc.tx
	rep.Dropped, rep.BadLines = sc.dropped, sc.badLines
	if sc.bad >= 0 || sc.end > sc.good {
		rep.Problem = sc.describe()
	}
	if man != nil && man.Clean && man.Tx > sc.tx {
		// The log was closed cleanly after transaction man.Tx: every transaction up to it was
		// acknowledged, whether or not its commit line survived.
		seen := int64(0)
		for i := range rep.Dropped {
			if d := &rep.Dropped[i]; d.Tx > sc.tx && d.Tx <= man.Tx {
				d.Committed = true
				seen++
			}
		}
		rep.Missing = max(man.Tx-sc.tx-seen, 0)
	}
	if dryRun {
		return rep, nil
	}
	if sc.end > sc.good {
		rep.SavedTo = filepath.Join(dir, "wal.damaged-"+time.Now().UTC().Format("20060102T150405Z"))
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, dirError(dir, err)
		}
		if err := writeFileSynced(rep.SavedTo, f); err != nil {
			return nil, dirError(dir, fmt.Errorf("keeping a copy of the damaged log: %w", err))
		}
		if err := f.Truncate(sc.good); err != nil {
			return nil, dirError(dir, err)
		}
		if err := f.Sync(); err != nil {
			return nil, dirError(dir, err)
		}
	}
	m := newManifest(man)
	m.Clean, m.Size, m.Tx = true, sc.good, sc.tx
	if err := writeManifest(dir, m); err != nil {
		return nil, dirError(dir, err)
	}
	return rep, nil
}
