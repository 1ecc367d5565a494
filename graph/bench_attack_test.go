package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/transport"
	"github.com/herald-indexer/herald/store/storetest"
)

// BenchmarkUnderFragmentAttack: one client's ordinary query, timed alone
// and then while 4 anonymous clients send documents whose fragments fan out
// to 10⁶ expansions as fast as they are answered, under the default limits.
// The client has an API key (a marketplace would), the attackers share an
// address and its rate limit.
func BenchmarkUnderFragmentAttack(b *testing.B) {
	writer, url := storetest.NewWithURL(b)
	e := newEnvOn(b, writer, url, limits.Defaults(), withKeys("market"), func(o *graph.Options) {
		o.Access.APIKeys[0].RatePerSecond, o.Access.APIKeys[0].Burst = 1e6, 1e6 // the client's own rate is not the question
	})
	applyBlocksTB(b, e.writer, bitcoinBlocks(3))
	query, _ := json.Marshal(map[string]any{"query": `{ _meta { chains { chain indexedHeight lag } } registrations(first: 10) { nodes { txid } } }`})
	bomb, _ := json.Marshal(map[string]any{"query": fanOutDocument(6, 10)})
	victim := func() time.Duration {
		req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(query))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(transport.APIKeyHeader, testKey("market"))
		t0 := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			b.Fatalf("the client's query: %d", resp.StatusCode)
		}
		return time.Since(t0)
	}
	measure := func() *latencies {
		l := &latencies{}
		for range b.N {
			l.add(victim())
		}
		return l
	}
	victim() // warm
	b.ResetTimer()
	alone := measure()

	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var attacks, refused sync.Map
	for i := range 4 {
		wg.Go(func() {
			client := &http.Client{}
			n, limited := 0, 0
			for ctx.Err() == nil {
				resp, err := client.Post(e.srv.URL+"/graphql", "application/json", bytes.NewReader(bomb))
				if err != nil {
					continue
				}
				if resp.StatusCode == http.StatusTooManyRequests {
					limited++
				}
				resp.Body.Close()
				n++
			}
			attacks.Store(i, n)
			refused.Store(i, limited)
		})
	}
	time.Sleep(200 * time.Millisecond) // the attack under way
	attacked := measure()
	cancel()
	wg.Wait()
	b.StopTimer()

	sum := func(m *sync.Map) (n int) {
		m.Range(func(_, v any) bool { n += v.(int); return true })
		return n
	}
	alone.report(b, "alone_")
	attacked.report(b, "attacked_")
	p := func(l *latencies, q float64) float64 { return float64(l.d[min(int(q*float64(len(l.d))), len(l.d)-1)]) }
	b.ReportMetric(p(attacked, 0.5)/p(alone, 0.5), "p50_ratio")
	b.ReportMetric(p(attacked, 0.99)/p(alone, 0.99), "p99_ratio")
	b.ReportMetric(float64(sum(&attacks)), "attacks")
	b.ReportMetric(float64(sum(&refused))/float64(max(sum(&attacks), 1)), "attacks_rate_limited")
}
