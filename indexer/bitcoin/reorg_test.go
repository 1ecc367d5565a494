package bitcoin

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/btcsuite/btcd/integration/rpctest"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// newPeerNode starts a btcd regtest node with an empty chain, to be filled
// from a peer.
func newPeerNode(t testing.TB) *rpctest.Harness {
	t.Helper()
	h, err := rpctest.New(regtest, nil, []string{"--txindex"}, btcdExe(t))
	if err != nil {
		t.Fatalf("new btcd harness: %v", err)
	}
	t.Cleanup(func() {
		if err := h.TearDown(); err != nil {
			t.Logf("tear down btcd: %v", err)
		}
	})
	if err := h.SetUp(false, 0); err != nil {
		t.Fatalf("set up btcd harness: %v", err)
	}
	return h
}

// disconnect drops the peer connection from → to and waits until neither
// node has a peer.
func disconnect(t testing.TB, from, to *rpctest.Harness) {
	t.Helper()
	if err := from.Client.AddNode(to.P2PAddress(), rpcclient.ANRemove); err != nil {
		t.Fatalf("addnode remove: %v", err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		a, errA := from.Client.GetPeerInfo()
		b, errB := to.Client.GetPeerInfo()
		if errA != nil || errB != nil {
			t.Fatalf("getpeerinfo: %v, %v", errA, errB)
		}
		if len(a) == 0 && len(b) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("nodes still connected after 30s: %d and %d peers", len(a), len(b))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// connect joins from to to and waits until both have the same best chain.
func connect(t testing.TB, from, to *rpctest.Harness) {
	t.Helper()
	if err := rpctest.ConnectNode(from, to); err != nil {
		t.Fatalf("connect nodes: %v", err)
	}
	if err := rpctest.JoinNodes([]*rpctest.Harness{from, to}, rpctest.Blocks); err != nil {
		t.Fatalf("join nodes: %v", err)
	}
}

// TestChainReorg forks two real nodes: the loser mines registrations on a
// short branch, which the follower indexes; the winner mines a longer
// branch with another registration. Once the nodes meet, the loser reorgs,
// and so must the index: exactly the winner's registrations, and REMOVED
// events for the loser's.
func TestChainReorg(t *testing.T) {
	ctx := context.Background()
	winner := newNode(t)
	loser := newPeerNode(t)
	connect(t, loser, winner)
	forkHeight := tip(t, loser)
	disconnect(t, loser, winner)

	creator, creatorScript := regtestAddress(t, 0x11)
	cfg := Config{
		Name: chainName, Network: "regtest",
		Providers:   []ProviderConfig{rpcProvider(t, loser)},
		Collections: []CollectionConfig{{Name: "embers", Creator: creator}},
	}

	// The losing branch: two registrations and an empty block. The
	// winner's wallet pays them; only the loser ever sees them.
	lost := make([]*wire.MsgTx, 2)
	for i := range lost {
		tx, err := winner.CreateTransaction([]*wire.TxOut{payload(nftID(i), forkHeight+50), wire.NewTxOut(50_000, creatorScript)}, 10, true)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := loser.Client.SendRawTransaction(tx, true); err != nil {
			t.Fatal(err)
		}
		lost[i] = tx
	}
	mine(t, loser, 2)

	chain := newTestChain(t, cfg)
	st := storetest.New(t)
	start := forkHeight - 3
	follow(t, chain, st, chainName, start)
	if got := txids(registrations(t, st)); !slices.Equal(got, sortedTxids(lost...)) {
		t.Fatalf("before the reorg: registrations %v, want the losing branch's %v", got, sortedTxids(lost...))
	}

	// The winning branch: longer, with a registration of its own.
	won := send(t, winner, payload(nftID(7), forkHeight+50), wire.NewTxOut(60_000, creatorScript))
	mine(t, winner, 3)
	connect(t, loser, winner)
	if tip(t, loser) != forkHeight+3 {
		t.Fatalf("loser at %d after joining, want the winner's tip %d", tip(t, loser), forkHeight+3)
	}

	follow(t, chain, st, chainName, start)
	if got := txids(registrations(t, st)); !slices.Equal(got, sortedTxids(won)) {
		t.Errorf("after the reorg: registrations %v, want the winning branch's %v", got, sortedTxids(won))
	}
	var removed []string
	err := st.DB().NewSelect().Model((*store.Event)(nil)).Column("key").
		Where("chain = ? AND kind = ? AND entity = ?", chainName, store.KindRemoved, store.EntityRegistration).
		Order("key").Scan(ctx, &removed)
	if err != nil {
		t.Fatal(err)
	}
	var wantRemoved []string
	for _, id := range sortedTxids(lost...) {
		wantRemoved = append(wantRemoved, id+":embers")
	}
	if !slices.Equal(removed, wantRemoved) {
		t.Errorf("REMOVED registration events %v, want %v", removed, wantRemoved)
	}

	// The index is what a fresh follower makes of the winning chain.
	fresh := storetest.New(t)
	follow(t, newTestChain(t, cfg), fresh, chainName, start)
	assertSameDB(t, st, fresh)
}

func txids(regs []store.Registration) []string {
	var out []string
	for _, r := range regs {
		out = append(out, r.TxID)
	}
	slices.Sort(out)
	return out
}

func sortedTxids(txs ...*wire.MsgTx) []string {
	var out []string
	for _, tx := range txs {
		out = append(out, tx.TxHash().String())
	}
	slices.Sort(out)
	return out
}
