package evm

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// runScenario runs every step of scenario on c, each in a block of its own,
// and returns the receipts by step name.
func runScenario(tb testing.TB, c *testChain) map[string]*types.Receipt {
	tb.Helper()
	receipts := make(map[string]*types.Receipt)
	for _, s := range scenario(c) {
		receipts[s.name] = c.run(tb, s)
	}
	return receipts
}

// indexedState is what herald derived from a chain, one text row per table
// row, sorted.
type indexedState struct {
	holdings, playerXP, nullifiers, reuses []string
	claims, transfers, thresholds          int
}

func readState(tb testing.TB, st *store.Store) indexedState {
	tb.Helper()
	rows := func(query string) []string {
		var out []string
		if err := st.DB().NewRaw(query, testChainName).Scan(context.Background(), &out); err != nil {
			tb.Fatalf("%s: %v", query, err)
		}
		slices.Sort(out)
		return out
	}
	count := func(table string) int {
		var n int
		if err := st.DB().NewRaw("SELECT count(*) FROM "+table+" WHERE chain = ?", testChainName).Scan(context.Background(), &n); err != nil {
			tb.Fatalf("count %s: %v", table, err)
		}
		return n
	}
	return indexedState{
		holdings: rows(`SELECT concat_ws(' ', contract, token_id, holder, standard, balance)
			FROM badge_holdings WHERE chain = ?`),
		playerXP: rows(`SELECT concat_ws(' ', player, xp, uses) FROM player_xp WHERE chain = ?`),
		nullifiers: rows(`SELECT concat_ws(' ', contract, nullifier, player, event, claimed_xp,
				coalesce(threshold::text, '-'), verified::text, block_height, tx_hash)
			FROM nullifiers WHERE chain = ?`),
		reuses: rows(`SELECT concat_ws(' ', contract, nullifier, player, kind, coalesce(claimed_xp::text, '-'),
				block_height, tx_hash)
			FROM reuse_attempts WHERE chain = ?`),
		claims:     count("badge_claims"),
		transfers:  count("badge_transfers"),
		thresholds: count("threshold_updates"),
	}
}

// scenarioState is the state the whole scenario leaves, worked out by hand
// from its steps (chain_test.go).
func scenarioState(c *testChain, receipts map[string]*types.Receipt) indexedState {
	var (
		alice, bob, carol        = lower(c.alice.From), lower(c.bob.From), lower(c.carol.From)
		c721, c1155, cver, cstub = lower(c.addr721), lower(c.addr1155), lower(c.addrVerifier), lower(c.addrStub)
	)
	_ = alice // alice holds nothing at the end: she burnt the token she was given.
	n := func(i int) string { return crypto.Keccak256Hash(fmt.Appendf(nil, "nullifier %d", i)).Hex() }
	at := func(step string) string {
		r := receipts[step]
		return fmt.Sprintf("%d %s", r.BlockNumber.Int64(), r.TxHash.Hex())
	}
	state := indexedState{
		holdings: []string{
			// ERC-721: token 1 went bob → carol → alice and was burnt;
			// token 2 is carol's.
			c721 + " 2 " + carol + " ERC721 1",
			// ERC-1155: bob minted 2 of id 7 and burnt 1; carol
			// batch-minted 10/20/30 of ids 1/2/3, sent 5 of id 2 to bob,
			// and alice (approved) batch-moved all her ids 1 and 3 to bob.
			c1155 + " 1 " + bob + " ERC1155 10",
			c1155 + " 2 " + bob + " ERC1155 5",
			c1155 + " 2 " + carol + " ERC1155 15",
			c1155 + " 3 " + bob + " ERC1155 30",
			c1155 + " 7 " + bob + " ERC1155 1",
		},
		// Verified first uses: n1 (60), n3 (30), n4 (90). n2 and n5 did
		// not verify; the duplicate use of n3 (45) is not a use.
		playerXP: []string{bob + " 180 3"},
		nullifiers: []string{
			cver + " " + n(1) + " " + bob + " XPProofVerified 60 50 true " + at("XPProofVerified verified"),
			cver + " " + n(2) + " " + carol + " XPProofVerified 10 50 false " + at("XPProofVerified not verified"),
			cstub + " " + n(3) + " " + bob + " ProofVerified 30 - true " + at("stub ProofVerified"),
			cstub + " " + n(4) + " " + bob + " ProofVerifiedV2 90 - true " + at("stub ProofVerified V2 success"),
			cstub + " " + n(5) + " " + carol + " ProofVerifiedV2 90 - false " + at("stub ProofVerified V2 failure"),
		},
		reuses: []string{
			cver + " " + n(1) + " " + carol + " NULLIFIER_REUSED - " + at("XPVerifier NullifierReused"),
			cstub + " " + n(3) + " " + bob + " NULLIFIER_REUSED - " + at("stub NullifierReused"),
			cstub + " " + n(3) + " " + carol + " DUPLICATE_USE 45 " + at("stub duplicate use"),
		},
		// Two ERC-721 mints and one ERC-1155 mint.
		claims: 3,
		// ERC-721: 2 mints, 2 transfers, 1 burn. ERC-1155: 1 mint, a
		// batch mint of 3, 1 transfer, a batch transfer of 2, 1 burn.
		transfers: 5 + 8,
		// The verifier's constructor and setThreshold.
		thresholds: 2,
	}
	slices.Sort(state.holdings)
	slices.Sort(state.nullifiers)
	slices.Sort(state.reuses)
	return state
}

