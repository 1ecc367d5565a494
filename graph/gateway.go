// Package graph is herald's GraphQL gateway. It reads only PostgreSQL and
// is assembled here from its parts, one folder each:
//
//	schema/, generated/, model/, scalar/  the schema and gqlgen's executor of it
//	resolve/    resolvers, dataloaders, prefetches
//	limits/     what an operation may cost, and where its cost is computed
//	cache/      NFT status and whole responses, kept in step by the event log
//	realtime/   the event-log follower, the broker, subscriptions, the fan-out
//	fastpath/   nullifier lookups without gqlgen's per-item execution
//	transport/  HTTP: transports, request ids, CORS, rate limits, errors
//	graphiql/   the GraphiQL page, served from the binary
package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/ravilushqa/otelgqlgen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/fastpath"
	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/graph/request"
	"github.com/herald-indexer/herald/graph/resolve"
	"github.com/herald-indexer/herald/graph/transport"
	"github.com/herald-indexer/herald/store"
)

// Options configure the gateway.
type Options struct {
	Store  *store.Store
	Limits limits.Limits
	// CORSOrigins may call the API from a browser; "*" allows any.
	CORSOrigins []string
	Logger      *slog.Logger
	// Registerer receives the gateway's metrics.
	Registerer prometheus.Registerer
	// CacheTTL bounds how long an NFT status stays cached if the event
	// feed stalls; invalidation normally evicts it long before.
	CacheTTL time.Duration
	// StatusCacheBytes and ResponseCacheBytes are the caches' budgets.
	StatusCacheBytes   uint64
	ResponseCacheBytes uint64
	// SafetyInterval is how often the event log is read without a
	// notification (default 5 s).
	SafetyInterval time.Duration

	// Listen, when Store is a streaming replica, is its primary: the event
	// log's notifications are LISTENed for there (a replica can neither
	// LISTEN nor receive them) and each announced event is read from Store
	// once it has replayed it.
	Listen *store.Store
	// MaxReplicaLag is how long an announced event may wait to appear on
	// the replica before _meta says the replica is behind (default 30 s).
	MaxReplicaLag time.Duration

	// generatedOnly turns the nullifier fast path and the POST transport's
	// direct writes off (tests compare them with gqlgen's own).
	generatedOnly bool
	// beforeFollow, when set, runs before the event log follower starts
	// (tests hold it back to stage start-up races).
	beforeFollow func(context.Context)
}

// Gateway serves GraphQL over HTTP from the store.
type Gateway struct {
	opts      Options
	status    *cache.Status
	responses *cache.Responses
	follower  *realtime.Follower
	broker    *realtime.Broker
	fanOut    *realtime.FanOut
	http      *transport.HTTP
	fast      *fastpath.Nullifiers
	gql       *handler.Server
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
	if opts.StatusCacheBytes == 0 {
		opts.StatusCacheBytes = 256 << 20
	}
	if opts.ResponseCacheBytes == 0 {
		opts.ResponseCacheBytes = 128 << 20
	}
	if opts.SafetyInterval <= 0 {
		opts.SafetyInterval = 5 * time.Second
	}
	if opts.MaxReplicaLag <= 0 {
		opts.MaxReplicaLag = 30 * time.Second
	}
	gm, err := transport.NewMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("graph metrics: %w", err)
	}
	rm, err := realtime.NewMetrics(opts.Registerer)
	if err != nil {
		return nil, fmt.Errorf("graph metrics: %w", err)
	}
	g := &Gateway{opts: opts}
	g.status = cache.NewStatus(opts.Store, opts.CacheTTL, opts.StatusCacheBytes)
	g.responses = cache.NewResponses(g.status, opts.ResponseCacheBytes)
	if err := opts.Registerer.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "herald_status_cache_hit_ratio",
		Help: "Share of NFT status lookups answered from the status cache since start.",
	}, g.status.HitRatio)); err != nil {
		return nil, fmt.Errorf("graph metrics: %w", err)
	}
	g.broker = realtime.NewBroker(opts.Limits.SubscriptionBacklog, rm)
	// The caches first: a subscriber's response reads them.
	if opts.Listen != nil {
		g.follower = realtime.NewReplicaFollower(opts.Store, opts.Listen, opts.SafetyInterval, opts.Logger, g.status, g.broker)
	} else {
		g.follower = realtime.NewFollower(opts.Store, opts.SafetyInterval, opts.Logger, g.status, g.broker)
	}
	if err := opts.Registerer.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "herald_replica_lag_seconds",
		Help: "How long the oldest event announced by the primary has waited to be read from the database this gateway reads (a replica's replay lag; about 0 on the primary).",
	}, func() float64 { return g.follower.Lag().Seconds() })); err != nil {
		return nil, fmt.Errorf("graph metrics: %w", err)
	}
	g.http = transport.New(transport.Options{
		Limits: opts.Limits, CORSOrigins: opts.CORSOrigins, Logger: opts.Logger, Metrics: gm, GqlgenPOST: opts.generatedOnly,
	})
	resolver := resolve.New(opts.Store, g.status, g.broker, opts.Limits)
	if opts.Listen != nil {
		resolver.SetReplica(g.follower, opts.MaxReplicaLag)
	}
	g.fanOut = realtime.NewFanOut(opts.Limits.SubscriberBuffer, opts.Limits.MaxSubscriptionsPerConnection, resolver.EventScope, rm, opts.Logger)
	var schema graphql.ExecutableSchema = limits.CountingHashes(generated.NewExecutableSchema(generated.Config{
		Resolvers:  resolver,
		Complexity: limits.Complexity(opts.Limits),
	}))
	if !opts.generatedOnly {
		if g.fast, err = fastpath.New(schema, opts.Store, g.status.Cursors, opts.Limits.MaxNullifierHashes); err != nil {
			return nil, err
		}
		schema = g.fast
	}
	srv := handler.New(schema)
	g.http.AddTransports(srv)
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: lru.New[string](1000)})
	srv.Use(extension.FixedComplexityLimit(opts.Limits.MaxComplexity))
	srv.Use(limits.Shape(opts.Limits))
	srv.Use(gm.Extension())
	srv.Use(g.responses)
	srv.Use(resolver.Scope())
	srv.Use(resolverTracer{otelgqlgen.Middleware()})
	srv.Use(g.fanOut)
	srv.SetErrorPresenter(transport.Presenter(opts.Logger))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		opts.Logger.Error("panic in resolver", "request_id", request.ID(ctx), "panic", v)
		return errors.New("internal panic")
	})
	g.gql = srv
	return g, nil
}

// Handler serves GraphQL at the path it is mounted on.
func (g *Gateway) Handler() http.Handler { return g.http.Wrap(g.gql) }

// Run follows the event log until ctx ends, keeping the caches and the
// subscriptions in step, and then releases the gateway's resources.
func (g *Gateway) Run(ctx context.Context) error {
	defer g.close()
	if g.opts.beforeFollow != nil {
		g.opts.beforeFollow(ctx)
	}
	return g.follower.Run(ctx)
}

func (g *Gateway) close() {
	g.status.Close()
	g.responses.Close()
	g.http.Close()
}

// ReplicaLag is how long the oldest event the primary announced has waited
// to appear on the replica the gateway reads; ok is false when it reads
// the primary.
func (g *Gateway) ReplicaLag() (lag time.Duration, ok bool) {
	return g.follower.Lag(), g.opts.Listen != nil
}

// CacheHitRatio is the status cache's hit ratio since start.
func (g *Gateway) CacheHitRatio() float64 { return g.status.HitRatio() }

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
