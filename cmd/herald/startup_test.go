package main

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"

	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store/storetest"
)

// A chain whose provider answers for another chain stops `herald index`
// and `run` before anything is touched: the database is neither created
// (the embedded one) nor migrated (a given one).
func TestStartTouchesNothingOnAWrongChain(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.StartEVM(ctx, devnet.EVMOptions{HTTPAddr: "127.0.0.1:0", BlockInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = chain.Stop() })
	wrong := evm.Config{Name: "wrong", ChainID: chain.ChainID() + 1, RPC: []string{chain.HTTPURL()}, StartBlock: chain.StartBlock(), Confirmations: 1}
	for _, c := range chain.Contracts() {
		wrong.Contracts = append(wrong.Contracts, evm.ContractConfig{Address: c.Address.Hex(), Kind: c.Kind})
	}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	url := storetest.Empty(t)
	cfg := defaultConfig()
	cfg.DatabaseURL, cfg.EVM = url, []evm.Config{wrong}
	cfg.HTTP.Listen, cfg.Index.Listen = freeAddr(t), freeAddr(t)
	for _, r := range []roles{{index: true}, {index: true, serve: true}} {
		if err := start(ctx, cfg, quiet, r); err == nil || !strings.Contains(err.Error(), "evm[0] (wrong)") {
			t.Fatalf("start %+v on a provider of another chain: %v, want an error naming evm[0] (wrong)", r, err)
		}
	}
	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(url)))
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("the failed start left %d tables in the database", tables)
	}

	cfg.DatabaseURL, cfg.DataDir = "", filepath.Join(t.TempDir(), "herald")
	if err := start(ctx, cfg, quiet, roles{index: true}); err == nil {
		t.Fatal("start with the embedded database on a provider of another chain succeeded")
	}
	if _, err := os.Stat(cfg.pgDataDir()); !os.IsNotExist(err) {
		t.Errorf("the failed start created the embedded database at %s (%v)", cfg.pgDataDir(), err)
	}
}
