package neo4jstore

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/neo4j/neo4j-go-driver/v5/neo4j"
)

// Rows are read by name. Every statement returns named columns whose values are map projections
// (RETURN n {.id, .name} AS entity, {type: type(r), ...} AS relation), and the functions here read
// them: a key that is missing, null where a value is needed, or of another type than the reader
// expects fails the call with a *rowError naming the row, the key and both types. Such a row means
// that a statement and its reader disagree, a bug: mapErrorAt turns it into CodeInternal (the
// detail goes to the log), and no row is ever skipped.

// rowError says that Neo4j returned a row the store cannot read.
type rowError struct {
	path string // where in the answer: "entity.aliases[2]"
	msg  string
}

func (e *rowError) Error() string { return "row " + e.path + ": " + e.msg }

// decoder keeps the first error of reading one answer, as bufio.Scanner does, so that a reader is
// written as a list of fields, like the projection it reads, and checks the error once.
type decoder struct{ err error }

func (d *decoder) fail(path, format string, args ...any) {
	if d.err == nil {
		d.err = &rowError{path: path, msg: fmt.Sprintf(format, args...)}
	}
}

// row is one map of an answer: a record, or a map projection inside one. Where it is (for
// messages) is kept as a link to the row it is in, and spelt out only when a read fails, so that
// reading a row that fits allocates nothing for its name.
type row struct {
	d    *decoder
	up   *row   // the row this one is a value of; nil for a record
	name string // its key in up, or what it is when up is nil ("record", "node 4:...")
	at   int    // 1 + its index in the list at name; 0 when it is not in a list
	m    map[string]any
}

// record returns the columns of rec as a row.
func (d *decoder) record(rec *neo4j.Record) row {
	m := make(map[string]any, len(rec.Keys))
	for i, k := range rec.Keys {
		if i < len(rec.Values) {
			m[k] = rec.Values[i]
		}
	}
	return row{d: d, name: "record", m: m}
}

// path is where r is in the answer: "record.entity.aliases[2]".
func (r row) path() string {
	s := r.name
	if r.up != nil {
		s = r.up.path() + "." + s
	}
	if r.at > 0 {
		s += "[" + strconv.Itoa(r.at-1) + "]"
	}
	return s
}

// key is path's child key, for messages.
func (r row) key(k string) string { return r.path() + "." + k }

// need returns the value of key as a T; a missing key, a null or another type is an error.
func need[T any](r row, k string) T {
	var zero T
	v, ok := r.m[k]
	switch {
	case !ok:
		r.d.fail(r.key(k), "missing (the row has %s)", keysOf(r.m))
	case v == nil:
		r.d.fail(r.key(k), "null, want %T", zero)
	default:
		t, ok := v.(T)
		if !ok {
			r.d.fail(r.key(k), "%T, want %T", v, zero)
		}
		return t
	}
	return zero
}

// maybe returns the value of key as a T, or T's zero value when the key is missing or null; a
// value of another type is an error.
func maybe[T any](r row, k string) T {
	var zero T
	v, ok := r.m[k]
	if !ok || v == nil {
		return zero
	}
	t, ok := v.(T)
	if !ok {
		r.d.fail(r.key(k), "%T, want %T", v, zero)
	}
	return t
}

// sub returns the map of key as a row (an empty one when it is missing or null and !required).
func (r row) sub(k string, required bool) row {
	var m map[string]any
	if required {
		m = need[map[string]any](r, k)
	} else {
		m = maybe[map[string]any](r, k)
	}
	return row{d: r.d, up: &r, name: k, m: m}
}

// rows returns the list of key, which must hold maps, as rows (none when it is missing or null).
func (r row) rows(k string) []row {
	list := maybe[[]any](r, k)
	out := make([]row, 0, len(list))
	up := &r
	for i, v := range list {
		m, ok := v.(map[string]any)
		if !ok {
			r.d.fail(row{up: up, name: k, at: i + 1}.path(), "%T, want a map", v)
			return nil
		}
		out = append(out, row{d: r.d, up: up, name: k, at: i + 1, m: m})
	}
	return out
}

// strings returns the list of key, which must hold strings, nil when it is missing, null or empty.
func (r row) strings(k string) []string {
	return elems[string](r, k, maybe[[]any](r, k))
}

// elems returns the elements of list, the value of key in r, which must all be Ts.
func elems[T any](r row, k string, list []any) []T {
	if len(list) == 0 {
		return nil
	}
	out := make([]T, len(list))
	for i, v := range list {
		t, ok := v.(T)
		if !ok {
			var zero T
			r.d.fail(row{up: &r, name: k, at: i + 1}.path(), "%T, want %T", v, zero)
			return nil
		}
		out[i] = t
	}
	return out
}

// keysOf lists m's keys, for messages.
func keysOf(m map[string]any) string {
	if len(m) == 0 {
		return "no keys"
	}
	return "keys " + strings.Join(slices.Sorted(maps.Keys(m)), ", ")
}

// isRowError reports whether err is a row the store could not read.
func isRowError(err error) bool {
	var re *rowError
	return errors.As(err, &re)
}
