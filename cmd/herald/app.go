package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"golang.org/x/sync/errgroup"

	"github.com/herald-indexer/herald/domain"
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

// start is `herald index`, `serve` and `run`: ask the chains' providers,
// then open the database, migrate, build the configured components, and
// run them as a group.
func start(ctx context.Context, cfg Config, log *slog.Logger, r roles) error {
	if r.index && cfg.chains() == 0 {
		return errors.New("no chains configured: add bitcoin (or evm) entries to the config file (see docs/operations.md)")
	}
	reg := newRegistry()
	var chains []*chainRun
	var m *indexer.Metrics
	if r.index {
		var err error
		if chains, m, err = configuredChains(cfg, reg, log); err != nil {
			return err
		}
		if err := preflight(ctx, chains, log); err != nil {
			if ctx.Err() != nil {
				return nil // stopped while asking: nothing was started
			}
			return err
		}
		defer closePrebuilt(chains)
	}
	return withStore(ctx, cfg, log, func(st *store.Store) error {
		if err := prepareSchema(ctx, st, r); err != nil {
			return err
		}
		var actors []actor
		if r.index {
			actors = chainActors(cfg, chains, st, m, log)
		}
		if r.serve {
			as, _, err := gateway(ctx, cfg, st, reg, log)
			if err != nil {
				return err
			}
			actors = append(actors, as...)
		} else {
			// `herald index` alone: its own address for the metrics and health.
			as, err := opsServer(cfg.Index.Listen, reg, indexReadiness(st, chains), log)
			if err != nil {
				return err
			}
			actors = append(actors, as...)
		}
		return runGroup(ctx, log, actors)
	})
}

