package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// BenchmarkNullifiersByHash: one lookup of 100 hashes over 1,000,000 stored
// nullifiers, the database's share of the gateway's nullifiers query.
func BenchmarkNullifiersByHash(b *testing.B) {
	st := storetest.New(b)
	ctx := context.Background()
	if _, err := st.DB().ExecContext(ctx, `INSERT INTO nullifiers
		(chain, contract, nullifier, log_index, tx_hash, event, player, claimed_xp, verified, block_height, block_hash, block_time)
		SELECT 'abstract', '0x00000000000000000000000000000000000000aa', '0x' || lpad(to_hex(i), 64, '0'), 0,
		       '0x' || lpad(to_hex(i), 64, '0'), 'XPProofVerified', '0x' || lpad(to_hex(i % 5000), 40, '0'), 50, true,
		       i, '0x00', now()
		FROM generate_series(1, 1000000) AS i`); err != nil {
		b.Fatal(err)
	}
	if _, err := st.DB().ExecContext(ctx, "VACUUM ANALYZE nullifiers"); err != nil {
		b.Fatal(err)
	}
	hashes := make([]string, 100)
	b.ResetTimer()
	for i := range b.N {
		for j := range hashes {
			hashes[j] = fmt.Sprintf("0x%064x", (i*7919+j*104729)%1_100_000+1)
		}
		if _, err := st.NullifiersByHash(ctx, hashes, store.AllNullifierColumns); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()*1000/float64(b.N), "ms/lookup")
	b.ReportMetric(float64(b.N*len(hashes))/b.Elapsed().Seconds(), "hashes/s")
}
