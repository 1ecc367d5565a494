package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/bitcoin"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
)

// actor is one component of a process: it runs until ctx ends (returning
// nil) or it fails (and the whole group stops). Like Prometheus's run group,
// start-up and shutdown of everything are in one place: serve below.
type actor struct {
	name string
	run  func(ctx context.Context) error
}

// runGroup runs actors until the first returns; then every other is stopped
// through ctx and waited for.
func runGroup(ctx context.Context, log *slog.Logger, actors []actor) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, a := range actors {
		g.Go(func() error {
			err := a.run(ctx)
			if err != nil {
				log.Error("component failed; stopping", "component", a.name, "err", err)
				return fmt.Errorf("%s: %w", a.name, err)
			}
			if ctx.Err() == nil {
				return fmt.Errorf("%s stopped unexpectedly", a.name)
			}
			return nil
		})
	}
	return g.Wait()
}

// roles says which parts a process runs.
type roles struct{ index, serve bool }

// start is `herald index`, `serve` and `run`: open the database, migrate,
// build the configured components, run them as a group.
func start(ctx context.Context, cfg Config, log *slog.Logger, r roles) error {
	if r.index && cfg.chains() == 0 {
		return errors.New("no chains configured: add bitcoin (or evm) entries to the config file (see docs/operations.md)")
	}
	return withStore(ctx, cfg, log, func(st *store.Store) error {
		if _, err := st.MigrateUp(ctx); err != nil {
			return err
		}
		reg := newRegistry()
		var actors []actor
		if r.index {
			as, closeChains, err := indexers(ctx, cfg, st, reg, log)
			if err != nil {
				return err
			}
			defer closeChains()
			actors = append(actors, as...)
		}
		if r.serve {
			as, _, err := gateway(cfg, st, reg, log)
			if err != nil {
				return err
			}
			actors = append(actors, as...)
		}
		return runGroup(ctx, log, actors)
	})
}

// newRegistry is a process's metrics: herald's own and the Go runtime's.
func newRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

// chainSource is what the indexer needs of a configured chain.
type chainSource interface {
	indexer.Source
	States() []provider.State
}

// indexers builds one follower per configured chain, plus a reporter of its
// providers' health; closeChains releases the chains' connections once the
// followers are done. A chain that cannot be set up stops start-up, and the
// chains built before it are closed: nothing runs half-configured.
func indexers(ctx context.Context, cfg Config, st *store.Store, reg prometheus.Registerer, log *slog.Logger) (actors []actor, closeChains func(), err error) {
	var closers []func()
	closeAll := func() {
		for _, c := range closers {
			c()
		}
	}
	defer func() {
		if err != nil {
			closeAll()
		}
	}()
	m, err := indexer.NewMetrics(reg)
	if err != nil {
		return nil, nil, err
	}
	for i, bc := range cfg.Bitcoin {
		chain, err := bitcoin.New(ctx, bc, log.With("chain", bc.Name), bitcoin.WithNoticeHook(func(chain string, _ int64, n bitcoin.Notice) {
			m.Skipped(chain, n.Reason)
		}))
		if err != nil {
			return nil, nil, fmt.Errorf("bitcoin[%d] (%s): %w", i, bc.Name, err)
		}
		var cols []store.Collection
		for _, c := range chain.Collections() {
			cols = append(cols, store.Collection{Name: c.Name, Creator: c.Address.EncodeAddress(), MinFeeSats: c.MinFeeSats, MinConfirmations: c.MinConfirmations})
		}
		if err := st.SyncCollections(ctx, bc.Name, cols); err != nil {
			return nil, nil, err
		}
		actors = append(actors, follow(bc.Name, bc.FollowerConfig(), chain, st, m, log)...)
	}
	for i, ec := range cfg.EVM {
		chain, err := evm.New(ctx, ec, log.With("chain", ec.Name), evm.WithMalformedHook(func(e *evm.MalformedLogError) {
			m.Skipped(ec.Name, "malformed "+e.Event)
		}))
		if err != nil {
			return nil, nil, fmt.Errorf("evm[%d] (%s): %w", i, ec.Name, err)
		}
		closers = append(closers, chain.Close)
		actors = append(actors, follow(ec.Name, ec.FollowerConfig(), chain, st, m, log)...)
	}
	return actors, closeAll, nil
}

func follow(name string, fc indexer.Config, src chainSource, st *store.Store, m *indexer.Metrics, log *slog.Logger) []actor {
	f := indexer.NewFollower(fc, src, st, log, m.Observer())
	return []actor{
		{name: "indexer " + name, run: f.Run},
		{name: "provider health " + name, run: func(ctx context.Context) error {
			return reportProviders(ctx, name, src, st, m, log)
		}},
	}
}

// reportProviders writes a chain's provider health to the database (where
// `_meta` reads it) and the metrics, every few seconds.
func reportProviders(ctx context.Context, chain string, src chainSource, st *store.Store, m *indexer.Metrics, log *slog.Logger) error {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		states := src.States()
		m.Providers(chain, states)
		rows := make([]store.ProviderHealth, len(states))
		for i, s := range states {
			rows[i] = store.ProviderHealth{
				Name: s.Name, Breaker: s.Breaker, ConsecutiveFailures: s.ConsecutiveFailures,
				Requests: int64(s.Requests), Failures: int64(s.Failures), LastError: s.LastError, LastSuccess: s.LastSuccess,
			}
		}
		if err := st.ReportProviders(ctx, chain, rows); err != nil && ctx.Err() == nil {
			log.Warn("could not record provider health", "chain", chain, "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// gateway builds the HTTP server — GraphQL, GraphiQL, metrics and health —
// and listens, so that its address is known before anything runs.
func gateway(cfg Config, st *store.Store, reg *prometheus.Registry, log *slog.Logger) ([]actor, net.Addr, error) {
	access, err := cfg.Access.Load()
	if err != nil {
		return nil, nil, err
	}
	gw, err := graph.New(graph.Options{
		Store: st, Limits: cfg.Limits, Access: access, Caches: cfg.Cache, CORSOrigins: cfg.HTTP.CORSOrigins, Logger: log, AccessLog: &cfg.Log.Access, Registerer: reg, Version: releaseVersion(),
	})
	if err != nil {
		return nil, nil, err
	}
	mux := http.NewServeMux()
	gw.Register(mux)
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", readiness(st, cfg.HTTP.MaxLag))
	srv := gw.NewServer(mux)
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("http.listen: %w", err)
	}
	return []actor{
		{name: "event log follower", run: gw.Run},
		{name: "http " + cfg.HTTP.Listen, run: func(ctx context.Context) error {
			log.Info("gateway listening", "graphiql", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/graphql")
			errc := make(chan error, 1)
			go func() { errc <- srv.Serve(ln) }()
			select {
			case err := <-errc:
				return err
			case <-ctx.Done():
				sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
				defer cancel()
				_ = srv.Shutdown(sctx)
				<-errc
				return nil
			}
		}},
	}, ln.Addr(), nil
}

// readiness is ready when the database answers and no chain trails its head
// by more than maxLag blocks.
func readiness(st *store.Store, maxLag int64) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		cursors, err := st.Cursors(ctx)
		if err != nil {
			http.Error(w, "database unreadable", http.StatusServiceUnavailable)
			return
		}
		for _, c := range cursors {
			if lag := c.Head - c.Height; maxLag > 0 && lag > maxLag {
				http.Error(w, fmt.Sprintf("chain %s is %d blocks behind", c.Chain, lag), http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	}
}
