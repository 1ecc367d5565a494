package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

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
