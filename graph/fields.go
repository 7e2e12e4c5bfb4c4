package graph

import (
	"context"
	"slices"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/diplograph/diplograph/graph/loader"
	"github.com/diplograph/diplograph/graph/model"
	"github.com/diplograph/diplograph/internal/kg"
	"github.com/vektah/gqlparser/v2/ast"
)

// maxLookahead bounds how many levels below a list one store call reads; the cost limits
// (internal/server) bound queries far below it.
const maxLookahead = 12

// lookahead returns, for the relation field resolving in ctx, the specs of every relation field
// the query selects on the same object (fragments on its type and interfaces included), each
// with what the query reads below it on the far ends, and so on down: the first of them fetches
// the whole tree in one store call. It reads only the query, never the store.
func lookahead(ctx context.Context) func() []loader.RelSpec {
	return func() []loader.RelSpec {
		if !graphql.HasOperationContext(ctx) {
			return nil
		}
		fc := graphql.GetFieldContext(ctx)
		if fc == nil {
			return nil
		}
		// The field that returned the object holds the object's selections; list elements have a
		// field context of their own, without a field, between the two.
		p := fc.Parent
		for p != nil && p.Field.Field == nil {
			p = p.Parent
		}
		if p == nil {
			return nil
		}
		return specsOn(graphql.GetOperationContext(ctx), p.Field.Selections, fc.Object, maxLookahead)
	}
}

// specsOn returns the specs of the relation fields that sel selects on objects of GraphQL type
// object, with their Then, depth levels deep, each with the fields it reads of its far ends.
func specsOn(oc *graphql.OperationContext, sel ast.SelectionSet, object string, depth int) []loader.RelSpec {
	specs, _ := levelOn(oc, sel, object, depth)
	return specs
}

// levelOn returns specsOn's specs and the entity fields sel reads of the objects themselves
// (kg.Entity.Loaded; nil: every field), including through the relations it selects on them (the
// meeting of an attendance read from a meeting is that meeting).
func levelOn(oc *graphql.OperationContext, sel ast.SelectionSet, object string, depth int) ([]loader.RelSpec, []string) {
	if depth == 0 {
		return nil, nil
	}
	var specs []loader.RelSpec
	fields := []string{}
	for _, f := range graphql.CollectFields(oc, sel, []string{object, "Node", "Entity"}) {
		if f.Name == "relations" {
			// Its far ends can be of any type; what is read of them is fetched level by level.
			if s, ok := relationsArgs(f.ArgumentMap(oc.Variables)); ok {
				specs = append(specs, s)
			}
			// Either end can be this object.
			for _, sub := range graphql.CollectFields(oc, f.Selections, []string{"Relation", "Node"}) {
				if sub.Name == "from" || sub.Name == "to" {
					fields = unionFields(fields, readOn(oc, sub.Selections, object))
				}
			}
			continue
		}
		def, ok := relFields[object+"."+f.Name]
		if !ok {
			fields = unionFields(fields, entityFields(object, f.Name))
			continue
		}
		s := def.spec
		farType := f.Definition.Type.Name()
		// A field that returns the far ends reads nothing of the relations but their ends.
		s.RelationFields = []string{}
		if def.far == "" {
			s.Then, s.Fields = levelOn(oc, f.Selections, farType, depth-1)
		} else {
			var farSel ast.SelectionSet
			relType := farType
			for _, sub := range graphql.CollectFields(oc, f.Selections, []string{relType, "Node"}) {
				switch {
				case sub.Name == def.far:
					farSel = append(farSel, sub.Selections...)
					farType = sub.Definition.Type.Name()
				case sub.Name == "delegation":
					s.Delegations = true
					s.RelationFields = unionFields(s.RelationFields, []string{kg.PropDelegation})
				case sub.Definition.Type.Name() == object:
					fields = unionFields(fields, readOn(oc, sub.Selections, object))
				default:
					s.RelationFields = unionFields(s.RelationFields, relationFields(sub.Name))
				}
			}
			s.Then, s.Fields = levelOn(oc, farSel, farType, depth-1)
		}
		specs = append(specs, s)
	}
	return mergeSpecs(specs), fields
}

// readOn returns the entity fields sel reads of objects of type object (see levelOn).
func readOn(oc *graphql.OperationContext, sel ast.SelectionSet, object string) []string {
	_, fields := levelOn(oc, sel, object, 1)
	return fields
}

// entityFields returns the fields an entity is loaded with (kg.Entity.Loaded) that field name of
// GraphQL type object reads; nil (every field) for any field not listed, so that a field added to
// the schema is never answered from a part of its entity.
func entityFields(object, name string) []string {
	switch name {
	case "__typename", "id", "kind", "name":
		return []string{}
	case "aliases":
		return []string{kg.LoadAliases}
	case "description":
		return []string{kg.LoadDescription}
	case "citations", "basis":
		return []string{kg.LoadCitations}
	}
	if p, ok := propertyFields[object+"."+name]; ok {
		return []string{p}
	}
	return nil
}

