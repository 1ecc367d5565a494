package bitcoin

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
)

// networkCheckTimeout bounds the genesis check of one provider in New.
const networkCheckTimeout = 10 * time.Second

// Chain is a Bitcoin network as the follower reads it: blocks fetched from
// an ordered list of providers with failover, verified, and decoded into
// registrations and records.
type Chain struct {
	name        string
	params      *chaincfg.Params
	pool        *provider.Pool[BlockSource]
	collections []Collection
	concurrency int
	log         *slog.Logger
	onNotice    func(chain string, height int64, n Notice)
	ahead       *readAhead
	// tip is the latest head Head read: how far ahead blocks are fetched.
	tip atomic.Int64
}

var _ indexer.Source = (*Chain)(nil)

// Option configures a Chain.
type Option func(*options)

type options struct {
	poolOpts    []provider.Option
	concurrency int
	onNotice    func(chain string, height int64, n Notice)
}

// WithPoolOptions passes options to the provider pool New builds (after its
// own timeout option, so they may override it): metrics hooks, breaker
// settings.
func WithPoolOptions(opts ...provider.Option) Option {
	return func(o *options) { o.poolOpts = append(o.poolOpts, opts...) }
}

// WithConcurrency sets how many blocks Blocks fetches at once, overriding
// the configuration (default DefaultConcurrency).
func WithConcurrency(k int) Option {
	return func(o *options) { o.concurrency = k }
}

// WithNoticeHook calls f for every notice of DecodeBlock (after it is
// logged), for metrics. f runs on the goroutine that called Blocks, in block
// order.
func WithNoticeHook(f func(chain string, height int64, n Notice)) Option {
	return func(o *options) { o.onNotice = f }
}

// New builds the chain cfg describes: its sources, their pool and its
// collections. It checks that each provider that answers serves cfg's
// network (its genesis block); a provider that does not answer is only
// logged, since the pool fails over from it.
func New(ctx context.Context, cfg Config, log *slog.Logger, opts ...Option) (*Chain, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	params, err := NetworkParams(cfg.Network)
	if err != nil {
		return nil, fmt.Errorf("network: %w", err)
	}
	collections := make([]Collection, len(cfg.Collections))
	for i, c := range cfg.Collections {
		collections[i], err = NewCollection(c.Name, c.Creator, params, c.MinFeeSats, c.MinConfirmations)
		if err != nil {
			return nil, fmt.Errorf("collections[%d]: %w", i, err)
		}
	}
	providers := make([]provider.Provider[BlockSource], len(cfg.Providers))
	for i, p := range cfg.Providers {
		src, err := NewSource(p)
		if err != nil {
			return nil, fmt.Errorf("providers[%d]: %w", i, err)
		}
		providers[i] = provider.Provider[BlockSource]{URL: p.URL, Client: src}
	}

	var o options
	for _, opt := range opts {
		opt(&o)
	}
	poolOpts := append([]provider.Option{provider.WithTimeout(cfg.RequestTimeout)}, o.poolOpts...)
	pool, err := provider.NewPool(providers, poolOpts...)
	if err != nil {
		return nil, err
	}
	c := NewChain(cfg.Name, params, pool, collections, log, append([]Option{WithConcurrency(cfg.Concurrency)}, opts...)...)
	if err := c.checkNetwork(ctx, providers); err != nil {
		return nil, err
	}
	return c, nil
}

// NewSource returns the block source a provider configuration describes.
func NewSource(cfg ProviderConfig) (BlockSource, error) {
	switch cfg.Kind {
	case KindRPC:
		return NewRPCSource(cfg)
	case KindEsplora:
		return NewEsploraSource(cfg)
	default:
		return nil, fmt.Errorf("unknown provider kind %q", cfg.Kind)
	}
}

// NewChain returns a chain named name of network params, reading from pool.
// Collections are matched as DecodeBlock matches them.
func NewChain(name string, params *chaincfg.Params, pool *provider.Pool[BlockSource], collections []Collection, log *slog.Logger, opts ...Option) *Chain {
	o := options{concurrency: DefaultConcurrency}
	for _, opt := range opts {
		opt(&o)
	}
	if o.concurrency < 1 {
		o.concurrency = 1
	}
	c := &Chain{
		name:        name,
		params:      params,
		pool:        pool,
		collections: collections,
		concurrency: o.concurrency,
		log:         log.With("chain", name),
		onNotice:    o.onNotice,
	}
	c.ahead = newReadAhead(o.concurrency, func(ctx context.Context, height int64) (decoded, error) {
		// A provider asked again for a block whose hash it already gave is
		// asked only for the block: with a lone provider failing a third
		// of its requests, both succeeding in one attempt is a coin toss.
		named := map[BlockSource]chainhash.Hash{}
		fetched, err := provider.Do(ctx, c.pool, "block", func(ctx context.Context, src BlockSource) (fetchedBlock, error) {
			return c.fetch(ctx, src, height, named)
		})
		if err != nil {
			return decoded{}, err
		}
		blk, notices := DecodeBlock(c.name, fetched.ref, fetched.blk, c.collections)
		return decoded{block: blk, notices: notices}, nil
	})
	return c
}

