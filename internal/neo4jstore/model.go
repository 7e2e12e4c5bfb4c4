package neo4jstore

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
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

// decodeClaims reads what addClaims wrote. It fails only on a property something other than this
// store wrote; the item then reads as having no claims beyond its values (ItemClaims), and the
// caller learns why.
func decodeClaims(m map[string]any) ([]kg.Claim, error) {
	s, ok := m[keyClaims].(string)
	if !ok {
		if m[keyClaims] != nil {
			return nil, fmt.Errorf("property %s is a %T, not a JSON string", keyClaims, m[keyClaims])
		}
		return nil, nil
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var cs []kg.Claim
	if err := dec.Decode(&cs); err != nil {
		return nil, fmt.Errorf("property %s: %w", keyClaims, err)
	}
	kg.NormalizeClaims(cs)
	return cs, nil
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
	// one a line, the name first, and last the band (searchBand), so that the search index finds the
	// entities of one name length. A band is no query's key and matches no query token, so it
	// changes no rank.
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
		text:  strings.Join(append(slices.Clone(keys), searchBand(band)), "\n"),
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

// entityFromMap builds an entity from a node's map projection (n {.*}).
func entityFromMap(m map[string]any) *kg.Entity {
	e := &kg.Entity{}
	e.ID, _ = m[keyID].(string)
	e.Kind = kg.KindOfID(e.ID)
	e.Name, _ = m[keyName].(string)
	e.Aliases = stringList(m[keyAliases])
	e.Description, _ = m[keyDescription].(string)
	e.Citations = citations(m)
	// A read serves the values even if the claims are damaged; a write refuses (storedEntity).
	e.Claims, _ = decodeClaims(m)
	for k, v := range m {
		if isReserved(k) || v == nil {
			continue
		}
		if e.Properties == nil {
			e.Properties = map[string]any{}
		}
		e.Properties[k] = v
	}
	return e
}

// storedEntity is entityFromMap for the write path: damaged claims are an error, so that a write
// never replaces them with less.
func storedEntity(m map[string]any) (*kg.Entity, error) {
	if _, err := decodeClaims(m); err != nil {
		id, _ := m[keyID].(string)
		return nil, fmt.Errorf("entity %s: %w", id, err)
	}
	return entityFromMap(m), nil
}

// storedRelation is storedEntity for relations.
func storedRelation(typ, from, to string, m map[string]any) (*kg.Relation, error) {
	if _, err := decodeClaims(m); err != nil {
		return nil, fmt.Errorf("relation %s %s -> %s: %w", typ, from, to, err)
	}
	return relationFromMap(typ, from, to, m), nil
}

// relationFromMap builds a relation from its type, ends and map projection (r {.*}).
func relationFromMap(typ, from, to string, m map[string]any) *kg.Relation {
	r := &kg.Relation{Type: typ, From: from, To: to, Citations: citations(m)}
	r.Claims, _ = decodeClaims(m) // as for entities
	for k, v := range m {
		if isReserved(k) || v == nil {
			continue
		}
		if r.Properties == nil {
			r.Properties = map[string]any{}
		}
		r.Properties[k] = v
	}
	return r
}

// sourceFromMap builds a source from a :Source node's map projection.
func sourceFromMap(m map[string]any) *kg.Source {
	s := &kg.Source{}
	s.ID, _ = m[keyID].(string)
	s.Title, _ = m["title"].(string)
	s.Publisher, _ = m["publisher"].(string)
	s.Published, _ = m["published"].(string)
	s.Text, _ = m["text"].(string)
	if u, ok := m["url"].(string); ok {
		s.URL = &u
	}
	return s
}

func citations(m map[string]any) []kg.Citation {
	srcs, quotes := stringList(m[keyCitationSources]), stringList(m[keyCitationQuotes])
	if len(srcs) == 0 {
		return nil
	}
	bases, notes, fields := stringList(m[keyCitationBases]), stringList(m[keyCitationNotes]), stringList(m[keyCitationFields])
	out := make([]kg.Citation, len(srcs))
	for i := range srcs {
		out[i].Source = srcs[i]
		if i < len(quotes) {
			out[i].Quote = quotes[i]
		}
		if i < len(bases) && bases[i] != string(kg.BasisStated) {
			out[i].Basis = kg.Basis(bases[i])
		}
		if i < len(notes) {
			out[i].Note = notes[i]
		}
		if i < len(fields) && fields[i] != "" {
			out[i].Fields = strings.Split(fields[i], "\n")
		}
	}
	return out
}

func stringList(v any) []string {
	l, _ := v.([]any)
	if len(l) == 0 {
		return nil
	}
	out := make([]string, 0, len(l))
	for _, x := range l {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
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
