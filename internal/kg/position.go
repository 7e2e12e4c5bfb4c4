package kg

// Position is a place in the order of a list (ListQuery.Sort, then id): the values of the sort
// fields of one entity or source, index for index (nil for a missing one), and its id. A list page
// bounded by a Position (ListQuery.After, ListQuery.Before) starts or ends there whatever was
// added or removed since, which an offset cannot do; the entity it was taken from need not exist
// any more.
type Position struct {
	Keys []any
	ID   string
}

// EntitySortValue returns the value of field of e that lists sort by, nil when e lacks it: id,
// name, description (an empty one is missing), aliases (an empty list is missing) or a property.
func EntitySortValue(e *Entity, field string) any {
	switch field {
	case "id":
		return e.ID
	case "name":
		return e.Name
	case "description":
		if e.Description == "" {
			return nil
		}
		return e.Description
	case "aliases":
		if len(e.Aliases) == 0 {
			return nil
		}
		return e.Aliases
	}
	return e.Properties[field]
}

// SourceSortValue returns the value of field of src that lists sort by, nil when src lacks it:
// id, title, publisher, published or url (empty strings are missing); any other field is missing.
func SourceSortValue(src *Source, field string) any {
	var v string
	switch field {
	case "id":
		v = src.ID
	case "title":
		v = src.Title
	case "publisher":
		v = src.Publisher
	case "published":
		v = src.Published
	case "url":
		if src.URL != nil {
			v = *src.URL
		}
	}
	if v == "" {
		return nil
	}
	return v
}

// EntityPosition returns the position of e in a list sorted by sort.
func EntityPosition(e *Entity, sort []SortField) Position {
	p := Position{Keys: make([]any, len(sort)), ID: e.ID}
	for i, f := range sort {
		p.Keys[i] = EntitySortValue(e, f.Field)
	}
	return p
}

// SourcePosition returns the position of src in a list sorted by sort.
func SourcePosition(src *Source, sort []SortField) Position {
	p := Position{Keys: make([]any, len(sort)), ID: src.ID}
	for i, f := range sort {
		p.Keys[i] = SourceSortValue(src, f.Field)
	}
	return p
}
