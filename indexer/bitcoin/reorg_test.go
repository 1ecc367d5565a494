package bitcoin

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcutil"
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

// removedRegistrations returns the keys of the REMOVED registration events,
// sorted.
func removedRegistrations(t testing.TB, st *store.Store) []string {
	t.Helper()
	var removed []string
	err := st.DB().NewSelect().Model((*store.Event)(nil)).Column("key").
		Where("chain = ? AND kind = ? AND entity = ?", chainName, store.KindRemoved, store.EntityRegistration).
		Order("key").Scan(context.Background(), &removed)
	if err != nil {
		t.Fatal(err)
	}
	return removed
}

// TestChainReorgShorterBranch orphans the indexed tip of a real node with
// invalidateblock and mines a branch of fewer blocks than it orphaned, so
// that the node's tip is below the indexed one (on regtest, where every
// block has the same work, no peer can make a shorter branch win; only
// invalidateblock can). One follow must roll the orphaned blocks back and
// index the new branch, without waiting for it to outgrow the old one.
func TestChainReorgShorterBranch(t *testing.T) {
	ctx := context.Background()
	node := newNode(t)
	forkHeight := tip(t, node)
	creator, creatorScript := regtestAddress(t, 0x11)
	cfg := Config{
		Name: chainName, Network: "regtest",
		Providers:   []ProviderConfig{rpcProvider(t, node)},
		Collections: []CollectionConfig{{Name: "embers", Creator: creator}},
	}

	// The new branch's registration, signed now so that it spends none of
	// the outputs the orphaned branch creates; no node sees it until it is
	// mined.
	won, err := node.CreateTransaction([]*wire.TxOut{payload(nftID(7), forkHeight+50), wire.NewTxOut(60_000, creatorScript)}, 10, true)
	if err != nil {
		t.Fatal(err)
	}

	// The branch to orphan: four blocks, a registration in each of the
	// first two.
	lost := []*wire.MsgTx{send(t, node, payload(nftID(0), forkHeight+50), wire.NewTxOut(50_000, creatorScript))}
	orphaned := mine(t, node, 1)
	lost = append(lost, send(t, node, payload(nftID(1), forkHeight+50), wire.NewTxOut(50_000, creatorScript)))
	orphaned = append(orphaned, mine(t, node, 3)...)

	chain := newTestChain(t, cfg)
	st := storetest.New(t)
	start := forkHeight - 3
	follow(t, chain, st, chainName, start)
	if got := txids(registrations(t, st)); !slices.Equal(got, sortedTxids(lost...)) {
		t.Fatalf("before the reorg: registrations %v, want the orphaned branch's %v", got, sortedTxids(lost...))
	}
	indexed := tip(t, node)

	// The node drops the four blocks (and puts their transactions back in
	// its mempool), then mines two: one with the new registration, one
	// empty. GenerateAndSubmitBlock mines exactly the transactions given,
	// so the orphaned registrations stay out of the new branch.
	if err := node.Client.InvalidateBlock(orphaned[0]); err != nil {
		t.Fatalf("invalidateblock: %v", err)
	}
	if h := tip(t, node); h != forkHeight {
		t.Fatalf("node at %d after invalidateblock, want the fork point %d", h, forkHeight)
	}
	for _, txs := range [][]*btcutil.Tx{{btcutil.NewTx(won)}, nil} {
		if _, err := node.GenerateAndSubmitBlock(txs, -1, time.Time{}); err != nil {
			t.Fatalf("mine the new branch: %v", err)
		}
	}
	head := tip(t, node)
	if head != forkHeight+2 || head >= indexed {
		t.Fatalf("node at %d after the new branch, want %d, below the indexed tip %d", head, forkHeight+2, indexed)
	}

	follow(t, chain, st, chainName, start)
	if got := txids(registrations(t, st)); !slices.Equal(got, sortedTxids(won)) {
		t.Errorf("after the reorg: registrations %v, want the new branch's %v", got, sortedTxids(won))
	}
	var wantRemoved []string
	for _, id := range sortedTxids(lost...) {
		wantRemoved = append(wantRemoved, id+":embers")
	}
	if removed := removedRegistrations(t, st); !slices.Equal(removed, wantRemoved) {
		t.Errorf("REMOVED registration events %v, want %v", removed, wantRemoved)
	}
	best, _, err := node.Client.GetBestBlock()
	if err != nil {
		t.Fatal(err)
	}
	cur, _, err := st.Cursor(ctx, chainName)
	if err != nil || cur.Height != head || cur.Hash != best.String() || cur.Head != head {
		t.Errorf("cursor at %d %s, head %d (%v); want at the node's tip %d %s, head %d", cur.Height, cur.Hash, cur.Head, err, head, best, head)
	}

	// The index is what a fresh follower makes of the node's chain, block
	// hashes included: the indexed range is inside the reorg window, so
	// none were pruned.
	fresh := storetest.New(t)
	follow(t, newTestChain(t, cfg), fresh, chainName, start)
	assertSameDB(t, st, fresh)
}
