package server

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/diplograph/diplograph/internal/kg"
)

func TestParseAPIKeys(t *testing.T) {
	keys, err := ParseAPIKeys(" analyst:ana:aaaaaaaaaaaaaaaa , editor:bbbbbbbbbbbbbbbb,editor:cccccccccccccccc, admin:ops-bot.2:dddddddddddddddd")
	want := []APIKey{
		{Role: kg.RoleAnalyst, Name: "ana", Key: "aaaaaaaaaaaaaaaa"},
		{Role: kg.RoleEditor, Name: "key1", Key: "bbbbbbbbbbbbbbbb", Unnamed: true},
		{Role: kg.RoleEditor, Name: "key2", Key: "cccccccccccccccc", Unnamed: true},
		{Role: kg.RoleAdmin, Name: "ops-bot.2", Key: "dddddddddddddddd"},
	}
	if err != nil || !slices.Equal(keys, want) {
		t.Fatalf("ParseAPIKeys = %+v, %v, want %+v", keys, err, want)
	}
	for _, tc := range []struct{ in, says string }{
		{"wizard:aaaaaaaaaaaaaaaa", "role"},
		{"aaaaaaaaaaaaaaaa", "role"},
		{"admin:short", "shorter than 16"},
		{"admin:bob:short", "shorter than 16"},
		{"admin:bob smith:aaaaaaaaaaaaaaaa", "not a name"},
		{"admin::aaaaaaaaaaaaaaaa", "not a name"},
		// The same key under two roles (the last role used to win), two names, or twice.
		{"reader:aaaaaaaaaaaaaaaa,admin:aaaaaaaaaaaaaaaa", "also the key of reader:key1"},
		{"editor:alice:aaaaaaaaaaaaaaaa,editor:bob:aaaaaaaaaaaaaaaa", "also the key of editor:alice"},
		{"editor:alice:aaaaaaaaaaaaaaaa,admin:alice:aaaaaaaaaaaaaaaa", "also the key of editor:alice"},
		{"editor:alice:aaaaaaaaaaaaaaaa,editor:alice:bbbbbbbbbbbbbbbb", "editor:alice names two keys"},
	} {
		_, err := ParseAPIKeys(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseAPIKeys(%q) = %v, want an error saying %q", tc.in, err, tc.says)
		} else if strings.Contains(err.Error(), "aaaaaaaaaaaaaaaa") {
			t.Errorf("ParseAPIKeys(%q) error %q reveals the key", tc.in, err)
		}
	}
}

func TestAuthenticate(t *testing.T) {
	kr := newKeyring([]APIKey{{Role: kg.RoleEditor, Name: "alice", Key: "editor-key-0123456789"}})
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
		{"editor key", "Bearer editor-key-0123456789", 200, "editor editor:alice"},
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
