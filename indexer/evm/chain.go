package evm

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
)

// chainIDTimeout bounds the chain id check of one provider in New.
const chainIDTimeout = 10 * time.Second

// errNoHeadSubscription is WaitHead without a provider that can subscribe to
// new heads (no WebSocket URL, or none reachable): the follower polls.
var errNoHeadSubscription = errors.New("no provider accepts a newHeads subscription")

// Chain is an EVM chain as the follower reads it: headers and the
// configured contracts' logs fetched from an ordered list of providers with
// failover, verified against each other, and decoded into badge and
// nullifier changes.
type Chain struct {
	name    string
	chainID uint64
	src     *source
	dec     *Decoder
	// failedCalls indexes every call to a configured contract.
	failedCalls bool
	providers   []provider.Provider[Node]
	contracts   []ContractConfig
	// labels names configured contracts in logs.
	labels      map[common.Address]string
	log         *slog.Logger
	onMalformed func(*MalformedLogError)
	malformed   atomic.Uint64
	// nodes are the connections New opened, closed by Close.
	nodes []*RPCNode
	// noSubscription logs once that new heads are polled for.
	noSubscription sync.Once
}

var (
	_ indexer.Source     = (*Chain)(nil)
	_ indexer.HeadWaiter = (*Chain)(nil)
)

// Option configures a Chain.
type Option func(*options)

type options struct {
	poolOpts    []provider.Option
	onMalformed func(*MalformedLogError)
}

// WithPoolOptions passes options to the provider pool (after its own timeout
// option, so they may override it): metrics hooks, breaker settings.
func WithPoolOptions(opts ...provider.Option) Option {
	return func(o *options) { o.poolOpts = append(o.poolOpts, opts...) }
}

// WithMalformedHook calls f for every malformed log Blocks skips (after it
// is logged), for metrics. f runs on the goroutine that called Blocks.
func WithMalformedHook(f func(*MalformedLogError)) Option {
	return func(o *options) { o.onMalformed = f }
}

// New builds the chain cfg describes and checks that each provider that
// answers serves cfg's chain id; a provider that does not answer is only
// logged, since the pool fails over from it. Close releases the
// connections.
func New(ctx context.Context, cfg Config, log *slog.Logger, opts ...Option) (*Chain, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	nodes := make([]*RPCNode, len(cfg.RPC))
	providers := make([]provider.Provider[Node], len(cfg.RPC))
	for i, u := range cfg.RPC {
		nodes[i] = Dial(u)
		providers[i] = provider.Provider[Node]{URL: u, Client: nodes[i]}
	}
	c, err := NewChain(ctx, cfg, providers, log, opts...)
	if err != nil {
		for _, n := range nodes {
			n.Close()
		}
		return nil, err
	}
	c.nodes = nodes
	return c, nil
}

