package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func TestMigrateUpEmbeddedTwice(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	args := []string{"migrate", "up", "-data-dir", dir, "-log-level", "warn"}
	if err := run(args, env(nil), &out, &out); err != nil {
		t.Fatalf("first migrate up: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "applied 20261121000001_schema") {
		t.Fatalf("first run applied nothing:\n%s", out.String())
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "PG_VERSION")); err != nil {
		t.Fatalf("embedded data directory not created: %v", err)
	}
	out.Reset()
	if err := run(args, env(nil), &out, &out); err != nil {
		t.Fatalf("second migrate up: %v\n%s", err, out.String())
	}
	if strings.TrimSpace(out.String()) != "database is up to date" {
		t.Fatalf("second run was not a no-op:\n%s", out.String())
	}
}

func TestMigrateUsesDatabaseURLOnly(t *testing.T) {
	dir := t.TempDir()
	url := storetest.Empty(t)
	var out bytes.Buffer
	err := run([]string{"-data-dir", dir, "migrate", "up"}, env(map[string]string{"DATABASE_URL": url}), &out, &out)
	if err != nil {
		t.Fatalf("migrate up: %v\n%s", err, out.String())
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("with DATABASE_URL, herald wrote to its data dir: %v", entries)
	}
	out.Reset()
	if err := run([]string{"migrate", "status"}, env(map[string]string{"HERALD_DATABASE_URL": url}), &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), "applied ") {
		t.Fatalf("status after up:\n%s", out.String())
	}
}

func TestConfigErrorsNameTheKey(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown key", "databse_url: postgres://x\n", "databse_url"},
		{"bad level", "log:\n  level: loud\n", "log.level"},
		{"bad url", "database_url: mysql://x\n", "database_url"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run([]string{"-config", path, "version"}, env(nil), &out, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}