// prepareSchema applies pending migrations, except on a streaming replica,
// which cannot be written to: there the schema must already be the
// binary's, migrated on the primary.
func prepareSchema(ctx context.Context, st *store.Store, r roles) error {
	replica, err := st.InRecovery(ctx)
	if err != nil {
		return err
	}
	if !replica {
		_, err := st.MigrateUp(ctx)
		return err
	}
	if r.index {
		return errors.New("database_url is a read-only streaming replica: the indexer writes, point it at the primary")
	}
	pending, err := st.PendingMigrations(ctx)
	if err != nil {
		return fmt.Errorf("database_url is a streaming replica whose schema cannot be read (was the primary ever migrated?): %w", err)
	}
	if len(pending) > 0 {
		return fmt.Errorf("database_url is a streaming replica whose schema lacks migrations %s: apply them on the primary (`herald migrate up`, or start `herald index`) first",
			strings.Join(pending, ", "))
	}
	return nil
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

// chainRun is one configured chain as a process runs it: its state from
// start-up on, and its source once built.
type chainRun struct {
	key    string // its place in the configuration: bitcoin[0]
	name   string
	status *indexer.Status
	fc     indexer.Config
	// build makes the chain's source, checking its providers, and touches
	// nothing else: start-up runs it before the database is opened.
	build func(ctx context.Context) (builtSource, error)

	mu       sync.Mutex
	src      chainSource  // nil until built
	prebuilt *builtSource // built by the preflight, until follow takes it
}

// builtSource is a chain's source, what closes it, and what the chain's
// configuration writes to the database before it is followed (a Bitcoin
// chain's collections), if anything.
type builtSource struct {
	src   chainSource
	close func()
	sync  func(context.Context, *store.Store) error
}

func (c *chainRun) buildSource(ctx context.Context) (builtSource, error) { return c.build(ctx) }

// takePrebuilt hands over the preflight's source, once.
func (c *chainRun) takePrebuilt() *builtSource {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := c.prebuilt
	c.prebuilt = nil
	return b
}

// preflight asks every chain's providers once, together, before anything
// is touched: a chain whose providers serve another network, or answer
// what herald cannot use, stops start-up here — no database created, no
// migration applied. A chain whose providers do not answer yet is left to
// follow, which asks again for index.startup_timeout while the chain is
// STARTING in _meta (that needs the database).
func preflight(ctx context.Context, chains []*chainRun, log *slog.Logger) error {
	errs := make([]error, len(chains))
	var wg sync.WaitGroup
	for i, c := range chains {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := c.build(ctx)
			switch {
			case err == nil:
				c.mu.Lock()
				c.prebuilt = &b
				c.mu.Unlock()
			case errors.Is(err, provider.ErrNoneAnswered) && ctx.Err() == nil:
				log.Warn("chain's providers not answering yet; asking again once started", "chain", c.name, "err", err)
			default:
				errs[i] = fmt.Errorf("%s (%s): %w", c.key, c.name, err)
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		closePrebuilt(chains)
		return err
	}
	return nil
}

// closePrebuilt closes the sources the preflight built and no follow took.
func closePrebuilt(chains []*chainRun) {
	for _, c := range chains {
		if b := c.takePrebuilt(); b != nil {
			b.close()
		}
	}
}

func (c *chainRun) source() chainSource {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.src
}

// indexers returns one chain per configured chain and the actors that run
// them: each chain is built (its providers checked, retried for
// index.startup_timeout while none answers) and followed by one actor, and
// its state and providers' health reported by another, from start-up on. A
// chain that cannot be built stops the process, and the chains already
// running are closed with it: nothing runs half-configured.
func indexers(cfg Config, st *store.Store, reg prometheus.Registerer, log *slog.Logger) ([]*chainRun, []actor, error) {
	chains, m, err := configuredChains(cfg, reg, log)
	if err != nil {
		return nil, nil, err
	}
	return chains, chainActors(cfg, chains, st, m, log), nil
}

// configuredChains is one chainRun per configured chain, built by nothing
// yet, and the indexer's metrics.
func configuredChains(cfg Config, reg prometheus.Registerer, log *slog.Logger) ([]*chainRun, *indexer.Metrics, error) {
	m, err := indexer.NewMetrics(reg)
	if err != nil {
		return nil, nil, err
	}
	var chains []*chainRun
	for i, bc := range cfg.Bitcoin {
		chains = append(chains, &chainRun{
			key: fmt.Sprintf("bitcoin[%d]", i), name: bc.Name, fc: bc.FollowerConfig(),
			build: func(ctx context.Context) (builtSource, error) {
				chain, err := bitcoin.New(ctx, bc, log.With("chain", bc.Name), bitcoin.WithNoticeHook(func(chain string, _ int64, n bitcoin.Notice) {
					m.Skipped(chain, n.Kind)
				}))
				if err != nil {
					return builtSource{}, err
				}
				var cols []store.Collection
				for _, c := range chain.Collections() {
					cols = append(cols, store.Collection{Name: c.Name, Creator: c.Address.EncodeAddress(), MinFeeSats: c.MinFeeSats, MinConfirmations: c.MinConfirmations})
				}
				return builtSource{src: chain, close: func() {}, sync: func(ctx context.Context, st *store.Store) error {
					return st.SyncCollections(ctx, bc.Name, cols)
				}}, nil
			},
		})
	}
	for i, ec := range cfg.EVM {
		chains = append(chains, &chainRun{
			key: fmt.Sprintf("evm[%d]", i), name: ec.Name, fc: ec.FollowerConfig(),
			build: func(ctx context.Context) (builtSource, error) {
				chain, err := evm.New(ctx, ec, log.With("chain", ec.Name), evm.WithMalformedHook(func(e *evm.MalformedLogError) {
					m.Skipped(ec.Name, "malformed "+e.Event)
				}))
				if err != nil {
					return builtSource{}, err
				}
				return builtSource{src: chain, close: chain.Close}, nil
			},
		})
	}
	for _, bc := range cfg.Bitcoin {
		m.Skipping(bc.Name, bitcoin.NoticeKinds...)
	}
	for _, ec := range cfg.EVM {
		for _, sig := range evm.EventSignatures() {
			m.Skipping(ec.Name, "malformed "+sig)
		}
	}
	for _, c := range chains {
		c.status = indexer.NewStatus(c.name, cfg.Index.StallAfter, nil)
		m.Chain(c.name)
	}
	return chains, m, nil
}

// chainActors follow each chain and report its state, on st.
func chainActors(cfg Config, chains []*chainRun, st *store.Store, m *indexer.Metrics, log *slog.Logger) []actor {
	var actors []actor
	for _, c := range chains {
		actors = append(actors,
			actor{name: "indexer " + c.name, run: func(ctx context.Context) error {
				return follow(ctx, c, cfg.Index.StartupTimeout, st, m, log)
			}},
			actor{name: "chain state " + c.name, run: func(ctx context.Context) error {
				return reportChain(ctx, c, st, m, log)
			}},
		)
	}
	return actors
}

// follow builds a chain and follows it until ctx ends. A chain stopped for
// good (a reorg deeper than its window) stays stopped, saying so in its
// state, while the process and its other chains go on.
func follow(ctx context.Context, c *chainRun, startupTimeout time.Duration, st *store.Store, m *indexer.Metrics, log *slog.Logger) error {
	var b builtSource
	if pre := c.takePrebuilt(); pre != nil {
		b = *pre
	} else {
		var err error
		b, err = indexer.Build(ctx, startupTimeout, nil, func(err error) {
			c.status.StartFailed(err)
			log.Warn("chain not started; retrying", "chain", c.name, "err", err)
		}, c.buildSource)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%s (%s): %w", c.key, c.name, err)
		}
	}
	defer b.close()
	if b.sync != nil {
		if err := b.sync(ctx, st); err != nil {
			return fmt.Errorf("%s (%s): %w", c.key, c.name, err)
		}
	}
	c.mu.Lock()
	c.src = b.src
	c.mu.Unlock()
	c.status.Running()
	f := indexer.NewFollower(c.fc, b.src, st, log, indexer.Observers(m.Observer(), c.status.Observer()))
	err := f.Run(ctx)
	if errors.Is(err, indexer.ErrReorgTooDeep) {
		c.status.Stopped(err)
		log.Error("chain stopped; the other chains go on", "chain", c.name, "err", err)
		<-ctx.Done()
		return nil
	}
	return err
}

// reportChain writes a chain's state and its providers' health to the
// database (where `_meta` and the gateways' /readyz read them) and the
// metrics: at once, whenever the state changes, and every few seconds.
func reportChain(ctx context.Context, c *chainRun, st *store.Store, m *indexer.Metrics, log *slog.Logger) error {
	const every = 5 * time.Second
	t := time.NewTicker(time.Second)
	defer t.Stop()
	var last indexer.StatusSnapshot
	var lastAt time.Time
	for {
		snap := c.status.Snapshot()
		if snap.State != last.State || snap.Reason != last.Reason || time.Since(lastAt) >= every {
			m.State(snap)
			if err := st.ReportChainState(ctx, chainState(snap, c.status.StallAfter())); err != nil && ctx.Err() == nil {
				log.Warn("could not record chain state", "chain", c.name, "err", err)
			}
			if src := c.source(); src != nil {
				reportProviders(ctx, c.name, src, st, m, log)
			}
			last, lastAt = snap, time.Now()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

func chainState(s indexer.StatusSnapshot, stallAfter time.Duration) store.ChainState {
	cs := store.ChainState{
		Chain: s.Chain, State: s.State, Reason: s.Reason, Since: s.Since.UTC(),
		BlocksPerSecond: s.BlocksPerSecond, StallAfterMS: stallAfter.Milliseconds(),
	}
	if s.HasHead {
		cs.Head = &s.Head
	}
	if s.ETA > 0 {
		eta := s.ETA.Seconds()
		cs.ETASeconds = &eta
	}
	return cs
}

// reportProviders writes a chain's provider health to the database and the
// metrics.
func reportProviders(ctx context.Context, chain string, src chainSource, st *store.Store, m *indexer.Metrics, log *slog.Logger) {
	states := src.States()
	m.Providers(chain, states)
	rows := make([]store.ProviderHealth, len(states))
	for i, s := range states {
		rows[i] = store.ProviderHealth{
			Name: s.Name, Breaker: s.Breaker, ConsecutiveFailures: s.ConsecutiveFailures,
			Requests: int64(s.Requests), Failures: int64(s.Failures), LastError: s.LastError, LastErrorAt: s.LastErrorAt,
			LastSuccess: s.LastSuccess,
		}
	}
	if err := st.ReportProviders(ctx, chain, rows); err != nil && ctx.Err() == nil {
		log.Warn("could not record provider health", "chain", chain, "err", err)
	}
}

// opsServer serves a process's metrics and health on addr: `herald index`
// has no gateway to serve them.
func opsServer(addr string, reg *prometheus.Registry, ready http.HandlerFunc, log *slog.Logger) ([]actor, error) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", ready)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("index.listen: %w", err)
	}
	return []actor{{name: "http " + addr, run: func(ctx context.Context) error {
		log.Info("indexer listening", "metrics", "http://"+ln.Addr().String()+"/metrics")
		return serveUntil(ctx, srv, ln)
	}}}, nil
}

// serveUntil serves ln until ctx ends, then shuts srv down.
func serveUntil(ctx context.Context, srv *http.Server, ln net.Listener) error {
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
}

// indexReadiness is ready when the database answers and every chain is
// running: none starting, stalled or stopped.
func indexReadiness(st *store.Store, chains []*chainRun) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			http.Error(w, "database unreachable", http.StatusServiceUnavailable)
			return
		}
		for _, c := range chains {
			if s := c.status.Snapshot(); s.State == domain.ChainStarting || domain.Unready(s.State) {
				msg := fmt.Sprintf("chain %s is %s", c.name, s.State)
				if s.Reason != "" {
					msg += ": " + s.Reason
				}
				http.Error(w, msg, http.StatusServiceUnavailable)
				return
			}
		}
		fmt.Fprintln(w, "ready")
	}
}

