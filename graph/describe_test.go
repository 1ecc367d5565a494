package graph_test

import (
	"strings"
	"testing"

	"github.com/herald-indexer/herald/graph/limits"
)

// describedQuery is the standard introspection query, cut to what carries a
// description: every type with its fields and their arguments, input fields
// and enum values, deprecated ones included.
const describedQuery = `query Described {
  __schema {
    types {
      kind name description
      fields(includeDeprecated: true) {
        name description
        args(includeDeprecated: true) { name description }
      }
      inputFields(includeDeprecated: true) { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}`

type described struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// builtInScalars are GraphQL's own: the specification describes them.
var builtInScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

// Every type, field, argument, input field and enum value herald serves
// carries a description, as GraphiQL's docs pane and generated clients
// show it: the failure lists the coordinates of those that do not.
func TestSchemaIsDescribed(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	var out struct {
		Schema struct {
			Types []struct {
				Kind string `json:"kind"`
				described
				Fields []struct {
					described
					Args []described `json:"args"`
				} `json:"fields"`
				InputFields []described `json:"inputFields"`
				EnumValues  []described `json:"enumValues"`
			} `json:"types"`
		} `json:"__schema"`
	}
	e.query(describedQuery, nil, &out)

	var missing []string
	var checked int
	check := func(coordinate, description string) {
		checked++
		if strings.TrimSpace(description) == "" {
			missing = append(missing, coordinate)
		}
	}
	for _, typ := range out.Schema.Types {
		if strings.HasPrefix(typ.Name, "__") || typ.Kind == "SCALAR" && builtInScalars[typ.Name] {
			continue
		}
		check(typ.Name, typ.Description)
		for _, f := range typ.Fields {
			check(typ.Name+"."+f.Name, f.Description)
			for _, a := range f.Args {
				check(typ.Name+"."+f.Name+"("+a.Name+":)", a.Description)
			}
		}
		for _, f := range typ.InputFields {
			check(typ.Name+"."+f.Name, f.Description)
		}
		for _, v := range typ.EnumValues {
			check(typ.Name+"."+v.Name, v.Description)
		}
	}
	if checked < 100 {
		t.Fatalf("introspection listed only %d schema elements: the query did not reach the schema", checked)
	}
	if len(missing) > 0 {
		t.Errorf("%d of %d schema elements have no description (graph/schema/*.graphqls):\n  %s",
			len(missing), checked, strings.Join(missing, "\n  "))
	}
}
