package server

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

func TestParseAPIKeys(t *testing.T) {
	keys, err := ParseAPIKeys(" analyst:aaaaaaaaaaaaaaaa , editor:bbbbbbbbbbbbbbbb,")
	if err != nil || len(keys) != 2 || keys[0].Role != kg.RoleAnalyst || keys[1].Key != "bbbbbbbbbbbbbbbb" {
		t.Fatalf("ParseAPIKeys = %+v, %v", keys, err)
	}
	for _, bad := range []string{"wizard:aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa", "admin:short"} {
		_, err := ParseAPIKeys(bad)
		if err == nil {
			t.Errorf("ParseAPIKeys(%q) = nil error, want one", bad)
		} else if strings.Contains(err.Error(), "aaaaaaaaaaaaaaaa") {
			t.Errorf("ParseAPIKeys(%q) error %q reveals the key", bad, err)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	kr := newKeyring([]APIKey{{Role: kg.RoleEditor, Key: "editor-key-0123456789"}})
	h := authenticate(kr, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := kg.PrincipalFrom(r.Context())
		_, _ = w.Write([]byte(p.Role.String() + " " + p.Name))
	}))
	for _, tc := range []struct {
		name, header string
		status       int
		body         string
	}{
		{"anonymous", "", 200, "reader anonymous"},
		{"editor key", "Bearer editor-key-0123456789", 200, "editor editor:"},
		{"unknown key", "Bearer nope-nope-nope-nope", 401, kg.CodeUnauthenticated},
		{"other scheme", "Basic editor-key-0123456789", 401, kg.CodeUnauthenticated},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/graphql", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
				t.Errorf("Authorization %q: %d %q, want %d containing %q", tc.header, rec.Code, rec.Body.String(), tc.status, tc.body)
			}
		})
	}
}

func TestRequire(t *testing.T) {
	anon := t.Context()
	analyst := kg.WithPrincipal(anon, kg.Principal{Role: kg.RoleAnalyst, Name: "analyst:1", Authenticated: true})
	for _, tc := range []struct {
		name      string
		asAnalyst bool
		min       kg.Role
		want      string
	}{
		{"anonymous reads", false, kg.RoleReader, ""},
		{"anonymous analyst", false, kg.RoleAnalyst, kg.CodeUnauthenticated},
		{"analyst analyst", true, kg.RoleAnalyst, ""},
		{"analyst edits", true, kg.RoleEditor, kg.CodeForbidden},
	} {
		ctx := anon
		if tc.asAnalyst {
			ctx = analyst
		}
		err := kg.Require(ctx, tc.min)
		got := ""
		if err != nil {
			got = kg.ErrorCode(err)
		}
		if got != tc.want {
			t.Errorf("%s: Require(%s) = %q, want %q", tc.name, tc.min, got, tc.want)
		}
	}
}
