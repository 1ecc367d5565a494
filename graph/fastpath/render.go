package fastpath

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/store"
)

// render writes a response the way gqlgen's generated code does: objects
// in the order of their collected fields, values by the marshalers the
// generated code uses, so that both write the same bytes.
type render struct {
	op        *graphql.OperationContext
	buf       bytes.Buffer
	collected map[collectKey][]graphql.CollectedField
	failed    bool // something gqlgen would report as an error
}

// collect is graphql.CollectFields, once per selection set: the same
// selections repeat for every item of a list.
func (w *render) collect(sel ast.SelectionSet, typ string) []graphql.CollectedField {
	key := collectKey{typ: typ, n: len(sel)}
	if len(sel) > 0 {
		key.array = &sel[0]
	}
	fields, ok := w.collected[key]
	if !ok {
		fields = graphql.CollectFields(w.op, sel, []string{typ})
		if w.collected == nil {
			w.collected = map[collectKey][]graphql.CollectedField{}
		}
		w.collected[key] = fields
	}
	return fields
}

// collectKey names a selection set by where it lives: the sets of a query
// are slices of its document, or new slices where gqlgen merged fields.
type collectKey struct {
	array *ast.Selection
	n     int
	typ   string
}

func (w *render) name(alias string) {
	graphql.MarshalString(alias).MarshalGQL(&w.buf)
	w.buf.WriteByte(':')
}

func (w *render) object(sel ast.SelectionSet, typ string, field func(f graphql.CollectedField)) {
	w.buf.WriteByte('{')
	for i, f := range w.collect(sel, typ) {
		if i > 0 {
			w.buf.WriteByte(',')
		}
		w.name(f.Alias)
		if f.Name == "__typename" {
			graphql.MarshalString(typ).MarshalGQL(&w.buf)
			continue
		}
		field(f)
	}
	w.buf.WriteByte('}')
}

// put writes a non-null value; null there is gqlgen's error to write.
func (w *render) put(m graphql.Marshaler) {
	if m == graphql.Null {
		w.failed = true
	}
	m.MarshalGQL(&w.buf)
}

type selectableField struct {
	typ   string
	cols  store.NullifierColumns
	child string
}

// checkFields reports where schema disagrees with a fast path's table of
// the fields it renders: a field renamed, retyped or removed must not be
// answered the old way.
func checkFields(schema *ast.Schema, roots map[string]string, table map[string]map[string]selectableField) error {
	var errs []error
	check := func(typ, field, want string) {
		def := schema.Types[typ]
		if def == nil {
			errs = append(errs, fmt.Errorf("type %s is not in the schema", typ))
			return
		}
		if field == "__typename" {
			return
		}
		f := def.Fields.ForName(field)
		switch {
		case f == nil:
			errs = append(errs, fmt.Errorf("%s.%s is not in the schema", typ, field))
		case f.Type.String() != want:
			errs = append(errs, fmt.Errorf("%s.%s is %s in the schema, rendered as %s", typ, field, f.Type, want))
		}
	}
	for name, typ := range roots {
		check("Query", name, typ)
	}
	for typ, fields := range table {
		for name, f := range fields {
			check(typ, name, f.typ)
		}
	}
	return errors.Join(errs...)
}

// knownFields reports whether table has every field of sel, at every depth.
func knownFields(op *graphql.OperationContext, table map[string]map[string]selectableField, sel ast.SelectionSet, typ string) bool {
	for _, f := range graphql.CollectFields(op, sel, []string{typ}) {
		s, ok := table[typ][f.Name]
		if !ok || (s.child != "" && !knownFields(op, table, f.Selections, s.child)) {
			return false
		}
	}
	return true
}
