package memstore

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// The write-ahead log is one append-only file, wal.jsonl, in the data directory. Every write is a
// transaction of lines, one per op, then a commit line that counts them:
//
//	<crc> {"tx":7,"op":{"entity":{...}}}
//	<crc> {"tx":7,"op":{"change":{...}}}
//	<crc> {"tx":7,"commit":2}
//
// where <crc> is the CRC-32C of the JSON, in 8 hex digits. A write is acknowledged only after its
// commit line is written and the file synced (fsync), so a crash (kill -9, power loss) loses at most
// writes that were never acknowledged.
//
// A manifest (manifest.go) beside the log says that the directory holds data, and whether the
// last process closed the log cleanly, at which size and transaction. On open the log is scanned
// (walscan.go) and its committed transactions applied; then:
//   - after a clean close, the log must end exactly where the manifest says: any damage or any
//     missing byte is damage to acknowledged writes, and Open refuses to start;
//   - after a crash, bytes after the last commit that no later commit follows are a write the
//     crash cut short (never acknowledged): they are cut off, kept in a wal.torn-* file, and
//     reported (Store.Recovered) so the caller can log them; a bad record followed by a valid
//     commit is damage, and Open refuses to start;
//   - a manifest with an empty or missing log refuses to start instead of seeding anew.
//
// The refusal says to run `diplograph repair` (repair.go) or restore a backup (backup.go). A file
// LOCK, held with flock, keeps a second process off the directory.

const (
	walFile  = "wal.jsonl"
	lockFile = "LOCK"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// wal is an open write-ahead log. Its methods are called under Store.wmu, or before the store is
// shared.
type wal struct {
	dir  string
	f    *os.File
	lock *os.File
	out  io.Writer // f, or a test's fault-injecting wrapper of it
	w    *bufio.Writer
	size int64 // bytes of committed transactions: the file is never longer between writes
	tx   int64 // number of the last transaction
	man  *manifest
	// broken is set when a failed append could not be undone; every later append fails with it.
	broken error
}

type walLine struct {
	Tx     int64 `json:"tx"`
	Op     *op   `json:"op,omitempty"`
	Commit *int  `json:"commit,omitempty"`
}

// Recovery is what Open dropped from the end of the log: a write a crash cut short, which was
// never acknowledged.
type Recovery struct {
	At      int64  // byte offset where the dropped bytes started (the end of the last commit)
	Bytes   int64  // how many bytes were dropped
	SavedTo string // the file that keeps a copy of them
}

// Open returns a store that keeps its data in dir: it creates dir if needed, takes its lock, and
// replays the write-ahead log. Fresh reports afterwards whether dir held no data; Recovered what
// a crash left at the end of the log and Open dropped. A dir another process uses, a damaged log,
// a dir that held data but lost its log, or a full disk is an error saying what to do.
func Open(dir string) (*Store, error) {
	l, err := openLog(dir)
	if err != nil {
		return nil, err
	}
	s := New()
	// One copy, before the store is shared: the first write makes the other (Store.publish).
	rec, err := l.replay(s.cur.Load().apply)
	if err == nil {
		err = l.markOpen()
	}
	if err != nil {
		l.release()
		return nil, err
	}
	l.w = bufio.NewWriterSize(l.out, 256<<10)
	s.log = l
	s.fresh = l.man == nil
	s.recovered = rec
	return s, nil
}

// openLog creates dir if needed, takes its lock and opens its log and manifest.
func openLog(dir string) (*wal, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, dirError(dir, err)
	}
	lock, err := lockDir(dir)
	if err != nil {
		return nil, err
	}
	man, err := readManifest(dir)
	if err != nil {
		lock.Close()
		return nil, err
	}
	path := filepath.Join(dir, walFile)
	fi, statErr := os.Stat(path)
	// A repair that had to drop every transaction leaves an empty log, closed cleanly at 0.
	repairedEmpty := man != nil && man.Clean && man.Size == 0 && statErr == nil
	if man != nil && (statErr != nil || fi.Size() == 0) && !repairedEmpty {
		lock.Close()
		what := "is empty"
		if statErr != nil {
			what = "is missing"
		}
		return nil, fmt.Errorf("data directory %s held data (its %s, written %s, says so) but its write-ahead log %s %s: "+
			"the data is not there, so diplograph will not start on it (nor load the built-in dataset over it). "+
			"Restore the directory from a backup (diplograph restore --data-dir %s FILE), or move the directory away to start afresh",
			dir, manifestFile, man.Created, walFile, what, dir)
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		lock.Close()
		return nil, dirError(dir, err)
	}
	if os.IsNotExist(statErr) {
		// Make the new file's name durable too.
		if err := syncDir(dir); err != nil {
			f.Close()
			lock.Close()
			return nil, dirError(dir, err)
		}
	}
	return &wal{dir: dir, f: f, lock: lock, out: f, man: man}, nil
}

