package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// The pages' Content-Security-Policy: everything from this server, nothing from anywhere else.
// GraphiQL's editor (Monaco) injects <style> elements, so its page allows inline styles; the
// explorer allows only the one rule Cytoscape.js injects (".__________cytoscape_container {
// position: relative; }"), by its hash. data: carries GraphiQL's bundled fonts and icons, blob:
// the PNG export. A violation shows as a console error, which the browser test fails on.
const (
	explorerCSP = "default-src 'self'; script-src 'self'; " +
		"style-src 'self' 'sha256-pgvDUBa4IjFA2yuSJ2cqcyxmNYJMborsd0ORcRv9vw8='; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	graphiqlCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
		"font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)

// assetTypes fixes the content types of the files Vite emits, rather than trusting the host's
// mime.types (which may lack fonts or map .js to an old type).
var assetTypes = map[string]string{
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".html":  "text/html; charset=utf-8",
	".json":  "application/json",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ttf":   "font/ttf",
	".woff":  "font/woff",
	".woff2": "font/woff2",
	".wasm":  "application/wasm",
}

// ui serves the built pages: the explorer at /, GraphiQL at /graphiql and the files they load
// under /assets/. It reads and hashes every file once, at start.
type ui struct {
	files map[string]uiFile
}

type uiFile struct {
	data []byte
	etag string
}

// newUI loads every file of files; a file that cannot be read is an error.
func newUI(files fs.FS) (ui, error) {
	u := ui{files: map[string]uiFile{}}
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		u.files[name] = uiFile{data: b, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
		return nil
	})
	return u, err
}

// page serves the HTML file name with no-cache (always revalidated, answered 304 while its ETag
// matches), so a new build is picked up at once while its hashed assets stay cached.
func (u ui) page(name, csp string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, ok := u.files[name]
		if !ok {
			http.Error(w, "this build has no "+name+"; run `make web`", http.StatusNotFound)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Cache-Control", "no-cache")
		h.Set("ETag", f.etag)
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
	})
}

// assets serves files under /assets/. Their names carry a hash of their content, so they are
// cached for a year and never revalidated; an unknown name is 404.
func (u ui) assets() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/")
		f, ok := u.files[name]
		if !ok || !strings.HasPrefix(name, "assets/") {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", contentType(name))
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
		h.Set("ETag", f.etag)
		h.Set("X-Content-Type-Options", "nosniff")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(f.data))
	})
}

func contentType(name string) string {
	ext := strings.ToLower(path.Ext(name))
	if t, ok := assetTypes[ext]; ok {
		return t
	}
	if t := mime.TypeByExtension(ext); t != "" {
		return t
	}
	return "application/octet-stream"
}
