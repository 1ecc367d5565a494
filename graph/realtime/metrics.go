package realtime

import "github.com/prometheus/client_golang/prometheus"

// Metrics are the subscriptions' Prometheus series.
type Metrics struct {
	active    prometheus.Gauge
	delivered prometheus.Counter
	slow      prometheus.Counter
	latency   prometheus.Histogram
}

// NewMetrics registers the subscriptions' metrics with reg.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		active:    prometheus.NewGauge(prometheus.GaugeOpts{Name: "herald_subscriptions_active", Help: "Open GraphQL subscriptions."}),
		delivered: prometheus.NewCounter(prometheus.CounterOpts{Name: "herald_subscription_events_total", Help: "Events delivered to subscribers."}),
		slow:      prometheus.NewCounter(prometheus.CounterOpts{Name: "herald_subscription_slow_disconnects_total", Help: "Subscribers cut off for not keeping up."}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "herald_subscription_delivery_seconds", Help: "From an event's commit to its delivery to a subscriber.",
			Buckets: []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}),
	}
	for _, c := range []prometheus.Collector{m.active, m.delivered, m.slow, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
