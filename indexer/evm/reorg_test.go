package evm

import (
	"context"
	"maps"
	"math/big"
	"slices"
	"testing"

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
	mine(c.verifier.VerifyXPProof(c.bob, nullifier("kept"), big.NewInt(60)))
	fork, err := c.client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}

	// The branch to drop: carol claims with a nullifier of her own, bob
	// gives his badge to carol, alice mints carol an ERC-1155 badge.
	useDropped := mine(c.verifier.VerifyXPProof(c.carol, nullifier("dropped"), big.NewInt(70)))
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
	replaceClaim, err := c.badge1155.SetApprovalForAll(replacement(c.carol, useDropped), c.alice.From, true)
	if err != nil {
		t.Fatalf("replace carol's claim: %v", err)
	}
	replaceGift, err := c.badge721.Approve(replacement(c.bob, give), c.alice.From, big.NewInt(1))
	if err != nil {
		t.Fatalf("replace bob's transfer: %v", err)
	}
	if r := c.commit(t, replaceClaim, replaceGift, mint); r[2].BlockNumber.Cmp(fork.Number) <= 0 {
		t.Fatalf("alice's mint is in block %d, want it mined again above %d", r[2].BlockNumber, fork.Number)
	}
	mine(c.verifier.VerifyXPProof(c.carol, nullifier("new"), big.NewInt(90)))
	c.sim.Commit()
	c.sim.Commit()
	for _, tx := range []*types.Transaction{useDropped, give} {
		if _, err := c.client.TransactionReceipt(ctx, tx.Hash()); err == nil {
			t.Fatalf("transaction %s is still on the canonical chain", tx.Hash().Hex())
		}
	}

	catchUp(t, f)
	assertCursorAtHead(t, c.testChain, st)

	// Exactly the state of a clean index of the new canonical chain.
	fresh := storetest.New(t)
	catchUp(t, newFollower(t, cfg, newTestEVMChain(t, cfg), fresh))
	got, want := storetest.Snapshot(t, st, storetest.Tables...), storetest.Snapshot(t, fresh, storetest.Tables...)
	for _, tbl := range storetest.Tables {
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
	// transfer, and alice's mint (claim and transfer; mined again later).
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
	}
	if !maps.Equal(gotRemoved, wantRemoved) {
		t.Errorf("REMOVED events = %v, want %v", gotRemoved, wantRemoved)
	}
}
