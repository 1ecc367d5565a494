package limits

import (
	"context"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/paging"
)

// CodeComplexityLimit is gqlgen's code for an operation over its cost.
const CodeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED"

// Analysis is what one operation was measured as.
type Analysis struct {
	Cost    int // as gqlgen's complexity package prices it (cost.go)
	Depth   int // deepest field nesting, introspection aside
	Aliases int // aliased fields, fragments expanded
	// Visits counts the selections the analysis looked at: each node of the
	// document once, however often its fragments are spread.
	Visits int
}

// Analyze prices, measures and rejects operations, after validation and
// before execution: a rejected operation runs no resolver and no SQL.
//
// It computes what gqlgen's complexity.Calculate and a depth-first walk
// would, but each fragment once: walking spreads again cost a 600-byte
// document whose fragments each spread the next one ten times (10⁶
// expansions) 1 s of CPU here, 10 s with one level more. observe, when set,
// hears every analysis (tests count the visits).
func Analyze(lim Limits, observe func(Analysis)) graphql.HandlerExtension {
	return &analyzer{lim: lim, observe: observe}
}

type analyzer struct {
	lim     Limits
	observe func(Analysis)
	es      graphql.ExecutableSchema
}

var (
	_ graphql.HandlerExtension        = (*analyzer)(nil)
	_ graphql.OperationContextMutator = (*analyzer)(nil)
)

func (*analyzer) ExtensionName() string { return "OperationLimits" }

func (a *analyzer) Validate(es graphql.ExecutableSchema) error {
	a.es = es
	return nil
}

func (a *analyzer) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	w := walker{ctx: ctx, es: a.es, schema: a.es.Schema(), vars: op.Variables, lim: a.lim, frags: map[*ast.FragmentDefinition]measure{}}
	m := w.selectionSet(op.Operation.SelectionSet)
	res := Analysis{Cost: m.cost, Depth: m.depth, Aliases: m.aliases, Visits: w.visits}
	if a.observe != nil {
		a.observe(res)
	}
	// The same statistics gqlgen's own limit records: metrics read them.
	op.Stats.SetExtension("ComplexityLimit", &extension.ComplexityStats{Complexity: res.Cost, ComplexityLimit: a.lim.MaxComplexity})
	if w.err != nil {
		return w.err
	}
	if a.lim.MaxComplexity > 0 && res.Cost > a.lim.MaxComplexity {
		err := gqlerror.Errorf("operation has complexity %d, which exceeds the limit of %d", res.Cost, a.lim.MaxComplexity)
		errcode.Set(err, CodeComplexityLimit)
		return err
	}
	if a.lim.MaxDepth > 0 && res.Depth > a.lim.MaxDepth {
		return apierr.New(apierr.DepthLimit, "operation is nested %d levels deep; the limit is %d", res.Depth, a.lim.MaxDepth)
	}
	if a.lim.MaxAliases > 0 && res.Aliases > a.lim.MaxAliases {
		return apierr.New(apierr.AliasLimit, "operation uses %d aliases; the limit is %d", res.Aliases, a.lim.MaxAliases)
	}
	return nil
}

// measure is a selection set's cost, depth below it, and aliases.
type measure struct{ cost, depth, aliases int }

type walker struct {
	ctx    context.Context
	es     graphql.ExecutableSchema
	schema *ast.Schema
	vars   map[string]any
	lim    Limits
	frags  map[*ast.FragmentDefinition]measure
	visits int
	err    *gqlerror.Error // the first argument out of bounds
}

func (w *walker) selectionSet(set ast.SelectionSet) measure {
	var m measure
	for _, sel := range set {
		w.visits++
		var s measure
		switch sel := sel.(type) {
		case *ast.Field:
			s = w.field(sel)
		case *ast.InlineFragment:
			s = w.selectionSet(sel.SelectionSet)
		case *ast.FragmentSpread:
			if sel.Definition == nil {
				continue // validation reports it
			}
			var seen bool
			if s, seen = w.frags[sel.Definition]; !seen {
				// Validation rules out cycles, so the recursion ends.
				s = w.selectionSet(sel.Definition.SelectionSet)
				w.frags[sel.Definition] = s
			}
		}
		m.cost = saturatingAdd(m.cost, s.cost)
		m.depth = max(m.depth, s.depth)
		m.aliases = saturatingAdd(m.aliases, s.aliases)
	}
	return m
}

