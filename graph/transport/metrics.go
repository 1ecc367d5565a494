package transport

import (
	"context"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are the gateway's Prometheus series, per operation name.
type Metrics struct {
	latency    *prometheus.HistogramVec
	errors     *prometheus.CounterVec
	complexity *prometheus.HistogramVec
	rejected   *prometheus.CounterVec
}

// NewMetrics registers the gateway's metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_graphql_request_duration_seconds",
			Help:    "GraphQL operation latency, from parse to response.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"operation"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_graphql_errors_total",
			Help: "GraphQL errors returned, by operation and error code.",
		}, []string{"operation", "code"}),
		complexity: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "herald_graphql_complexity",
			Help:    "Computed cost of GraphQL operations.",
			Buckets: prometheus.ExponentialBuckets(1, 4, 10),
		}, []string{"operation"}),
		rejected: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_graphql_rejected_total",
			Help: "Requests rejected before execution (rate limit, body size).",
		}, []string{"reason"}),
	}
	for _, c := range []prometheus.Collector{m.latency, m.errors, m.complexity, m.rejected} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Extension observes every operation for the metrics.
func (m *Metrics) Extension() graphql.HandlerExtension { return metricsExtension{m} }

type metricsExtension struct{ m *Metrics }

var (
	_ graphql.HandlerExtension    = metricsExtension{}
	_ graphql.ResponseInterceptor = metricsExtension{}
)

func (metricsExtension) ExtensionName() string                   { return "Metrics" }
func (metricsExtension) Validate(graphql.ExecutableSchema) error { return nil }

func (e metricsExtension) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	if !graphql.HasOperationContext(ctx) {
		return next(ctx)
	}
	start := graphql.GetOperationContext(ctx).Stats.OperationStart
	resp := next(ctx)
	name := operationName(ctx)
	e.m.latency.WithLabelValues(name).Observe(time.Since(start).Seconds())
	if stats := extension.GetComplexityStats(ctx); stats != nil {
		e.m.complexity.WithLabelValues(name).Observe(float64(stats.Complexity))
	}
	if resp != nil {
		for _, err := range resp.Errors {
			code, _ := err.Extensions["code"].(string)
			if code == "" {
				code = "UNKNOWN"
			}
			e.m.errors.WithLabelValues(name, code).Inc()
		}
	}
	return resp
}

// operationName is the client's operation name, or "anonymous"; bounded in
// length so a client cannot blow up label cardinality with long names.
func operationName(ctx context.Context) string {
	op := graphql.GetOperationContext(ctx)
	name := op.OperationName
	if name == "" && op.Operation != nil {
		name = op.Operation.Name
	}
	if name == "" {
		return "anonymous"
	}
	if len(name) > 64 {
		name = name[:64]
	}
	return name
}