// lockDir takes dir's LOCK file, which keeps a second process off the directory.
func lockDir(dir string) (*os.File, error) {
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, dirError(dir, err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("data directory %s is in use by another diplograph process (%w): stop it, or use another --data-dir", dir, err)
	}
	return lock, nil
}

// Fresh reports whether Open found no data in the directory (a new or empty data dir), so the
// caller may seed it. It is false for stores not made by Open.
func (s *Store) Fresh() bool { return s.fresh }

// Recovered returns what Open dropped from the end of the log (a write a crash cut short, never
// acknowledged), or nil if it dropped nothing. The caller should log it as a warning.
func (s *Store) Recovered() *Recovery { return s.recovered }

// Persistent reports whether the store keeps its writes in a data directory.
func (s *Store) Persistent() bool { return s.log != nil }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replay applies every committed transaction of the log with apply, decides from the manifest
// whether what follows the last commit is a torn write or damage, and cuts a torn write off.
func (l *wal) replay(apply func([]op)) (*Recovery, error) {
	if _, err := l.f.Seek(0, io.SeekStart); err != nil {
		return nil, dirError(l.dir, err)
	}
	fi, err := l.f.Stat()
	if err != nil {
		return nil, dirError(l.dir, err)
	}
	// Read no further than the file's size: nothing appends while Open holds the lock.
	sc, err := scanLog(io.LimitReader(l.f, fi.Size()), func(_ int64, ops []op) { apply(ops) })
	if err != nil {
		return nil, dirError(l.dir, err)
	}
	l.size, l.tx = sc.good, sc.tx
	if l.man != nil && l.man.Clean {
		if sc.good != l.man.Size || sc.tx != l.man.Tx || sc.end != sc.good {
			return nil, l.damaged(sc, fmt.Sprintf("it was closed cleanly at byte %d after transaction %d, but %s",
				l.man.Size, l.man.Tx, sc.describe()))
		}
		return nil, nil
	}
	if sc.damaged() {
		return nil, l.damaged(sc, sc.describe())
	}
	if sc.end == sc.good {
		return nil, nil
	}
	// A crash cut the last write short: keep a copy of its bytes, then cut them off.
	rec := &Recovery{At: sc.good, Bytes: sc.end - sc.good}
	saved, err := l.saveTail(sc.good)
	if err != nil {
		return nil, dirError(l.dir, err)
	}
	rec.SavedTo = saved
	if err := l.cut(sc.good); err != nil {
		return nil, dirError(l.dir, err)
	}
	return rec, nil
}

// damaged is the error Open returns for a log whose acknowledged writes are damaged.
func (l *wal) damaged(sc *scan, what string) error {
	return fmt.Errorf("the write-ahead log %s is damaged: %s. Acknowledged writes would be lost, so diplograph will not start on it. "+
		"Restore the directory from a backup (diplograph restore), or run `diplograph repair --dry-run --data-dir %s` "+
		"to see what a repair would drop and `diplograph repair --data-dir %s` to drop it (it keeps a copy of the damaged log)",
		filepath.Join(l.dir, walFile), what, l.dir, l.dir)
}

// saveTail copies the log from offset at to its end into a new wal.torn-* file and returns its
// path.
func (l *wal) saveTail(at int64) (string, error) {
	name := filepath.Join(l.dir, "wal.torn-"+time.Now().UTC().Format("20060102T150405.000000000Z"))
	if _, err := l.f.Seek(at, io.SeekStart); err != nil {
		return "", err
	}
	if err := writeFileSynced(name, l.f); err != nil {
		return "", err
	}
	return name, syncDir(l.dir)
}

// writeFileSynced writes r into a new file at path and syncs it.
func writeFileSynced(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o640)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}

// markOpen records in the manifest, before any write, that the log is open: until a clean
// close, a crash may leave a torn write at its end. A dir without a manifest but with a log
// (written before manifests existed) gets one now.
func (l *wal) markOpen() error {
	if l.man == nil && l.size == 0 {
		return nil // a new dir: the first commit writes the manifest
	}
	m := newManifest(l.man)
	m.Clean, m.Size, m.Tx = false, l.size, l.tx
	if err := writeManifest(l.dir, m); err != nil {
		return dirError(l.dir, err)
	}
	l.man = m
	return nil
}

