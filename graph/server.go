package graph

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/ravilushqa/otelgqlgen"
	"github.com/uptrace/bun/driver/pgdriver"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/scalar"
	"github.com/herald-indexer/herald/store"
)

// Error codes the gateway sets besides gqlgen's own
// (GRAPHQL_PARSE_FAILED, GRAPHQL_VALIDATION_FAILED,
// COMPLEXITY_LIMIT_EXCEEDED, PERSISTED_QUERY_NOT_FOUND).
const (
	CodeRateLimited      = "RATE_LIMITED"
	CodeRequestTooLarge  = "REQUEST_TOO_LARGE"
	CodeStatementTimeout = "STATEMENT_TIMEOUT"
	CodeInternal         = "INTERNAL_SERVER_ERROR"
)

// Options configure the gateway.
type Options struct {
	Store  *store.Store
	Limits Limits
	// CORSOrigins may call the API from a browser; "*" allows any.
	CORSOrigins []string
	Logger      *slog.Logger
	// Registerer receives the gateway's metrics.
	Registerer prometheus.Registerer
	// CacheTTL bounds how long an NFT status stays cached if the event
	// feed stalls; invalidation normally evicts it long before.
	CacheTTL  time.Duration
	CacheSize int

	// generatedOnly turns the nullifier fast path and the POST transport's
	// direct writes off (tests compare them with gqlgen's own).
	generatedOnly bool
}

// Gateway serves GraphQL over HTTP from the store.
type Gateway struct {
	opts    Options
	cache   *statusCache
	broker  *broker
	fanOut  *fanOut
	metrics *metrics
	limiter *rateLimiter
	gql     *handler.Server

	fastAnswers atomic.Int64
}

// New builds the gateway.
func New(opts Options) (*Gateway, error) {
	if opts.Store == nil {
		return nil, errors.New("graph: no store")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Registerer == nil {
		opts.Registerer = prometheus.NewRegistry()
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = 5 * time.Minute
	}
	if opts.CacheSize <= 0 {
		opts.CacheSize = 100_000
	}
	g := &Gateway{opts: opts, cache: newStatusCache(opts.CacheTTL, opts.CacheSize)}
	if opts.Limits.RatePerSecond > 0 {
		g.limiter = newRateLimiter(opts.Limits.RatePerSecond, opts.Limits.RateBurst)
	}
	m, err := newMetrics(opts.Registerer, g.cache)
	if err != nil {
		return nil, fmt.Errorf("graph metrics: %w", err)
	}
	g.metrics = m
	bm, err := newBrokerMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("graph metrics: %w", err)
	}
	g.broker = newBroker(opts.Store, opts.Limits.SubscriptionBacklog, bm)
	g.fanOut = newFanOut(opts.Limits, bm)
	g.gql = g.newServer()
	return g, nil
}

func (g *Gateway) newServer() *handler.Server {
	lim := g.opts.Limits
	resolver := &Resolver{store: g.opts.Store, cache: g.cache, broker: g.broker, lim: lim}
	var schema graphql.ExecutableSchema = hashCounting{generated.NewExecutableSchema(generated.Config{
		Resolvers:  resolver,
		Complexity: complexity(lim),
	})}
	if !g.opts.generatedOnly {
		schema = nullifierFastPath{ExecutableSchema: schema, r: resolver, answered: &g.fastAnswers}
	}
	srv := handler.New(schema)
	srv.AddTransport(g.websocket())
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.SSE{}) // before POST: both take POSTs
	srv.AddTransport(transport.GET{})
	if g.opts.generatedOnly {
		srv.AddTransport(transport.POST{})
	} else {
		srv.AddTransport(postTransport{})
	}
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(extension.FixedComplexityLimit(lim.MaxComplexity))
	srv.Use(shapeLimit{maxDepth: lim.MaxDepth, maxAliases: lim.MaxAliases})
	srv.Use(g.metrics.extension())
	srv.Use(newResponseCache(g.cache, 10_000))
	srv.Use(requestScope{g})
	srv.Use(resolverTracer{otelgqlgen.Middleware()})
	srv.Use(g.fanOut)
	srv.SetErrorPresenter(g.presentError)
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		g.opts.Logger.Error("panic in resolver", "request_id", requestID(ctx), "panic", v)
		return errors.New("internal panic")
	})
	return srv
}

// Handler serves GraphQL at the path it is mounted on.
func (g *Gateway) Handler() http.Handler {
	var h http.Handler = g.gql
	h = g.withLimits(h)
	h = g.withCORS(h)
	return withRequestID(h)
}

// Run follows the event log until ctx ends: the subscription broker, and
// the status cache's invalidation.
func (g *Gateway) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	defer wg.Wait()
	wg.Go(func() { g.follow(ctx, "subscription broker", g.broker.run) })
	g.follow(ctx, "status cache", func(ctx context.Context, safety time.Duration) error {
		return g.cache.run(ctx, g.opts.Store, safety)
	})
	return nil
}

// follow runs a log follower until ctx ends, restarting it after failures
// (a lost connection): the log lets it pick up where it was.
func (g *Gateway) follow(ctx context.Context, name string, run func(context.Context, time.Duration) error) {
	for {
		err := run(ctx, 5*time.Second)
		if ctx.Err() != nil {
			return
		}
		g.opts.Logger.Warn("event log follower stopped; restarting", "follower", name, "err", err)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Second):
		}
	}
}

// CacheHitRatio is the status cache's hit ratio since start.
func (g *Gateway) CacheHitRatio() float64 { return g.cache.hitRatio() }

