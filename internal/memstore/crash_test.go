package memstore

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// The crash test runs the store in a child process (this test binary, re-run with crashChildEnv
// set), which makes crashWrites writes to a data dir and prints a line for each one it has
// acknowledged (its call returned). The parent kills the child with SIGKILL at a random point,
// opens the dir, and checks that every acknowledged write is there, as written.

const (
	crashChildEnv = "MEMSTORE_CRASH_CHILD" // the data dir the child writes to
	crashRoundEnv = "MEMSTORE_CRASH_ROUND"
	crashBigEnv   = "MEMSTORE_CRASH_BIG" // which write is a large import
	crashWrites   = 1000
	crashRounds   = 8
)

func TestMain(m *testing.M) {
	if dir := os.Getenv(crashChildEnv); dir != "" {
		round, _ := strconv.Atoi(os.Getenv(crashRoundEnv))
		big, _ := strconv.Atoi(os.Getenv(crashBigEnv))
		if err := crashChild(dir, round, big); err != nil {
			fmt.Fprintln(os.Stderr, "crash child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashWrite is write i of a round: the topics it writes. Most writes are one topic, every 7th
// with a long description; write big is an import of 150 topics (about 600 KB), which the log
// writes in several system calls, so that a kill can tear a transaction in the middle.
func crashWrite(round, i, big int) []*kg.Entity {
	n := 1
	if i == big {
		n = 150
	}
	es := make([]*kg.Entity, n)
	for k := range es {
		desc := fmt.Sprintf("round %d write %d.%d", round, i, k)
		if i%7 == 0 || n > 1 {
			desc += " " + strings.Repeat(fmt.Sprintf("padding %d ", i), 300+i%300)
		}
		name := fmt.Sprintf("Crash r%d w%d", round, i)
		if n > 1 {
			name += fmt.Sprintf(" e%d", k)
		}
		es[k] = &kg.Entity{Kind: kg.KindTopic, Name: name, Description: desc, Citations: cite}
	}
	return es
}

func crashChild(dir string, round, big int) error {
	s, err := Open(dir)
	if err != nil {
		return err
	}
	ctx := kg.WithPrincipal(context.Background(), kg.Principal{Role: kg.RoleEditor, Name: "editor:crash", Authenticated: true})
	if s.Fresh() {
		if _, err := s.AddSource(ctx, &kg.Source{ID: cite[0].Source, Title: "Briefing", Text: cite[0].Quote}); err != nil {
			return err
		}
	}
	fmt.Println("ready")
	for i := range crashWrites {
		es := crashWrite(round, i, big)
		if len(es) == 1 {
			_, err = s.UpsertEntity(ctx, es[0])
		} else {
			fmt.Println("begin", i)
			b := &kg.Bundle{}
			for _, e := range es {
				b.Entities = append(b.Entities, *e)
			}
			_, err = s.Import(ctx, b, kg.ImportOptions{})
		}
		if err != nil {
			return err
		}
		fmt.Println("ack", i) // os.Stdout is unbuffered: the parent sees it at once
	}
	if err := s.Close(ctx); err != nil {
		return err
	}
	// Wait for the kill, which may come after the last write (or during Close), so that the parent
	// always finds the child killed rather than exited.
	time.Sleep(time.Hour)
	return nil
}

// TestCrashKeepsAcknowledgedWrites kills a writing child process at random points, round after
// round on one data dir, and checks after each kill that every write it acknowledged, in every
// round so far, is there as written, and nothing else but the one write in flight.
func TestCrashKeepsAcknowledgedWrites(t *testing.T) {
	dir := t.TempDir()
	seed := uint64(time.Now().UnixNano())
	rng := rand.New(rand.NewPCG(seed, 1))
	t.Logf("seed %d", seed)
	acked := map[int][]int{} // round -> writes acknowledged
	bigs := map[int]int{}    // round -> its large write
	inFlight := 0            // topics that may have been committed without their acknowledgment: one write a kill
	var torn int64
	for round := range crashRounds {
		// Odd rounds kill at a random moment after a random number of writes; even rounds while
		// (or just after) the child writes a large import at a random place.
		killAt := rng.IntN(crashWrites) // acknowledgments to wait for before the kill
		big := -1
		if round%2 == 0 {
			big = killAt
		}
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, crashRoundEnv+"="+strconv.Itoa(round), crashBigEnv+"="+strconv.Itoa(big))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(out)
		read := func(stopAt int) {
			for sc.Scan() {
				var i int
				if n, _ := fmt.Sscanf(sc.Text(), "ack %d", &i); n == 1 {
					acked[round] = append(acked[round], i)
					if len(acked[round]) == stopAt {
						return
					}
				} else if n, _ := fmt.Sscanf(sc.Text(), "begin %d", &i); n == 1 && stopAt > 0 {
					return
				}
			}
		}
		read(killAt + 1)
		// Kill a random moment later: inside a write, or between writes. The large import takes
		// about 20 ms here, most of it planning before the log sees a byte.
		wait := 1500 * time.Microsecond
		if big >= 0 {
			wait = 30 * time.Millisecond
		}
		time.Sleep(time.Duration(rng.Int64N(int64(wait))))
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		read(-1) // what the child acknowledged before it died, still in the pipe
		_ = cmd.Wait()
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || ws.Signal() != syscall.SIGKILL {
			t.Fatalf("round %d: the child ended with %v, not by SIGKILL; stderr:\n%s", round, cmd.ProcessState, stderr.String())
		}
		bigs[round] = big
		inFlight += len(crashWrite(round, len(acked[round]), big))

		s, err := Open(dir)
		if err != nil {
			t.Fatalf("round %d: Open after the kill: %v", round, err)
		}
		if r := s.Recovered(); r != nil {
			torn += r.Bytes
		}
		total := 0
		for r := range round + 1 {
			var ids []string
			var want []*kg.Entity
			for _, i := range acked[r] {
				for _, e := range crashWrite(r, i, bigs[r]) {
					want = append(want, e)
					ids = append(ids, kg.NewID(e.Kind, e.Name))
				}
			}
			got, err := s.Entities(t.Context(), ids)
			if err != nil {
				t.Fatal(err)
			}
			for k, e := range got {
				if e == nil {
					t.Fatalf("round %d: acknowledged write %s of round %d is missing after the kill", round, ids[k], r)
				}
				if e.Description != want[k].Description || e.Name != want[k].Name {
					t.Fatalf("round %d: acknowledged write %s of round %d came back as %q, want %q", round, ids[k], r, e.Description, want[k].Description)
				}
			}
			total += len(ids)
		}
		page, err := s.ListEntities(t.Context(), kg.ListQuery{Kind: kg.KindTopic, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total < total || page.Total > total+inFlight {
			t.Errorf("round %d: %d topics after the kill, want the %d acknowledged and at most %d more in flight", round, page.Total, total, inFlight)
		}
		t.Logf("round %d: killed after %d acknowledged writes; %d acknowledged so far, all there; %d topics", round, len(acked[round]), total, page.Total)
		if err := s.Close(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d rounds; %d bytes of torn writes dropped in all", crashRounds, torn)
}
