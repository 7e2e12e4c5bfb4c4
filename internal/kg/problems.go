package kg

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// mergeProblems returns the problems of a bundle's JSON (read, found while decoding it) and
// those planning found (planned), in bundle order: every problem at once. A planned problem at or
// under the path of a problem read is left out: a name of the wrong type is not also missing.
func mergeProblems(read, planned []Problem) []Problem {
	if len(read) == 0 {
		return planned
	}
	out := slices.Clone(read)
	for _, p := range planned {
		if !slices.ContainsFunc(read, func(r Problem) bool { return under(p.Path, r.Path) }) {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return compareProblemPaths(a.Path, b.Path) })
	return out
}

// under reports whether path is at or below the JSON path of.
func under(path, of string) bool {
	return path == of || strings.HasPrefix(path, of+".") || strings.HasPrefix(path, of+"[")
}

// compareProblemPaths orders problem paths as their items come in a bundle: the bundle itself and
// its unknown fields first, then sources, entities and relations, each by index; problems of one
// item keep their order.
func compareProblemPaths(a, b string) int {
	sa, ia := problemItem(a)
	sb, ib := problemItem(b)
	return cmp.Or(cmp.Compare(sa, sb), cmp.Compare(ia, ib))
}

// problemItem returns the section of a path (0 the bundle itself, 1 sources, 2 entities, 3
// relations) and the index of its item in that section (-1 none).
func problemItem(path string) (section, index int) {
	for s, key := range []string{"sources[", "entities[", "relations["} {
		rest, ok := strings.CutPrefix(path, key)
		if !ok {
			continue
		}
		end := strings.IndexByte(rest, ']')
		if end < 0 {
			return s + 1, -1
		}
		n, err := strconv.Atoi(rest[:end])
		if err != nil {
			return s + 1, -1
		}
		return s + 1, n
	}
	return 0, -1
}
