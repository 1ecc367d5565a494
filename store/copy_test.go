package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// Rows reach PostgreSQL by COPY in its text format: whatever a buyer wrote
// in a record, and the event carrying it, must come back byte for byte.
func TestCopyKeepsTextExactly(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	weird := "tab\there, newline\nthere, cr\r, backslash \\ and \\N, quote \" , unicode ✓, \\t literal"
	ref := storetest.Chain(1, 1, storetest.Hash("copy"), "copy")[0]
	blk := store.Block{BlockRef: ref}
	// Many rows, so that the COPY streams in more than one chunk.
	for i := range 2000 {
		blk.Records = append(blk.Records, store.RegistrationRecord{
			Position:      store.Position{Chain: "btc", BlockHeight: ref.Height, BlockHash: ref.Hash, BlockTime: ref.Time},
			InscriptionID: storetest.Hash("rec", i) + "i0", EnvelopeParents: []string{`pa"r\ent`, "x\ty"},
			Body: strings.Repeat(weird, 1+i%40),
		})
	}
	if err := st.Apply(ctx, store.Batch{Chain: "btc", Blocks: []store.Block{blk}, Head: ref.Height, KeepBlocks: 10}); err != nil {
		t.Fatal(err)
	}
	var bodies []struct {
		ID      string   `bun:"inscription_id"`
		Body    string   `bun:"body"`
		Parents []string `bun:"envelope_parents,array"`
	}
	if err := st.DB().NewSelect().Table("registration_records").Column("inscription_id", "body", "envelope_parents").
		Scan(ctx, &bodies); err != nil {
		t.Fatal(err)
	}
	if len(bodies) != 2000 {
		t.Fatalf("%d records stored, want 2000", len(bodies))
	}
	want := map[string]store.RegistrationRecord{}
	for _, r := range blk.Records {
		want[r.InscriptionID] = r
	}
	for _, b := range bodies {
		w := want[b.ID]
		if b.Body != w.Body || strings.Join(b.Parents, "|") != strings.Join(w.EnvelopeParents, "|") {
			t.Fatalf("record %s came back as %q %q", b.ID, b.Body[:min(len(b.Body), 80)], b.Parents)
		}
	}
	evs, err := st.EventsAfter(ctx, 0, 5000)
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, ev := range evs {
		if ev.Entity != store.EntityRecord {
			continue
		}
		var r store.RegistrationRecord
		if err := json.Unmarshal(ev.Data, &r); err != nil {
			t.Fatal(err)
		}
		if r.Body != want[r.InscriptionID].Body {
			t.Fatalf("event %d carries body %q", ev.ID, r.Body[:min(len(r.Body), 80)])
		}
		seen++
	}
	if seen != 2000 {
		t.Fatalf("%d record events, want 2000", seen)
	}
}

// NullifiersByHash reads with a statement of its own (prepared, columns
// listed by hand): it must return what the model's own select returns.
func TestNullifiersByHashReadsEveryColumn(t *testing.T) {
	st := storetest.New(t)
	ctx := context.Background()
	ref := storetest.Chain(1, 1, storetest.Hash("byhash"), "byhash")[0]
	pos := store.Position{Chain: "abstract", BlockHeight: ref.Height, BlockHash: ref.Hash, BlockTime: ref.Time}
	h1, h2 := "0x"+storetest.Hash("n", 1), "0x"+storetest.Hash("n", 2)
	blk := store.Block{BlockRef: ref, NullifierUses: []store.NullifierUse{
		{Position: pos, Contract: storetest.Address(2), Nullifier: h1, LogIndex: 7, TxHash: "0x" + storetest.Hash("t1"),
			Event: store.EventXPProofVerified, Player: storetest.Address(5), ClaimedXP: "123456789012345678901234567890", Threshold: "50", Verified: true},
		{Position: pos, Contract: storetest.Address(1), Nullifier: h1, LogIndex: 3, TxHash: "0x" + storetest.Hash("t2"),
			Event: store.EventProofVerified, Player: storetest.Address(6), ClaimedXP: "0", EventTimestamp: "1700000000"},
		{Position: pos, Contract: storetest.Address(1), Nullifier: h2, LogIndex: 4, TxHash: "0x" + storetest.Hash("t3"),
			Event: store.EventXPProofVerified, Player: storetest.Address(5), ClaimedXP: "1"},
	}}
	if err := st.Apply(ctx, store.Batch{Chain: "abstract", Blocks: []store.Block{blk}, Head: ref.Height, KeepBlocks: 10}); err != nil {
		t.Fatal(err)
	}
	weird := `0x"q\"u,o{t}e\\`
	got, err := st.NullifiersByHash(ctx, []string{h2, weird, h1, h2}, store.AllNullifierColumns)
	if err != nil {
		t.Fatal(err)
	}
	var want []store.NullifierUse
	if err := st.DB().NewSelect().Model(&want).Where("nullifier = ?", h1).Order("block_height", "log_index").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	var want2 []store.NullifierUse
	if err := st.DB().NewSelect().Model(&want2).Where("nullifier = ?", h2).Scan(ctx); err != nil {
		t.Fatal(err)
	}
	if len(got) != 4 || len(got[1]) != 0 || len(want) != 2 {
		t.Fatalf("got %d groups (%v), want 4 with the second empty; model select found %d", len(got), got, len(want))
	}
	for i, w := range [][]store.NullifierUse{want2, nil, want, want2} {
		if len(got[i]) != len(w) {
			t.Fatalf("hash %d: %d uses, want %d", i, len(got[i]), len(w))
		}
		for j := range w {
			g, w := got[i][j], w[j]
			g.BlockTime, w.BlockTime = g.BlockTime.UTC(), w.BlockTime.UTC()
			if g != w {
				t.Fatalf("hash %d use %d:\n got %+v\nwant %+v", i, j, g, w)
			}
		}
	}
	if got[2][0].LogIndex != 3 || got[2][1].LogIndex != 7 {
		t.Fatalf("uses not in log order: %+v", got[2])
	}

	// Each column alone: that one and those always read, the rest empty.
	for c := store.NullifierColumns(1); c < store.AllNullifierColumns; c <<= 1 {
		got, err := st.NullifiersByHash(ctx, []string{h1}, c)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 1 || len(got[0]) != len(want) {
			t.Fatalf("columns %b: %d groups", c, len(got))
		}
		for j, w := range want {
			only := func(bit store.NullifierColumns, f *string) {
				if c != bit {
					*f = ""
				}
			}
			only(store.NullifierBlockHash, &w.BlockHash)
			only(store.NullifierContract, &w.Contract)
			only(store.NullifierTxHash, &w.TxHash)
			only(store.NullifierEvent, &w.Event)
			only(store.NullifierPlayer, &w.Player)
			only(store.NullifierClaimedXP, &w.ClaimedXP)
			only(store.NullifierThreshold, &w.Threshold)
			only(store.NullifierEventTimestamp, &w.EventTimestamp)
			if c != store.NullifierBlockTime {
				w.BlockTime = time.Time{}
			}
			g := got[0][j]
			if !g.BlockTime.Equal(w.BlockTime) {
				t.Fatalf("columns %b use %d: block time %v, want %v", c, j, g.BlockTime, w.BlockTime)
			}
			g.BlockTime, w.BlockTime = time.Time{}, time.Time{}
			if g != w {
				t.Fatalf("columns %b use %d:\n got %+v\nwant %+v", c, j, g, w)
			}
		}
	}
}
