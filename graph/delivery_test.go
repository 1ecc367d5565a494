package graph_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// The realtime contract (docs/api.md): every delivered event has its own
// position, strictly increasing in delivery order, and a subscription
// started after any position delivers exactly the events after it.

// Three registrations of one block confirm at the same block event. A
// client that processed the first CONFIRMED and resumes after it gets the
// other two, not nothing.
func TestResumeInsideAConfirmedGroup(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(3)
	blocks[1].Registrations = []store.Registration{
		registration(nftID(1), txid("g1"), 1, store.StatusValid, 50000),
		registration(nftID(2), txid("g2"), 2, store.StatusValid, 50000),
		registration(nftID(3), txid("g3"), 3, store.StatusValid, 50000),
	}
	applyBlocks(t, e.writer, blocks[:2])
	applyBlocks(t, e.writer, blocks[2:3]) // the three reach 2 confirmations together

	c := dialWS(t, e, nil)
	c.subscribe("s", regSubscription, map[string]any{"min": 2, "after": "0"})
	var confirmed []regEvent
	for len(confirmed) < 3 {
		if ev := c.next("s"); ev.Kind == "CONFIRMED" {
			confirmed = append(confirmed, ev)
		}
	}
	ids := map[string]bool{}
	for _, ev := range confirmed {
		ids[ev.EventID] = true
	}
	if len(ids) != 3 {
		t.Fatalf("CONFIRMED events share positions: %+v", confirmed)
	}
	c.close()

	c = dialWS(t, e, nil)
	c.subscribe("s", regSubscription, map[string]any{"min": 2, "after": confirmed[0].EventID})
	for i, want := range confirmed[1:] {
		if ev := c.next("s"); ev.Kind != "CONFIRMED" || ev.EventID != want.EventID || ev.Registration.Txid != want.Registration.Txid {
			t.Fatalf("resumed after %s, event %d: %+v, want %+v", confirmed[0].EventID, i, ev, want)
		}
	}
}

// A subscription opened while the gateway starts, before its follower has
// read the log, still starts where it asked: afterEventId "0" delivers what
// the indexer committed meanwhile, whatever the order of the three.
func TestSubscriptionOpenedBeforeTheFollowerStarts(t *testing.T) {
	writer, url := storetest.NewWithURL(t)
	release := make(chan struct{})
	e := newEnvOn(t, writer, url, limits.Defaults(), graph.HoldFollower(release))
	c := dialWS(t, e, nil)
	c.subscribe("s", regSubscription, map[string]any{"after": "0"})

	blocks := bitcoinBlocks(3)
	for i := range blocks {
		blocks[i].Registrations = []store.Registration{registration(nftID(i), txid("early", i), 1, store.StatusValid, 50000)}
	}
	applyBlocks(t, e.writer, blocks[:2]) // committed while the follower is held
	close(release)
	applyBlocks(t, e.writer, blocks[2:])
	for i := range blocks {
		if ev := c.next("s"); ev.Kind != "ADDED" || ev.Registration.Txid != txid("early", i) {
			t.Fatalf("event %d: %+v, want the ADDED of %s", i, ev, txid("early", i))
		}
	}
}

// A subscription's payload that reads NFT status is rendered after the
// status cache has applied the event: the count includes the registration
// the event announces.
func TestSubscriptionReadsNFTStatusAsOfItsEvent(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	nft := nftID(9)
	blocks := bitcoinBlocks(4)
	blocks[0].Registrations = []store.Registration{registration(nft, txid("n", 0), 1, store.StatusValid, 50000)}
	applyBitcoin(t, e, blocks[:1])
	const q = `subscription($nft: InscriptionID) { registrationEvents(nft: $nft) {
		eventId registration { txid nft { registrationCount } } } }`
	c := dialWS(t, e, nil)
	c.subscribe("s", q, map[string]any{"nft": nft})
	waitSubscribed(t, e, 1)
	for i := 1; i < len(blocks); i++ {
		// The status cache holds the NFT's count before each event.
		var status struct {
			Nft struct{ RegistrationCount int }
		}
		e.query(`query($id: InscriptionID!) { nft(id: $id) { registrationCount } }`, map[string]any{"id": nft}, &status)
		if status.Nft.RegistrationCount != i {
			t.Fatalf("before event %d: count %d", i, status.Nft.RegistrationCount)
		}
		blocks[i].Registrations = []store.Registration{registration(nft, txid("n", i), 1, store.StatusValid, 50000)}
		applyBlocks(t, e.writer, blocks[i:i+1])
		m := c.nextFor("s")
		var p struct {
			Data struct {
				RegistrationEvents struct {
					Registration struct {
						Txid string
						Nft  struct{ RegistrationCount int }
					}
				}
			}
		}
		if err := json.Unmarshal(m.Payload, &p); err != nil {
			t.Fatal(err)
		}
		if got := p.Data.RegistrationEvents.Registration; got.Txid != txid("n", i) || got.Nft.RegistrationCount != i+1 {
			t.Fatalf("event %d rendered %+v, want %s with count %d", i, got, txid("n", i), i+1)
		}
	}
}

