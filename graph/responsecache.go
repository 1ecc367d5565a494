package graph

import (
	"context"
	"encoding/json"
	"sync"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// responseCache keeps whole answers of NFT status queries — operations whose
// root fields are only `nft` and `nfts` — keyed by query and variables. A
// marketplace asking for the same page of NFTs again gets the bytes it got
// before, without execution. Every answer is tied to the status cache's
// generation, which moves with each registration, record or Bitcoin block
// event: a cached answer is never one event staler than a fresh one.
type responseCache struct {
	status *statusCache
	max    int

	mu      sync.Mutex
	entries map[string]cachedResponse
}

type cachedResponse struct {
	generation uint64
	resp       *graphql.Response
}

func newResponseCache(status *statusCache, max int) *responseCache {
	return &responseCache{status: status, max: max, entries: make(map[string]cachedResponse)}
}

var (
	_ graphql.HandlerExtension    = (*responseCache)(nil)
	_ graphql.ResponseInterceptor = (*responseCache)(nil)
)

func (*responseCache) ExtensionName() string                   { return "NFTResponseCache" }
func (*responseCache) Validate(graphql.ExecutableSchema) error { return nil }

func (c *responseCache) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	key, ok := cacheKey(ctx)
	if !ok || !c.status.live.Load() {
		return next(ctx)
	}
	gen := c.status.generation.Load()
	c.mu.Lock()
	e, hit := c.entries[key]
	c.mu.Unlock()
	if hit && e.generation == gen {
		c.status.hits.Add(1)
		return e.resp
	}
	resp := next(ctx)
	if resp == nil || len(resp.Errors) > 0 || c.status.generation.Load() != gen {
		return resp
	}
	c.mu.Lock()
	if len(c.entries) >= c.max {
		c.entries = make(map[string]cachedResponse) // bounded, like the status cache
	}
	c.entries[key] = cachedResponse{generation: gen, resp: resp}
	c.mu.Unlock()
	return resp
}

// cacheKey is the key of a cacheable operation: a query whose root fields
// are all NFT status lookups.
func cacheKey(ctx context.Context) (string, bool) {
	if !graphql.HasOperationContext(ctx) {
		return "", false
	}
	op := graphql.GetOperationContext(ctx)
	if op.Operation == nil || op.Operation.Operation != ast.Query {
		return "", false
	}
	for _, f := range graphql.CollectFields(op, op.Operation.SelectionSet, nil) {
		if f.Name != "nft" && f.Name != "nfts" {
			return "", false
		}
	}
	vars, err := json.Marshal(op.Variables) // map keys are sorted: a stable key
	if err != nil {
		return "", false
	}
	return op.OperationName + "\x00" + op.RawQuery + "\x00" + string(vars), true
}
