package kg

import "time"

// ValidDate reports whether s is an ISO 8601 calendar date, possibly partial: "2010", "2022-07"
// or "2022-12-01".
func ValidDate(s string) bool {
	for _, layout := range []string{"2006", "2006-01", "2006-01-02"} {
		if len(s) == len(layout) {
			if _, err := time.Parse(layout, s); err == nil {
				return true
			}
		}
	}
	return false
}
