package graph

import (
	"context"
	"encoding/json"
	"maps"
	"sync"
	"sync/atomic"
	"time"

	"github.com/herald-indexer/herald/store"
)

// statusCache keeps what an `nft` answer is made of — its registration
// summary, its record, the pages of its registrations — across requests,
// and the chains' indexed tips. It is kept in step by the event log: every
// registration or record event evicts the NFTs it touches, every block event
// moves a tip, so an answer is never staler than the NOTIFY that follows the
// commit. The TTL is only a safety net for a feed that fell behind.
// Confirmations are not cached: they are computed from the tips when read.
type statusCache struct {
	ttl time.Duration
	max int

	mu      sync.RWMutex
	entries map[string]*nftEntry
	tips    map[string]store.Cursor
	// version counts invalidations. What is read from the database is kept
	// only if no invalidation happened while it was being read; otherwise
	// it may predate the event that evicted it.
	version uint64

	// live is set once the cache follows the event log; until then nothing
	// is kept, as nothing would evict it.
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
	onInvalidate func(ids []string)
}

type nftEntry struct {
	sum     store.NFTSummary
	expires time.Time
	// record is the record of sum.Last, once looked up.
	record    *store.RegistrationRecord
	hasRecord bool
	pages     map[nftRegsKey]store.PageOf[store.Registration]
}

func newStatusCache(ttl time.Duration, max int) *statusCache {
	return &statusCache{ttl: ttl, max: max, entries: make(map[string]*nftEntry)}
}

// entry returns a live entry, or nil.
func (c *statusCache) entry(id string) *nftEntry {
	e := c.entries[id]
	if e == nil || time.Now().After(e.expires) {
		return nil
	}
	return e
}

// peekSummary returns a cached summary without waiting for anything.
func (c *statusCache) peekSummary(id string) (store.NFTSummary, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.entry(id); e != nil {
		c.hits.Add(1)
		return e.sum, true
	}
	return store.NFTSummary{}, false
}

// summaries returns a summary per id, from the cache or the store.
func (c *statusCache) summaries(ctx context.Context, st *store.Store, ids []string) ([]store.NFTSummary, error) {
	out := make([]store.NFTSummary, len(ids))
	var missing []string
	var missingAt []int
	c.mu.RLock()
	version := c.version
	for i, id := range ids {
		if e := c.entry(id); e != nil {
			out[i] = e.sum
			continue
		}
		missing = append(missing, id)
		missingAt = append(missingAt, i)
	}
	c.mu.RUnlock()
	c.hits.Add(uint64(len(ids) - len(missing)))
	c.misses.Add(uint64(len(missing)))
	if len(missing) == 0 {
		return out, nil
	}
	loaded, err := st.NFTSummaries(ctx, missing, nil)
	if err != nil {
		return nil, err
	}
	for j, i := range missingAt {
		out[i] = loaded[j]
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.version != version || !c.live.Load() {
		return out, nil
	}
	if len(c.entries)+len(loaded) > c.max {
		// Crude but bounded: start over rather than track recency.
		c.entries = make(map[string]*nftEntry)
	}
	expires := time.Now().Add(c.ttl)
	for _, s := range loaded {
		c.entries[s.ID] = &nftEntry{sum: s, expires: expires}
	}
	return out, nil
}

// peekRecord returns the cached record of an NFT's last registration.
func (c *statusCache) peekRecord(id string) (*store.RegistrationRecord, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.entry(id); e != nil && e.hasRecord {
		return e.record, true
	}
	return nil, false
}

// putRecord keeps the record of an NFT's last registration, read when the
// cache was at version.
func (c *statusCache) putRecord(id string, version uint64, rec *store.RegistrationRecord) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entry(id); e != nil && c.version == version {
		e.record, e.hasRecord = rec, true
	}
}

// peekPage returns a cached page of an NFT's registrations.
func (c *statusCache) peekPage(k nftRegsKey) (store.PageOf[store.Registration], bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if e := c.entry(k.id); e != nil {
		pg, ok := e.pages[k]
		return pg, ok
	}
	return store.PageOf[store.Registration]{}, false
}

// putPage keeps a page of an NFT's registrations, read at version.
func (c *statusCache) putPage(k nftRegsKey, version uint64, pg store.PageOf[store.Registration]) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.entry(k.id)
	if e == nil || c.version != version {
		return
	}
	if e.pages == nil {
		e.pages = make(map[nftRegsKey]store.PageOf[store.Registration])
	}
	if len(e.pages) < 16 { // a few page shapes per NFT; not every cursor
		e.pages[k] = pg
	}
}

// currentVersion is the version to hand to put* after a database read.
func (c *statusCache) currentVersion() uint64 {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.version
}

// cursors returns the chains' indexed tips: the cache's when it follows the
// log, else the database's.
func (c *statusCache) cursors(ctx context.Context, st *store.Store) (map[string]store.Cursor, error) {
	if c.live.Load() {
		c.mu.RLock()
		tips := c.tips
		c.mu.RUnlock()
		if tips != nil {
			return tips, nil
		}
	}
	return loadCursors(ctx, st)
}