// gateway builds the HTTP server — GraphQL, GraphiQL, metrics and health —
// and listens, so that its address is known before anything runs. On a
// streaming replica it LISTENs on the primary, listen_database_url.
func gateway(ctx context.Context, cfg Config, st *store.Store, reg *prometheus.Registry, log *slog.Logger) (_ []actor, _ net.Addr, err error) {
	replica, err := st.InRecovery(ctx)
	if err != nil {
		return nil, nil, err
	}
	var listen *store.Store
	switch {
	case cfg.ListenDatabaseURL != "":
		if listen, err = store.Open(ctx, cfg.ListenDatabaseURL, store.WithMaxConns(2), store.WithApplicationName("herald listen")); err != nil {
			return nil, nil, fmt.Errorf("listen_database_url: %w", err)
		}
		defer func() {
			if err != nil {
				listen.Close()
			}
		}()
	case replica:
		return nil, nil, errors.New("database_url is a streaming replica, which cannot LISTEN for new events: set listen_database_url to its primary (docs/operations.md)")
	}
	access, err := cfg.Access.Load()
	if err != nil {
		return nil, nil, err
	}
	gw, err := graph.New(graph.Options{
		Store: st, Listen: listen, MaxReplicaLag: cfg.HTTP.MaxReplicaLag,
		Limits: cfg.Limits, Access: access, Caches: cfg.Cache, CORSOrigins: cfg.HTTP.CORSOrigins,
		Logger: log, AccessLog: &cfg.Log.Access, Registerer: reg, Version: releaseVersion(),
		SafetyInterval: cfg.safetyInterval,
	})
	if err != nil {
		return nil, nil, err
	}
	responses := prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "herald_http_responses_total",
		Help: "HTTP responses of the API (GraphQL and GraphiQL; not /metrics or the health checks), by status code.",
	}, []string{"code"})
	if err := reg.Register(responses); err != nil {
		return nil, nil, err
	}
	api := http.NewServeMux()
	gw.Register(api)
	mux := http.NewServeMux()
	mux.Handle("/", promhttp.InstrumentHandlerCounter(responses, api))
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{Registry: reg}))
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") })
	mux.HandleFunc("/readyz", readiness(st, cfg.HTTP, gw))
	srv := gw.NewServer(mux) // the gateway's deadlines and caps; streams end on shutdown
	ln, err := net.Listen("tcp", cfg.HTTP.Listen)
	if err != nil {
		return nil, nil, fmt.Errorf("http.listen: %w", err)
	}
	return []actor{
		{name: "event log follower", run: func(ctx context.Context) error {
			if listen != nil {
				defer listen.Close()
			}
			return gw.Run(ctx)
		}},
		{name: "http " + cfg.HTTP.Listen, run: func(ctx context.Context) error {
			log.Info("gateway listening", "graphiql", "http://"+ln.Addr().String()+"/", "graphql", "http://"+ln.Addr().String()+"/graphql")
			return serveUntil(ctx, srv, ln)
		}},
	}, ln.Addr(), nil
}

