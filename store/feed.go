package store

import (
	"context"
	"fmt"
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

// Tail hands every event after `after` to deliver, in id order, until ctx
// ends. It LISTENs on NotifyChannel and reads the log on each notification,
// after a reconnect, and every safetyInterval: the log, not the notification,
// is the truth, so a dropped NOTIFY delays events but never loses them.
// listening, when not nil, is called once the LISTEN is in place.
func (s *Store) Tail(ctx context.Context, after int64, safetyInterval time.Duration, listening func(), deliver func(context.Context, []Event) error) error {
	ln := pgdriver.NewListener(s.db)
	defer ln.Close()
	if err := ln.Listen(ctx, NotifyChannel); err != nil {
		return fmt.Errorf("listen %s: %w", NotifyChannel, err)
	}
	if listening != nil {
		listening()
	}
	notes := ln.Channel(pgdriver.WithChannelSize(256))
	ticker := time.NewTicker(safetyInterval)
	defer ticker.Stop()
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
		select {
		case <-ctx.Done():
			return nil
		case <-notes:
		case <-ticker.C:
		}
	}
}
