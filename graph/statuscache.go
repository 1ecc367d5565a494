package graph

import (
	"context"
	"encoding/json"
	"sync"
	"sync/atomic"
	"time"

	"github.com/herald-indexer/herald/store"
)

// statusCache keeps NFT summaries (the registration part of an `nft`
// answer) across requests. It is invalidated by the event log: every
// registration event evicts its NFT, so an answer is never staler than the
// NOTIFY that follows the commit. The TTL is only a safety net for a feed
// that fell behind. Confirmations are not cached: they are computed from the
// chain tip at read time.
type statusCache struct {
	ttl time.Duration
	max int

	mu      sync.Mutex
	entries map[string]cachedSummary
	// version counts invalidations. A summary read from the database is kept
	// only if no invalidation happened while it was being read; otherwise
	// it may predate the event that evicted it.
	version uint64

	// live is set once the cache follows the event log; until then nothing
	// is kept, as nothing would evict it.
	live atomic.Bool

	hits, misses atomic.Uint64
	// onInvalidate, when set, hears every eviction (tests wait on it).
	onInvalidate func(ids []string)
}

type cachedSummary struct {
	sum     store.NFTSummary
	expires time.Time
}

func newStatusCache(ttl time.Duration, max int) *statusCache {
	return &statusCache{ttl: ttl, max: max, entries: make(map[string]cachedSummary)}
}

// summaries returns a summary per id, from the cache or the store.
func (c *statusCache) summaries(ctx context.Context, st *store.Store, ids []string) ([]store.NFTSummary, error) {
	out := make([]store.NFTSummary, len(ids))
	var missing []string
	var missingAt []int
	now := time.Now()
	c.mu.Lock()
	version := c.version
	for i, id := range ids {
		if e, ok := c.entries[id]; ok && now.Before(e.expires) {
			out[i] = e.sum
			continue
		}
		missing = append(missing, id)
		missingAt = append(missingAt, i)
	}
	c.mu.Unlock()
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
		c.entries = make(map[string]cachedSummary)
	}
	for _, s := range loaded {
		c.entries[s.ID] = cachedSummary{sum: s, expires: now.Add(c.ttl)}
	}
	return out, nil
}

// invalidate evicts the NFTs that events touched.
func (c *statusCache) invalidate(evs []store.Event) {
	var ids []string
	for _, ev := range evs {
		if ev.Entity != store.EntityRegistration {
			continue
		}
		var r struct {
			InscriptionID string `json:"inscriptionId"`
		}
		if json.Unmarshal(ev.Data, &r) == nil && r.InscriptionID != "" {
			ids = append(ids, r.InscriptionID)
		}
	}
	if len(ids) == 0 {
		return
	}
	c.mu.Lock()
	c.version++
	for _, id := range ids {
		delete(c.entries, id)
	}
	hook := c.onInvalidate
	c.mu.Unlock()
	if hook != nil {
		hook(ids)
	}
}

// run follows the event log from its current end and invalidates until ctx
// ends; the cache keeps entries only while it runs.
func (c *statusCache) run(ctx context.Context, st *store.Store, safety time.Duration) error {
	defer func() {
		c.live.Store(false)
		c.mu.Lock()
		c.version++
		c.entries = make(map[string]cachedSummary)
		c.mu.Unlock()
	}()
	last, err := st.LastEventID(ctx)
	if err != nil {
		return err
	}
	return st.Tail(ctx, last, safety, func() { c.live.Store(true) }, func(_ context.Context, evs []store.Event) error {
		c.invalidate(evs)
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
