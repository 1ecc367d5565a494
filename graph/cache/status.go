// Package cache keeps what the gateway answers most — NFT status and whole
// NFT-status responses — in memory, within byte budgets, and in step with
// the event log: the realtime follower hands it every batch of events
// before any subscriber sees them, and each batch evicts what it changes.
package cache

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/store"
)

// Status keeps what an `nft` answer is made of — its registration summary,
// its record, the pages of its registrations — across requests, and the
// chains' indexed tips. Every registration or record event evicts the NFTs it
// touches and every block event moves a tip, so an answer is never staler
// than the event log the gateway has read. The TTL is only a safety net.
// Confirmations are not cached: they are computed from the tips when read.
type Status struct {
	st      *store.Store
	entries *otter.Cache[string, *nftEntry]

	mu   sync.RWMutex
	tips map[string]store.Cursor
	// version counts invalidations. What is read from the database is kept
	// only if no invalidation happened while it was being read; otherwise
	// it may predate the event that evicted it.
	version uint64

	// live is set while the follower keeps the cache in step; until then
	// nothing is kept, as nothing would evict it.
	live atomic.Bool
	// generation moves with every event that can change an NFT answer: a
	// registration, a record, a block of a chain with collections (tips,
	// confirmations). Whole cached answers are valid for one generation.
	generation atomic.Uint64
	// position is the newest event applied.
	position atomic.Int64

	// collections change only when an indexer restarts with a new config;
	// they are read again after collectionsTTL.
	colsMu      sync.Mutex
	cols        map[string]store.Collection
	colsExpires time.Time

	hits, misses atomic.Uint64
	// onInvalidate, when set, hears every eviction (tests wait on it).
	onInvalidate atomic.Pointer[func(ids []string)]
}

var _ realtime.Consumer = (*Status)(nil)

type nftEntry struct {
	sum store.NFTSummary
	// record is the record of sum.Last, once looked up.
	record    *store.RegistrationRecord
	hasRecord bool
	pages     map[PageKey]store.PageOf[store.Registration]
}

// PageKey asks for one page of one NFT's registrations: the store's page
// whole, so that every way of asking for one (forward or backward, with a
// count or the flag past its cursor) is a key of its own.
type PageKey struct {
	ID     string
	Status string // comma-joined, sorted
	Page   store.Page
}

// StatusKey is the Status of a PageKey asking for registrations of these
// statuses: the same key whatever their order.
func StatusKey(status []string) string {
	s := slices.Clone(status)
	slices.Sort(s)
	return strings.Join(s, ",")
}

// NewStatus returns a status cache of st's NFTs of about maxBytes, whose
// entries live at most ttl.
func NewStatus(st *store.Store, ttl time.Duration, maxBytes uint64) *Status {
	entries := otter.Must(&otter.Options[string, *nftEntry]{
		MaximumWeight:    maxBytes,
		Weigher:          func(id string, e *nftEntry) uint32 { return e.weight(id) },
		ExpiryCalculator: otter.ExpiryWriting[string, *nftEntry](ttl),
	})
	return &Status{st: st, entries: entries}
}

// Close stops the cache's maintenance goroutines.
func (c *Status) Close() { c.entries.StopAllGoroutines() }

// PeekSummary returns a cached summary without waiting for anything.
func (c *Status) PeekSummary(id string) (store.NFTSummary, bool) {
	if e, ok := c.entries.GetIfPresent(id); ok {
		c.hits.Add(1)
		return e.sum, true
	}
	return store.NFTSummary{}, false
}

