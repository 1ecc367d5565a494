package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/herald-indexer/herald/indexer/bitcoin"
	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// wsEvents subscribes over graphql-transport-ws and hands each
// subscription's payloads to its own channel.
type wsEvents struct {
	conn *websocket.Conn
	subs map[string]chan json.RawMessage
	errs chan error
}

func subscribeWS(t *testing.T, ctx context.Context, url string, queries map[string]string) *wsEvents {
	t.Helper()
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	t.Cleanup(func() { conn.CloseNow() })
	w := &wsEvents{conn: conn, subs: map[string]chan json.RawMessage{}, errs: make(chan error, 1)}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "connection_init"}); err != nil {
		t.Fatal(err)
	}
	var ack map[string]any
	if err := wsjson.Read(ctx, conn, &ack); err != nil || ack["type"] != "connection_ack" {
		t.Fatalf("connection_init: %v %v", ack, err)
	}
	for id, q := range queries {
		w.subs[id] = make(chan json.RawMessage, 10000)
		if err := wsjson.Write(ctx, conn, map[string]any{"id": id, "type": "subscribe", "payload": map[string]any{"query": q}}); err != nil {
			t.Fatal(err)
		}
	}
	go func() {
		for {
			var m struct {
				ID      string
				Type    string
				Payload json.RawMessage
			}
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				w.errs <- err
				return
			}
			switch m.Type {
			case "ping":
				_ = wsjson.Write(ctx, conn, map[string]any{"type": "pong"})
			case "next":
				w.subs[m.ID] <- m.Payload
			case "error", "complete":
				w.errs <- fmt.Errorf("subscription %s: %s %s", m.ID, m.Type, m.Payload)
				return
			}
		}
	}()
	return w
}

// next decodes the next payload of subscription id into out.
func (w *wsEvents) next(t *testing.T, id string, out any) {
	t.Helper()
	select {
	case p := <-w.subs[id]:
		var r struct {
			Data   json.RawMessage
			Errors []any
		}
		if err := json.Unmarshal(p, &r); err != nil || len(r.Errors) > 0 {
			t.Fatalf("%s: %s", id, p)
		}
		if err := json.Unmarshal(r.Data, out); err != nil {
			t.Fatal(err)
		}
	case err := <-w.errs:
		t.Fatalf("websocket: %v", err)
	case <-time.After(time.Minute):
		t.Fatalf("no event on %s in a minute", id)
	}
}

type headEvent struct {
	ChainHeads struct {
		EventID string
		Kind    string
		Height  int64
	}
}

type regEvent struct {
	RegistrationEvents struct {
		EventID      string
		Kind         string
		Registration struct {
			Txid          string
			InscriptionID string
			Block         struct{ Height int64 }
		}
	}
}

type replicaMeta struct {
	LagSeconds       float64
	Behind           bool
	ReplayPaused     bool
	AnnouncedEventID string
	EventID          string
}

