package store

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun/driver/pgdriver"
)

// EventsAfter returns up to limit events with id > after, in id order.
func (s *Store) EventsAfter(ctx context.Context, after int64, limit int) ([]Event, error) {
	var evs []Event
	if err := s.db.NewSelect().Model(&evs).Where("id > ?", after).Order("id").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, fmt.Errorf("read events after %d: %w", after, err)
	}
	return evs, nil
}

// LastEventID returns the newest event id (0 when the log is empty).
func (s *Store) LastEventID(ctx context.Context) (int64, error) {
	var id int64
	if err := s.db.NewSelect().Model((*Event)(nil)).ColumnExpr("coalesce(max(id), 0)").Scan(ctx, &id); err != nil {
		return 0, fmt.Errorf("read last event id: %w", err)
	}
	return id, nil
}

// TailOptions configure Tail.
type TailOptions struct {
	// After is the event to start after.
	After int64
	// SafetyInterval is how often the log is read without a notification.
	SafetyInterval time.Duration
	// Notifier is where the NOTIFYs announcing new events are LISTENed
	// for: the primary, when s is a streaming replica (which can neither
	// LISTEN nor receive them). Nil is s itself.
	Notifier *Store
	// Listening, when not nil, is called once the LISTEN is in place,
	// before any event is delivered; an error it returns ends Tail.
	Listening func() error
	// Announced, when not nil, hears the newest event id each notification
	// announces, before the event is read.
	Announced func(id int64)
}

// Tail hands every event after o.After to deliver, in id order, until ctx
// ends. It LISTENs on NotifyChannel and reads the log on each notification,
// after a reconnect, and every o.SafetyInterval: the log, not the
// notification, is the truth, so a dropped NOTIFY delays events but never
// loses them.
//
// With a Notifier, a notification names an event that s, a replica, may
// not have replayed yet: Tail reads s again, every few milliseconds, until
// it has that event. Event ids are handed out in commit order, so having
// the announced one means having everything before it: a replica's reader
// waits for exactly the replication lag, and no longer.
func (s *Store) Tail(ctx context.Context, o TailOptions, deliver func(context.Context, []Event) error) error {
	notifier := o.Notifier
	if notifier == nil {
		notifier = s
	}
	ln := pgdriver.NewListener(notifier.db)
	defer ln.Close()
	if err := ln.Listen(ctx, NotifyChannel); err != nil {
		return fmt.Errorf("listen %s: %w", NotifyChannel, err)
	}
	notes := ln.Channel(pgdriver.WithChannelSize(256))
	after, announced := o.After, int64(0)
	heard := func(n pgdriver.Notification) {
		if id, ok := announcedID(n.Payload); ok && id > announced {
			announced = id
			if o.Announced != nil {
				o.Announced(id)
			}
		}
	}
	// pgdriver writes LISTEN without waiting for the server to run it; a
	// commit before then notifies nobody here, and its event would wait for
	// the safety interval (TestTailOnAReplica lost one that way under load).
	// Any notification that arrives proves the LISTEN in force: send one.
	for confirmed := false; !confirmed; {
		if _, err := notifier.db.ExecContext(ctx, "SELECT pg_notify(?, ?)", NotifyChannel, listeningPayload); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("notify %s: %w", NotifyChannel, err)
		}
		select {
		case <-ctx.Done():
			return nil
		case n := <-notes:
			heard(n)
			confirmed = true
		case <-time.After(time.Second): // the listener reconnected meanwhile: again
		}
	}
	if o.Listening != nil {
		// And receiving: the channel's goroutines are running.
		if err := o.Listening(); err != nil {
			return err
		}
	}
	ticker := time.NewTicker(o.SafetyInterval)
	defer ticker.Stop()
	// poll is the wait before reading again for an announced event the log
	// does not show yet: short, since replicas are usually milliseconds
	// behind, and longer the longer it takes.
	var poll time.Duration
	for {
		for {
			evs, err := s.EventsAfter(ctx, after, 1000)
			if err != nil {
				if ctx.Err() != nil {
					return nil
				}
				return err
			}
			if len(evs) == 0 {
				break
			}
			if err := deliver(ctx, evs); err != nil {
				return err
			}
			after = evs[len(evs)-1].ID
		}
		var wait <-chan time.Time
		if announced > after {
			poll = min(max(2*poll, minReplayPoll), maxReplayPoll)
			wait = time.After(poll)
		} else {
			poll = 0
		}
		select {
		case <-ctx.Done():
			return nil
		case n := <-notes:
			heard(n)
		case <-wait:
		case <-ticker.C:
		}
	}
}

// listeningPayload is the notification a Tail sends itself to know its
// LISTEN is in force; it names no event, and other listeners only read the
// log once more.
const listeningPayload = "listening"

// The bounds of Tail's wait for an event a replica has not replayed yet.
const (
	minReplayPoll = 2 * time.Millisecond
	maxReplayPoll = 50 * time.Millisecond
)

// announcedID reads the event id of a notification's payload, chain:id.
func announcedID(payload string) (int64, bool) {
	i := strings.LastIndexByte(payload, ':')
	if i < 0 {
		return 0, false
	}
	id, err := strconv.ParseInt(payload[i+1:], 10, 64)
	return id, err == nil
}

