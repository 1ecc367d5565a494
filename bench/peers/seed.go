package main

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/herald-indexer/herald/store"
)

// The rows every peer reads: issue #13's data set. Registrations go in
// through store.Apply, the indexer's own path (derived state included);
// the EVM tables, which only the reads below need, by SQL.
const (
	btcChain    = "bitcoin-bench"
	evmChain    = "abstract-bench"
	verifier    = "0x00000000000000000000000000000000000000aa"
	badge       = "0x0000000000000000000000000000000000000721"
	hotNFTs     = 2_000 // with 200 registrations each
	hotRegs     = 200
	tailNFTs    = 200_000 // with 1–3 registrations each
	regsPerBlk  = 500
	players     = 20_000 // 10 badges each
	badgesPer   = 10
	reuses      = 100_000
	collections = 4
)

// costNs are the registrations per NFT whose uncached cost is measured.
var costNs = []int{10, 200, 2_000, 20_000}

func hotID(i int) string  { return fmt.Sprintf("%064xi0", 0x10000000+i) }
func tailID(i int) string { return fmt.Sprintf("%064xi0", 0x20000000+i) }
func costID(n int) string { return fmt.Sprintf("%064xi0", 0x30000000+n) }
func nullifier(i int) string {
	return fmt.Sprintf("0x%064x", i)
}
func player(i int) string     { return fmt.Sprintf("0x%040x", 0x1000000+i) }
func collection(i int) string { return fmt.Sprintf("col-%d", i%collections) }

// seedRegistrations applies every registration in batches of blocks, and
// reports the ingest rate (fsync on).
func seedRegistrations(ctx context.Context, st *store.Store, log *slog.Logger) (ingest string, err error) {
	var cols []store.Collection
	for i := range collections {
		cols = append(cols, store.Collection{Name: collection(i), Creator: "bc1qcreator", MinFeeSats: 50_000, MinConfirmations: 3})
	}
	if err := st.SyncCollections(ctx, btcChain, cols); err != nil {
		return "", err
	}
	// Every registration, in the order it will be mined.
	type reg struct {
		id  string
		seq int
	}
	var all []reg
	for r := range hotRegs {
		for i := range hotNFTs {
			all = append(all, reg{hotID(i), r})
		}
		// The long tail arrives among them: 1–3 registrations each.
		for i := r * tailNFTs / hotRegs; i < (r+1)*tailNFTs/hotRegs; i++ {
			for k := range 1 + i%3 {
				all = append(all, reg{tailID(i), k})
			}
		}
	}
	for _, n := range costNs {
		for k := range n {
			all = append(all, reg{costID(n), k})
		}
	}
	statuses := []store.RegistrationStatus{store.StatusValid, store.StatusValid, store.StatusValid, store.StatusUnderpaid, store.StatusValid, store.StatusExpired}
	var blocks []store.Block
	parent := fmt.Sprintf("%064x", 0)
	start := time.Now()
	applied := 0
	flush := func(final bool) error {
		if len(blocks) == 0 || (!final && len(blocks) < 40) {
			return nil
		}
		tip := blocks[len(blocks)-1].Height
		if err := st.Apply(ctx, store.Batch{Chain: btcChain, Blocks: blocks, Head: tip, Finalized: tip, KeepBlocks: 100}); err != nil {
			return err
		}
		for _, b := range blocks {
			applied += len(b.Registrations)
		}
		blocks = blocks[:0]
		return nil
	}
	for i := 0; i < len(all); i += regsPerBlk {
		h := int64(i/regsPerBlk) + 1
		hash := fmt.Sprintf("%064x", 0x100000+h)
		b := store.Block{BlockRef: store.BlockRef{Height: h, Hash: hash, Parent: parent, Time: time.Unix(1_700_000_000+h*600, 0).UTC()}}
		parent = hash
		for j, r := range all[i:min(i+regsPerBlk, len(all))] {
			n := i + j
			b.Registrations = append(b.Registrations, store.Registration{
				TxID: fmt.Sprintf("%064x", 0x7000000000+n), Collection: collection(n), TxIndex: int32(j + 1),
				InscriptionID: r.id, ExpiryHeight: h + 100, Creator: "bc1qcreator",
				PaidSats: 50_000 + int64(n%7)*1000, MinFeeSats: 50_000, Status: statuses[(n+r.seq)%len(statuses)],
			})
		}
		blocks = append(blocks, b)
		if err := flush(false); err != nil {
			return "", err
		}
	}
	if err := flush(true); err != nil {
		return "", err
	}
	el := time.Since(start)
	log.Info("registrations applied", "rows", applied, "took", el.Round(time.Millisecond))
	return fmt.Sprintf("%d registrations through store.Apply (COPY, derived state, events; %d per block, 40 blocks per transaction): %.0f rows/s",
		applied, regsPerBlk, float64(applied)/el.Seconds()), nil
}

