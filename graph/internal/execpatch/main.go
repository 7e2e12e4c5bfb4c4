// Command execpatch rewrites the executor gqlgen generates (graph/generated.go) where gqlgen
// 0.17.98 has no setting for what a request pays for and does not use:
//   - lists are marshalled by graph.marshalList, in the calling goroutine, instead of
//     graphql.MarshalSliceConcurrently, a goroutine per element (graph/lists.go says why);
//   - an object's group of @defer'd fields is made by graph.newDeferredGroup, which makes the
//     group (the object's path, a field set, a map) only when a field is deferred.
//
// `make generate` runs it after gqlgen; TestGeneratedExecutorIsPatched fails when generated.go
// was regenerated without it.
//
// Usage: go run ./graph/internal/execpatch graph/generated.go
package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"regexp"
)

// concurrentLists are the element types whose lists keep a goroutine per element: from each of
// them a query can reach Source.entities or Source.relations, resolvers that make a store call
// per source (a page of that source's entities) rather than one for all siblings, and those calls
// overlap only if the elements run concurrently.
var concurrentLists = map[string]bool{
	"[]*model.Source":     true,
	"[]*model.SourceEdge": true,
	"[]*model.Citation":   true,
}

const (
	concurrentCall = "graphql.MarshalSliceConcurrently("
	inlineCall     = "marshalList("

	eagerGroup      = "deferred := graphql.NewDeferredGroup(ctx)"
	lazyGroup       = "deferred := newDeferredGroup(ctx, fields)"
	collectedFields = "fields := graphql.CollectFields("
)

// marshalFunc matches the signature of a generated marshaller and captures the Go type of its value.
var marshalFunc = regexp.MustCompile(`^func \(ec \*executionContext\) marshal\S+\(ctx context\.Context, sel ast\.SelectionSet, v ([^)]+)\) graphql\.Marshaler \{$`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: execpatch graph/generated.go")
		os.Exit(2)
	}
	if err := rewriteFile(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "execpatch:", err)
		os.Exit(1)
	}
}

func rewriteFile(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	out, _, err := rewrite(src)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}

// rewrite returns src patched, and how many lines it changed. It fails if a line to patch is not
// where it expects it (a list call outside a marshaller, a deferred group before the object's
// fields are collected), or if src holds no list marshaller or no object at all: gqlgen's
// template changed, and the patch must be looked at again.
func rewrite(src []byte) ([]byte, int, error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	var valueType string // of the marshaller the line is in
	collected := false   // the function the line is in has collected its object's fields
	changed, lists, groups := 0, 0, 0
	for i, line := range lines {
		if m := marshalFunc.FindSubmatch(bytes.TrimSuffix(line, []byte("\n"))); m != nil {
			valueType, collected = string(m[1]), false
			continue
		}
		if bytes.HasPrefix(line, []byte("func ")) {
			valueType, collected = "", false
			continue
		}
		if bytes.Contains(line, []byte(collectedFields)) {
			collected = true
			continue
		}
		if bytes.Contains(line, []byte(eagerGroup)) || bytes.Contains(line, []byte(lazyGroup)) {
			groups++
			if !collected {
				return nil, 0, fmt.Errorf("line %d: a deferred group before its object's fields are collected: %s", i+1, bytes.TrimSpace(line))
			}
			if bytes.Contains(line, []byte(eagerGroup)) {
				lines[i] = bytes.Replace(line, []byte(eagerGroup), []byte(lazyGroup), 1)
				changed++
			}
			continue
		}
		hasConcurrent, hasInline := bytes.Contains(line, []byte(concurrentCall)), bytes.Contains(line, []byte(inlineCall))
		if !hasConcurrent && !hasInline {
			continue
		}
		if valueType == "" {
			return nil, 0, fmt.Errorf("line %d: a list marshalled outside a marshaller of a value: %s", i+1, bytes.TrimSpace(line))
		}
		lists++
		switch {
		case concurrentLists[valueType] && hasInline:
			lines[i] = bytes.Replace(line, []byte(inlineCall), []byte(concurrentCall), 1)
			changed++
		case !concurrentLists[valueType] && hasConcurrent:
			lines[i] = bytes.Replace(line, []byte(concurrentCall), []byte(inlineCall), 1)
			changed++
		}
	}
	if lists == 0 || groups == 0 {
		return nil, 0, errors.New("no list marshaller or no object found: has gqlgen's template changed?")
	}
	return bytes.Join(lines, nil), changed, nil
}
