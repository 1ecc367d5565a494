// Package resolve answers GraphQL fields from the store: the resolvers gqlgen
// calls (*.resolvers.go), the per-request dataloaders that batch their nested
// loads (loaders.go), and the prefetches of list resolvers that know what
// their items will ask for (prefetch.go). It reads only PostgreSQL, through
// the status cache where NFT answers are concerned.
package resolve

import (
	"context"
	"errors"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/graph/paging"
	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/store"
)

// Resolver is the root resolver; one serves every request.
type Resolver struct {
	store  *store.Store
	cache  *cache.Status
	broker *realtime.Broker
	lim    limits.Limits
	// version is herald's, for _meta.
	version string
	// replica is set when store is a streaming replica (_meta.replica).
	replica       ReplicaFollower
	maxReplicaLag time.Duration
}

// New returns the root resolver over st, with NFT answers through status
// and subscriptions fed by broker; _meta says it is herald version.
func New(st *store.Store, status *cache.Status, broker *realtime.Broker, lim limits.Limits, version string) *Resolver {
	return &Resolver{store: st, cache: status, broker: broker, lim: lim, version: version}
}

// page turns a connection's paging arguments into a store page, within
// the configured bounds, noting what its selection asks for (paging.Want).
func (r *Resolver) page(ctx context.Context, first *int, after *string, last *int, before *string, desc bool) (store.Page, error) {
	fc := graphql.GetFieldContext(ctx)
	op := graphql.GetOperationContext(ctx)
	a := paging.Args{First: first, FirstGiven: paging.Given(fc.Field.Field, op.Variables, "first"), Last: last, After: after, Before: before}
	p, perr := paging.Page(a, r.lim.DefaultPageSize, r.lim.MaxPageSize, desc)
	if perr != nil {
		return p, apierr.BadInput(ctx, perr.Argument, "%s", perr.Message)
	}
	paging.Want(op, fc.Field.Selections, fc.Field.Definition.Type.Name(), &p)
	return p, nil
}

// listErr maps a store error on a list to what the client should see.
func listErr(ctx context.Context, err error) error {
	if ce := (*store.CursorError)(nil); errors.As(err, &ce) {
		return apierr.BadInput(ctx, ce.Argument, "not a cursor of this list")
	}
	return err
}

// seriesErr is a stats series' error as the client should see it.
func seriesErr(ctx context.Context, err error) error {
	if errors.Is(err, store.ErrTooManyPoints) {
		return apierr.BadInput(ctx, "bucket", "%v", store.ErrTooManyPoints)
	}
	return err
}

// connection assembles a Relay connection's parts from a page.
func connection[T, E any](pg store.PageOf[T], edge func(cursor string, node *T) E) (edges []E, nodes []*T, info *model.PageInfo) {
	edges = make([]E, len(pg.Rows))
	nodes = make([]*T, len(pg.Rows))
	info = &model.PageInfo{HasNextPage: pg.HasNext, HasPreviousPage: pg.HasPrevious}
	for i := range pg.Rows {
		nodes[i] = &pg.Rows[i]
		edges[i] = edge(pg.Cursors[i], nodes[i])
	}
	if n := len(pg.Cursors); n > 0 {
		info.StartCursor, info.EndCursor = &pg.Cursors[0], &pg.Cursors[n-1]
	}
	return edges, nodes, info
}

// positionConfirmations is a row's confirmations on the indexed chain now.
func (r *Resolver) positionConfirmations(ctx context.Context, p *store.Position) (int, error) {
	tip, err := loadersFrom(ctx).tips.Covering(ctx, p.Chain, p.BlockHeight)
	if err != nil {
		return 0, err
	}
	return confirmations(tip, p.BlockHeight), nil
}

// confirmations of a block at height below the indexed tip.
func confirmations(tip store.Cursor, height int64) int {
	return int(domain.Confirmations(tip.Height, height))
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
