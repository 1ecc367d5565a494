// Package indexer follows chains into the store. The Follower here is the
// chain-agnostic, reorg-safe loop; the chains' block and log sources live in
// indexer/bitcoin and indexer/evm.
package indexer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/cenkalti/backoff/v5"

	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
)

// Head is a chain's tip as its source sees it.
type Head struct {
	Height int64
	// Finalized is the highest block the chain itself calls final (EVM's
	// "finalized" tag); 0 when the chain has no such notion.
	Finalized int64
}

// Source is a chain as the follower needs it. Bitcoin's block sources and the
// EVM log source implement it; so does the scripted chain in tests.
type Source interface {
	// Head returns the current tip.
	Head(ctx context.Context) (Head, error)
	// BlockRef returns the canonical block at height.
	BlockRef(ctx context.Context, height int64) (store.BlockRef, error)
	// Blocks returns the decoded blocks from..to inclusive, in order.
	Blocks(ctx context.Context, from, to int64) ([]store.Block, error)
}

// HeadWaiter is implemented by sources that can tell when a new block arrives
// (a websocket subscription); the follower then waits instead of polling.
type HeadWaiter interface {
	// WaitHead returns when the tip may be above height, or ctx ends.
	WaitHead(ctx context.Context, height int64) error
}

// Store is what the follower reads and writes.
type Store interface {
	Cursor(ctx context.Context, chain string) (store.Cursor, bool, error)
	BlockHash(ctx context.Context, chain string, height int64) (string, bool, error)
	Apply(ctx context.Context, b store.Batch) error
	Rollback(ctx context.Context, chain string, toHeight int64) error
	// SetHead records the head the source reports, between batches.
	SetHead(ctx context.Context, chain string, head int64) error
}

// ErrReorgTooDeep stops a chain whose reorg goes below the reorg window: the
// follower cannot find the common ancestor among the hashes it kept, and
// rolling back further on a guess could corrupt the index.
var ErrReorgTooDeep = errors.New("reorg deeper than the reorg window")

// Config is one chain's follower configuration.
type Config struct {
	Chain string
	// StartHeight is the first block to index when there is no cursor.
	StartHeight int64
	// ReorgWindow is how many blocks below the tip a reorg may reach.
	ReorgWindow int64
	// Confirmations is how deep a block must be before it is indexed:
	// 1 indexes the tip itself.
	Confirmations int64
	// BatchSize is the most blocks applied in one transaction.
	BatchSize int64
	// PollInterval is how often to ask for a new head when the source cannot
	// say (no HeadWaiter), and how often to look for a reorg of the tip.
	PollInterval time.Duration
	// RetryMin and RetryMax bound the exponential backoff after an error.
	RetryMin, RetryMax time.Duration
}

func (c *Config) setDefaults() {
	if c.ReorgWindow <= 0 {
		c.ReorgWindow = 100
	}
	if c.Confirmations <= 0 {
		c.Confirmations = 1
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 100
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 2 * time.Second
	}
	if c.RetryMin <= 0 {
		c.RetryMin = 500 * time.Millisecond
	}
	if c.RetryMax <= 0 {
		c.RetryMax = 30 * time.Second
	}
}

// Observer hears what a follower does, for metrics and the chain's state.
// Any method may be nil.
type Observer struct {
	Applied func(chain string, blocks int, tip int64, head Head)
	Reorged func(chain string, depth int64)
	Failed  func(chain string, err error)
	// Stepped hears where the chain stands after every step that read the
	// head, and the step's error (nil when it succeeded, whether or not it
	// changed anything).
	Stepped func(chain string, p Position, err error)
}

// Position is where a chain stands after a step.
type Position struct {
	Head Head
	// Tip is the indexed tip; HasTip is false before the first batch.
	Tip    int64
	HasTip bool
	// CaughtUp is true when nothing was left to index up to the head less
	// the confirmations: the chain is following, not syncing.
	CaughtUp bool
}

// Observers is every observer in obs, called in order.
func Observers(obs ...Observer) Observer {
	var all Observer
	for _, o := range obs {
		if f, g := all.Applied, o.Applied; g != nil {
			all.Applied = func(chain string, blocks int, tip int64, head Head) {
				if f != nil {
					f(chain, blocks, tip, head)
				}
				g(chain, blocks, tip, head)
			}
		}
		if f, g := all.Reorged, o.Reorged; g != nil {
			all.Reorged = func(chain string, depth int64) {
				if f != nil {
					f(chain, depth)
				}
				g(chain, depth)
			}
		}
		if f, g := all.Failed, o.Failed; g != nil {
			all.Failed = func(chain string, err error) {
				if f != nil {
					f(chain, err)
				}
				g(chain, err)
			}
		}
		if f, g := all.Stepped, o.Stepped; g != nil {
			all.Stepped = func(chain string, p Position, err error) {
				if f != nil {
					f(chain, p, err)
				}
				g(chain, p, err)
			}
		}
	}
	return all
}

