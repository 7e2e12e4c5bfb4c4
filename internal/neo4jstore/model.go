package neo4jstore

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// Property names the store owns on nodes and relationships. Everything else on an entity node or
// a relationship is one of its Properties.
const (
	keyID              = "id"
	keyName            = "name"
	keyAliases         = "aliases"
	keyDescription     = "description"
	keyCitationSources = "citationSources"
	keyCitationQuotes  = "citationQuotes"
	keyCitationBases   = "citationBases"  // each citation's basis, STATED written out
	keyCitationNotes   = "citationNotes"  // each citation's note ("" none); only when one has a note
	keyCitationFields  = "citationFields" // each citation's fields, one a line ("" none); only when one has fields
	keyClaims          = "claims"         // kg.Claims as a JSON list, when the item carries claims
	keyNameFolded      = "nameFolded"     // kg.Fold(name), for analysts and exact-name ranking
	keySearchText      = "searchText"     // search keys of name, aliases, acronym, one a line; then the band
	keySearchKeys      = "searchKeys"     // the same keys as a list, for whole-key lookups
	keySearchOrder     = "searchOrder"    // the order search ranks equal hits in, as one string
	keyIdentityKeys    = "identityKeys"   // "<KIND>:<kg.Fold of name, alias or acronym>", for identity resolution
	keyCreatedIn       = "createdIn"      // seq of the import's :Change that created the node or relationship
)

// reserved is the one list of property names that entity and relation Properties may not use.
var reserved = []string{
	keyID, keyName, keyAliases, keyDescription,
	keyCitationSources, keyCitationQuotes, keyCitationBases, keyCitationNotes, keyCitationFields, keyClaims,
	keyNameFolded, keySearchText, keySearchKeys, keySearchOrder, keyIdentityKeys, keyCreatedIn,
}

// internalKeys are reserved names that are not fields of kg.Entity: filters and sorts see them as
// missing, as they would be in any other store.
var internalKeys = []string{
	keyCitationSources, keyCitationQuotes, keyCitationBases, keyCitationNotes, keyCitationFields, keyClaims, keyNameFolded, keySearchText, keySearchKeys, keySearchOrder, keyIdentityKeys, keyCreatedIn,
}

func isReserved(key string) bool { return slices.Contains(reserved, key) }

// identifier is the shape every property key must have to be written into Cypher (backquoted).
var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// propertyKey returns key backquoted for Cypher, or a CodeBadUserInput error if key is not a plain
// identifier.
func propertyKey(key string) (string, error) {
	if !identifier.MatchString(key) {
		return "", badInput("%q is not a field name (letters, digits and _, starting with a letter)", key)
	}
	return "`" + key + "`", nil
}

// entityProps returns the node properties of e, exactly as Neo4j will hand them back (lists as
// []any, no nil values), so that an import can compare them with what is stored. titles are the
// titles of e's positions, which search finds it by (titles.go).
func entityProps(e *kg.Entity, titles []string) (map[string]any, error) {
	p := make(map[string]any, len(e.Properties)+8)
	for k, v := range e.Properties {
		if v == nil {
			continue
		}
		if isReserved(k) {
			return nil, badInput("entity %s: property %q is a reserved name", e.ID, k)
		}
		if !identifier.MatchString(k) {
			return nil, badInput("entity %s: property %q is not a plain name (letters, digits and _)", e.ID, k)
		}
		sv, err := storable(kg.NormalizeValue(v))
		if err != nil {
			return nil, badInput("entity %s: property %q: %v", e.ID, k, err)
		}
		p[k] = sv
	}
	p[keyID] = e.ID
	p[keyName] = e.Name
	if len(e.Aliases) > 0 {
		p[keyAliases] = anyList(e.Aliases)
	}
	if e.Description != "" {
		p[keyDescription] = e.Description
	}
	addCitations(p, e.Citations)
	if err := addClaims(p, e.Claims); err != nil {
		return nil, badInput("entity %s: %v", e.ID, err)
	}
	p[keyNameFolded] = kg.Fold(e.Name)
	sp := searchPropsOf(e, titles)
	p[keySearchText], p[keySearchKeys], p[keySearchOrder] = sp.text, sp.keys, sp.order
	p[keyIdentityKeys] = identityKeys(e)
	return p, nil
}

