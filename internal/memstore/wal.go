package memstore

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"syscall"

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
// writes that were never acknowledged. On open the log is replayed: transactions with a valid
// commit are applied; what follows the last one (a torn line, a transaction without its commit) is
// what a crash left mid-write, and is cut off. A bad line followed by a valid commit is damage, not
// a crash, and Open refuses to start rather than drop acknowledged writes. A file LOCK, held with
// flock, keeps a second process off the directory.

const (
	walFile  = "wal.jsonl"
	lockFile = "LOCK"
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// wal is an open write-ahead log. Its methods are called under Store.mu.
type wal struct {
	f    *os.File
	lock *os.File
	w    *bufio.Writer
	size int64 // bytes of committed transactions: the file is never longer between writes
	tx   int64 // number of the last transaction
	// broken is set when a failed append could not be undone; every later append fails with it.
	broken error
}

type walLine struct {
	Tx     int64 `json:"tx"`
	Op     *op   `json:"op,omitempty"`
	Commit *int  `json:"commit,omitempty"`
}

// Open returns a store that keeps its data in dir: it creates dir if needed, takes its lock, and
// replays the write-ahead log. Fresh reports afterwards whether dir held no data. A dir another
// process uses, or a damaged log, is an error saying what to do.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	lock, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if err := syscall.Flock(int(lock.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		lock.Close()
		return nil, fmt.Errorf("data directory %s is in use by another diplograph process (%w): stop it, or use another --data-dir", dir, err)
	}
	path := filepath.Join(dir, walFile)
	_, statErr := os.Stat(path)
	f, err := os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		lock.Close()
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	if os.IsNotExist(statErr) {
		// Make the new file's name durable too.
		if err := syncDir(dir); err != nil {
			f.Close()
			lock.Close()
			return nil, fmt.Errorf("data directory %s: %w", dir, err)
		}
	}
	s := New()
	l := &wal{f: f, lock: lock}
	if err := l.replay(s.apply); err != nil {
		f.Close()
		lock.Close()
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	l.w = bufio.NewWriterSize(f, 256<<10)
	s.log = l
	s.fresh = l.tx == 0
	return s, nil
}

// Fresh reports whether Open found no data in the directory (a new or empty data dir), so the
// caller may seed it. It is false for stores not made by Open.
func (s *Store) Fresh() bool { return s.fresh }

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

// replay applies every committed transaction of the log with apply, then cuts the file after the
// last one.
func (l *wal) replay(apply func([]op)) error {
	if _, err := l.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	r := bufio.NewReaderSize(l.f, 1<<20)
	var (
		off     int64 // of the next line
		pending []op
		txOf    int64
	)
	for {
		line, err := r.ReadBytes('\n')
		if errors.Is(err, io.EOF) {
			if len(line) == 0 {
				break
			}
			// A last line without its newline: torn by a crash.
			return l.cut(l.size)
		}
		if err != nil {
			return err
		}
		rec, ok := parseLine(line)
		if !ok {
			return l.cutAfterBadLine(r, off)
		}
		off += int64(len(line))
		switch {
		case rec.Op != nil:
			if len(pending) > 0 && rec.Tx != txOf {
				pending = pending[:0] // a transaction without a commit, which a failed write left
			}
			txOf = rec.Tx
			pending = append(pending, *rec.Op)
		case rec.Commit != nil:
			if rec.Tx == txOf && *rec.Commit == len(pending) || *rec.Commit == 0 && len(pending) == 0 {
				apply(pending)
				pending = nil
				l.size, l.tx = off, rec.Tx
			} else {
				return fmt.Errorf("the write-ahead log is damaged at byte %d: transaction %d commits %d ops, %d were read; "+
					"restore the directory from a backup", off-int64(len(line)), rec.Tx, *rec.Commit, len(pending))
			}
		}
	}
	return l.cut(l.size)
}

// cutAfterBadLine handles a line that is not a valid record at offset bad: if no valid commit
// follows, it is what a crash left and the log is cut after the last commit; otherwise the log is
// damaged and replay fails.
func (l *wal) cutAfterBadLine(r *bufio.Reader, bad int64) error {
	for {
		line, err := r.ReadBytes('\n')
		if rec, ok := parseLine(line); ok && rec.Commit != nil {
			return fmt.Errorf("the write-ahead log is damaged at byte %d, before acknowledged writes: "+
				"restore the directory from a backup", bad)
		}
		if err != nil {
			break
		}
	}
	return l.cut(l.size)
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

// append writes ops as one transaction and syncs the file. On failure it cuts what it wrote, so
// the log ends with the last committed transaction again; if even that fails, the log is broken
// and refuses every later write (a restart replays it and cuts the torn tail).
func (l *wal) append(ops []op) error {
	if l.broken != nil {
		return l.broken
	}
	tx := l.tx + 1
	err := l.writeTx(tx, ops)
	if err == nil {
		err = l.f.Sync()
	}
	if err != nil {
		l.w.Reset(l.f)
		if cerr := l.cut(l.size); cerr != nil {
			l.broken = fmt.Errorf("the write-ahead log could not be repaired after a failed write (%v); restart diplograph", cerr)
		}
		return err
	}
	pos, err := l.f.Seek(0, io.SeekCurrent)
	if err != nil {
		l.broken = err
		return err
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

// close flushes and closes the log and releases the directory.
func (l *wal) close() error {
	err := l.f.Close()
	if lerr := l.lock.Close(); err == nil {
		err = lerr
	}
	return err
}
