package graph

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/pages/dashboard"
	"github.com/herald-indexer/herald/graph/pages/status"
	"github.com/herald-indexer/herald/store"
)

// statusMaxLag is how many blocks behind its head a chain may be before the
// status page calls it lagging.
const statusMaxLag = 10

// serverCodes are the error codes that are the gateway's fault, not the
// client's: what the status page's error rate counts.
var serverCodes = map[string]bool{
	apierr.Internal: true, apierr.ServiceUnavailable: true, apierr.StatementTimeout: true, "UNKNOWN": true,
}

// gatewayErrors reads the gateway's own counters — operations
// (herald_graphql_request_duration_seconds) and errors by code
// (herald_graphql_errors_total) — from the registry they were registered
// with; zero when it cannot be gathered.
func gatewayErrors(g prometheus.Gatherer, log *slog.Logger) func() status.Errors {
	return func() status.Errors {
		var e status.Errors
		if g == nil {
			return e
		}
		families, err := g.Gather()
		if err != nil {
			log.Warn("status page: gather metrics", "err", err)
		}
		for _, f := range families {
			switch f.GetName() {
			case "herald_graphql_request_duration_seconds":
				for _, m := range f.GetMetric() {
					e.Operations += float64(m.GetHistogram().GetSampleCount())
				}
			case "herald_graphql_errors_total":
				for _, m := range f.GetMetric() {
					code := ""
					for _, l := range m.GetLabel() {
						if l.GetName() == "code" {
							code = l.GetValue()
						}
					}
					if serverCodes[code] {
						e.ServerErrors += m.GetCounter().GetValue()
					} else {
						e.ClientErrors += m.GetCounter().GetValue()
					}
				}
			}
		}
		return e
	}
}

// registerPages mounts the dashboard at /dashboard and the status page at
// /status (JSON with Accept: application/json).
func (g *Gateway) registerPages(mux *http.ServeMux) error {
	dash, err := dashboard.Handler(dashboard.Options{Path: "/dashboard", Endpoint: "/graphql"})
	if err != nil {
		return err
	}
	mux.Handle("GET /dashboard", dash)
	mux.Handle("GET /dashboard/", dash)
	st, err := status.Handler(status.Options{
		Chains: status.ChainsFromStore(g.opts.Store, statusMaxLag),
		Reorgs: func(ctx context.Context, since time.Time) ([]store.Reorg, error) {
			return g.opts.Store.RecentReorgs(ctx, since, 20)
		},
		Errors: gatewayErrors(g.gatherer, g.opts.Logger),
		Logger: g.opts.Logger,
	})
	if err != nil {
		return err
	}
	mux.Handle("GET /status", st)
	mux.Handle("GET /status.css", st)
	return nil
}
