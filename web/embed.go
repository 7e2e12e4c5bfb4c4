// Package web holds the explorer and GraphiQL pages, built by Vite from the sources beside this
// file (`make web`) into dist/ and embedded in the binary, so `diplograph serve` needs no
// network and no Node at run time.
package web

import (
	"embed"
	"io/fs"
)

//go:embed dist
var dist embed.FS

// Dist returns the built files: index.html (the explorer), graphiql.html, assets/ (names carry a
// content hash) and source.sha256 (the digest of the sources they were built from).
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		// fs.Sub fails only for an invalid path name, and "dist" is valid.
		panic(err)
	}
	return sub
}
