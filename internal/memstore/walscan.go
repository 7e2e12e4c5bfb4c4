package memstore

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// scan is what reading a log found: the committed transactions up to the first problem, and
// what lies after them.
type scan struct {
	good int64 // end of the last commit before the first problem: a repair keeps [0, good)
	tx   int64 // the last transaction committed before it
	end  int64 // bytes read: the log's length

	bad      int64  // offset of the first bad record, -1 if none
	badWhy   string // what is wrong with it
	mismatch bool   // a valid commit line counted other ops than the log holds

	// After good: the transactions whose records could be read, oldest first, and how many
	// records could not.
	dropped  []DroppedTx
	badLines int
}

// DroppedTx is a transaction found after the point where a log stops being sound.
type DroppedTx struct {
	Tx        int64
	Committed bool        // acknowledged: its commit line is there, or the manifest says so (Repair)
	Ops       int         // records of it that could be read
	Changes   []kg.Change // the audit records among them: who wrote what
}

// committedAfter counts the acknowledged transactions among the dropped ones.
func (sc *scan) committedAfter() int {
	n := 0
	for _, d := range sc.dropped {
		if d.Committed {
			n++
		}
	}
	return n
}

// damaged reports whether acknowledged writes follow the first problem: that is not what a
// crash leaves.
func (sc *scan) damaged() bool { return sc.mismatch || sc.committedAfter() > 0 }

// describe says in a clause where the log stops being sound and what follows.
func (sc *scan) describe() string {
	var b strings.Builder
	switch {
	case sc.bad >= 0:
		fmt.Fprintf(&b, "the record at byte %d %s", sc.bad, sc.badWhy)
	case sc.end > sc.good:
		fmt.Fprintf(&b, "it ends at byte %d with %d bytes of a transaction that has no commit", sc.end, sc.end-sc.good)
	default:
		fmt.Fprintf(&b, "it ends at byte %d after transaction %d", sc.end, sc.tx)
	}
	if n := sc.committedAfter(); n > 0 {
		fmt.Fprintf(&b, ", and %d acknowledged transaction(s) follow it", n)
	}
	return b.String()
}

// scanLog reads a log from r, calling apply with each transaction committed before the first
// problem (a record that fails its checksum or is cut short, a commit that does not match its
// ops), and then reads on to learn what follows it. Only an error reading r fails it.
func scanLog(r io.Reader, apply func(tx int64, ops []op)) (*scan, error) {
	sc := &scan{bad: -1}
	br := bufio.NewReaderSize(r, 1<<20)
	var (
		off     int64
		pending []op
		txOf    int64
		sound   = true // no problem found yet
	)
	drop := func(tx int64) *DroppedTx {
		if n := len(sc.dropped); n > 0 && sc.dropped[n-1].Tx == tx {
			return &sc.dropped[n-1]
		}
		sc.dropped = append(sc.dropped, DroppedTx{Tx: tx})
		return &sc.dropped[len(sc.dropped)-1]
	}
	keep := func(d *DroppedTx, o *op) {
		d.Ops++
		if o.Change != nil {
			d.Changes = append(d.Changes, *o.Change)
		}
	}
	// unsound records the first problem; the ops read since the last commit are dropped too.
	unsound := func(at int64, why string) {
		sound = false
		sc.bad, sc.badWhy = at, why
		for i := range pending {
			keep(drop(txOf), &pending[i])
		}
		pending = nil
	}
	for {
		line, err := br.ReadBytes('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, err
		}
		if len(line) == 0 {
			break
		}
		start := off
		off += int64(len(line))
		rec, ok := parseLine(line)
		switch {
		case !sound && ok && rec.Op != nil:
			keep(drop(rec.Tx), rec.Op)
		case !sound && ok:
			drop(rec.Tx).Committed = true
		case !sound:
			sc.badLines++
		case !ok && line[len(line)-1] != '\n':
			unsound(start, "is cut short (the log ends inside it)")
			sc.badLines++
		case !ok:
			unsound(start, "fails its checksum")
			sc.badLines++
		case rec.Op != nil:
			if len(pending) > 0 && rec.Tx != txOf {
				// A transaction without its commit, which a failed write left and could not cut:
				// it was never acknowledged.
				pending = pending[:0]
			}
			txOf = rec.Tx
			pending = append(pending, *rec.Op)
		case rec.Tx == txOf && *rec.Commit == len(pending) || *rec.Commit == 0 && len(pending) == 0:
			apply(rec.Tx, pending)
			pending = nil
			sc.good, sc.tx = off, rec.Tx
		default:
			read := len(pending)
			if rec.Tx != txOf {
				read = 0
			}
			sc.mismatch = true
			unsound(start, fmt.Sprintf("commits transaction %d with %d ops, but %d were read", rec.Tx, *rec.Commit, read))
			drop(rec.Tx).Committed = true
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	for i := range pending {
		keep(drop(txOf), &pending[i])
	}
	sc.end = off
	return sc, nil
}
