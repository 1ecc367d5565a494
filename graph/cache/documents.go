package cache

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/maypok86/otter/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// Bytes is a graphql.Cache — gqlgen's cache of parsed documents, or of
// automatic persisted queries — bounded in bytes rather than entries: a
// thousand entries of 100 KB queries took 200 MB that never came back.
type Bytes[T any] struct {
	entries *otter.Cache[string, T]
}

var _ graphql.Cache[string] = (*Bytes[string])(nil)

// Queries caches automatic persisted queries (hash → query) in about
// maxBytes.
func Queries(maxBytes uint64) *Bytes[string] {
	return newBytes(maxBytes, func(hash, query string) uint32 {
		return uint32(min(entryOverhead+len(hash)+len(query), 1<<31))
	})
}

// documentFactor is how much memory a parsed and validated document holds
// per byte of its query: 3 to 27 bytes measured with gqlparser (a 100 KB
// query of 3,000 aliased fields kept 2.8 MB), rounded up for what
// validation adds to it.
const documentFactor = 32

// Documents caches parsed documents (query → document) in about maxBytes.
func Documents(maxBytes uint64) *Bytes[*ast.QueryDocument] {
	return newBytes(maxBytes, func(query string, _ *ast.QueryDocument) uint32 {
		return uint32(min(1024+(documentFactor+1)*len(query), 1<<31))
	})
}

func newBytes[T any](maxBytes uint64, weigh func(string, T) uint32) *Bytes[T] {
	return &Bytes[T]{entries: otter.Must(&otter.Options[string, T]{MaximumWeight: maxBytes, Weigher: weigh})}
}

// Get implements graphql.Cache.
func (b *Bytes[T]) Get(_ context.Context, key string) (T, bool) { return b.entries.GetIfPresent(key) }

// Add implements graphql.Cache.
func (b *Bytes[T]) Add(_ context.Context, key string, value T) { b.entries.Set(key, value) }

// WeightedSize is how many bytes the cache holds, by its weights.
func (b *Bytes[T]) WeightedSize() uint64 { return b.entries.WeightedSize() }

// Close stops the cache's maintenance goroutines.
func (b *Bytes[T]) Close() { b.entries.StopAllGoroutines() }
