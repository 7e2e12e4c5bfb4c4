package graph

import (
	"encoding/base64"
	"strings"

	"github.com/diplograph/diplograph/graph/model"
)

// The pages of Source.entities and Source.relations are keyset pages: a cursor names the item it
// follows (an entity id, a kg.RelationKey), so a page after it neither repeats nor skips when the
// graph changes between pages.
const citedCursorPrefix = "cited:"

func encodeCitedCursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(citedCursorPrefix + key))
}

func decodeCitedCursor(after *string) (string, error) {
	if after == nil || *after == "" {
		return "", nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(*after)
	if err == nil {
		if key, ok := strings.CutPrefix(string(raw), citedCursorPrefix); ok && key != "" {
			return key, nil
		}
	}
	return "", badInput("after is not a cursor of this list: %q", *after)
}

// citedPageInfo is the PageInfo of a keyset page: one after a cursor has a previous page.
func citedPageInfo(after string, more bool, cursors []string) *model.PageInfo {
	info := &model.PageInfo{HasNextPage: more, HasPreviousPage: after != ""}
	if len(cursors) > 0 {
		info.StartCursor, info.EndCursor = &cursors[0], &cursors[len(cursors)-1]
	}
	return info
}
