package limits

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/graph/paging"
	"github.com/herald-indexer/herald/store"
)

// Where a query's cost is computed. Every field costs 1; a list costs its
// children once per item it may return: `last` or `first` for pages
// (paging.Items), the number of ids for batch lookups. gqlgen sums this over the operation and rejects it
// (COMPLEXITY_LIMIT_EXCEEDED) before any resolver runs.

func perItem(child, items int) int { return 1 + child*max(items, 1) }

// Complexity prices every list of the schema; gqlgen sums it over an
// operation and rejects one over MaxComplexity.
func Complexity(lim Limits) generated.ComplexityRoot {
	var c generated.ComplexityRoot
	d := lim.DefaultPageSize
	q := &c.Query
	q.Nfts = func(child int, ids []string) int { return perItem(child, len(ids)) }
	q.Nullifiers = func(child int, hashes []string) int { return perItem(child, len(hashes)) }
	q.Registrations = func(child int, _ *model.RegistrationFilter, _ *model.ChainOrder, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.Badges = func(child int, _ *model.BadgeFilter, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.BadgeClaims = func(child int, _ *model.BadgeClaimFilter, _ *model.ChainOrder, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.UsedNullifiers = func(child int, _ *model.NullifierFilter, _ *model.ChainOrder, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.ReuseAttempts = func(child int, _ *model.ReuseAttemptFilter, _ *model.ChainOrder, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.Players = func(child int, _ *model.PlayerFilter, _ *model.PlayerOrder, first *int, _ *string, last *int, _ *string) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.ThresholdUpdates = func(child int, _ *model.ThresholdUpdateFilter, _ *model.ChainOrder, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	q.FailedCalls = func(child int, _ *model.FailedCallFilter, _ *model.ChainOrder, first *int, _ *string, last *int, _ *string, _ *model.BlockFilter) int {
		return perItem(child, paging.Items(first, last, d))
	}
	c.NFT.Registrations = func(child int, first *int, _ *string, last *int, _ *string, _ []store.RegistrationStatus) int {
		return perItem(child, paging.Items(first, last, d))
	}
	c.Player.Badges = func(child int, first *int, _ *string, last *int, _ *string) int {
		return perItem(child, paging.Items(first, last, d))
	}
	c.Player.Claims = func(child int, first *int, _ *string, last *int, _ *string) int {
		return perItem(child, paging.Items(first, last, d))
	}
	c.Player.Nullifiers = func(child int, first *int, _ *string, last *int, _ *string) int {
		return perItem(child, paging.Items(first, last, d))
	}
	return c
}

// hashCounting prices Query.nullifiers by its number of hashes without
// unmarshalling them: the generated Complexity validates up to a thousand
// hashes only to count them, and execution validates them again (5 % of the
// gateway's CPU on 100-hash lookups). A list with a malformed hash is priced
// by its length here, where the generated code would price it as one item;
// it fails either way. Anything else, a single hash given for the list
// included, is priced by the generated code.
func CountingHashes(es graphql.ExecutableSchema) graphql.ExecutableSchema { return hashCounting{es} }

type hashCounting struct{ graphql.ExecutableSchema }

func (s hashCounting) Complexity(ctx context.Context, typeName, field string, child int, args map[string]any) (int, bool) {
	if typeName == "Query" && field == "nullifiers" {
		if hashes, ok := args["hashes"].([]any); ok {
			return perItem(child, len(hashes)), true
		}
	}
	return s.ExecutableSchema.Complexity(ctx, typeName, field, child, args)
}
