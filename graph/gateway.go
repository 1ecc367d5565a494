// Package graph is herald's GraphQL gateway. It reads only PostgreSQL and
// is assembled here from its parts, one folder each:
//
//	schema/, generated/, model/, scalar/  the schema and gqlgen's executor of it
//	resolve/    resolvers, dataloaders, prefetches
//	limits/     what an operation may cost, and where its cost is computed
//	cache/      NFT status and whole responses, kept in step by the event log
//	realtime/   the event-log follower, the broker, subscriptions, the fan-out
//	fastpath/   nullifier lookups, NFT status and lists without gqlgen's per-item execution
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
	"github.com/maypok86/otter/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/ravilushqa/otelgqlgen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/fastpath"
	"github.com/herald-indexer/herald/graph/generated"
	"github.com/herald-indexer/herald/graph/known"
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
	// Access says which API keys exist and who is anonymous.
	Access transport.Access
	// CORSOrigins may call the API from a browser; "*" allows any.
	CORSOrigins []string
	Logger      *slog.Logger
	// Version is herald's, as _meta reports it; empty is "devel".
	Version string
	// AccessLog, when set, writes a line per operation to Logger, at info.
	AccessLog *transport.AccessLog
	// Registerer receives the gateway's metrics.
	Registerer prometheus.Registerer
	// Caches are the caches' budgets; zero fields take DefaultCaches'.
	Caches Caches
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
	// onAnalysis, when set, hears every operation's analysis (tests count
	// its visits).
	onAnalysis func(limits.Analysis)
}

// Caches are the byte budgets of the gateway's caches.
type Caches struct {
	// StatusBytes holds NFT status (summaries, records, pages).
	StatusBytes uint64 `yaml:"status_bytes"`
	// ResponseBytes holds whole NFT-status answers.
	ResponseBytes uint64 `yaml:"response_bytes"`
	// QueryBytes holds automatic persisted queries.
	QueryBytes uint64 `yaml:"query_bytes"`
	// DocumentBytes holds parsed and validated documents.
	DocumentBytes uint64 `yaml:"document_bytes"`
	// TTL bounds how long an NFT status stays cached should the event log
	// stall; invalidation normally evicts it long before.
	TTL time.Duration `yaml:"ttl"`
}

// DefaultCaches fit a gateway in half a gigabyte of caches.
func DefaultCaches() Caches {
	return Caches{StatusBytes: 256 << 20, ResponseBytes: 128 << 20, QueryBytes: 32 << 20, DocumentBytes: 64 << 20, TTL: 5 * time.Minute}
}

func (c Caches) withDefaults() Caches {
	d := DefaultCaches()
	for _, f := range []struct{ v, def *uint64 }{
		{&c.StatusBytes, &d.StatusBytes}, {&c.ResponseBytes, &d.ResponseBytes}, {&c.QueryBytes, &d.QueryBytes}, {&c.DocumentBytes, &d.DocumentBytes},
	} {
		if *f.v == 0 {
			*f.v = *f.def
		}
	}
	if c.TTL <= 0 {
		c.TTL = d.TTL
	}
	return c
}