// checkNetwork refuses providers that serve another network than the
// chain's: indexing regtest from a mainnet node must not start. A provider
// that does not answer is only logged — the pool fails over from it — but a
// chain none of whose providers answers does not start half-configured.
func (c *Chain) checkNetwork(ctx context.Context, providers []provider.Provider[BlockSource]) error {
	states := c.pool.States()
	var silent []string
	for i, p := range providers {
		cctx, cancel := context.WithTimeout(ctx, networkCheckTimeout)
		genesis, err := p.Client.BlockHash(cctx, 0)
		cancel()
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			// The error may quote the URL: log only the provider's name.
			c.log.Warn("provider did not answer; network not checked", "provider", states[i].Name)
			silent = append(silent, fmt.Sprintf("providers[%d] (%s)", i, states[i].Name))
		case genesis != *c.params.GenesisHash:
			return fmt.Errorf("providers[%d] (%s): genesis block is %s, not %s's %s",
				i, states[i].Name, genesis, c.params.Name, c.params.GenesisHash)
		}
	}
	if len(silent) == len(providers) {
		return fmt.Errorf("%w: %s", provider.ErrNoneAnswered, strings.Join(silent, ", "))
	}
	return nil
}

// Name returns the chain's name.
func (c *Chain) Name() string { return c.name }

// Params returns the chain's network parameters.
func (c *Chain) Params() *chaincfg.Params { return c.params }

// Collections returns the chain's collections.
func (c *Chain) Collections() []Collection { return c.collections }

// States returns the health of the chain's providers, in order, for metrics
// and the API's _meta.
func (c *Chain) States() []provider.State { return c.pool.States() }

// Head implements indexer.Source. Bitcoin has no finality: Finalized is 0
// and the follower keeps its reorg window.
func (c *Chain) Head(ctx context.Context) (indexer.Head, error) {
	h, err := provider.Do(ctx, c.pool, "tip height", func(ctx context.Context, src BlockSource) (int64, error) {
		return src.TipHeight(ctx)
	})
	if err != nil {
		return indexer.Head{}, err
	}
	c.tip.Store(h)
	return indexer.Head{Height: h}, nil
}

// BlockRef implements indexer.Source from the block's header alone: the
// follower asks for refs at every poll (is the tip still there?) and while
// walking back through a reorg, where whole blocks would cost megabytes.
func (c *Chain) BlockRef(ctx context.Context, height int64) (store.BlockRef, error) {
	return provider.Do(ctx, c.pool, "block header", func(ctx context.Context, src BlockSource) (store.BlockRef, error) {
		hash, err := src.BlockHash(ctx, height)
		if err != nil {
			return store.BlockRef{}, fmt.Errorf("block %d: %w", height, err)
		}
		header, err := src.Header(ctx, hash)
		if err != nil {
			return store.BlockRef{}, fmt.Errorf("block %d (%s): %w", height, hash, err)
		}
		if err := VerifyHeader(header, hash, c.params.PowLimit); err != nil {
			return store.BlockRef{}, fmt.Errorf("block %d (%s): %w", height, hash, err)
		}
		return blockRef(height, hash, header), nil
	})
}

// Blocks implements indexer.Source. Up to the chain's concurrency blocks are
// fetched and decoded at once, each from whichever provider the pool picks
// and retried on its own; blocks fetched before a failure are kept for the
// next call, and the batch after this one is fetched while the follower
// applies it. The follower checks that the result links up.
func (c *Chain) Blocks(ctx context.Context, from, to int64) ([]store.Block, error) {
	if to < from {
		return nil, fmt.Errorf("blocks %d..%d: empty range", from, to)
	}
	got, err := c.ahead.blocks(ctx, from, to, c.tip.Load())
	if err != nil {
		return nil, err
	}
	blocks := make([]store.Block, len(got))
	for i, d := range got {
		blocks[i] = d.block
		for _, n := range d.notices {
			c.log.Warn("transaction input skipped", "height", d.block.Height, "txid", n.TxID, "reason", n.Reason)
			if c.onNotice != nil {
				c.onNotice(c.name, d.block.Height, n)
			}
		}
	}
	return blocks, nil
}

type fetchedBlock struct {
	ref store.BlockRef
	blk *wire.MsgBlock
}

// fetch reads and verifies the block at height from one provider. A block
// that fails verification is that provider's error, so the pool tries the
// next one.
//
// named holds the hashes providers gave for height in earlier attempts:
// the block is asked of src by the hash src itself named, so that a block
// and its hash always come from the same provider.
func (c *Chain) fetch(ctx context.Context, src BlockSource, height int64, named map[BlockSource]chainhash.Hash) (fetchedBlock, error) {
	hash, ok := named[src]
	if !ok {
		var err error
		if hash, err = src.BlockHash(ctx, height); err != nil {
			return fetchedBlock{}, fmt.Errorf("block %d: %w", height, err)
		}
		named[src] = hash
	}
	blk, err := src.Block(ctx, hash)
	if err != nil {
		return fetchedBlock{}, fmt.Errorf("block %d (%s): %w", height, hash, err)
	}
	if err := VerifyBlock(blk, hash, c.params.PowLimit); err != nil {
		return fetchedBlock{}, fmt.Errorf("block %d (%s): %w", height, hash, err)
	}
	return fetchedBlock{ref: blockRef(height, hash, &blk.Header), blk: blk}, nil
}

func blockRef(height int64, hash chainhash.Hash, header *wire.BlockHeader) store.BlockRef {
	return store.BlockRef{
		Height: height,
		Hash:   hash.String(),
		Parent: header.PrevBlock.String(),
		Time:   header.Timestamp.UTC(),
	}
}

// FollowerConfig returns the follower settings of cfg, defaults applied.
// Confirmations stay 1: a collection's min_confirmations is applied when
// registrations are read, not by holding blocks back.
func (c Config) FollowerConfig() indexer.Config {
	c = c.withDefaults()
	return indexer.Config{
		Chain:         c.Name,
		StartHeight:   c.StartHeight,
		ReorgWindow:   c.ReorgWindow,
		Confirmations: 1,
		BatchSize:     c.BatchSize,
	}
}
