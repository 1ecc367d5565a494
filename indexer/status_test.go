package indexer_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// testClock is time that moves only when told to.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// brokenSource reads the head of its chain but fails to fetch blocks while
// broken is set.
type brokenSource struct {
	*scriptedChain
	mu     sync.Mutex
	broken error
}

func (s *brokenSource) set(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken = err
}

func (s *brokenSource) Blocks(ctx context.Context, from, to int64) ([]store.Block, error) {
	s.mu.Lock()
	err := s.broken
	s.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return s.scriptedChain.Blocks(ctx, from, to)
}

func wantState(t *testing.T, st *indexer.Status, state, reason string) indexer.StatusSnapshot {
	t.Helper()
	snap := st.Snapshot()
	if snap.State != state || !strings.Contains(snap.Reason, reason) || (reason == "" && snap.Reason != "") {
		t.Fatalf("state %s (%q), want %s with a reason containing %q", snap.State, snap.Reason, state, reason)
	}
	return snap
}

// A chain goes from starting to syncing (with a rate and an ETA) to
// following, is stalled once it makes no progress for stall_after while its
// head moves, recovers, and is stopped for good when told.
func TestStatusFollowsTheFollower(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	st := indexer.NewStatus("scripted", 5*time.Minute, clock.Now)
	wantState(t, st, domain.ChainStarting, "")

	// Start-up fails for a while: still starting, with the reason; then
	// stalled once it has taken longer than stall_after.
	st.StartFailed(errors.New("no provider answered: providers[0] (127.0.0.1:1)"))
	wantState(t, st, domain.ChainStarting, "no provider answered")
	clock.advance(4 * time.Minute)
	st.Running()
	wantState(t, st, domain.ChainStarting, "")

	src := &brokenSource{scriptedChain: newScriptedChain(100, 41)}
	db := storetest.New(t)
	cfg := indexer.Config{Chain: "scripted", StartHeight: 100, ReorgWindow: window, BatchSize: 10}
	f := indexer.NewFollower(cfg, src, db, slog.New(slog.NewTextHandler(io.Discard, nil)), st.Observer())
	step := func() {
		t.Helper()
		clock.advance(2 * time.Second)
		if _, err := f.Step(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	step()
	snap := wantState(t, st, domain.ChainSyncing, "")
	if !snap.HasHead || snap.Head != 140 || !snap.HasTip || snap.Tip != 109 {
		t.Fatalf("after one batch: %+v", snap)
	}
	// 10 blocks in the 2 s the chain has been running.
	if snap.BlocksPerSecond != 5 || snap.ETA != 6*time.Second {
		t.Fatalf("rate %v blocks/s, ETA %s; want 5 and 6s for the 31 blocks left", snap.BlocksPerSecond, snap.ETA)
	}
	for range 3 {
		step()
	}
	step() // nothing left: caught up
	snap = wantState(t, st, domain.ChainFollowing, "")
	if snap.ETA != 0 || snap.Tip != 140 {
		t.Fatalf("following: %+v", snap)
	}

	// The head moves and every fetch fails: syncing, then stalled with
	// the error once stall_after has passed without progress.
	src.set(errors.New("all providers unavailable"))
	src.extend(5, "main")
	fail := func() {
		clock.advance(time.Minute)
		_, err := f.Step(context.Background())
		if err == nil {
			t.Fatal("a step with a broken source succeeded")
		}
		st.Observer().Failed("scripted", err)
	}
	fail()
	wantState(t, st, domain.ChainSyncing, "")
	for range 5 {
		fail()
	}
	snap = wantState(t, st, domain.ChainStalled, "all providers unavailable")
	if snap.Head != 145 || snap.Tip != 140 {
		t.Fatalf("stalled: %+v", snap)
	}
	stalledSince := snap.Since
	clock.advance(time.Minute)
	if snap := st.Snapshot(); !snap.Since.Equal(stalledSince) {
		t.Fatalf("stalled since %s, then %s: the state did not change", stalledSince, snap.Since)
	}

	// Back: following again.
	src.set(nil)
	step()
	step()
	wantState(t, st, domain.ChainFollowing, "")

	st.Stopped(indexer.ErrReorgTooDeep)
	wantState(t, st, domain.ChainStopped, "reorg deeper than the reorg window")
}

// A chain whose provider never answers is stalled once stall_after has
// passed, with why it is not running.
func TestStatusNeverStarted(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	st := indexer.NewStatus("nowhere", time.Minute, clock.Now)
	st.StartFailed(errors.New("no provider answered"))
	clock.advance(61 * time.Second)
	wantState(t, st, domain.ChainStalled, "not started after 1m1s: no provider answered")
}

// Sleep implements provider.Clock: the time passes at once.
func (c *testClock) Sleep(ctx context.Context, d time.Duration) error {
	c.advance(d)
	return ctx.Err()
}

// Start-up retries a chain whose providers did not answer until its time
// is up, and stops at once on any other error.
func TestBuildRetriesSilentProviders(t *testing.T) {
	ctx := context.Background()
	silent := fmt.Errorf("%w: providers[0] (flaky)", provider.ErrNoneAnswered)
	clock := &testClock{now: time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)}
	var failures []error
	calls := 0
	v, err := indexer.Build(ctx, time.Minute, clock, func(err error) { failures = append(failures, err) }, func(context.Context) (string, error) {
		if calls++; calls < 3 {
			return "", silent
		}
		return "chain", nil
	})
	if err != nil || v != "chain" || len(failures) != 2 || !strings.Contains(failures[0].Error(), "retrying in") {
		t.Fatalf("Build = %q, %v after %d calls, failures %v; want the chain on the third", v, err, calls, failures)
	}

	start := clock.Now()
	calls = 0
	_, err = indexer.Build(ctx, time.Minute, clock, nil, func(context.Context) (string, error) {
		calls++
		return "", silent
	})
	if !errors.Is(err, provider.ErrNoneAnswered) || calls < 3 || clock.Now().Sub(start) != time.Minute {
		t.Fatalf("Build of a chain that never answers: %v after %d calls in %s; want the silence reported after a minute", err, calls, clock.Now().Sub(start))
	}

	calls = 0
	wrong := errors.New("providers[0]: genesis block is not regtest's")
	if _, err := indexer.Build(ctx, time.Minute, clock, nil, func(context.Context) (string, error) {
		calls++
		return "", wrong
	}); !errors.Is(err, wrong) || calls != 1 {
		t.Fatalf("Build of a chain on the wrong network: %v after %d calls; want it at once", err, calls)
	}
}
