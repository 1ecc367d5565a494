package graph_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store/storetest"
)

// BenchmarkReplicaDelivery: a gateway reading a streaming replica (pglaunch
// and pg_basebackup) and LISTENing on its primary, 100 websocket subscribers
// to chainHeads. Each round commits a block on the primary and waits for
// every subscriber to have it. It reports, from the commit: the replica's
// replay lag (a reader polling the replica every millisecond), and the
// delivery to subscribers, whose p99 should stay within 250 ms of that lag.
//
//	go test ./graph -run '^$' -bench ReplicaDelivery -benchtime 200x
func BenchmarkReplicaDelivery(b *testing.B) {
	const subscribers = 100
	r := storetest.NewReplicated(b)
	glim := limits.Defaults()
	glim.RatePerSecond = 0
	glim.MaxConnectionsPerClient = 0
	e := newEnvOn(b, r.Primary, r.ReplicaURL, glim, func(o *graph.Options) {
		o.Listen = r.Primary
		o.SafetyInterval = time.Hour // only notifications deliver
	})
	blocks := bitcoinBlocks(1 + b.N)
	applyBlocksTB(b, r.Primary, blocks[:1])

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type arrival struct {
		height int64
		at     time.Time
	}
	arrivals := make(chan arrival, subscribers*(b.N+1))
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	var wg sync.WaitGroup
	for range subscribers {
		conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
		if err != nil {
			b.Fatal(err)
		}
		defer conn.CloseNow()
		if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"}); err != nil {
			b.Fatal(err)
		}
		var ack map[string]any
		if err := wsjson.Read(ctx, conn, &ack); err != nil {
			b.Fatal(err)
		}
		if err := wsjson.Write(ctx, conn, map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{
			"query": "subscription { chainHeads { height } }"}}); err != nil {
			b.Fatal(err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				var m struct {
					Type    string
					Payload struct {
						Data struct{ ChainHeads struct{ Height int64 } }
					}
				}
				if err := wsjson.Read(ctx, conn, &m); err != nil {
					return
				}
				if m.Type == "next" {
					arrivals <- arrival{m.Payload.Data.ChainHeads.Height, time.Now()}
				}
			}
		}()
	}
	// Subscriptions start once the broker has them all.
	for deadline := time.Now().Add(time.Minute); graph.Subscribers(e.gateway) < subscribers; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("%d of %d subscribers after a minute", graph.Subscribers(e.gateway), subscribers)
		}
	}

	var replay, delivery, last []time.Duration
	b.ResetTimer()
	for i := 1; i <= b.N; i++ {
		applyBlocksTB(b, r.Primary, blocks[i:i+1])
		committed := time.Now()
		id, err := r.Primary.LastEventID(ctx)
		if err != nil {
			b.Fatal(err)
		}
		for {
			got, err := r.Replica.LastEventID(ctx)
			if err != nil {
				b.Fatal(err)
			}
			if got >= id {
				break
			}
			time.Sleep(time.Millisecond)
		}
		replay = append(replay, time.Since(committed))
		var latest time.Duration
		for n := 0; n < subscribers; {
			select {
			case a := <-arrivals:
				if a.height != blocks[i].Height {
					continue // the first block, delivered late to a subscriber
				}
				d := a.at.Sub(committed)
				delivery = append(delivery, d)
				latest = max(latest, d)
				n++
			case <-time.After(time.Minute):
				b.Fatalf("round %d: %d of %d subscribers had the block after a minute", i, n, subscribers)
			}
		}
		last = append(last, latest)
	}
	b.StopTimer()
	cancel()
	wg.Wait()
	q := func(ds []time.Duration, p float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))]) / float64(time.Millisecond)
	}
	b.ReportMetric(q(replay, 0.5), "replay_p50_ms")
	b.ReportMetric(q(replay, 0.99), "replay_p99_ms")
	b.ReportMetric(q(delivery, 0.5), "delivery_p50_ms")
	b.ReportMetric(q(delivery, 0.99), "delivery_p99_ms")
	b.ReportMetric(q(last, 0.99), "last_subscriber_p99_ms")
}