func assertState(tb testing.TB, got, want indexedState) {
	tb.Helper()
	for _, tbl := range []struct {
		name      string
		got, want []string
	}{
		{"badge_holdings", got.holdings, want.holdings},
		{"player_xp", got.playerXP, want.playerXP},
		{"nullifiers", got.nullifiers, want.nullifiers},
		{"reuse_attempts", got.reuses, want.reuses},
	} {
		if !slices.Equal(tbl.got, tbl.want) {
			tb.Errorf("%s:\ngot  %s\nwant %s", tbl.name, strings.Join(tbl.got, "\n     "), strings.Join(tbl.want, "\n     "))
		}
	}
	if got.claims != want.claims || got.transfers != want.transfers || got.thresholds != want.thresholds {
		tb.Errorf("claims/transfers/thresholds = %d/%d/%d, want %d/%d/%d",
			got.claims, got.transfers, got.thresholds, want.claims, want.transfers, want.thresholds)
	}
}

// assertCursorAtHead checks that the store indexed the chain up to its tip.
func assertCursorAtHead(tb testing.TB, c *testChain, st *store.Store) {
	tb.Helper()
	ctx := context.Background()
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	cur, ok, err := st.Cursor(ctx, testChainName)
	if err != nil || !ok {
		tb.Fatalf("cursor: %v (found %v)", err, ok)
	}
	if cur.Height != head.Number.Int64() || cur.Hash != head.Hash().Hex() {
		tb.Errorf("cursor at %d %s, want the tip %d %s", cur.Height, cur.Hash, head.Number, head.Hash().Hex())
	}
}

// TestIndexScenario indexes every event variant from a simulated chain served
// over HTTP, in two rounds (the follower resumes from its cursor), and
// checks the derived state row by row.
func TestIndexScenario(t *testing.T) {
	c := newServedChain(t)
	cfg := c.config(c.httpURL)
	ch := newTestEVMChain(t, cfg)
	st := storetest.New(t)
	f := newFollower(t, cfg, ch, st)

	steps := scenario(c.testChain)
	receipts := make(map[string]*types.Receipt)
	half := len(steps) / 2
	for _, s := range steps[:half] {
		receipts[s.name] = c.run(t, s)
	}
	catchUp(t, f)
	for _, s := range steps[half:] {
		receipts[s.name] = c.run(t, s)
	}
	catchUp(t, f)

	assertCursorAtHead(t, c.testChain, st)
	assertState(t, readState(t, st), scenarioState(c.testChain, receipts))
	if n := ch.MalformedLogs(); n != 0 {
		t.Errorf("MalformedLogs = %d, want 0", n)
	}
	states := ch.States()
	if len(states) != 1 || states[0].Breaker != "closed" || states[0].Failures != 0 {
		t.Errorf("provider states = %+v, want one healthy provider", states)
	}
}

func TestBlocksCarryHeaders(t *testing.T) {
	c := newServedChain(t)
	runScenario(t, c.testChain)
	ch := newTestEVMChain(t, c.config(c.httpURL))
	ctx := context.Background()
	head, err := ch.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	blocks, err := ch.Blocks(ctx, 0, head.Height)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(blocks)) != head.Height+1 {
		t.Fatalf("%d blocks, want %d", len(blocks), head.Height+1)
	}
	for i, b := range blocks {
		h, err := c.client.HeaderByNumber(ctx, big.NewInt(int64(i)))
		if err != nil {
			t.Fatal(err)
		}
		want := store.BlockRef{Height: int64(i), Hash: h.Hash().Hex(), Parent: h.ParentHash.Hex(), Time: time.Unix(int64(h.Time), 0).UTC()}
		if b.BlockRef != want {
			t.Errorf("block %d: ref %+v, want %+v", i, b.BlockRef, want)
		}
		ref, err := ch.BlockRef(ctx, int64(i))
		if err != nil || ref != want {
			t.Errorf("BlockRef(%d) = %+v, %v; want %+v", i, ref, err, want)
		}
		for j := 1; j < len(b.Transfers); j++ {
			if prev, cur := b.Transfers[j-1], b.Transfers[j]; cur.LogIndex < prev.LogIndex ||
				cur.LogIndex == prev.LogIndex && cur.BatchIndex <= prev.BatchIndex {
				t.Errorf("block %d: transfers out of log order: %d.%d after %d.%d", i, cur.LogIndex, cur.BatchIndex, prev.LogIndex, prev.BatchIndex)
			}
		}
	}
}

