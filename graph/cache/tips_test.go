package cache

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

func apply(t *testing.T, st *store.Store, chain string, blocks []store.BlockRef) {
	t.Helper()
	batch := store.Batch{Chain: chain, Head: blocks[len(blocks)-1].Height, KeepBlocks: 100}
	for _, r := range blocks {
		batch.Blocks = append(batch.Blocks, store.Block{BlockRef: r})
	}
	if err := st.Apply(context.Background(), batch); err != nil {
		t.Fatal(err)
	}
}

// A row read from the database just after its commit, before the follower
// moved the cache's tips, is counted from the database's tips: a chain the
// cache does not hold yet, and a height above its tip.
func TestTipsCoverWhatTheDatabaseHolds(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	refs := storetest.Chain(1, 5, storetest.Hash("genesis"), "a")
	apply(t, st, "chain-a", refs[:2])
	status := NewStatus(st, time.Minute, 1<<20)
	defer status.Close()
	if err := status.Live(ctx, 0); err != nil { // tips read now; no event applied after
		t.Fatal(err)
	}
	apply(t, st, "chain-a", refs[2:])
	apply(t, st, "chain-b", storetest.Chain(1, 3, storetest.Hash("genesis-b"), "b"))

	tips := status.Tips()
	if tip, err := tips.Covering(ctx, "chain-a", 2); err != nil || tip.Height != 2 {
		t.Fatalf("a row at the cache's tip: tip %d (%v), want the cache's 2", tip.Height, err)
	}
	if tip, err := tips.Covering(ctx, "chain-a", 5); err != nil || tip.Height != 5 {
		t.Fatalf("a row above the cache's tip: tip %d (%v), want the database's 5", tip.Height, err)
	}
	if tip, err := status.Tips().Covering(ctx, "chain-b", 3); err != nil || tip.Height != 3 || tip.BlockTime.IsZero() {
		t.Fatalf("a chain the cache does not hold: %+v (%v), want the database's tip at 3 with its time", tip, err)
	}
	// One request reads the database once, and goes on with its tips.
	all, err := tips.All(ctx)
	if err != nil || all["chain-a"].Height != 5 || all["chain-b"].Height != 3 {
		t.Fatalf("the request's tips after reading the database: %v (%v)", all, err)
	}
}
