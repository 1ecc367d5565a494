package evm

import (
	"context"
	"errors"
	"maps"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// miner returns a function that mines a sent transaction in a block of its
// own and checks that it succeeded: mine(contract.Method(...)).
func (c *testChain) miner(tb testing.TB) func(*types.Transaction, error) *types.Transaction {
	return func(tx *types.Transaction, err error) *types.Transaction {
		tb.Helper()
		if err != nil {
			tb.Fatalf("send: %v", err)
		}
		c.commit(tb, tx)
		return tx
	}
}

// replacement returns opts that replace tx in the transaction pool: the
// same nonce at more than the 10% fee bump the pool requires.
func replacement(opts *bind.TransactOpts, tx *types.Transaction) *bind.TransactOpts {
	gwei := big.NewInt(1e9)
	o := *opts
	o.Nonce = new(big.Int).SetUint64(tx.Nonce())
	o.GasTipCap = new(big.Int).Add(new(big.Int).Mul(tx.GasTipCap(), big.NewInt(2)), gwei)
	o.GasFeeCap = new(big.Int).Add(new(big.Int).Mul(tx.GasFeeCap(), big.NewInt(2)), gwei)
	return &o
}

// TestReorg indexes a branch of the simulated chain, replaces its last
// blocks with a longer branch that lacks some of their transactions, and
// checks that the follower ends with exactly what a clean index of the new
// canonical chain holds.
func TestReorg(t *testing.T) {
	c := newServedChain(t)
	ctx := context.Background()
	cfg := c.config(c.httpURL)
	ch := newTestEVMChain(t, cfg)
	st := storetest.New(t)
	f := newFollower(t, cfg, ch, st)
	mine := c.miner(t)
	nullifier := func(s string) [32]byte { return crypto.Keccak256Hash([]byte(s)) }
	var (
		bob, carol = lower(c.bob.From), lower(c.carol.From)
		c721       = lower(c.addr721)
		c1155      = lower(c.addr1155)
		dropped    = crypto.Keccak256Hash([]byte("dropped")).Hex()
	)

	// The common part: bob's badge and first claim.
	mine(c.badge721.Mint(c.alice, c.bob.From, big.NewInt(80), big.NewInt(3), big.NewInt(42)))
	mine(c.verifier.VerifyXPProof(c.bob, nullifier("kept"), big.NewInt(60), nil))
	fork, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}

	// The branch to drop: carol claims with a nullifier of her own, bob
	// gives his badge to carol, alice mints carol an ERC-1155 badge.
	useDropped := mine(c.verifier.VerifyXPProof(c.carol, nullifier("dropped"), big.NewInt(70), nil))
	give := mine(c.badge721.TransferFrom(c.bob, c.bob.From, c.carol.From, big.NewInt(1)))
	mint := mine(c.badge1155.Mint(c.alice, c.carol.From, big.NewInt(7), big.NewInt(1), big.NewInt(30), big.NewInt(2)))
	catchUp(t, f)
	before := readState(t, st)
	if !slices.Contains(before.holdings, c721+" 1 "+carol+" ERC721 1") || len(before.nullifiers) != 2 {
		t.Fatalf("before the reorg: holdings %v, nullifiers %v", before.holdings, before.nullifiers)
	}

	// The new branch. The pool puts the dropped branch's transactions back
	// for mining; carol's and bob's are replaced by ones herald does not
	// index, alice's mint is mined again. Carol then claims with another
	// nullifier, and the branch grows one block longer than the old one.
	if err := c.sim.Fork(fork.Hash()); err != nil {
		t.Fatalf("fork: %v", err)
	}
	replaceClaim := sendAfterFork(t, "replace carol's claim", func() (*types.Transaction, error) {
		return c.badge1155.SetApprovalForAll(replacement(c.carol, useDropped), c.alice.From, true)
	})
	replaceGift := sendAfterFork(t, "replace bob's transfer", func() (*types.Transaction, error) {
		return c.badge721.Approve(replacement(c.bob, give), c.alice.From, big.NewInt(1))
	})
	if r := c.commit(t, replaceClaim, replaceGift, mint); r[2].BlockNumber.Cmp(fork.Number) <= 0 {
		t.Fatalf("alice's mint is in block %d, want it mined again above %d", r[2].BlockNumber, fork.Number)
	}
	mine(c.verifier.VerifyXPProof(c.carol, nullifier("new"), big.NewInt(90), nil))
	c.sim.Commit()
	c.sim.Commit()
	for _, tx := range []*types.Transaction{useDropped, give} {
		if _, err := receiptOf(c.client, tx.Hash()); !errors.Is(err, ethereum.NotFound) {
			t.Fatalf("transaction %s is still on the canonical chain", tx.Hash().Hex())
		}
	}

	catchUp(t, f)
	assertCursorAtHead(t, c.testChain, st)

	// Exactly the state of a clean index of the new canonical chain.
	fresh := storetest.New(t)
	catchUp(t, newFollower(t, cfg, newTestEVMChain(t, cfg), fresh))
	tables := append(slices.Clone(storetest.Tables), "evm_transactions")
	got, want := storetest.Snapshot(t, st, tables...), storetest.Snapshot(t, fresh, tables...)
	for _, tbl := range tables {
		if got[tbl] != want[tbl] {
			t.Errorf("table %s differs from a clean index of the new chain:\ngot  %.600s\nwant %.600s", tbl, got[tbl], want[tbl])
		}
	}

	after := readState(t, st)
	wantHoldings := []string{
		c1155 + " 7 " + carol + " ERC1155 1",
		c721 + " 1 " + bob + " ERC721 1",
	}
	slices.Sort(wantHoldings)
	if !slices.Equal(after.holdings, wantHoldings) {
		t.Errorf("holdings = %v, want %v", after.holdings, wantHoldings)
	}
	if want := []string{bob + " 60 1", carol + " 90 1"}; !slices.Equal(after.playerXP, want) {
		t.Errorf("player_xp = %v, want %v", after.playerXP, want)
	}
	var uses int
	if err := st.DB().NewRaw("SELECT count(*) FROM nullifiers WHERE nullifier = ?", dropped).Scan(ctx, &uses); err != nil || uses != 0 {
		t.Errorf("the dropped branch's nullifier has %d uses (%v), want it unused again", uses, err)
	}

	// The event log says what went: the three blocks, carol's claim, bob's
	// transfer, and alice's mint (claim and transfer; mined again later),
	// and the receipts of their three transactions.
	var removed []struct {
		Entity string
		N      int
	}
	if err := st.DB().NewRaw(`SELECT entity, count(*) AS n FROM events WHERE chain = ? AND kind = ? GROUP BY entity`,
		testChainName, store.KindRemoved).Scan(ctx, &removed); err != nil {
		t.Fatal(err)
	}
	gotRemoved := make(map[string]int)
	for _, r := range removed {
		gotRemoved[r.Entity] = r.N
	}
	wantRemoved := map[string]int{
		store.EntityBlock: 3, store.EntityNullifier: 1, store.EntityTransfer: 2, store.EntityBadgeClaim: 1,
		store.EntityTransaction: 3,
	}
	if !maps.Equal(gotRemoved, wantRemoved) {
		t.Errorf("REMOVED events = %v, want %v", gotRemoved, wantRemoved)
	}
}

