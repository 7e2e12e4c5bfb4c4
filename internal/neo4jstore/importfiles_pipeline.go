package neo4jstore

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// The import files are written by a pipeline: workers render chunks of items into lines, each
// chunk on its own, and one writer takes the chunks in the order of their items and appends
// their lines to the files. A file is created at its first line, so the files, their names and
// their lines are those a single loop over the items writes, whatever the number of workers.

// importChunk is the lines of a run of items, in order, with the shapes of the files they go to.
type importChunk struct {
	shapes []*importShape // in order of first use
	bySig  map[string]int // index in shapes by signature
	lines  []importLine   // in order
	buf    []byte         // the lines' text
	err    error          // of the item that stopped the chunk; the lines before it stand
	keys   []string       // scratch of line
	sig    []byte         // scratch of line
}

// reset empties c for another run of items, keeping its buffers.
func (c *importChunk) reset() {
	c.shapes, c.lines, c.buf, c.err = c.shapes[:0], c.lines[:0], c.buf[:0], nil
	clear(c.bySig)
}

// importLine is one line of a chunk: its file's shape and where its text ends in the buffer.
type importLine struct{ shape, end int }

// importShape is what a file is keyed by and starts with: its kind of row (prefix) and its
// property columns with their types.
type importShape struct {
	sig, prefix, header string
	keys                []string // property columns, in header order
	multiline           bool
}

// line adds the line of one item: the fixed values (whose columns header names, comma-separated),
// then the values of props but skip in the order of its sorted keys, each file holding the rows
// of one prefix and set of keys and types.
func (c *importChunk) line(prefix, header string, fixed []any, props map[string]any, skip string, multiline bool) error {
	c.keys = c.keys[:0]
	for k := range props {
		if k != skip {
			c.keys = append(c.keys, k)
		}
	}
	slices.Sort(c.keys)
	c.sig = append(append(c.sig[:0], prefix...), 0)
	for _, k := range c.keys {
		t, err := columnType(props[k])
		if err != nil {
			return badInput("property %q: %v", k, err)
		}
		c.sig = append(append(append(append(c.sig, k...), ':'), t...), ',')
	}
	i, ok := c.bySig[string(c.sig)]
	if !ok {
		i = len(c.shapes)
		cols := strings.TrimSuffix(string(c.sig[len(prefix)+1:]), ",")
		if cols != "" {
			header += "," + cols
		}
		c.shapes = append(c.shapes, &importShape{sig: string(c.sig), prefix: prefix, header: header + "\n",
			keys: slices.Clone(c.keys), multiline: multiline})
		c.bySig[c.shapes[i].sig] = i
	}
	keys := c.shapes[i].keys
	var err error
	for j := range len(fixed) + len(keys) {
		if j > 0 {
			c.buf = append(c.buf, ',')
		}
		v := any(nil)
		if j < len(fixed) {
			v = fixed[j]
		} else {
			v = props[keys[j-len(fixed)]]
		}
		if c.buf, err = appendField(c.buf, v); err != nil {
			return err
		}
	}
	c.buf = append(c.buf, '\n')
	c.lines = append(c.lines, importLine{shape: i, end: len(c.buf)})
	return nil
}

// write adds n items to w's files, rendering item i with render into a chunk of per items on
// every core, and appending the chunks' lines in order. It stops at the first error, of an item,
// of a file or of ctx, and returns it.
func (w *importWriter) write(ctx context.Context, n, per int, render func(c *importChunk, i int) error) error {
	if n == 0 {
		return nil
	}
	chunks := (n + per - 1) / per
	workers := min(runtime.GOMAXPROCS(0), chunks)
	type job struct {
		i   int
		out chan *importChunk
	}
	jobs := make(chan job)
	// The chunks under way, in order: a bound on what is held at once.
	pending := make(chan chan *importChunk, 2*workers)
	done := make(chan struct{})
	// Chunks written out are used again, so their buffers are grown once per pipeline.
	free := make(chan *importChunk, cap(pending)+workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				var c *importChunk
				select {
				case c = <-free:
				default:
					c = &importChunk{bySig: map[string]int{}}
				}
				for i := j.i * per; i < min(n, (j.i+1)*per); i++ {
					if c.err = render(c, i); c.err != nil {
						break
					}
				}
				j.out <- c
			}
		})
	}
	go func() {
		defer close(pending)
		defer close(jobs)
		for i := range chunks {
			out := make(chan *importChunk, 1)
			select {
			case pending <- out:
			case <-done:
				return
			}
			select {
			case jobs <- job{i, out}:
			case <-done:
				return
			}
		}
	}()
	var err error
	for out := range pending {
		c := <-out
		if err = ctx.Err(); err == nil {
			err = w.sink(c)
		}
		if err != nil {
			break
		}
		c.reset()
		select {
		case free <- c:
		default:
		}
	}
	close(done)
	wg.Wait()
	return err
}