// relationFields returns the fields a relation is loaded with (kg.Relation.Loaded) that field
// name of a relation type (Position, Attendance, Representation, Outcome) reads; nil (every
// field) for any field not listed. Their ends and delegation are read elsewhere (levelOn).
func relationFields(name string) []string {
	switch name {
	case "__typename", "id", "action":
		return []string{}
	case "title", "acting", "start", "end", "role":
		return []string{name}
	case "citations", "basis":
		return []string{kg.LoadCitations}
	}
	return nil
}

// propertyFields maps the "Type.field"s of the schema that read one entity property to it.
var propertyFields = map[string]string{
	"Organization.acronym":        kg.PropAcronym,
	"Organization.classification": kg.PropClassification,
	"Country.code":                kg.PropCode,
	"Meeting.date":                kg.PropDate,
	"Meeting.ordinal":             kg.PropOrdinal,
	"Dialogue.acronym":            kg.PropAcronym,
	"Dialogue.established":        kg.PropEstablished,
}

// unionFields returns the fields of a and b; nil (every field) when either is nil.
func unionFields(a, b []string) []string {
	if a == nil || b == nil {
		return nil
	}
	for _, f := range b {
		if !slices.Contains(a, f) {
			a = append(a, f)
		}
	}
	return a
}

// mergeSpecs merges specs that read the same relations (the same field under two aliases, say)
// into one whose Then reads what either reads below.
func mergeSpecs(specs []loader.RelSpec) []loader.RelSpec {
	var out []loader.RelSpec
	for _, s := range specs {
		if i := slices.IndexFunc(out, s.SameRelations); i >= 0 {
			out[i].Then = mergeSpecs(append(slices.Clip(out[i].Then), s.Then...))
			out[i].Delegations = out[i].Delegations || s.Delegations
			out[i].Fields = unionFields(slices.Clip(out[i].Fields), s.Fields)
			out[i].RelationFields = unionFields(slices.Clip(out[i].RelationFields), s.RelationFields)
			continue
		}
		out = append(out, s)
	}
	return out
}

// relationsSpec checks the arguments of a `relations(types, direction, first)` field and returns
// what it reads.
func relationsSpec(types []string, direction *model.Direction, first *int) (loader.RelSpec, error) {
	n, err := limit(first, 50)
	if err != nil {
		return loader.RelSpec{}, err
	}
	for _, t := range types {
		if _, ok := kg.RelationSpecs[t]; !ok {
			return loader.RelSpec{}, badInput("%s", kg.UnknownRelationType(t))
		}
	}
	dir := kg.Both
	if direction != nil {
		dir = kg.Direction(*direction)
	}
	return loader.RelSpec{Types: types, Dir: dir, Limit: n}, nil
}

// relationsArgs is relationsSpec for the raw arguments lookahead sees; ok is false for arguments
// relationsSpec would refuse.
func relationsArgs(args map[string]any) (loader.RelSpec, bool) {
	var types []string
	if raw, ok := args["types"].([]any); ok {
		for _, t := range raw {
			s, ok := t.(string)
			if !ok {
				return loader.RelSpec{}, false
			}
			types = append(types, s)
		}
	} else if args["types"] != nil {
		return loader.RelSpec{}, false
	}
	var direction *model.Direction
	if d, ok := args["direction"].(string); ok {
		md := model.Direction(d)
		direction = &md
	}
	var first *int
	switch n := args["first"].(type) {
	case int64:
		i := int(n)
		first = &i
	case int:
		first = &n
	case nil:
	default:
		return loader.RelSpec{}, false
	}
	s, err := relationsSpec(types, direction, first)
	return s, err == nil
}

// relationsField resolves the `relations(types, direction, first)` field of every entity type.
func relationsField(ctx context.Context, b *model.EntityBase, types []string, direction *model.Direction, first *int) ([]*model.Relation, error) {
	spec, err := relationsSpec(types, direction, first)
	if err != nil {
		return nil, err
	}
	return b.RelationsOf(ctx, spec, lookahead(ctx))
}

// entity fetches entity id and, in the same store call, what the query reads below it.
func (r *Resolver) entity(ctx context.Context, id string) (model.Entity, error) {
	specs, fields := entityLookahead(ctx, kg.KindOfID(id))
	x, err := r.Store.Expand(ctx, kg.ExpandQuery{IDs: []string{id}, Selects: loader.Selects(specs), WithEntities: true,
		Fields: fields})
	if err != nil || len(x.Entities) == 0 || x.Entities[0] == nil {
		return nil, err
	}
	b := loader.NewBatchIn(ctx, r.Store, x.Entities)
	b.Prefill(specs, x)
	return model.Wrap(x.Entities[0], b), nil
}

// entityLookahead returns the specs of the relation fields the field resolving in ctx selects
// on the entity of kind it returns, and the fields it reads of that entity (nil: every one).
func entityLookahead(ctx context.Context, kind kg.Kind) ([]loader.RelSpec, []string) {
	if !graphql.HasOperationContext(ctx) || !kind.Valid() {
		return nil, nil
	}
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return nil, nil
	}
	return levelOn(graphql.GetOperationContext(ctx), fc.Field.Selections, typeOf(kind), maxLookahead)
}

// typeOf returns the GraphQL type of entities of kind k (PERSON: Person).
func typeOf(k kg.Kind) string {
	s := strings.ToLower(string(k))
	return strings.ToUpper(s[:1]) + s[1:]
}
