package neo4jstore

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

// ImportFiles are the CSV files of a bundle for Neo4j's offline importer (`neo4j-admin database
// import full`), which writes the store files of an empty, stopped database directly: for the
// first load of a large graph it is several times faster than BulkLoad, which sends the same
// graph through transactions. See docs/neo4j-bulk-import.md.
type ImportFiles struct {
	Dir   string
	Stats kg.ImportStats
	// Nodes and Relationships are the files, each holding its header as its first line.
	Nodes, Relationships []string
	// Multiline are the files with values that span lines (searchText, a source's text).
	Multiline []string
}

// importArrayDelimiter separates the elements of a list value (and the labels of a node) in the
// files: a control character no text of a bundle holds (WriteImportFiles refuses one that does).
const importArrayDelimiter = '\x1f'

// AdminArgs returns the arguments of `neo4j-admin` that import f into database (empty: "neo4j"),
// replacing what the database held. The importer fails on the first bad entry.
func (f *ImportFiles) AdminArgs(database string) []string {
	if database == "" {
		database = "neo4j"
	}
	// The database first: each --nodes and --relationships takes every argument after it that is
	// not an option as one of its files.
	args := []string{"database", "import", "full", database, "--overwrite-destination=true",
		"--strict=true", "--bad-tolerance=0", "--skip-bad-relationships=false", "--skip-duplicate-nodes=false",
		fmt.Sprintf("--array-delimiter=U+%04X", importArrayDelimiter),
		"--report-file=" + filepath.Join(f.Dir, "import.report")}
	if len(f.Multiline) > 0 {
		// The v2 format, which names the multiline files, misreads a cell that spans lines at
		// the edge of its 4 MB read buffer ("found CR outside a text cell"): every file is read
		// the v1 way, line breaks allowed in any quoted cell.
		args = append(args, "--multiline-fields=true")
	}
	for _, n := range f.Nodes {
		args = append(args, "--nodes="+n)
	}
	for _, r := range f.Relationships {
		args = append(args, "--relationships="+r)
	}
	return args
}

// WriteImportFiles writes the files that make an empty database hold exactly what one Import of b
// into it would, as BulkLoad writes them (the same checks: a bundle with problems is a
// CodeBadUserInput error and leaves no file), into dir, which it creates. After the import,
// EnsureSchema (which `diplograph serve` runs) creates the constraints and indexes.
//
// The lines are rendered on every core, a chunk of items at a time, and written in the order of
// the items, so the files are the same, byte for byte, whatever the number of cores; at most a
// few chunks per core are held at once (importfiles_pipeline.go).
func WriteImportFiles(ctx context.Context, b *kg.Bundle, dir string) (*ImportFiles, error) {
	plan, st, err := planBulkLoad(ctx, b, false)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("import files: %w", err)
	}
	f := &ImportFiles{Dir: dir, Stats: st}
	if st.Created == 0 {
		return f, nil
	}
	nodes := newImportWriter(dir, "nodes")
	rels := newImportWriter(dir, "relationships")
	err = nodes.nodes(ctx, plan, st)
	if err == nil {
		err = rels.relationships(ctx, plan)
	}
	for _, w := range []*importWriter{nodes, rels} {
		if cerr := w.close(); cerr != nil && err == nil {
			err = cerr
		}
	}
	if err != nil {
		for _, w := range []*importWriter{nodes, rels} {
			w.remove()
		}
		return nil, err
	}
	for _, w := range []*importWriter{nodes, rels} {
		for _, file := range w.list {
			if w == rels {
				f.Relationships = append(f.Relationships, file.path)
			} else {
				f.Nodes = append(f.Nodes, file.path)
			}
			if file.multiline {
				f.Multiline = append(f.Multiline, file.path)
			}
		}
	}
	return f, nil
}

// Items per chunk of the pipeline: an entity's line is about 1 KB, a relation's a few hundred
// bytes, so a chunk is a few MB at most. Variables only so tests can cut chunks small.
var (
	importEntitiesPerChunk  = 2048
	importRelationsPerChunk = 8192
)

