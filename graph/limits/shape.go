package limits

import (
	"context"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
)

// Shape rejects operations nested deeper than MaxDepth or with more than
// MaxAliases aliases, after validation and before execution: a rejected
// operation runs no resolver and no SQL.
func Shape(lim Limits) graphql.HandlerExtension {
	return shapeLimit{maxDepth: lim.MaxDepth, maxAliases: lim.MaxAliases}
}

type shapeLimit struct {
	maxDepth   int
	maxAliases int
}

var (
	_ graphql.HandlerExtension        = shapeLimit{}
	_ graphql.OperationContextMutator = shapeLimit{}
)

func (shapeLimit) ExtensionName() string                   { return "ShapeLimit" }
func (shapeLimit) Validate(graphql.ExecutableSchema) error { return nil }
func (l shapeLimit) MutateOperationContext(_ context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	depth, aliases := measure(op.Operation.SelectionSet, op.Doc.Fragments, 0)
	if l.maxDepth > 0 && depth > l.maxDepth {
		return apierr.New(apierr.DepthLimit, "operation is nested %d levels deep; the limit is %d", depth, l.maxDepth)
	}
	if l.maxAliases > 0 && aliases > l.maxAliases {
		return apierr.New(apierr.AliasLimit, "operation uses %d aliases; the limit is %d", aliases, l.maxAliases)
	}
	return nil
}

// measure returns the deepest field nesting below set and the number of
// aliased fields in it, following fragments (validation has already ruled
// out fragment cycles; the depth bound stops runaway recursion anyway).
func measure(set ast.SelectionSet, frags ast.FragmentDefinitionList, depth int) (maxDepth, aliases int) {
	if depth > 100 {
		return depth, 0
	}
	maxDepth = depth
	for _, sel := range set {
		var d, a int
		switch s := sel.(type) {
		case *ast.Field:
			if strings.HasPrefix(s.Name, "__") {
				// Introspection is deep by nature (ofType chains) and
				// reads no data: GraphiQL's schema query must pass.
				continue
			}
			if s.Alias != "" && s.Alias != s.Name {
				aliases++
			}
			d, a = measure(s.SelectionSet, frags, depth+1)
			d = max(d, depth+1)
		case *ast.InlineFragment:
			d, a = measure(s.SelectionSet, frags, depth)
		case *ast.FragmentSpread:
			if f := frags.ForName(s.Name); f != nil {
				d, a = measure(f.SelectionSet, frags, depth)
			}
		}
		maxDepth = max(maxDepth, d)
		aliases += a
	}
	return maxDepth, aliases
}
