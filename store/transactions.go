package store

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// EntityTransaction is the event-log entity of a Transaction.
const EntityTransaction = "evm_transaction"

// Receipt statuses.
const (
	TxFailed    int16 = 0
	TxSucceeded int16 = 1
)

// Transaction is an EVM transaction as its receipt tells it: one that
// emitted an indexed badge or verifier event, or, on chains that index
// failed calls, any call to a configured contract (Called), reverted ones
// with the error they reverted with.
type Transaction struct {
	bun.BaseModel `bun:"table:evm_transactions"`
	Position

	TxHash  string `bun:"tx_hash,pk" json:"txHash"`
	TxIndex int32  `bun:"tx_index" json:"txIndex"`
	From    string `bun:"from_address" json:"from"`
	// To is empty for a contract creation.
	To string `bun:"to_address,nullzero" json:"to,omitempty"`
	// Called marks a call to a configured contract found in its block's
	// transactions: the transactions success and failure rates count.
	Called bool `bun:"called" json:"called"`
	// Selector is the input's first 4 bytes (0x + 8 hex digits) and
	// Function the ABI's name for them; both empty when the input was not
	// read or is shorter, Function also when the ABI does not know it.
	Selector string `bun:"selector,nullzero" json:"selector,omitempty"`
	Function string `bun:"function,nullzero" json:"function,omitempty"`
	// GasLimit is 0 when the transaction itself was not read.
	GasLimit          int64  `bun:"gas_limit,nullzero" json:"gasLimit,omitempty"`
	GasUsed           int64  `bun:"gas_used" json:"gasUsed"`
	EffectiveGasPrice string `bun:"effective_gas_price,type:numeric" json:"effectiveGasPrice"`
	// FeeWei is GasUsed × EffectiveGasPrice.
	FeeWei string `bun:"fee_wei,type:numeric" json:"feeWei"`
	Status int16  `bun:"status" json:"status"`
	// The error a reverted call reverted with (RevertError).
	ErrorSelector string `bun:"error_selector,nullzero" json:"errorSelector,omitempty"`
	ErrorName     string `bun:"error_name,nullzero" json:"errorName,omitempty"`
	ErrorMessage  string `bun:"error_message,nullzero" json:"errorMessage,omitempty"`
}

func transactionKey(t *Transaction) (string, int64) { return t.TxHash, t.BlockHeight }

// TxKey names one transaction of one chain.
type TxKey struct{ Chain, TxHash string }

// TransactionsByHash returns each transaction (nil when not indexed),
// aligned with keys, in one statement.
func (s *Store) TransactionsByHash(ctx context.Context, keys []TxKey) ([]*Transaction, error) {
	var rows []Transaction
	if len(keys) > 0 {
		tuples := make([][]any, len(keys))
		for i, k := range keys {
			tuples[i] = []any{k.Chain, k.TxHash}
		}
		if err := s.db.NewSelect().Model(&rows).Where("(chain, tx_hash) IN (?)", bun.In(tuples)).Scan(ctx); err != nil {
			return nil, fmt.Errorf("transactions by hash: %w", err)
		}
	}
	strs := make([]string, len(keys))
	for i, k := range keys {
		strs[i] = k.Chain + "\x00" + k.TxHash
	}
	return align(strs, rows, func(t *Transaction) string { return t.Chain + "\x00" + t.TxHash }), nil
}

// FailedCallFilter selects reverted calls.
type FailedCallFilter struct {
	Span
	// Contract is the called contract.
	Contract string
	From     string
	Function string
	// Error is the error's name, or its selector when the ABI does not
	// know it.
	Error string
}

var failedCallOrder = keyset[Transaction]{
	columns: []string{"block_height", "tx_index", "chain"},
	values: func(t *Transaction) []string {
		return []string{itoa(t.BlockHeight), itoa(int64(t.TxIndex)), t.Chain}
	},
}

// FailedCalls lists calls to configured contracts that reverted.
func (s *Store) FailedCalls(ctx context.Context, f FailedCallFilter, p Page) (PageOf[Transaction], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		q = f.Span.apply(q.Where("status = ?", TxFailed))
		q = eq(q, "to_address", f.Contract)
		q = eq(q, "from_address", f.From)
		q = eq(q, "function", f.Function)
		if f.Error != "" {
			q = q.Where("coalesce(error_name, error_selector) = ?", f.Error)
		}
		return q
	}, failedCallOrder, p)
}

// ThresholdFilter selects threshold updates.
type ThresholdFilter struct {
	Span
	Contract string
}

var thresholdOrder = keyset[ThresholdUpdate]{
	columns: []string{"block_height", "log_index", "chain"},
	values: func(t *ThresholdUpdate) []string {
		return []string{itoa(t.BlockHeight), itoa(int64(t.LogIndex)), t.Chain}
	},
}

// ThresholdUpdates lists verifiers' ThresholdUpdated events.
func (s *Store) ThresholdUpdates(ctx context.Context, f ThresholdFilter, p Page) (PageOf[ThresholdUpdate], error) {
	return list(ctx, s.db, func(q *bun.SelectQuery) *bun.SelectQuery {
		return eq(f.Span.apply(q), "contract", f.Contract)
	}, thresholdOrder, p)
}