// nodes writes the change log, the load's change, the sources and the entities of plan.
func (w *importWriter) nodes(ctx context.Context, plan *kg.Plan, st kg.ImportStats) error {
	now := timeNow()
	changeLog := map[string]any{keyID: "changes", "seq": bulkSeq, "lockedAt": importDateTime(now.UTC().Format(time.RFC3339Nano)),
		keyTitlesIndexed: true, keyWordsIndexed: true, keyLevelsIndexed: true}
	change := map[string]any{"seq": bulkSeq, "at": kg.ChangeTime(now), "actor": kg.Actor(ctx),
		"action": kg.ActionImport, "summary": kg.ImportSummary(st)}
	err := w.write(ctx, 2, 2, func(c *importChunk, i int) error {
		if i == 0 {
			return c.node("changelog", "ChangeLog", []any{"ChangeLog"}, changeLog, false)
		}
		return c.node("change", "Change", []any{"Change"}, change, false)
	})
	if err != nil {
		return err
	}
	err = w.write(ctx, len(plan.Sources), importEntitiesPerChunk, func(c *importChunk, i int) error {
		props := sourceProps(plan.Sources[i])
		props[keyCreatedIn] = bulkSeq
		return c.node("source", "Source", []any{"Source"}, props, true)
	})
	if err != nil {
		return err
	}
	titles := bulkTitles(plan)
	apply := plan.ApplyOptions(false, nil) // an empty database: every source is in the bundle
	words := &importWords{set: map[string]struct{}{}}
	err = w.write(ctx, len(plan.Entities), importEntitiesPerChunk, func(c *importChunk, i int) error {
		next, _ := kg.ApplyEntity(nil, plan.Entities[i], apply)
		props, err := entityProps(next, titles[next.ID])
		if err != nil {
			return err
		}
		props[keyCreatedIn] = bulkSeq
		words.add(props[keySearchKeys].([]any))
		label := next.Kind.Label()
		return c.node("entity-"+strings.ToLower(label), "Entity", []any{"Entity", label}, props, true)
	})
	if err != nil {
		return err
	}
	return w.searchWords(ctx, words.set)
}

// relationships writes the relations of plan.
func (w *importWriter) relationships(ctx context.Context, plan *kg.Plan) error {
	apply := plan.ApplyOptions(false, nil)
	return w.write(ctx, len(plan.Relations), importRelationsPerChunk, func(c *importChunk, i int) error {
		next, _ := kg.ApplyRelation(nil, plan.Relations[i], apply)
		props, err := relationProps(next)
		if err != nil {
			return err
		}
		props[keyCreatedIn] = bulkSeq
		return c.relationship(next, props)
	})
}

// importWriter writes the import files: one per kind of row and set of property keys and types,
// since a file's header names its columns.
type importWriter struct {
	dir    string
	prefix string                 // of its files' names, apart from the other writer's
	files  map[string]*importFile // by header signature
	list   []*importFile          // in the order created
	err    error
}

func newImportWriter(dir, prefix string) *importWriter {
	return &importWriter{dir: dir, prefix: prefix, files: map[string]*importFile{}}
}

type importFile struct {
	path      string
	f         *os.File
	w         *bufio.Writer
	multiline bool
}

// node adds one node of idSpace (a group of ids the importer keeps apart) with labels and props.
// Entities and sources keep their id as the property id.
func (c *importChunk) node(prefix, idSpace string, labels []any, props map[string]any, multiline bool) error {
	if v, ok := props[keyID].(string); ok {
		return c.line(prefix, keyID+":ID("+idSpace+"),:LABEL", []any{v, labels}, props, keyID, multiline)
	}
	// A :Change has no id; its seq is one.
	return c.line(prefix, ":ID("+idSpace+"),:LABEL", []any{fmt.Sprint(props["seq"]), labels}, props, keyID, multiline)
}

// relationship adds relation r with props.
func (c *importChunk) relationship(r *kg.Relation, props map[string]any) error {
	return c.line("relation-"+strings.ToLower(r.Type), ":START_ID(Entity),:END_ID(Entity),:TYPE", []any{r.From, r.To, r.Type},
		props, "", false)
}

