package neo4jstore

import (
	"bufio"
	"cmp"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
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
// EnsureSchema (which `diplograph serve` runs) creates the constraints and indexes. Nodes and
// relationships are written at once, by two goroutines.
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
	nodes := &importWriter{dir: dir, prefix: "nodes", files: map[string]*importFile{}}
	rels := &importWriter{dir: dir, prefix: "relationships", files: map[string]*importFile{}}
	var wg sync.WaitGroup
	var nodesErr error
	wg.Go(func() { nodesErr = nodes.nodes(ctx, plan, st) })
	relsErr := rels.relationships(plan)
	wg.Wait()
	for _, w := range []*importWriter{nodes, rels} {
		if err := w.close(); err != nil && relsErr == nil {
			relsErr = err
		}
	}
	if err := cmp.Or(nodesErr, relsErr); err != nil {
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

// nodes writes the change log, the load's change, the sources and the entities of plan.
func (w *importWriter) nodes(ctx context.Context, plan *kg.Plan, st kg.ImportStats) error {
	now := timeNow()
	changeLog := map[string]any{keyID: "changes", "seq": bulkSeq, "lockedAt": importDateTime(now.UTC().Format(time.RFC3339Nano)),
		keyTitlesIndexed: true, keyWordsIndexed: true}
	if err := w.node("changelog", "ChangeLog", []any{"ChangeLog"}, changeLog, false); err != nil {
		return err
	}
	change := map[string]any{"seq": bulkSeq, "at": kg.ChangeTime(now), "actor": kg.Actor(ctx),
		"action": kg.ActionImport, "summary": kg.ImportSummary(st)}
	if err := w.node("change", "Change", []any{"Change"}, change, false); err != nil {
		return err
	}
	for _, src := range plan.Sources {
		props := sourceProps(src)
		props[keyCreatedIn] = bulkSeq
		if err := w.node("source", "Source", []any{"Source"}, props, true); err != nil {
			return err
		}
	}
	titles := bulkTitles(plan)
	apply := plan.ApplyOptions(false, nil) // an empty database: every source is in the bundle
	words := map[string]struct{}{}
	for _, ew := range plan.Entities {
		next, _ := kg.ApplyEntity(nil, ew, apply)
		props, err := entityProps(next, titles[next.ID])
		if err != nil {
			return err
		}
		props[keyCreatedIn] = bulkSeq
		searchWordsOf(words, props[keySearchKeys].([]any))
		label := next.Kind.Label()
		if err := w.node("entity-"+strings.ToLower(label), "Entity", []any{"Entity", label}, props, true); err != nil {
			return err
		}
	}
	return w.searchWords(words)
}

// relationships writes the relations of plan.
func (w *importWriter) relationships(plan *kg.Plan) error {
	apply := plan.ApplyOptions(false, nil)
	for _, r := range plan.Relations {
		next, _ := kg.ApplyRelation(nil, r, apply)
		props, err := relationProps(next)
		if err != nil {
			return err
		}
		props[keyCreatedIn] = bulkSeq
		if err := w.relationship(next, props); err != nil {
			return err
		}
	}
	return nil
}

// importWriter writes the import files: one per kind of row and set of property keys and types,
// since a file's header names its columns.
type importWriter struct {
	dir    string
	prefix string                 // of its files' names, apart from the other writer's
	files  map[string]*importFile // by header signature
	list   []*importFile          // in the order created
	err    error
	keys   []string // scratch of file
	sig    []byte   // scratch of file
}

type importFile struct {
	path          string
	f             *os.File
	w             *bufio.Writer
	keys          []string // property columns, in header order
	relationships bool
	multiline     bool
}

// node writes one node of idSpace (a group of ids the importer keeps apart) with labels and
// props. Entities and sources keep their id as the property id.
func (w *importWriter) node(prefix, idSpace string, labels []any, props map[string]any, multiline bool) error {
	idCol := ":ID(" + idSpace + ")"
	id := fmt.Sprint(props["seq"]) // a :Change has no id; its seq is one
	if v, ok := props[keyID].(string); ok {
		idCol, id = keyID+":ID("+idSpace+")", v
	}
	file, err := w.file(prefix, []string{idCol, ":LABEL"}, props, keyID, false, multiline)
	if err != nil {
		return err
	}
	return file.row([]any{id, labels}, props)
}

// relationship writes relation r with props.
func (w *importWriter) relationship(r *kg.Relation, props map[string]any) error {
	file, err := w.file("relation-"+strings.ToLower(r.Type), []string{":START_ID(Entity)", ":END_ID(Entity)", ":TYPE"},
		props, "", true, false)
	if err != nil {
		return err
	}
	return file.row([]any{r.From, r.To, r.Type}, props)
}

// file returns the file for rows whose first columns are fixed and whose other columns are the
// keys of props but skip, sorted, with the types of their values; it creates the file on first
// use. The lookup allocates nothing for a file that exists: rows of one kind share a few shapes.
func (w *importWriter) file(prefix string, fixed []string, props map[string]any, skip string, rels, multiline bool) (*importFile, error) {
	w.keys = w.keys[:0]
	for k := range props {
		if k != skip {
			w.keys = append(w.keys, k)
		}
	}
	slices.Sort(w.keys)
	w.sig = append(append(w.sig[:0], prefix...), 0)
	for _, k := range w.keys {
		t, err := columnType(props[k])
		if err != nil {
			return nil, badInput("property %q: %v", k, err)
		}
		w.sig = append(append(append(append(w.sig, k...), ':'), t...), ',')
	}
	if f, ok := w.files[string(w.sig)]; ok {
		return f, nil
	}
	header := slices.Clone(fixed)
	for _, col := range strings.Split(strings.TrimSuffix(string(w.sig[len(prefix)+1:]), ","), ",") {
		if col != "" {
			header = append(header, col)
		}
	}
	path := filepath.Join(w.dir, fmt.Sprintf("%s-%03d-%s.csv", w.prefix, len(w.list), prefix))
	osf, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("import files: %w", err)
	}
	f := &importFile{path: path, f: osf, w: bufio.NewWriterSize(osf, 1<<20), keys: slices.Clone(w.keys),
		relationships: rels, multiline: multiline}
	w.files[string(w.sig)] = f
	w.list = append(w.list, f)
	if _, err := f.w.WriteString(strings.Join(header, ",") + "\n"); err != nil {
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
	for _, f := range w.files {
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

// row writes one line: the fixed values, then the values of props in the file's key order. A
// bufio.Writer keeps its first error and returns it from every later write, so the line's last
// write reports any of them.
func (f *importFile) row(fixed []any, props map[string]any) error {
	for i := range len(fixed) + len(f.keys) {
		if i > 0 {
			_ = f.w.WriteByte(',')
		}
		var v any
		if i < len(fixed) {
			v = fixed[i]
		} else {
			v = props[f.keys[i-len(fixed)]]
		}
		s, err := field(v)
		if err != nil {
			return err
		}
		_, _ = f.w.WriteString(s)
	}
	if _, err := f.w.WriteString("\n"); err != nil {
		return fmt.Errorf("import files: %w", err)
	}
	return nil
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

// field returns v as one field of a line: a string quoted, so that an empty string stays one (an
// empty field is no value) and quotes and line breaks inside are kept; a list's elements joined
// by importArrayDelimiter inside one pair of quotes.
func field(v any) (string, error) {
	if list, ok := v.([]any); ok {
		parts := make([]string, len(list))
		for i, e := range list {
			s, err := scalar(e)
			if err != nil {
				return "", err
			}
			parts[i] = s
		}
		return `"` + strings.ReplaceAll(strings.Join(parts, string(importArrayDelimiter)), `"`, `""`) + `"`, nil
	}
	s, err := scalar(v)
	if err != nil {
		return "", err
	}
	switch v.(type) {
	case string, importDateTime:
		return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`, nil
	}
	return s, nil
}

// scalar returns the text of one value, unquoted.
func scalar(v any) (string, error) {
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, importArrayDelimiter) {
			return "", badInput("the text %.40q holds the control character U+%04X, which the offline import uses as its list delimiter", x, importArrayDelimiter)
		}
		return x, nil
	case importDateTime:
		return string(x), nil
	case bool:
		return strconv.FormatBool(x), nil
	case int64:
		return strconv.FormatInt(x, 10), nil
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64), nil
	}
	return "", fmt.Errorf("import files: %T values cannot be written", v)
}