// requestScope gives each response — a query's, or each event of a
// subscription — its own dataloaders and statement timeout: loaders cache
// chain tips, which must be read fresh for every event.
type requestScope struct{ g *Gateway }

var (
	_ graphql.HandlerExtension    = requestScope{}
	_ graphql.ResponseInterceptor = requestScope{}
)

func (requestScope) ExtensionName() string                   { return "RequestScope" }
func (requestScope) Validate(graphql.ExecutableSchema) error { return nil }

func (s requestScope) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	ctx = withLoaders(ctx, func() *loaders { return newLoaders(s.g.opts.Store, s.g.cache) })
	// A subscription's response handler also waits for its next event:
	// a deadline here would end an idle subscription. Its events' SQL is
	// bounded by the loaders' own statements, not by this timeout.
	if d := s.g.opts.Limits.StatementTimeout; d > 0 && !isSubscription(ctx) {
		// A canceled context cancels the running statement: the response's
		// SQL shares the statement timeout.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, d)
		defer cancel()
	}
	return next(ctx)
}

func isSubscription(ctx context.Context) bool {
	if !graphql.HasOperationContext(ctx) {
		return false
	}
	op := graphql.GetOperationContext(ctx).Operation
	return op != nil && op.Operation == ast.Subscription
}

// withLimits rejects oversized bodies and clients over their rate before
// anything is parsed, let alone run.
func (g *Gateway) withLimits(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.limiter != nil {
			if ok, wait := g.limiter.allow(clientID(r)); !ok {
				g.metrics.rejected.WithLabelValues("rate").Inc()
				w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)+1))
				writeError(w, http.StatusTooManyRequests, CodeRateLimited, "rate limit exceeded; retry after the Retry-After seconds")
				return
			}
		}
		if max := g.opts.Limits.MaxBodyBytes; max > 0 {
			if r.ContentLength > max {
				g.metrics.rejected.WithLabelValues("size").Inc()
				writeError(w, http.StatusRequestEntityTooLarge, CodeRequestTooLarge, fmt.Sprintf("request body over %d bytes", max))
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, max)
		}
		next.ServeHTTP(w, r)
	})
}

func (g *Gateway) withCORS(next http.Handler) http.Handler {
	origins := g.opts.CORSOrigins
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && (slices.Contains(origins, "*") || slices.Contains(origins, origin)) {
			w.Header().Set("Access-Control-Allow-Origin", origin)
			w.Header().Add("Vary", "Origin")
			w.Header().Set("Access-Control-Allow-Headers", "Content-Type, "+APIKeyHeader+", X-Request-ID")
			w.Header().Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
			if r.Method == http.MethodOptions {
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// presentError shows clients what is theirs to fix and hides the rest: an
// internal error is logged with the request id, and the client gets the id.
func (g *Gateway) presentError(ctx context.Context, err error) *gqlerror.Error {
	var inputErr *scalar.InputError
	if errors.As(err, &inputErr) {
		gerr := graphql.DefaultErrorPresenter(ctx, err)
		arg := ""
		if n := len(gerr.Path); n > 0 {
			if name, ok := gerr.Path[n-1].(ast.PathName); ok {
				arg = string(name)
			}
		}
		gerr.Message = arg + ": " + inputErr.Error()
		gerr.Extensions = map[string]any{"code": CodeBadUserInput, "argument": arg}
		return gerr
	}
	// Errors with a code are meant for the client; so are gqlgen's own
	// messages (a body that is not JSON, an unknown operation), which wrap
	// no Go error. The rest may carry internals: logged, not shown.
	var gerr *gqlerror.Error
	if errors.As(err, &gerr) && (gerr.Extensions["code"] != nil || gerr.Err == nil) {
		return graphql.DefaultErrorPresenter(ctx, err)
	}
	id := requestID(ctx)
	presented := graphql.DefaultErrorPresenter(ctx, err)
	if isTimeout(err) {
		presented.Message = "the query took longer than the statement timeout"
		presented.Extensions = map[string]any{"code": CodeStatementTimeout, "requestId": id}
		return presented
	}
	g.opts.Logger.Error("graphql error", "request_id", id, "path", presented.Path.String(), "err", err)
	presented.Message = "internal error (request " + id + ")"
	presented.Extensions = map[string]any{"code": CodeInternal, "requestId": id}
	return presented
}

func isTimeout(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var pgErr pgdriver.Error
	return errors.As(err, &pgErr) && pgErr.Field('C') == "57014"
}

// writeError answers with a GraphQL-shaped error before execution.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"errors": []map[string]any{{"message": msg, "extensions": map[string]any{"code": code}}},
	})
}

// resolverTracer makes one span per resolver, not per field: spans for
// plain struct fields would drown the trace.
type resolverTracer struct{ otelgqlgen.Tracer }

// InterceptResponse traces operations. A request that never became one (a
// body that is not JSON) has no operation context, which otelgqlgen would
// panic on, turning a clear 400 into an internal error.
func (t resolverTracer) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	return t.Tracer.InterceptResponse(ctx, next)
}

func (t resolverTracer) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	if fc := graphql.GetFieldContext(ctx); fc == nil || !fc.IsResolver {
		return next(ctx)
	}
	return t.Tracer.InterceptField(ctx, next)
}

type requestIDKey struct{}

// withRequestID tags each request with the caller's X-Request-ID or a new one.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r = r.WithContext(context.WithValue(r.Context(), clientKey{}, clientID(r)))
		id := r.Header.Get("X-Request-ID")
		if id == "" || len(id) > 64 {
			b := make([]byte, 8)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}