// sink writes the lines of c to the files of their shapes, creating a file at its first line, and
// returns c's error.
func (w *importWriter) sink(c *importChunk) error {
	files := make([]*importFile, len(c.shapes))
	for i, sh := range c.shapes {
		f, err := w.file(sh)
		if err != nil {
			return err
		}
		files[i] = f
	}
	start := 0
	for _, l := range c.lines {
		_, _ = files[l.shape].w.Write(c.buf[start:l.end])
		start = l.end
	}
	return c.err
}

// file returns the file of shape sh, which it creates, header first, on first use.
func (w *importWriter) file(sh *importShape) (*importFile, error) {
	if f, ok := w.files[sh.sig]; ok {
		return f, nil
	}
	path := filepath.Join(w.dir, fmt.Sprintf("%s-%03d-%s.csv", w.prefix, len(w.list), sh.prefix))
	osf, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("import files: %w", err)
	}
	f := &importFile{path: path, f: osf, w: bufio.NewWriterSize(osf, 1<<20), multiline: sh.multiline}
	w.files[sh.sig] = f
	w.list = append(w.list, f)
	if _, err := f.w.WriteString(sh.header); err != nil {
		return nil, fmt.Errorf("import files: %w", err)
	}
	return f, nil
}

// remove removes the files of w.
func (w *importWriter) remove() {
	for _, f := range w.list {
		_ = os.Remove(f.path)
	}
}

func (w *importWriter) close() error {
	for _, f := range w.list {
		if f.f == nil {
			continue
		}
		if err := f.w.Flush(); err != nil && w.err == nil {
			w.err = fmt.Errorf("import files: %w", err)
		}
		if err := f.f.Close(); err != nil && w.err == nil {
			w.err = fmt.Errorf("import files: %w", err)
		}
		f.f = nil
	}
	return w.err
}

// importDateTime is a value the importer stores as a DATETIME, written in RFC 3339.
type importDateTime string

// columnType names the importer's type of a stored value (storable's types). An empty list has
// no element type; it is imported as an empty list of strings, which reads back as an empty list.
func columnType(v any) (string, error) {
	switch x := v.(type) {
	case importDateTime:
		return "datetime", nil
	case string:
		return "string", nil
	case bool:
		return "boolean", nil
	case int64:
		return "long", nil
	case float64:
		return "double", nil
	case []any:
		if len(x) == 0 {
			return "string[]", nil
		}
		t, err := columnType(x[0])
		if err != nil || strings.HasSuffix(t, "[]") {
			return "", fmt.Errorf("a list may hold only strings, booleans or numbers")
		}
		return t + "[]", nil
	}
	return "", fmt.Errorf("%T values cannot be stored", v)
}

// appendField appends v as one field of a line: a string quoted, so that an empty string stays one
// (an empty field is no value) and quotes and line breaks inside are kept; a list's elements
// joined by importArrayDelimiter inside one pair of quotes.
func appendField(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case []any:
		b = append(b, '"')
		for i, e := range x {
			if i > 0 {
				b = append(b, importArrayDelimiter)
			}
			var err error
			if b, err = appendScalar(b, e); err != nil {
				return b, err
			}
		}
		return append(b, '"'), nil
	case string, importDateTime:
		b = append(b, '"')
		b, err := appendScalar(b, v)
		return append(b, '"'), err
	}
	return appendScalar(b, v)
}

// appendScalar appends the text of one value, its quotes doubled.
func appendScalar(b []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case string:
		if strings.IndexByte(x, importArrayDelimiter) >= 0 {
			return b, badInput("the text %.40q holds the control character U+%04X, which the offline import uses as its list delimiter", x, importArrayDelimiter)
		}
		return appendQuoted(b, x), nil
	case importDateTime:
		return appendQuoted(b, string(x)), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		return strconv.AppendFloat(b, x, 'g', -1, 64), nil
	}
	return b, fmt.Errorf("import files: %T values cannot be written", v)
}

// appendQuoted appends s with each double quote doubled, as a quoted field holds it.
func appendQuoted(b []byte, s string) []byte {
	for {
		i := strings.IndexByte(s, '"')
		if i < 0 {
			return append(b, s...)
		}
		b = append(append(b, s[:i+1]...), '"')
		s = s[i+1:]
	}
}