// TestDeliveryIsExact is the contract as a property: random blocks, reorgs
// to longer, equal and shorter branches, lost LISTEN connections, and
// subscribers that disconnect and resume (on another gateway, too). Every
// subscriber receives exactly the sequence an independent reading of the
// event log derives for its filter — no gap, no duplicate, in order — and
// it nets to the final state.
func TestDeliveryIsExact(t *testing.T) {
	seed := uint64(time.Now().UnixNano())
	if s, err := strconv.ParseUint(os.Getenv("HERALD_DELIVERY_SEED"), 10, 64); err == nil {
		seed = s // to replay a failure
	}
	t.Logf("seed %d (HERALD_DELIVERY_SEED replays it)", seed)
	rng := rand.New(rand.NewPCG(seed, 0))
	e1 := newEnv(t, limits.Defaults())
	e2 := e1.secondGateway(t)
	gateways := []*env{e1, e2}

	filters := []subFilter{{}, {min: 1}, {min: 3}, {nft: nftID(1), min: 2}, {nft: nftID(2)}}
	subs := make([]*resumer, len(filters))
	for i, f := range filters {
		subs[i] = newResumer(t, gateways[i%2], f)
	}

	if err := e1.writer.SyncCollections(context.Background(), btcChain, []store.Collection{
		{Name: "demo", Creator: "bcrt1qcreator", MinFeeSats: 50000, MinConfirmations: 2},
	}); err != nil {
		t.Fatal(err)
	}
	chain := &testChain{t: t, st: e1.writer, rng: rng, window: 6}
	chain.extend(3)
	for step := range 40 {
		switch r := rng.IntN(10); {
		case r < 5:
			chain.extend(1 + rng.IntN(3))
		case r < 8:
			d := 1 + rng.IntN(4)
			chain.reorg(d, d-1+rng.IntN(3)) // shorter, equal or longer
		default:
			dropListeners(t, e1)
		}
		if s := subs[rng.IntN(len(subs))]; rng.IntN(3) == 0 {
			s.reconnect(gateways[rng.IntN(2)]) // resumes after the last event it processed
		}
		_ = step
	}
	chain.extend(1)

	rows, err := e1.writer.EventsAfter(context.Background(), 0, 1_000_000)
	if err != nil {
		t.Fatal(err)
	}
	final := chain.registrations()
	for i, s := range subs {
		want := derive(t, rows, s.filter)
		got := s.waitFor(len(want))
		if !slices.Equal(got, want) {
			t.Fatalf("subscriber %d %+v (%d reconnects, resumed after %v): %s", i, s.filter, s.reconnects, s.resumedAfter, firstDifference(got, want))
		}
		if net := netState(got); !maps2Equal(net, s.filter.select_(final)) {
			t.Fatalf("subscriber %d %+v nets to %v, want %v", i, s.filter, net, s.filter.select_(final))
		}
	}
}

// subFilter is a registrationEvents subscription's arguments.
type subFilter struct {
	nft string
	min int
}

func (f subFilter) matches(r *store.Registration) bool {
	return f.nft == "" || r.InscriptionID == f.nft
}

// select_ is the part of the final registrations the subscriber follows.
func (f subFilter) select_(regs map[string]int64) map[string]bool {
	out := map[string]bool{}
	for key, nft := range regs {
		if f.nft == "" || nftID(int(nft)) == f.nft {
			out[key] = true
		}
	}
	return out
}

// delivered is one event as a subscriber saw it.
type delivered struct {
	Position string
	Kind     string
	Key      string // txid:collection
}

func (d delivered) String() string { return d.Position + " " + d.Kind + " " + d.Key[:8] }

