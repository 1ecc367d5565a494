package fastpath

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// loadSchema parses herald's schema files, each edited by edit.
func loadSchema(t *testing.T, edit func(string) string) *ast.Schema {
	t.Helper()
	files, err := filepath.Glob("../schema/*.graphqls")
	if err != nil || len(files) == 0 {
		t.Fatalf("schema files: %v", err)
	}
	var sources []*ast.Source
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sources = append(sources, &ast.Source{Name: f, Input: edit(string(b))})
	}
	schema, err := gqlparser.LoadSchema(sources...)
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

func TestFieldTableMatchesTheSchema(t *testing.T) {
	if err := checkSchema(loadSchema(t, func(s string) string { return s })); err != nil {
		t.Fatalf("herald's own schema: %v", err)
	}
	for _, tt := range []struct {
		name string
		edit func(string) (string, bool)
		want string
	}{
		{"a field retyped", inType("NullifierUse", "claimedXP: BigInt!", "claimedXP: String!"), "NullifierUse.claimedXP is String!"},
		{"a field made nullable", inType("NullifierStatus", "  used: Boolean!", "  used: Boolean"), "NullifierStatus.used is Boolean"},
		{"a field renamed", inType("NullifierUse", "  txHash: Bytes32!", "  transactionHash: Bytes32!"), "NullifierUse.txHash is not in the schema"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			edited := false
			schema := loadSchema(t, func(s string) string {
				s, ok := tt.edit(s)
				edited = edited || ok
				return s
			})
			if !edited {
				t.Fatalf("the schema has nothing to change for %s", tt.name)
			}
			err := checkSchema(schema)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("checkSchema = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}

// inType edits the first from inside the definition of typ, so that the
// edit does not depend on the descriptions around it.
func inType(typ, from, to string) func(string) (string, bool) {
	return func(s string) (string, bool) {
		start := strings.Index(s, "type "+typ+" {")
		if start < 0 {
			return s, false
		}
		end := strings.Index(s[start:], "\n}")
		if end < 0 {
			return s, false
		}
		i := strings.Index(s[start:start+end], from)
		if i < 0 {
			return s, false
		}
		i += start
		return s[:i] + to + s[i+len(from):], true
	}
}
