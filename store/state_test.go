package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// A chain's state report replaces the previous one, unknown values stay
// null, and resetting the chain forgets it.
func TestChainStateReports(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	since := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	if err := s.ReportChainState(ctx, store.ChainState{
		Chain: chain, State: domain.ChainStarting, Reason: "no provider answered", Since: since, StallAfterMS: 300_000,
	}); err != nil {
		t.Fatal(err)
	}
	head, eta := int64(120), 42.5
	if err := s.ReportChainState(ctx, store.ChainState{
		Chain: chain, State: domain.ChainSyncing, Since: since.Add(time.Minute), Head: &head,
		BlocksPerSecond: 3.5, ETASeconds: &eta, StallAfterMS: 300_000,
	}); err != nil {
		t.Fatal(err)
	}
	if err := s.ReportChainState(ctx, store.ChainState{Chain: "other", State: domain.ChainStarting, Since: since, StallAfterMS: 1000}); err != nil {
		t.Fatal(err)
	}
	states, err := s.ChainStates(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 2 || states[0].Chain != "other" || states[1].Chain != chain {
		t.Fatalf("states: %+v", states)
	}
	if o := states[0]; o.Head != nil || o.ETASeconds != nil || o.Reason != "" {
		t.Fatalf("unknown values of a starting chain: %+v", o)
	}
	got := states[1]
	if got.State != domain.ChainSyncing || got.Reason != "" || !got.Since.Equal(since.Add(time.Minute)) ||
		got.Head == nil || *got.Head != head || got.BlocksPerSecond != 3.5 || got.ETASeconds == nil || *got.ETASeconds != eta ||
		got.StallAfter() != 5*time.Minute || time.Since(got.ReportedAt) > time.Minute {
		t.Fatalf("second report read back as %+v", got)
	}
	if err := s.ResetChain(ctx, chain); err != nil {
		t.Fatal(err)
	}
	if states, err = s.ChainStates(ctx); err != nil || len(states) != 1 {
		t.Fatalf("after reset: %+v, %v", states, err)
	}
}
