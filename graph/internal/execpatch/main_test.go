package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// The committed executor is what `make generate` makes: gqlgen's output, patched.
func TestGeneratedExecutorIsPatched(t *testing.T) {
	src, err := os.ReadFile("../../generated.go")
	if err != nil {
		t.Fatal(err)
	}
	out, replaced, err := rewrite(src)
	if err != nil {
		t.Fatal(err)
	}
	if replaced != 0 || !bytes.Equal(out, src) {
		t.Fatalf("graph/generated.go has %d lines execpatch would change: run `make generate`", replaced)
	}
	if n := bytes.Count(src, []byte(inlineCall)); n < 40 {
		t.Errorf("graph/generated.go marshals %d lists inline, want the lists of every object type but %d", n, len(concurrentLists))
	}
	if n := bytes.Count(src, []byte(eagerGroup)); n > 0 {
		t.Errorf("graph/generated.go makes %d deferred groups eagerly", n)
	}
}

const meetingList = "func (ec *executionContext) marshalNMeeting2ᚕᚖgithubᚗcomᚋmodelᚐMeetingᚄ(ctx context.Context, sel ast.SelectionSet, v []*model.Meeting) graphql.Marshaler {\n" +
	"\tret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {\n"

const object = "func (ec *executionContext) _Meeting(ctx context.Context, sel ast.SelectionSet, obj *model.Meeting) graphql.Marshaler {\n" +
	"\tfields := graphql.CollectFields(ec.OperationContext, sel, meetingImplementors)\n\n" +
	"\tout := graphql.NewFieldSet(fields)\n" +
	"\t" + eagerGroup + "\n"

const sourceList = "func (ec *executionContext) marshalNSource2ᚕᚖgithubᚗcomᚋmodelᚐSourceᚄ(ctx context.Context, sel ast.SelectionSet, v []*model.Source) graphql.Marshaler {\n" +
	"\tret := graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {\n"

var patchedObject = strings.Replace(object, eagerGroup, lazyGroup, 1)

func TestRewrite(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
		replaced        int
		err             string
	}{
		{"a list of meetings is inline", object + "}\n" + meetingList, patchedObject + "}\n" + strings.Replace(meetingList, concurrentCall, inlineCall, 1), 2, ""},
		{"a list of sources keeps its goroutines", patchedObject + "}\n" + sourceList, patchedObject + "}\n" + sourceList, 0, ""},
		{"a list of sources made inline goes back", patchedObject + "}\n" + strings.Replace(sourceList, concurrentCall, inlineCall, 1), patchedObject + "}\n" + sourceList, 1, ""},
		{"no object", meetingList, "", 0, "no object"},
		{"an object's deferred group is lazy", meetingList + "}\n" + object, strings.Replace(meetingList, concurrentCall, inlineCall, 1) + "}\n" + patchedObject, 2, ""},
		{"a deferred group before the fields", meetingList + "}\n" + "func (ec *executionContext) _Mutation(ctx context.Context) {\n\t" + eagerGroup + "\n", "", 0, "before its object's fields"},
		{"a call outside a marshaller", "func f() {\n\tret := " + concurrentCall + "ctx)\n", "", 0, "outside a marshaller"},
		{"no list at all", "package graph\n" + object, "", 0, "no list marshaller"},
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
