// Package paging reads a connection field's Relay arguments — first and
// after, last and before — and its selection into a store page. The
// resolvers, the fast path and the operation limits all read them here,
// so that they agree on what a page is, on what it costs, and on which
// argument is at fault.
package paging

import (
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/store"
)

// Args are a connection field's paging arguments.
type Args struct {
	// First is as gqlgen hands it: the schema's default when the client
	// gave none.
	First *int
	// FirstGiven is whether the client gave first a value (not null):
	// only then is first with last an error, since first has a default.
	FirstGiven    bool
	Last          *int
	After, Before *string
}

// Error is an argument a page cannot be made of.
type Error struct{ Argument, Message string }

func (e *Error) Error() string { return e.Argument + ": " + e.Message }

// Page is the page a asks for: backward by last when last is given, else
// forward by first (def when first is null), each within 0..maxSize.
func Page(a Args, def, maxSize int, desc bool) (store.Page, *Error) {
	p := store.Page{First: def, Desc: desc}
	if a.After != nil {
		p.After = *a.After
	}
	if a.Before != nil {
		p.Before = *a.Before
	}
	bounded := func(name string, n int) *Error {
		if n < 0 || n > maxSize {
			return &Error{name, fmt.Sprintf("must be between 0 and %d, got %d", maxSize, n)}
		}
		return nil
	}
	if a.Last != nil {
		if a.FirstGiven {
			// Relay's connection spec: "including a value for both first
			// and last is strongly discouraged, as it is likely to lead to
			// confusing queries and results".
			return p, &Error{"last", "first and last together: give one of them (Relay discourages paging from both ends at once)"}
		}
		p.Backward, p.First, p.Last = true, 0, *a.Last
		return p, bounded("last", p.Last)
	}
	if a.First != nil {
		p.First = *a.First
	}
	return p, bounded("first", p.First)
}

// Given reports whether the client gave f's argument name a value, not
// null: what the argument map, which fills in the schema's default, hides.
func Given(f *ast.Field, vars map[string]any, name string) bool {
	arg := f.Arguments.ForName(name)
	if arg == nil || arg.Value == nil {
		return false
	}
	if arg.Value.Kind == ast.Variable {
		v, ok := vars[arg.Value.Raw]
		return ok && v != nil
	}
	return arg.Value.Kind != ast.NullValue
}

// Read reads f's paging arguments from args, f's argument map (defaults
// filled in); false when one is not of its type, which gqlgen reports.
func Read(f *ast.Field, vars map[string]any, args map[string]any) (Args, bool) {
	a := Args{FirstGiven: Given(f, vars, "first")}
	for name, into := range map[string]**int{"first": &a.First, "last": &a.Last} {
		if v := args[name]; v != nil {
			n, err := graphql.UnmarshalInt(v)
			if err != nil {
				return a, false
			}
			*into = &n
		}
	}
	for name, into := range map[string]**string{"after": &a.After, "before": &a.Before} {
		if v := args[name]; v != nil {
			s, ok := v.(string)
			if !ok {
				return a, false
			}
			*into = &s
		}
	}
	return a, true
}

// Want notes on p what the selection of its connection (of type
// connection) asks for at the cost of a statement: totalCount, and the
// flag past the cursor the page starts from — hasPreviousPage paging
// forward after a cursor, hasNextPage paging backward before one. Without
// that cursor the flag is false and exact for free.
func Want(op *graphql.OperationContext, sel ast.SelectionSet, connection string, p *store.Page) {
	for _, f := range graphql.CollectFields(op, sel, []string{connection}) {
		switch f.Name {
		case "totalCount":
			p.WithTotal = true
		case "pageInfo":
			for _, i := range graphql.CollectFields(op, f.Selections, []string{"PageInfo"}) {
				switch {
				case i.Name == "hasPreviousPage" && !p.Backward && p.After != "",
					i.Name == "hasNextPage" && p.Backward && p.Before != "":
					p.WithBeyond = true
				}
			}
		}
	}
}

// Items is how many items a connection field may return, for its cost:
// last when given, else first (def when null).
func Items(first, last *int, def int) int {
	switch {
	case last != nil:
		return *last
	case first != nil:
		return *first
	}
	return def
}
