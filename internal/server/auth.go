package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/http"
	"regexp"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// APIKey grants a role to whoever presents Key as a bearer token. Name is who that is, as the
// operator calls them; the audit trail records the caller as role:name (e.g. "editor:alice").
type APIKey struct {
	Role kg.Role
	Name string
	Key  string
	// Unnamed is set for a key given the old way, role:key, whose Name ParseAPIKeys made up.
	Unnamed bool
}

// keyName is what an operator may call a key: a letter or digit, then letters, digits, ".", "_"
// or "-", at most 64 in all.
var keyName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ParseAPIKeys parses DIPLOGRAPH_API_KEYS: comma-separated role:name:key entries, roles reader,
// analyst, editor or admin, names as keyName allows. Keys must be at least 16 characters, so a
// guessable key is refused at start, and appear once: a key listed twice (under two roles, or
// two names) is refused, as is a role:name given to two keys. Errors never show a key.
//
// An entry of the old form role:key is still accepted, so that an upgrade does not lock anyone
// out; its name is made up as key1, key2, ... in the order of that role's unnamed keys (Unnamed
// says so, and serve logs a warning asking for a name). A made-up name says nothing about the key,
// unlike the piece of its hash that served as its name before.
func ParseAPIKeys(s string) ([]APIKey, error) {
	var keys []APIKey
	unnamed := map[kg.Role]int{}
	byKey := map[[32]byte]string{}
	byName := map[string]bool{}
	for i, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		fields := strings.SplitN(part, ":", 3)
		role, known := kg.ParseRole(fields[0])
		if len(fields) < 2 || !known {
			return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: entry %d, %q, is not role:name:key with a role of reader, analyst, editor or admin",
				i+1, redactKey(part))
		}
		k := APIKey{Role: role}
		if len(fields) == 3 {
			k.Name, k.Key = fields[1], fields[2]
			if !keyName.MatchString(k.Name) {
				return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: entry %d: the name %q is not a name: use letters, digits, '.', '_' and '-', at most 64",
					i+1, k.Name)
			}
		} else {
			unnamed[role]++
			k.Name, k.Key, k.Unnamed = fmt.Sprintf("key%d", unnamed[role]), fields[1], true
		}
		who := role.String() + ":" + k.Name
		if len(k.Key) < 16 {
			return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: the key of %s is shorter than 16 characters", who)
		}
		if byName[who] {
			return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: %s names two keys: give each key a name of its own", who)
		}
		sum := sha256.Sum256([]byte(k.Key))
		if other, dup := byKey[sum]; dup {
			return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: the key of %s is also the key of %s: a key has one role and one name, "+
				"so list it once (and give the other a key of its own)", who, other)
		}
		byName[who], byKey[sum] = true, who
		keys = append(keys, k)
	}
	return keys, nil
}

// redactKey returns an entry of DIPLOGRAPH_API_KEYS with everything after its role masked.
func redactKey(part string) string {
	role, _, ok := strings.Cut(part, ":")
	if !ok {
		return "****"
	}
	return role + ":****"
}

// keyring finds the principal of a bearer token. Keys are looked up by their SHA-256 so that the
// comparison time says nothing about how much of a guessed key was right.
type keyring map[[32]byte]kg.Principal

func newKeyring(keys []APIKey) keyring {
	kr := keyring{}
	for _, k := range keys {
		sum := sha256.Sum256([]byte(k.Key))
		kr[sum] = kg.Principal{Role: k.Role, Name: k.Role.String() + ":" + k.Name, Authenticated: true}
	}
	return kr
}

func (kr keyring) lookup(token string) (kg.Principal, bool) {
	sum := sha256.Sum256([]byte(token))
	for h, p := range kr {
		if subtle.ConstantTimeCompare(h[:], sum[:]) == 1 {
			return p, true
		}
	}
	return kg.Principal{}, false
}

// authenticate puts the caller's principal in the request context: anonymous reader without an
// Authorization header, the key's role with a known bearer key, and 401 UNAUTHENTICATED for an
// unknown key or another scheme (a mistyped key must not silently fall back to anonymous).
func authenticate(kr keyring, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := r.Header.Get("Authorization")
		if h == "" {
			next.ServeHTTP(w, r)
			return
		}
		scheme, token, _ := strings.Cut(h, " ")
		p, ok := kr.lookup(strings.TrimSpace(token))
		if !strings.EqualFold(scheme, "Bearer") || !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="diplograph"`)
			writeError(w, r, http.StatusUnauthorized, kg.CodeUnauthenticated, "the API key is not valid: send Authorization: Bearer <key> with a key from DIPLOGRAPH_API_KEYS")
			return
		}
		next.ServeHTTP(w, r.WithContext(kg.WithPrincipal(r.Context(), p)))
	})
}
