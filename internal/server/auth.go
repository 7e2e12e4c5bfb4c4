package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"github.com/diplograph/diplograph/internal/kg"
)

// APIKey grants a role to whoever presents Key as a bearer token.
type APIKey struct {
	Role kg.Role
	Key  string
}

// ParseAPIKeys parses DIPLOGRAPH_API_KEYS: comma-separated role:key pairs, roles reader, analyst,
// editor or admin. Keys must be at least 16 characters, so a guessable key is refused at start.
func ParseAPIKeys(s string) ([]APIKey, error) {
	var keys []APIKey
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, key, ok := strings.Cut(part, ":")
		role, known := kg.ParseRole(name)
		if !ok || !known {
			return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: %q is not role:key with a role of reader, analyst, editor or admin", redactKey(part))
		}
		if len(key) < 16 {
			return nil, fmt.Errorf("DIPLOGRAPH_API_KEYS: the %s key is shorter than 16 characters", name)
		}
		keys = append(keys, APIKey{Role: role, Key: key})
	}
	return keys, nil
}

func redactKey(part string) string {
	name, _, ok := strings.Cut(part, ":")
	if !ok {
		return "****"
	}
	return name + ":****"
}

// keyring finds the principal of a bearer token. Keys are looked up by their SHA-256 so that the
// comparison time says nothing about how much of a guessed key was right.
type keyring map[[32]byte]kg.Principal

func newKeyring(keys []APIKey) keyring {
	kr := keyring{}
	for _, k := range keys {
		sum := sha256.Sum256([]byte(k.Key))
		kr[sum] = kg.Principal{Role: k.Role, Name: k.Role.String() + ":" + hex.EncodeToString(sum[:4]), Authenticated: true}
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
