package main

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/uptrace/bun/driver/pgdriver"
	"gopkg.in/yaml.v3"

	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/store/storetest"
)

// The runbook's resync (docs/runbooks.md), as an operator types it: rows a
// faulty release wrote below the reorg window are put right by `herald
// resync -chain NAME -from HEIGHT` while `herald index` runs — every table
// ends as indexing wrote it the first time, and subscribers were told of
// each removal — and its mistakes are named.
func TestResyncFromBelowTheWindow(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.StartEVM(ctx, devnet.EVMOptions{HTTPAddr: "127.0.0.1:0", BlockInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = chain.Stop() })
	eth, err := ethclient.Dial(chain.HTTPURL())
	if err != nil {
		t.Fatal(err)
	}
	defer eth.Close()
	traffic, stopTraffic := context.WithCancel(ctx)
	trafficDone := make(chan error, 1)
	go func() { trafficDone <- chain.Run(traffic) }()
	const blocks = 16
	waitFor(t, "the devnet's traffic", func() bool {
		n, err := eth.BlockNumber(ctx)
		return err == nil && int64(n) >= chain.StartBlock()+blocks
	})
	stopTraffic()
	<-trafficDone
	head, err := eth.BlockNumber(ctx)
	if err != nil {
		t.Fatal(err)
	}

	url := storetest.Empty(t)
	contracts := []map[string]any{}
	for _, c := range chain.Contracts() {
		contracts = append(contracts, map[string]any{"address": c.Address.Hex(), "kind": string(c.Kind)})
	}
	const window = 3
	file, err := yaml.Marshal(map[string]any{
		"database_url": url,
		"evm": []map[string]any{{
			"name": "xp", "chain_id": chain.ChainID(), "rpc": []string{chain.WSURL()}, "start_block": chain.StartBlock(),
			"confirmations": 1, "reorg_window": window, "batch_size": 4, "contracts": contracts,
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "herald.yaml")
	if err := os.WriteFile(path, file, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := loadConfig(path, env(nil))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Index.Listen = freeAddr(t)
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	runHerald(t, cfg, roles{index: true}, cfg.Index.Listen)

	db := sql.OpenDB(pgdriver.NewConnector(pgdriver.WithDSN(url)))
	defer db.Close()
	indexedTo := func() int64 {
		var h int64
		if err := db.QueryRowContext(ctx, "SELECT height FROM chains WHERE chain = 'xp'").Scan(&h); err != nil {
			return -1
		}
		return h
	}
	waitFor(t, "the chain indexed to the devnet's head", func() bool { return indexedTo() == int64(head) })
	before := snapshotChain(t, db, "xp")

	// A release that wrote gas wrongly, from a height the stored hashes no
	// longer reach.
	from := chain.StartBlock() + 4
	if int64(head)-window <= from {
		t.Fatalf("the resync height %d is inside the window below %d", from, head)
	}
	res, err := db.ExecContext(ctx, "UPDATE evm_transactions SET gas_used = 0 WHERE chain = 'xp' AND block_height >= $1", from)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		t.Fatalf("no transactions at %d or above to alter", from)
	}
	if snapshotChain(t, db, "xp") == before {
		t.Fatal("altering the rows did not change the snapshot")
	}
	var lastEvent int64
	if err := db.QueryRowContext(ctx, "SELECT coalesce(max(id), 0) FROM events").Scan(&lastEvent); err != nil {
		t.Fatal(err)
	}

	herald := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := run(append([]string{"-config", path}, args...), env(nil), &out, &out)
		return out.String(), err
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"resync", "-chain", "nope", "-from", "1"}, `no chain "nope" is configured (configured: xp)`},
		{[]string{"resync", "-chain", "xp", "-from", strconv.FormatUint(head+1, 10)}, "indexed up to " + strconv.FormatUint(head, 10)},
		{[]string{"resync", "-from", "1"}, "-chain NAME is required"},
		{[]string{"resync", "-chain", "xp"}, "-from HEIGHT is required"},
	} {
		if _, err := herald(bad.args...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("herald %s: %v, want an error saying %q", strings.Join(bad.args, " "), err, bad.want)
		}
	}
	if out, err := herald("help", "resync"); err != nil || !strings.Contains(out, "-from height") {
		t.Errorf("herald help resync: %v\n%s", err, out)
	}

	out, err := herald("resync", "-chain", "xp", "-from", strconv.FormatInt(from, 10))
	if err != nil {
		t.Fatalf("herald resync: %v\n%s", err, out)
	}
	if want := "the indexer goes on from " + strconv.FormatInt(from, 10); !strings.Contains(out, want) {
		t.Errorf("herald resync said %q, want it to say %q", out, want)
	}
	waitFor(t, "the running indexer catching up again", func() bool {
		return indexedTo() == int64(head) && snapshotChain(t, db, "xp") == before
	})

	var removed, removedBelow int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FILTER (WHERE block_height >= $2), count(*) FILTER (WHERE block_height < $2)
		FROM events WHERE id > $1 AND kind = 'REMOVED' AND chain = 'xp'`, lastEvent, from).Scan(&removed, &removedBelow); err != nil {
		t.Fatal(err)
	}
	if removed == 0 || removedBelow != 0 {
		t.Errorf("the resync logged %d REMOVED events from %d on and %d below it", removed, from, removedBelow)
	}
}

// snapshotChain is every row a chain's indexing wrote, but the event log
// and the times a row was written, as one comparable text.
func snapshotChain(t *testing.T, db *sql.DB, chain string) string {
	t.Helper()
	ctx := context.Background()
	rows, err := db.QueryContext(ctx, `SELECT table_name FROM information_schema.columns
		WHERE column_name = 'chain' AND table_schema = current_schema()
		AND table_name NOT IN ('events', 'chain_states', 'providers') ORDER BY table_name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, table := range tables {
		var dump sql.NullString
		q := `SELECT string_agg(r, E'\n' ORDER BY r) FROM (SELECT (to_jsonb(t) - 'updated_at' - 'finalized' - 'head')::text AS r
			FROM ` + table + ` t WHERE chain = $1) rows`
		if err := db.QueryRowContext(ctx, q, chain).Scan(&dump); err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		b.WriteString(table + ":\n" + dump.String + "\n")
	}
	return b.String()
}
