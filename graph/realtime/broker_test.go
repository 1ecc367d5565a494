package realtime

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestSlowSubscriberIsCutOffWithoutDelayingOthers(t *testing.T) {
	st := storetest.New(t)
	m, err := NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	const backlog = 30
	b := NewBroker(backlog, m)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// A second's safety net, as in production (5 s): on an overloaded
	// machine pgdriver may drop and redial its LISTEN connection after
	// unanswered pings, and a NOTIFY sent in between is gone; only the
	// periodic read of the log brings that event.
	f := NewFollower(st, time.Second, slog.New(slog.DiscardHandler), b)
	go func() { _ = f.Run(ctx) }()
	all := func(*Event) bool { return true }
	slow, _, err := b.subscribe(ctx, all) // reads nothing until the end
	if err != nil {
		t.Fatal(err)
	}
	fast, _, err := b.subscribe(ctx, all)
	if err != nil {
		t.Fatal(err)
	}

	// The fast subscriber reads as events come.
	received := make(chan Event, 10000)
	fastErr := make(chan error, 1)
	go func() {
		for {
			evs, err := b.next(ctx, fast)
			if err != nil {
				fastErr <- err
				return
			}
			for _, ev := range evs {
				received <- ev
			}
		}
	}()
	// Each block's batch is about a third of the backlog. The fast
	// subscriber gets each batch before the next is written; the slow one
	// falls out of the backlog.
	var seen int64
	for _, r := range storetest.Chain(1, 20, storetest.Hash("g"), "slow") {
		blk := storetest.SampleBlock(r)
		if err := st.Apply(ctx, store.Batch{Chain: "c", Blocks: []store.Block{blk}, Head: r.Height, KeepBlocks: 100}); err != nil {
			t.Fatal(err)
		}
		last, err := st.LastEventID(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for seen < last {
			select {
			case ev := <-received:
				if ev.ID <= seen {
					t.Fatalf("fast subscriber got event %d after %d", ev.ID, seen)
				}
				seen = ev.ID
			case err := <-fastErr:
				t.Fatalf("the fast subscriber was cut off: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatalf("fast subscriber stuck at event %d of %d", seen, last)
			}
		}
	}
	all20, err := st.EventsAfter(ctx, 0, 100000)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.next(ctx, slow); !errors.Is(err, ErrFellBehind) {
		t.Fatalf("slow subscriber, %d events behind with a backlog of %d: err = %v", len(all20), backlog, err)
	}
}
