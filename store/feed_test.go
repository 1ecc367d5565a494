package store_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestTailDeliversCommittedEventsInOrder(t *testing.T) {
	s := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan store.Event, 1000)
	listening := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		o := store.TailOptions{SafetyInterval: time.Hour, Listening: func() error { close(listening); return nil }}
		done <- s.Tail(ctx, o, func(_ context.Context, evs []store.Event) error {
			for _, ev := range evs {
				got <- ev
			}
			return nil
		})
	}()
	<-listening
	refs := storetest.Chain(1, 4, storetest.Hash("g"), "main")
	for _, r := range refs {
		// The hour-long safety interval means only the NOTIFY can wake
		// the tail within the test.
		if err := s.Apply(ctx, batchOf([]store.BlockRef{r})); err != nil {
			t.Fatal(err)
		}
	}
	var last int64
	blocks := 0
	for blocks < len(refs) {
		select {
		case ev := <-got:
			if ev.ID <= last {
				t.Fatalf("event %d after %d", ev.ID, last)
			}
			last = ev.ID
			if ev.Entity == store.EntityBlock {
				blocks++
			}
		case err := <-done:
			t.Fatalf("tail ended: %v", err)
		case <-time.After(30 * time.Second):
			t.Fatalf("only %d of %d block events arrived", blocks, len(refs))
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func TestEventDataIsTheRow(t *testing.T) {
	s := storetest.New(t)
	ctx := context.Background()
	refs := storetest.Chain(1, 1, storetest.Hash("g"), "main")
	b := batchOf(refs)
	if err := s.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	evs, err := s.EventsAfter(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Entity != store.EntityRegistration {
			continue
		}
		var r store.Registration
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			t.Fatalf("event data %s: %v", ev.Data, err)
		}
		want := b.Blocks[0].Registrations[0]
		if r.TxID != want.TxID || r.InscriptionID != want.InscriptionID || r.BlockHeight != 1 || r.Chain != chain {
			t.Fatalf("event data %+v does not describe the row %+v", r, want)
		}
		return
	}
	t.Fatal("no registration event")
}

// On a streaming replica, which cannot LISTEN, Tail listens on the primary
// and reads each announced event from the replica once it has replayed it:
// with an hour-long safety interval, only that path can deliver. While the
// replica's replay is paused nothing is delivered, though the event is
// announced; once it resumes, the event arrives.
func TestTailOnAReplica(t *testing.T) {
	r := storetest.NewReplicated(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	got := make(chan store.Event, 1000)
	announced := make(chan int64, 1000)
	listening := make(chan struct{})
	done := make(chan error, 1)
	go func() {
		o := store.TailOptions{
			SafetyInterval: time.Hour, Notifier: r.Primary,
			Listening: func() error { close(listening); return nil },
			Announced: func(id int64) { announced <- id },
		}
		done <- r.Replica.Tail(ctx, o, func(_ context.Context, evs []store.Event) error {
			for _, ev := range evs {
				got <- ev
			}
			return nil
		})
	}()
	<-listening
	// nextBlock waits for the block event of the next batch.
	nextBlock := func(what string) store.Event {
		t.Helper()
		for {
			select {
			case ev := <-got:
				if ev.Entity == store.EntityBlock {
					return ev
				}
			case err := <-done:
				t.Fatalf("tail ended: %v", err)
			case <-time.After(30 * time.Second):
				t.Fatalf("no block event %s", what)
			}
		}
	}
	refs := storetest.Chain(1, 3, storetest.Hash("g"), "main")
	if err := r.Primary.Apply(ctx, batchOf(refs[:1])); err != nil {
		t.Fatal(err)
	}
	first := nextBlock("from the replica")

	r.PauseReplay(t)
	if err := r.Primary.Apply(ctx, batchOf(refs[1:2])); err != nil {
		t.Fatal(err)
	}
	var id int64
	for id <= first.ID {
		select {
		case id = <-announced:
		case <-time.After(30 * time.Second):
			t.Fatal("the primary's notification never arrived")
		}
	}
	// The replica has not replayed the announced event: nothing comes. (The
	// wait is bounded; a delivery inside it is the failure.)
	select {
	case ev := <-got:
		t.Fatalf("event %d delivered from a replica whose replay is paused", ev.ID)
	case <-time.After(500 * time.Millisecond):
	}
	r.ResumeReplay(t)
	if ev := nextBlock("after replay resumed"); ev.ID != id || ev.BlockHeight != refs[1].Height {
		t.Fatalf("after resuming: block event %d at %d, want the announced %d at %d", ev.ID, ev.BlockHeight, id, refs[1].Height)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