func TestHeadFinalized(t *testing.T) {
	c := newServedChain(t)
	// The simulated beacon finalises every 32nd block.
	for range 40 {
		c.sim.Commit()
	}
	ctx := context.Background()
	tip, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	final, err := c.client.HeaderByNumber(ctx, big.NewInt(int64(rpc.FinalizedBlockNumber)))
	if err != nil {
		t.Fatal(err)
	}
	if final.Number.Sign() <= 0 {
		t.Fatalf("the simulated chain finalised block %d; the test needs one above 0", final.Number)
	}
	off := false
	for _, tc := range []struct {
		name      string
		finalized *bool
		want      indexer.Head
	}{
		{"finalized tag", nil, indexer.Head{Height: tip.Number.Int64(), Finalized: final.Number.Int64()}},
		{"finalized off", &off, indexer.Head{Height: tip.Number.Int64()}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := c.config(c.httpURL)
			cfg.Finalized = tc.finalized
			head, err := newTestEVMChain(t, cfg).Head(ctx)
			if err != nil || head != tc.want {
				t.Errorf("Head = %+v, %v; want %+v", head, err, tc.want)
			}
		})
	}
}

func TestNewChecksChainID(t *testing.T) {
	c := newServedChain(t)
	cfg := c.config(c.httpURL)
	cfg.ChainID = 11124
	_, err := New(context.Background(), cfg, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "rpc[0] (http://127.0.0.1:") || !strings.Contains(err.Error(), "eth_chainId is 1337") {
		t.Fatalf("New with the wrong chain id: err = %v", err)
	}
}

// TestWaitHead checks that a WebSocket provider wakes the follower on a new
// block, so it indexes in real time without polling, and that an HTTP-only
// chain reports that it cannot wait (the follower then polls).
func TestWaitHead(t *testing.T) {
	c := newServedChain(t)
	ctx := context.Background()

	httpChain := newTestEVMChain(t, c.config(c.httpURL))
	if err := httpChain.WaitHead(ctx, 0); !errors.Is(err, errNoHeadSubscription) {
		t.Fatalf("WaitHead over HTTP: err = %v, want errNoHeadSubscription", err)
	}

	cfg := c.config(c.wsURL)
	ws := newTestEVMChain(t, cfg)
	head, err := ws.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// The tip is already above height-1: no wait.
	if err := ws.WaitHead(ctx, head.Height-1); err != nil {
		t.Fatalf("WaitHead below the tip: %v", err)
	}

	// The follower runs with an hour's poll interval: only the
	// subscription can bring it the new block.
	st := storetest.New(t)
	fcfg := cfg.FollowerConfig()
	fcfg.PollInterval = time.Hour
	var indexed atomic.Int64
	indexed.Store(-1)
	obs := indexer.Observer{Applied: func(_ string, _ int, tip int64, _ indexer.Head) { indexed.Store(tip) }}
	f := indexer.NewFollower(fcfg, ws, st, testLogger(t), obs)
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- f.Run(runCtx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("follower: %v", err)
		}
	}()
	waitIndexed := func(height int64) {
		t.Helper()
		deadline := time.Now().Add(30 * time.Second)
		for indexed.Load() < height {
			if time.Now().After(deadline) {
				t.Fatalf("block %d not indexed after 30s (indexed %d) though a new head was announced", height, indexed.Load())
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	waitIndexed(head.Height)
	rcpt := c.run(t, scenario(c.testChain)[0])
	waitIndexed(rcpt.BlockNumber.Int64())

	var claims int
	if err := st.DB().NewRaw("SELECT count(*) FROM badge_claims").Scan(ctx, &claims); err != nil || claims != 1 {
		t.Errorf("badge claims = %d, %v; want 1", claims, err)
	}
}

// TestNewChainOverNodes builds a chain over a caller's node, a plain
// *rpc.Client, as herald dev does with its local chain.
func TestNewChainOverNodes(t *testing.T) {
	c := newServedChain(t)
	ctx := context.Background()
	client, err := rpc.DialContext(ctx, c.wsURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(client.Close)
	cfg := c.config()
	ch, err := NewChain(ctx, cfg, []provider.Provider[Node]{{Name: "local", Client: client}}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	st := storetest.New(t)
	receipts := runScenario(t, c.testChain)
	catchUp(t, newFollower(t, cfg, ch, st))
	assertState(t, readState(t, st), scenarioState(c.testChain, receipts))
	if s := ch.States(); len(s) != 1 || s[0].Name != "local" {
		t.Errorf("states = %+v, want the one provider named local", s)
	}

	cfg.ChainID = 2741
	if _, err := NewChain(ctx, cfg, []provider.Provider[Node]{{Name: "local", Client: client}}, testLogger(t)); err == nil ||
		!strings.Contains(err.Error(), "rpc[0] (local): eth_chainId is 1337, not the configured chain_id 2741") {
		t.Errorf("NewChain on the wrong chain: err = %v", err)
	}
}
