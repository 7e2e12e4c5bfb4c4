package memstore

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// The manifest is how a data directory proves it held data: it is written (and synced, with the
// directory) right after the first write is in the log, and never removed. With it a missing or
// empty log is a loss to report, not a new directory to seed. It also records whether the last
// process closed the log cleanly and where the log then ended, so that damage at the very end of
// the log (a cut, a flipped byte in the last record) is told apart from a write a crash cut short.

const manifestFile = "manifest.json"

type manifest struct {
	Format  int    `json:"format"`  // 1
	Created string `json:"created"` // when the directory first held data (RFC 3339, UTC)
	// Clean is true while no process has the log open since one closed it cleanly; the log then
	// ends at byte Size, after transaction Tx.
	Clean bool  `json:"clean"`
	Size  int64 `json:"size"`
	Tx    int64 `json:"tx"`
}

// newManifest returns a manifest to write: a copy of old, or a new one.
func newManifest(old *manifest) *manifest {
	if old != nil {
		m := *old
		return &m
	}
	return &manifest{Format: 1, Created: time.Now().UTC().Format(time.RFC3339)}
}

// readManifest reads dir's manifest; nil, nil if it has none.
func readManifest(dir string) (*manifest, error) {
	path := filepath.Join(dir, manifestFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, dirError(dir, err)
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil || m.Format != 1 {
		return nil, fmt.Errorf("data directory %s: its %s is damaged or of an unknown format (%q): "+
			"restore the directory from a backup, or run `diplograph repair --data-dir %s`, which rebuilds it from the log", dir, manifestFile, clip(data, 80), dir)
	}
	return &m, nil
}

// writeManifest replaces dir's manifest with m atomically (a synced temporary file renamed over
// it, then the directory synced).
func writeManifest(dir string, m *manifest) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, manifestFile+".tmp")
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, err = f.Write(append(data, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(dir, manifestFile))
	}
	if err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// dirError wraps an error met in data directory dir, naming a full disk as such.
func dirError(dir string, err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC):
		return &DiskFullError{Dir: dir, Err: err}
	case errors.Is(err, syscall.EDQUOT):
		return &DiskFullError{Dir: dir, Err: err, Quota: true}
	}
	return fmt.Errorf("data directory %s: %w", dir, err)
}

// DiskFullError is a write that failed because the disk (or the user's quota) under the data
// directory is full.
type DiskFullError struct {
	Dir   string
	Quota bool
	Err   error
}

func (e *DiskFullError) Error() string {
	if e.Quota {
		return fmt.Sprintf("the disk quota is used up: free space in %s or raise the quota (%v)", e.Dir, e.Err)
	}
	return fmt.Sprintf("the disk is full: free space in %s (%v)", e.Dir, e.Err)
}

func (e *DiskFullError) Unwrap() error { return e.Err }

func clip(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
