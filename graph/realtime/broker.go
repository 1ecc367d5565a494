package realtime

import (
	"context"
	"errors"
	"sync"
)

// Broker fans the event log out to this process's subscriptions. The
// follower hands it every batch; it keeps the newest events in a ring, and
// each subscription reads the ring from its own position, woken when an
// event it matches arrives. Every gateway replica runs its own: the log,
// not a message bus, is what they share.
//
// A subscription costs a position and a wake-up channel, not a queue. One
// that falls further behind than the ring holds is cut off (ErrFellBehind)
// and resumes from the log; nobody else waits for it.
type Broker struct {
	metrics *Metrics

	mu      sync.RWMutex
	ring    []Event
	head    uint64 // sequence number of the next entry written
	last    int64  // newest event id handed over
	subs    map[*subscriber]struct{}
	started chan struct{} // closed at the first Live: last is known
	once    sync.Once
}

var _ Consumer = (*Broker)(nil)

type subscriber struct {
	match  func(*Event) bool
	wake   chan struct{}
	cursor uint64 // next ring sequence to read
}

// NewBroker keeps the newest backlog events for its subscriptions to catch
// up from.
func NewBroker(backlog int, m *Metrics) *Broker {
	return &Broker{
		metrics: m, ring: make([]Event, max(backlog, 1)),
		subs: make(map[*subscriber]struct{}), started: make(chan struct{}),
	}
}

// Live implements Consumer. The first Live fixes where the broker starts:
// subscriptions wait for it, so that where one starts is decided against
// the log, whatever the order in which gateway, follower and indexer start.
func (b *Broker) Live(_ context.Context, position int64) error {
	b.once.Do(func() {
		b.mu.Lock()
		b.last = position
		b.mu.Unlock()
		close(b.started)
	})
	return nil
}

// Lost implements Consumer: subscriptions wait; the follower resumes from
// where it was.
func (b *Broker) Lost() {}

// Apply implements Consumer: it puts events in the ring and wakes the
// subscriptions they match.
func (b *Broker) Apply(evs []Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	woken := make(map[*subscriber]bool)
	for i := range evs {
		if evs[i].ID <= b.last {
			continue // already handed over
		}
		b.ring[b.head%uint64(len(b.ring))] = evs[i]
		b.head++
		b.last = evs[i].ID
		for s := range b.subs {
			if !woken[s] && s.match(&evs[i]) {
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

// subscribe registers a subscription once the broker has started, and
// returns the log position it will be handed events after: what comes
// before it must be read from the log.
func (b *Broker) subscribe(ctx context.Context, match func(*Event) bool) (*subscriber, int64, error) {
	select {
	case <-b.started:
	case <-ctx.Done():
		return nil, 0, ctx.Err()
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := &subscriber{match: match, wake: make(chan struct{}, 1), cursor: b.head}
	b.subs[s] = struct{}{}
	return s, b.last, nil
}

func (b *Broker) unsubscribe(s *subscriber) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.subs, s)
}

// ErrFellBehind ends a subscription whose position left the ring.
var ErrFellBehind = errors.New("fell behind the broker's backlog")

// next waits for the events after s's position that it matches.
func (b *Broker) next(ctx context.Context, s *subscriber) ([]Event, error) {
	for {
		b.mu.RLock()
		size := uint64(len(b.ring))
		if b.head > size && s.cursor < b.head-size {
			b.mu.RUnlock()
			b.metrics.slow.Inc()
			return nil, ErrFellBehind
		}
		var out []Event
		for ; s.cursor < b.head; s.cursor++ {
			e := &b.ring[s.cursor%size]
			if s.match(e) {
				out = append(out, *e)
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

// Started reports whether the broker has started (its follower has been
// live once).
func (b *Broker) Started() bool {
	select {
	case <-b.started:
		return true
	default:
		return false
	}
}

// Subscriptions is how many subscriptions the broker is running.
func (b *Broker) Subscriptions() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return len(b.subs)
}

// Last is the newest event the broker has handed out.
func (b *Broker) Last() int64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.last
}
