// Command inlinelists rewrites the executor gqlgen generates (graph/generated.go) so that lists
// are marshalled by graph.marshalList, in the calling goroutine, instead of
// graphql.MarshalSliceConcurrently, a goroutine per element. `make generate` runs it after
// gqlgen; TestGeneratedListsAreInline fails when generated.go was regenerated without it.
//
// Usage: go run ./graph/internal/inlinelists graph/generated.go
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
)

// marshalFunc matches the signature of a generated marshaller and captures the Go type of its value.
var marshalFunc = regexp.MustCompile(`^func \(ec \*executionContext\) marshal\S+\(ctx context\.Context, sel ast\.SelectionSet, v ([^)]+)\) graphql\.Marshaler \{$`)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: inlinelists graph/generated.go")
		os.Exit(2)
	}
	if err := rewriteFile(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "inlinelists:", err)
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

// rewrite returns src with every call of graphql.MarshalSliceConcurrently replaced by one of
// marshalList, except in the marshallers of concurrentLists, and how many calls it replaced. It
// fails if a call is not inside a marshaller it recognises, or if src holds no list marshaller
// at all: gqlgen's template changed, and the rewrite must be looked at again.
func rewrite(src []byte) ([]byte, int, error) {
	lines := bytes.SplitAfter(src, []byte("\n"))
	var valueType string // of the marshaller the line is in
	replaced, lists := 0, 0
	for i, line := range lines {
		if m := marshalFunc.FindSubmatch(bytes.TrimSuffix(line, []byte("\n"))); m != nil {
			valueType = string(m[1])
			continue
		}
		if bytes.HasPrefix(line, []byte("func ")) {
			valueType = ""
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
		case !concurrentLists[valueType] && hasConcurrent:
			lines[i] = bytes.Replace(line, []byte(concurrentCall), []byte(inlineCall), 1)
			replaced++
		}
	}
	if lists == 0 {
		return nil, 0, errors.New("no list marshaller found: has gqlgen's template changed?")
	}
	return bytes.Join(lines, nil), replaced, nil
}
