package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/herald-indexer/herald/store"
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
		{"negative pool", "database_pool_size: -1\n", "database_pool_size"},
		{"page past the store's", "limits:\n  max_page_size: 5000\n", "limits.max_page_size: 5000 is not from 1 to 1000"},
		{"default past the max", "limits:\n  max_page_size: 50\n  default_page_size: 100\n", "limits.default_page_size: 100"},
		{"wrong address", "bitcoin:\n  - name: b\n    network: mainnet\n    providers: [{kind: esplora, url: https://mempool.space/api}]\n    collections: [{name: c, creator: tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx}]\n", "bitcoin[0].collections[0].creator"},
		{"bad evm address", "evm:\n  - name: e\n    chain_id: 1\n    rpc: [http://127.0.0.1:1]\n    contracts: [{address: 0x12, kind: badge}]\n", "evm[0].contracts[0].address"},
		{"duplicate chain", "evm:\n  - {name: x, chain_id: 1, rpc: [http://127.0.0.1:1], contracts: [{address: \"0xE960B46dffd9de6187Ff1B48B31B3F186A07303b\", kind: badge}]}\n  - {name: x, chain_id: 2, rpc: [http://127.0.0.1:1], contracts: [{address: \"0xE960B46dffd9de6187Ff1B48B31B3F186A07303b\", kind: badge}]}\n", "evm[1].name"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".yaml")
			if err := os.WriteFile(path, []byte(tc.yaml), 0o644); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			err := run([]string{"-config", path, "check"}, env(nil), &out, &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one naming %q", err, tc.want)
			}
		})
	}
}

// Each flag sets its own setting: two flags with the same value must not
// collapse into one (the invalid level here must be reported).
func TestFlagsSetTheirOwnSettings(t *testing.T) {
	var out bytes.Buffer
	err := run([]string{"-log-format", "json", "-log-level", "json", "check"}, env(nil), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "log.level") {
		t.Fatalf("err = %v, want one naming log.level", err)
	}
}

// Flags win over the environment, so a flag corrects a bad variable.
func TestFlagOverridesABadEnvironmentValue(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"-log-level", "debug", "check"}, env(map[string]string{"HERALD_LOG_LEVEL": "loud"}), &out, &out); err != nil {
		t.Fatalf("-log-level debug over HERALD_LOG_LEVEL=loud: %v", err)
	}
	if err := run([]string{"check"}, env(map[string]string{"HERALD_LOG_LEVEL": "loud"}), &out, &out); err == nil || !strings.Contains(err.Error(), "log.level") {
		t.Fatalf("HERALD_LOG_LEVEL=loud alone: err = %v, want one naming log.level", err)
	}
}

// When the embedded PostgreSQL does not stop cleanly (here it was killed
// under herald), the command says so instead of succeeding quietly.
func TestEmbeddedPostgresStopErrorIsReported(t *testing.T) {
	cfg := defaultConfig()
	cfg.DataDir = t.TempDir()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	err := withStore(context.Background(), cfg, log, func(*store.Store) error {
		pidFile, err := os.ReadFile(filepath.Join(cfg.pgDataDir(), "postmaster.pid"))
		if err != nil {
			return err
		}
		pid, err := strconv.Atoi(strings.SplitN(string(pidFile), "\n", 2)[0])
		if err != nil {
			return err
		}
		return syscall.Kill(pid, syscall.SIGKILL)
	})
	if err == nil || !strings.Contains(err.Error(), "PostgreSQL exited") {
		t.Fatalf("withStore = %v, want the embedded server's exit reported", err)
	}
}

