package graph

import (
	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// Where a query's cost is computed. Every field costs 1; a list costs its
// children once per item it may return: `first` for pages, the number of ids
// for batch lookups. gqlgen sums this over the operation and rejects it
// (COMPLEXITY_LIMIT_EXCEEDED) before any resolver runs.

func perItem(child, items int) int { return 1 + child*max(items, 1) }

func firstOr(first *int, def int) int {
	if first == nil {
		return def
	}
	return *first
}

func complexity(lim Limits) generated.ComplexityRoot {
	var c generated.ComplexityRoot
	d := lim.DefaultPageSize
	q := &c.Query
	q.Nfts = func(child int, ids []string) int { return perItem(child, len(ids)) }
	q.Nullifiers = func(child int, hashes []string) int { return perItem(child, len(hashes)) }
	q.Registrations = func(child int, _ *model.RegistrationFilter, _ *model.ChainOrder, first *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, firstOr(first, d))
	}
	q.Badges = func(child int, _ *model.BadgeFilter, first *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, firstOr(first, d))
	}
	q.BadgeClaims = func(child int, _ *model.BadgeClaimFilter, _ *model.ChainOrder, first *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, firstOr(first, d))
	}
	q.UsedNullifiers = func(child int, _ *model.NullifierFilter, _ *model.ChainOrder, first *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, firstOr(first, d))
	}
	q.ReuseAttempts = func(child int, _ *model.ReuseAttemptFilter, _ *model.ChainOrder, first *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, firstOr(first, d))
	}
	c.NFT.Registrations = func(child int, first *int, _ *string, _ []store.RegistrationStatus) int {
		return perItem(child, firstOr(first, d))
	}
	c.Player.Badges = func(child int, first *int, _ *string) int { return perItem(child, firstOr(first, d)) }
	c.Player.Claims = func(child int, first *int, _ *string) int { return perItem(child, firstOr(first, d)) }
	c.Player.Nullifiers = func(child int, first *int, _ *string) int { return perItem(child, firstOr(first, d)) }
	return c
}
