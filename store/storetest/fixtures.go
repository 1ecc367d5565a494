package storetest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
)

// Tables lists every table whose contents make up herald's indexed state.
var Tables = []string{
	"chains", "blocks", "collections", "registrations", "registration_records", "badge_claims", "badge_transfers",
	"nullifiers", "reuse_attempts", "threshold_updates", "badge_holdings", "player_xp", "nft_summaries",
}

// Snapshot returns the full contents of tables, one canonical JSON text per
// table, for comparing two databases or one database at two moments. The
// cursor's updated_at and head are left out: they are observations (the
// clock, the source's tip), not indexed state.
func Snapshot(t testing.TB, s *store.Store, tables ...string) map[string]string {
	t.Helper()
	out := make(map[string]string, len(tables))
	for _, tbl := range tables {
		var js string
		q := fmt.Sprintf(`SELECT coalesce(jsonb_agg(r ORDER BY r::text)::text, '[]')
			FROM (SELECT to_jsonb(x) - 'updated_at' - 'head' AS r FROM %s x) q`, tbl)
		if err := s.DB().NewRaw(q).Scan(context.Background(), &js); err != nil {
			t.Fatalf("snapshot %s: %v", tbl, err)
		}
		out[tbl] = js
	}
	return out
}

// Hash returns a deterministic 32-byte hex hash of its parts.
func Hash(parts ...any) string {
	h := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(h[:])
}

// Address returns a deterministic EVM address.
func Address(n int) string { return fmt.Sprintf("0x%040x", n) }

// SampleBlock builds a block holding one of every kind of change, derived from
// the block's hash so that two branches of a fork index different rows.
// Nullifiers repeat every few blocks (on the same contract) so duplicate uses
// happen, and badges move between a few players so balances go up and down.
func SampleBlock(ref store.BlockRef) store.Block {
	h := ref.Height
	seed := int(h)
	tx := func(i int) string { return Hash(ref.Hash, "tx", i) }
	player := Address(1 + seed%3)
	next := Address(1 + (seed+1)%3)
	nft := Hash("nft", seed%5) + "i0"
	verifier := Address(900)
	badge721 := Address(721)
	badge1155 := Address(1155)
	b := store.Block{BlockRef: ref}
	b.Registrations = []store.Registration{{
		TxID: tx(1), Collection: "demo", TxIndex: 1, InscriptionID: nft, ExpiryHeight: h + 10,
		Creator: "bcrt1qcreator", PaidSats: 50000 + int64(seed%2)*100, MinFeeSats: 50000, Status: store.StatusValid,
	}}
	b.Records = []store.RegistrationRecord{{
		InscriptionID: tx(2) + "i0", TxIndex: 2, EnvelopeParents: []string{nft}, Parent: nft,
		PaidTo: "bcrt1qcreator", FeeSats: 50000, FeeTxID: tx(1), Timestamp: "2026-11-21T00:00:00Z",
		Body: `{"schema":"buyer_registration.v1"}`,
	}}
	b.Claims = []store.BadgeClaim{{
		LogIndex: 0, TxHash: "0x" + tx(3), Contract: badge721, Standard: store.StandardERC721, Player: player,
		TokenID: strconv.Itoa(seed), XPEarned: strconv.Itoa(seed % 120), Season: "1", RunID: strconv.Itoa(seed), Tier: 0,
	}}
	b.Transfers = []store.BadgeTransfer{
		{LogIndex: 1, TxHash: "0x" + tx(3), Contract: badge721, Standard: store.StandardERC721,
			From: "0x0000000000000000000000000000000000000000", To: player, TokenID: strconv.Itoa(seed), Value: "1"},
		{LogIndex: 2, TxHash: "0x" + tx(4), Contract: badge1155, Standard: store.StandardERC1155, Operator: player,
			From: "0x0000000000000000000000000000000000000000", To: player, TokenID: "7", Value: "5"},
		{LogIndex: 3, BatchIndex: 0, TxHash: "0x" + tx(5), Contract: badge1155, Standard: store.StandardERC1155, Operator: player,
			From: player, To: next, TokenID: "7", Value: "2"},
		{LogIndex: 3, BatchIndex: 1, TxHash: "0x" + tx(5), Contract: badge1155, Standard: store.StandardERC1155, Operator: player,
			From: player, To: next, TokenID: "7", Value: "3"},
	}
	b.NullifierUses = []store.NullifierUse{{
		Contract: verifier, Nullifier: "0x" + Hash("nullifier", seed%4), LogIndex: 4, TxHash: "0x" + tx(6),
		Event: store.EventXPProofVerified, Player: player, ClaimedXP: strconv.Itoa(10 + seed%50),
		Threshold: "25", Verified: seed%5 != 0,
	}}
	b.ReuseAttempts = []store.ReuseAttempt{{
		LogIndex: 5, TxHash: "0x" + tx(7), Contract: verifier, Nullifier: "0x" + Hash("nullifier", seed%4),
		Player: next, Kind: store.ReuseRejected,
	}}
	if seed%10 == 0 {
		b.Thresholds = []store.ThresholdUpdate{{LogIndex: 6, TxHash: "0x" + tx(8), Contract: verifier, OldThreshold: "25", NewThreshold: "30"}}
	}
	// The receipts of the claim's and the use's transactions (gas varying
	// with the height), and a reverted call to the verifier.
	gas := func(i int) store.Transaction {
		used := int64(100_000 + (seed*7919+i*104729)%300_000)
		return store.Transaction{
			TxHash: "0x" + tx(i), TxIndex: int32(i), From: player, To: verifier, GasUsed: used,
			EffectiveGasPrice: "1000000000", FeeWei: strconv.FormatInt(used, 10) + "000000000", Status: store.TxSucceeded,
		}
	}
	claimTx, useTx, failed := gas(3), gas(6), gas(9)
	claimTx.To = badge721
	useTx.Called, useTx.Selector, useTx.Function, useTx.GasLimit = true, "0x5e2a0b1c", "verifyXPProof", 400_000
	failed.Called, failed.Selector, failed.Function, failed.GasLimit, failed.Status = true, "0x5e2a0b1c", "verifyXPProof", 400_000, store.TxFailed
	failed.ErrorSelector, failed.ErrorName, failed.ErrorMessage = "0x8d2c5b3a", "ClaimTooLarge", "claimedXP=5000, maxXP=1000"
	b.Transactions = []store.Transaction{claimTx, useTx, failed}
	return b
}

// Chain builds n linked blocks from height from on top of parent, with a
// branch label mixed into the hashes so forks differ.
func Chain(from int64, n int, parent, branch string) []store.BlockRef {
	refs := make([]store.BlockRef, n)
	for i := range refs {
		h := from + int64(i)
		hash := Hash(branch, h, parent)
		refs[i] = store.BlockRef{Height: h, Hash: hash, Parent: parent, Time: time.Unix(1_700_000_000+h*600, 0).UTC()}
		parent = hash
	}
	return refs
}