// derive reads the event log the way the realtime contract says a
// subscription from the start delivers it, written here independently of
// the gateway: ADDED and REMOVED as logged; CONFIRMED once a registration's
// block is min deep (its own block counting, and never less than its own
// block), derived after the row or the block event that makes it so,
// numbered after that row's id, in the order the registrations were added.
func derive(t *testing.T, rows []store.Event, f subFilter) []delivered {
	t.Helper()
	var out []delivered
	tips := map[string]int64{}
	type waiting struct {
		added  int64
		key    string
		height int64
	}
	pending := map[string]waiting{}
	for _, row := range rows {
		switch row.Entity {
		case store.EntityBlock:
			var ref store.BlockRef
			if err := json.Unmarshal(row.Data, &ref); err != nil {
				t.Fatal(err)
			}
			if row.Kind == store.KindRemoved {
				tips[row.Chain] = ref.Height - 1
				continue
			}
			tips[row.Chain] = ref.Height
			var due []waiting
			for key, w := range pending {
				if ref.Height-w.height+1 >= int64(f.min) {
					due = append(due, w)
					delete(pending, key)
				}
			}
			slices.SortFunc(due, func(a, b waiting) int { return cmp.Compare(a.added, b.added) })
			for i, w := range due {
				out = append(out, delivered{fmt.Sprintf("%d.%d", row.ID, i+1), "CONFIRMED", w.key})
			}
		case store.EntityRegistration:
			var r store.Registration
			if err := json.Unmarshal(row.Data, &r); err != nil {
				t.Fatal(err)
			}
			if !f.matches(&r) {
				continue
			}
			key := r.TxID + ":" + r.Collection
			id := strconv.FormatInt(row.ID, 10)
			if row.Kind == store.KindRemoved {
				delete(pending, key)
				out = append(out, delivered{id, "REMOVED", key})
				continue
			}
			out = append(out, delivered{id, "ADDED", key})
			if f.min == 0 {
				continue
			}
			if max(tips[row.Chain], r.BlockHeight)-r.BlockHeight+1 >= int64(f.min) {
				out = append(out, delivered{id + ".1", "CONFIRMED", key})
			} else {
				pending[key] = waiting{row.ID, key, r.BlockHeight}
			}
		}
	}
	return out
}

// firstDifference shows where two sequences part.
func firstDifference(got, want []delivered) string {
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	from := max(i-3, 0)
	return fmt.Sprintf("%d received, %d expected; from %d:\ngot  %v\nwant %v",
		len(got), len(want), from, got[from:min(i+4, len(got))], want[from:min(i+4, len(want))])
}

// netState is what a client's local view holds after applying events.
func netState(evs []delivered) map[string]bool {
	view := map[string]bool{}
	for _, ev := range evs {
		switch ev.Kind {
		case "ADDED":
			view[ev.Key] = true
		case "REMOVED":
			delete(view, ev.Key)
		}
	}
	return view
}

func maps2Equal(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] {
			return false
		}
	}
	return true
}

// resumer is a marketplace client: it keeps the position of the last event
// it processed, and resubscribes after it when its connection ends.
type resumer struct {
	t            *testing.T
	filter       subFilter
	mu           sync.Mutex
	got          []delivered
	conn         *websocket.Conn
	done         chan struct{} // closed when the current connection's reader ends
	reconnects   int
	resumedAfter []string
}

func newResumer(t *testing.T, e *env, f subFilter) *resumer {
	r := &resumer{t: t, filter: f}
	r.connect(e, "0")
	t.Cleanup(func() { r.stop() })
	return r
}

func (r *resumer) connect(e *env, after string) {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	url := "ws" + strings.TrimPrefix(e.srv.URL, "http") + "/graphql"
	conn, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		cancel()
		r.t.Fatal(err)
	}
	conn.SetReadLimit(1 << 20)
	vars := map[string]any{"after": after, "min": r.filter.min}
	if r.filter.nft != "" {
		vars["nft"] = r.filter.nft
	}
	payload, _ := json.Marshal(map[string]any{"query": regSubscription, "variables": vars})
	for _, m := range []wsMessage{{Type: "connection_init"}, {ID: "s", Type: "subscribe", Payload: payload}} {
		if err := wsjson.Write(ctx, conn, m); err != nil {
			cancel()
			r.t.Fatal(err)
		}
	}
	r.conn, r.done = conn, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		defer cancel()
		for {
			var m wsMessage
			if err := wsjson.Read(ctx, conn, &m); err != nil {
				return
			}
			if m.Type != "next" {
				continue
			}
			var p struct {
				Data struct{ RegistrationEvents regEvent }
			}
			if json.Unmarshal(m.Payload, &p) != nil {
				continue
			}
			ev := p.Data.RegistrationEvents
			r.mu.Lock()
			r.got = append(r.got, delivered{ev.EventID, ev.Kind, ev.Registration.Txid + ":demo"})
			r.mu.Unlock()
		}
	}(r.done)
}