func (w *walker) field(f *ast.Field) measure {
	if f.Definition == nil || f.ObjectDefinition == nil {
		return measure{}
	}
	def := w.schema.Types[f.Definition.Type.Name()]
	if def == nil {
		return measure{}
	}
	var m measure
	introspection := strings.HasPrefix(f.Name, "__")
	if !introspection {
		// Introspection is deep by nature (ofType chains) and reads no
		// data: GraphiQL's schema query must pass.
		m.depth = 1
		if f.Alias != "" && f.Alias != f.Name {
			m.aliases = 1
		}
	}
	var child measure
	switch def.Kind {
	case ast.Object, ast.Interface, ast.Union:
		child = w.selectionSet(f.SelectionSet)
	}
	if !introspection {
		m.depth += child.depth
		m.aliases = saturatingAdd(m.aliases, child.aliases)
	}
	if def.Name == "__Schema" {
		return m // gqlgen does not price the schema's introspection
	}
	args := f.ArgumentMap(w.vars)
	w.checkPage(f, args)
	w.checkStrings(f, args)
	if f.ObjectDefinition.Kind == ast.Interface {
		for _, t := range w.schema.GetPossibleTypes(f.ObjectDefinition) {
			m.cost = max(m.cost, w.fieldCost(t, def.Kind, f.Name, child.cost, args))
		}
		return m
	}
	m.cost = w.fieldCost(f.ObjectDefinition, def.Kind, f.Name, child.cost, args)
	return m
}

// fieldCost is gqlgen's: the schema's complexity function, else one plus
// the children's.
func (w *walker) fieldCost(obj *ast.Definition, kind ast.DefinitionKind, name string, child int, args map[string]any) int {
	if c, ok := w.es.Complexity(w.ctx, obj.Name, name, child, args); ok && c >= 1 {
		return c
	}
	if kind == ast.Scalar || kind == ast.Enum {
		return 1
	}
	return saturatingAdd(1, child)
}

// checkPage reports a page size out of bounds, or first and last
// together, as what it is, before the cost it would imply hides it behind
// COMPLEXITY_LIMIT_EXCEEDED.
func (w *walker) checkPage(f *ast.Field, args map[string]any) {
	if w.err != nil || w.lim.MaxPageSize <= 0 || f.Definition.Arguments.ForName("first") == nil {
		return
	}
	a, ok := paging.Read(f, w.vars, args)
	if !ok {
		return // validation reports it
	}
	if _, err := paging.Page(a, w.lim.DefaultPageSize, w.lim.MaxPageSize, false); err != nil {
		w.err = apierr.New(apierr.BadUserInput, "%s: %s (on %s)", err.Argument, err.Message, f.Alias)
		w.err.Extensions["argument"] = err.Argument
	}
}

// checkStrings refuses a NUL character in any string argument: PostgreSQL
// text cannot hold one, so no stored value matches it, and the statement
// would fail on it.
func (w *walker) checkStrings(f *ast.Field, args map[string]any) {
	if w.err != nil {
		return
	}
	for name, v := range args {
		if path, found := nulIn(v, name); found {
			w.err = apierr.New(apierr.BadUserInput, "%s: contains a NUL character (on %s)", path, f.Alias)
			w.err.Extensions["argument"] = path
			return
		}
	}
}

// nulIn finds a string holding NUL in an argument's value, and says where.
func nulIn(v any, path string) (string, bool) {
	switch v := v.(type) {
	case string:
		return path, strings.IndexByte(v, 0) >= 0
	case []any:
		for i, e := range v {
			if p, ok := nulIn(e, fmt.Sprintf("%s[%d]", path, i)); ok {
				return p, true
			}
		}
	case map[string]any:
		for k, e := range v {
			if p, ok := nulIn(e, path+"."+k); ok {
				return p, true
			}
		}
	}
	return "", false
}

// saturatingAdd adds non-negative costs without overflowing: an attacker
// must not wrap a cost around to a small one.
func saturatingAdd(a, b int) int {
	a, b = max(a, 0), max(b, 0)
	if c := a + b; c >= a {
		return c
	}
	return int(^uint(0) >> 1)
}