func TestExampleConfigsLoad(t *testing.T) {
	for _, path := range []string{"../../docs/examples/herald.yaml", "../../docs/examples/abstract-testnet.yaml"} {
		cfg, err := loadConfig(path, env(nil))
		if err == nil {
			err = cfg.validate()
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if cfg.chains() == 0 {
			t.Fatalf("%s configures no chain", path)
		}
	}
}

// An RPC that never answers stops start-up once index.startup_timeout is
// up, with an error naming the chain and the RPC.
func TestUnreachableRPCStopsStart(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "herald.yaml")
	yaml := "index: {listen: \"127.0.0.1:0\", startup_timeout: 1s}\nevm:\n  - name: nowhere\n    chain_id: 1\n    rpc: [\"http://127.0.0.1:1\"]\n    contracts: [{address: \"0xE960B46dffd9de6187Ff1B48B31B3F186A07303b\", kind: badge}]\n"
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := run([]string{"-config", path, "-log-level", "error", "index"},
		env(map[string]string{"DATABASE_URL": storetest.Empty(t)}), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "evm[0]") || !strings.Contains(err.Error(), "127.0.0.1:1") {
		t.Fatalf("err = %v, want one naming evm[0] and its RPC", err)
	}
}

// API keys come from the file, the environment and a key file, and a bad
// one is named.
func TestAPIKeysFromEverySource(t *testing.T) {
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys.yaml")
	if err := os.WriteFile(keys, []byte("- {name: from-file, key: a-key-from-the-key-file}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "herald.yaml")
	cfgYAML := "access:\n  api_keys_file: " + keys + "\n  api_keys:\n    - {name: inline, key: an-inline-key-0123}\n"
	if err := os.WriteFile(cfgPath, []byte(cfgYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(cfgPath, env(map[string]string{"HERALD_API_KEYS": "from-env=a-key-from-the-environment"}))
	if err != nil {
		t.Fatal(err)
	}
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	access, err := cfg.Access.Load()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, k := range access.APIKeys {
		names = append(names, k.Name)
	}
	if strings.Join(names, ",") != "inline,from-env,from-file" {
		t.Fatalf("keys %v", names)
	}
	var out bytes.Buffer
	err = run([]string{"check"}, env(map[string]string{"HERALD_API_KEYS": "short=abc"}), &out, &out)
	if err == nil || !strings.Contains(err.Error(), "access.api_keys[0].key") {
		t.Fatalf("a short key: err = %v, want one naming access.api_keys[0].key", err)
	}
}

// Every configuration error names its key's full path and line, and what
// the key wants; all of them are reported at once.
func TestDecodeErrorsNameTheKeyAndItsForm(t *testing.T) {
	path := filepath.Join(t.TempDir(), "herald.yaml")
	yaml := `http:
  listn: 127.0.0.1:1
limits:
  max_depth: ten
  statement_timeout: soon
log:
  access:
    sample: lots
bitcoin:
  - name: btc
    collections:
      - name: a
        min_fee_sats: -x
        creater: bc1q
    providers: nope
evm: {}
`
	if err := os.WriteFile(path, []byte(yaml), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := loadConfig(path, env(nil))
	if err == nil {
		t.Fatal("a configuration with eight mistakes loaded")
	}
	for _, want := range []string{
		"line 2: http.listn: unknown key; http takes cors_origins, listen, max_lag",
		`line 4: limits.max_depth: "ten" is not a whole number`,
		`line 5: limits.statement_timeout: "soon" is not a duration`,
		`line 8: log.access.sample: "lots" is not a number`,
		`line 13: bitcoin[0].collections[0].min_fee_sats: "-x" is not a whole number`,
		"line 14: bitcoin[0].collections[0].creater: unknown key; bitcoin[0].collections[0] takes creator,",
		"line 15: bitcoin[0].providers: want a list",
		"line 16: evm: want a list",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not say %q:\n%v", want, err)
		}
	}
	for _, bad := range []struct{ yaml, want string }{
		{"http: [1, 2]\n", "line 1: http: want a mapping of cors_origins, listen, max_lag"},
		{"http:\n  listen: [a]\n", "line 2: http.listen: want a string"},
		{"log: {level: loud}\n", "log.level"},
		{"log: {access: {sample: 2}}\n", "log.access.sample: 2 is not a share from 0 to 1"},
		{"http: {listen: \"a\n", "yaml: line"},
	} {
		if err := os.WriteFile(path, []byte(bad.yaml), 0o644); err != nil {
			t.Fatal(err)
		}
		cfg, err := loadConfig(path, env(nil))
		if err == nil {
			err = cfg.validate()
		}
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%q: %v, want an error with %q", bad.yaml, err, bad.want)
		}
	}
}