// reconnect drops the connection and resumes on e after the last event
// received.
func (r *resumer) reconnect(e *env) {
	r.stop()
	r.mu.Lock()
	after := "0"
	if n := len(r.got); n > 0 {
		after = r.got[n-1].Position
	}
	r.mu.Unlock()
	r.reconnects++
	r.resumedAfter = append(r.resumedAfter, after)
	r.connect(e, after)
}

func (r *resumer) stop() {
	_ = r.conn.Close(websocket.StatusNormalClosure, "")
	<-r.done
}

// waitFor returns what was received once n events are there (or after a
// minute, to show what is missing).
func (r *resumer) waitFor(n int) []delivered {
	deadline := time.Now().Add(time.Minute)
	for {
		r.mu.Lock()
		got := slices.Clone(r.got)
		r.mu.Unlock()
		if len(got) >= n || time.Now().After(deadline) {
			// A moment longer, to catch duplicates arriving late.
			if len(got) == n {
				time.Sleep(50 * time.Millisecond)
				r.mu.Lock()
				got = slices.Clone(r.got)
				r.mu.Unlock()
			}
			return got
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testChain is a Bitcoin chain written the way the follower writes one:
// batches of blocks, and reorgs as a rollback then the new branch.
type testChain struct {
	t      *testing.T
	st     *store.Store
	rng    *rand.Rand
	window int
	blocks []store.Block // the current chain, from height 1
	n      int           // registrations made so far
}

func (c *testChain) tip() store.BlockRef {
	if len(c.blocks) == 0 {
		return store.BlockRef{Hash: storetest.Hash("genesis")}
	}
	return c.blocks[len(c.blocks)-1].BlockRef
}

// extend mines n blocks, each with a few registrations of a few NFTs.
func (c *testChain) extend(n int) {
	c.t.Helper()
	var batch []store.Block
	for range n {
		tip := c.tip()
		b := store.Block{BlockRef: store.BlockRef{
			Height: tip.Height + 1, Hash: storetest.Hash("block", c.n, c.rng.Uint64()), Parent: tip.Hash,
			Time: time.Unix(1_700_000_000+tip.Height*600, 0).UTC(),
		}}
		for i := range c.rng.IntN(3) {
			c.n++
			b.Registrations = append(b.Registrations, registration(nftID(1+c.rng.IntN(3)), txid("p", c.n), int32(i+1), store.StatusValid, 50000))
		}
		c.blocks = append(c.blocks, b)
		batch = append(batch, b)
	}
	if err := c.st.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: batch, Head: c.tip().Height, KeepBlocks: int64(c.window) + 1}); err != nil {
		c.t.Fatal(err)
	}
}

// reorg replaces the top depth blocks by a branch of n blocks.
func (c *testChain) reorg(depth, n int) {
	c.t.Helper()
	depth = min(depth, len(c.blocks)-1, c.window)
	if depth <= 0 {
		return
	}
	keep := len(c.blocks) - depth
	if err := c.st.Rollback(context.Background(), btcChain, c.blocks[keep-1].Height); err != nil {
		c.t.Fatal(err)
	}
	c.blocks = c.blocks[:keep]
	if n > 0 {
		c.extend(n)
	}
}

// registrations are the final chain's, by key, with their NFT's number.
func (c *testChain) registrations() map[string]int64 {
	out := map[string]int64{}
	for _, b := range c.blocks {
		for _, r := range b.Registrations {
			var n int64
			fmt.Sscanf(r.InscriptionID, "%x", &n)
			out[r.TxID+":"+r.Collection] = n
		}
	}
	return out
}

// dropListeners ends the LISTEN connections of e's database, as a network
// failure would: the gateways' followers must resume where they were.
func dropListeners(t *testing.T, e *env) {
	t.Helper()
	if _, err := e.writer.DB().ExecContext(context.Background(),
		`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%'`); err != nil {
		t.Fatal(err)
	}
}