// cut truncates the log to size (the end of the last committed transaction) and syncs it.
func (l *wal) cut(size int64) error {
	fi, err := l.f.Stat()
	if err != nil {
		return err
	}
	if fi.Size() != size {
		if err := l.f.Truncate(size); err != nil {
			return err
		}
		if err := l.f.Sync(); err != nil {
			return err
		}
	}
	l.size = size
	_, err = l.f.Seek(size, io.SeekStart)
	return err
}

// parseLine checks and decodes one line ("<crc> <json>\n").
func parseLine(line []byte) (walLine, bool) {
	var rec walLine
	if len(line) < 10 || line[8] != ' ' || line[len(line)-1] != '\n' {
		return rec, false
	}
	var sum [4]byte
	if _, err := hex.Decode(sum[:], line[:8]); err != nil {
		return rec, false
	}
	body := line[9 : len(line)-1]
	if crc32.Checksum(body, castagnoli) != uint32(sum[0])<<24|uint32(sum[1])<<16|uint32(sum[2])<<8|uint32(sum[3]) {
		return rec, false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&rec); err != nil || (rec.Op == nil) == (rec.Commit == nil) {
		return rec, false
	}
	if rec.Op != nil {
		if e := rec.Op.Entity; e != nil {
			e.Properties = kg.NormalizeProps(e.Properties)
			kg.NormalizeClaims(e.Claims)
		}
		if r := rec.Op.Relation; r != nil {
			r.Properties = kg.NormalizeProps(r.Properties)
			kg.NormalizeClaims(r.Claims)
		}
	}
	return rec, true
}

// append writes ops as one transaction and syncs the file; the first transaction of a new dir
// also writes the manifest that marks the dir as holding data. On failure it cuts what it wrote,
// so the log ends with the last committed transaction again; if even that fails, the log is
// broken and refuses every later write (a restart replays it and cuts the torn tail).
func (l *wal) append(ops []op) error {
	if l.broken != nil {
		return l.broken
	}
	tx := l.tx + 1
	err := l.writeTx(tx, ops)
	if err == nil {
		err = l.f.Sync()
	}
	var pos int64
	if err == nil {
		pos, err = l.f.Seek(0, io.SeekCurrent)
	}
	if err == nil && l.man == nil {
		m := newManifest(nil)
		m.Size, m.Tx = pos, tx
		if err = writeManifest(l.dir, m); err == nil {
			l.man = m
		}
	}
	if err != nil {
		l.w.Reset(l.out)
		if cerr := l.cut(l.size); cerr != nil {
			l.broken = fmt.Errorf("the write-ahead log could not be repaired after a failed write (%v); restart diplograph", cerr)
		}
		return dirError(l.dir, err)
	}
	l.size, l.tx = pos, tx
	return nil
}

func (l *wal) writeTx(tx int64, ops []op) error {
	var buf bytes.Buffer
	line := func(rec walLine) error {
		buf.Reset()
		if err := json.NewEncoder(&buf).Encode(rec); err != nil {
			return err
		}
		body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
		var hdr [9]byte
		sum := crc32.Checksum(body, castagnoli)
		hex.Encode(hdr[:8], []byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
		hdr[8] = ' '
		if _, err := l.w.Write(hdr[:]); err != nil {
			return err
		}
		if _, err := l.w.Write(body); err != nil {
			return err
		}
		return l.w.WriteByte('\n')
	}
	for i := range ops {
		if err := line(walLine{Tx: tx, Op: &ops[i]}); err != nil {
			return err
		}
	}
	n := len(ops)
	if err := line(walLine{Tx: tx, Commit: &n}); err != nil {
		return err
	}
	return l.w.Flush()
}

// close closes the log, records a clean close in the manifest (unless a write broke the log),
// and releases the directory.
func (l *wal) close() error {
	err := l.f.Close()
	if err == nil && l.broken == nil && l.man != nil {
		m := newManifest(l.man)
		m.Clean, m.Size, m.Tx = true, l.size, l.tx
		err = writeManifest(l.dir, m)
	}
	if lerr := l.lock.Close(); err == nil {
		err = lerr
	}
	if err != nil {
		return dirError(l.dir, err)
	}
	return nil
}

// release closes the log without touching the manifest (Open failed).
func (l *wal) release() {
	l.f.Close()
	l.lock.Close()
}