// relationProps returns the relationship properties of r, as Neo4j will hand them back.
func relationProps(r *kg.Relation) (map[string]any, error) {
	p := make(map[string]any, len(r.Properties)+2)
	for k, v := range r.Properties {
		if v == nil {
			continue
		}
		if isReserved(k) {
			return nil, badInput("relation %s %s -> %s: property %q is a reserved name", r.Type, r.From, r.To, k)
		}
		if !identifier.MatchString(k) {
			return nil, badInput("relation %s %s -> %s: property %q is not a plain name (letters, digits and _)", r.Type, r.From, r.To, k)
		}
		sv, err := storable(kg.NormalizeValue(v))
		if err != nil {
			return nil, badInput("relation %s %s -> %s: property %q: %v", r.Type, r.From, r.To, k, err)
		}
		p[k] = sv
	}
	addCitations(p, r.Citations)
	if err := addClaims(p, r.Claims); err != nil {
		return nil, badInput("relation %s %s -> %s: %v", r.Type, r.From, r.To, err)
	}
	return p, nil
}

// sourceProps returns the node properties of s, as Neo4j will hand them back.
func sourceProps(s *kg.Source) map[string]any {
	p := map[string]any{keyID: s.ID, "title": s.Title, "text": s.Text}
	if s.Publisher != "" {
		p["publisher"] = s.Publisher
	}
	if s.Published != "" {
		p["published"] = s.Published
	}
	if s.URL != nil {
		p["url"] = *s.URL
	}
	return p
}

// addCitations keeps cs as parallel lists (Neo4j properties cannot hold maps): sources, quotes
// and bases always, notes and fields only when a citation has one, so nodes of stated facts stay
// small and analysts can still ask `'INFERRED' IN n.citationBases`. Nodes written before
// citations had a basis have no citationBases: they read as STATED.
func addCitations(p map[string]any, cs []kg.Citation) {
	if len(cs) == 0 {
		return
	}
	srcs, quotes, bases := make([]any, len(cs)), make([]any, len(cs)), make([]any, len(cs))
	notes, fields := make([]any, len(cs)), make([]any, len(cs))
	var hasNotes, hasFields bool
	for i, c := range cs {
		srcs[i], quotes[i], bases[i], notes[i], fields[i] = c.Source, c.Quote, string(c.Basis.Or()), c.Note, ""
		hasNotes = hasNotes || c.Note != ""
		if len(c.Fields) > 0 {
			// kg refuses fields with a line break, so the lines give them back.
			fields[i], hasFields = strings.Join(c.Fields, "\n"), true
		}
	}
	p[keyCitationSources], p[keyCitationQuotes], p[keyCitationBases] = srcs, quotes, bases
	if hasNotes {
		p[keyCitationNotes] = notes
	}
	if hasFields {
		p[keyCitationFields] = fields
	}
}

// addClaims keeps cs, when there are any, as one JSON string: a claim's value may be of any
// property type, and Neo4j lists hold one type only. The shown values stay plain properties, so
// filters, sorts, search and analysts' Cypher read them as before.
func addClaims(p map[string]any, cs []kg.Claim) error {
	if cs == nil {
		return nil
	}
	b, err := json.Marshal(cs)
	if err != nil {
		return err
	}
	p[keyClaims] = string(b)
	return nil
}

// storable checks that v can be a Neo4j property value: a string, bool, int64, float64, or a list
// of one of those (Neo4j lists are homogeneous).
func storable(v any) (any, error) {
	switch x := v.(type) {
	case string, bool, int64, float64:
		return v, nil
	case []string:
		return anyList(x), nil
	case []any:
		var kind string
		for _, e := range x {
			k := fmt.Sprintf("%T", e)
			switch e.(type) {
			case string, bool, int64, float64:
			default:
				return nil, fmt.Errorf("a list may hold only strings, booleans or numbers, not %s", k)
			}
			if kind != "" && k != kind {
				return nil, fmt.Errorf("a list must hold values of one type")
			}
			kind = k
		}
		return x, nil
	}
	return nil, fmt.Errorf("%T values cannot be stored", v)
}