// Follower indexes one chain: from its cursor to the head, batch by batch,
// checking each block's parent against the stored chain and rolling back to
// the common ancestor on a reorg.
type Follower struct {
	cfg   Config
	src   Source
	st    Store
	log   *slog.Logger
	obs   Observer
	clock provider.Clock
	// lastHead is the tip height seen by the latest Step.
	lastHead int64
}

// NewFollower returns a follower for one chain.
func NewFollower(cfg Config, src Source, st Store, log *slog.Logger, obs Observer) *Follower {
	cfg.setDefaults()
	return &Follower{cfg: cfg, src: src, st: st, log: log.With("chain", cfg.Chain), obs: obs, clock: provider.RealClock{}}
}

// Run follows the chain until ctx ends (returning nil) or the chain cannot go
// on safely (ErrReorgTooDeep). Other errors are retried with backoff.
func (f *Follower) Run(ctx context.Context) error {
	// Exponential, with jitter so that retrying followers do not move in
	// step.
	retry := &backoff.ExponentialBackOff{
		InitialInterval: f.cfg.RetryMin, MaxInterval: f.cfg.RetryMax, Multiplier: 2, RandomizationFactor: 0.5,
	}
	failures := 0
	for {
		progressed, err := f.Step(ctx)
		if ctx.Err() != nil {
			return nil
		}
		switch {
		case errors.Is(err, ErrReorgTooDeep):
			return fmt.Errorf("chain %s stopped: %w", f.cfg.Chain, err)
		case err != nil:
			failures++
			delay := retry.NextBackOff()
			f.log.Warn("indexing failed; retrying", "err", err, "attempt", failures, "retry_in", delay)
			if f.obs.Failed != nil {
				f.obs.Failed(f.cfg.Chain, err)
			}
			if f.clock.Sleep(ctx, delay) != nil {
				return nil
			}
		case progressed:
			failures = 0
			retry.Reset()
		default:
			failures = 0
			retry.Reset()
			if err := f.waitForBlock(ctx); err != nil {
				return nil
			}
		}
	}
}

func (f *Follower) waitForBlock(ctx context.Context) error {
	w, ok := f.src.(HeadWaiter)
	if !ok {
		return f.clock.Sleep(ctx, f.cfg.PollInterval)
	}
	// The poll interval still bounds the wait: tip reorgs are looked for then.
	wctx, cancel := context.WithTimeout(ctx, f.cfg.PollInterval)
	defer cancel()
	if err := w.WaitHead(wctx, f.lastHead); err != nil && ctx.Err() == nil && wctx.Err() == nil {
		// A broken subscription must not turn into a busy loop.
		return f.clock.Sleep(ctx, f.cfg.PollInterval)
	}
	return ctx.Err()
}

// Step does one unit of work: applies the next batch, or handles a reorg.
// It reports whether anything changed.
func (f *Follower) Step(ctx context.Context) (bool, error) {
	cur, ok, err := f.st.Cursor(ctx, f.cfg.Chain)
	if err != nil {
		return false, err
	}
	next := f.cfg.StartHeight
	if ok {
		next = cur.Height + 1
	}
	head, err := f.src.Head(ctx)
	if err != nil {
		return false, fmt.Errorf("read head: %w", err)
	}
	f.lastHead = head.Height
	pos := Position{Head: head, Tip: cur.Height, HasTip: ok}
	progressed, err := f.stepFrom(ctx, cur, ok, head, next, &pos)
	if f.obs.Stepped != nil {
		f.obs.Stepped(f.cfg.Chain, pos, err)
	}
	return progressed, err
}

// stepFrom is Step once the head is known: it moves pos along.
func (f *Follower) stepFrom(ctx context.Context, cur store.Cursor, ok bool, head Head, next int64, pos *Position) (bool, error) {
	if ok && head.Height != cur.Head {
		if err := f.st.SetHead(ctx, f.cfg.Chain, head.Height); err != nil {
			return false, err
		}
	}
	target := head.Height - (f.cfg.Confirmations - 1)
	if target < next {
		// Nothing new to index, but the tip itself may have been replaced,
		// by a branch of any length: shorter ones included.
		if !ok {
			pos.CaughtUp = true
			return false, nil
		}
		progressed, err := f.checkTip(ctx, cur, head)
		pos.CaughtUp = err == nil && !progressed
		return progressed, err
	}
	to := min(target, next+f.cfg.BatchSize-1)
	ctx, span := otel.Tracer("github.com/herald-indexer/herald/indexer").Start(ctx, "index batch",
		trace.WithAttributes(attribute.String("chain", f.cfg.Chain), attribute.Int64("from", next), attribute.Int64("to", to)))
	defer span.End()
	applied, err := f.indexRange(ctx, cur, ok, head, next, to)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, err.Error())
	}
	if applied {
		pos.Tip, pos.HasTip, pos.CaughtUp = to, true, to == target
	}
	return applied || err == nil, err
}

