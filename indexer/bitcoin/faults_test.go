package bitcoin

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store/storetest"
)

// faulty fails a share of the requests it passes to next, at random, with a
// 503 (once on), and counts the blocks it served whole, by path.
type faulty struct {
	next   http.Handler
	on     atomic.Bool
	mu     sync.Mutex
	rng    *rand.Rand
	served map[string]int
	faults int
}

func (f *faulty) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	fail := f.on.Load() && f.rng.Float64() < 0.3
	if fail {
		f.faults++
	}
	if !fail && strings.HasSuffix(r.URL.Path, "/raw") {
		f.served[r.URL.Path]++
	}
	f.mu.Unlock()
	if fail {
		http.Error(w, "injected fault", http.StatusServiceUnavailable)
		return
	}
	f.next.ServeHTTP(w, r)
}

// Backfill through a lone provider failing 30% of requests ends with what a
// healthy one gives, and fetches each block whole once: a failed request
// costs its block a retry, never a batch its refetch.
func TestBackfillKeepsWhatItFetched(t *testing.T) {
	node := newNode(t)
	creator, creatorScript := regtestAddress(t, 0x11)
	start := tip(t, node) + 1
	for i := range 5 {
		send(t, node, payload(nftID(i+1), start+40), wire.NewTxOut(50_000, creatorScript))
		mine(t, node, 6)
	}
	cfg := Config{
		Name: chainName, Network: "regtest",
		Providers:   []ProviderConfig{rpcProvider(t, node)},
		Collections: []CollectionConfig{{Name: "embers", Creator: creator}},
	}
	want := storetest.New(t)
	follow(t, newTestChain(t, cfg), want, chainName, start)

	proxy := &faulty{next: newEsploraProxy(t, node).Config.Handler, rng: rand.New(rand.NewPCG(1, 2)), served: map[string]int{}}
	srv := httptest.NewServer(proxy)
	t.Cleanup(srv.Close)
	cfg.Providers = []ProviderConfig{esploraConfig(srv.URL)}
	// One attempt per request, so that faults bite in a chain this short.
	chain := newTestChain(t, cfg, WithPoolOptions(provider.WithAttempts(1)))
	proxy.on.Store(true)
	got := storetest.New(t)
	f := indexer.NewFollower(indexer.Config{Chain: chainName, StartHeight: start, ReorgWindow: 20, BatchSize: 7},
		chain, got, discardLogger(), indexer.Observer{})
	failed := 0
	for step := 0; ; step++ {
		if step == 1000 {
			t.Fatalf("not caught up in 1000 steps (%d failed)", failed)
		}
		progressed, err := f.Step(context.Background())
		if err != nil {
			failed++
			continue
		}
		if !progressed {
			break
		}
	}
	assertSameDB(t, got, want)
	proxy.mu.Lock()
	defer proxy.mu.Unlock()
	if len(proxy.served) < 30 {
		t.Fatalf("%d blocks served whole, want the 30 indexed", len(proxy.served))
	}
	for path, n := range proxy.served {
		if n > 1 {
			t.Errorf("%s served whole %d times", path, n)
		}
	}
	t.Logf("%d requests failed, %d steps failed and were retried", proxy.faults, failed)
}

// refuseFirst answers 503 to the first n requests, then passes them on.
type refuseFirst struct {
	next http.Handler
	left atomic.Int64
}

func (h *refuseFirst) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h.left.Add(-1) >= 0 {
		http.Error(w, "starting up", http.StatusServiceUnavailable)
		return
	}
	h.next.ServeHTTP(w, r)
}

// A lone provider refusing start-up's network check a few times does not
// stop start-up: it is asked again until it answers.
func TestStartupRetriesAFlakyProvider(t *testing.T) {
	node := newNode(t)
	flaky := &refuseFirst{next: newEsploraProxy(t, node).Config.Handler}
	flaky.left.Store(3)
	srv := httptest.NewServer(flaky)
	t.Cleanup(srv.Close)
	cfg := Config{Name: chainName, Network: "regtest", Providers: []ProviderConfig{esploraConfig(srv.URL)}}
	var failures []error
	chain, err := indexer.Build(context.Background(), time.Minute, nil, func(err error) { failures = append(failures, err) },
		func(ctx context.Context) (*Chain, error) { return New(ctx, cfg, discardLogger()) })
	if err != nil || chain == nil {
		t.Fatalf("start-up through a provider refusing 3 times: %v", err)
	}
	if len(failures) != 3 || !errors.Is(failures[0], provider.ErrNoneAnswered) {
		t.Fatalf("failed attempts: %v, want 3 of no provider answering", failures)
	}
}
