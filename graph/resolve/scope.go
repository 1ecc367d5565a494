package resolve

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// Scope gives each query's response its own dataloaders and statement
// timeout: loaders cache chain tips, which must be read fresh for every
// response. A subscription's events get theirs from EventScope, which the
// fan-out applies to each response it renders: a deadline there would end
// an idle subscription, so their SQL is bounded by the loaders' own
// per-statement timeout.
type Scope struct{ r *Resolver }

// Scope returns the response scope of r's requests.
func (r *Resolver) Scope() Scope { return Scope{r} }

var (
	_ graphql.HandlerExtension    = Scope{}
	_ graphql.ResponseInterceptor = Scope{}
)

func (Scope) ExtensionName() string                   { return "RequestScope" }
func (Scope) Validate(graphql.ExecutableSchema) error { return nil }

func (s Scope) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if isSubscription(ctx) {
		return next(ctx)
	}
	ctx = s.r.EventScope(ctx)
	if d := s.r.lim.StatementTimeout; d > 0 {
		// A canceled context cancels the running statement: the
		// response's SQL shares the statement timeout.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	return next(ctx)
}

// EventScope is ctx with fresh dataloaders, for one response.
func (r *Resolver) EventScope(ctx context.Context) context.Context {
	return withLoaders(ctx, func() *loaders { return newLoaders(r.store, r.cache, r.lim.StatementTimeout) })
}

func isSubscription(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Operation == ast.Subscription
}
