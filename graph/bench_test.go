package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/transport"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
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

// machineCPU returns the CPU time every process on the machine has used
// (/proc/stat; false where there is none). Per request it is steadier than
// throughput on a shared host: the clients, the gateway and PostgreSQL all
// count, stalls do not.
func machineCPU() (time.Duration, bool) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, false
	}
	line, _, _ := bytes.Cut(b, []byte("\n"))
	f := strings.Fields(string(line)) // cpu user nice system idle iowait irq softirq ...
	if len(f) < 8 || f[0] != "cpu" {
		return 0, false
	}
	var ticks int64
	for _, i := range []int{1, 2, 3, 6, 7} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, false
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / 100, true // USER_HZ
}

// cpuPerOp reports the machine's CPU time per operation since start.
func cpuPerOp(b *testing.B, start time.Duration, startOK bool) {
	if end, ok := machineCPU(); ok && startOK {
		b.ReportMetric(float64((end-start).Microseconds())/float64(b.N), "cpu_us/op")
	}
}

func benchEnv(b *testing.B, configure ...func(*graph.Options)) *env {
	lim := limits.Defaults()
	lim.RatePerSecond = 0 // the benchmark is the only client
	writer, url := storetest.NewWithURL(b)
	return newEnvOn(b, writer, url, lim, configure...)
}

// responseBuffers keeps the clients' response buffers across requests: the
// clients share the cores with the gateway they measure.
var responseBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

func postJSON(client *http.Client, url string, body []byte) error {
	resp, err := client.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	buf := responseBuffers.Get().(*bytes.Buffer)
	defer responseBuffers.Put(buf)
	buf.Reset()
	if _, err := buf.ReadFrom(resp.Body); err != nil {
		return err
	}
	out := buf.Bytes()
	if resp.StatusCode != http.StatusOK || bytes.Contains(out, []byte(`"errors"`)) {
		return fmt.Errorf("status %d: %.300s", resp.StatusCode, out)
	}
	return nil
}

// BenchmarkNFTStatus: 50 concurrent clients asking for one NFT with 200
// registrations, with the first page of them.
func BenchmarkNFTStatus(b *testing.B) { benchNFTStatus(b) }

// BenchmarkNFTStatusWithAccessLog: the same, every operation logged as
// JSON lines to a file.
func BenchmarkNFTStatusWithAccessLog(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "access.log"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	benchNFTStatus(b, func(o *graph.Options) {
		o.Logger = slog.New(slog.NewJSONHandler(f, nil))
		o.AccessLog = &transport.AccessLog{Sample: 1}
	})
}

func benchNFTStatus(b *testing.B, configure ...func(*graph.Options)) {
	e := benchEnv(b, configure...)
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
	cpu0, cpuOK := machineCPU()
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
	cpuPerOp(b, cpu0, cpuOK)
	lat.report(b, "")
}

// BenchmarkNullifierLookups: 100 hashes per request over 1,000,000 stored
// nullifiers, 50 concurrent clients.
func BenchmarkNullifierLookups(b *testing.B) { benchNullifiers(b, 100) }

// BenchmarkNullifierLookup: one hash per request, 50 concurrent clients:
// the verifier checking proofs one at a time.
func BenchmarkNullifierLookup(b *testing.B) { benchNullifiers(b, 1) }

func benchNullifiers(b *testing.B, perRequest int) {
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
	if _, err := e.writer.DB().ExecContext(ctx, "VACUUM ANALYZE nullifiers"); err != nil {
		b.Fatal(err)
	}
	hash := func(i int) string { return fmt.Sprintf("0x%064x", i) }
	bodies := make([][]byte, 64)
	for r := range bodies {
		hashes := make([]string, perRequest)
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
	cpu0, cpuOK := machineCPU()
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
	b.ReportMetric(float64(b.N*perRequest)/elapsed, "lookups/s")
	cpuPerOp(b, cpu0, cpuOK)
	lat.report(b, "")
}

func applyBlocksTB(tb testing.TB, s *store.Store, blocks []store.Block) {
	tb.Helper()
	if err := s.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks, Head: blocks[len(blocks)-1].Height, KeepBlocks: 100}); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkRegistrationPages: 50 concurrent clients reading the newest 50
// registrations of a collection, then the next 50.
func BenchmarkRegistrationPages(b *testing.B) {
	e := benchEnv(b)
	blocks := bitcoinBlocks(400)
	for i := range blocks {
		for j := range 50 {
			blocks[i].Registrations = append(blocks[i].Registrations, registration(nftID(i*50+j), txid("page", i, j), int32(j), store.StatusValid, 50000))
		}
	}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks, Head: 400, KeepBlocks: 500}); err != nil {
		b.Fatal(err)
	}
	if _, err := e.writer.DB().ExecContext(context.Background(), "ANALYZE registrations"); err != nil {
		b.Fatal(err)
	}
	query := `query($after: String) { registrations(where: {collection: "demo"}, orderBy: BLOCK_DESC, first: 50, after: $after) {
		nodes { txid inscriptionId status paidSats block { height } } pageInfo { endCursor hasNextPage } } }`
	first, _ := json.Marshal(map[string]any{"query": query})
	var page struct {
		Data struct {
			Registrations struct{ PageInfo struct{ EndCursor string } }
		}
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 100}}
	url := e.srv.URL + "/graphql"
	resp, err := client.Post(url, "application/json", bytes.NewReader(first))
	if err != nil {
		b.Fatal(err)
	}
	if err := json.NewDecoder(resp.Body).Decode(&page); err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	next, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"after": page.Data.Registrations.PageInfo.EndCursor}})
	var lat latencies
	var n sync.Mutex
	k := 0
	b.SetParallelism(max(50/runtime.GOMAXPROCS(0), 1))
	b.ResetTimer()
	cpu0, cpuOK := machineCPU()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			n.Lock()
			body := [][]byte{first, next}[k%2]
			k++
			n.Unlock()
			t0 := time.Now()
			if err := postJSON(client, url, body); err != nil {
				b.Error(err)
				return
			}
			lat.add(time.Since(t0))
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "pages/s")
	cpuPerOp(b, cpu0, cpuOK)
	lat.report(b, "")
}
