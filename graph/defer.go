package graph

// The schema does not offer @defer (docs/frontend.md says why): gqlgen declares it in every
// schema, but ignores it on root fields (paths and neighborhoods, the slow ones, are root fields)
// and, below the root, answers the deferred fields as null in the first payload, which a
// normalized cache stores as data. Without the directive a query that uses it is refused as
// invalid (GRAPHQL_VALIDATION_FAILED) rather than answered as if it had worked, and introspection
// and the SDL no longer list it.
func init() {
	delete(parsedSchema.Directives, "defer")
}
