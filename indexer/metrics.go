package indexer

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/indexer/provider"
)

// states are the values of herald_chain_state's state label.
var states = []string{domain.ChainStarting, domain.ChainSyncing, domain.ChainFollowing, domain.ChainStalled, domain.ChainStopped}

// Metrics are the indexer's Prometheus series, per chain.
type Metrics struct {
	indexed   *prometheus.GaugeVec
	head      *prometheus.GaugeVec
	lag       *prometheus.GaugeVec
	blocks    *prometheus.CounterVec
	reorgs    *prometheus.CounterVec
	depth     *prometheus.HistogramVec
	failures  *prometheus.CounterVec
	skipped   *prometheus.CounterVec
	breaker   *prometheus.GaugeVec
	provFails *prometheus.GaugeVec
	state     *prometheus.GaugeVec
}

// NewMetrics registers the indexer's metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	chain := []string{"chain"}
	m := &Metrics{
		indexed:  prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "herald_indexed_height", Help: "Highest indexed block."}, chain),
		head:     prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "herald_chain_head", Help: "Chain tip as last seen by the indexer."}, chain),
		lag:      prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "herald_indexer_lag_blocks", Help: "Chain head minus indexed height."}, chain),
		blocks:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_blocks_indexed_total", Help: "Blocks applied."}, chain),
		reorgs:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_reorgs_total", Help: "Reorgs handled."}, chain),
		depth:    prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "herald_reorg_depth_blocks", Help: "Depth of handled reorgs.", Buckets: []float64{1, 2, 3, 5, 10, 20, 50, 100}}, chain),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "herald_indexer_errors_total", Help: "Indexing attempts that failed and were retried."}, chain),
		skipped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "herald_skipped_items_total", Help: "Malformed payloads, logs or records skipped, by reason.",
		}, []string{"chain", "reason"}),
		breaker: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_provider_breaker_state", Help: "Provider circuit breaker: 0 closed, 1 half-open, 2 open.",
		}, []string{"chain", "provider"}),
		provFails: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_provider_failures", Help: "Failed requests to a provider since herald started.",
		}, []string{"chain", "provider"}),
		state: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "herald_chain_state", Help: "1 for the state a chain is in (starting, syncing, following, stalled, stopped), 0 for the others.",
		}, []string{"chain", "state"}),
	}
	for _, c := range []prometheus.Collector{m.indexed, m.head, m.lag, m.blocks, m.reorgs, m.depth, m.failures, m.skipped, m.breaker, m.provFails, m.state} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Chain makes a configured chain's counters exist from start-up, at zero,
// so that rates and alerts see them before anything happens.
func (m *Metrics) Chain(chain string) {
	m.blocks.WithLabelValues(chain)
	m.reorgs.WithLabelValues(chain)
	m.depth.WithLabelValues(chain)
	m.failures.WithLabelValues(chain)
}

// State records the state a chain is in.
func (m *Metrics) State(s StatusSnapshot) {
	for _, st := range states {
		v := 0.0
		if st == s.State {
			v = 1
		}
		m.state.WithLabelValues(s.Chain, st).Set(v)
	}
}

// Observer feeds a follower's events into the metrics.
func (m *Metrics) Observer() Observer {
	return Observer{
		Applied: func(chain string, blocks int, tip int64, head Head) {
			m.blocks.WithLabelValues(chain).Add(float64(blocks))
			m.indexed.WithLabelValues(chain).Set(float64(tip))
			m.head.WithLabelValues(chain).Set(float64(head.Height))
			m.lag.WithLabelValues(chain).Set(float64(max(head.Height-tip, 0)))
		},
		// Between batches too: a stalled chain's lag grows with its head.
		Stepped: func(chain string, p Position, _ error) {
			m.head.WithLabelValues(chain).Set(float64(p.Head.Height))
			if p.HasTip {
				m.indexed.WithLabelValues(chain).Set(float64(p.Tip))
				m.lag.WithLabelValues(chain).Set(float64(max(p.Head.Height-p.Tip, 0)))
			}
		},
		Reorged: func(chain string, depth int64) {
			m.reorgs.WithLabelValues(chain).Inc()
			m.depth.WithLabelValues(chain).Observe(float64(depth))
		},
		Failed: func(chain string, _ error) { m.failures.WithLabelValues(chain).Inc() },
	}
}

// Skipping makes a chain's skipped-item counters exist from start-up, at
// zero, for every reason its decoder may give.
func (m *Metrics) Skipping(chain string, reasons ...string) {
	for _, r := range reasons {
		m.skipped.WithLabelValues(chain, r)
	}
}

// Skipped counts a malformed item a decoder passed over; reason must be one
// of a bounded set (a label value per id would grow without end).
func (m *Metrics) Skipped(chain, reason string) { m.skipped.WithLabelValues(chain, reason).Inc() }

// Providers records a chain's provider states.
func (m *Metrics) Providers(chain string, states []provider.State) {
	for _, s := range states {
		v := 0.0
		switch s.Breaker {
		case "half-open":
			v = 1
		case "open":
			v = 2
		}
		m.breaker.WithLabelValues(chain, s.Name).Set(v)
		m.provFails.WithLabelValues(chain, s.Name).Set(float64(s.Failures))
	}
}
