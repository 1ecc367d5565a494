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
		done <- s.Tail(ctx, 0, time.Hour, func() error { close(listening); return nil }, func(_ context.Context, evs []store.Event) error {
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
