package graph

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/graph-gophers/dataloader/v7"

	"github.com/herald-indexer/herald/store"
)

// loaders batch the nested loads of one request: every NFT's summary, every
// registration's record, every badge's claim… each in one statement per
// request level, however many parents ask. They live for one request, so
// nothing read through them outlives it (except summaries, which the status
// cache keeps until the event log says they changed).
type loaders struct {
	summary    *dataloader.Loader[string, store.NFTSummary]
	nftRegs    *dataloader.Loader[nftRegsKey, store.PageOf[store.Registration]]
	recordFee  *dataloader.Loader[string, *store.RegistrationRecord]
	regsByTx   *dataloader.Loader[string, []store.Registration]
	firstClaim *dataloader.Loader[store.TokenKey, *store.BadgeClaim]
	nullifiers *dataloader.Loader[string, []store.NullifierUse]

	// Chain tips and collections are read once per request, on first use:
	// confirmations are computed from the head as it is now.
	tips        *lazy[map[string]store.Cursor]
	collections *lazy[map[string]store.Collection]
}

// nftRegsKey asks for one page of one NFT's registrations; keys with the same
// page parameters share a statement.
type nftRegsKey struct {
	id        string
	first     int
	after     string
	status    string // comma-joined
	withTotal bool
}

// loaderWait is how long a loader gathers keys before it queries: long
// enough for sibling resolvers to join the batch, short against a query.
const loaderWait = time.Millisecond

func newLoaders(st *store.Store, cache *statusCache) *loaders {
	l := &loaders{
		summary: dataloader.NewBatchedLoader(func(ctx context.Context, ids []string) []*dataloader.Result[store.NFTSummary] {
			sums, err := cache.summaries(ctx, st, ids)
			return results(sums, err, len(ids))
		}, dataloader.WithWait[string, store.NFTSummary](loaderWait)),
		nftRegs: dataloader.NewBatchedLoader(func(ctx context.Context, keys []nftRegsKey) []*dataloader.Result[store.PageOf[store.Registration]] {
			return loadNFTRegistrations(ctx, st, keys)
		}, dataloader.WithWait[nftRegsKey, store.PageOf[store.Registration]](loaderWait)),
		recordFee: dataloader.NewBatchedLoader(func(ctx context.Context, txids []string) []*dataloader.Result[*store.RegistrationRecord] {
			recs, err := st.RecordsByFeeTxID(ctx, txids)
			return results(recs, err, len(txids))
		}, dataloader.WithWait[string, *store.RegistrationRecord](loaderWait)),
		regsByTx: dataloader.NewBatchedLoader(func(ctx context.Context, txids []string) []*dataloader.Result[[]store.Registration] {
			regs, err := st.RegistrationsByTxID(ctx, txids)
			return results(regs, err, len(txids))
		}, dataloader.WithWait[string, []store.Registration](loaderWait)),
		firstClaim: dataloader.NewBatchedLoader(func(ctx context.Context, keys []store.TokenKey) []*dataloader.Result[*store.BadgeClaim] {
			claims, err := st.FirstClaims(ctx, keys)
			return results(claims, err, len(keys))
		}, dataloader.WithWait[store.TokenKey, *store.BadgeClaim](loaderWait)),
		nullifiers: dataloader.NewBatchedLoader(func(ctx context.Context, hashes []string) []*dataloader.Result[[]store.NullifierUse] {
			uses, err := st.NullifiersByHash(ctx, hashes, store.AllNullifierColumns)
			return results(uses, err, len(hashes))
		}, dataloader.WithWait[string, []store.NullifierUse](loaderWait)),
	}
	l.tips = newLazy(func(ctx context.Context) (map[string]store.Cursor, error) {
		return cache.cursors(ctx, st)
	})
	l.collections = newLazy(func(ctx context.Context) (map[string]store.Collection, error) {
		return cache.collections(ctx, st)
	})
	return l
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

func loadNFTRegistrations(ctx context.Context, st *store.Store, keys []nftRegsKey) []*dataloader.Result[store.PageOf[store.Registration]] {
	type params struct {
		first     int
		after     string
		status    string
		withTotal bool
	}
	groups := make(map[params][]int)
	var order []params
	for i, k := range keys {
		p := params{k.first, k.after, k.status, k.withTotal}
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
			ids[j] = keys[i].id
		}
		var status []string
		if p.status != "" {
			status = strings.Split(p.status, ",")
		}
		pages, err := st.RegistrationsOfNFTs(ctx, ids, status, nil, store.Page{First: p.first, After: p.after, Desc: true, WithTotal: p.withTotal})
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

func statusKey(status []string) string {
	s := slices.Clone(status)
	slices.Sort(s)
	return strings.Join(s, ",")
}

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