// Summaries returns a summary per id, from the cache or the store.
func (c *Status) Summaries(ctx context.Context, ids []string) ([]store.NFTSummary, error) {
	out := make([]store.NFTSummary, len(ids))
	var missing []string
	var missingAt []int
	version := c.Version()
	for i, id := range ids {
		if e, ok := c.entries.GetIfPresent(id); ok {
			out[i] = e.sum
			continue
		}
		missing = append(missing, id)
		missingAt = append(missingAt, i)
	}
	c.hits.Add(uint64(len(ids) - len(missing)))
	c.misses.Add(uint64(len(missing)))
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := c.st.NFTSummaries(ctx, missing)
	if err != nil {
		return nil, err
	}
	for j, i := range missingAt {
		out[i] = loaded[j]
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version || !c.live.Load() {
		return out, nil
	}
	for _, s := range loaded {
		c.entries.Set(s.ID, &nftEntry{sum: s})
	}
	return out, nil
}

// PeekRecord returns the cached record of an NFT's last registration.
func (c *Status) PeekRecord(id string) (*store.RegistrationRecord, bool) {
	if e, ok := c.entries.GetIfPresent(id); ok && e.hasRecord {
		return e.record, true
	}
	return nil, false
}

// PutRecord keeps the record of an NFT's last registration, read when the
// cache was at version.
func (c *Status) PutRecord(id string, version uint64, rec *store.RegistrationRecord) {
	c.update(id, version, func(e *nftEntry) bool {
		e.record, e.hasRecord = rec, true
		return true
	})
}

// PeekPage returns a cached page of an NFT's registrations.
func (c *Status) PeekPage(k PageKey) (store.PageOf[store.Registration], bool) {
	if e, ok := c.entries.GetIfPresent(k.ID); ok {
		pg, ok := e.pages[k]
		return pg, ok
	}
	return store.PageOf[store.Registration]{}, false
}

// PutPage keeps a page of an NFT's registrations, read at version.
func (c *Status) PutPage(k PageKey, version uint64, pg store.PageOf[store.Registration]) {
	c.update(k.ID, version, func(e *nftEntry) bool {
		if len(e.pages) >= 16 { // a few page shapes per NFT; not every cursor
			return false
		}
		e.pages = maps.Clone(e.pages)
		if e.pages == nil {
			e.pages = make(map[PageKey]store.PageOf[store.Registration])
		}
		// Kept at its length: a page read by appending holds up to
		// twice the rows it has.
		pg.Rows, pg.Cursors = slices.Clip(slices.Clone(pg.Rows)), slices.Clip(slices.Clone(pg.Cursors))
		e.pages[k] = pg
		return true
	})
}

// update replaces id's entry by a changed copy (entries are shared with
// readers, and the cache weighs an entry when it is set), if the cache is
// still at version.
func (c *Status) update(id string, version uint64, change func(*nftEntry) bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version {
		return
	}
	c.entries.ComputeIfPresent(id, func(old *nftEntry) (*nftEntry, otter.ComputeOp) {
		e := *old
		if !change(&e) {
			return old, otter.CancelOp
		}
		return &e, otter.WriteOp
	})
}

// Version is the version to hand to Put* after a database read.
func (c *Status) Version() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

// Cursors returns the chains' indexed tips: the cache's when it follows the
// log, else the database's.
func (c *Status) Cursors(ctx context.Context) (map[string]store.Cursor, error) {
	tips, _, err := c.cursors(ctx)
	return tips, err
}

// cursors also says whether the tips were read from the database.
func (c *Status) cursors(ctx context.Context) (tips map[string]store.Cursor, fromDB bool, err error) {
	if c.live.Load() {
		c.mu.RLock()
		tips := c.tips
		c.mu.RUnlock()
		if tips != nil {
			return tips, false, nil
		}
	}
	tips, err = loadCursors(ctx, c.st)
	return tips, true, err
}

const collectionsTTL = 10 * time.Second

// Collections returns the configured collections by CollectionKey.
func (c *Status) Collections(ctx context.Context) (map[string]store.Collection, error) {
	c.colsMu.Lock()
	defer c.colsMu.Unlock()
	if c.cols != nil && time.Now().Before(c.colsExpires) {
		return c.cols, nil
	}
	cs, err := c.st.Collections(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]store.Collection, len(cs))
	for _, col := range cs {
		m[CollectionKey(col.Chain, col.Name)] = col
	}
	c.cols, c.colsExpires = m, time.Now().Add(collectionsTTL)
	return m, nil
}

// CollectionKey is a collection's key in Collections' map.
func CollectionKey(chain, name string) string { return chain + "\x00" + name }

func loadCursors(ctx context.Context, st *store.Store) (map[string]store.Cursor, error) {
	cs, err := st.Cursors(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]store.Cursor, len(cs))
	for _, c := range cs {
		m[c.Chain] = c
	}
	return m, nil
}

