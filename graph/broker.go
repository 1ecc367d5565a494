package graph

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-indexer/herald/store"
)

// broker fans the event log out to this process's subscribers. It follows
// the log through one LISTEN connection (store.Tail) and keeps the newest
// events in a ring; each subscriber reads the ring from its own position,
// woken when an event it matches arrives. Every gateway replica runs its own
// broker on its own connection: the log, not a message bus, is what they
// share.
//
// A subscriber costs a position and a wake-up channel, not a queue. One that
// falls further behind than the ring holds is cut off, told the last event
// it was given, and resumes from there; nobody else waits for it.
type broker struct {
	st      *store.Store
	metrics *brokerMetrics

	mu   sync.RWMutex
	ring []ringEntry
	head uint64 // sequence number of the next entry written
	last int64  // newest event id in the ring
	subs map[*subscriber]struct{}
	live atomic.Bool
}

type ringEntry struct {
	ev     store.Event
	fields eventFields
}

// matcher is a subscription's filter; fields are the event's, decoded once
// for all subscribers.
type matcher func(ev *store.Event, f *eventFields) bool

type subscriber struct {
	match  matcher
	wake   chan struct{}
	cursor uint64 // next ring sequence to read
}

type brokerMetrics struct {
	active    prometheus.Gauge
	delivered prometheus.Counter
	slow      prometheus.Counter
	latency   prometheus.Histogram
}

func newBrokerMetrics(reg prometheus.Registerer) (*brokerMetrics, error) {
	m := &brokerMetrics{
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

// newBroker keeps the newest `backlog` events for subscribers to catch up from.
func newBroker(st *store.Store, backlog int, m *brokerMetrics) *broker {
	return &broker{st: st, metrics: m, ring: make([]ringEntry, max(backlog, 1)), subs: make(map[*subscriber]struct{})}
}

// run follows the log from its end until ctx ends.
func (b *broker) run(ctx context.Context, safety time.Duration) error {
	last, err := b.st.LastEventID(ctx)
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.last = max(b.last, last)
	from := b.last
	b.mu.Unlock()
	defer b.live.Store(false)
	return b.st.Tail(ctx, from, safety, func() { b.live.Store(true) }, func(_ context.Context, evs []store.Event) error {
		b.publish(evs)
		return nil
	})
}

// publish puts events in the ring and wakes the subscribers they match.
func (b *broker) publish(evs []store.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	woken := make(map[*subscriber]bool)
	for i := range evs {
		if evs[i].ID <= b.last {
			continue // already published before a restart of the tail
		}
		e := ringEntry{ev: evs[i], fields: fieldsOf(&evs[i])}
		b.ring[b.head%uint64(len(b.ring))] = e
		b.head++
		b.last = e.ev.ID
		for s := range b.subs {
			if !woken[s] && s.match(&e.ev, &e.fields) {
				woken[s] = true
			}
		}
	}
	for s := range woken {
		select {
		case s.wake <- struct{}{}:
		default: // already signalled
		}
	}
}

// subscribe registers a subscriber and returns the id it will be handed
// events after: everything up to and including that id must come from the
// log (a resume's backlog), everything after from the broker.
func (b *broker) subscribe(match matcher) (*subscriber, int64) {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &subscriber{match: match, wake: make(chan struct{}, 1), cursor: b.head}
	b.subs[s] = struct{}{}
	return s, b.last
}

func (b *broker) unsubscribe(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.subs, s)
}

// errFellBehind: the subscriber's position left the ring.
var errFellBehind = fmt.Errorf("fell behind the broker's backlog")

// next waits for the events after s's position that it matches.
func (b *broker) next(ctx context.Context, s *subscriber) ([]store.Event, error) {
	for {
		b.mu.RLock()
		size := uint64(len(b.ring))
		if b.head > size && s.cursor < b.head-size {
			b.mu.RUnlock()
			b.metrics.slow.Inc()
			return nil, errFellBehind
		}
		var out []store.Event
		for ; s.cursor < b.head; s.cursor++ {
			e := &b.ring[s.cursor%size]
			if s.match(&e.ev, &e.fields) {
				out = append(out, e.ev)
			}
		}
		b.mu.RUnlock()
		if len(out) > 0 {
			return out, nil
		}
		select {
		case <-s.wake:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// errSlowConsumer ends a subscription that fell behind.
type errSlowConsumer struct{ resumeAfter int64 }

func (e errSlowConsumer) Error() string {
	return fmt.Sprintf("subscriber too slow: events were dropped; resubscribe with afterEventId %d", e.resumeAfter)
}
