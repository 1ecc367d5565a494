package graph_test

import (
	"context"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// analyticsEnv is a gateway over 12 sample EVM blocks: each has a claim and
// a use with receipts, a reuse attempt without one, and a reverted call.
func analyticsEnv(t *testing.T) (*env, []store.Block) {
	t.Helper()
	e := newEnv(t, limits.Defaults())
	var blocks []store.Block
	for _, r := range storetest.Chain(1, 12, storetest.Hash("evm"), "evm") {
		blocks = append(blocks, storetest.SampleBlock(r))
	}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: "abstract", Blocks: blocks, Head: 12, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	// Tests count the statements a query runs: the caches' own reads, as
	// they go live and take the batch in, must be over by then.
	waitLive(t, e)
	caughtUp(t, e)
	return e, blocks
}

func TestGasOnEvents(t *testing.T) {
	e, blocks := analyticsEnv(t)
	gasOf := map[string]store.Transaction{}
	for _, b := range blocks {
		for _, tx := range b.Transactions {
			gasOf[tx.TxHash] = tx
		}
	}
	type gas struct {
		TxHash  string
		GasUsed *int
		FeeWei  *string
	}
	var got struct {
		BadgeClaims    struct{ Nodes []gas }
		UsedNullifiers struct{ Nodes []gas }
		ReuseAttempts  struct{ Nodes []gas }
	}
	e.counter.reset()
	e.query(`{ badgeClaims(first: 12) { nodes { txHash gasUsed feeWei } }
		usedNullifiers(first: 12) { nodes { txHash gasUsed feeWei } }
		reuseAttempts(first: 12) { nodes { txHash gasUsed feeWei } } }`, nil, &got)
	// Three lists and, for each, one lookup of every receipt it names
	// (twelve nodes, two fields each).
	if n := e.counter.n.Load(); n != 6 {
		t.Errorf("%d statements for three lists' gas, want 6:\n%s", n, strings.Join(e.counter.queries, "\n"))
	}
	// A NULLIFIER_REUSED attempt's transaction has no receipt in the
	// sample; a DUPLICATE_USE shares its use's.
	check := func(what string, nodes []gas) {
		t.Helper()
		if len(nodes) == 0 {
			t.Fatalf("no %s", what)
		}
		for _, n := range nodes {
			tx, ok := gasOf[n.TxHash]
			switch {
			case !ok:
				if n.GasUsed != nil || n.FeeWei != nil {
					t.Errorf("%s %s without a receipt: gas %v fee %v, want null", what, n.TxHash, *n.GasUsed, *n.FeeWei)
				}
			case n.GasUsed == nil || int64(*n.GasUsed) != tx.GasUsed || n.FeeWei == nil || *n.FeeWei != tx.FeeWei:
				t.Errorf("%s %s: gas %v fee %v, want %d %s", what, n.TxHash, n.GasUsed, n.FeeWei, tx.GasUsed, tx.FeeWei)
			}
		}
	}
	check("claim", got.BadgeClaims.Nodes)
	check("use", got.UsedNullifiers.Nodes)
	check("reuse attempt", got.ReuseAttempts.Nodes)
	var missing int
	for _, n := range got.ReuseAttempts.Nodes {
		if n.GasUsed == nil {
			missing++
		}
	}
	if missing == 0 || missing == len(got.ReuseAttempts.Nodes) {
		t.Errorf("test is blind: %d of %d reuse attempts without a receipt", missing, len(got.ReuseAttempts.Nodes))
	}
}

func TestFailedCallsAndThresholds(t *testing.T) {
	e, blocks := analyticsEnv(t)
	var got struct {
		FailedCalls struct {
			TotalCount int
			Nodes      []struct {
				Contract, Function, TxHash string
				GasLimit, GasUsed, TxIndex int
				Error                      struct{ Name, Selector, Message *string }
				Block                      struct{ Height int }
			}
			PageInfo struct{ HasNextPage bool }
		}
		ThresholdUpdates struct {
			TotalCount int
			Nodes      []struct{ OldThreshold, NewThreshold string }
		}
	}
	e.query(`{ failedCalls(first: 5, where: { chain: "abstract", error: "ClaimTooLarge", height: { gte: 3 } }) {
			totalCount pageInfo { hasNextPage }
			nodes { contract function txHash gasLimit gasUsed txIndex error { name selector message } block { height } } }
		thresholdUpdates(where: { chain: "abstract" }) { totalCount nodes { oldThreshold newThreshold } } }`, nil, &got)
	fc := got.FailedCalls
	if fc.TotalCount != 10 || len(fc.Nodes) != 5 || !fc.PageInfo.HasNextPage || fc.Nodes[0].Block.Height != 12 {
		t.Fatalf("failed calls: %+v", fc)
	}
	n := fc.Nodes[0]
	if n.Function != "verifyXPProof" || n.GasLimit != 400_000 || n.TxIndex != 9 || deref(n.Error.Name) != "ClaimTooLarge" ||
		deref(n.Error.Selector) != "0x8d2c5b3a" || deref(n.Error.Message) != "claimedXP=5000, maxXP=1000" {
		t.Fatalf("failed call %+v", n)
	}
	var thresholds int
	for _, b := range blocks {
		thresholds += len(b.Thresholds)
	}
	if got.ThresholdUpdates.TotalCount != thresholds || len(got.ThresholdUpdates.Nodes) != thresholds || got.ThresholdUpdates.Nodes[0].NewThreshold != "30" {
		t.Fatalf("threshold updates %+v, want %d", got.ThresholdUpdates, thresholds)
	}
	if r := e.post(map[string]any{"query": `{ failedCalls(after: "x") { totalCount } }`}); r.code() != "BAD_USER_INPUT" {
		t.Fatalf("a cursor failedCalls did not hand out: %+v", r.Errors)
	}

	// A reverted call known by its receipt alone — no input, so no
	// selector, function or gas limit — says so with nulls, not "" and 0.
	next := storetest.SampleBlock(storetest.Chain(13, 1, blocks[len(blocks)-1].Hash, "evm")[0])
	bare := next.Transactions[2]
	bare.TxHash, bare.TxIndex, bare.Selector, bare.Function, bare.GasLimit = "0x"+strings.Repeat("ab", 32), 11, "", "", 0
	next.Transactions = append(next.Transactions, bare)
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: "abstract", Blocks: []store.Block{next}, Head: 13, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, e)
	var bareGot struct {
		FailedCalls struct {
			Nodes []struct {
				Function, Selector *string
				GasLimit           *int
			}
		}
	}
	e.query(`{ failedCalls(first: 1, where: { chain: "abstract", height: { gte: 13 } }) { nodes { function selector gasLimit } } }`, nil, &bareGot)
	if ns := bareGot.FailedCalls.Nodes; len(ns) != 1 || ns[0].Function != nil || ns[0].Selector != nil || ns[0].GasLimit != nil {
		t.Fatalf("a failed call known by its receipt: %+v, want null function, selector and gasLimit", ns)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func TestPlayersLeaderboard(t *testing.T) {
	e, _ := analyticsEnv(t)
	var want []store.RankedPlayer
	if err := e.writer.DB().NewRaw(`SELECT player, sum(xp)::text AS xp, sum(uses) AS uses, rank() OVER (ORDER BY sum(xp) DESC) AS rank
		FROM player_xp GROUP BY player ORDER BY sum(xp) DESC, player DESC`).Scan(context.Background(), &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 2 {
		t.Fatalf("test is blind: %d players with XP", len(want))
	}
	type node struct {
		Address      string
		XP           string
		VerifiedUses int
		Rank         int
		Player       struct{ XP string }
	}
	var pages []node
	after := ""
	for {
		var got struct {
			Players struct {
				TotalCount int
				Nodes      []node
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		vars := map[string]any{}
		if after != "" {
			vars["after"] = after
		}
		e.query(`query($after: String) { players(first: 1, after: $after) {
			totalCount pageInfo { hasNextPage endCursor } nodes { address xp verifiedUses rank player { xp } } } }`, vars, &got)
		if got.Players.TotalCount != len(want) {
			t.Fatalf("totalCount %d, want %d", got.Players.TotalCount, len(want))
		}
		pages = append(pages, got.Players.Nodes...)
		if !got.Players.PageInfo.HasNextPage {
			break
		}
		after = got.Players.PageInfo.EndCursor
	}
	if len(pages) != len(want) {
		t.Fatalf("%d players over the pages, want %d", len(pages), len(want))
	}
	for i, w := range want {
		p := pages[i]
		if p.Address != w.Player || p.XP != w.XP || p.VerifiedUses != int(w.Uses) || p.Rank != int(w.Rank) || p.Player.XP != w.XP {
			t.Errorf("place %d: %+v, want %+v", i+1, p, w)
		}
	}
	// Players by address: the checker's question, in one query.
	var some struct {
		Players struct{ Nodes []node }
	}
	e.query(`query($a: [Address!]) { players(where: { addresses: $a }, orderBy: ADDRESS_ASC) { nodes { address rank } } }`,
		map[string]any{"a": []string{want[1].Player, want[0].Player}}, &some)
	if len(some.Players.Nodes) != 2 || some.Players.Nodes[0].Rank+some.Players.Nodes[1].Rank != int(want[0].Rank+want[1].Rank) {
		t.Fatalf("players by address: %+v", some.Players.Nodes)
	}
	for _, q := range []string{
		`{ players(after: "nonsense") { totalCount } }`,
		`{ players(where: { addresses: ["0x12"] }) { totalCount } }`,
		`{ players(where: { minXP: "-5" }) { totalCount } }`,
	} {
		if r := e.post(map[string]any{"query": q}); r.code() != "BAD_USER_INPUT" && r.code() != "GRAPHQL_VALIDATION_FAILED" {
			t.Errorf("%s: %+v, want BAD_USER_INPUT", q, r.Errors)
		}
	}
}

func TestDashboardStats(t *testing.T) {
	e, blocks := analyticsEnv(t)
	var got struct {
		Stats struct {
			BadgeClaims   []struct{ Count int }
			NullifierUses []struct{ Count int }
			ActivePlayers []struct{ Count int }
			BusiestHours  []struct{ Hour, Count int }
			Calls         []struct {
				Function          *string
				Succeeded, Failed int
				FailureRate       float64
			}
			CallErrors []struct {
				Error string
				Count int
			}
		}
	}
	badge := blocks[0].Claims[0].Contract
	e.query(`{ stats(bucket: WEEK, chain: "abstract") {
			badgeClaims { count } nullifierUses { count } activePlayers { count } busiestHours { hour count }
			calls { function succeeded failed failureRate } callErrors { error count } } }`, nil, &got)
	s := got.Stats
	sum := func(cs []struct{ Count int }) (n int) {
		for _, c := range cs {
			n += c.Count
		}
		return n
	}
	if sum(s.BadgeClaims) != len(blocks) || sum(s.NullifierUses) == 0 || sum(s.ActivePlayers) == 0 || len(s.BusiestHours) == 0 {
		t.Fatalf("series: %+v", s)
	}
	var ok, failed int
	for _, c := range s.Calls {
		ok, failed = ok+c.Succeeded, failed+c.Failed
		if want := float64(c.Failed) / float64(c.Succeeded+c.Failed); c.FailureRate != want {
			t.Errorf("failure rate %v, want %v", c.FailureRate, want)
		}
	}
	if ok != len(blocks) || failed != len(blocks) {
		t.Errorf("calls %d succeeded, %d failed; want %d each", ok, failed, len(blocks))
	}
	if len(s.CallErrors) != 1 || s.CallErrors[0].Error != "ClaimTooLarge" || s.CallErrors[0].Count != len(blocks) {
		t.Errorf("call errors %+v", s.CallErrors)
	}

	// Gas of the badge contract per minute: one claim per block, so each
	// minute holds one transaction and its percentiles are its gas.
	var perMinute struct {
		Badge struct {
			Gas []struct {
				Contract     string
				Transactions int
				AvgGasUsed   float64
				P95GasUsed   float64
				AvgFeeWei    string
			}
		}
	}
	e.query(`query($c: Address) { badge: stats(bucket: MINUTE, contract: $c) { gas { contract transactions avgGasUsed p95GasUsed avgFeeWei } } }`,
		map[string]any{"c": badge}, &perMinute)
	if len(perMinute.Badge.Gas) != len(blocks) {
		t.Fatalf("badge gas per minute: %+v, want %d minutes", perMinute.Badge.Gas, len(blocks))
	}
	for i, g := range perMinute.Badge.Gas {
		tx := blocks[i].Transactions[0]
		if g.Contract != badge || g.Transactions != 1 || g.AvgGasUsed != float64(tx.GasUsed) || g.P95GasUsed != float64(tx.GasUsed) || g.AvgFeeWei != tx.FeeWei {
			t.Errorf("minute %d: %+v, want gas %d fee %s", i, g, tx.GasUsed, tx.FeeWei)
		}
	}
	if r := e.post(map[string]any{"query": `{ stats(contract: "nope") { gas { transactions } } }`}); r.code() != "BAD_USER_INPUT" && r.code() != "GRAPHQL_VALIDATION_FAILED" {
		t.Errorf("a contract that is not an address: %+v", r.Errors)
	}
}
