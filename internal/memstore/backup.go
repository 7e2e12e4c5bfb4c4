package memstore

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// A backup is a copy of a data directory's log up to its last commit: every acknowledged write up
// to a moment, and nothing after it. The log is append-only and every commit is synced before it
// is acknowledged, so copying what the file holds and stopping at the last commit gives a
// consistent state without the directory's lock: a backup can be taken while a server writes.

// BackupInfo describes a backup: how many bytes and transactions it holds.
type BackupInfo struct {
	Bytes int64
	Tx    int64
}

// Backup copies the log of data directory dir, up to its last commit, into a new file at path
// (written beside it and renamed into place once synced), checking every record on the way. It
// takes no lock: the directory may be in use. A damaged log (a bad record that acknowledged writes
// follow) or one with no transaction is an error, and no file is left at path.
func Backup(dir, path string) (*BackupInfo, error) {
	src, err := os.Open(filepath.Join(dir, walFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("data directory %s has no write-ahead log to back up", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".backup-*")
	if err != nil {
		return nil, dirError(filepath.Dir(path), err)
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	defer tmp.Close()
	// Copy and check in one pass; what follows the last commit (a write in progress) is cut off
	// the copy afterwards.
	var werr error
	sc, err := scanLog(io.TeeReader(io.LimitReader(src, fi.Size()), writerFunc(func(p []byte) (int, error) {
		if werr != nil {
			return 0, werr
		}
		var n int
		n, werr = tmp.Write(p)
		return n, werr
	})), func(int64, []op) {})
	if err == nil && werr != nil {
		err = werr
	}
	if err != nil {
		return nil, dirError(filepath.Dir(path), err)
	}
	if sc.damaged() {
		return nil, fmt.Errorf("the write-ahead log of %s is damaged (%s): it cannot be backed up whole; "+
			"stop diplograph and see `diplograph repair --dry-run --data-dir %s`", dir, sc.describe(), dir)
	}
	if sc.tx == 0 {
		return nil, fmt.Errorf("the write-ahead log of %s holds no write yet: nothing to back up", dir)
	}
	if err := tmp.Truncate(sc.good); err != nil {
		return nil, dirError(filepath.Dir(path), err)
	}
	if err := tmp.Sync(); err != nil {
		return nil, dirError(filepath.Dir(path), err)
	}
	if err := tmp.Close(); err != nil {
		return nil, dirError(filepath.Dir(path), err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return nil, err
	}
	if err := syncDir(filepath.Dir(path)); err != nil {
		return nil, dirError(filepath.Dir(path), err)
	}
	return &BackupInfo{Bytes: sc.good, Tx: sc.tx}, nil
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// Restore makes data directory dir (created if needed) hold the backup at path: it checks every
// record of the backup, copies it in as the log, and records it in the manifest as closed
// cleanly. A dir in use, or one that holds data, is refused: restore into a new directory. A
// backup that is damaged or cut short is refused, and dir is left as it was.
func Restore(dir, path string) (*BackupInfo, error) {
	src, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("backup: %w", err)
	}
	defer src.Close()
	sc, err := scanLog(src, func(int64, []op) {})
	if err != nil {
		return nil, fmt.Errorf("backup %s: %w", path, err)
	}
	if sc.bad >= 0 || sc.end != sc.good || sc.tx == 0 {
		return nil, fmt.Errorf("backup %s is not a whole backup: %s; nothing was restored", path, sc.describe())
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, dirError(dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	man, err := readManifest(dir)
	if err != nil {
		return nil, err
	}
	fi, statErr := os.Stat(filepath.Join(dir, walFile))
	if man != nil || statErr == nil && fi.Size() > 0 {
		return nil, fmt.Errorf("data directory %s holds data: restore into a new directory (or move this one away first); nothing was restored", dir)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	tmp := filepath.Join(dir, walFile+".restore")
	os.Remove(tmp)
	if err := writeFileSynced(tmp, io.LimitReader(src, sc.good)); err != nil {
		return nil, dirError(dir, err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, walFile)); err != nil {
		os.Remove(tmp)
		return nil, dirError(dir, err)
	}
	m := newManifest(nil)
	m.Clean, m.Size, m.Tx = true, sc.good, sc.tx
	if err := writeManifest(dir, m); err != nil {
		return nil, dirError(dir, err)
	}
	return &BackupInfo{Bytes: sc.good, Tx: sc.tx}, nil
}
