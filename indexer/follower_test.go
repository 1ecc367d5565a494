package indexer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

const window = 8

// scriptedChain is an in-memory chain whose blocks carry storetest's sample
// changes; tests replace its tip to stage reorgs.
type scriptedChain struct {
	mu   sync.Mutex
	refs []store.BlockRef // refs[i] is at height base+i
	base int64
}

func newScriptedChain(base int64, n int) *scriptedChain {
	return &scriptedChain{base: base, refs: storetest.Chain(base, n, storetest.Hash("genesis"), "main")}
}

// fork replaces everything from height at with n new blocks of a branch.
func (c *scriptedChain) fork(at int64, n int, branch string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	keep := c.refs[:at-c.base]
	c.refs = append(keep[:len(keep):len(keep)], storetest.Chain(at, n, keep[len(keep)-1].Hash, branch)...)
}

func (c *scriptedChain) extend(n int, branch string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	last := c.refs[len(c.refs)-1]
	c.refs = append(c.refs, storetest.Chain(last.Height+1, n, last.Hash, branch)...)
}

func (c *scriptedChain) Head(context.Context) (indexer.Head, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return indexer.Head{Height: c.base + int64(len(c.refs)) - 1}, nil
}

func (c *scriptedChain) BlockRef(_ context.Context, h int64) (store.BlockRef, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if h < c.base || h-c.base >= int64(len(c.refs)) {
		return store.BlockRef{}, fmt.Errorf("no block at %d", h)
	}
	return c.refs[h-c.base], nil
}

func (c *scriptedChain) Blocks(ctx context.Context, from, to int64) ([]store.Block, error) {
	var out []store.Block
	for h := from; h <= to; h++ {
		ref, err := c.BlockRef(ctx, h)
		if err != nil {
			return nil, err
		}
		out = append(out, storetest.SampleBlock(ref))
	}
	return out, nil
}

// flakyStore fails every nth Apply before it reaches the database, the way a
// crash between batches would.
type flakyStore struct {
	*store.Store
	n, calls int
}

func (s *flakyStore) Apply(ctx context.Context, b store.Batch) error {
	s.calls++
	if s.n > 0 && s.calls%s.n == 0 {
		return errors.New("injected crash before commit")
	}
	return s.Store.Apply(ctx, b)
}

func newFollower(src indexer.Source, st indexer.Store) *indexer.Follower {
	cfg := indexer.Config{Chain: "scripted", StartHeight: 100, ReorgWindow: window, BatchSize: 4}
	return indexer.NewFollower(cfg, src, st, slog.New(slog.NewTextHandler(io.Discard, nil)), indexer.Observer{})
}

// catchUp steps the follower until it has nothing left to do. Errors are
// retried, as Run would; ErrReorgTooDeep is returned.
func catchUp(t *testing.T, f *indexer.Follower) error {
	t.Helper()
	for range 1000 {
		progressed, err := f.Step(context.Background())
		if errors.Is(err, indexer.ErrReorgTooDeep) {
			return err
		}
		if err != nil && testing.Verbose() {
			t.Log(err)
		}
		if err == nil && !progressed {
			return nil
		}
	}
	t.Fatal("follower did not catch up in 1000 steps")
	return nil
}

// replay indexes chain from scratch into a fresh database.
func replay(t *testing.T, chain *scriptedChain) map[string]string {
	t.Helper()
	s := storetest.New(t)
	if err := catchUp(t, newFollower(chain, s)); err != nil {
		t.Fatal(err)
	}
	return storetest.Snapshot(t, s, storetest.Tables...)
}

func assertSame(t *testing.T, got, want map[string]string) {
	t.Helper()
	for _, tbl := range storetest.Tables {
		if got[tbl] != want[tbl] {
			t.Errorf("table %s differs from a clean replay of the final chain:\ngot  %.400s\nwant %.400s", tbl, got[tbl], want[tbl])
		}
	}
}

func TestFollowerForks(t *testing.T) {
	for _, tc := range []struct {
		name  string
		depth int64
	}{
		{"depth 1", 1},
		{"depth 5", 5},
		{"depth = window", window},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := storetest.New(t)
			chain := newScriptedChain(100, 30)
			f := newFollower(chain, s)
			if err := catchUp(t, f); err != nil {
				t.Fatal(err)
			}
			// The new branch replaces the top depth blocks and grows longer.
			tip := int64(100 + 30 - 1)
			chain.fork(tip-tc.depth+1, int(tc.depth)+2, "fork")
			if err := catchUp(t, f); err != nil {
				t.Fatal(err)
			}
			assertSame(t, storetest.Snapshot(t, s, storetest.Tables...), replay(t, chain))

			var removed int
			if err := s.DB().NewRaw("SELECT count(*) FROM events WHERE kind = 'REMOVED' AND entity = 'block'").
				Scan(context.Background(), &removed); err != nil {
				t.Fatal(err)
			}
			if int64(removed) != tc.depth {
				t.Fatalf("REMOVED block events = %d, want %d", removed, tc.depth)
			}
		})
	}
}

func TestFollowerReplacedTip(t *testing.T) {
	// A same-height replacement of the tip is found without a new block.
	s := storetest.New(t)
	chain := newScriptedChain(100, 10)
	f := newFollower(chain, s)
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	chain.fork(109, 1, "sibling")
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	assertSame(t, storetest.Snapshot(t, s, storetest.Tables...), replay(t, chain))
}