// removedEvents counts the REMOVED events of the test chain by entity.
func removedEvents(tb testing.TB, st *store.Store) map[string]int {
	tb.Helper()
	var removed []struct {
		Entity string
		N      int
	}
	if err := st.DB().NewRaw(`SELECT entity, count(*) AS n FROM events WHERE chain = ? AND kind = ? GROUP BY entity`,
		testChainName, store.KindRemoved).Scan(context.Background(), &removed); err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]int)
	for _, r := range removed {
		out[r.Entity] = r.N
	}
	return out
}

// TestReorgShorterBranch replaces the indexed tip of the simulated chain by
// a branch with fewer blocks than it replaced, so that the node's head is
// below the indexed tip. One catch-up must roll the orphaned blocks back at
// once and index the new branch: nothing waits for it to grow past the old
// tip.
func TestReorgShorterBranch(t *testing.T) {
	c := newServedChain(t)
	ctx := context.Background()
	cfg := c.config(c.httpURL)
	st := storetest.New(t)
	f := newFollower(t, cfg, newTestEVMChain(t, cfg), st)
	mine := c.miner(t)
	nullifier := func(s string) [32]byte { return crypto.Keccak256Hash([]byte(s)) }
	var (
		bob, carol = lower(c.bob.From), lower(c.carol.From)
		c721       = lower(c.addr721)
		c1155      = lower(c.addr1155)
	)

	// The common part: bob's badge and first claim.
	mine(c.badge721.Mint(c.alice, c.bob.From, big.NewInt(80), big.NewInt(3), big.NewInt(42)))
	mine(c.verifier.VerifyXPProof(c.bob, nullifier("kept"), big.NewInt(60), nil))
	fork, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}

	// The branch to drop: carol's claim, bob's gift of his badge to carol,
	// alice's ERC-1155 mint to carol, and four empty blocks: seven blocks.
	useDropped := mine(c.verifier.VerifyXPProof(c.carol, nullifier("dropped"), big.NewInt(70), nil))
	give := mine(c.badge721.TransferFrom(c.bob, c.bob.From, c.carol.From, big.NewInt(1)))
	mint := mine(c.badge1155.Mint(c.alice, c.carol.From, big.NewInt(7), big.NewInt(1), big.NewInt(30), big.NewInt(2)))
	for range 4 {
		c.sim.Commit()
	}
	catchUp(t, f)
	indexed, ok, err := st.Cursor(ctx, testChainName)
	if err != nil || !ok {
		t.Fatalf("cursor: %v (found %v)", err, ok)
	}
	if before := readState(t, st); !slices.Contains(before.holdings, c721+" 1 "+carol+" ERC721 1") || len(before.nullifiers) != 2 {
		t.Fatalf("before the reorg: holdings %v, nullifiers %v", before.holdings, before.nullifiers)
	}

	// Fork makes the fork point the canonical head at once (it calls
	// SetCanonical; the "only when it becomes longer" of its comment is
	// from before the merge), and the blocks committed on it stay
	// canonical however few they are.
	if err := c.sim.Fork(fork.Hash()); err != nil {
		t.Fatalf("fork: %v", err)
	}
	if head, err := c.client.HeaderByNumber(ctx, nil); err != nil || head.Hash() != fork.Hash() {
		t.Fatalf("head after Fork: %v (%v), want the fork point %d", head.Number, err, fork.Number)
	}
	// The new branch, two blocks: carol's and bob's transactions replaced
	// by ones herald does not index, alice's mint mined again; then carol
	// claims with another nullifier.
	replaceClaim := sendAfterFork(t, "replace carol's claim", func() (*types.Transaction, error) {
		return c.badge1155.SetApprovalForAll(replacement(c.carol, useDropped), c.alice.From, true)
	})
	replaceGift := sendAfterFork(t, "replace bob's transfer", func() (*types.Transaction, error) {
		return c.badge721.Approve(replacement(c.bob, give), c.alice.From, big.NewInt(1))
	})
	c.commit(t, replaceClaim, replaceGift, mint)
	mine(c.verifier.VerifyXPProof(c.carol, nullifier("new"), big.NewInt(90), nil))
	head, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if head.Number.Int64() >= indexed.Height {
		t.Fatalf("the new branch's head %d is not below the indexed tip %d", head.Number, indexed.Height)
	}
	for _, tx := range []*types.Transaction{useDropped, give} {
		if _, err := receiptOf(c.client, tx.Hash()); !errors.Is(err, ethereum.NotFound) {
			t.Fatalf("transaction %s is still on the canonical chain", tx.Hash().Hex())
		}
	}

	catchUp(t, f)
	assertCursorAtHead(t, c.testChain, st)
	cur, _, err := st.Cursor(ctx, testChainName)
	if err != nil || cur.Head != head.Number.Int64() {
		t.Errorf("cursor head %d (%v), want the node's head %d", cur.Head, err, head.Number)
	}

	// Exactly the state of a clean index of the new chain, but for the
	// block hashes kept: those pruned below the old tip's window are not
	// back. Those kept must be the new chain's.
	fresh := storetest.New(t)
	catchUp(t, newFollower(t, cfg, newTestEVMChain(t, cfg), fresh))
	tables := append(slices.Clone(storetest.Tables), "evm_transactions")
	got, want := storetest.Snapshot(t, st, tables...), storetest.Snapshot(t, fresh, tables...)
	for _, tbl := range tables {
		if tbl != "blocks" && got[tbl] != want[tbl] {
			t.Errorf("table %s differs from a clean index of the new chain:\ngot  %.600s\nwant %.600s", tbl, got[tbl], want[tbl])
		}
	}
	var blocks []store.StoredBlock
	if err := st.DB().NewSelect().Model(&blocks).Where("chain = ?", testChainName).Order("height").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(blocks) == 0 {
		t.Fatal("no stored blocks")
	}
	if blocks[len(blocks)-1].Height != head.Number.Int64() || blocks[0].Height > fork.Number.Int64() {
		t.Errorf("stored blocks %d..%d, want them to reach from at most the fork point %d to the head %d",
			blocks[0].Height, blocks[len(blocks)-1].Height, fork.Number, head.Number)
	}
	for _, b := range blocks {
		if b.Height > head.Number.Int64() {
			t.Errorf("stored block %d is above the node's head %d", b.Height, head.Number)
			continue
		}
		h, err := c.client.HeaderByNumber(ctx, big.NewInt(b.Height))
		if err != nil {
			t.Fatal(err)
		}
		if b.Hash != h.Hash().Hex() || b.Parent != h.ParentHash.Hex() {
			t.Errorf("stored block %d is %s (parent %s), the chain's is %s (parent %s)", b.Height, b.Hash, b.Parent, h.Hash().Hex(), h.ParentHash.Hex())
		}
	}

	after := readState(t, st)
	wantHoldings := []string{
		c1155 + " 7 " + carol + " ERC1155 1",
		c721 + " 1 " + bob + " ERC721 1",
	}
	slices.Sort(wantHoldings)
	if !slices.Equal(after.holdings, wantHoldings) {
		t.Errorf("holdings = %v, want %v", after.holdings, wantHoldings)
	}
	if want := []string{bob + " 60 1", carol + " 90 1"}; !slices.Equal(after.playerXP, want) {
		t.Errorf("player_xp = %v, want %v", after.playerXP, want)
	}

	// The event log says what went: every orphaned block, carol's claim,
	// bob's transfer, and alice's mint (claim and transfer; mined again),
	// and the receipts of their three transactions.
	wantRemoved := map[string]int{
		store.EntityBlock: int(indexed.Height - fork.Number.Int64()), store.EntityNullifier: 1,
		store.EntityTransfer: 2, store.EntityBadgeClaim: 1, store.EntityTransaction: 3,
	}
	if got := removedEvents(t, st); !maps.Equal(got, wantRemoved) {
		t.Errorf("REMOVED events = %v, want %v", got, wantRemoved)
	}
}

// sendAfterFork sends a transaction replacing one of the dropped branch.
// The simulated transaction pool moves to the fork point on its own
// goroutine: until it has, it refuses the replacement's nonce as used.
func sendAfterFork(t *testing.T, what string, send func() (*types.Transaction, error)) *types.Transaction {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		tx, err := send()
		if err == nil {
			return tx
		}
		if !strings.Contains(err.Error(), "nonce too low") || time.Now().After(deadline) {
			t.Fatalf("%s: %v", what, err)
		}
	}
}