const collectionsTTL = 10 * time.Second

// collections returns the configured collections by chain and name.
func (c *statusCache) collections(ctx context.Context, st *store.Store) (map[string]store.Collection, error) {
	c.colsMu.Lock()
	defer c.colsMu.Unlock()
	if c.cols != nil && time.Now().Before(c.colsExpires) {
		return c.cols, nil
	}
	cs, err := st.Collections(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[string]store.Collection, len(cs))
	for _, col := range cs {
		m[collectionKey(col.Chain, col.Name)] = col
	}
	c.cols, c.colsExpires = m, time.Now().Add(collectionsTTL)
	return m, nil
}

func collectionKey(chain, name string) string { return chain + "\x00" + name }

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

// apply brings the cache in step with new events.
func (c *statusCache) apply(evs []store.Event) {
	if len(evs) > 0 {
		defer c.position.Store(evs[len(evs)-1].ID)
	}
	var ids []string
	var feeTxIDs map[string]bool
	var tips map[string]store.Cursor
	for _, ev := range evs {
		switch ev.Entity {
		case store.EntityRegistration:
			var r struct {
				InscriptionID string `json:"inscriptionId"`
			}
			if json.Unmarshal(ev.Data, &r) == nil && r.InscriptionID != "" {
				ids = append(ids, r.InscriptionID)
			}
		case store.EntityRecord:
			var r struct {
				Parent  string `json:"parent"`
				FeeTxID string `json:"feeTxid"`
			}
			if json.Unmarshal(ev.Data, &r) == nil {
				ids = append(ids, r.Parent)
				if feeTxIDs == nil {
					feeTxIDs = map[string]bool{}
				}
				feeTxIDs[r.FeeTxID] = true
			}
		case store.EntityBlock:
			var ref store.BlockRef
			if json.Unmarshal(ev.Data, &ref) != nil {
				continue
			}
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
				tip.Height, tip.Hash, tip.BlockTime = ref.Height, ref.Hash, ref.Time
			} else {
				// The parent became the tip; its hash is the removed
				// block's parent.
				tip.Height, tip.Hash = ref.Height-1, ref.Parent
			}
			tips[ev.Chain] = tip
		}
	}
	if len(ids) == 0 && feeTxIDs == nil && tips == nil {
		return
	}
	if len(ids) > 0 || feeTxIDs != nil || c.touchesCollections(evs) {
		c.generation.Add(1)
	}
	c.mu.Lock()
	if tips != nil {
		c.tips = tips
	}
	if len(ids) > 0 || feeTxIDs != nil {
		c.version++
		for _, id := range ids {
			delete(c.entries, id)
		}
		// A record may name a payment of an NFT other than its parent.
		for id, e := range c.entries {
			if e.sum.Last != nil && feeTxIDs[e.sum.Last.TxID] {
				delete(c.entries, id)
				ids = append(ids, id)
			}
		}
	}
	hook := c.onInvalidate
	c.mu.Unlock()
	if hook != nil && len(ids) > 0 {
		hook(ids)
	}
}

// touchesCollections reports whether evs hold a block of a chain with
// collections (or of any chain, while the collections are not known).
func (c *statusCache) touchesCollections(evs []store.Event) bool {
	c.colsMu.Lock()
	cols := c.cols
	c.colsMu.Unlock()
	for _, ev := range evs {
		if ev.Entity != store.EntityBlock {
			continue
		}
		if cols == nil {
			return true
		}
		for _, col := range cols {
			if col.Chain == ev.Chain {
				return true
			}
		}
	}
	return false
}

// run follows the event log from its current end until ctx ends; the cache
// keeps entries only while it runs.
func (c *statusCache) run(ctx context.Context, st *store.Store, safety time.Duration) error {
	defer func() {
		c.live.Store(false)
		c.generation.Add(1)
		c.mu.Lock()
		c.version++
		c.entries = make(map[string]*nftEntry)
		c.tips = nil
		c.mu.Unlock()
	}()
	last, err := st.LastEventID(ctx)
	if err != nil {
		return err
	}
	return st.Tail(ctx, last, safety, func() {
		// Tips from the database once listening: events from here on
		// move them.
		if tips, err := loadCursors(ctx, st); err == nil {
			c.mu.Lock()
			c.tips = tips
			c.mu.Unlock()
			c.position.Store(max(c.position.Load(), last))
			c.live.Store(true)
		}
	}, func(_ context.Context, evs []store.Event) error {
		c.apply(evs)
		return nil
	})
}

// hitRatio is hits / lookups since start.
func (c *statusCache) hitRatio() float64 {
	h, m := c.hits.Load(), c.misses.Load()
	if h+m == 0 {
		return 0
	}
	return float64(h) / float64(h+m)
}
