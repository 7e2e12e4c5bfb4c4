package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The committed executor is what `make generate` makes: gqlgen's output, rewritten.
func TestGeneratedListsAreInline(t *testing.T) {
	src, err := os.ReadFile("../../generated.go")
	if err != nil {
		t.Fatal(err)
	}
	out, replaced, err := rewrite(src)
	if err != nil {
		t.Fatal(err)
	}
	if replaced != 0 || !bytes.Equal(out, src) {
		t.Fatalf("graph/generated.go has %d lists marshalled a goroutine per element that should be inline: run `make generate`", replaced)
	}
	if n := bytes.Count(src, []byte(inlineCall)); n < 40 {
		t.Errorf("graph/generated.go marshals %d lists inline, want the lists of every object type but %d", n, len(concurrentLists))
	}
}

const meetingList = "func (ec *executionContext) marshalNMeeting2ᚕᚖgithubᚗcomᚋmodelᚐMeetingᚄ(ctx context.Context, sel ast.SelectionSet, v []*model.Meeting) graphql.Marshaler {\n" +
	"\tret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {\n"

const sourceList = "func (ec *executionContext) marshalNSource2ᚕᚖgithubᚗcomᚋmodelᚐSourceᚄ(ctx context.Context, sel ast.SelectionSet, v []*model.Source) graphql.Marshaler {\n" +
	"\tret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {\n"

func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		replaced        int
		err             string
	}{
		{"a list of meetings is inline", meetingList, strings.Replace(meetingList, concurrentCall, inlineCall, 1), 1, ""},
		{"a list of sources keeps its goroutines", sourceList, sourceList, 0, ""},
		{"a list of sources made inline goes back", strings.Replace(sourceList, concurrentCall, inlineCall, 1), sourceList, 0, ""},
		{"both", meetingList + "}\n" + sourceList, strings.Replace(meetingList, concurrentCall, inlineCall, 1) + "}\n" + sourceList, 1, ""},
		{"a call outside a marshaller", "func f() {\n\tret := " + concurrentCall + "ctx)\n", "", 0, "outside a marshaller"},
		{"no list at all", "package graph\n", "", 0, "no list marshaller"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, replaced, err := rewrite([]byte(tc.src))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("rewrite(%q) error = %v, want one saying %q", tc.src, err, tc.err)
				}
				return
			}
			if err != nil || string(out) != tc.want || replaced != tc.replaced {
				t.Errorf("rewrite(%q) = %q, %d, %v; want %q, %d", tc.src, out, replaced, err, tc.want, tc.replaced)
			}
			again, n, err := rewrite(out)
			if err != nil || !bytes.Equal(again, out) || n != 0 {
				t.Errorf("rewrite is not idempotent: %q -> %q (%d, %v)", out, again, n, err)
			}
		})
	}
}
