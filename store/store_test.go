package store_test

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

const chain = "test-chain"

func batchOf(refs []store.BlockRef) store.Batch {
	b := store.Batch{Chain: chain, Head: refs[len(refs)-1].Height, KeepBlocks: 1000}
	for _, r := range refs {
		b.Blocks = append(b.Blocks, storetest.SampleBlock(r))
	}
	return b
}

func TestMigrationsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, err := store.Open(ctx, storetest.Empty(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, step := range []struct {
		name string
		run  func(context.Context) ([]string, error)
		want bool // applied afterwards
	}{
		{"up", s.MigrateUp, true},
		{"down", s.MigrateDown, false},
		{"up again", s.MigrateUp, true},
	} {
		names, err := step.run(ctx)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if len(names) == 0 {
			t.Fatalf("%s: no migration ran", step.name)
		}
		status, err := s.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range status {
			if m.Applied != step.want {
				t.Fatalf("after %s: %s applied=%v", step.name, m.Name, m.Applied)
			}
		}
		exists, err := s.DB().NewSelect().TableExpr("pg_tables").Where("tablename = 'registrations'").Exists(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if exists != step.want {
			t.Fatalf("after %s: registrations table exists=%v", step.name, exists)
		}
	}
	if names, err := s.MigrateUp(ctx); err != nil || len(names) != 0 {
		t.Fatalf("second up: ran %v, err %v; want a no-op", names, err)
	}
}

func TestConcurrentMigrateUp(t *testing.T) {
	ctx := context.Background()
	url := storetest.Empty(t)
	var wg sync.WaitGroup
	ran := make([][]string, 4)
	errs := make([]error, 4)
	for i := range ran {
		wg.Go(func() {
			s, err := store.Open(ctx, url)
			if err != nil {
				errs[i] = err
				return
			}
			defer s.Close()
			ran[i], errs[i] = s.MigrateUp(ctx)
		})
	}
	wg.Wait()
	total := 0
	for i := range ran {
		if errs[i] != nil {
			t.Fatalf("process %d: %v", i, errs[i])
		}
		total += len(ran[i])
	}
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	status, err := s.MigrationStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if total != len(status) {
		t.Fatalf("migrations ran %d times in all, want %d (once each)", total, len(status))
	}
	var rows int
	if err := s.DB().NewRaw("SELECT count(*) FROM bun_migrations").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if rows != len(status) {
		t.Fatalf("bun_migrations has %d rows, want %d", rows, len(status))
	}
}

func TestApplyThenRollbackRestoresState(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	base := storetest.Chain(100, 10, storetest.Hash("genesis"), "main")
	if err := s.Apply(ctx, batchOf(base)); err != nil {
		t.Fatal(err)
	}
	before := storetest.Snapshot(t, s, storetest.Tables...)

	more := storetest.Chain(110, 15, base[len(base)-1].Hash, "main")
	if err := s.Apply(ctx, batchOf(more[:7])); err != nil {
		t.Fatal(err)
	}
	if err := s.Apply(ctx, batchOf(more[7:])); err != nil {
		t.Fatal(err)
	}
	if storetest.Snapshot(t, s, "badge_holdings")["badge_holdings"] == before["badge_holdings"] {
		t.Fatal("test is blind: applying blocks did not change holdings")
	}
	if err := s.Rollback(ctx, chain, 109); err != nil {
		t.Fatal(err)
	}
	after := storetest.Snapshot(t, s, storetest.Tables...)
	for _, tbl := range storetest.Tables {
		if before[tbl] != after[tbl] {
			t.Errorf("table %s differs after rollback:\nbefore %s\nafter  %s", tbl, before[tbl], after[tbl])
		}
	}

	// Every row added above 109 got exactly one REMOVED event.
	var added, removed int
	err := s.DB().NewRaw(`SELECT
		count(*) FILTER (WHERE kind = 'ADDED' AND block_height > 109 AND entity <> 'block'),
		count(*) FILTER (WHERE kind = 'REMOVED' AND entity <> 'block')
		FROM events`).Scan(ctx, &added, &removed)
	if err != nil {
		t.Fatal(err)
	}
	if added == 0 || added != removed {
		t.Fatalf("ADDED above 109: %d, REMOVED: %d; want equal and non-zero", added, removed)
	}
}

func TestApplyIsAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(1, 5, storetest.Hash("genesis"), "main")
	if err := s.Apply(ctx, batchOf(refs[:2])); err != nil {
		t.Fatal(err)
	}
	before := storetest.Snapshot(t, s, append(storetest.Tables, "events")...)

	bad := batchOf(refs[2:])
	// The last block repeats a registration's primary key: the batch fails
	// after most of its rows were written.
	last := &bad.Blocks[len(bad.Blocks)-1]
	last.Registrations = append(last.Registrations, last.Registrations[0])
	if err := s.Apply(ctx, bad); err == nil {
		t.Fatal("apply of a batch with a duplicate key succeeded")
	}
	after := storetest.Snapshot(t, s, append(storetest.Tables, "events")...)
	for tbl := range before {
		if before[tbl] != after[tbl] {
			t.Errorf("table %s changed by a failed batch", tbl)
		}
	}
}

func TestDerivedState(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(1, 2, storetest.Hash("g"), "main")
	verifier := storetest.Address(900)
	player := storetest.Address(1)
	mk := func(ref store.BlockRef, uses ...store.NullifierUse) store.Block {
		return store.Block{BlockRef: ref, NullifierUses: uses}
	}
	use := func(n string, log int32, xp string, verified bool) store.NullifierUse {
		return store.NullifierUse{Contract: verifier, Nullifier: n, LogIndex: log, TxHash: "0xt", Event: store.EventXPProofVerified,
			Player: player, ClaimedXP: xp, Verified: verified}
	}
	b := store.Batch{Chain: chain, Blocks: []store.Block{
		mk(refs[0], use("0xa", 0, "40", true), use("0xb", 1, "7", false), use("0xa", 2, "99", true)),
		mk(refs[1], use("0xb", 0, "5", true), use("0xc", 1, "60", true)),
	}}
	if err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	var xp string
	var uses int
	if err := s.DB().NewRaw("SELECT xp::text, uses FROM player_xp WHERE player = ?", player).Scan(ctx, &xp, &uses); err != nil {
		t.Fatal(err)
	}
	// 0xa (40) and 0xc (60) count; 0xb's first use was unverified; the
	// repeats are reuse attempts.
	if xp != "100" || uses != 2 {
		t.Fatalf("player XP = %s over %d uses, want 100 over 2", xp, uses)
	}
	var dups int
	if err := s.DB().NewRaw("SELECT count(*) FROM reuse_attempts WHERE kind = ?", store.ReuseDuplicate).Scan(ctx, &dups); err != nil {
		t.Fatal(err)
	}
	if dups != 2 {
		t.Fatalf("duplicate uses = %d, want 2", dups)
	}
	if err := s.Rollback(ctx, chain, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().NewRaw("SELECT xp::text, uses FROM player_xp WHERE player = ?", player).Scan(ctx, &xp, &uses); err != nil {
		t.Fatal(err)
	}
	if xp != "40" || uses != 1 {
		t.Fatalf("after rollback: XP = %s over %d uses, want 40 over 1", xp, uses)
	}
}

func TestRollbackBeyondWindow(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(10, 20, storetest.Hash("g"), "main")
	b := batchOf(refs)
	b.KeepBlocks = 5
	if err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := s.Rollback(ctx, chain, 15); !errors.Is(err, store.ErrBeyondWindow) {
		t.Fatalf("rollback below the window: err = %v, want ErrBeyondWindow", err)
	}
	// Below the first indexed block the chain starts over.
	if err := s.Rollback(ctx, chain, 9); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Cursor(ctx, chain); err != nil || ok {
		t.Fatalf("cursor after starting over: ok=%v err=%v, want none", ok, err)
	}
	for tbl, js := range storetest.Snapshot(t, s, storetest.Tables...) {
		if js != "[]" {
			t.Errorf("table %s not empty after starting over: %s", tbl, js)
		}
	}
}

// A resync goes below the window to a block the source names, and a batch
// read from the cursor it replaced lands nowhere.
func TestResyncBelowWindow(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(10, 20, storetest.Hash("g"), "main")
	b := batchOf(refs[:15])
	b.KeepBlocks = 5
	if err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	// Block 14 is below the stored 19..24: only a resync reaches it.
	if err := s.Resync(ctx, chain, refs[4]); err != nil {
		t.Fatal(err)
	}
	cur, ok, err := s.Cursor(ctx, chain)
	if err != nil || !ok || cur.Height != 14 || cur.Hash != refs[4].Hash {
		t.Fatalf("cursor after resync: %+v ok=%v err=%v, want block 14", cur, ok, err)
	}
	if hash, ok, err := s.BlockHash(ctx, chain, 14); err != nil || !ok || hash != refs[4].Hash {
		t.Fatalf("block 14 after resync: %q ok=%v err=%v", hash, ok, err)
	}
	stale := batchOf(refs[15:])
	if err := s.Apply(ctx, stale); !errors.Is(err, store.ErrCursorMoved) {
		t.Fatalf("a batch from the replaced cursor: err = %v, want ErrCursorMoved", err)
	}
	if err := s.Apply(ctx, batchOf(refs[5:])); err != nil {
		t.Fatalf("a batch from the new cursor: %v", err)
	}
	if err := s.Resync(ctx, chain, store.BlockRef{Height: 5, Hash: storetest.Hash("x")}); err == nil {
		t.Fatal("a resync below where indexing began succeeded")
	}
	if err := s.Resync(ctx, "unindexed", refs[4]); err == nil {
		t.Fatal("a resync of a chain never indexed succeeded")
	}
}
