// Package dataset holds diplograph's built-in bundle: the graph curated by hand from the one seed
// document, a U.S. Department of State press release of December 2022 on the 14th plenary meeting of
// the U.S.-Mexico 21st Century Border Management (21CB) Executive Steering Committee.
//
// The bundle is embedded from builtin.json. Its one source carries the text of the release byte for
// byte, without the page residue that followed it (a link to another article) and without a trailing
// newline. The release as stored gives no headline, so the source title is descriptive, written by the
// curators, not quoted. Every entity and every relation cites a verbatim quote of that text;
// dataset_test.go checks this, and the curation notes are in README.md.
package dataset

import (
	_ "embed"

	"github.com/diplograph/diplograph/internal/kg"
)

// SourceID is the id of the one source of the built-in bundle.
const SourceID = "source:us-mexico-21cb-esc-14th-plenary-2022"

//go:embed builtin.json
var raw []byte

// Bundle parses the built-in bundle. Every call parses anew and returns a fresh copy, so callers may
// mutate the result.
func Bundle() (*kg.Bundle, error) { return kg.ParseBundle(raw) }

// Raw returns a copy of the JSON of the built-in bundle, as embedded.
func Raw() []byte { return append([]byte(nil), raw...) }