// Live implements realtime.Consumer: the follower listens from position on,
// so the tips read now are moved by every event after it.
func (c *Status) Live(ctx context.Context, position int64) error {
	tips, err := loadCursors(ctx, c.st)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.tips = tips
	c.mu.Unlock()
	c.position.Store(position)
	c.live.Store(true)
	return nil
}

// Lost implements realtime.Consumer: nothing keeps the cache in step any
// more, so it keeps nothing until it is live again.
func (c *Status) Lost() {
	c.live.Store(false)
	c.generation.Add(1)
	c.mu.Lock()
	c.version++
	c.tips = nil
	c.mu.Unlock()
	c.entries.InvalidateAll()
}

// Apply implements realtime.Consumer: it brings the cache in step with new
// events.
func (c *Status) Apply(evs []realtime.Event) {
	if len(evs) == 0 {
		return
	}
	defer c.position.Store(evs[len(evs)-1].ID)
	var ids []string
	var feeTxIDs map[string]bool
	var tips map[string]store.Cursor
	touchesCollections := false
	for _, ev := range evs {
		switch p := ev.Payload.(type) {
		case *store.Registration:
			ids = append(ids, p.InscriptionID)
		case *store.RegistrationRecord:
			ids = append(ids, p.Parent)
			if feeTxIDs == nil {
				feeTxIDs = map[string]bool{}
			}
			feeTxIDs[p.FeeTxID] = true
		case *store.BlockRef:
			if tips == nil {
				c.mu.RLock()
				tips = maps.Clone(c.tips)
				c.mu.RUnlock()
				if tips == nil {
					tips = map[string]store.Cursor{}
				}
			}
			tip := tips[ev.Chain]
			tip.Chain, tip.UpdatedAt = ev.Chain, ev.CreatedAt
			if ev.Kind == store.KindAdded {
				tip.Height, tip.Hash, tip.BlockTime = p.Height, p.Hash, p.Time
			} else {
				// The parent became the tip; its hash is the removed
				// block's parent.
				tip.Height, tip.Hash = p.Height-1, p.Parent
			}
			tips[ev.Chain] = tip
			touchesCollections = touchesCollections || c.hasCollections(ev.Chain)
		}
	}
	if len(ids) == 0 && feeTxIDs == nil && tips == nil {
		return
	}
	if len(ids) > 0 || feeTxIDs != nil || touchesCollections {
		c.generation.Add(1)
	}
	c.mu.Lock()
	if tips != nil {
		c.tips = tips
	}
	if len(ids) > 0 || feeTxIDs != nil {
		c.version++
		for _, id := range ids {
			c.entries.Invalidate(id)
		}
		// A record may name a payment of an NFT other than its parent.
		if feeTxIDs != nil {
			for id, e := range c.entries.All() {
				if e.sum.Last != nil && feeTxIDs[e.sum.Last.TxID] {
					c.entries.Invalidate(id)
					ids = append(ids, id)
				}
			}
		}
	}
	c.mu.Unlock()
	if hook := c.onInvalidate.Load(); hook != nil && len(ids) > 0 {
		(*hook)(ids)
	}
}

// hasCollections reports whether chain has collections (or, while the
// collections are not known, may have).
func (c *Status) hasCollections(chain string) bool {
	c.colsMu.Lock()
	defer c.colsMu.Unlock()
	if c.cols == nil {
		return true
	}
	for _, col := range c.cols {
		if col.Chain == chain {
			return true
		}
	}
	return false
}

// IsLive reports whether the cache is kept in step with the event log.
func (c *Status) IsLive() bool { return c.live.Load() }

// Generation moves with every event that can change an NFT answer.
func (c *Status) Generation() uint64 { return c.generation.Load() }

// Position is the newest event applied.
func (c *Status) Position() int64 { return c.position.Load() }

// HitRatio is hits / lookups since start.
func (c *Status) HitRatio() float64 {
	h, m := c.hits.Load(), c.misses.Load()
	if h+m == 0 {
		return 0
	}
	return float64(h) / float64(h+m)
}

// OnInvalidate makes the cache call f with the NFTs of every eviction
// (tests wait on it).
func (c *Status) OnInvalidate(f func(ids []string)) { c.onInvalidate.Store(&f) }
