package evm

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/rpc"
	"golang.org/x/sync/errgroup"

	"github.com/herald-indexer/herald/indexer/provider"
)

// rpcTx is the part of a transaction object (eth_getBlockByNumber with full
// transactions) herald reads.
type rpcTx struct {
	Hash  common.Hash     `json:"hash"`
	From  common.Address  `json:"from"`
	To    *common.Address `json:"to"`
	Input hexutil.Bytes   `json:"input"`
	Gas   hexutil.Uint64  `json:"gas"`
	Value *hexutil.Big    `json:"value"`
	Index hexutil.Uint64  `json:"transactionIndex"`
}

// rpcReceipt is the part of a transaction receipt herald reads.
type rpcReceipt struct {
	TxHash            common.Hash     `json:"transactionHash"`
	TxIndex           hexutil.Uint64  `json:"transactionIndex"`
	BlockHash         common.Hash     `json:"blockHash"`
	BlockNumber       hexutil.Uint64  `json:"blockNumber"`
	From              common.Address  `json:"from"`
	To                *common.Address `json:"to"`
	GasUsed           hexutil.Uint64  `json:"gasUsed"`
	EffectiveGasPrice *hexutil.Big    `json:"effectiveGasPrice"`
	Status            *hexutil.Uint64 `json:"status"`
}

// capableNode is a provider's node and what it has been found not to
// answer, so that it is asked once: eth_getBlockReceipts is newer than most
// providers' other methods.
type capableNode struct {
	Node
	noBlockReceipts atomic.Bool
}

// unsupported reports whether err is a provider saying it has no such
// method: JSON-RPC's -32601, or the messages of providers that answer
// otherwise.
func unsupported(err error) bool {
	var re rpc.Error
	if errors.As(err, &re) && re.ErrorCode() == -32601 {
		return true
	}
	msg := strings.ToLower(err.Error())
	return strings.Contains(msg, "method not found") || strings.Contains(msg, "not supported") ||
		strings.Contains(msg, "does not exist") || strings.Contains(msg, "unsupported method")
}

// blockTxs decodes a block's full transactions (failed_calls chains read
// blocks with them).
func blockTxs(h header) ([]rpcTx, error) {
	var txs []rpcTx
	if len(h.Txs) == 0 {
		return nil, nil
	}
	if err := json.Unmarshal(h.Txs, &txs); err != nil {
		return nil, fmt.Errorf("block %d: transactions: %w", h.Number, err)
	}
	return txs, nil
}

// receiptsWanted is the transactions whose receipts one block needs.
type receiptsWanted struct {
	at     int // index into the headers
	hashes []common.Hash
}

