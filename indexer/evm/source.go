package evm

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"slices"
	"strings"
	"sync"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/rpc"
	"golang.org/x/sync/errgroup"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
)

// Node is one EVM JSON-RPC endpoint as the log source uses it: single and
// batched calls, and subscriptions where the transport has them (WebSocket).
// *rpc.Client implements it, and so does the *RPCNode of Dial.
//
// The source reads blocks as raw JSON-RPC objects rather than through
// ethclient: ethclient cannot batch, and it derives a header's hash by
// hashing the header fields it knows, which is wrong on chains whose
// headers differ from Ethereum's (zkSync-based Abstract among them). The
// hash a node reports is the one its logs carry.
type Node interface {
	CallContext(ctx context.Context, result any, method string, args ...any) error
	BatchCallContext(ctx context.Context, b []rpc.BatchElem) error
	EthSubscribe(ctx context.Context, channel any, args ...any) (*rpc.ClientSubscription, error)
}

var (
	_ Node = (*rpc.Client)(nil)
	_ Node = (*RPCNode)(nil)
)

// RPCNode is a Node over one URL (http, https, ws or wss), dialled on first
// use: a WebSocket endpoint that is down when herald starts is dialled again
// by the next request instead of failing the chain, since the provider pool
// fails over from it meanwhile. It is safe for concurrent use.
type RPCNode struct {
	url string
	mu  sync.Mutex
	c   *rpc.Client
}

// Dial returns a Node for rawURL. It does no I/O.
func Dial(rawURL string) *RPCNode { return &RPCNode{url: rawURL} }

func (n *RPCNode) client(ctx context.Context) (*rpc.Client, error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.c != nil {
		return n.c, nil
	}
	c, err := rpc.DialContext(ctx, n.url)
	if err != nil {
		return nil, fmt.Errorf("dial: %w", err)
	}
	n.c = c
	return c, nil
}

// CallContext implements Node.
func (n *RPCNode) CallContext(ctx context.Context, result any, method string, args ...any) error {
	c, err := n.client(ctx)
	if err != nil {
		return err
	}
	return c.CallContext(ctx, result, method, args...)
}

// BatchCallContext implements Node.
func (n *RPCNode) BatchCallContext(ctx context.Context, b []rpc.BatchElem) error {
	c, err := n.client(ctx)
	if err != nil {
		return err
	}
	return c.BatchCallContext(ctx, b)
}

// EthSubscribe implements Node.
func (n *RPCNode) EthSubscribe(ctx context.Context, channel any, args ...any) (*rpc.ClientSubscription, error) {
	c, err := n.client(ctx)
	if err != nil {
		return nil, err
	}
	return c.EthSubscribe(ctx, channel, args...)
}

// Close closes the connection, if any.
func (n *RPCNode) Close() {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.c != nil {
		n.c.Close()
		n.c = nil
	}
}

// header is the part of an eth_getBlockByNumber result herald uses.
type header struct {
	Number     hexutil.Uint64 `json:"number"`
	Hash       common.Hash    `json:"hash"`
	ParentHash common.Hash    `json:"parentHash"`
	Time       hexutil.Uint64 `json:"timestamp"`
	// Txs are the block's transactions: hashes, or whole transactions
	// when the source reads them (failed calls; blockTxs decodes them).
	Txs json.RawMessage `json:"transactions"`
}

// filterArg is an eth_getLogs filter over a block range.
type filterArg struct {
	FromBlock hexutil.Uint64   `json:"fromBlock"`
	ToBlock   hexutil.Uint64   `json:"toBlock"`
	Address   []common.Address `json:"address"`
	Topics    [][]common.Hash  `json:"topics"`
}

var (
	// errRangeTooLarge is a provider refusing an eth_getLogs range (too many
	// blocks, results or bytes, or too slow to answer): the range shrinks.
	errRangeTooLarge = errors.New("eth_getLogs range too large for the provider")
	// errChainMoved is the chain changing while a range was fetched; the
	// follower fetches again.
	errChainMoved = errors.New("chain changed during the fetch")
	// errNoBlock is a provider that does not have a block (yet).
	errNoBlock = errors.New("provider has no such block")
)

