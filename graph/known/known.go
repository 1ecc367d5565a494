// Package known refuses an operation that names a chain or a collection
// herald does not index, or reads a list as of a block above the indexed
// tip. Answered, the first two are silently empty — a typo looks like "no
// data" — and the third is silently "now".
package known

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/store"
)

// Names checks every field's `chain`, `collection` and `block` arguments,
// and the `chain` and `collection` of its `where`, after validation and
// before execution (both of the gateway's read paths), against what the
// database holds: the chains with a cursor or a reported state, the
// configured collections, the indexed tips. What it reads is cached
// (status); a name it does not find there is looked up in the database
// once more, so a chain or collection configured a moment ago is known.
// Should the database fail, the operation goes on unchecked, and meets the
// failure where it reads.
func Names(st *store.Store, status *cache.Status) graphql.HandlerExtension {
	return &checker{st: st, status: status}
}

type checker struct {
	st     *store.Store
	status *cache.Status
}

var (
	_ graphql.HandlerExtension        = (*checker)(nil)
	_ graphql.OperationContextMutator = (*checker)(nil)
)

func (*checker) ExtensionName() string                   { return "KnownNames" }
func (*checker) Validate(graphql.ExecutableSchema) error { return nil }

func (c *checker) MutateOperationContext(ctx context.Context, op *graphql.OperationContext) *gqlerror.Error {
	if op.Operation == nil {
		return nil
	}
	w := walk{ctx: ctx, c: c, vars: op.Variables, tips: c.status.Tips(), seen: map[string]bool{}}
	w.selections(op.Doc, op.Operation.SelectionSet)
	return w.err
}

// walk visits each field of the document once: a fragment spread many
// times is checked the first time.
type walk struct {
	ctx  context.Context
	c    *checker
	vars map[string]any
	tips *cache.Tips
	seen map[string]bool
	err  *gqlerror.Error

	chains      map[string]bool // read when a name is not found
	collections map[string]store.Collection
}

func (w *walk) selections(doc *ast.QueryDocument, set ast.SelectionSet) {
	for _, sel := range set {
		if w.err != nil {
			return
		}
		switch s := sel.(type) {
		case *ast.Field:
			w.field(s)
			w.selections(doc, s.SelectionSet)
		case *ast.InlineFragment:
			w.selections(doc, s.SelectionSet)
		case *ast.FragmentSpread:
			if w.seen[s.Name] {
				continue
			}
			w.seen[s.Name] = true
			if def := doc.Fragments.ForName(s.Name); def != nil {
				w.selections(doc, def.SelectionSet)
			}
		}
	}
}

func (w *walk) field(f *ast.Field) {
	if f.Definition == nil || len(f.Arguments) == 0 {
		return
	}
	args := f.ArgumentMap(w.vars)
	chain, _ := args["chain"].(string)
	collection, _ := args["collection"].(string)
	chainArg, collectionArg := "chain", "collection"
	if where, ok := args["where"].(map[string]any); ok {
		if v, ok := where["chain"].(string); ok {
			chain, chainArg = v, "where.chain"
		}
		if v, ok := where["collection"].(string); ok {
			collection, collectionArg = v, "where.collection"
		}
	}
	if chain != "" && !w.knownChain(chain) {
		w.fail(f, chainArg, "no chain %q is indexed here; the chains are %s", chain, w.list(w.chainNames()))
		return
	}
	if collection != "" && !w.knownCollection(chain, collection) {
		w.fail(f, collectionArg, "no collection %q is configured%s; the collections are %s", collection, on(chain), w.list(w.collectionNames(chain)))
		return
	}
	if block, ok := args["block"].(map[string]any); ok {
		if n, ok := asInt(block["number"]); ok {
			w.checkHeight(f, chain, n)
		}
	}
}

// checkHeight refuses a block above the indexed tip of chain, or above
// every chain's when the list spans them.
func (w *walk) checkHeight(f *ast.Field, chain string, n int64) {
	if chain != "" {
		tip, err := w.tips.Covering(w.ctx, chain, n)
		if err != nil || tip.Chain == "" || n <= tip.Height {
			return
		}
		w.fail(f, "block.number", "%d is above the indexed tip of %s, %d", n, chain, tip.Height)
		return
	}
	all, err := w.tips.All(w.ctx)
	if err != nil || len(all) == 0 {
		return
	}
	var highest store.Cursor
	for name := range all {
		tip, err := w.tips.Covering(w.ctx, name, n)
		if err != nil || n <= tip.Height {
			return
		}
		if tip.Height > highest.Height || highest.Chain == "" {
			highest = tip
		}
	}
	w.fail(f, "block.number", "%d is above every chain's indexed tip (the highest is %s's, %d); give where.chain for one chain", n, highest.Chain, highest.Height)
}

func (w *walk) fail(f *ast.Field, arg, format string, args ...any) {
	w.err = apierr.New(apierr.BadUserInput, "%s: %s (on %s)", arg, fmt.Sprintf(format, args...), f.Alias)
	w.err.Extensions["argument"] = arg
}

func (w *walk) knownChain(name string) bool {
	if w.chains[name] {
		return true
	}
	// The cache's tips lag the database: Covering reads its tips when the
	// chain is missing.
	if tip, err := w.tips.Covering(w.ctx, name, 0); err != nil || tip.Chain != "" {
		return true
	}
	// Configured but not indexed yet: the indexer reports its state first.
	states, err := w.c.st.ChainStates(w.ctx)
	if err != nil {
		return true
	}
	w.chains = map[string]bool{}
	for _, s := range states {
		w.chains[s.Chain] = true
	}
	if tips, err := w.tips.All(w.ctx); err == nil {
		for n := range tips {
			w.chains[n] = true
		}
	}
	return w.chains[name]
}

func (w *walk) chainNames() []string {
	names := make([]string, 0, len(w.chains))
	for n := range w.chains {
		names = append(names, n)
	}
	return names
}

func (w *walk) knownCollection(chain, name string) bool {
	if w.collections == nil {
		cols, err := w.c.status.Collections(w.ctx)
		if err != nil {
			return true
		}
		w.collections = cols
	}
	if w.hasCollection(chain, name) {
		return true
	}
	// Cached for a few seconds: one configured since is in the database.
	cols, err := w.c.st.Collections(w.ctx)
	if err != nil {
		return true
	}
	w.collections = make(map[string]store.Collection, len(cols))
	for _, col := range cols {
		w.collections[cache.CollectionKey(col.Chain, col.Name)] = col
	}
	return w.hasCollection(chain, name)
}

func (w *walk) hasCollection(chain, name string) bool {
	for _, col := range w.collections {
		if col.Name == name && (chain == "" || col.Chain == chain) {
			return true
		}
	}
	return false
}

func (w *walk) collectionNames(chain string) []string {
	var names []string
	for _, col := range w.collections {
		if chain == "" || col.Chain == chain {
			names = append(names, col.Name)
		}
	}
	return names
}

// list names at most a screenful of names, sorted.
func (w *walk) list(names []string) string {
	sort.Strings(names)
	names = slices.Compact(names)
	switch {
	case len(names) == 0:
		return "none yet"
	case len(names) > 20:
		return strings.Join(names[:20], ", ") + fmt.Sprintf(" and %d more", len(names)-20)
	}
	return strings.Join(names, ", ")
}

func on(chain string) string {
	if chain == "" {
		return ""
	}
	return " on " + chain
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case int32:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	}
	return 0, false
}
