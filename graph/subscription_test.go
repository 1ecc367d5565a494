package graph_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"go.uber.org/goleak"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
)

// wsClient speaks graphql-transport-ws, as a browser client would.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	ctx  context.Context
	// inbox holds messages read while waiting for another subscription's.
	inbox map[string][]wsMessage
}

type wsMessage struct {
	ID      string          `json:"id,omitempty"`
	Type    string          `json:"type"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

func dialWS(t *testing.T, e *env, initPayload map[string]any) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	c := &wsClient{t: t, conn: conn, ctx: ctx, inbox: map[string][]wsMessage{}}
	t.Cleanup(func() { c.close() })
	payload, _ := json.Marshal(initPayload)
	c.send(wsMessage{Type: "connection_init", Payload: payload})
	if m := c.read(); m.Type != "connection_ack" {
		t.Fatalf("init: got %s %s", m.Type, m.Payload)
	}
	return c
}

func (c *wsClient) send(m wsMessage) {
	c.t.Helper()
	if err := wsjson.Write(c.ctx, c.conn, m); err != nil {
		c.t.Fatal(err)
	}
}

// read returns the next message that is not a keep-alive.
func (c *wsClient) read() wsMessage {
	c.t.Helper()
	for {
		var m wsMessage
		if err := wsjson.Read(c.ctx, c.conn, &m); err != nil {
			c.t.Fatalf("read: %v", err)
		}
		switch m.Type {
		case "ping":
			c.send(wsMessage{Type: "pong"})
		case "pong", "ka":
		default:
			return m
		}
	}
}

func (c *wsClient) close() { _ = c.conn.Close(websocket.StatusNormalClosure, "") }

func (c *wsClient) subscribe(id, query string, vars map[string]any) {
	c.t.Helper()
	payload, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	c.send(wsMessage{ID: id, Type: "subscribe", Payload: payload})
}

type regEvent struct {
	EventID       string
	Kind          string
	Confirmations int
	Registration  struct {
		Txid          string
		InscriptionID string
	}
}

// nextFor returns the next message of subscription id.
func (c *wsClient) nextFor(id string) wsMessage {
	c.t.Helper()
	if q := c.inbox[id]; len(q) > 0 {
		c.inbox[id] = q[1:]
		return q[0]
	}
	for {
		m := c.read()
		if m.ID == id {
			return m
		}
		c.inbox[m.ID] = append(c.inbox[m.ID], m)
	}
}

// next reads the next registration event of subscription id.
func (c *wsClient) next(id string) regEvent {
	c.t.Helper()
	m := c.nextFor(id)
	if m.Type != "next" {
		c.t.Fatalf("want next for %s, got %s %s %s", id, m.Type, m.ID, m.Payload)
	}
	var p struct {
		Data struct {
			RegistrationEvents regEvent
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal(m.Payload, &p); err != nil || len(p.Errors) > 0 {
		c.t.Fatalf("event payload %s: %v", m.Payload, err)
	}
	return p.Data.RegistrationEvents
}

const regSubscription = `subscription($nft: InscriptionID, $min: Int, $after: ID) {
	registrationEvents(nft: $nft, minConfirmations: $min, afterEventId: $after) {
		eventId kind confirmations registration { txid inscriptionId } } }`

// caughtUp waits until the gateway's broker has handed out every event in
// the log, so that a new subscription starts after what was applied before,
// and the status cache has applied them (its tips move with the log).
func caughtUp(t testing.TB, e *env) {
	t.Helper()
	last, err := e.writer.LastEventID(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for graph.BrokerPosition(e.gateway) < last || graph.StatusCachePosition(e.gateway) < last {
		if time.Now().After(deadline) {
			t.Fatalf("broker at %d, status cache at %d after 30 s, log at %d",
				graph.BrokerPosition(e.gateway), graph.StatusCachePosition(e.gateway), last)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// waitSubscribed waits until the broker has n subscribers, so events
// applied afterwards are live for them.
func waitSubscribed(t *testing.T, e *env, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for graph.Subscribers(e.gateway) < n || !graph.BrokerLive(e.gateway) {
		if time.Now().After(deadline) {
			t.Fatalf("%d subscribers after 30 s, want %d", graph.Subscribers(e.gateway), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func applyBlocks(t *testing.T, s *store.Store, blocks []store.Block) {
	t.Helper()
	if err := s.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks, Head: blocks[len(blocks)-1].Height, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
}

func TestRegistrationSubscription(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(6)
	mine, other := nftID(5), nftID(6)
	applyBlocks(t, e.writer, blocks[:1])
	caughtUp(t, e)

	c := dialWS(t, e, nil)
	c.subscribe("mine", regSubscription, map[string]any{"nft": mine, "min": 3})
	c.subscribe("all", regSubscription, nil)
	waitSubscribed(t, e, 2)

	blocks[1].Registrations = []store.Registration{
		registration(other, txid("s-other"), 1, store.StatusValid, 50000),
		registration(mine, txid("s-mine"), 2, store.StatusValid, 50000),
	}
	applyBlocks(t, e.writer, blocks[1:2])
	// Messages of the two subscriptions interleave; sort them by id.
	got := map[string][]regEvent{}
	for len(got["mine"]) < 1 || len(got["all"]) < 2 {
		m := c.read()
		var p struct {
			Data struct{ RegistrationEvents regEvent }
		}
		_ = json.Unmarshal(m.Payload, &p)
		got[m.ID] = append(got[m.ID], p.Data.RegistrationEvents)
	}
	if ev := got["mine"][0]; ev.Kind != "ADDED" || ev.Registration.Txid != txid("s-mine") || ev.Confirmations != 1 {
		t.Fatalf("filtered subscription got %+v", got["mine"])
	}
	if got["all"][0].Registration.Txid != txid("s-other") || got["all"][1].Registration.Txid != txid("s-mine") {
		t.Fatalf("unfiltered subscription got %+v", got["all"])
	}

	// Two more blocks: the registration reaches 3 confirmations.
	applyBlocks(t, e.writer, blocks[2:3])
	applyBlocks(t, e.writer, blocks[3:4])
	if ev := c.next("mine"); ev.Kind != "CONFIRMED" || ev.Confirmations != 3 || ev.Registration.Txid != txid("s-mine") {
		t.Fatalf("want CONFIRMED at 3, got %+v", ev)
	}

	// A reorg back below the registration's block removes it.
	if err := e.writer.Rollback(context.Background(), btcChain, 1); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{txid("s-mine")} {
		if ev := c.next("mine"); ev.Kind != "REMOVED" || ev.Registration.Txid != want {
			t.Fatalf("want REMOVED %s, got %+v", want, ev)
		}
	}
}

func TestTwoGatewaysBothDeliver(t *testing.T) {
	e1 := newEnv(t, limits.Defaults())
	e2 := e1.secondGateway(t)
	blocks := bitcoinBlocks(2)
	applyBlocks(t, e1.writer, blocks[:1])
	caughtUp(t, e1)
	caughtUp(t, e2)
	c1, c2 := dialWS(t, e1, nil), dialWS(t, e2, nil)
	c1.subscribe("1", regSubscription, nil)
	c2.subscribe("2", regSubscription, nil)
	waitSubscribed(t, e1, 1)
	waitSubscribed(t, e2, 1)
	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("once"), 1, store.StatusValid, 50000)}
	applyBlocks(t, e1.writer, blocks[1:])
	for id, c := range map[string]*wsClient{"1": c1, "2": c2} {
		if ev := c.next(id); ev.Registration.Txid != txid("once") || ev.Kind != "ADDED" {
			t.Fatalf("gateway %s delivered %+v", id, ev)
		}
	}
}

func TestResumeAfterDisconnect(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(8)
	for i := range blocks {
		blocks[i].Registrations = []store.Registration{registration(nftID(i), txid("r", i), 1, store.StatusValid, 50000)}
	}
	applyBlocks(t, e.writer, blocks[:1])
	caughtUp(t, e)
	c := dialWS(t, e, nil)
	c.subscribe("s", regSubscription, nil)
	waitSubscribed(t, e, 1)
	applyBlocks(t, e.writer, blocks[1:3])
	first, second := c.next("s"), c.next("s")
	if second.Registration.Txid != txid("r", 2) {
		t.Fatalf("before the disconnect: %+v %+v", first, second)
	}
	c.close()
	waitSubscribed(t, e, 0)

	// Missed while away: blocks 3..5, in two batches.
	applyBlocks(t, e.writer, blocks[3:5])
	applyBlocks(t, e.writer, blocks[5:6])
	c = dialWS(t, e, nil)
	c.subscribe("s", regSubscription, map[string]any{"after": second.EventID})
	for i := 3; i <= 5; i++ {
		if ev := c.next("s"); ev.Registration.Txid != txid("r", i) || ev.Kind != "ADDED" {
			t.Fatalf("resumed event %d: %+v", i, ev)
		}
	}
	waitSubscribed(t, e, 1)
	applyBlocks(t, e.writer, blocks[6:])
	for i := 6; i <= 7; i++ {
		if ev := c.next("s"); ev.Registration.Txid != txid("r", i) {
			t.Fatalf("live event after resume %d: %+v", i, ev)
		}
	}
}

func TestSSEDeliversTheSameEvents(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(3)
	applyBlocks(t, e.writer, blocks[:1])
	caughtUp(t, e)
	ws := dialWS(t, e, nil)
	ws.subscribe("ws", regSubscription, nil)

	body, _ := json.Marshal(map[string]any{"query": regSubscription})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "text/event-stream")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	waitSubscribed(t, e, 2)
	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("sse1"), 1, store.StatusValid, 50000)}
	blocks[2].Registrations = []store.Registration{registration(nftID(2), txid("sse2"), 1, store.StatusUnderpaid, 5)}
	applyBlocks(t, e.writer, blocks[1:])

	var viaSSE []regEvent
	sc := bufio.NewScanner(resp.Body)
	for len(viaSSE) < 2 && sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "data:") {
			continue
		}
		var p struct {
			Data struct{ RegistrationEvents regEvent }
		}
		if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "data:")), &p); err != nil {
			t.Fatalf("SSE data %q: %v", line, err)
		}
		viaSSE = append(viaSSE, p.Data.RegistrationEvents)
	}
	viaWS := []regEvent{ws.next("ws"), ws.next("ws")}
	if fmt.Sprint(viaSSE) != fmt.Sprint(viaWS) {
		t.Fatalf("SSE delivered %+v\nwebsocket delivered %+v", viaSSE, viaWS)
	}
}

func TestSubscriptionGoroutinesEndWithTheConnection(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	applyBlocks(t, e.writer, bitcoinBlocks(1))
	// Warm up what lives as long as the gateway (pools, the broker).
	warm := dialWS(t, e, nil)
	warm.subscribe("w", regSubscription, nil)
	waitSubscribed(t, e, 1)
	warm.close()
	waitSubscribed(t, e, 0)
	for deadline := time.Now().Add(30 * time.Second); !graph.StatusCacheLive(e.gateway); { // its listener's too
		if time.Now().After(deadline) {
			t.Fatal("status cache not following the log after 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
	opts := []goleak.Option{goleak.IgnoreCurrent()}

	for range 5 {
		c := dialWS(t, e, nil)
		c.subscribe("a", regSubscription, nil)
		c.subscribe("b", `subscription { chainHeads { eventId height } }`, nil)
		waitSubscribed(t, e, 2)
		c.close()
	}
	waitSubscribed(t, e, 0)
	// A loaded machine may take a while to wind connections down.
	var err error
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); {
		if err = goleak.Find(opts...); err == nil {
			return
		}
	}
	t.Fatal(err)
}

func TestTooManySubscriptionsPerConnection(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxSubscriptionsPerConnection = 2
	e := newEnv(t, lim)
	c := dialWS(t, e, nil)
	for i := range 3 {
		c.subscribe(fmt.Sprint(i), `subscription { chainHeads { eventId } }`, nil)
	}
	// They start concurrently: whichever came third is refused.
	m := c.read()
	if !strings.Contains(string(m.Payload), apierr.TooManySubscriptions) {
		t.Fatalf("third subscription: %s %s %s", m.Type, m.ID, m.Payload)
	}
}

// secondGateway is another gateway process on the same database, with its
// own connections and broker.
func (e *env) secondGateway(t *testing.T) *env {
	t.Helper()
	e2 := newEnvOn(t, e.writer, e.url, limits.Defaults())
	return e2
}

func TestIdleSubscriptionOutlivesTheStatementTimeout(t *testing.T) {
	lim := limits.Defaults()
	lim.StatementTimeout = 100 * time.Millisecond
	e := newEnv(t, lim)
	blocks := bitcoinBlocks(2)
	applyBlocks(t, e.writer, blocks[:1])
	caughtUp(t, e)
	c := dialWS(t, e, nil)
	c.subscribe("s", regSubscription, nil)
	waitSubscribed(t, e, 1)
	// Quiet for many statement timeouts: a marketplace may wait minutes
	// for the next registration.
	time.Sleep(time.Second)
	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("late"), 1, store.StatusValid, 50000)}
	applyBlocks(t, e.writer, blocks[1:])
	if ev := c.next("s"); ev.Registration.Txid != txid("late") {
		t.Fatalf("after an idle second: %+v", ev)
	}
}

func TestIdenticalSubscriptionsShareOneExecution(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(3)
	applyBlocks(t, e.writer, blocks[:1])
	caughtUp(t, e)
	clients := []*wsClient{dialWS(t, e, nil), dialWS(t, e, nil), dialWS(t, e, nil)}
	for _, c := range clients {
		c.subscribe("s", regSubscription, map[string]any{"min": 1})
	}
	waitSubscribed(t, e, 3)
	if n := graph.Executions(e.gateway); n != 1 {
		t.Fatalf("3 identical subscriptions run %d executions, want 1", n)
	}
	// Different variables, or a resume, run on their own.
	other := dialWS(t, e, nil)
	other.subscribe("o", regSubscription, map[string]any{"min": 2})
	resumer := dialWS(t, e, nil)
	resumer.subscribe("r", regSubscription, map[string]any{"min": 1, "after": "0"})
	waitSubscribed(t, e, 5)
	if n := graph.Executions(e.gateway); n != 3 {
		t.Fatalf("executions: %d, want 3", n)
	}

	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("shared"), 1, store.StatusValid, 50000)}
	applyBlocks(t, e.writer, blocks[1:2])
	for i, c := range clients {
		for _, want := range []string{"ADDED", "CONFIRMED"} {
			if ev := c.next("s"); ev.Kind != want || ev.Registration.Txid != txid("shared") {
				t.Fatalf("client %d: want %s, got %+v", i, want, ev)
			}
		}
	}
	if ev := other.next("o"); ev.Kind != "ADDED" || ev.Registration.Txid != txid("shared") {
		t.Fatalf("other: %+v", ev)
	}

	// One client leaving does not end the others' subscription; the last
	// one out ends the execution.
	clients[0].close()
	blocks[2].Registrations = []store.Registration{registration(nftID(2), txid("after-leave"), 2, store.StatusValid, 50000)}
	applyBlocks(t, e.writer, blocks[2:3])
	for _, c := range clients[1:] {
		if ev := c.next("s"); ev.Kind != "ADDED" || ev.Registration.Txid != txid("after-leave") {
			t.Fatalf("after one left: %+v", ev)
		}
	}
	for _, c := range append(clients[1:], other, resumer) {
		c.close()
	}
	waitSubscribed(t, e, 0)
	deadline := time.Now().Add(30 * time.Second)
	for graph.Executions(e.gateway) != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("%d executions left after every client went", graph.Executions(e.gateway))
		}
		time.Sleep(5 * time.Millisecond)
	}
}