// rangeErrorHints are lower-case fragments of the errors with which
// providers refuse an eth_getLogs range as too large: geth ("exceed maximum
// block range"), Infura and zkSync ("query returned more than 10000
// results"), Alchemy ("log response size exceeded"), QuickNode ("limited to
// a 10,000 range"), BSC ("block range is too wide"), and server-side
// timeouts, which a smaller range avoids.
var rangeErrorHints = []string{
	"query returned more than", "too many results", "more than 10000", "range too large", "range is too large",
	"range too wide", "range is too wide", "exceed maximum block range", "exceeds maximum block range",
	"block range limit", "response size", "too large", "limited to a", "max results", "timeout", "timed out",
}

// isRangeError reports whether err, returned for an eth_getLogs request,
// refuses the request's size. JSON-RPC error codes are no help: Infura's
// -32005 means both "too many results" and "rate limited" (and a rate limit
// must fail over, not shrink the range).
func isRangeError(err error) bool {
	var re rpc.Error
	if !errors.As(err, &re) {
		return false
	}
	msg := strings.ToLower(re.Error())
	return slices.ContainsFunc(rangeErrorHints, func(h string) bool { return strings.Contains(msg, h) })
}

// isTimeout reports whether a failed request timed out on the provider's
// side of the call (its attempt deadline, or the network), not the caller's.
func isTimeout(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.As(err, &ne) && ne.Timeout()
}

// span is the adaptive eth_getLogs block range: halved when a provider
// refuses a range, doubled back towards the configured maximum after a run
// of full-size successes. It is safe for concurrent use.
type span struct {
	mu        sync.Mutex
	cur, max  int64
	successes int
}

// growAfter is how many full-size successes in a row double the range, so
// that a range at a provider's limit does not fail every other request.
const growAfter = 4

func newSpan(maxRange int64) *span { return &span{cur: maxRange, max: maxRange} }

func (s *span) size() int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cur
}

// shrink halves the range below a refused one of n blocks and returns it.
func (s *span) shrink(n int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = max(1, min(s.cur, n/2))
	s.successes = 0
	return s.cur
}

// succeeded notes a successful query of n blocks.
func (s *span) succeeded(n int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n < s.cur || s.cur == s.max {
		return
	}
	s.successes++
	if s.successes >= growAfter {
		s.cur = min(s.max, s.cur*2)
		s.successes = 0
	}
}

// headerConcurrency is how many header batches are in flight at once.
const headerConcurrency = 4

// source reads heads, block headers and the configured contracts' logs from
// a pool of providers, and verifies that they describe one chain.
type source struct {
	pool      *provider.Pool[Node]
	addresses []common.Address
	topics    [][]common.Hash
	finalized bool
	// fullTxs reads blocks with their transactions (failed calls).
	fullTxs     bool
	headerBatch int64
	span        *span
	log         *slog.Logger
	// noFinalized is set once a provider has refused the finalized tag, so
	// that it is logged once.
	noFinalized sync.Once
}

// head reads the tip, and the finalized block in the same batch when the
// chain is configured to use the tag. A provider that cannot answer the
// finalized tag leaves Finalized 0: the follower then keeps its reorg window.
func (s *source) head(ctx context.Context) (indexer.Head, error) {
	return provider.Do(ctx, s.pool, "eth_blockNumber", func(ctx context.Context, n Node) (indexer.Head, error) {
		var height hexutil.Uint64
		var fin *header
		batch := []rpc.BatchElem{{Method: "eth_blockNumber", Result: &height}}
		if s.finalized {
			batch = append(batch, rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{"finalized", false}, Result: &fin})
		}
		if err := n.BatchCallContext(ctx, batch); err != nil {
			return indexer.Head{}, err
		}
		if err := batch[0].Error; err != nil {
			return indexer.Head{}, fmt.Errorf("eth_blockNumber: %w", err)
		}
		if height > math.MaxInt64 {
			return indexer.Head{}, fmt.Errorf("eth_blockNumber: height %d out of range", height)
		}
		h := indexer.Head{Height: int64(height)}
		if !s.finalized {
			return h, nil
		}
		if err := batch[1].Error; err != nil {
			s.noFinalized.Do(func() {
				s.log.Info("provider does not answer the finalized block tag; relying on the reorg window", "err", err)
			})
			return h, nil
		}
		if fin != nil {
			h.Finalized = min(int64(min(fin.Number, math.MaxInt64)), h.Height)
		}
		return h, nil
	})
}

