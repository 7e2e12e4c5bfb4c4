package model

import (
	"encoding/json"

	"github.com/diplograph/diplograph/internal/kg"
)

// Change is one entry of the audit trail.
type Change struct{ Change *kg.Change }

// ID returns the change's id.
func (c *Change) ID() string { return c.Change.ID() }

// At returns when the change was made.
func (c *Change) At() string { return c.Change.At }

// Actor returns who made the change.
func (c *Change) Actor() string { return c.Change.Actor }

// Action returns what kind of write made the change.
func (c *Change) Action() string { return c.Change.Action }

// Entity returns the id of the entity or source changed, nil for the summary of an import.
func (c *Change) Entity() *string { return optional(c.Change.Entity) }

// Summary returns what changed.
func (c *Change) Summary() string { return c.Change.Summary }

// Detail returns what undoing the change needs, decoded JSON, or nil.
func (c *Change) Detail() any {
	if c.Change.Detail == "" {
		return nil
	}
	var v any
	if err := json.Unmarshal([]byte(c.Change.Detail), &v); err != nil {
		return c.Change.Detail // not JSON: served as the text it is
	}
	return v
}