func TestFollowerReorgDeeperThanWindowStops(t *testing.T) {
	s := storetest.New(t)
	chain := newScriptedChain(100, 30)
	f := newFollower(chain, s)
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	before := storetest.Snapshot(t, s, storetest.Tables...)
	chain.fork(129-window, window+3, "deep")
	if err := catchUp(t, f); !errors.Is(err, indexer.ErrReorgTooDeep) {
		t.Fatalf("reorg of depth window+1: err = %v, want ErrReorgTooDeep", err)
	}
	assertSame(t, storetest.Snapshot(t, s, storetest.Tables...), before)
}

func TestFollowerSurvivesCrashesAndRestarts(t *testing.T) {
	s := storetest.New(t)
	chain := newScriptedChain(100, 25)
	flaky := &flakyStore{Store: s, n: 3}
	if err := catchUp(t, newFollower(chain, flaky)); err != nil {
		t.Fatal(err)
	}
	// A restart is a new follower on the same database: it resumes from the
	// cursor, through a reorg that happened while it was down.
	chain.fork(120, 10, "while-down")
	chain.extend(3, "while-down")
	if err := catchUp(t, newFollower(chain, flaky)); err != nil {
		t.Fatal(err)
	}
	if flaky.calls < 6 {
		t.Fatalf("only %d applies: the crash injection did not happen", flaky.calls)
	}
	assertSame(t, storetest.Snapshot(t, s, storetest.Tables...), replay(t, chain))
}

func TestFollowerStartOverWhenStartBlockReorged(t *testing.T) {
	s := storetest.New(t)
	chain := newScriptedChain(99, 4) // 99 is the start's parent, never indexed
	f := newFollower(chain, s)
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	chain.fork(100, 6, "from-start")
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	assertSame(t, storetest.Snapshot(t, s, storetest.Tables...), replay(t, chain))
}

// A reorg to a branch with fewer blocks than the indexed chain (fork
// choice that is not longest-chain does this; so can a most-work chain) is
// rolled back at once, without waiting for the new branch to grow past the
// indexed tip.
func TestFollowerShorterBranch(t *testing.T) {
	s := storetest.New(t)
	chain := newScriptedChain(100, 30) // tip 129
	f := newFollower(chain, s)
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	chain.fork(125, 2, "shorter") // tip 126: five blocks replaced by two
	if err := catchUp(t, f); err != nil {
		t.Fatal(err)
	}
	// Everything as a clean index of the new chain has it, but for the
	// recent block hashes: those pruned below 129's window are not back.
	got, want := storetest.Snapshot(t, s, storetest.Tables...), replay(t, chain)
	got["blocks"], want["blocks"] = "", ""
	assertSame(t, got, want)
	for h := int64(120); h <= 126; h++ {
		stored, ok, err := s.BlockHash(context.Background(), "scripted", h)
		ref, _ := chain.BlockRef(context.Background(), h)
		if err != nil || !ok || stored != ref.Hash {
			t.Errorf("stored block %d: %s (found %v, %v), want %s", h, stored, ok, err, ref.Hash)
		}
	}
	cur, _, err := s.Cursor(context.Background(), "scripted")
	if err != nil || cur.Height != 126 || cur.Head != 126 {
		t.Fatalf("cursor %+v (%v), want height and head 126", cur, err)
	}
}

// laggingChain shows a chain as a source that has not caught up with it
// sees it: only up to lag blocks below its tip.
type laggingChain struct {
	*scriptedChain
	lag int64
}

func (c laggingChain) Head(ctx context.Context) (indexer.Head, error) {
	h, err := c.scriptedChain.Head(ctx)
	h.Height -= c.lag
	return h, err
}

func (c laggingChain) BlockRef(ctx context.Context, h int64) (store.BlockRef, error) {
	if head, _ := c.Head(ctx); h > head.Height {
		return store.BlockRef{}, fmt.Errorf("no block at %d yet", h)
	}
	return c.scriptedChain.BlockRef(ctx, h)
}

// A source that is merely behind the indexed tip never causes a rollback:
// its blocks are the indexed ones, and the follower waits for it. Its head
// is what _meta reports.
func TestFollowerLaggingSourceRollsNothingBack(t *testing.T) {
	s := storetest.New(t)
	chain := newScriptedChain(100, 30)
	if err := catchUp(t, newFollower(chain, s)); err != nil {
		t.Fatal(err)
	}
	before := storetest.Snapshot(t, s, storetest.Tables...)
	lagging := newFollower(laggingChain{chain, 4}, s)
	for range 3 {
		if progressed, err := lagging.Step(context.Background()); err != nil || progressed {
			t.Fatalf("step behind a lagging source: progressed %v, err %v", progressed, err)
		}
	}
	assertSame(t, storetest.Snapshot(t, s, storetest.Tables...), before)
	cur, _, err := s.Cursor(context.Background(), "scripted")
	if err != nil || cur.Height != 129 || cur.Head != 125 {
		t.Fatalf("cursor %+v (%v), want height 129 and the source's head 125", cur, err)
	}
}
