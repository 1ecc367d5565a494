package store_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// summariesFromScratch is nft_summaries computed from the registrations
// alone: what the derived table must equal after any apply or rollback.
const summariesFromScratch = `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x::text)::text, '[]') FROM (
	SELECT DISTINCT ON (inscription_id, chain, collection, status)
	       inscription_id, chain, collection, status,
	       count(*) OVER w AS registrations, min(block_height) OVER w AS first_height,
	       block_height AS last_height, tx_index AS last_tx_index, txid AS last_txid
	FROM registrations
	WINDOW w AS (PARTITION BY inscription_id, chain, collection, status)
	ORDER BY inscription_id, chain, collection, status, block_height DESC, tx_index DESC, txid DESC) x`

const summariesStored = `SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x::text)::text, '[]') FROM nft_summaries x`

func checkSummaries(t *testing.T, s *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	var want, got string
	if err := s.DB().NewRaw(summariesFromScratch).Scan(ctx, &want); err != nil {
		t.Fatal(err)
	}
	if err := s.DB().NewRaw(summariesStored).Scan(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Fatalf("%s: nft_summaries is not the sum of the registrations:\nstored      %s\nfrom scratch %s", when, got, want)
	}
}

var statuses = []store.RegistrationStatus{store.StatusValid, store.StatusUnderpaid, store.StatusValid, store.StatusExpired, store.StatusMultiplePayloads}

// registrationBlocks gives each block registrations of a few NFTs in two
// collections, with every status, several per block at varied positions,
// so that rows gain and lose their newest and oldest registrations.
func registrationBlocks(refs []store.BlockRef, branch string) []store.Block {
	blocks := make([]store.Block, len(refs))
	for i, ref := range refs {
		b := store.Block{BlockRef: ref}
		h := int(ref.Height)
		for j := range 1 + h%3 {
			b.Registrations = append(b.Registrations, store.Registration{
				TxID: storetest.Hash(branch, ref.Hash, j), Collection: []string{"demo", "other"}[(h+j)%2],
				TxIndex: int32(10 - 3*j + h%2), InscriptionID: storetest.Hash("nft", (h*7+j)%4) + "i0",
				ExpiryHeight: ref.Height + 5, Creator: "bcrt1qcreator", PaidSats: 50000, MinFeeSats: 50000,
				Status: statuses[(h+2*j)%len(statuses)],
			})
		}
		blocks[i] = b
	}
	return blocks
}

