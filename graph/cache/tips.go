package cache

import (
	"context"
	"sync"

	"github.com/herald-indexer/herald/store"
)

// Tips is one request's view of the chains' indexed tips, from which it
// counts confirmations. The cache's tips lag the database by the
// follower's latency — they move when it applies an event — so a row a
// request reads from the database just after its commit can be above
// them, or on a chain they do not hold yet. Asked for such a row, Tips
// reads the database's tips, once, and the request goes on with those.
// (Without this, such a row counted zero confirmations, and an NFT's
// lastUpdated had no tip: a null time, an internal error.)
type Tips struct {
	status *Status
	mu     sync.Mutex
	tips   map[string]store.Cursor
	err    error
	read   bool
	fresh  bool // read from the database
}

// Tips starts a request's view of the tips; nothing is read until asked.
func (c *Status) Tips() *Tips { return &Tips{status: c} }

// All returns every chain's tip.
func (t *Tips) All(ctx context.Context) (map[string]store.Cursor, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.load(ctx)
	return t.tips, t.err
}

// Covering returns chain's tip for a row at height: at or above it, unless
// the database's own tip is below it (a reorg rolled it back meanwhile).
func (t *Tips) Covering(ctx context.Context, chain string, height int64) (store.Cursor, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.load(ctx)
	if t.err != nil {
		return store.Cursor{}, t.err
	}
	if tip, ok := t.tips[chain]; (!ok || tip.Height < height) && !t.fresh {
		t.fresh = true
		t.tips, t.err = loadCursors(ctx, t.status.st)
	}
	return t.tips[chain], t.err
}

func (t *Tips) load(ctx context.Context) {
	if t.read {
		return
	}
	t.read = true
	t.tips, t.fresh, t.err = t.status.cursors(ctx)
}