// seedEVM fills the EVM tables by SQL: nullifier first uses (and the XP
// they add up to), badges with their mints and claims, reuse attempts.
func seedEVM(ctx context.Context, st *store.Store, nullifiers int) error {
	db := st.DB()
	for _, q := range []string{
		fmt.Sprintf(`INSERT INTO chains (chain, start_height, height, hash, block_time, head, finalized, updated_at)
			VALUES ('%s', 1, 2000000, '0x00', now(), 2000000, 2000000, now())`, evmChain),
		nullifierInsert(1, nullifiers),
		fmt.Sprintf(`INSERT INTO badge_transfers (chain, block_height, log_index, batch_index, tx_hash, contract, standard, from_address, to_address, token_id, value, block_hash, block_time)
			SELECT '%s', 1000000 + i / 10, i %% 10, 0, '0x' || lpad(to_hex(i), 64, '0'), '%s', 'ERC721',
			       '0x0000000000000000000000000000000000000000', '0x' || lpad(to_hex(%d + i / %d), 40, '0'), i, 1, '0x00', now()
			FROM generate_series(0, %d) AS i`, evmChain, badge, 0x1000000, badgesPer, players*badgesPer-1),
		fmt.Sprintf(`INSERT INTO badge_holdings (chain, contract, token_id, holder, standard, balance)
			SELECT chain, contract, token_id, to_address, standard, 1 FROM badge_transfers`),
		fmt.Sprintf(`INSERT INTO badge_claims (chain, block_height, log_index, tx_hash, contract, standard, player, token_id, xp_earned, season, run_id, tier, block_hash, block_time)
			SELECT chain, block_height, log_index + 10, tx_hash, contract, standard, to_address, token_id, token_id %% 120, 1, token_id, least(token_id %% 120 / 25, 4), block_hash, block_time
			FROM badge_transfers`),
		fmt.Sprintf(`INSERT INTO reuse_attempts (chain, block_height, log_index, tx_hash, contract, nullifier, player, kind, block_hash, block_time)
			SELECT '%s', 1500000 + i, 0, '0x' || lpad(to_hex(i), 64, '1'), '%s', '0x' || lpad(to_hex(i * 7 + 1), 64, '0'),
			       '0x' || lpad(to_hex(%d + i %% %d), 40, '0'), 'NULLIFIER_REUSED', '0x00', now()
			FROM generate_series(1, %d) AS i`, evmChain, verifier, 0x1000000, players, reuses),
		"VACUUM ANALYZE",
		// Nothing dirty left for the reads to write out.
		"CHECKPOINT",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("seed: %w\n%s", err, q)
		}
	}
	return rebuildXP(ctx, st)
}

// nullifierInsert adds first uses from..to; players use 200 nullifiers
// each at 1M (nullifier i belongs to player i % 5,000).
func nullifierInsert(from, to int) string {
	return fmt.Sprintf(`INSERT INTO nullifiers
		(chain, contract, nullifier, log_index, tx_hash, event, player, claimed_xp, threshold, verified, block_height, block_hash, block_time)
		SELECT '%s', '%s', '0x' || lpad(to_hex(i), 64, '0'), 0, '0x' || lpad(to_hex(i), 64, '0'), 'XPProofVerified',
		       '0x' || lpad(to_hex(%d + i %% 5000), 40, '0'), 10 + i %% 50, 25, i %% 10 <> 0, i, '0x00', now()
		FROM generate_series(%d, %d) AS i`, evmChain, verifier, 0x1000000, from, to)
}

// rebuildXP makes player_xp the sum of the verified first uses.
func rebuildXP(ctx context.Context, st *store.Store) error {
	for _, q := range []string{
		"DELETE FROM player_xp",
		`INSERT INTO player_xp (chain, player, xp, uses)
			SELECT chain, player, sum(claimed_xp), count(*) FROM nullifiers WHERE verified GROUP BY chain, player`,
		"VACUUM ANALYZE player_xp",
	} {
		if _, err := st.DB().ExecContext(ctx, q); err != nil {
			return fmt.Errorf("player XP: %w", err)
		}
	}
	return nil
}

// addNullifiers grows the stored nullifiers from have to want.
func addNullifiers(ctx context.Context, st *store.Store, have, want int) error {
	if _, err := st.DB().ExecContext(ctx, nullifierInsert(have+1, want)); err != nil {
		return fmt.Errorf("add nullifiers: %w", err)
	}
	if _, err := st.DB().ExecContext(ctx, "VACUUM ANALYZE nullifiers"); err != nil {
		return err
	}
	if err := rebuildXP(ctx, st); err != nil {
		return err
	}
	_, err := st.DB().ExecContext(ctx, "CHECKPOINT")
	return err
}
