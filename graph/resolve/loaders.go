package resolve

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/store"
)

// loaders batch the nested loads of one request: every NFT's summary, every
// registration's record, every badge's claim… each in one statement per
// request level, however many parents ask. They live for one request, so
// nothing read through them outlives it (except summaries, which the status
// cache keeps until the event log says they changed).
type loaders struct {
	summary    *dataloader.Loader[string, store.NFTSummary]
	nftRegs    *dataloader.Loader[cache.PageKey, store.PageOf[store.Registration]]
	recordFee  *dataloader.Loader[string, *store.RegistrationRecord]
	regsByTx   *dataloader.Loader[string, []store.Registration]
	firstClaim *dataloader.Loader[store.TokenKey, *store.BadgeClaim]
	nullifiers *dataloader.Loader[string, []store.NullifierUse]
	// transactions are receipts, for gasUsed and feeWei (analytics.go).
	transactions *dataloader.Loader[store.TxKey, *store.Transaction]

	// Chain tips and collections are read once per request, on first use:
	// confirmations are computed from the head as it is now.
	tips        *cache.Tips
	collections *lazy[map[string]store.Collection]
}

// loaderWait is how long a loader gathers keys before it queries: long
// enough for sibling resolvers to join the batch, short against a query.
const loaderWait = time.Millisecond

func newLoaders(st *store.Store, status *cache.Status, timeout time.Duration) *loaders {
	l := &loaders{
		summary: batched(timeout, func(ctx context.Context, ids []string) ([]store.NFTSummary, error) {
			return status.Summaries(ctx, ids)
		}),
		nftRegs: dataloader.NewBatchedLoader(func(ctx context.Context, keys []cache.PageKey) []*dataloader.Result[store.PageOf[store.Registration]] {
			ctx, cancel := withTimeout(ctx, timeout)
			defer cancel()
			return loadNFTRegistrations(ctx, st, keys)
		}, dataloader.WithWait[cache.PageKey, store.PageOf[store.Registration]](loaderWait)),
		recordFee:  batched(timeout, st.RecordsByFeeTxID),
		regsByTx:   batched(timeout, st.RegistrationsByTxID),
		firstClaim: batched(timeout, st.FirstClaims),
		nullifiers: batched(timeout, func(ctx context.Context, hashes []string) ([][]store.NullifierUse, error) {
			return st.NullifiersByHash(ctx, hashes, store.AllNullifierColumns)
		}),
		transactions: batched(timeout, st.TransactionsByHash),
	}
	l.tips = status.Tips()
	l.collections = newLazy(status.Collections)
	return l
}

// batched is a loader over a batch lookup whose results align with its
// keys. Each batch is bounded by timeout: a subscription's events have no
// response deadline (it would end an idle subscription), so this bounds
// their SQL.
func batched[K comparable, V any](timeout time.Duration, lookup func(context.Context, []K) ([]V, error)) *dataloader.Loader[K, V] {
	return dataloader.NewBatchedLoader(func(ctx context.Context, keys []K) []*dataloader.Result[V] {
		ctx, cancel := withTimeout(ctx, timeout)
		defer cancel()
		vs, err := lookup(ctx, keys)
		return results(vs, err, len(keys))
	}, dataloader.WithWait[K, V](loaderWait))
}

func withTimeout(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	if d <= 0 {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, d)
}

// lazy loads a value at most once per request, with the context of the
// first resolver that needs it (they all belong to the same request).
type lazy[T any] struct {
	once sync.Once
	load func(context.Context) (T, error)
	v    T
	err  error
}

func newLazy[T any](load func(context.Context) (T, error)) *lazy[T] { return &lazy[T]{load: load} }

func (l *lazy[T]) get(ctx context.Context) (T, error) {
	l.once.Do(func() { l.v, l.err = l.load(ctx) })
	return l.v, l.err
}

func results[V any](vs []V, err error, n int) []*dataloader.Result[V] {
	out := make([]*dataloader.Result[V], n)
	for i := range out {
		if err != nil {
			out[i] = &dataloader.Result[V]{Error: err}
		} else {
			out[i] = &dataloader.Result[V]{Data: vs[i]}
		}
	}
	return out
}

func loadNFTRegistrations(ctx context.Context, st *store.Store, keys []cache.PageKey) []*dataloader.Result[store.PageOf[store.Registration]] {
	// One statement per page asked for, over every NFT that asks for it.
	type params struct {
		status string
		page   store.Page
	}
	groups := make(map[params][]int)
	var order []params
	for i, k := range keys {
		p := params{k.Status, k.Page}
		if _, ok := groups[p]; !ok {
			order = append(order, p)
		}
		groups[p] = append(groups[p], i)
	}
	out := make([]*dataloader.Result[store.PageOf[store.Registration]], len(keys))
	for _, p := range order {
		idx := groups[p]
		ids := make([]string, len(idx))
		for j, i := range idx {
			ids[j] = keys[i].ID
		}
		var status []string
		if p.status != "" {
			status = strings.Split(p.status, ",")
		}
		pages, err := st.RegistrationsOfNFTs(ctx, ids, status, p.page)
		for j, i := range idx {
			if err != nil {
				out[i] = &dataloader.Result[store.PageOf[store.Registration]]{Error: err}
			} else {
				out[i] = &dataloader.Result[store.PageOf[store.Registration]]{Data: pages[j]}
			}
		}
	}
	return out
}

func statusKey(status []string) string { return cache.StatusKey(status) }

type loadersKey struct{}

// loaderScope builds a response's loaders on first use: most subscription
// events need none.
type loaderScope struct {
	once sync.Once
	make func() *loaders
	l    *loaders
}

func withLoaders(ctx context.Context, make func() *loaders) context.Context {
	return context.WithValue(ctx, loadersKey{}, &loaderScope{make: make})
}

func loadersFrom(ctx context.Context) *loaders {
	s := ctx.Value(loadersKey{}).(*loaderScope)
	s.once.Do(func() { s.l = s.make() })
	return s.l
}