// The topology of docs/operations.md: `herald index` on a primary,
// `herald serve` on a streaming replica of it (pglaunch and pg_basebackup),
// LISTENing on the primary through listen_database_url. With the safety
// read an hour away, only that path delivers. Subscribers get exactly the
// primary's events, in order, across a replica that falls behind and
// catches up again; queries read the replica; the NFT status cache answers
// every registration once its event is delivered; and the replica falling
// behind shows in _meta and /readyz.
func TestServeOnAStreamingReplica(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	r := storetest.NewReplicated(t)
	btc, err := devnet.StartBitcoin(ctx, devnet.BitcoinOptions{Dir: t.TempDir(), BlockInterval: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_ = btc.Stop(sctx)
	})
	go func() {
		if err := btc.Run(ctx); err != nil {
			t.Errorf("bitcoin devnet: %v", err)
		}
	}()
	const chain = "bitcoin-devnet"

	index := defaultConfig()
	index.DatabaseURL = r.PrimaryURL
	index.Index.Listen = freeAddr(t)
	index.Bitcoin = []bitcoin.Config{btc.Config(chain)}
	index.Bitcoin[0].BatchSize = 10
	runHerald(t, index, roles{index: true}, index.Index.Listen)

	serve := defaultConfig()
	serve.DatabaseURL, serve.ListenDatabaseURL = r.ReplicaURL, r.PrimaryURL
	serve.HTTP.Listen = freeAddr(t)
	serve.HTTP.MaxReplicaLag = time.Second
	serve.safetyInterval = time.Hour
	runHerald(t, serve, roles{serve: true}, serve.HTTP.Listen)
	base := "http://" + serve.HTTP.Listen

	ws := subscribeWS(t, ctx, "ws://"+serve.HTTP.Listen+"/graphql", map[string]string{
		"heads": `subscription { chainHeads { eventId kind height } }`,
		"regs":  `subscription { registrationEvents { eventId kind registration { txid inscriptionId block { height } } } }`,
	})
	var heads []int64
	// heads reads n block events; every registration event delivered
	// meanwhile is answered, at once, by nft through the status cache.
	readHeads := func(n int) {
		t.Helper()
		for range n {
			var h headEvent
			ws.next(t, "heads", &h)
			id, err := strconv.ParseInt(h.ChainHeads.EventID, 10, 64)
			if err != nil || h.ChainHeads.Kind != "ADDED" {
				t.Fatalf("chain head event %+v", h)
			}
			heads = append(heads, id)
			for len(ws.subs["regs"]) > 0 {
				var e regEvent
				ws.next(t, "regs", &e)
				checkNFT(t, base, e)
			}
		}
	}
	readHeads(5)

	// The replica stops replaying: the gateway says so, and reads what the
	// replica has, not what the primary has since indexed.
	r.PauseReplay(t)
	waitFor(t, "the replica reported behind", func() bool {
		var m struct {
			Meta struct{ Replica *replicaMeta } `json:"_meta"`
		}
		graphQL(t, base, `{ _meta { replica { lagSeconds behind replayPaused announcedEventId eventId } } }`, &m)
		rm := m.Meta.Replica
		if rm == nil {
			t.Fatal("no _meta.replica on a gateway reading a replica")
		}
		announced, _ := strconv.ParseInt(rm.AnnouncedEventID, 10, 64)
		read, _ := strconv.ParseInt(rm.EventID, 10, 64)
		return rm.Behind && rm.ReplayPaused && rm.LagSeconds > 1 && announced > read
	})
	if code, body := get(t, base+"/readyz"); code != http.StatusServiceUnavailable || !strings.Contains(body, "replica is") {
		t.Fatalf("/readyz with replay paused: %d %s", code, body)
	}
	primaryTip := cursorHeight(t, r.Primary, chain)
	replicaTip := cursorHeight(t, r.Replica, chain)
	if primaryTip <= replicaTip {
		t.Fatalf("the primary's tip %d is not ahead of the paused replica's %d", primaryTip, replicaTip)
	}
	if got := metaChains(t, base)[chain]; got.IndexedHeight == nil || int64(*got.IndexedHeight) != replicaTip {
		t.Fatalf("_meta reads indexed height %v, want the replica's %d (the primary has %d)", got.IndexedHeight, replicaTip, primaryTip)
	}
	for len(ws.subs["heads"]) > 0 {
		readHeads(1)
	}
	if last := heads[len(heads)-1]; last > lastEventOf(t, r.Replica) {
		t.Fatalf("event %d delivered from a replica whose log ends at %d", last, lastEventOf(t, r.Replica))
	}

	r.ResumeReplay(t)
	waitFor(t, "the gateway ready again", func() bool { code, _ := get(t, base+"/readyz"); return code == http.StatusOK })
	readHeads(5)

	// Exactly the primary's block events between the first and the last
	// delivered: none missing, none twice.
	var want []int64
	if err := r.Primary.DB().NewSelect().Model((*store.Event)(nil)).Column("id").
		Where("entity = ? AND id >= ? AND id <= ?", store.EntityBlock, heads[0], heads[len(heads)-1]).
		Order("id").Scan(ctx, &want); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(heads, want) {
		t.Fatalf("delivered block events %v, the primary logged %v", heads, want)
	}
	if ratio := metric(t, base, "herald_status_cache_hit_ratio"); ratio <= 0 {
		t.Fatalf("status cache hit ratio %v: the cache was never used", ratio)
	}
}

// checkNFT asks twice for the NFT a registration event names — the second
// time from the status cache — and expects the registration in both.
func checkNFT(t *testing.T, base string, e regEvent) {
	t.Helper()
	reg := e.RegistrationEvents.Registration
	if e.RegistrationEvents.Kind != "ADDED" {
		return
	}
	for range 2 {
		var n struct {
			NFT struct {
				Registrations struct{ Nodes []struct{ Txid string } }
				LastUpdated   struct{ Height int64 }
			} `json:"nft"`
		}
		graphQL(t, base, fmt.Sprintf(`{ nft(id: %q) { registrations(first: 1000) { nodes { txid } } lastUpdated { height } } }`, reg.InscriptionID), &n)
		found := slices.ContainsFunc(n.NFT.Registrations.Nodes, func(x struct{ Txid string }) bool { return x.Txid == reg.Txid })
		if !found || n.NFT.LastUpdated.Height < reg.Block.Height {
			t.Fatalf("nft %s after event %s: registrations %v as of %d, want %s of block %d",
				reg.InscriptionID, e.RegistrationEvents.EventID, n.NFT.Registrations.Nodes, n.NFT.LastUpdated.Height, reg.Txid, reg.Block.Height)
		}
	}
}

func cursorHeight(t *testing.T, st *store.Store, chain string) int64 {
	t.Helper()
	c, ok, err := st.Cursor(context.Background(), chain)
	if err != nil || !ok {
		t.Fatalf("cursor of %s: %v (found %v)", chain, err, ok)
	}
	return c.Height
}

func lastEventOf(t *testing.T, st *store.Store) int64 {
	t.Helper()
	id, err := st.LastEventID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return id
}
