// Package herald_test checks the shape of the module: the rules of
// docs/architecture.md that the compiler does not enforce.
package herald_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/herald-indexer/herald"

// deps lists, for each package matching pattern, every herald package it
// depends on, directly or not.
func deps(t *testing.T, pattern string) map[string][]string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps=false", "-f", `{{.ImportPath}} {{join .Deps " "}}`, pattern).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", pattern, err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		for _, d := range fields[1:] {
			if strings.HasPrefix(d, module+"/") {
				m[fields[0]] = append(m[fields[0]], d)
			}
		}
	}
	return m
}

// The indexer and the gateway are two wings that meet only in the store
// and the domain rules: neither depends on the other, even indirectly.
func TestTheWingsMeetOnlyInTheStore(t *testing.T) {
	for _, wing := range []struct{ pkgs, other string }{
		{"./graph/...", module + "/indexer"},
		{"./indexer/...", module + "/graph"},
	} {
		for pkg, ds := range deps(t, wing.pkgs) {
			for _, d := range ds {
				if d == wing.other || strings.HasPrefix(d, wing.other+"/") {
					t.Errorf("%s depends on %s", pkg, d)
				}
			}
		}
	}
}

// The domain rules stand below both wings and the store.
func TestDomainImportsNothingOfHeralds(t *testing.T) {
	for pkg, ds := range deps(t, "./domain/...") {
		if len(ds) > 0 {
			t.Errorf("%s depends on %v", pkg, ds)
		}
	}
}
