// Package contract keeps herald's GraphQL schema a contract: the full SDL
// is committed, and a change that would break a client compiled against
// the last release is found here and must be announced under a new major
// version in CHANGELOG.md.
package contract

import (
	"bytes"
	"fmt"
	"slices"

	gqlparser "github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/formatter"
)

// SDL is schema's full text, in a stable order: what graph/schema.graphql
// holds.
func SDL(schema *ast.Schema) []byte {
	var b bytes.Buffer
	b.WriteString("# herald's GraphQL schema, generated from graph/schema/*.graphqls by make generate.\n")
	b.WriteString("# Clients compile against it; graph/contract checks every change to it.\n\n")
	formatter.NewFormatter(&b, formatter.WithIndent("  ")).FormatSchema(schema)
	return b.Bytes()
}

// Load parses an SDL file as a schema.
func Load(name string, sdl []byte) (*ast.Schema, error) {
	schema, err := gqlparser.LoadSchema(&ast.Source{Name: name, Input: string(sdl)})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return schema, nil
}

// Change is a difference between two schemas that can break a client:
// a query that was valid no longer is, or its answer no longer fits the
// client's types.
type Change struct {
	// Coordinate names what changed: Type, Type.field, Type.field(arg:),
	// Enum.VALUE.
	Coordinate string
	Message    string
}

func (c Change) String() string { return c.Coordinate + ": " + c.Message }

// Breaking lists the changes from old to new that break clients of old.
// Additions are not breaking, except of what a client must now send (a
// required argument or input field). An enum value added to an output is
// a risk for exhaustive clients, but not a break: docs/api.md asks clients
// to tolerate unknown values.
func Breaking(old, new *ast.Schema) []Change {
	var out []Change
	add := func(coord, format string, args ...any) {
		out = append(out, Change{Coordinate: coord, Message: fmt.Sprintf(format, args...)})
	}
	for _, name := range sortedKeys(old.Types) {
		o := old.Types[name]
		if o.BuiltIn {
			continue
		}
		n := new.Types[name]
		switch {
		case n == nil:
			add(name, "type removed")
			continue
		case n.Kind != o.Kind:
			add(name, "was %s, now %s", o.Kind, n.Kind)
			continue
		}
		switch o.Kind {
		case ast.Object, ast.Interface:
			for _, of := range o.Fields {
				if isIntrospection(of.Name) {
					continue
				}
				coord := name + "." + of.Name
				nf := n.Fields.ForName(of.Name)
				if nf == nil {
					add(coord, "field removed")
					continue
				}
				if !safeOutput(of.Type, nf.Type) {
					add(coord, "type changed from %s to %s", of.Type, nf.Type)
				}
				arguments(coord, of.Arguments, nf.Arguments, add)
			}
			for _, iface := range o.Interfaces {
				if !slices.Contains(n.Interfaces, iface) {
					add(name, "no longer implements %s", iface)
				}
			}
		case ast.InputObject:
			for _, of := range o.Fields {
				coord := name + "." + of.Name
				nf := n.Fields.ForName(of.Name)
				if nf == nil {
					add(coord, "input field removed")
					continue
				}
				if !safeInput(of.Type, nf.Type) {
					add(coord, "type changed from %s to %s", of.Type, nf.Type)
				}
			}
			for _, nf := range n.Fields {
				if o.Fields.ForName(nf.Name) == nil && required(nf.Type, nf.DefaultValue) {
					add(name+"."+nf.Name, "required input field added")
				}
			}
		case ast.Enum:
			for _, v := range o.EnumValues {
				if n.EnumValues.ForName(v.Name) == nil {
					add(name+"."+v.Name, "enum value removed")
				}
			}
		case ast.Union:
			for _, member := range o.Types {
				if !slices.Contains(n.Types, member) {
					add(name, "no longer includes %s", member)
				}
			}
		}
	}
	return out
}

func arguments(field string, old, new ast.ArgumentDefinitionList, add func(coord, format string, args ...any)) {
	for _, oa := range old {
		coord := field + "(" + oa.Name + ":)"
		na := new.ForName(oa.Name)
		if na == nil {
			add(coord, "argument removed")
			continue
		}
		if !safeInput(oa.Type, na.Type) {
			add(coord, "type changed from %s to %s", oa.Type, na.Type)
		}
	}
	for _, na := range new {
		if old.ForName(na.Name) == nil && required(na.Type, na.DefaultValue) {
			add(field+"("+na.Name+":)", "required argument added")
		}
	}
}

// safeOutput reports whether a field's answer of type n still fits a
// client that expects o: the same type, or one that promises more
// (non-null where it was nullable).
func safeOutput(o, n *ast.Type) bool {
	if o.NonNull && !n.NonNull {
		return false
	}
	if o.Elem != nil {
		return n.Elem != nil && safeOutput(o.Elem, n.Elem)
	}
	return n.Elem == nil && o.NamedType == n.NamedType
}

// safeInput reports whether every value a client sent for type o is still
// valid for n: the same type, or one that asks less (nullable where it was
// required).
func safeInput(o, n *ast.Type) bool {
	if n.NonNull && !o.NonNull {
		return false
	}
	if o.Elem != nil {
		return n.Elem != nil && safeInput(o.Elem, n.Elem)
	}
	return n.Elem == nil && o.NamedType == n.NamedType
}

func required(t *ast.Type, def *ast.Value) bool { return t.NonNull && def == nil }

func isIntrospection(field string) bool { return len(field) > 2 && field[:2] == "__" }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