// header reads the canonical block at height.
func (s *source) header(ctx context.Context, height int64) (header, error) {
	return provider.Do(ctx, s.pool, "eth_getBlockByNumber", func(ctx context.Context, n Node) (header, error) {
		var h *header
		if err := n.CallContext(ctx, &h, "eth_getBlockByNumber", hexutil.Uint64(height), false); err != nil {
			return header{}, fmt.Errorf("block %d: %w", height, err)
		}
		return checkHeader(h, height)
	})
}

// headers reads the blocks from..to, in batches of headerBatch, a few
// batches at a time; each batch comes from one provider.
func (s *source) headers(ctx context.Context, from, to int64) ([]header, error) {
	out := make([]header, to-from+1)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(headerConcurrency)
	for start := from; start <= to; start += s.headerBatch {
		end := min(to, start+s.headerBatch-1)
		g.Go(func() error {
			hs, err := provider.Do(gctx, s.pool, "eth_getBlockByNumber batch", func(ctx context.Context, n Node) ([]header, error) {
				return fetchHeaders(ctx, n, start, end, s.fullTxs)
			})
			if err != nil {
				return err
			}
			copy(out[start-from:], hs)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

func fetchHeaders(ctx context.Context, n Node, from, to int64, full bool) ([]header, error) {
	hs := make([]*header, to-from+1)
	batch := make([]rpc.BatchElem, len(hs))
	for i := range batch {
		batch[i] = rpc.BatchElem{Method: "eth_getBlockByNumber", Args: []any{hexutil.Uint64(from + int64(i)), full}, Result: &hs[i]}
	}
	if err := n.BatchCallContext(ctx, batch); err != nil {
		return nil, err
	}
	out := make([]header, len(hs))
	for i, e := range batch {
		height := from + int64(i)
		if e.Error != nil {
			return nil, fmt.Errorf("block %d: %w", height, e.Error)
		}
		h, err := checkHeader(hs[i], height)
		if err != nil {
			return nil, err
		}
		out[i] = h
	}
	return out, nil
}

// checkHeader accepts a provider's block at height; anything else is the
// provider's fault, so the pool tries the next one.
func checkHeader(h *header, height int64) (header, error) {
	switch {
	case h == nil:
		return header{}, fmt.Errorf("block %d: %w", height, errNoBlock)
	case int64(h.Number) != height:
		return header{}, fmt.Errorf("block %d: provider returned block %d", height, h.Number)
	case h.Hash == (common.Hash{}):
		return header{}, fmt.Errorf("block %d: provider returned no block hash", height)
	}
	return *h, nil
}

// logs returns the configured contracts' logs of blocks from..to, sorted by
// block and log index, verified against headers (the blocks from..to).
//
// Ranges adapt: a range that a provider refuses as too large, or that timed
// out on every provider, is halved and retried at once, down to one block. Each range is read in one batch, between two reads of its
// last block from the same provider: a provider that lacks the block
// (lagging behind the one the headers came from) fails over instead of
// answering "no logs", and one whose chain moved meanwhile is refused.
func (s *source) logs(ctx context.Context, from, to int64, headers []header) ([]types.Log, error) {
	var out []types.Log
	for start := from; start <= to; {
		end := min(to, start+s.span.size()-1)
		q := filterArg{FromBlock: hexutil.Uint64(start), ToBlock: hexutil.Uint64(end), Address: s.addresses, Topics: s.topics}
		chunk, err := provider.Do(ctx, s.pool, "eth_getLogs", func(ctx context.Context, n Node) (logChunk, error) {
			return fetchLogs(ctx, n, q)
		})
		n := end - start + 1
		switch {
		case n > 1 && (errors.Is(err, errRangeTooLarge) || isTimeout(ctx, err)):
			// Retry the smaller range at once rather than fail the whole
			// fetch: the follower would start again from the first block,
			// and the successes before this range would grow it back.
			size := s.span.shrink(n)
			s.log.Info("eth_getLogs range refused or timed out; shrinking", "from", start, "to", end, "new_range", size, "err", err)
			continue
		case err != nil:
			return nil, fmt.Errorf("logs of blocks %d..%d: %w", start, end, err)
		}
		s.span.succeeded(n)
		if want := headers[end-from].Hash; chunk.hash != want {
			return nil, fmt.Errorf("logs of blocks %d..%d: block %d is %s at the log provider, %s at the header provider: %w",
				start, end, end, chunk.hash.Hex(), want.Hex(), errChainMoved)
		}
		for _, lg := range chunk.logs {
			if want := headers[int64(lg.BlockNumber)-from].Hash; lg.BlockHash != want {
				return nil, fmt.Errorf("log %d of block %d names block %s, not %s: %w",
					lg.Index, lg.BlockNumber, lg.BlockHash.Hex(), want.Hex(), errChainMoved)
			}
		}
		out = append(out, chunk.logs...)
		start = end + 1
	}
	return sortLogs(out)
}

// logChunk is one range's logs and the hash of the range's last block as
// the same provider saw it.
type logChunk struct {
	hash common.Hash
	logs []types.Log
}

func fetchLogs(ctx context.Context, n Node, q filterArg) (logChunk, error) {
	var before, after *header
	var logs []types.Log
	last := []any{q.ToBlock, false}
	batch := []rpc.BatchElem{
		{Method: "eth_getBlockByNumber", Args: last, Result: &before},
		{Method: "eth_getLogs", Args: []any{q}, Result: &logs},
		{Method: "eth_getBlockByNumber", Args: last, Result: &after},
	}
	if err := n.BatchCallContext(ctx, batch); err != nil {
		return logChunk{}, err
	}
	if err := batch[1].Error; err != nil {
		if isRangeError(err) {
			// The request's size is at fault, not the provider: do not
			// count it against the breaker, shrink instead.
			return logChunk{}, provider.Permanent(fmt.Errorf("%w: %w", errRangeTooLarge, err))
		}
		return logChunk{}, fmt.Errorf("eth_getLogs: %w", err)
	}
	to := int64(q.ToBlock)
	for _, e := range []rpc.BatchElem{batch[0], batch[2]} {
		if e.Error != nil {
			return logChunk{}, fmt.Errorf("block %d: %w", to, e.Error)
		}
	}
	b, err := checkHeader(before, to)
	if err != nil {
		return logChunk{}, err
	}
	a, err := checkHeader(after, to)
	if err != nil {
		return logChunk{}, err
	}
	if a.Hash != b.Hash {
		// Not the provider's fault: the follower fetches again.
		return logChunk{}, provider.Permanent(fmt.Errorf("block %d changed from %s to %s during eth_getLogs: %w", to, b.Hash.Hex(), a.Hash.Hex(), errChainMoved))
	}
	for _, lg := range logs {
		switch {
		case lg.Removed:
			// eth_getLogs reports the canonical chain; a removed log is a
			// provider mixing in a reorg's notifications. Never apply it.
			return logChunk{}, fmt.Errorf("eth_getLogs returned a removed log (block %d, log %d)", lg.BlockNumber, lg.Index)
		case lg.BlockNumber < uint64(q.FromBlock) || lg.BlockNumber > uint64(q.ToBlock):
			return logChunk{}, fmt.Errorf("eth_getLogs for blocks %d..%d returned a log of block %d", q.FromBlock, q.ToBlock, lg.BlockNumber)
		}
	}
	return logChunk{hash: b.Hash, logs: logs}, nil
}

// sortLogs orders logs by block and log index, and drops exact duplicates
// (some providers repeat logs at range edges). Two different logs at one
// index cannot both be the chain's.
func sortLogs(logs []types.Log) ([]types.Log, error) {
	slices.SortStableFunc(logs, func(a, b types.Log) int {
		if a.BlockNumber != b.BlockNumber {
			return cmp.Compare(a.BlockNumber, b.BlockNumber)
		}
		return cmp.Compare(a.Index, b.Index)
	})
	out := logs[:0]
	for i, lg := range logs {
		if i > 0 {
			prev := out[len(out)-1]
			if prev.BlockNumber == lg.BlockNumber && prev.Index == lg.Index {
				if prev.TxHash != lg.TxHash || prev.Address != lg.Address || !slices.Equal(prev.Topics, lg.Topics) || !bytes.Equal(prev.Data, lg.Data) {
					return nil, fmt.Errorf("block %d has two different logs at index %d", lg.BlockNumber, lg.Index)
				}
				continue
			}
		}
		out = append(out, lg)
	}
	return out, nil
}
