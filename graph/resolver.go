// Package graph is the GraphQL layer: the executor gqlgen generates from graph/schema/*.graphqls, and thin
// resolvers that turn arguments into kg calls and wrap the answers in graph/model types.
package graph

import (
	"time"

	"github.com/diplograph/diplograph/internal/kg"
)

//go:generate go tool gqlgen generate
//go:generate go run ./internal/execpatch generated.go

// Resolver is the one place dependencies are injected into the resolvers.
type Resolver struct {
	Store kg.Store
	// ExploreTimeout limits each path search, neighbourhood, common-connections and timeline
	// query; beyond it the field fails with TIMEOUT. Zero: only the request's own deadline.
	ExploreTimeout time.Duration
}