// Gateway serves GraphQL over HTTP from the store.
type Gateway struct {
	opts      Options
	status    *cache.Status
	responses *cache.Responses
	queries   *cache.Bytes[string]
	documents *cache.Bytes[*ast.QueryDocument]
	follower  *realtime.Follower
	broker    *realtime.Broker
	fanOut    *realtime.FanOut
	http      *transport.HTTP
	fast      *fastpath.Nullifiers
	fastNFTs  *fastpath.NFTs
	gql       *handler.Server
	// examples fill GraphiQL's tabs with live ids, read briefly cached.
	examples *otter.Cache[struct{}, exampleData]
	// gatherer reads the gateway's own metrics back for the status page.
	gatherer prometheus.Gatherer
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
	opts.Caches = opts.Caches.withDefaults()
	if err := opts.Access.Validate(); err != nil {
		return nil, err
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
	g.gatherer, _ = opts.Registerer.(prometheus.Gatherer)
	g.status = cache.NewStatus(opts.Store, opts.Caches.TTL, opts.Caches.StatusBytes)
	g.responses = cache.NewResponses(g.status, opts.Caches.ResponseBytes)
	g.queries = cache.Queries(opts.Caches.QueryBytes)
	g.documents = cache.Documents(opts.Caches.DocumentBytes)
	g.examples = newExampleCache()
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
	httpOpts := transport.Options{
		Limits: opts.Limits, Access: opts.Access, CORSOrigins: opts.CORSOrigins, Logger: opts.Logger, Metrics: gm, GqlgenPOST: opts.generatedOnly,
	}
	if opts.AccessLog != nil {
		httpOpts.AccessLogger, httpOpts.AccessLog = opts.Logger, *opts.AccessLog
	}
	g.http = transport.New(httpOpts)
	if opts.Version == "" {
		opts.Version = "devel"
	}
	resolver := resolve.New(opts.Store, g.status, g.broker, opts.Limits, opts.Version)
	if opts.Listen != nil {
		resolver.SetReplica(g.follower, opts.MaxReplicaLag)
	}
	g.fanOut = realtime.NewFanOut(realtime.FanOutLimits{
		Buffer: opts.Limits.SubscriberBuffer, PerConnection: opts.Limits.MaxSubscriptionsPerConnection,
		PerClient: opts.Limits.MaxSubscriptionsPerClient,
	}, resolver.EventScope, rm, opts.Logger)
	var schema graphql.ExecutableSchema = limits.CountingHashes(generated.NewExecutableSchema(generated.Config{
		Resolvers:  resolver,
		Complexity: limits.Complexity(opts.Limits),
	}))
	if !opts.generatedOnly {
		if g.fast, err = fastpath.New(schema, opts.Store, g.status.Tips, opts.Limits.MaxNullifierHashes); err != nil {
			return nil, err
		}
		schema = g.fast
		if g.fastNFTs, err = fastpath.NewNFTs(schema, opts.Store, g.status, opts.Limits); err != nil {
			return nil, err
		}
		schema = g.fastNFTs
	}
	srv := handler.New(schema)
	g.http.AddTransports(srv)
	srv.SetQueryCache(g.documents)
	srv.Use(g.http.AccessLogExtension()) // first: it logs what the client got
	srv.Use(extension.Introspection{})
	srv.Use(extension.AutomaticPersistedQuery{Cache: g.queries})
	srv.Use(limits.Analyze(opts.Limits, opts.onAnalysis))
	srv.Use(known.Names(opts.Store, g.status))
	srv.Use(gm.Extension())
	srv.Use(g.responses)
	srv.Use(resolver.Scope())
	srv.Use(resolverTracer{otelgqlgen.Middleware()})
	srv.Use(g.fanOut)
	db := opts.Store.DB()
	srv.SetErrorPresenter(transport.Presenter(opts.Logger, func() bool {
		s := db.Stats()
		return s.MaxOpenConnections > 0 && s.InUse >= s.MaxOpenConnections
	}))
	srv.SetRecoverFunc(func(ctx context.Context, v any) error {
		opts.Logger.Error("panic in resolver", "request_id", request.ID(ctx), "panic", v)
		return errors.New("internal panic")
	})
	g.gql = srv
	return g, nil
}

// Handler serves GraphQL at the path it is mounted on.
func (g *Gateway) Handler() http.Handler { return g.http.Wrap(g.gql) }

// NewServer is the HTTP server to serve handler (the gateway's, with the
// process's other paths) with: the gateway's deadlines and connection caps,
// and websockets and streams ended when it shuts down.
func (g *Gateway) NewServer(handler http.Handler) *http.Server { return g.http.NewServer(handler) }

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
	g.queries.Close()
	g.documents.Close()
	g.examples.StopAllGoroutines()
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
