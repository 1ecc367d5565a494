package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// TestNullifierLookupsTogetherAnswerEachAlone: many lookups at once on a
// pool of one connection — most of them wait and share a statement — each
// get what the same lookup alone gets, in its own order, with the columns
// it asked for.
func TestNullifierLookupsTogetherAnswerEachAlone(t *testing.T) {
	ctx := context.Background()
	writer, url := storetest.NewWithURL(t)
	if _, err := writer.DB().ExecContext(ctx, `INSERT INTO nullifiers
		(chain, contract, nullifier, log_index, tx_hash, event, player, claimed_xp, verified, block_height, block_hash, block_time)
		SELECT 'evm', '0x' || lpad(to_hex(c), 40, '0'), '0x' || lpad(to_hex(i), 64, '0'), c, '0x' || lpad(to_hex(i * 3 + c), 64, '0'),
		       'XPProofVerified', '0x' || lpad(to_hex(i % 50), 40, '0'), i * c, i % 3 = 0, i, 'h', now()
		FROM generate_series(1, 3000) AS i, generate_series(1, 2) AS c WHERE c = 1 OR i % 7 = 0`); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, url, store.WithMaxConns(1))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type lookup struct {
		hashes []string
		cols   store.NullifierColumns
		want   [][]store.NullifierUse
	}
	rnd := rand.New(rand.NewPCG(1, 2))
	lookups := make([]lookup, 200)
	for i := range lookups {
		l := &lookups[i]
		for range 1 + rnd.IntN(20) {
			l.hashes = append(l.hashes, fmt.Sprintf("0x%064x", 1+rnd.IntN(3300))) // some unused, some twice
		}
		l.cols = store.NullifierColumns(rnd.IntN(int(store.AllNullifierColumns) + 1))
		if l.want, err = st.NullifiersByHash(ctx, l.hashes, l.cols); err != nil { // alone: nothing to wait for
			t.Fatal(err)
		}
	}
	used := 0
	for _, l := range lookups {
		for _, w := range l.want {
			used += len(w)
		}
	}
	if used == 0 {
		t.Fatal("test is blind: no lookup found a use")
	}
	var wg sync.WaitGroup
	for i := range lookups {
		wg.Go(func() {
			l := lookups[i]
			got, err := st.NullifiersByHash(ctx, l.hashes, l.cols)
			if err != nil {
				t.Error(err)
				return
			}
			if len(got) != len(l.hashes) {
				t.Errorf("lookup %d: %d answers for %d hashes", i, len(got), len(l.hashes))
				return
			}
			for j := range got {
				if len(got[j]) != len(l.want[j]) {
					t.Errorf("lookup %d, hash %s: %d uses, alone %d", i, l.hashes[j], len(got[j]), len(l.want[j]))
					continue
				}
				for k := range got[j] {
					// A shared statement may read more columns than asked:
					// compare those asked for.
					if g, w := only(got[j][k], l.cols), only(l.want[j][k], l.cols); g != w {
						t.Errorf("lookup %d, hash %s, use %d:\n together %+v\n alone    %+v", i, l.hashes[j], k, g, w)
					}
				}
			}
		})
	}
	wg.Wait()
}

// only keeps the columns NullifiersByHash reads always and those of cols.
func only(u store.NullifierUse, cols store.NullifierColumns) store.NullifierUse {
	keep := func(bit store.NullifierColumns, f *string) {
		if cols&bit == 0 {
			*f = ""
		}
	}
	keep(store.NullifierBlockHash, &u.BlockHash)
	keep(store.NullifierContract, &u.Contract)
	keep(store.NullifierTxHash, &u.TxHash)
	keep(store.NullifierEvent, &u.Event)
	keep(store.NullifierPlayer, &u.Player)
	keep(store.NullifierClaimedXP, &u.ClaimedXP)
	keep(store.NullifierThreshold, &u.Threshold)
	keep(store.NullifierEventTimestamp, &u.EventTimestamp)
	if cols&store.NullifierBlockTime == 0 {
		u.BlockTime = time.Time{}
	}
	u.BlockTime = u.BlockTime.UTC()
	return u
}