// indexRange fetches blocks next..to and applies them, or handles the reorg
// they reveal; applied reports whether they were applied.
func (f *Follower) indexRange(ctx context.Context, cur store.Cursor, ok bool, head Head, next, to int64) (applied bool, err error) {
	blocks, err := f.src.Blocks(ctx, next, to)
	if err != nil {
		return false, fmt.Errorf("fetch blocks %d..%d: %w", next, to, err)
	}
	if len(blocks) == 0 {
		return false, fmt.Errorf("fetch blocks %d..%d: source returned none", next, to)
	}
	if ok && blocks[0].Parent != cur.Hash {
		return false, f.reorg(ctx, cur)
	}
	if err := checkLinked(blocks, next); err != nil {
		// The source saw the chain change while it fetched; fetch again.
		return false, err
	}
	batch := store.Batch{
		Chain: f.cfg.Chain, Blocks: blocks, Head: head.Height, Finalized: f.finalized(head),
		KeepBlocks: f.cfg.ReorgWindow + 1,
	}
	if err := f.st.Apply(ctx, batch); err != nil {
		return false, err
	}
	if f.obs.Applied != nil {
		f.obs.Applied(f.cfg.Chain, len(blocks), blocks[len(blocks)-1].Height, head)
	}
	return true, nil
}

// finalized is the highest block that no reorg can take away: the chain's
// own word where it has one, else what the reorg window implies.
func (f *Follower) finalized(head Head) int64 {
	if head.Finalized > 0 {
		return head.Finalized
	}
	return max(head.Height-f.cfg.ReorgWindow, 0)
}

// checkTip looks for a reorg that replaced the indexed tip without yet
// extending past it. It compares the highest block both chains have: the
// indexed tip, or the source's head when that is below it. A head below
// the tip whose block is the one indexed at its height is a source that has
// not caught up (or a branch not grown yet): nothing to roll back on its
// word. A different block there means the indexed tip is orphaned, whatever
// the new branch's length.
func (f *Follower) checkTip(ctx context.Context, cur store.Cursor, head Head) (bool, error) {
	at := min(cur.Height, head.Height)
	if at < cur.StartHeight {
		return false, nil // the source is behind where indexing began
	}
	ref, err := f.src.BlockRef(ctx, at)
	if err != nil {
		return false, fmt.Errorf("read block %d: %w", at, err)
	}
	stored := cur.Hash
	if at < cur.Height {
		var found bool
		if stored, found, err = f.st.BlockHash(ctx, f.cfg.Chain, at); err != nil {
			return false, err
		}
		if !found {
			return false, fmt.Errorf("%w: the source's head %d is below the stored blocks (tip %d)", ErrReorgTooDeep, at, cur.Height)
		}
	}
	if ref.Hash == stored {
		return false, nil
	}
	return true, f.reorgFrom(ctx, cur, at)
}

// reorg walks back from the indexed tip to the last block the source and the
// store agree on, and rolls the store back to it.
func (f *Follower) reorg(ctx context.Context, cur store.Cursor) error {
	return f.reorgFrom(ctx, cur, cur.Height)
}

// reorgFrom is reorg when the source has no block above height from.
func (f *Follower) reorgFrom(ctx context.Context, cur store.Cursor, from int64) error {
	ancestor, err := f.commonAncestor(ctx, cur, from)
	if err != nil {
		return err
	}
	depth := cur.Height - ancestor
	f.log.Warn("reorg", "from_height", cur.Height, "from_hash", cur.Hash, "ancestor", ancestor, "depth", depth)
	if err := f.st.Rollback(ctx, f.cfg.Chain, ancestor); err != nil {
		return err
	}
	if f.obs.Reorged != nil {
		f.obs.Reorged(f.cfg.Chain, depth)
	}
	return nil
}

func (f *Follower) commonAncestor(ctx context.Context, cur store.Cursor, from int64) (int64, error) {
	lowest := cur.Height - f.cfg.ReorgWindow
	for h := from; h >= lowest; h-- {
		if h < cur.StartHeight {
			// Everything indexed was reorganised away: start over.
			return h, nil
		}
		stored, ok, err := f.st.BlockHash(ctx, f.cfg.Chain, h)
		if err != nil {
			return 0, err
		}
		if !ok {
			break
		}
		ref, err := f.src.BlockRef(ctx, h)
		if err != nil {
			return 0, fmt.Errorf("read block %d: %w", h, err)
		}
		if ref.Hash == stored {
			return h, nil
		}
	}
	return 0, fmt.Errorf("%w: no common ancestor of %s at %d within %d blocks", ErrReorgTooDeep, cur.Hash, cur.Height, f.cfg.ReorgWindow)
}

// checkLinked verifies that blocks run from height from without gaps, each
// naming its predecessor as parent.
func checkLinked(blocks []store.Block, from int64) error {
	for i, b := range blocks {
		if b.Height != from+int64(i) {
			return fmt.Errorf("source returned block %d where %d was expected", b.Height, from+int64(i))
		}
		if i > 0 && b.Parent != blocks[i-1].Hash {
			return fmt.Errorf("block %d (%s) does not extend %s: chain changed during fetch", b.Height, b.Hash, blocks[i-1].Hash)
		}
	}
	return nil
}
