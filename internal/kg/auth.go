package kg

import (
	"context"
	"strings"
)

// Role is what a caller may do. Roles are ordered: each may do everything the ones before it may.
type Role int

// Roles, from least to most privileged. Anonymous callers (no API key) are readers.
const (
	RoleReader  Role = iota + 1 // read the graph through the typed API
	RoleAnalyst                 // also run read-only Cypher
	RoleEditor                  // also write cited facts and import bundles
	RoleAdmin                   // everything
)

var roleNames = map[Role]string{RoleReader: "reader", RoleAnalyst: "analyst", RoleEditor: "editor", RoleAdmin: "admin"}

func (r Role) String() string {
	if n, ok := roleNames[r]; ok {
		return n
	}
	return "none"
}

// ParseRole returns the role named s ("reader", "analyst", "editor", "admin"), case-insensitively.
func ParseRole(s string) (Role, bool) {
	for r, n := range roleNames {
		if strings.EqualFold(n, s) {
			return r, true
		}
	}
	return 0, false
}

// Principal is who is calling: their role, and a name for the audit trail that the operator gave
// the key, with its role (e.g. "editor:alice"); nothing in it comes from the key itself. Anonymous
// callers have Authenticated false.
type Principal struct {
	Role          Role
	Name          string
	Authenticated bool
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the caller of ctx; without one, an anonymous reader.
func PrincipalFrom(ctx context.Context) Principal {
	if p, ok := ctx.Value(principalKey{}).(Principal); ok {
		return p
	}
	return Principal{Role: RoleReader, Name: "anonymous"}
}

// Require returns nil when the caller of ctx has at least role least; otherwise UNAUTHENTICATED
// for an anonymous caller and FORBIDDEN for a key whose role is too low, each naming the role
// needed.
func Require(ctx context.Context, least Role) error {
	p := PrincipalFrom(ctx)
	if p.Role >= least && (p.Authenticated || least <= RoleReader) {
		return nil
	}
	if !p.Authenticated {
		return Errorf(CodeUnauthenticated, "this needs an API key with role %s or above: send Authorization: Bearer <key>", least)
	}
	return Errorf(CodeForbidden, "this needs role %s or above; your key has role %s", least, p.Role)
}
