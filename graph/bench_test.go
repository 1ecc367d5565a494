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
	"testing"
	"time"

	"bufio"
	"os"
	"os/exec"
	"strconv"

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

// BenchmarkSubscriptionFanOut: 10,000 websocket subscribers (or
// HERALD_FANOUT_SUBSCRIBERS); each round
// commits one registration and waits until the last subscriber has it. The
// subscribers live in a child process (this test binary again, see
// TestFanOutClients): a process may hold 20,000 open files here, and 10,000
// connections need that many on each side.
func BenchmarkSubscriptionFanOut(b *testing.B) {
	subscribers := 10_000
	if n, err := strconv.Atoi(os.Getenv("HERALD_FANOUT_SUBSCRIBERS")); err == nil {
		subscribers = n
	}
	glim := graph.DefaultLimits()
	glim.RatePerSecond = 0
	glim.MaxConnectionsPerClient = 0
	e := newEnv(b, glim)
	blocks := bitcoinBlocks(1 + b.N)
	applyBlocksTB(b, e.writer, blocks[:1])
	caughtUp(b, e)

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	child := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestFanOutClients$", "-test.v")
	child.Env = append(os.Environ(), "HERALD_FANOUT_URL="+e.srv.URL, fmt.Sprintf("HERALD_FANOUT_N=%d", subscribers))
	child.Stderr = os.Stderr
	out, err := child.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	if err := child.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { cancel(); _ = child.Wait() }()
	ready := make(chan struct{})
	lastArrival := make(chan int64, 16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "fanout ready":
				close(ready)
			case strings.HasPrefix(line, "fanout last "):
				n, _ := strconv.ParseInt(strings.TrimPrefix(line, "fanout last "), 10, 64)
				lastArrival <- n
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(5 * time.Minute):
		b.Fatal("subscribers not ready after 5 minutes")
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
		committed := time.Now().UnixNano()
		select {
		case last := <-lastArrival:
			lat.add(time.Duration(last - committed))
		case <-time.After(time.Minute):
			b.Fatal("not every subscriber had the event within a minute")
		}
	}
	b.StopTimer()
	lat.report(b, "last_subscriber_")
	b.ReportMetric(float64(after.HeapInuse-min(before.HeapInuse, after.HeapInuse))/float64(subscribers)/1024, "server_KiB/subscriber")
}

// TestFanOutClients is BenchmarkSubscriptionFanOut's child process: it opens
// HERALD_FANOUT_N subscriptions to HERALD_FANOUT_URL and reports each event's
// arrival on stdout. It does nothing in a normal test run.
func TestFanOutClients(t *testing.T) {
	url := os.Getenv("HERALD_FANOUT_URL")
	if url == "" {
		t.Skip("the child process of BenchmarkSubscriptionFanOut")
	}
	n, err := strconv.Atoi(os.Getenv("HERALD_FANOUT_N"))
	if err != nil {
		t.Fatal(err)
	}
	// One line per event, when the last subscriber has it: the time it
	// arrived there.
	var mu sync.Mutex
	type arrival struct {
		count int
		last  int64
	}
	arrivals := map[string]*arrival{}
	report := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		fmt.Println(line)
	}
	arrived := func(eventID string, at time.Time) {
		mu.Lock()
		a := arrivals[eventID]
		if a == nil {
			a = &arrival{}
			arrivals[eventID] = a
		}
		a.count++
		a.last = max(a.last, at.UnixNano())
		done := a.count == n
		mu.Unlock()
		if done {
			report(fmt.Sprintf("fanout last %d", a.last))
		}
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	clients := make([]*benchSubscriber, n)
	for i := range clients {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			c, err := dialSubscriber(url, arrived)
			if err != nil {
				t.Error(err)
				return
			}
			clients[i] = c
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	report("fanout ready")
	// The parent ends this process when it is done. Until then, say how
	// far each event got, for a run that stalls.
	for range time.Tick(10 * time.Second) {
		mu.Lock()
		for id, a := range arrivals {
			if a.count < n {
				fmt.Fprintf(os.Stderr, "fanout: event %s reached %d of %d subscribers\n", id, a.count, n)
			}
		}
		mu.Unlock()
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

func dialSubscriber(base string, received func(eventID string, at time.Time)) (*benchSubscriber, error) {
	ctx, cancel := context.WithCancel(context.Background())
	url := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		cancel()
		return nil, err
	}
	if err := wsjson.Write(ctx, conn, wsMessage{Type: "connection_init"}); err != nil {
		cancel()
		return nil, err
	}
	var ack wsMessage
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack.Type != "connection_ack" {
		cancel()
		return nil, fmt.Errorf("connection_init: %v %s %s", err, ack.Type, ack.Payload)
	}
	sub := wsMessage{ID: "1", Type: "subscribe", Payload: json.RawMessage(`{"query":"subscription { registrationEvents { eventId } }"}`)}
	if err := wsjson.Write(ctx, conn, sub); err != nil {
		cancel()
		return nil, err
	}
	go func() {
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return
			}
			switch m.Type {
			case "next":
				if bytes.Contains(m.Payload, []byte(`"errors"`)) {
					fmt.Fprintf(os.Stderr, "subscriber: %s\n", m.Payload)
					continue
				}
				at := time.Now()
				var p struct {
					Data struct {
						RegistrationEvents struct{ EventID string }
					}
				}
				_ = json.Unmarshal(m.Payload, &p)
				received(p.Data.RegistrationEvents.EventID, at)
			case "error", "complete":
				fmt.Fprintf(os.Stderr, "subscriber: %s %s\n", m.Type, m.Payload)
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
