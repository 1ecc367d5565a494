package resolve

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// The dashboard's fields: gas from receipts, failed calls, the leaderboard
// and the series of stats.

// transaction is an event's transaction receipt, through the request's
// loader; nil when it is not indexed.
func (r *Resolver) transaction(ctx context.Context, chain, txHash string) (*store.Transaction, error) {
	return loadersFrom(ctx).transactions.Load(ctx, store.TxKey{Chain: chain, TxHash: txHash})()
}

func (r *Resolver) gasUsed(ctx context.Context, chain, txHash string) (*int, error) {
	tx, err := r.transaction(ctx, chain, txHash)
	if err != nil || tx == nil {
		return nil, err
	}
	gas := int(tx.GasUsed)
	return &gas, nil
}

func (r *Resolver) feeWei(ctx context.Context, chain, txHash string) (*string, error) {
	tx, err := r.transaction(ctx, chain, txHash)
	if err != nil || tx == nil {
		return nil, err
	}
	return &tx.FeeWei, nil
}

func callError(tx *store.Transaction) *model.CallError {
	return &model.CallError{Name: nonEmpty(tx.ErrorName), Selector: nonEmpty(tx.ErrorSelector), Message: nonEmpty(tx.ErrorMessage)}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func playerOrder(o *model.PlayerOrder) string {
	switch deref(o) {
	case model.PlayerOrderXpAsc:
		return store.PlayersByXPAsc
	case model.PlayerOrderAddressAsc:
		return store.PlayersByAddress
	default:
		return store.PlayersByXPDesc
	}
}

func seriesFilter(s *model.Stats) store.SeriesFilter {
	return store.SeriesFilter{Span: statsSpan(s), Contract: s.Contract, Collection: s.Collection}
}

func timeCounts(counts []store.TimeCount) []*model.TimeCount {
	out := make([]*model.TimeCount, len(counts))
	for i, c := range counts {
		out[i] = &model.TimeCount{Time: c.Time, Count: c.Count}
	}
	return out
}

// primeTransactions loads, in one statement, the receipts of a page's rows
// when the client asked for their gasUsed or feeWei: the rows' resolvers
// then find them in the request's loader instead of each batching its own
// lookup.
func (r *Resolver) primeTransactions(ctx context.Context, keys []store.TxKey) error {
	if len(keys) == 0 || !selectsOnNodes(ctx, "gasUsed", "feeWei") {
		return nil
	}
	txs, err := r.store.TransactionsByHash(ctx, keys)
	if err != nil {
		return err
	}
	l := loadersFrom(ctx).transactions
	for i, k := range keys {
		l.Prime(ctx, k, txs[i])
	}
	return nil
}

// selectsOnNodes reports whether the connection being resolved selects one
// of names on its nodes (through nodes or edges.node).
func selectsOnNodes(ctx context.Context, names ...string) bool {
	op := graphql.GetOperationContext(ctx)
	has := func(sel ast.SelectionSet) bool {
		for _, f := range graphql.CollectFields(op, sel, nil) {
			if slices.Contains(names, f.Name) {
				return true
			}
		}
		return false
	}
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		switch f.Name {
		case "nodes":
			if has(f.Selections) {
				return true
			}
		case "edges":
			for _, e := range graphql.CollectFields(op, f.Selections, nil) {
				if e.Name == "node" && has(e.Selections) {
					return true
				}
			}
		}
	}
	return false
}

// txKeys are the transactions of a page's rows.
func txKeys[T any](rows []T, key func(*T) store.TxKey) []store.TxKey {
	out := make([]store.TxKey, len(rows))
	for i := range rows {
		out[i] = key(&rows[i])
	}
	return out
}
