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
	for _, tt := range []struct{ name, from, to, want string }{
		{"a field retyped", "claimedXP: BigInt!", "claimedXP: String!", "NullifierUse.claimedXP is String!"},
		{"a field made nullable", "  used: Boolean!", "  used: Boolean", "NullifierStatus.used is Boolean"},
		{"a field renamed", "  txHash: Bytes32!\n  logIndex: Int!\n  block: BlockPosition!\n}\n\ninput NullifierFilter",
			"  transactionHash: Bytes32!\n  logIndex: Int!\n  block: BlockPosition!\n}\n\ninput NullifierFilter", "NullifierUse.txHash is not in the schema"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			edited := false
			schema := loadSchema(t, func(s string) string {
				if strings.Contains(s, tt.from) {
					edited = true
				}
				return strings.Replace(s, tt.from, tt.to, 1)
			})
			if !edited {
				t.Fatalf("the schema has no %q to change", tt.from)
			}
			err := checkSchema(schema)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("checkSchema = %v, want an error naming %q", err, tt.want)
			}
		})
	}
}
