package cache

import (
	"context"
	"encoding/json"

	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Responses keeps whole answers of NFT status queries — operations whose
// root fields are only `nft` and `nfts` — keyed by query and variables. A
// marketplace asking for the same page of NFTs again gets the bytes it got
// before, without execution. Every answer is tied to the status cache's
// generation, which moves with each registration, record or Bitcoin block
// event: a cached answer is never one event staler than a fresh one.
type Responses struct {
	status  *Status
	entries *otter.Cache[string, cachedResponse]
}

type cachedResponse struct {
	generation uint64
	resp       *graphql.Response
}

// NewResponses keeps about maxBytes of answers whose freshness status
// decides.
func NewResponses(status *Status, maxBytes uint64) *Responses {
	return &Responses{status: status, entries: otter.Must(&otter.Options[string, cachedResponse]{
		MaximumWeight: maxBytes,
		Weigher: func(key string, r cachedResponse) uint32 {
			// The answer's capacity, not its length: rendered into a
			// growing buffer, it holds up to twice what it says.
			return uint32(min(entryOverhead+len(key)+cap(r.resp.Data), 1<<31))
		},
	})}
}

// Close stops the cache's maintenance goroutines.
func (c *Responses) Close() { c.entries.StopAllGoroutines() }

var (
	_ graphql.HandlerExtension    = (*Responses)(nil)
	_ graphql.ResponseInterceptor = (*Responses)(nil)
)

func (*Responses) ExtensionName() string                   { return "NFTResponseCache" }
func (*Responses) Validate(graphql.ExecutableSchema) error { return nil }

func (c *Responses) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	key, ok := cacheKey(ctx)
	if !ok || !c.status.IsLive() {
		return next(ctx)
	}
	gen := c.status.Generation()
	if e, hit := c.entries.GetIfPresent(key); hit && e.generation == gen {
		c.status.hits.Add(1)
		return e.resp
	}
	resp := next(ctx)
	if resp == nil || len(resp.Errors) > 0 || c.status.Generation() != gen {
		return resp
	}
	c.entries.Set(key, cachedResponse{generation: gen, resp: resp})
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
