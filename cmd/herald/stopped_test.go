package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// forked is a chain whose every block differs from the indexed ones: a
// reorg deeper than any window.
type forked struct{ refs []store.BlockRef }

func (f forked) Head(context.Context) (indexer.Head, error) {
	return indexer.Head{Height: f.refs[len(f.refs)-1].Height}, nil
}

func (f forked) BlockRef(_ context.Context, h int64) (store.BlockRef, error) {
	return f.refs[h-f.refs[0].Height], nil
}

func (f forked) Blocks(_ context.Context, from, to int64) ([]store.Block, error) {
	var out []store.Block
	for h := from; h <= to; h++ {
		out = append(out, store.Block{BlockRef: f.refs[h-f.refs[0].Height]})
	}
	return out, nil
}

func (forked) States() []provider.State { return nil }

// A chain stopped by a reorg deeper than its window stays stopped, saying
// why, while the process goes on (its other chains, its gateway): the chain
// actor returns only when the process stops.
func TestDeepReorgStopsTheChainNotTheProcess(t *testing.T) {
	ctx := context.Background()
	st := storetest.New(t)
	indexed := storetest.Chain(1, 3, storetest.Hash("g"), "main")
	b := store.Batch{Chain: "deep", Head: 3, KeepBlocks: 10}
	for _, r := range indexed {
		b.Blocks = append(b.Blocks, store.Block{BlockRef: r})
	}
	if err := st.Apply(ctx, b); err != nil {
		t.Fatal(err)
	}
	m, err := indexer.NewMetrics(prometheus.NewRegistry())
	if err != nil {
		t.Fatal(err)
	}
	c := &chainRun{
		key: "bitcoin[0]", name: "deep", status: indexer.NewStatus("deep", time.Minute, nil),
		fc: indexer.Config{Chain: "deep", StartHeight: 1, ReorgWindow: 1, BatchSize: 10},
		build: func(context.Context) (builtSource, error) {
			return builtSource{src: forked{storetest.Chain(1, 3, storetest.Hash("g"), "other")}, close: func() {}}, nil
		},
	}
	run, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- follow(run, c, time.Minute, st, m, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	waitFor(t, "the chain stopped", func() bool { return c.status.Snapshot().State == domain.ChainStopped })
	if s := c.status.Snapshot(); !strings.Contains(s.Reason, "reorg deeper than the reorg window") {
		t.Fatalf("stopped for %q", s.Reason)
	}
	select {
	case err := <-done:
		t.Fatalf("the chain's actor returned (%v) while the process runs: the group would stop", err)
	case <-time.After(200 * time.Millisecond):
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("stopped chain at shutdown: %v", err)
	}
}
