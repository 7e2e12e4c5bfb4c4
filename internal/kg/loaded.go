package kg

import "slices"

// What a read can be asked to load of an entity (ListQuery.Fields, ExpandQuery.Fields,
// RelationSelect.Fields): these names, or a property key (PropDate, ...). The id, and so the
// kind, is always loaded; so is the name, which every entity has. Of a relation
// (RelationSelect.RelationFields): LoadCitations, LoadClaims or a property key.
const (
	LoadName        = "name"
	LoadAliases     = "aliases"
	LoadDescription = "description"
	LoadCitations   = "citations"
	LoadClaims      = "claims"
)

// Holds reports whether e was loaded with field (a Load* name or a property key): true for
// every field of a whole entity (Loaded nil). A field e does not hold is unknown, not empty.
func (e *Entity) Holds(field string) bool {
	return e.Loaded == nil || field == "id" || field == LoadName || slices.Contains(e.Loaded, field)
}

// Holds reports whether r was loaded with field (a property key, LoadCitations or LoadClaims):
// true for every field of a whole relation (Loaded nil). Its type and ends are always loaded.
func (r *Relation) Holds(field string) bool {
	return r.Loaded == nil || slices.Contains(r.Loaded, field)
}

// Widen returns an entity holding what e or o (the same entity, loaded twice with different
// fields) holds: e itself when it holds everything o holds, else a copy. Neither is changed.
func (e *Entity) Widen(o *Entity) *Entity {
	if e.Loaded == nil || o == nil {
		return e
	}
	if o.Loaded == nil {
		return o
	}
	var add []string
	for _, f := range o.Loaded {
		if !e.Holds(f) {
			add = append(add, f)
		}
	}
	if len(add) == 0 {
		return e
	}
	w := *e
	w.Loaded = append(slices.Clip(e.Loaded), add...)
	w.Properties = make(map[string]any, len(e.Properties)+len(add))
	for k, v := range e.Properties {
		w.Properties[k] = v
	}
	for _, f := range add {
		switch f {
		case LoadAliases:
			w.Aliases = o.Aliases
		case LoadDescription:
			w.Description = o.Description
		case LoadCitations:
			w.Citations = o.Citations
		case LoadClaims:
			w.Claims = o.Claims
		default:
			if v, ok := o.Properties[f]; ok {
				w.Properties[f] = v
			}
		}
	}
	if len(w.Properties) == 0 {
		w.Properties = nil
	}
	return &w
}
