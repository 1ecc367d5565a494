package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/store"
)

// Benchmarks measure; tests assert. These report latency percentiles and
// throughput with b.ReportMetric, for `make bench` to collect.

// latencies collects request durations from concurrent clients.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

func (l *latencies) report(b *testing.B, prefix string) {
	slices.Sort(l.d)
	if len(l.d) == 0 {
		return
	}
	pct := func(p float64) float64 {
		return float64(l.d[min(int(p*float64(len(l.d))), len(l.d)-1)].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), prefix+"p50_ms")
	b.ReportMetric(pct(0.95), prefix+"p95_ms")
	b.ReportMetric(pct(0.99), prefix+"p99_ms")
}

func benchEnv(b *testing.B) *env {
	lim := graph.DefaultLimits()
	lim.RatePerSecond = 0 // the benchmark is the only client
	return newEnv(b, lim)
}

func postJSON(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, out)
	}
	return nil
}

// BenchmarkNFTStatus: 50 concurrent clients asking for one NFT with 200
// registrations, with the first page of them.
func BenchmarkNFTStatus(b *testing.B) {
	e := benchEnv(b)
	blocks := bitcoinBlocks(200)
	id := nftID(42)
	for i := range blocks {
		blocks[i].Registrations = []store.Registration{registration(id, txid("bench", i), 1, store.StatusValid, 50000)}
	}
	if err := e.writer.SyncCollections(context.Background(), btcChain, []store.Collection{{Name: "demo", Creator: "bcrt1qcreator", MinFeeSats: 50000, MinConfirmations: 1}}); err != nil {
		b.Fatal(err)
	}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks, Head: 200, KeepBlocks: 300}); err != nil {
		b.Fatal(err)
	}
	body, _ := json.Marshal(map[string]any{"query": `query($id: InscriptionID!) { nft(id: $id) {
		id isRegistered registrationCount confirmations
		lastRegistration { txid paidSats block { height time confirmations } }
		record { feeTxid }
		registrations(first: 20) { totalCount nodes { txid status paidSats block { height } } pageInfo { hasNextPage endCursor } }
		lastUpdated { height time } } }`, "variables": map[string]any{"id": id}})
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	url := e.srv.URL + "/graphql"
	if err := postJSON(client, url, body); err != nil {
		b.Fatal(err)
	}
	var lat latencies
	b.SetParallelism(max(50/runtime.GOMAXPROCS(0), 1))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			t0 := time.Now()
			if err := postJSON(client, url, body); err != nil {
				b.Error(err)
				return
			}
			lat.add(time.Since(t0))
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	lat.report(b, "")
}

// BenchmarkNullifierLookups: 100 hashes per request over 1,000,000 stored
// nullifiers, 50 concurrent clients.
func BenchmarkNullifierLookups(b *testing.B) {
	e := benchEnv(b)
	const stored = 1_000_000
	ctx := context.Background()
	if _, err := e.writer.DB().ExecContext(ctx, `INSERT INTO nullifiers
		(chain, contract, nullifier, log_index, tx_hash, event, player, claimed_xp, verified, block_height, block_hash, block_time)
		SELECT 'abstract', '0x00000000000000000000000000000000000000aa', '0x' || lpad(to_hex(i), 64, '0'), 0,
		       '0x' || lpad(to_hex(i), 64, '0'), 'XPProofVerified', '0x' || lpad(to_hex(i % 5000), 40, '0'), 50, true,
		       i, '0x00', now()
		FROM generate_series(1, ?) AS i`, stored); err != nil {
		b.Fatal(err)
	}
	if _, err := e.writer.DB().ExecContext(ctx, "ANALYZE nullifiers"); err != nil {
		b.Fatal(err)
	}
	hash := func(i int) string { return fmt.Sprintf("0x%064x", i) }
	bodies := make([][]byte, 64)
	for r := range bodies {
		hashes := make([]string, 100)
		for i := range hashes {
			// Mostly used nullifiers, some unused: a real page mixes both.
			n := (r*7919 + i*104729) % (stored + stored/10)
			hashes[i] = hash(n + 1)
		}
		bodies[r], _ = json.Marshal(map[string]any{
			"query":     `query($h: [Bytes32!]!) { nullifiers(hashes: $h) { hash used uses { player claimedXP verified block { height } } } }`,
			"variables": map[string]any{"h": hashes},
		})
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	url := e.srv.URL + "/graphql"
	var lat latencies
	var next sync.Mutex
	k := 0
	b.SetParallelism(max(50/runtime.GOMAXPROCS(0), 1))
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			next.Lock()
			body := bodies[k%len(bodies)]
			k++
			next.Unlock()
			t0 := time.Now()
			if err := postJSON(client, url, body); err != nil {
				b.Error(err)
				return
			}
			lat.add(time.Since(t0))
		}
	})
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(float64(b.N)/elapsed, "req/s")
	b.ReportMetric(float64(b.N*100)/elapsed, "lookups/s")
	lat.report(b, "")
}

