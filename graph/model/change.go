package model

import (
	"encoding/json"

	"github.com/diplograph/diplograph/internal/kg"
)

// Change is one entry of the audit trail.
type Change struct{ C *kg.Change }

// ID returns the change's id.
func (c *Change) ID() string { return c.C.ID() }

// At returns when the change was made.
func (c *Change) At() string { return c.C.At }

// Actor returns who made the change.
func (c *Change) Actor() string { return c.C.Actor }

// Action returns what kind of write made the change.
func (c *Change) Action() string { return c.C.Action }

// Entity returns the id of the entity or source changed, nil for the summary of an import.
func (c *Change) Entity() *string { return optional(c.C.Entity) }

// Summary returns what changed.
func (c *Change) Summary() string { return c.C.Summary }

// Detail returns what undoing the change needs, decoded JSON, or nil.
func (c *Change) Detail() any {
	if c.C.Detail == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(c.C.Detail), &v); err != nil {
		return c.C.Detail // not JSON: served as the text it is
	}
	return v
}