// InRecovery reports whether the server is a standby replaying a primary's
// WAL: a streaming replica, read only.
func (s *Store) InRecovery(ctx context.Context) (bool, error) {
	var r bool
	if err := s.db.NewRaw("SELECT pg_is_in_recovery()").Scan(ctx, &r); err != nil {
		return false, fmt.Errorf("ask whether the database is a replica: %w", err)
	}
	return r, nil
}

// ReplayPaused reports whether a standby's replay is paused
// (pg_wal_replay_pause): it then falls behind its primary however fast the
// WAL arrives.
func (s *Store) ReplayPaused(ctx context.Context) (bool, error) {
	var state string
	if err := s.db.NewRaw("SELECT pg_get_wal_replay_pause_state()").Scan(ctx, &state); err != nil {
		return false, fmt.Errorf("read replay state: %w", err)
	}
	return state != "not paused", nil
}

// TipsAt returns each chain's indexed tip as the event log stood at event id
// `at`: the height of its last block event (a REMOVED block means its parent
// became the tip).
func (s *Store) TipsAt(ctx context.Context, at int64) (map[string]int64, error) {
	var rows []struct {
		Chain  string `bun:"chain"`
		Kind   string `bun:"kind"`
		Height int64  `bun:"block_height"`
	}
	if err := s.db.NewSelect().Model((*Event)(nil)).Column("chain", "kind", "block_height").
		DistinctOn("chain").Where("entity = ? AND id <= ?", EntityBlock, at).
		OrderExpr("chain, id DESC").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("read tips at event %d: %w", at, err)
	}
	tips := make(map[string]int64, len(rows))
	for _, r := range rows {
		tips[r.Chain] = r.Height
		if r.Kind == KindRemoved {
			tips[r.Chain] = r.Height - 1
		}
	}
	return tips, nil
}

// UnconfirmedAt returns the registrations that, as the log stood at event id
// `at`, were on their chain with fewer than minConf confirmations from the
// tip then. Those a subscriber resuming after `at` still waits to see
// CONFIRMED are among them; some may have been deeper before a reorg to a
// shorter branch, and confirmed then (RegistrationLog tells).
func (s *Store) UnconfirmedAt(ctx context.Context, at int64, tips map[string]int64, minConf int64) ([]Event, error) {
	// Registrations are on the chains with collections; a chain whose first
	// batch is not complete at `at` has no tip yet (a batch logs its rows
	// before its block).
	cols, err := s.Collections(ctx)
	if err != nil {
		return nil, err
	}
	chains := maps.Clone(tips)
	for _, c := range cols {
		if _, ok := chains[c.Chain]; !ok {
			chains[c.Chain] = 0
		}
	}
	var out []Event
	for chain, tip := range chains {
		var evs []Event
		if err := s.db.NewSelect().Model(&evs).DistinctOn("key").
			Where("entity = ? AND chain = ? AND id <= ? AND block_height > ?", EntityRegistration, chain, at, tip-minConf+1).
			OrderExpr("key, id DESC").Scan(ctx); err != nil {
			return nil, fmt.Errorf("read unconfirmed registrations at event %d: %w", at, err)
		}
		for _, ev := range evs {
			if ev.Kind == KindAdded {
				out = append(out, ev)
			}
		}
	}
	return out, nil
}

// Decode returns the entity an event carries, as the type the store wrote
// it from: *Registration, *RegistrationRecord, *BadgeClaim, *BadgeTransfer,
// *NullifierUse, *ReuseAttempt, *ThresholdUpdate, *Transaction, or *BlockRef
// for a block.
func (e *Event) Decode() (any, error) {
	var v any
	switch e.Entity {
	case EntityRegistration:
		v = new(Registration)
	case EntityRecord:
		v = new(RegistrationRecord)
	case EntityBadgeClaim:
		v = new(BadgeClaim)
	case EntityTransfer:
		v = new(BadgeTransfer)
	case EntityNullifier:
		v = new(NullifierUse)
	case EntityReuse:
		v = new(ReuseAttempt)
	case EntityThreshold:
		v = new(ThresholdUpdate)
	case EntityTransaction:
		v = new(Transaction)
	case EntityBlock:
		v = new(BlockRef)
	default:
		return nil, fmt.Errorf("event %d: unknown entity %q", e.ID, e.Entity)
	}
	if err := json.Unmarshal(e.Data, v); err != nil {
		return nil, fmt.Errorf("event %d (%s): %w", e.ID, e.Entity, err)
	}
	return v, nil
}

// RegistrationLog returns a chain's registration and block events with ids
// in (after, upTo], in id order: what decides which registrations have
// confirmed.
func (s *Store) RegistrationLog(ctx context.Context, chain string, after, upTo int64) ([]Event, error) {
	var evs []Event
	if err := s.db.NewSelect().Model(&evs).
		Where("chain = ? AND id > ? AND id <= ? AND entity IN (?, ?)", chain, after, upTo, EntityRegistration, EntityBlock).
		Order("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("read registrations of %s in events %d..%d: %w", chain, after+1, upTo, err)
	}
	return evs, nil
}