// NewChain is New over given nodes instead of cfg.RPC, which it ignores: an
// in-process client (*rpc.Client) of a local chain, or nodes wrapped by the
// caller. It checks the chain id as New does; the caller closes the nodes.
func NewChain(ctx context.Context, cfg Config, providers []provider.Provider[Node], log *slog.Logger, opts ...Option) (*Chain, error) {
	if err := cfg.validateChain(); err != nil {
		return nil, err
	}
	c, err := newChain(cfg, providers, log, opts...)
	if err != nil {
		return nil, err
	}
	if err := c.checkChainID(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// newChain returns the chain of a valid cfg over providers.
func newChain(cfg Config, providers []provider.Provider[Node], log *slog.Logger, opts ...Option) (*Chain, error) {
	cfg = cfg.withDefaults()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	contracts, err := cfg.decoderContracts()
	if err != nil {
		return nil, err
	}
	dec, err := NewDecoder(cfg.Name, contracts)
	if err != nil {
		return nil, err
	}
	poolOpts := append([]provider.Option{provider.WithTimeout(cfg.RequestTimeout)}, o.poolOpts...)
	// The pool's nodes remember what their provider cannot answer.
	members := make([]provider.Provider[Node], len(providers))
	for i, p := range providers {
		members[i] = p
		members[i].Client = &capableNode{Node: p.Client}
	}
	pool, err := provider.NewPool(members, poolOpts...)
	if err != nil {
		return nil, err
	}
	log = log.With("chain", cfg.Name)
	labels := make(map[common.Address]string)
	for _, ct := range cfg.Contracts {
		if addr, err := ct.address(); err == nil && ct.Name != "" {
			labels[addr] = ct.Name
		}
	}
	return &Chain{
		name:    cfg.Name,
		chainID: cfg.ChainID,
		src: &source{
			pool:        pool,
			addresses:   dec.Addresses(),
			topics:      dec.Topics(),
			finalized:   cfg.UseFinalized(),
			fullTxs:     cfg.FailedCalls,
			headerBatch: cfg.HeaderBatch,
			span:        newSpan(cfg.MaxLogRange),
			log:         log,
		},
		dec:         dec,
		failedCalls: cfg.FailedCalls,
		providers:   providers,
		contracts:   cfg.Contracts,
		labels:      labels,
		log:         log,
		onMalformed: o.onMalformed,
	}, nil
}

// checkChainID refuses providers that serve another chain: indexing a
// testnet's contract addresses on mainnet must not start.
func (c *Chain) checkChainID(ctx context.Context) error {
	states := c.src.pool.States()
	want := new(big.Int).SetUint64(c.chainID)
	// A silent provider is only logged (the pool fails over from it), but a
	// chain none of whose providers answers does not start half-configured.
	var silent []string
	for i, p := range c.providers {
		cctx, cancel := context.WithTimeout(ctx, chainIDTimeout)
		var id hexutil.Big
		err := p.Client.CallContext(cctx, &id, "eth_chainId")
		cancel()
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("check chain id: %w", ctx.Err())
		case err != nil:
			// The error may quote the URL: log only the provider's name.
			c.log.Warn("provider did not answer eth_chainId; chain id not checked", "provider", states[i].Name)
			silent = append(silent, fmt.Sprintf("rpc[%d] (%s)", i, states[i].Name))
		case (*big.Int)(&id).Cmp(want) != 0:
			return fmt.Errorf("rpc[%d] (%s): eth_chainId is %s, not the configured chain_id %d",
				i, states[i].Name, (*big.Int)(&id), c.chainID)
		}
	}
	if len(silent) == len(c.providers) {
		return fmt.Errorf("%w: %s", provider.ErrNoneAnswered, strings.Join(silent, ", "))
	}
	return nil
}

// Close closes the connections New opened.
func (c *Chain) Close() {
	for _, n := range c.nodes {
		n.Close()
	}
}

// Name returns the chain's name.
func (c *Chain) Name() string { return c.name }

// ChainID returns the chain's EIP-155 id.
func (c *Chain) ChainID() uint64 { return c.chainID }

// Contracts returns the indexed contracts as configured.
func (c *Chain) Contracts() []ContractConfig { return c.contracts }

// States returns the health of the chain's providers, in order, for metrics
// and the API's _meta.
func (c *Chain) States() []provider.State { return c.src.pool.States() }

// MalformedLogs returns how many malformed logs Blocks has skipped. A block
// fetched again (after an error or a reorg) counts its logs again.
func (c *Chain) MalformedLogs() uint64 { return c.malformed.Load() }

// Head implements indexer.Source.
func (c *Chain) Head(ctx context.Context) (indexer.Head, error) {
	return c.src.head(ctx)
}

// BlockRef implements indexer.Source.
func (c *Chain) BlockRef(ctx context.Context, height int64) (store.BlockRef, error) {
	if height < 0 {
		return store.BlockRef{}, fmt.Errorf("block %d: negative height", height)
	}
	h, err := c.src.header(ctx, height)
	if err != nil {
		return store.BlockRef{}, err
	}
	return blockRef(h), nil
}

// Blocks implements indexer.Source: every block's reference from its header,
// and the decoded changes of the configured contracts' logs in their block,
// in log-index order. Malformed logs are skipped, counted and logged.
func (c *Chain) Blocks(ctx context.Context, from, to int64) ([]store.Block, error) {
	if from < 0 || to < from {
		return nil, fmt.Errorf("blocks %d..%d: empty or negative range", from, to)
	}
	headers, err := c.src.headers(ctx, from, to)
	if err != nil {
		return nil, err
	}
	logs, err := c.src.logs(ctx, from, to, headers)
	if err != nil {
		return nil, err
	}
	blocks := make([]store.Block, len(headers))
	for i, h := range headers {
		blocks[i].BlockRef = blockRef(h)
	}
	for _, lg := range logs {
		err := c.dec.DecodeLog(&blocks[int64(lg.BlockNumber)-from], lg)
		var malformed *MalformedLogError
		switch {
		case errors.As(err, &malformed):
			c.skip(malformed)
		case err != nil:
			return nil, fmt.Errorf("decode log %d of block %d: %w", lg.Index, lg.BlockNumber, err)
		}
	}
	if err := c.addTransactions(ctx, headers, blocks); err != nil {
		return nil, err
	}
	return blocks, nil
}

// addTransactions adds to each block the receipts of its transactions that
// emitted the events decoded into it and, with failed calls, of every call
// to a configured contract, reverted calls with their error.
func (c *Chain) addTransactions(ctx context.Context, headers []header, blocks []store.Block) error {
	var want []receiptsWanted
	calls := make([]map[common.Hash]*rpcTx, len(blocks))
	for i := range blocks {
		hashes := eventTxs(&blocks[i])
		if c.failedCalls {
			txs, err := blockTxs(headers[i])
			if err != nil {
				return err
			}
			for j := range txs {
				if to := txs[j].To; to == nil || !c.dec.configured(*to) {
					continue
				}
				if calls[i] == nil {
					calls[i] = make(map[common.Hash]*rpcTx)
				}
				calls[i][txs[j].Hash] = &txs[j]
				if !slices.Contains(hashes, txs[j].Hash) {
					hashes = append(hashes, txs[j].Hash)
				}
			}
		}
		if len(hashes) > 0 {
			want = append(want, receiptsWanted{at: i, hashes: hashes})
		}
	}
	if len(want) == 0 {
		return nil
	}
	receipts, err := c.src.receipts(ctx, headers, want)
	if err != nil {
		return err
	}
	var replays []replay
	var replayed []*call
	byBlock := make([][]call, len(blocks))
	for _, w := range want {
		for _, hash := range w.hashes {
			cl := call{receipt: receipts[hash], tx: calls[w.at][hash]}
			cl.called = cl.tx != nil
			byBlock[w.at] = append(byBlock[w.at], cl)
		}
	}
	for i := range byBlock {
		for j := range byBlock[i] {
			cl := &byBlock[i][j]
			if cl.called && cl.receipt.Status != nil && *cl.receipt.Status == 0 {
				replays = append(replays, replay{tx: *cl.tx, parent: uint64(headers[i].Number) - 1})
				replayed = append(replayed, cl)
			}
		}
	}
	if len(replays) > 0 {
		data, err := c.src.revertData(ctx, replays)
		if err != nil {
			return err
		}
		for k, cl := range replayed {
			cl.revert, cl.replayed = data[k], true
		}
	}
	for i := range byBlock {
		orderCalls(byBlock[i])
		for _, cl := range byBlock[i] {
			t, err := c.dec.transaction(cl)
			if err != nil {
				return fmt.Errorf("block %d: %w", headers[i].Number, err)
			}
			blocks[i].Transactions = append(blocks[i].Transactions, t)
		}
	}
	return nil
}

// eventTxs returns the hashes of the transactions that emitted a block's
// decoded events, in the order of their first event.
func eventTxs(b *store.Block) []common.Hash {
	var out []common.Hash
	seen := make(map[string]bool)
	add := func(tx string) {
		if !seen[tx] {
			seen[tx] = true
			out = append(out, common.HexToHash(tx))
		}
	}
	for _, x := range b.Claims {
		add(x.TxHash)
	}
	for _, x := range b.Transfers {
		add(x.TxHash)
	}
	for _, x := range b.NullifierUses {
		add(x.TxHash)
	}
	for _, x := range b.ReuseAttempts {
		add(x.TxHash)
	}
	for _, x := range b.Thresholds {
		add(x.TxHash)
	}
	return out
}

func (c *Chain) skip(e *MalformedLogError) {
	c.malformed.Add(1)
	c.log.Warn("malformed log skipped", "block", e.BlockNumber, "tx", e.TxHash.Hex(), "log_index", e.LogIndex,
		"contract", hexutil.Encode(e.Contract[:]), "contract_name", c.labels[e.Contract], "event", e.Event, "reason", e.Reason)
	if c.onMalformed != nil {
		c.onMalformed(e)
	}
}

func blockRef(h header) store.BlockRef {
	return store.BlockRef{
		Height: int64(h.Number),
		Hash:   h.Hash.Hex(),
		Parent: h.ParentHash.Hex(),
		Time:   time.Unix(int64(h.Time), 0).UTC(),
	}
}

// WaitHead implements indexer.HeadWaiter with a newHeads subscription on
// the first provider that accepts one (a WebSocket URL). It returns at the
// first new head after the subscription, or at once if the tip is above
// height already; without a provider that can subscribe it returns an
// error, and the follower polls.
//
// Subscriptions bypass the provider pool: a subscription that fails costs
// only latency, which polling bounds, and must not count against a
// provider's breaker for the requests that carry the data.
func (c *Chain) WaitHead(ctx context.Context, height int64) error {
	heads := make(chan *header, 1)
	sub, node, err := c.subscribeHeads(ctx, heads)
	if err != nil {
		return err
	}
	defer sub.Unsubscribe()
	// A block may have arrived between the caller's Head and the
	// subscription.
	var tip hexutil.Uint64
	if err := node.CallContext(ctx, &tip, "eth_blockNumber"); err == nil && int64(tip) > height {
		return nil
	}
	select {
	case <-heads:
		return nil
	case err := <-sub.Err():
		return fmt.Errorf("newHeads subscription: %w", err)
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (c *Chain) subscribeHeads(ctx context.Context, heads chan *header) (*rpc.ClientSubscription, Node, error) {
	for _, p := range c.providers {
		sub, err := p.Client.EthSubscribe(ctx, heads, "newHeads")
		if err == nil {
			return sub, p.Client, nil
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
	}
	c.noSubscription.Do(func() {
		c.log.Info("no provider accepts a newHeads subscription; polling for new blocks")
	})
	return nil, nil, errNoHeadSubscription
}
