package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// TestListPagesReadByIndex: every list's first page and the next one, its
// last page and the one before, by each filter and in each order, read
// about as many rows as they return —
// by an index in the list's order, never sorting the rows that match.
func TestListPagesReadByIndex(t *testing.T) {
	ctx := context.Background()
	writer, url := storetest.NewWithURL(t)
	for _, q := range []string{
		`INSERT INTO registrations (chain, txid, collection, tx_index, inscription_id, expiry_height, creator, paid_sats, min_fee_sats, status, block_height, block_hash, block_time)
			SELECT 'btc', lpad(to_hex(i), 64, '0'), 'col-' || i % 4, i % 50, lpad(to_hex(i % 3000), 64, '0') || 'i0', 1000000, 'creator', 50000, 50000,
			       CASE WHEN i % 5 = 0 THEN 'UNDERPAID' ELSE 'VALID' END, i / 50, 'h', now()
			FROM generate_series(1, 40000) AS i`,
		`INSERT INTO badge_claims (chain, block_height, log_index, tx_hash, contract, standard, player, token_id, xp_earned, season, tier, block_hash, block_time)
			SELECT 'evm', i / 10, i % 10, 't', '0xbadge', 'ERC721', '0x' || lpad(to_hex(i % 200), 40, '0'), i, 10, 1, 0, 'h', now()
			FROM generate_series(1, 40000) AS i`,
		`INSERT INTO nullifiers (chain, contract, nullifier, log_index, tx_hash, event, player, claimed_xp, verified, block_height, block_hash, block_time)
			SELECT 'evm', '0xverifier', '0x' || lpad(to_hex(i), 64, '0'), i % 10, 't', 'XPProofVerified', '0x' || lpad(to_hex(i % 200), 40, '0'), 10, true, i / 10, 'h', now()
			FROM generate_series(1, 40000) AS i`,
		`INSERT INTO reuse_attempts (chain, block_height, log_index, tx_hash, contract, nullifier, player, kind, block_hash, block_time)
			SELECT 'evm', i / 10, i % 10, 't', '0xverifier', '0x' || lpad(to_hex(i), 64, '0'), '0x' || lpad(to_hex(i % 200), 40, '0'), 'NULLIFIER_REUSED', 'h', now()
			FROM generate_series(1, 40000) AS i`,
		`INSERT INTO badge_holdings (chain, contract, token_id, holder, standard, balance)
			SELECT 'evm', '0xbadge', i, '0x' || lpad(to_hex(i / 10), 40, '0'), 'ERC721', 1
			FROM generate_series(1, 40000) AS i`,
		"ANALYZE",
	} {
		if _, err := writer.DB().ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	rec := &statements{}
	reader, err := store.Open(ctx, url, store.WithQueryHook(rec))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	player := fmt.Sprintf("0x%040x", 77)
	const first = 5
	type list struct {
		name string
		page func(store.Page) (cursors []string, err error)
	}
	cursors := func(cs []string, err error) ([]string, error) { return cs, err }
	lists := []list{
		{"registrations", func(p store.Page) ([]string, error) {
			pg, err := reader.Registrations(ctx, store.RegistrationFilter{}, p)
			return cursors(pg.Cursors, err)
		}},
		{"registrations of a collection", func(p store.Page) ([]string, error) {
			pg, err := reader.Registrations(ctx, store.RegistrationFilter{Collection: "col-1"}, p)
			return cursors(pg.Cursors, err)
		}},
		{"registrations of an NFT", func(p store.Page) ([]string, error) {
			pg, err := reader.Registrations(ctx, store.RegistrationFilter{InscriptionID: fmt.Sprintf("%064xi0", 7)}, p)
			return cursors(pg.Cursors, err)
		}},
		{"badge claims", func(p store.Page) ([]string, error) {
			pg, err := reader.BadgeClaims(ctx, store.ClaimFilter{}, p)
			return cursors(pg.Cursors, err)
		}},
		{"badge claims of a player", func(p store.Page) ([]string, error) {
			pg, err := reader.BadgeClaims(ctx, store.ClaimFilter{Player: player}, p)
			return cursors(pg.Cursors, err)
		}},
		{"nullifier uses", func(p store.Page) ([]string, error) {
			pg, err := reader.NullifierUses(ctx, store.NullifierFilter{}, p)
			return cursors(pg.Cursors, err)
		}},
		{"nullifier uses of a player", func(p store.Page) ([]string, error) {
			pg, err := reader.NullifierUses(ctx, store.NullifierFilter{Player: player}, p)
			return cursors(pg.Cursors, err)
		}},
		{"reuse attempts", func(p store.Page) ([]string, error) {
			pg, err := reader.ReuseAttempts(ctx, store.ReuseFilter{}, p)
			return cursors(pg.Cursors, err)
		}},
		{"reuse attempts of a player", func(p store.Page) ([]string, error) {
			pg, err := reader.ReuseAttempts(ctx, store.ReuseFilter{Player: player}, p)
			return cursors(pg.Cursors, err)
		}},
		{"badges", func(p store.Page) ([]string, error) {
			pg, err := reader.Holdings(ctx, store.HoldingFilter{}, p)
			return cursors(pg.Cursors, err)
		}},
		{"badges of a holder", func(p store.Page) ([]string, error) {
			pg, err := reader.Holdings(ctx, store.HoldingFilter{Holder: player}, p)
			return cursors(pg.Cursors, err)
		}},
	}
	for _, l := range lists {
		for _, desc := range []bool{true, false} {
			if l.name == "badges" || l.name == "badges of a holder" {
				if desc {
					continue // badges have one order
				}
			}
			name := fmt.Sprintf("%s, desc %v", l.name, desc)
			rec.take()
			cs, err := l.page(store.Page{First: first, Desc: desc})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if len(cs) != first {
				t.Fatalf("%s: first page has %d rows, want %d", name, len(cs), first)
			}
			if _, err := l.page(store.Page{First: first, Desc: desc, After: cs[first-1]}); err != nil {
				t.Fatalf("%s, next page: %v", name, err)
			}
			// Backward from the end, and the page before that with what
			// lies past its cursor: the same index, read the other way.
			bs, err := l.page(store.Page{Backward: true, Last: first, Desc: desc})
			if err != nil || len(bs) != first {
				t.Fatalf("%s, last page: %d rows, %v", name, len(bs), err)
			}
			if _, err := l.page(store.Page{Backward: true, Last: first, Before: bs[0], Desc: desc, WithBeyond: true}); err != nil {
				t.Fatalf("%s, the page before the last: %v", name, err)
			}
			qs := rec.take()
			if len(qs) != 5 {
				t.Fatalf("%s: recorded %d statements, want 5", name, len(qs))
			}
			for _, q := range qs {
				explain(t, writer, q).walk(func(n planNode) {
					if read := n.Rows*max(n.Loops, 1) + n.Removed; n.Relation != "" && read > first+1 {
						t.Errorf("%s: %s on %s (index %q) read %.0f rows:\n%s", name, n.Type, n.Relation, n.Index, read, q)
					}
					if strings.Contains(n.Type, "Sort") || n.Type == "Seq Scan" {
						t.Errorf("%s: plan has a %s:\n%s", name, n.Type, q)
					}
				})
			}
		}
	}
}
