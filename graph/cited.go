package graph

import (
	"encoding/base64"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// The pages of Source.entities and Source.relations are keyset pages: a cursor names the item it
// follows (an entity id, a kg.RelationKey), so a page after it neither repeats nor skips when the
// graph changes between pages.
const citedCursorPrefix = "cited:"

func encodeCitedCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(citedCursorPrefix + key))
}

// decodeCitedCursor reads the cursor arg (after or before); "" when c is nil or empty.
func decodeCitedCursor(arg string, c *string) (string, error) {
	if c == nil || *c == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*c)
	if err == nil {
		if key, ok := strings.CutPrefix(string(raw), citedCursorPrefix); ok && key != "" {
			return key, nil
		}
	}
	return "", badInput("%s is not a cursor of this list: %q", arg, *c)
}

// citedArgs checks a cited page's first, after, last and before into q, as readPageArgs checks
// a list's; isKey, when set, checks that a cursor's key is one of this list's.
func citedArgs(q *kg.CitedQuery, first *int, after *string, last *int, before *string, isKey func(string) bool) error {
	if first != nil && last != nil {
		return badInput("give first or last, not both")
	}
	var err error
	if last != nil {
		q.FromEnd = true
		q.Limit, err = limitArg("last", last, DefaultPage)
	} else {
		q.Limit, err = limit(first, DefaultPage)
	}
	if err != nil {
		return err
	}
	for _, c := range []struct {
		arg string
		in  *string
		out *string
	}{{"after", after, &q.After}, {"before", before, &q.Before}} {
		if *c.out, err = decodeCitedCursor(c.arg, c.in); err != nil {
			return err
		}
		if *c.out != "" && isKey != nil && !isKey(*c.out) {
			return badInput("%s is not a cursor of this list: %q", c.arg, *c.in)
		}
	}
	return nil
}