func TestNFTSummariesFollowApplyAndRollbackExactly(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	// Two chains share NFTs: rolling one back leaves the other's rows.
	other := storetest.Chain(1, 12, storetest.Hash("other-genesis"), "other")
	if err := s.Apply(ctx, store.Batch{Chain: "other-chain", Blocks: registrationBlocks(other, "other"), Head: 12, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	base := storetest.Chain(1, 10, storetest.Hash("genesis"), "main")
	if err := s.Apply(ctx, store.Batch{Chain: chain, Blocks: registrationBlocks(base, "main"), Head: 10, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	checkSummaries(t, s, "after the first batch")
	before := storetest.Snapshot(t, s, storetest.Tables...)

	more := storetest.Chain(11, 14, base[len(base)-1].Hash, "main")
	blocks := registrationBlocks(more, "main")
	for _, part := range [][]store.Block{blocks[:5], blocks[5:]} {
		if err := s.Apply(ctx, store.Batch{Chain: chain, Blocks: part, Head: 24, KeepBlocks: 100}); err != nil {
			t.Fatal(err)
		}
		checkSummaries(t, s, fmt.Sprintf("after applying blocks %d..%d", part[0].Height, part[len(part)-1].Height))
	}
	if storetest.Snapshot(t, s, "nft_summaries")["nft_summaries"] == before["nft_summaries"] {
		t.Fatal("test is blind: applying blocks did not change the summaries")
	}
	// Back into the middle of the second batch, then to where the first
	// ended: rows lose their newest registrations, some all of theirs.
	if err := s.Rollback(ctx, chain, 17); err != nil {
		t.Fatal(err)
	}
	checkSummaries(t, s, "after rolling back to 17")
	if err := s.Rollback(ctx, chain, 10); err != nil {
		t.Fatal(err)
	}
	after := storetest.Snapshot(t, s, storetest.Tables...)
	for _, tbl := range storetest.Tables {
		if before[tbl] != after[tbl] {
			t.Errorf("table %s differs after rollback:\nbefore %s\nafter  %s", tbl, before[tbl], after[tbl])
		}
	}
	// Below the chain's first block it starts over: only the other chain's
	// rows are left.
	if err := s.Rollback(ctx, chain, 0); err != nil {
		t.Fatal(err)
	}
	checkSummaries(t, s, "after starting the chain over")
	var left int
	if err := s.DB().NewRaw("SELECT count(*) FROM nft_summaries WHERE chain <> 'other-chain'").Scan(ctx, &left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Fatalf("%d summary rows of the rolled-back chain are left", left)
	}
}

// TestNFTSummariesAnswerWhatRegistrationsSay holds NFTSummaries to the
// definition: the newest valid registration, the valid count, and per
// collection the oldest valid registration's height.
func TestNFTSummariesAnswerWhatRegistrationsSay(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(1, 30, storetest.Hash("genesis"), "main")
	if err := s.Apply(ctx, store.Batch{Chain: chain, Blocks: registrationBlocks(refs, "main"), Head: 30, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	other := storetest.Chain(1, 5, storetest.Hash("other-genesis"), "other")
	if err := s.Apply(ctx, store.Batch{Chain: "other-chain", Blocks: registrationBlocks(other, "other"), Head: 5, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	ids := []string{storetest.Hash("nft", 0) + "i0", storetest.Hash("nft", 1) + "i0", storetest.Hash("nft", 2) + "i0",
		storetest.Hash("nft", 3) + "i0", storetest.Hash("nft", 1) + "i0", storetest.Hash("never registered") + "i0"}
	got, err := s.NFTSummaries(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		var regs []store.Registration
		if err := s.DB().NewSelect().Model(&regs).Where("inscription_id = ? AND status = ?", id, store.StatusValid).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		want := store.NFTSummary{ID: id}
		oldest := map[[2]string]*store.CollectionHeight{}
		for j := range regs {
			r := &regs[j]
			want.ValidCount++
			if want.Last == nil || cmp.Or(cmp.Compare(r.BlockHeight, want.Last.BlockHeight), cmp.Compare(r.TxIndex, want.Last.TxIndex),
				strings.Compare(r.TxID, want.Last.TxID), strings.Compare(r.Collection, want.Last.Collection)) > 0 {
				want.Last = r
			}
			k := [2]string{r.Chain, r.Collection}
			if o := oldest[k]; o == nil {
				oldest[k] = &store.CollectionHeight{Chain: r.Chain, Collection: r.Collection, Height: r.BlockHeight, Count: 1}
			} else {
				o.Height, o.Count = min(o.Height, r.BlockHeight), o.Count+1
			}
		}
		for _, o := range oldest {
			want.Oldest = append(want.Oldest, *o)
		}
		byPlace := func(a, b store.CollectionHeight) int {
			return cmp.Or(strings.Compare(a.Chain, b.Chain), strings.Compare(a.Collection, b.Collection))
		}
		slices.SortFunc(want.Oldest, byPlace)
		slices.SortFunc(got[i].Oldest, byPlace)
		w, _ := json.Marshal(want)
		g, _ := json.Marshal(got[i])
		if string(w) != string(g) {
			t.Errorf("summary of %s:\ngot  %s\nwant %s", id, g, w)
		}
		if i < 4 && want.ValidCount == 0 {
			t.Fatalf("test is blind: %s has no valid registration", id)
		}
	}
}

// statements records the SQL a store runs.
type statements struct {
	mu sync.Mutex
	q  []string
}

func (s *statements) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context { return ctx }
func (s *statements) AfterQuery(_ context.Context, e *bun.QueryEvent) {
	s.mu.Lock()
	s.q = append(s.q, e.Query)
	s.mu.Unlock()
}

func (s *statements) take() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.q
	s.q = nil
	return q
}

// planNode is a node of EXPLAIN (ANALYZE, FORMAT JSON).
type planNode struct {
	Type     string     `json:"Node Type"`
	Relation string     `json:"Relation Name"`
	Index    string     `json:"Index Name"`
	Rows     float64    `json:"Actual Rows"`
	Loops    float64    `json:"Actual Loops"`
	Removed  float64    `json:"Rows Removed by Filter"`
	Plans    []planNode `json:"Plans"`
}

func (n planNode) walk(f func(planNode)) {
	f(n)
	for _, c := range n.Plans {
		c.walk(f)
	}
}

func explain(t *testing.T, s *store.Store, query string) planNode {
	t.Helper()
	var out string
	if err := s.DB().NewRaw("EXPLAIN (ANALYZE, FORMAT JSON) "+query).Scan(context.Background(), &out); err != nil {
		t.Fatalf("explain %s: %v", query, err)
	}
	var plans []struct {
		Plan planNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(out), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("explain output %s: %v", out, err)
	}
	return plans[0].Plan
}

// TestNFTStatusReadsAFewRowsWhateverTheRegistrations: an NFT with 20,000
// registrations answers its status, its first two pages of 20 and its last
// two (backward) reading
// about as many rows as the answer has — by index, never counting or
// sorting its registrations.
func TestNFTStatusReadsAFewRowsWhateverTheRegistrations(t *testing.T) {
	ctx := context.Background()
	writer, url := storetest.NewWithURL(t)
	busy, quiet := storetest.Hash("busy")+"i0", storetest.Hash("quiet")+"i0"
	refs := storetest.Chain(1, 200, storetest.Hash("genesis"), "main")
	blocks := make([]store.Block, len(refs))
	for i, ref := range refs {
		blocks[i].BlockRef = ref
		for j := range 100 {
			status := store.StatusValid
			if j%4 == 3 {
				status = store.StatusUnderpaid
			}
			blocks[i].Registrations = append(blocks[i].Registrations, store.Registration{
				TxID: storetest.Hash(ref.Hash, j), Collection: "demo", TxIndex: int32(j % 7), InscriptionID: busy,
				ExpiryHeight: 1_000_000, Creator: "bcrt1qcreator", PaidSats: 50000, MinFeeSats: 50000, Status: status,
			})
		}
		if i%20 == 0 {
			blocks[i].Registrations = append(blocks[i].Registrations, store.Registration{
				TxID: storetest.Hash(ref.Hash, "quiet"), Collection: "demo", TxIndex: 200, InscriptionID: quiet,
				ExpiryHeight: 1_000_000, Creator: "bcrt1qcreator", PaidSats: 50000, MinFeeSats: 50000, Status: store.StatusValid,
			})
		}
	}
	if err := writer.Apply(ctx, store.Batch{Chain: chain, Blocks: blocks, Head: 200, KeepBlocks: 300}); err != nil {
		t.Fatal(err)
	}
	if _, err := writer.DB().ExecContext(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	rec := &statements{}
	reader, err := store.Open(ctx, url, store.WithQueryHook(rec))
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()

	sums, err := reader.NFTSummaries(ctx, []string{busy, quiet})
	if err != nil {
		t.Fatal(err)
	}
	if sums[0].ValidCount != 15_000 || sums[1].ValidCount != 10 {
		t.Fatalf("valid counts %d and %d, want 15000 and 10", sums[0].ValidCount, sums[1].ValidCount)
	}
	status := rec.take()
	first, err := reader.RegistrationsOfNFTs(ctx, []string{busy}, nil, store.Page{First: 20, Desc: true, WithTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if first[0].Total != 20_000 || len(first[0].Rows) != 20 || !first[0].HasNext {
		t.Fatalf("first page: total %d, %d rows, next %v; want 20000, 20, true", first[0].Total, len(first[0].Rows), first[0].HasNext)
	}
	pages := rec.take()
	next, err := reader.RegistrationsOfNFTs(ctx, []string{busy}, []string{string(store.StatusValid)},
		store.Page{First: 20, After: first[0].Cursors[19], Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(next[0].Rows) != 20 {
		t.Fatalf("next page: %d rows, want 20", len(next[0].Rows))
	}
	pages = append(pages, rec.take()...)
	// The oldest 20, and the 20 before the next page with what lies past
	// its cursor: the index read the other way (or, next to the newest
	// block, the list's own).
	last, err := reader.RegistrationsOfNFTs(ctx, []string{busy}, nil, store.Page{Backward: true, Last: 20, Desc: true})
	if err != nil || len(last[0].Rows) != 20 || !last[0].HasPrevious || last[0].HasNext {
		t.Fatalf("last page: %+v, %v", last, err)
	}
	before, err := reader.RegistrationsOfNFTs(ctx, []string{busy}, []string{string(store.StatusValid)},
		store.Page{Backward: true, Last: 20, Before: next[0].Cursors[0], Desc: true, WithBeyond: true})
	valid := 0 // of the first page: those before the next
	for _, r := range first[0].Rows {
		if r.Status == store.StatusValid {
			valid++
		}
	}
	if err != nil || len(before[0].Rows) != valid || before[0].HasPrevious || !before[0].HasNext {
		t.Fatalf("the page before the next one: %d rows, previous %v, next %v, %v", len(before[0].Rows), before[0].HasPrevious, before[0].HasNext, err)
	}
	backward := rec.take()
	if len(status) == 0 || len(pages) < 3 || len(backward) < 3 {
		t.Fatalf("test is blind: recorded %d status, %d page and %d backward page statements", len(status), len(pages), len(backward))
	}

	for _, q := range slices.Concat(status, pages, backward) {
		explain(t, writer, q).walk(func(n planNode) {
			// 20 rows and the one that says there is a next page; a page
			// of valid registrations skips the invalid ones among them.
			if read := n.Rows*max(n.Loops, 1) + n.Removed; n.Relation == "registrations" && read > 30 {
				t.Errorf("%s on registrations (index %q) read %.0f rows:\n%s", n.Type, n.Index, read, q)
			}
			if n.Type == "Sort" || n.Type == "Incremental Sort" {
				t.Errorf("plan sorts:\n%s", q)
			}
		})
	}
	for _, q := range pages {
		if !strings.Contains(q, "FROM registrations") {
			continue
		}
		byIndex := false
		explain(t, writer, q).walk(func(n planNode) {
			byIndex = byIndex || (n.Relation == "registrations" && n.Index == "registrations_nft")
		})
		if !byIndex {
			t.Errorf("a page of an NFT's registrations does not read registrations_nft:\n%s", q)
		}
	}
}

// TestRegistrationColumnsAreTheModels: the pages of an NFT's registrations,
// scanned column by column, are the rows bun reads into the model.
func TestRegistrationColumnsAreTheModels(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(1, 8, storetest.Hash("genesis"), "main")
	if err := s.Apply(ctx, store.Batch{Chain: chain, Blocks: registrationBlocks(refs, "main"), Head: 8, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	id := storetest.Hash("nft", 1) + "i0"
	pages, err := s.RegistrationsOfNFTs(ctx, []string{id}, nil, store.Page{First: 100, Desc: true})
	if err != nil {
		t.Fatal(err)
	}
	var want []store.Registration
	if err := s.DB().NewSelect().Model(&want).Where("inscription_id = ?", id).
		OrderExpr("block_height DESC, tx_index DESC, txid DESC, collection DESC").Scan(ctx); err != nil {
		t.Fatal(err)
	}
	got := pages[0].Rows
	if len(want) < 2 || len(got) != len(want) {
		t.Fatalf("%d rows, want %d (and at least 2)", len(got), len(want))
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.BlockTime.Equal(w.BlockTime) {
			t.Fatalf("row %d: block time %v, want %v", i, g.BlockTime, w.BlockTime)
		}
		g.BlockTime = w.BlockTime
		if g != w {
			t.Fatalf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}
