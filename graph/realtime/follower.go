package realtime

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cenkalti/backoff/v5"

	"github.com/herald-indexer/herald/store"
)

// Consumer is kept in step with the event log by a Follower.
type Consumer interface {
	// Live is called once the follower listens, before any event after
	// position is applied; an error stops that attempt to follow.
	Live(ctx context.Context, position int64) error
	// Apply hands over the next events, in id order.
	Apply(evs []Event)
	// Lost is called when the follower stops following (the connection
	// went away): nothing keeps the consumer in step until the next Live.
	Lost()
}

// Follower is a gateway process's one reader of the event log: it LISTENs
// through one connection and hands every batch of events to its consumers
// in order — the caches first, then the broker — so that a subscriber's
// response never reads a cache older than the event it answers.
type Follower struct {
	st *store.Store
	// notifier is where NOTIFYs are LISTENed for: st, or the primary when
	// st is a streaming replica.
	notifier  *store.Store
	consumers []Consumer
	safety    time.Duration
	log       *slog.Logger

	position atomic.Int64 // newest event handed over
	live     atomic.Bool
	started  chan struct{} // closed once the first Live is done
	start    sync.Once
	lag      lagMeter
}

// NewFollower follows st's event log from its end for consumers. safety is
// how often the log is read without a notification (a notification may be
// lost).
func NewFollower(st *store.Store, safety time.Duration, log *slog.Logger, consumers ...Consumer) *Follower {
	return NewReplicaFollower(st, st, safety, log, consumers...)
}

// NewReplicaFollower follows the event log of replica, a streaming replica
// of primary, which cannot LISTEN: it LISTENs on primary and reads each
// announced event from replica once replica has replayed it. The consumers
// — caches and broker — thus move only with what the replica's queries
// read, never ahead of it.
func NewReplicaFollower(replica, primary *store.Store, safety time.Duration, log *slog.Logger, consumers ...Consumer) *Follower {
	return &Follower{st: replica, notifier: primary, consumers: consumers, safety: safety, log: log, started: make(chan struct{})}
}

// Run follows the log until ctx ends, following again after failures (a
// lost connection) from where it was, with exponential backoff.
func (f *Follower) Run(ctx context.Context) error {
	retry := backoff.NewExponentialBackOff()
	retry.InitialInterval, retry.MaxInterval = 250*time.Millisecond, 30*time.Second
	for {
		began := time.Now()
		err := f.follow(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(began) > time.Minute {
			retry.Reset() // it had been following: this is a new failure
		}
		delay := retry.NextBackOff()
		f.log.Warn("event log follower stopped; following again", "err", err, "retry_in", delay)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(delay):
		}
	}
}

func (f *Follower) follow(ctx context.Context) error {
	from := f.position.Load()
	select {
	case <-f.started:
	default:
		// First start: subscribers and caches begin at the end of the log.
		last, err := f.st.LastEventID(ctx)
		if err != nil {
			return err
		}
		from = last
		f.position.Store(from)
	}
	defer func() {
		if f.live.Swap(false) {
			for _, c := range f.consumers {
				c.Lost()
			}
		}
	}()
	o := store.TailOptions{After: from, SafetyInterval: f.safety, Notifier: f.notifier}
	o.Announced = func(id int64) { f.lag.announced(id, f.position.Load()) }
	o.Listening = func() error {
		for _, c := range f.consumers {
			if err := c.Live(ctx, from); err != nil {
				return err
			}
		}
		f.live.Store(true)
		f.start.Do(func() { close(f.started) })
		return nil
	}
	return f.st.Tail(ctx, o, func(_ context.Context, rows []store.Event) error {
		evs := make([]Event, len(rows))
		for i := range rows {
			evs[i].Event = rows[i]
			p, err := rows[i].Decode()
			if err != nil {
				// The store wrote it; a row it cannot read back is a bug
				// worth a log line, not a reason to stop every subscriber.
				f.log.Error("event log row does not decode", "event", rows[i].ID, "err", err)
			}
			evs[i].Payload = p
		}
		for _, c := range f.consumers {
			c.Apply(evs)
		}
		f.position.Store(rows[len(rows)-1].ID)
		f.lag.delivered(rows[len(rows)-1].ID)
		return nil
	})
}

// Live reports whether the follower is following the log now.
func (f *Follower) Live() bool { return f.live.Load() }

// Position is the newest event handed to the consumers.
func (f *Follower) Position() int64 { return f.position.Load() }

// Started is closed once the follower has followed the log once.
func (f *Follower) Started() <-chan struct{} { return f.started }

// Lag is how long the oldest event announced by a notification and not yet
// handed over has been waiting: on a streaming replica, how far its replay
// trails the primary's commits; 0 when the follower is in step.
func (f *Follower) Lag() time.Duration { return f.lag.lag(time.Now()) }

// Announced is the newest event id a notification announced.
func (f *Follower) Announced() int64 { return f.lag.newest() }

// lagMeter times the announced events not yet handed over.
type lagMeter struct {
	mu sync.Mutex
	// waiting are announced ids above the position handed over, oldest
	// first, with when each was announced.
	waiting []announcement
	last    int64
}

type announcement struct {
	id int64
	at time.Time
}

// maxWaiting bounds the announcements kept; beyond it the newest one is
// extended, which can only make the lag read longer, never shorter.
const maxWaiting = 1024

// announced notes event id announced while position was handed over.
func (m *lagMeter) announced(id, position int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if id <= m.last {
		return
	}
	m.last = id
	if id <= position {
		return // read already, by a safety read
	}
	if n := len(m.waiting); n == maxWaiting {
		m.waiting[n-1].id = id
		return
	}
	m.waiting = append(m.waiting, announcement{id: id, at: time.Now()})
}

func (m *lagMeter) delivered(position int64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	i := 0
	for i < len(m.waiting) && m.waiting[i].id <= position {
		i++
	}
	m.waiting = append(m.waiting[:0], m.waiting[i:]...)
}

func (m *lagMeter) lag(now time.Time) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.waiting) == 0 {
		return 0
	}
	return now.Sub(m.waiting[0].at)
}

func (m *lagMeter) newest() int64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.last
}
