package bitcoin

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
)

// blockRounds is how many times one block is asked of the pool (each time
// with the pool's own attempts and failover) before the batch that needs it
// fails; the blocks fetched meanwhile are kept for the follower's next try.
const blockRounds = 3

// readAhead fetches a chain's blocks for the follower: each block on its
// own, retried with backoff on its own, and kept once fetched, so that one
// failing request costs that block a retry rather than the batch a refetch;
// and the next batch fetched while the follower applies this one.
//
// BenchmarkBackfillUnderFaults (100 mainnet-sized blocks, one provider on
// loopback, 2 shared cores): when any failed block failed the whole batch,
// backfill through a provider failing 30% of requests at random ran at
// 0.56 blocks/s, 2% of its healthy 25; fetched block by block and a batch
// ahead, 16–19 blocks/s, 71–81% of a healthy 22–25 (see
// docs/benchmarks.md for the latest run).
type readAhead struct {
	fetch       func(ctx context.Context, height int64) (decoded, error)
	concurrency int

	mu    sync.Mutex
	slots map[int64]*slot
	// next is the height after the last batch handed out: where the
	// follower goes on, unless a reorg sends it back.
	next int64
	// sem bounds the fetches in flight, the follower's and the read-ahead's.
	sem chan struct{}
	// ctx is what the fetches run under: a child of the first caller's, so
	// that they end with the follower, or when stop is called because the
	// follower went elsewhere. Nil until the first fetch.
	ctx  context.Context
	stop context.CancelFunc
}

// decoded is one fetched, verified and decoded block.
type decoded struct {
	block   store.Block
	notices []Notice
}

// slot is one block being fetched, or fetched.
type slot struct {
	done chan struct{}
	// Set before done is closed.
	blk decoded
	err error
}

func newReadAhead(concurrency int, fetch func(ctx context.Context, height int64) (decoded, error)) *readAhead {
	return &readAhead{fetch: fetch, concurrency: concurrency, slots: map[int64]*slot{}, sem: make(chan struct{}, concurrency), stop: func() {}}
}

// blocks returns the blocks from..to, in order, fetching those not fetched
// or being fetched already. If one cannot be fetched, the error says which;
// the others are kept. On success the next tip-bounded batch of as many
// blocks is fetched ahead.
func (r *readAhead) blocks(ctx context.Context, from, to, tip int64) ([]decoded, error) {
	r.mu.Lock()
	if from != r.next || (r.ctx != nil && r.ctx.Err() != nil) {
		// A reorg, a restart or a first call: what was fetched ahead is
		// for another place.
		r.reset()
	}
	want := make([]*slot, 0, to-from+1)
	for h := from; h <= to; h++ {
		want = append(want, r.slotLocked(ctx, h))
	}
	r.mu.Unlock()

	out := make([]decoded, len(want))
	var errs []error
	for i, s := range want {
		select {
		case <-s.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if s.err != nil {
			errs = append(errs, s.err)
		}
		out[i] = s.blk
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, s := range want {
		if h := from + int64(i); r.slots[h] == s && (s.err != nil || errs == nil) {
			// Failed blocks are fetched afresh next time; fetched ones are
			// handed out once, so that a block the follower rejects (from
			// a branch reorganised away meanwhile) is not offered again.
			delete(r.slots, h)
		}
	}
	if errs != nil {
		// The first says why; the others are most likely the same.
		return nil, fmt.Errorf("%d of blocks %d..%d not fetched (the others are kept): %w", len(errs), from, to, errs[0])
	}
	r.next = to + 1
	for h := to + 1; h <= min(tip, to+int64(len(want))); h++ {
		r.slotLocked(ctx, h)
	}
	return out, nil
}

// reset forgets every slot and stops their fetches; r.mu is held.
func (r *readAhead) reset() {
	r.stop()
	r.slots = map[int64]*slot{}
	r.ctx, r.stop = nil, func() {}
}

// slotLocked returns the slot of height, starting its fetch if there is
// none; r.mu is held. A read-ahead outlives the call that started it, not
// the follower: fetches run under r.ctx, a child of the caller's ctx.
func (r *readAhead) slotLocked(ctx context.Context, height int64) *slot {
	if s, ok := r.slots[height]; ok {
		return s
	}
	if r.ctx == nil {
		r.ctx, r.stop = context.WithCancel(ctx)
	}
	ctx = r.ctx
	s := &slot{done: make(chan struct{})}
	r.slots[height] = s
	go func() {
		defer close(s.done)
		select {
		case r.sem <- struct{}{}:
		case <-ctx.Done():
			s.err = ctx.Err()
			return
		}
		defer func() { <-r.sem }()
		s.blk, s.err = r.fetchRetrying(ctx, height)
	}()
	return s
}

// fetchRetrying asks for one block up to blockRounds times, with backoff
// between the rounds.
func (r *readAhead) fetchRetrying(ctx context.Context, height int64) (decoded, error) {
	retry := &backoff.ExponentialBackOff{
		InitialInterval: 200 * time.Millisecond, MaxInterval: 5 * time.Second, Multiplier: 2, RandomizationFactor: 0.5,
	}
	for round := 1; ; round++ {
		d, err := r.fetch(ctx, height)
		if err == nil || round == blockRounds || ctx.Err() != nil || provider.IsPermanent(err) {
			return d, err
		}
		if err := (provider.RealClock{}).Sleep(ctx, retry.NextBackOff()); err != nil {
			return decoded{}, err
		}
	}
}