// receipts reads the receipts of the wanted transactions, a batch of blocks
// per request (eth_getBlockReceipts where the provider has it, else one
// eth_getTransactionReceipt per transaction), and checks each against its
// block's header: a receipt of another block, or of none, means the chain
// moved or the provider lags, and the follower fetches again.
func (s *source) receipts(ctx context.Context, headers []header, want []receiptsWanted) (map[common.Hash]rpcReceipt, error) {
	out := make(map[common.Hash]rpcReceipt)
	results := make([][]rpcReceipt, len(want))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(headerConcurrency)
	for start := 0; start < len(want); start += int(s.headerBatch) {
		chunk := want[start:min(start+int(s.headerBatch), len(want))]
		g.Go(func() error {
			rs, err := provider.Do(gctx, s.pool, "receipts", func(ctx context.Context, n Node) ([][]rpcReceipt, error) {
				return fetchReceipts(ctx, n, headers, chunk)
			})
			if err != nil {
				return err
			}
			copy(results[start:], rs)
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("receipts: %w", err)
	}
	for i, w := range want {
		h := headers[w.at]
		byHash := make(map[common.Hash]rpcReceipt, len(results[i]))
		for _, r := range results[i] {
			byHash[r.TxHash] = r
		}
		for _, hash := range w.hashes {
			r, ok := byHash[hash]
			switch {
			case !ok:
				return nil, fmt.Errorf("block %d has no receipt of %s: %w", h.Number, hash.Hex(), errChainMoved)
			case r.BlockHash != h.Hash || r.BlockNumber != h.Number:
				return nil, fmt.Errorf("receipt of %s names block %d %s, not %d %s: %w",
					hash.Hex(), r.BlockNumber, r.BlockHash.Hex(), h.Number, h.Hash.Hex(), errChainMoved)
			}
			out[hash] = r
		}
	}
	return out, nil
}

// fetchReceipts reads one chunk's receipts from one provider.
func fetchReceipts(ctx context.Context, n Node, headers []header, chunk []receiptsWanted) ([][]rpcReceipt, error) {
	cn, _ := n.(*capableNode)
	if cn == nil || !cn.noBlockReceipts.Load() {
		out := make([][]rpcReceipt, len(chunk))
		batch := make([]rpc.BatchElem, len(chunk))
		for i, w := range chunk {
			batch[i] = rpc.BatchElem{Method: "eth_getBlockReceipts", Args: []any{headers[w.at].Number}, Result: &out[i]}
		}
		if err := n.BatchCallContext(ctx, batch); err != nil {
			return nil, err
		}
		err := batchError(batch, "eth_getBlockReceipts")
		switch {
		case err == nil:
			for i, w := range chunk {
				if out[i] == nil {
					return nil, fmt.Errorf("eth_getBlockReceipts of block %d: %w", headers[w.at].Number, errNoBlock)
				}
			}
			return out, nil
		case cn != nil && unsupported(err):
			cn.noBlockReceipts.Store(true) // and ask for each receipt below
		default:
			return nil, err
		}
	}
	var batch []rpc.BatchElem
	rs := make([][]*rpcReceipt, len(chunk))
	for i, w := range chunk {
		rs[i] = make([]*rpcReceipt, len(w.hashes))
		for j, hash := range w.hashes {
			batch = append(batch, rpc.BatchElem{Method: "eth_getTransactionReceipt", Args: []any{hash}, Result: &rs[i][j]})
		}
	}
	if err := n.BatchCallContext(ctx, batch); err != nil {
		return nil, err
	}
	if err := batchError(batch, "eth_getTransactionReceipt"); err != nil {
		return nil, err
	}
	out := make([][]rpcReceipt, len(chunk))
	for i, w := range chunk {
		for j, r := range rs[i] {
			if r == nil {
				// A provider that lags has no receipt yet: another may.
				return nil, fmt.Errorf("no receipt of %s in block %d: %w", w.hashes[j].Hex(), headers[w.at].Number, errNoBlock)
			}
			out[i] = append(out[i], *r)
		}
	}
	return out, nil
}

func batchError(batch []rpc.BatchElem, method string) error {
	for _, e := range batch {
		if e.Error != nil {
			return fmt.Errorf("%s: %w", method, e.Error)
		}
	}
	return nil
}

// callArg is an eth_call of a transaction as it was sent.
type callArg struct {
	From  common.Address  `json:"from"`
	To    *common.Address `json:"to"`
	Gas   hexutil.Uint64  `json:"gas"`
	Value *hexutil.Big    `json:"value,omitempty"`
	Data  hexutil.Bytes   `json:"data"`
}

// replay is one reverted call to replay on its block's parent.
type replay struct {
	tx     rpcTx
	parent uint64
}

// revertData replays reverted calls with eth_call on the state of their
// block's parent, in batches, and returns what each reverted with: its
// revert data (empty when the error carried none), or nil when the replay
// did not revert (an earlier transaction of the same block made the call
// fail). The parent's state is what an RPC provider can replay on without
// tracing; a call that failed only because of one before it in its block is
// reported as not reverting.
func (s *source) revertData(ctx context.Context, calls []replay) ([][]byte, error) {
	out := make([][]byte, len(calls))
	for start := 0; start < len(calls); start += int(s.headerBatch) {
		chunk := calls[start:min(start+int(s.headerBatch), len(calls))]
		rs, err := provider.Do(ctx, s.pool, "eth_call replay", func(ctx context.Context, n Node) ([][]byte, error) {
			return replayCalls(ctx, n, chunk)
		})
		if err != nil {
			return nil, fmt.Errorf("replay reverted calls: %w", err)
		}
		copy(out[start:], rs)
	}
	return out, nil
}

func replayCalls(ctx context.Context, n Node, chunk []replay) ([][]byte, error) {
	batch := make([]rpc.BatchElem, len(chunk))
	results := make([]hexutil.Bytes, len(chunk))
	for i, c := range chunk {
		arg := callArg{From: c.tx.From, To: c.tx.To, Gas: c.tx.Gas, Value: c.tx.Value, Data: c.tx.Input}
		batch[i] = rpc.BatchElem{Method: "eth_call", Args: []any{arg, hexutil.Uint64(c.parent)}, Result: &results[i]}
	}
	if err := n.BatchCallContext(ctx, batch); err != nil {
		return nil, err
	}
	out := make([][]byte, len(chunk))
	for i, e := range batch {
		if e.Error == nil {
			continue // did not revert on the parent's state
		}
		var de rpc.DataError
		if errors.As(e.Error, &de) {
			if text, ok := de.ErrorData().(string); ok {
				if data, err := hexutil.Decode(text); err == nil {
					out[i] = data
					continue
				}
			}
		}
		var re rpc.Error
		if errors.As(e.Error, &re) && (re.ErrorCode() == -32601 || re.ErrorCode() == -32602) {
			// The request, not the call, failed: the provider's fault.
			return nil, fmt.Errorf("eth_call: %w", e.Error)
		}
		out[i] = []byte{} // reverted (or ran out of gas) without data
	}
	return out, nil
}
