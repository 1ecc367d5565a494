package store_test

import (
	"context"
	"errors"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// sampleChain applies n sample blocks from height 100 and returns them.
func sampleChain(t *testing.T, s *store.Store, n int) []store.Block {
	t.Helper()
	refs := storetest.Chain(100, n, storetest.Hash("genesis"), "main")
	b := batchOf(refs)
	if err := s.Apply(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	return b.Blocks
}

func TestTransactionsRollBackWithTheirBlocks(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	tables := append(slices.Clone(storetest.Tables), "evm_transactions")
	base := storetest.Chain(100, 10, storetest.Hash("genesis"), "main")
	if err := s.Apply(ctx, batchOf(base)); err != nil {
		t.Fatal(err)
	}
	before := storetest.Snapshot(t, s, tables...)
	if err := s.Apply(ctx, batchOf(storetest.Chain(110, 5, base[len(base)-1].Hash, "main"))); err != nil {
		t.Fatal(err)
	}
	if storetest.Snapshot(t, s, "evm_transactions")["evm_transactions"] == before["evm_transactions"] {
		t.Fatal("test is blind: applying blocks did not add transactions")
	}
	if err := s.Rollback(ctx, chain, 109); err != nil {
		t.Fatal(err)
	}
	if after := storetest.Snapshot(t, s, tables...); after["evm_transactions"] != before["evm_transactions"] {
		t.Fatalf("evm_transactions differ after rollback:\nbefore %s\nafter  %s", before["evm_transactions"], after["evm_transactions"])
	}
	var added, removed int
	if err := s.DB().NewRaw(`SELECT count(*) FILTER (WHERE kind = 'ADDED' AND block_height > 109),
		count(*) FILTER (WHERE kind = 'REMOVED') FROM events WHERE entity = ?`, store.EntityTransaction).Scan(ctx, &added, &removed); err != nil {
		t.Fatal(err)
	}
	if added != 15 || removed != 15 {
		t.Fatalf("transaction events above 109: %d ADDED, %d REMOVED; want 15 each", added, removed)
	}
	// A removed transaction's event carries it, so subscribers learn what went.
	evs, err := s.EventsAfter(ctx, 0, 10000)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Entity == store.EntityTransaction && ev.Kind == store.KindRemoved {
			p, err := ev.Decode()
			if err != nil {
				t.Fatal(err)
			}
			if tx := p.(*store.Transaction); tx.TxHash != ev.Key || tx.BlockHeight <= 109 || tx.GasUsed == 0 {
				t.Fatalf("REMOVED event %s carries %+v", ev.Key, tx)
			}
		}
	}

	reorgs, err := s.RecentReorgs(ctx, time.Now().Add(-time.Hour), 10)
	if err != nil {
		t.Fatal(err)
	}
	want := []store.Reorg{{Chain: chain, Depth: 5, FromHeight: 114, Ancestor: 109}}
	if len(reorgs) != 1 || reorgs[0].Chain != want[0].Chain || reorgs[0].Depth != 5 || reorgs[0].FromHeight != 114 || reorgs[0].Ancestor != 109 {
		t.Fatalf("recent reorgs: %+v, want %+v", reorgs, want)
	}
}

// percentile is PostgreSQL's percentile_cont: linear between the two
// nearest ranks.
func percentile(sorted []int64, p float64) float64 {
	pos := p * float64(len(sorted)-1)
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	return float64(sorted[lo]) + (pos-float64(lo))*float64(sorted[hi]-sorted[lo])
}

func TestGasStats(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	blocks := sampleChain(t, s, 30)

	// Expected, per contract and day: the gas of the transactions that
	// emitted claims (badge) and first uses (verifier). Reuse attempts'
	// transactions have no receipt in the sample, and duplicate uses share
	// the use's transaction.
	type key struct {
		day      time.Time
		contract string
	}
	gas := map[key][]int64{}
	for _, b := range blocks {
		byHash := map[string]store.Transaction{}
		for _, tx := range b.Transactions {
			byHash[tx.TxHash] = tx
		}
		day := b.Time.Truncate(24 * time.Hour)
		gas[key{day, b.Claims[0].Contract}] = append(gas[key{day, b.Claims[0].Contract}], byHash[b.Claims[0].TxHash].GasUsed)
		u := b.NullifierUses[0]
		gas[key{day, u.Contract}] = append(gas[key{day, u.Contract}], byHash[u.TxHash].GasUsed)
	}
	stats, err := s.GasStats(ctx, "day", store.SeriesFilter{Span: store.Span{Chain: chain}})
	if err != nil {
		t.Fatal(err)
	}
	if len(stats) != len(gas) {
		t.Fatalf("%d gas stats, want %d: %+v", len(stats), len(gas), stats)
	}
	for _, st := range stats {
		g := slices.Sorted(slices.Values(gas[key{st.Time.UTC(), st.Contract}]))
		var sum int64
		for _, v := range g {
			sum += v
		}
		avg := float64(sum) / float64(len(g))
		if st.Transactions != len(g) || math.Abs(st.AvgGasUsed-avg) > 0.01 ||
			math.Abs(st.P50GasUsed-percentile(g, 0.5)) > 0.01 || math.Abs(st.P95GasUsed-percentile(g, 0.95)) > 0.01 {
			t.Errorf("%s %s: %+v, want n=%d avg=%.2f p50=%.2f p95=%.2f", st.Time, st.Contract, st,
				len(g), avg, percentile(g, 0.5), percentile(g, 0.95))
		}
		if want := strconv.FormatInt(int64(math.Round(avg*1e9)), 10); st.AvgFeeWei != want {
			t.Errorf("%s %s: average fee %s, want %s", st.Time, st.Contract, st.AvgFeeWei, want)
		}
	}

	// A contract filter keeps that contract's rows only.
	badge := blocks[0].Claims[0].Contract
	only, err := s.GasStats(ctx, "week", store.SeriesFilter{Span: store.Span{Chain: chain}, Contract: badge})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, st := range only {
		if st.Contract != badge {
			t.Fatalf("contract filter %s returned %s", badge, st.Contract)
		}
		n += st.Transactions
	}
	if n != len(blocks) {
		t.Fatalf("weekly badge gas counts %d transactions, want %d", n, len(blocks))
	}
	if _, err := s.GasStats(ctx, "year", store.SeriesFilter{}); err == nil {
		t.Fatal("a bucket that is not minute, hour, day or week was accepted")
	}
}

func TestCallStatsAndFailedCalls(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	blocks := sampleChain(t, s, 12)
	verifier := blocks[0].NullifierUses[0].Contract

	calls, err := s.CallStats(ctx, "week", store.SeriesFilter{Span: store.Span{Chain: chain}})
	if err != nil {
		t.Fatal(err)
	}
	var ok, failed int
	for _, c := range calls {
		if c.Contract != verifier || c.Function != "verifyXPProof" || c.Selector != "0x5e2a0b1c" {
			t.Fatalf("call stat %+v: not the verifier's verifyXPProof", c)
		}
		ok, failed = ok+c.Succeeded, failed+c.Failed
	}
	// The claim's transaction is not a call found in the block (Called
	// false): rates count only calls.
	if ok != len(blocks) || failed != len(blocks) {
		t.Fatalf("calls: %d succeeded, %d failed; want %d each", ok, failed, len(blocks))
	}
	errs, err := s.CallErrors(ctx, store.SeriesFilter{Span: store.Span{Chain: chain}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.CallError{Chain: chain, Contract: verifier, Function: "verifyXPProof", Error: "ClaimTooLarge", Count: len(blocks)}); len(errs) != 1 || errs[0] != want {
		t.Fatalf("call errors: %+v, want %+v", errs, want)
	}

	// Failed calls, newest first, two per page.
	var seen []int64
	page := store.Page{First: 5, Desc: true, WithTotal: true}
	for {
		pg, err := s.FailedCalls(ctx, store.FailedCallFilter{Span: store.Span{Chain: chain}, Error: "ClaimTooLarge"}, page)
		if err != nil {
			t.Fatal(err)
		}
		if pg.Total != len(blocks) {
			t.Fatalf("total %d, want %d", pg.Total, len(blocks))
		}
		for _, tx := range pg.Rows {
			if tx.Status != store.TxFailed || tx.ErrorMessage == "" {
				t.Fatalf("failed calls listed %+v", tx)
			}
			seen = append(seen, tx.BlockHeight)
		}
		if !pg.HasNext {
			break
		}
		page.After = pg.Cursors[len(pg.Cursors)-1]
	}
	if len(seen) != len(blocks) || !slices.IsSortedFunc(seen, func(a, b int64) int { return int(b - a) }) {
		t.Fatalf("failed calls by height: %v", seen)
	}
	none, err := s.FailedCalls(ctx, store.FailedCallFilter{Error: "NotMinter"}, store.Page{First: 10})
	if err != nil || len(none.Rows) != 0 {
		t.Fatalf("an error no call reverted with listed %v (%v)", none.Rows, err)
	}
}

func TestPlayersLeaderboard(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	// XP per player: 0x…1 150, 0x…2 and 0x…3 90 each, 0x…4 10 (and 5 more
	// on another chain).
	uses := []struct {
		chain  string
		player int
		xp     int
	}{{chain, 1, 100}, {chain, 1, 50}, {chain, 2, 90}, {chain, 3, 60}, {chain, 3, 30}, {chain, 4, 10}, {"other", 4, 5}}
	byChain := map[string]*store.Batch{}
	for i, u := range uses {
		b := byChain[u.chain]
		if b == nil {
			ref := storetest.Chain(1, 1, storetest.Hash(u.chain), u.chain)[0]
			b = &store.Batch{Chain: u.chain, Blocks: []store.Block{{BlockRef: ref}}, Head: 1}
			byChain[u.chain] = b
		}
		b.Blocks[0].NullifierUses = append(b.Blocks[0].NullifierUses, store.NullifierUse{
			Contract: storetest.Address(900), Nullifier: "0x" + storetest.Hash("n", i), LogIndex: int32(i), TxHash: "0x" + storetest.Hash("tx", i),
			Event: store.EventXPProofVerified, Player: storetest.Address(u.player), ClaimedXP: strconv.Itoa(u.xp), Threshold: "1", Verified: true,
		})
	}
	for _, b := range byChain {
		if err := s.Apply(ctx, *b); err != nil {
			t.Fatal(err)
		}
	}
	type row struct {
		player string
		xp     string
		rank   int64
	}
	read := func(f store.PlayerFilter, first int) (rows []row, total int) {
		t.Helper()
		p := store.Page{First: first, WithTotal: true}
		for {
			pg, err := s.Players(ctx, f, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range pg.Rows {
				rows = append(rows, row{r.Player, r.XP, r.Rank})
			}
			total = pg.Total
			if !pg.HasNext {
				return rows, total
			}
			p.After = pg.Cursors[len(pg.Cursors)-1]
		}
	}
	a := storetest.Address
	got, total := read(store.PlayerFilter{}, 2)
	want := []row{{a(1), "150", 1}, {a(3), "90", 2}, {a(2), "90", 2}, {a(4), "15", 4}}
	if !slices.Equal(got, want) || total != 4 {
		t.Fatalf("leaderboard over every chain: %v (total %d), want %v", got, total, want)
	}
	got, _ = read(store.PlayerFilter{Chain: chain, Order: store.PlayersByXPAsc}, 3)
	want = []row{{a(4), "10", 4}, {a(2), "90", 2}, {a(3), "90", 2}, {a(1), "150", 1}}
	if !slices.Equal(got, want) {
		t.Fatalf("%s's players by XP ascending: %v, want %v", chain, got, want)
	}
	// A filter picks players; their ranks stay the whole board's.
	got, total = read(store.PlayerFilter{Addresses: []string{a(4), a(2)}, Order: store.PlayersByAddress}, 10)
	want = []row{{a(2), "90", 2}, {a(4), "15", 4}}
	if !slices.Equal(got, want) || total != 2 {
		t.Fatalf("players by address: %v (total %d), want %v", got, total, want)
	}
	got, _ = read(store.PlayerFilter{MinXP: "90"}, 10)
	if len(got) != 3 {
		t.Fatalf("players with at least 90 XP: %v", got)
	}
	if _, err := s.Players(ctx, store.PlayerFilter{}, store.Page{First: 1, After: "nonsense"}); err == nil {
		t.Fatal("a cursor this list did not hand out was accepted")
	}
}

func TestActivityAndThresholds(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	blocks := sampleChain(t, s, 30)
	f := store.SeriesFilter{Span: store.Span{Chain: chain}}

	// Expected: distinct claimants and users per day.
	perDay := map[time.Time]map[string]bool{}
	for _, b := range blocks {
		d := b.Time.Truncate(24 * time.Hour)
		if perDay[d] == nil {
			perDay[d] = map[string]bool{}
		}
		perDay[d][b.Claims[0].Player] = true
		perDay[d][b.NullifierUses[0].Player] = true
	}
	active, err := s.ActivePlayers(ctx, "day", f)
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != len(perDay) {
		t.Fatalf("active players on %d days, want %d", len(active), len(perDay))
	}
	for _, c := range active {
		if c.Count != len(perDay[c.Time.UTC()]) {
			t.Errorf("%s: %d active players, want %d", c.Time, c.Count, len(perDay[c.Time.UTC()]))
		}
	}
	// First uses only: a nullifier used again is a reuse attempt, not
	// activity. Count them from the store's own split.
	var firstUses []struct {
		H int `bun:"h"`
		N int `bun:"n"`
	}
	if err := s.DB().NewRaw(`SELECT extract(hour FROM block_time AT TIME ZONE 'UTC')::int AS h, count(*) AS n FROM nullifiers GROUP BY 1`).Scan(ctx, &firstUses); err != nil {
		t.Fatal(err)
	}
	wantHours := map[int]int{}
	for _, b := range blocks {
		wantHours[b.Time.Hour()]++ // the claim
	}
	for _, u := range firstUses {
		wantHours[u.H] += u.N
	}
	hours, err := s.BusiestHours(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	if len(hours) != len(wantHours) {
		t.Fatalf("busiest hours %v, want %v", hours, wantHours)
	}
	for i, h := range hours {
		if h.Count != wantHours[h.Hour] || i > 0 && hours[i-1].Count < h.Count {
			t.Fatalf("busiest hours %v (not busiest first, or not %v)", hours, wantHours)
		}
	}

	var thresholds int
	for _, b := range blocks {
		thresholds += len(b.Thresholds)
	}
	pg, err := s.ThresholdUpdates(ctx, store.ThresholdFilter{Span: store.Span{Chain: chain}}, store.Page{First: 100, WithTotal: true})
	if err != nil {
		t.Fatal(err)
	}
	if thresholds == 0 || len(pg.Rows) != thresholds || pg.Total != thresholds || pg.Rows[0].NewThreshold != "30" {
		t.Fatalf("threshold updates: %+v, want %d", pg.Rows, thresholds)
	}
}

// A server whose default time zone is not UTC still cuts days at UTC
// midnight: herald's sessions are UTC.
func TestSeriesBucketsAreUTC(t *testing.T) {
	ctx := context.Background()
	_, url := storetest.NewWithURL(t)
	admin, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.DB().ExecContext(ctx, "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET TimeZone = %L', current_database(), 'Pacific/Auckland'); END $$"); err != nil {
		t.Fatal(err)
	}
	admin.Close()
	s, err := store.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var zone string
	if err := s.DB().NewRaw("SHOW TimeZone").Scan(ctx, &zone); err != nil || zone != "UTC" {
		t.Fatalf("session time zone %q (%v), want UTC", zone, err)
	}
	var blocks []store.Block
	for _, r := range storetest.Chain(1, 30, storetest.Hash("tz"), "tz") {
		blocks = append(blocks, storetest.SampleBlock(r))
	}
	if err := s.Apply(ctx, store.Batch{Chain: chain, Blocks: blocks, Head: 30, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	series, err := s.Series(ctx, "badge_claims", "day", store.SeriesFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(series) == 0 {
		t.Fatal("no buckets")
	}
	for _, b := range series {
		if u := b.Time.UTC(); u.Hour() != 0 || u.Minute() != 0 {
			t.Errorf("day bucket %s does not start at UTC midnight", u)
		}
	}
}

// A series longer than MaxSeriesPoints is refused, not answered in full:
// minutes over a year would be half a million points.
func TestSeriesAreBounded(t *testing.T) {
	ctx := context.Background()
	s := storetest.New(t)
	refs := storetest.Chain(1, 1, storetest.Hash("long"), "long")
	if err := s.Apply(ctx, store.Batch{Chain: chain, Blocks: []store.Block{storetest.SampleBlock(refs[0])}, Head: 1, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	// One claim a minute, a minute more than a series may hold.
	if _, err := s.DB().ExecContext(ctx, `INSERT INTO badge_claims
		SELECT (jsonb_populate_record(NULL::badge_claims, to_jsonb(c) || jsonb_build_object(
			'block_height', 1000 + g, 'tx_hash', '0x' || lpad(to_hex(g), 64, '0'),
			'block_time', c.block_time + g * interval '1 minute'))).*
		FROM badge_claims c, generate_series(1, ?) g`, store.MaxSeriesPoints); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Series(ctx, "badge_claims", "minute", store.SeriesFilter{}); !errors.Is(err, store.ErrTooManyPoints) {
		t.Fatalf("a series of %d minutes: err = %v, want ErrTooManyPoints", store.MaxSeriesPoints+1, err)
	}
	if _, err := s.ActivePlayers(ctx, "minute", store.SeriesFilter{}); !errors.Is(err, store.ErrTooManyPoints) {
		t.Fatalf("active players over %d minutes: err = %v, want ErrTooManyPoints", store.MaxSeriesPoints+1, err)
	}
	if days, err := s.Series(ctx, "badge_claims", "day", store.SeriesFilter{}); err != nil || len(days) == 0 {
		t.Fatalf("the same rows by day: %d points, %v", len(days), err)
	}
}