// BenchmarkSubscriptionFanOut: 10,000 websocket subscribers; each round
// commits one registration and waits until the last subscriber has it.
func BenchmarkSubscriptionFanOut(b *testing.B) {
	const subscribers = 10_000
	// Each subscriber is a client and a server socket in this process.
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err == nil && lim.Cur < 3*subscribers {
		lim.Cur, lim.Max = 3*subscribers, max(lim.Max, 3*subscribers)
		if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
			b.Skipf("need %d open files for %d subscribers: %v", 3*subscribers, subscribers, err)
		}
	}
	glim := graph.DefaultLimits()
	glim.RatePerSecond = 0
	glim.MaxConnectionsPerClient = 0
	e := newEnv(b, glim)
	blocks := bitcoinBlocks(1 + b.N)
	applyBlocksTB(b, e.writer, blocks[:1])

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	received := make(chan time.Time, subscribers)
	clients := make([]*benchSubscriber, subscribers)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dialSubscriber(e, received)
			if err != nil {
				b.Error(err)
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	if b.Failed() {
		return
	}
	deadline := time.Now().Add(2 * time.Minute)
	for graph.Subscribers(e.gateway) < subscribers {
		if time.Now().After(deadline) {
			b.Fatalf("only %d of %d subscribed", graph.Subscribers(e.gateway), subscribers)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)

	var lat latencies
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		blocks[i].Registrations = []store.Registration{registration(nftID(i), txid("fan", i), 1, store.StatusValid, 50000)}
		applyBlocksTB(b, e.writer, blocks[i:i+1])
		committed := time.Now()
		var last time.Time
		for range subscribers {
			select {
			case t := <-received:
				if t.After(last) {
					last = t
				}
			case <-time.After(time.Minute):
				b.Fatal("a subscriber got nothing within a minute")
			}
		}
		lat.add(last.Sub(committed))
	}
	b.StopTimer()
	lat.report(b, "last_subscriber_")
	b.ReportMetric(float64(after.HeapInuse-min(before.HeapInuse, after.HeapInuse))/subscribers/1024, "KiB/subscriber")
	for _, c := range clients {
		c.close()
	}
}

func applyBlocksTB(tb testing.TB, s *store.Store, blocks []store.Block) {
	tb.Helper()
	if err := s.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks, Head: blocks[len(blocks)-1].Height, KeepBlocks: 100}); err != nil {
		tb.Fatal(err)
	}
}

// benchSubscriber is one websocket with one registration subscription; it
// reports when each event arrives.
type benchSubscriber struct {
	conn   *websocket.Conn
	cancel context.CancelFunc
}

func dialSubscriber(e *env, received chan<- time.Time) (*benchSubscriber, error) {
	ctx, cancel := context.WithCancel(context.Background())
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		cancel()
		return nil, err
	}
	for _, m := range []wsMessage{
		{Type: "connection_init"},
		{ID: "1", Type: "subscribe", Payload: json.RawMessage(`{"query":"subscription { registrationEvents { eventId } }"}`)},
	} {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			cancel()
			return nil, err
		}
	}
	go func() {
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return
			}
			switch m.Type {
			case "next":
				received <- time.Now()
			case "ping":
				_ = wsjson.Write(ctx, conn, wsMessage{Type: "pong"})
			}
		}
	}()
	return &benchSubscriber{conn: conn, cancel: cancel}, nil
}

func (s *benchSubscriber) close() {
	s.cancel()
	_ = s.conn.Close(websocket.StatusNormalClosure, "")
}