// readiness is ready when the database answers, no chain is stalled or
// stopped or trails its head by more than http.max_lag blocks, and a
// replica the gateway reads keeps up with its primary within
// http.max_replica_lag.
func readiness(st *store.Store, cfg HTTPConfig, gw *graph.Gateway) http.HandlerFunc {
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
		states, err := st.ChainStates(ctx)
		if err != nil {
			http.Error(w, "database unreadable", http.StatusServiceUnavailable)
			return
		}
		now := time.Now()
		for _, c := range states {
			if state, reason := domain.ReportedState(c.State, c.Reason, c.ReportedAt, now, c.StallAfter()); domain.Unready(state) {
				http.Error(w, fmt.Sprintf("chain %s is %s: %s", c.Chain, state, reason), http.StatusServiceUnavailable)
				return
			}
		}
		for _, c := range cursors {
			if lag := c.Head - c.Height; cfg.MaxLag > 0 && lag > cfg.MaxLag {
				http.Error(w, fmt.Sprintf("chain %s is %d blocks behind", c.Chain, lag), http.StatusServiceUnavailable)
				return
			}
		}
		if lag, ok := gw.ReplicaLag(); ok && lag > cfg.MaxReplicaLag {
			http.Error(w, fmt.Sprintf("the replica is %s behind its primary", lag.Round(time.Millisecond)), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	}
}
