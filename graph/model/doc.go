// Package model holds the API's types: the generated inputs and enums (models_gen.go), and
// wrappers that serve domain values (internal/kg) as the schema's objects, each remembering the
// batch (graph/loader) it was loaded with so that its fields are fetched with its siblings'.
package model
