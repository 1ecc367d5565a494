package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store/storetest"
)

// freeAddr returns a loopback address nothing listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// runHerald runs `herald index`, `serve` or `run` (as r says) with cfg
// until the test ends, and returns once it answers /healthz on addr.
func runHerald(t *testing.T, cfg Config, r roles, addr string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), r) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("herald %+v: %v", r, err)
		}
	})
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
		if code, _ := get(t, "http://"+addr+"/healthz"); code == http.StatusOK {
			return
		}
		select {
		case err := <-done:
			done <- err // for the clean-up
			t.Fatalf("herald %+v stopped: %v", r, err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("herald %+v did not come up on %s", r, addr)
		}
	}
}

// get returns the status and body of a GET; 0 when nothing answers.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// graphQL posts a query to base and decodes its data into out.
func graphQL(t *testing.T, base, query string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"query": query})
	resp, err := http.Post(base+"/graphql", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var r struct {
		Data   json.RawMessage
		Errors []any
	}
	if err := json.Unmarshal(raw, &r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("%s: %s", query, raw)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

type chainMeta struct {
	Chain           string
	State           string
	Reason          *string
	Head            *int
	IndexedHeight   *int
	Lag             *int
	BlocksPerSecond float64
	Providers       []struct {
		Name      string
		Failing   bool
		LastError *string
	}
}

func metaChains(t *testing.T, base string) map[string]chainMeta {
	t.Helper()
	var m struct {
		Meta struct{ Chains []chainMeta } `json:"_meta"`
	}
	graphQL(t, base, `{ _meta { chains { chain state reason head indexedHeight lag blocksPerSecond providers { name failing lastError } } } }`, &m)
	out := map[string]chainMeta{}
	for _, c := range m.Meta.Chains {
		out[c.Chain] = c
	}
	return out
}

// waitFor polls cond until it holds; the bound only stops a hang.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("never: %s", what)
		}
	}
}

// A split deployment — `herald index` and `herald serve` on one database —
// with one healthy chain and one whose only provider refuses: the gateway's
// _meta lists both from the indexer's start-up, the refused one starting
// with the reason and then stalled after stall_after; the gateway's and
// the indexer's /readyz say unready, naming it; the healthy one follows.
func TestMetaListsEveryConfiguredChain(t *testing.T) {
	ctx := context.Background()
	chain, err := devnet.StartEVM(ctx, devnet.EVMOptions{HTTPAddr: "127.0.0.1:0", BlockInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = chain.Stop() })
	traffic, stopTraffic := context.WithCancel(ctx)
	defer stopTraffic()
	go func() { _ = chain.Run(traffic) }()

	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.Index.Listen, cfg.HTTP.Listen = freeAddr(t), freeAddr(t)
	cfg.Index.StallAfter = 3 * time.Second
	cfg.Index.StartupTimeout = 10 * time.Minute
	up := evm.Config{Name: "up", ChainID: chain.ChainID(), RPC: []string{chain.WSURL()}, StartBlock: chain.StartBlock(), Confirmations: 1}
	for _, c := range chain.Contracts() {
		up.Contracts = append(up.Contracts, evm.ContractConfig{Address: c.Address.Hex(), Kind: c.Kind})
	}
	down := up
	down.Name, down.RPC = "down", []string{"http://127.0.0.1:1"}
	cfg.EVM = []evm.Config{up, down}
	runHerald(t, cfg, roles{index: true}, cfg.Index.Listen)
	runHerald(t, cfg, roles{serve: true}, cfg.HTTP.Listen)
	base := "http://" + cfg.HTTP.Listen

	// Before its first block, the refused chain is listed, starting, and
	// says why.
	chains := metaChains(t, base)
	d, ok := chains["down"]
	if !ok || (d.State != "STARTING" && d.State != "STALLED") || d.Head != nil || d.IndexedHeight != nil {
		t.Fatalf("_meta of the refused chain right after start-up: %+v (listed: %v)", d, ok)
	}
	waitFor(t, "the refused chain starting with its reason", func() bool {
		d := metaChains(t, base)["down"]
		return d.Reason != nil && strings.Contains(*d.Reason, "no provider answered")
	})
	waitFor(t, "the refused chain stalled", func() bool { return metaChains(t, base)["down"].State == "STALLED" })
	d = metaChains(t, base)["down"]
	if !strings.Contains(*d.Reason, "not started after") || !strings.Contains(*d.Reason, "127.0.0.1:1") {
		t.Fatalf("stalled without a reason naming the provider: %q", *d.Reason)
	}
	for _, addr := range []string{cfg.HTTP.Listen, cfg.Index.Listen} {
		if code, body := get(t, "http://"+addr+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "chain down is stalled") {
			t.Fatalf("/readyz on %s with a stalled chain: %d %s", addr, code, body)
		}
	}

	waitFor(t, "the healthy chain following", func() bool {
		u := metaChains(t, base)["up"]
		return u.State == "FOLLOWING" && u.IndexedHeight != nil && *u.IndexedHeight > int(chain.StartBlock())
	})
	u := metaChains(t, base)["up"]
	if u.Head == nil || u.Lag == nil || *u.Lag != *u.Head-*u.IndexedHeight || u.Reason != nil || len(u.Providers) != 1 || u.Providers[0].Failing {
		t.Fatalf("_meta of the healthy chain: %+v", u)
	}
}