func anyList(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// searchProps are the properties search reads, derived from an entity's name, aliases, acronym
// and titles by kg (kg.NewSearchDoc), so that the index and the queries agree whatever the
// analyzer does with punctuation.
type searchProps struct {
	// text is the searchText property: the search keys of the name, aliases, acronym and titles,
	// one a line, the name first, and last the band (searchBand) and the levels (searchLevelsOf),
	// so that the search index finds the entities of one name length and the first of them in
	// searchOrder. A band or level is no query's key and matches no query token, so it changes no
	// rank.
	text string
	// keys is the searchKeys property: the same keys, without the band.
	keys []any
	// order is the searchOrder property: one string that sorts as kg ranks search hits of equal
	// tier, tokens and quality (kg.CompareSearchHits): by the name's tokens (at most
	// kg.MaxRankedNameTokens, as two digits), then by kg.SearchTieKey. A range index on it walks
	// the entities of one name length in that order, so a search can take a page of a large
	// group of equal hits without sorting the group (search_page.go).
	order string
}

func searchPropsOf(e *kg.Entity, titles []string) searchProps {
	d := kg.NewSearchDoc(e, titles)
	band := min(d.NameTokens, kg.MaxRankedNameTokens)
	keys := append([]string{d.NameKey}, d.OtherKeys...)
	return searchProps{
		text:  strings.Join(append(slices.Clone(keys), strings.Join(append([]string{searchBand(band)}, searchLevelsOf(e.ID)...), " ")), "\n"),
		keys:  anyList(keys),
		order: fmt.Sprintf("%02d", band) + kg.SearchTieKey(e.ID),
	}
}

// searchBand returns the band of an entity whose name has n tokens (at most
// kg.MaxRankedNameTokens): a word of its
// searchText that no query token can match (its five underscores keep it more than two edits from
// any run of letters and digits) and that finds the entities of one name length.
func searchBand(n int) string {
	return fmt.Sprintf("_____%02d", n)
}

// derivedKeys are the properties of an entity node that search and identity resolution derive
// from its fields (55% of a generated node's property bytes), which no reader of whole entities
// uses.
var derivedKeys = []string{keyNameFolded, keySearchText, keySearchKeys, keySearchOrder, keyIdentityKeys}

// entityMap is the map projection of the entity node v that entityOf reads where the derived
// properties are not needed: every property, the derived ones null, so that Neo4j does not send
// them (search, which ranks on them, and writes read v {.*}).
func entityMap(v string) string {
	var b strings.Builder
	b.WriteString(v + " {.*")
	for _, k := range derivedKeys {
		b.WriteString(", " + k + ": null")
	}
	b.WriteString("}")
	return b.String()
}

// entityProjection is the map projection of entity node v that loads fields (kg.Entity.Loaded):
// entityMap when fields is nil, else the id, the name and the properties behind fields only, so
// that Neo4j reads no other property (citations are five lists, often the largest part of a node).
// A field that is not a property key is refused, as filters refuse it.
func entityProjection(v string, fields []string) (string, error) {
	if fields == nil {
		return entityMap(v), nil
	}
	keys := []string{keyID, keyName}
	for _, f := range fields {
		switch f {
		case kg.LoadName, "id":
		case kg.LoadAliases:
			keys = append(keys, keyAliases)
		case kg.LoadDescription:
			keys = append(keys, keyDescription)
		default:
			ks, err := storedKeys(f, "entities")
			if err != nil {
				return "", err
			}
			keys = append(keys, ks...)
		}
	}
	slices.Sort(keys)
	keys = slices.Compact(keys)
	return v + " {." + strings.Join(keys, ", .") + "}", nil
}

// storedKeys returns the property keys that hold field f of an item (of: "entities" or
// "relations", for the error): the five citation lists, the claims, or f itself when it is a
// property key that is not reserved.
func storedKeys(f, of string) ([]string, error) {
	switch f {
	case kg.LoadCitations:
		return []string{keyCitationSources, keyCitationQuotes, keyCitationBases, keyCitationNotes, keyCitationFields}, nil
	case kg.LoadClaims:
		return []string{keyClaims}, nil
	}
	k, err := propertyKey(f)
	if err != nil {
		return nil, err
	}
	if isReserved(f) {
		return nil, badInput("%q is not a field of %s", f, of)
	}
	return []string{k}, nil
}

// loaded returns what entityProjection(v, fields) loads, as kg.Entity.Loaded names it.
func loaded(fields []string) []string {
	if fields == nil {
		return nil
	}
	out := make([]string, 0, len(fields)+1)
	out = append(out, kg.LoadName)
	for _, f := range fields {
		if f != kg.LoadName && f != "id" && !slices.Contains(out, f) {
			out = append(out, f)
		}
	}
	return out
}

// relationProjection is the map projection of relationship r's properties that loads fields
// (kg.Relation.Loaded): every property when fields is nil.
func relationProjection(r string, fields []string) (string, error) {
	if fields == nil {
		return r + " {.*}", nil
	}
	var keys []string
	for _, f := range fields {
		ks, err := storedKeys(f, "relations")
		if err != nil {
			return "", err
		}
		keys = append(keys, ks...)
	}
	if len(keys) == 0 {
		return "{}", nil
	}
	slices.Sort(keys)
	return r + " {." + strings.Join(slices.Compact(keys), ", .") + "}", nil
}

// partialOf reads an entity that entityProjection(v, fields) projected.
func partialOf(r row, fields []string) *kg.Entity {
	e := entityOf(r)
	e.Loaded = loaded(fields)
	return e
}

// entityOf reads an entity from an entity node's map projection (n {.*}, or entityMap).
func entityOf(r row) *kg.Entity {
	e := &kg.Entity{ID: need[string](r, keyID)}
	e.Kind = kg.KindOfID(e.ID)
	e.Name = need[string](r, keyName)
	e.Aliases = r.strings(keyAliases)
	e.Description = maybe[string](r, keyDescription)
	e.Citations = citationsOf(r)
	e.Claims = claimsOf(r)
	e.Properties = propertiesOf(r)
	return e
}

// relationOf reads a relation from a row {type, from, to, props: r {.*}}.
func relationOf(r row) *kg.Relation {
	props := r.sub("props", true)
	return &kg.Relation{Type: need[string](r, "type"), From: need[string](r, "from"), To: need[string](r, "to"),
		Citations: citationsOf(props), Claims: claimsOf(props), Properties: propertiesOf(props)}
}

// relationColumns is the Cypher map a relation r is read from (relationOf).
func relationColumns(r string) string {
	return "{type: type(" + r + "), from: startNode(" + r + ").id, to: endNode(" + r + ").id, props: " + r + " {.*}}"
}

// propertiesOf returns the properties of a node or relationship projection that are not the
// store's own, nil when there are none.
func propertiesOf(r row) map[string]any {
	var out map[string]any
	for k, v := range r.m {
		if isReserved(k) || v == nil {
			continue
		}
		if out == nil {
			out = map[string]any{}
		}
		out[k] = v
	}
	return out
}

// sourceOf reads a source from a :Source node's map projection.
func sourceOf(r row) *kg.Source {
	s := &kg.Source{
		ID:        need[string](r, keyID),
		Title:     need[string](r, "title"),
		Publisher: maybe[string](r, "publisher"),
		Published: maybe[string](r, "published"),
		Text:      need[string](r, "text"),
	}
	if r.m["url"] != nil {
		u := need[string](r, "url")
		s.URL = &u
	}
	return s
}

// citationsOf reads the parallel citation lists of a projection (addCitations): sources and
// quotes always, bases when written since citations had one (none reads as STATED), notes and
// fields when a citation has one. A list whose length is not the sources', or a basis kg does not
// know, is an error.
func citationsOf(r row) []kg.Citation {
	srcs := r.strings(keyCitationSources)
	quotes, bases := r.strings(keyCitationQuotes), r.strings(keyCitationBases)
	notes, fields := r.strings(keyCitationNotes), r.strings(keyCitationFields)
	for _, l := range []struct {
		key  string
		list []string
		may  bool // may be missing
	}{{keyCitationQuotes, quotes, false}, {keyCitationBases, bases, true}, {keyCitationNotes, notes, true}, {keyCitationFields, fields, true}} {
		if len(l.list) != len(srcs) && (!l.may || r.m[l.key] != nil) {
			r.d.fail(r.key(l.key), "%d values for %d sources", len(l.list), len(srcs))
			return nil
		}
	}
	if len(srcs) == 0 {
		return nil
	}
	out := make([]kg.Citation, len(srcs))
	for i := range srcs {
		out[i] = kg.Citation{Source: srcs[i], Quote: quotes[i]}
		if bases != nil && bases[i] != string(kg.BasisStated) {
			out[i].Basis = kg.Basis(bases[i])
			if !out[i].Basis.Valid() || out[i].Basis == "" {
				r.d.fail(r.key(keyCitationBases)+"["+strconv.Itoa(i)+"]", "basis %q, want one of %v", bases[i], kg.Bases)
				return nil
			}
		}
		if notes != nil {
			out[i].Note = notes[i]
		}
		if fields != nil && fields[i] != "" {
			out[i].Fields = strings.Split(fields[i], "\n")
		}
	}
	return out
}

// claimsOf reads the claims addClaims wrote as JSON. A value that is not such JSON fails the read,
// naming the key, as any other wrong shape does: a read must not serve the values as if nothing
// else were claimed, nor a write replace the claims with less.
func claimsOf(r row) []kg.Claim {
	s := maybe[string](r, keyClaims)
	if _, ok := r.m[keyClaims].(string); !ok {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var cs []kg.Claim
	if err := dec.Decode(&cs); err != nil {
		r.d.fail(r.key(keyClaims), "not a JSON list of claims: %v", err)
		return nil
	}
	if dec.More() {
		r.d.fail(r.key(keyClaims), "not a JSON list of claims: more after the list")
		return nil
	}
	kg.NormalizeClaims(cs)
	return cs
}

// kindLabels returns the labels of the valid kinds among kinds, sorted and without duplicates;
// none reports that kinds named some kinds but no valid one, so nothing can match.
func kindLabels(kinds []kg.Kind) (labels []string, none bool) {
	labels = []string{}
	for _, k := range kinds {
		if k.Valid() {
			labels = append(labels, k.Label())
		}
	}
	sort.Strings(labels)
	return slices.Compact(labels), len(kinds) > 0 && len(labels) == 0
}
