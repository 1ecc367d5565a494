// Package graph is herald's GraphQL gateway: the schema (schema/*.graphqls),
// gqlgen's generated executor (generated/), resolvers that read only the
// store, per-request dataloaders, the status cache, and the limits every
// operation passes before it runs.
package graph

import (
	"context"
	"errors"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// Resolver is the root resolver; one serves every request.
type Resolver struct {
	store  *store.Store
	cache  *statusCache
	broker *broker
	lim    Limits
}

// Error codes in the `extensions.code` of GraphQL errors.
const (
	CodeBadUserInput = "BAD_USER_INPUT"
)

// badInput is a BAD_USER_INPUT error naming the argument at fault.
func badInput(ctx context.Context, arg string, format string, args ...any) error {
	err := gqlerror.ErrorPathf(graphql.GetPath(ctx), "%s: %s", arg, fmt.Sprintf(format, args...))
	err.Extensions = map[string]any{"code": CodeBadUserInput, "argument": arg}
	return err
}

// page turns first/after into a store page, within the configured bounds.
func (r *Resolver) page(ctx context.Context, first *int, after *string, desc bool) (store.Page, error) {
	p := store.Page{First: r.lim.DefaultPageSize, Desc: desc, WithTotal: wantsTotal(ctx)}
	if first != nil {
		if *first < 0 || *first > r.lim.MaxPageSize {
			return p, badInput(ctx, "first", "must be between 0 and %d", r.lim.MaxPageSize)
		}
		p.First = *first
	}
	if after != nil {
		p.After = *after
	}
	return p, nil
}

// wantsTotal reports whether the client selected totalCount on the
// connection being resolved: counting is a second statement, paid only when
// asked for.
func wantsTotal(ctx context.Context) bool {
	for _, f := range graphql.CollectFieldsCtx(ctx, nil) {
		if f.Name == "totalCount" {
			return true
		}
	}
	return false
}

// listErr maps a store error on a list to what the client should see.
func listErr(ctx context.Context, err error) error {
	if errors.Is(err, store.ErrBadCursor) {
		return badInput(ctx, "after", "not a cursor of this list")
	}
	return err
}

// connection assembles a Relay connection's parts from a page.
func connection[T, E any](pg store.PageOf[T], edge func(cursor string, node *T) E) (edges []E, nodes []*T, info *model.PageInfo) {
	edges = make([]E, len(pg.Rows))
	nodes = make([]*T, len(pg.Rows))
	info = &model.PageInfo{HasNextPage: pg.HasNext}
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
	tips, err := loadersFrom(ctx).tips.get(ctx)
	if err != nil {
		return 0, err
	}
	return confirmations(tips[p.Chain], p.BlockHeight), nil
}

// confirmations = indexed tip height − h + 1 (0 if the tip is below h).
func confirmations(tip store.Cursor, height int64) int {
	return int(max(tip.Height-height+1, 0))
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
