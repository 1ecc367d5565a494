package graph_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/apierr"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/graph/transport"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// statementCounter is a bun query hook counting the SQL statements run on
// behalf of GraphQL requests (not the status cache's own reads of the event
// log): the proof that batching holds and that rejected operations cost
// nothing.
type statementCounter struct {
	n       atomic.Int64
	mu      sync.Mutex
	queries []string
}

func (c *statementCounter) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	return ctx
}

func (c *statementCounter) AfterQuery(ctx context.Context, e *bun.QueryEvent) {
	if strings.Contains(e.Query, `FROM "events"`) {
		return
	}
	c.n.Add(1)
	c.mu.Lock()
	c.queries = append(c.queries, e.Query)
	c.mu.Unlock()
}

// waitLive waits until the gateway follows the event log, its caches
// included.
func waitLive(t testing.TB, e *env) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !graph.BrokerLive(e.gateway) || !graph.StatusCacheLive(e.gateway) {
		if time.Now().After(deadline) {
			t.Fatal("the gateway is not following the event log after 30 s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func (c *statementCounter) reset() {
	c.n.Store(0)
	c.mu.Lock()
	c.queries = nil
	c.mu.Unlock()
}

type env struct {
	t       testing.TB
	writer  *store.Store // the indexer's side
	url     string
	counter *statementCounter
	srv     *httptest.Server
	gateway *graph.Gateway
	apiKey  string
	// errorLogs counts the gateway's ERROR log lines: what an operator's
	// alert on errors would see.
	errorLogs *atomic.Int64
}

func newEnv(t testing.TB, lim limits.Limits) *env {
	t.Helper()
	writer, url := storetest.NewWithURL(t)
	return newEnvOn(t, writer, url, lim)
}

// newEnvOn starts a gateway (its own pool, broker and cache) on the
// database at url, which writer writes.
func newEnvOn(t testing.TB, writer *store.Store, url string, lim limits.Limits, configure ...func(*graph.Options)) *env {
	t.Helper()
	return newEnvPool(t, writer, url, 0, lim, configure...)
}

// newEnvPool is newEnvOn with a gateway pool of conns connections (0: the
// default).
func newEnvPool(t testing.TB, writer *store.Store, url string, conns int, lim limits.Limits, configure ...func(*graph.Options)) *env {
	t.Helper()
	counter := &statementCounter{}
	reader, err := store.Open(context.Background(), url, store.WithQueryHook(counter), store.WithMaxConns(conns))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { reader.Close() })
	errorLogs := &atomic.Int64{}
	log := slog.New(countingErrors{slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelInfo}), errorLogs})
	opts := graph.Options{Store: reader, Limits: lim, CORSOrigins: []string{"*"}, Logger: log}
	for _, c := range configure {
		c(&opts)
	}
	gw, err := graph.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = gw.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	mux := http.NewServeMux()
	mux.Handle("/graphql", gw.Handler())
	srv := httptest.NewUnstartedServer(mux)
	srv.Config = gw.NewServer(mux) // the gateway's deadlines and connection caps
	srv.Start()
	t.Cleanup(srv.Close)
	return &env{t: t, writer: writer, url: url, counter: counter, srv: srv, gateway: gw, errorLogs: errorLogs}
}

// countingErrors counts the records at ERROR and above it handles.
type countingErrors struct {
	slog.Handler
	n *atomic.Int64
}

func (h countingErrors) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelError {
		h.n.Add(1)
	}
	return h.Handler.Handle(ctx, r)
}

func (h countingErrors) WithAttrs(attrs []slog.Attr) slog.Handler {
	return countingErrors{h.Handler.WithAttrs(attrs), h.n}
}

func (h countingErrors) WithGroup(name string) slog.Handler {
	return countingErrors{h.Handler.WithGroup(name), h.n}
}

// testKey is the API key of the test client named name.
func testKey(name string) string { return name + "-test-key-0123456789" }

// withKeys configures an API key for each named client.
func withKeys(names ...string) func(*graph.Options) {
	return func(o *graph.Options) {
		for _, n := range names {
			o.Access.APIKeys = append(o.Access.APIKeys, transport.APIKey{Name: n, Key: testKey(n)})
		}
	}
}

type gqlResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
	status int
	header http.Header
}

func (r gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

func (e *env) post(body any) gqlResponse {
	e.t.Helper()
	raw, err := json.Marshal(body)
	if err != nil {
		e.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, e.srv.URL+"/graphql", bytes.NewReader(raw))
	if err != nil {
		e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if e.apiKey != "" {
		req.Header.Set(transport.APIKeyHeader, e.apiKey)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(b, &out); err != nil {
		e.t.Fatalf("response is not JSON (%d): %s", resp.StatusCode, b)
	}
	out.status, out.header = resp.StatusCode, resp.Header
	return out
}

// query runs a query that must succeed and decodes its data into out.
func (e *env) query(q string, vars map[string]any, out any) {
	e.t.Helper()
	resp := e.post(map[string]any{"query": q, "variables": vars})
	if len(resp.Errors) > 0 {
		e.t.Fatalf("query failed: %+v\n%s", resp.Errors, q)
	}
	if out != nil {
		if err := json.Unmarshal(resp.Data, out); err != nil {
			e.t.Fatalf("decode %s: %v", resp.Data, err)
		}
	}
}

const btcChain = "bitcoin-regtest"

func nftID(n int) string       { return fmt.Sprintf("%064xi0", n) }
func txid(parts ...any) string { return storetest.Hash(parts...) }

// registration builds a registration attempt of nft in a block.
func registration(nft string, tx string, txIndex int32, status store.RegistrationStatus, paid int64) store.Registration {
	return store.Registration{
		TxID: tx, Collection: "demo", TxIndex: txIndex, InscriptionID: nft, ExpiryHeight: 1_000_000,
		Creator: "bcrt1qcreator", PaidSats: paid, MinFeeSats: 50000, Status: status,
	}
}

// bitcoinBlocks builds n linked blocks from height 1.
func bitcoinBlocks(n int) []store.Block {
	refs := storetest.Chain(1, n, storetest.Hash("btc-genesis"), "btc")
	blocks := make([]store.Block, n)
	for i, r := range refs {
		blocks[i] = store.Block{BlockRef: r}
	}
	return blocks
}

func applyBitcoin(t *testing.T, e *env, blocks []store.Block) {
	t.Helper()
	if err := e.writer.SyncCollections(context.Background(), btcChain, []store.Collection{
		{Name: "demo", Creator: "bcrt1qcreator", MinFeeSats: 50000, MinConfirmations: 2},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks, Head: blocks[len(blocks)-1].Height, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	// Answers follow the log within the NOTIFY's delay; the test's next
	// query must not race it.
	caughtUp(t, e)
}

func TestNFTStatus(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(5)
	a, b := nftID(1), nftID(2)
	blocks[0].Registrations = []store.Registration{registration(a, txid("a1"), 1, store.StatusValid, 50000)}
	blocks[1].Registrations = []store.Registration{
		registration(a, txid("a2"), 1, store.StatusUnderpaid, 100),
		registration(b, txid("b1"), 2, store.StatusValid, 60000),
	}
	blocks[3].Registrations = []store.Registration{registration(a, txid("a3"), 4, store.StatusValid, 70000)}
	blocks[3].Records = []store.RegistrationRecord{{
		InscriptionID: txid("rec") + "i0", TxIndex: 5, EnvelopeParents: []string{a}, Parent: a,
		PaidTo: "bcrt1qcreator", FeeSats: 70000, FeeTxID: txid("a3"), Timestamp: "2026-11-21T00:00:00Z", Body: "{}",
	}}
	// b's only registration is in the tip block: 1 confirmation of the 2
	// its collection needs.
	blocks[4].Registrations = []store.Registration{registration(nftID(3), txid("c1"), 1, store.StatusValid, 50000)}
	applyBitcoin(t, e, blocks)

	var got struct {
		NFTs []struct {
			ID                string
			IsRegistered      bool
			RegistrationCount int
			Confirmations     int
			LastRegistration  *struct {
				Txid     string
				PaidSats int
				Block    struct{ Height, Confirmations int }
			}
			Record *struct {
				FeeTxid  string
				Problems []string
			}
			Registrations struct {
				TotalCount int
				Nodes      []struct {
					Txid   string
					Status string
				}
			}
			LastUpdated struct{ Height int }
		} `json:"nfts"`
	}
	e.query(`query($ids: [InscriptionID!]!) { nfts(ids: $ids) {
		id isRegistered registrationCount confirmations
		lastRegistration { txid paidSats block { height confirmations } }
		record { feeTxid problems }
		registrations(first: 10) { totalCount nodes { txid status } }
		lastUpdated { height }
	} }`, map[string]any{"ids": []string{strings.ToUpper(a[:10]) + a[10:], nftID(9), nftID(3)}}, &got)
	if len(got.NFTs) != 3 || got.NFTs[0].ID != a || got.NFTs[1].ID != nftID(9) || got.NFTs[2].ID != nftID(3) {
		t.Fatalf("ids not in input order, normalised: %+v", got.NFTs)
	}
	first := got.NFTs[0]
	if !first.IsRegistered || first.RegistrationCount != 2 || first.LastRegistration.Txid != txid("a3") ||
		first.LastRegistration.Block.Height != 4 || first.Confirmations != 2 || first.LastUpdated.Height != 5 {
		t.Fatalf("status of %s: %+v", a, first)
	}
	if first.Record == nil || first.Record.FeeTxid != txid("a3") || len(first.Record.Problems) != 0 {
		t.Fatalf("record of %s: %+v", a, first.Record)
	}
	if first.Registrations.TotalCount != 3 || first.Registrations.Nodes[0].Txid != txid("a3") || first.Registrations.Nodes[1].Status != "UNDERPAID" {
		t.Fatalf("registrations of %s: %+v", a, first.Registrations)
	}
	if got.NFTs[1].IsRegistered || got.NFTs[1].LastRegistration != nil || got.NFTs[1].RegistrationCount != 0 {
		t.Fatalf("unknown NFT: %+v", got.NFTs[1])
	}
	if got.NFTs[2].IsRegistered || got.NFTs[2].Confirmations != 1 {
		t.Fatalf("NFT with 1 of 2 confirmations: %+v", got.NFTs[2])
	}
}

func TestBadInputNamesTheArgument(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	for _, tc := range []struct{ query, arg string }{
		{`{ nft(id: "nope") { id } }`, "id"},
		{`{ nullifier(hash: "0x12") { used } }`, "hash"},
		{`{ player(address: "0xZZ") { xp } }`, "address"},
		{`{ registrations(first: 5000) { totalCount } }`, "first"},
		{`{ registrations(after: "garbage") { totalCount } }`, "after"},
		{`{ registrations(last: 2, before: "garbage") { totalCount } }`, "before"},
		{`{ registrations(last: 5000) { totalCount } }`, "last"},
		{`{ registrations(first: 2, last: 2) { totalCount } }`, "last"},
		{`{ player(address: "0x0000000000000000000000000000000000000001") { claims(last: 1, before: "garbage") { totalCount } } }`, "before"},
	} {
		resp := e.post(map[string]any{"query": tc.query})
		if resp.code() != apierr.BadUserInput || !strings.Contains(resp.Errors[0].Message, tc.arg) || resp.Errors[0].Extensions["argument"] != tc.arg {
			t.Errorf("%s: errors %+v, want BAD_USER_INPUT naming %q", tc.query, resp.Errors, tc.arg)
		}
	}
}

func TestPaginationIsStableUnderInserts(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(30)
	for i := range blocks {
		blocks[i].Registrations = []store.Registration{
			registration(nftID(i%4), txid("p", i, 0), 1, store.StatusValid, 50000),
			registration(nftID(i%4), txid("p", i, 1), 2, store.StatusExpired, 50000),
		}
	}
	applyBitcoin(t, e, blocks[:20])
	seen := map[string]bool{}
	after := ""
	pages := 0
	for {
		var got struct {
			Registrations struct {
				TotalCount int
				Nodes      []struct{ Txid string }
				PageInfo   struct {
					HasNextPage bool
					EndCursor   string
				}
			}
		}
		vars := map[string]any{"first": 7}
		if after != "" {
			vars["after"] = after
		}
		e.query(`query($first: Int, $after: String) { registrations(first: $first, after: $after, orderBy: BLOCK_ASC) {
			totalCount nodes { txid } pageInfo { hasNextPage endCursor } } }`, vars, &got)
		for _, n := range got.Registrations.Nodes {
			if seen[n.Txid] {
				t.Fatalf("page %d repeats %s", pages, n.Txid)
			}
			seen[n.Txid] = true
		}
		pages++
		if pages == 2 {
			// New blocks arrive while a client pages: it still sees every
			// row once, the new ones at the end.
			if err := e.writer.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks[20:], Head: 30, KeepBlocks: 100}); err != nil {
				t.Fatal(err)
			}
		}
		if !got.Registrations.PageInfo.HasNextPage {
			break
		}
		after = got.Registrations.PageInfo.EndCursor
	}
	if len(seen) != 60 {
		t.Fatalf("paged through %d registrations, want all 60", len(seen))
	}
}

func TestAsOfAndFilters(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(10)
	for i := range blocks {
		status := store.StatusValid
		if i%3 == 0 {
			status = store.StatusUnderpaid
		}
		blocks[i].Registrations = []store.Registration{registration(nftID(i%2), txid("f", i), 1, status, 1)}
	}
	applyBitcoin(t, e, blocks)
	count := func(args string) int {
		var got struct{ Registrations struct{ TotalCount int } }
		e.query(`{ registrations(`+args+`) { totalCount } }`, nil, &got)
		return got.Registrations.TotalCount
	}
	for args, want := range map[string]int{
		`first: 1`:                                                  10,
		`block: {number: 4}`:                                        4,
		`where: {status: [UNDERPAID]}`:                              4,
		`where: {inscriptionId: "` + nftID(1) + `"}`:                5,
		`where: {height: {gte: 3, lte: 5}}`:                         3,
		`where: {status: [VALID]}, block: {number: 5}`:              3,
		`where: {collection: "demo", txid: "` + txid("f", 2) + `"}`: 1,
	} {
		if got := count(args); got != want {
			t.Errorf("registrations(%s): totalCount %d, want %d", args, got, want)
		}
	}
}

func TestEVMQueries(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	refs := storetest.Chain(1, 12, storetest.Hash("evm"), "evm")
	var blocks []store.Block
	for _, r := range refs {
		blocks = append(blocks, storetest.SampleBlock(r))
	}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: "abstract", Blocks: blocks, Head: 12, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	player := storetest.Address(1)
	var got struct {
		Player struct {
			XP           string
			VerifiedUses int
			Badges       struct {
				Nodes []struct {
					TokenID  string
					Balance  string
					Standard string
					Claim    *struct{ Tier string }
				}
			}
			Claims     struct{ TotalCount int }
			Nullifiers struct{ TotalCount int }
		}
		Nullifiers []struct {
			Hash string
			Used bool
			Uses []struct{ Player string }
		}
		ReuseAttempts struct{ TotalCount int }
		Rejected      struct {
			Nodes []struct {
				Kind      string
				ClaimedXP *string
			}
		}
		Meta struct {
			Chains []struct {
				Chain         string
				IndexedHeight int
				Lag           int
			}
		} `json:"_meta"`
		Stats struct {
			BadgeClaims []struct{ Count int }
			Tiers       []struct {
				Tier  string
				Count int
			}
			UniquePlayers int
			XpHistogram   []struct {
				Min   string
				Count int
			}
		}
	}
	used := "0x" + storetest.Hash("nullifier", 1)
	unused := "0x" + storetest.Hash("never")
	e.query(`query($p: Address!, $h: [Bytes32!]!) {
		player(address: $p) { xp verifiedUses
			badges(first: 50) { nodes { tokenId balance standard claim { tier } } }
			claims { totalCount } nullifiers { totalCount } }
		nullifiers(hashes: $h) { hash used uses { player } }
		reuseAttempts(where: {kind: DUPLICATE_USE}) { totalCount }
		rejected: reuseAttempts(where: {kind: NULLIFIER_REUSED}, first: 1) { nodes { kind claimedXP } }
		_meta { chains { chain indexedHeight lag } }
		stats(bucket: DAY) { badgeClaims { count } tiers { tier count } uniquePlayers xpHistogram { min count } }
	}`, map[string]any{"p": player, "h": []string{used, unused}}, &got)

	// Compare with the tables, which the store tests check against the
	// blocks: the API must say what the database says.
	ctx := context.Background()
	var xp string
	var uses int
	if err := e.writer.DB().NewRaw("SELECT coalesce(sum(xp),0)::text, coalesce(sum(uses),0) FROM player_xp WHERE player = ?", player).Scan(ctx, &xp, &uses); err != nil {
		t.Fatal(err)
	}
	if got.Player.XP != xp || got.Player.VerifiedUses != uses || xp == "0" {
		t.Fatalf("player XP %s/%d, want %s/%d", got.Player.XP, got.Player.VerifiedUses, xp, uses)
	}
	var holdings int
	if err := e.writer.DB().NewRaw("SELECT count(*) FROM badge_holdings WHERE holder = ?", player).Scan(ctx, &holdings); err != nil {
		t.Fatal(err)
	}
	if len(got.Player.Badges.Nodes) != holdings || holdings == 0 {
		t.Fatalf("player badges %d, want %d", len(got.Player.Badges.Nodes), holdings)
	}
	if len(got.Nullifiers) != 2 || !got.Nullifiers[0].Used || got.Nullifiers[1].Used || got.Nullifiers[1].Hash != unused {
		t.Fatalf("nullifiers: %+v", got.Nullifiers)
	}
	if got.ReuseAttempts.TotalCount == 0 {
		t.Fatal("no duplicate uses reported; the sample chain repeats nullifiers")
	}
	// A refused replay claims no XP: null, not an empty number.
	if r := got.Rejected.Nodes; len(r) != 1 || r[0].Kind != "NULLIFIER_REUSED" || r[0].ClaimedXP != nil {
		t.Fatalf("rejected reuse attempts: %+v", r)
	}
	if len(got.Meta.Chains) != 1 || got.Meta.Chains[0].IndexedHeight != 12 || got.Meta.Chains[0].Lag != 0 {
		t.Fatalf("_meta: %+v", got.Meta)
	}
	total := 0
	for _, c := range got.Stats.BadgeClaims {
		total += c.Count
	}
	tierTotal := 0
	for _, c := range got.Stats.Tiers {
		tierTotal += c.Count
	}
	if total != 12 || tierTotal != 12 || len(got.Stats.Tiers) != 5 || got.Stats.UniquePlayers != 3 || len(got.Stats.XpHistogram) == 0 {
		t.Fatalf("stats: %+v", got.Stats)
	}
}

func TestNoNPlusOne(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(3)
	var ids []string
	for i := range 100 {
		id := nftID(1000 + i)
		ids = append(ids, id)
		blocks[i%3].Registrations = append(blocks[i%3].Registrations, registration(id, txid("n", i), int32(i), store.StatusValid, 50000))
		blocks[i%3].Records = append(blocks[i%3].Records, store.RegistrationRecord{
			InscriptionID: txid("nr", i) + "i0", TxIndex: int32(1000 + i), Parent: id, PaidTo: "bcrt1qcreator",
			FeeSats: 50000, FeeTxID: txid("n", i), Body: "{}",
		})
	}
	applyBitcoin(t, e, blocks)
	q := `query($ids: [InscriptionID!]!) { nfts(ids: $ids) { id isRegistered confirmations
		lastRegistration { txid collection { name } record { feeTxid } block { confirmations } }
		record { inscriptionId registration { txid } problems }
		registrations(first: 5) { totalCount nodes { txid record { feeTxid } } } } }`
	statements := func(n int) int64 {
		e.counter.reset()
		var got struct {
			NFTs []struct{ ID string } `json:"nfts"`
		}
		e.query(q, map[string]any{"ids": ids[:n]}, &got)
		if len(got.NFTs) != n {
			t.Fatalf("asked for %d NFTs, got %d", n, len(got.NFTs))
		}
		return e.counter.n.Load()
	}
	// The status cache would hide repeated loads: ask for disjoint sets,
	// after a first request has read what every request shares (the
	// collections, which are cached for a few seconds).
	waitLive(t, e)
	statements(1)
	ids = ids[1:]
	few, many := statements(2), statements(99)
	if many != few || many > 8 {
		counts := map[string]int{}
		for _, q := range e.counter.queries {
			counts[q[:min(len(q), 90)]]++
		}
		t.Fatalf("nfts: %d statements for 2 NFTs, %d for 100; want the same small constant: %v", few, many, counts)
	}

	refs := storetest.Chain(1, 40, storetest.Hash("evm2"), "evm2")
	var evm []store.Block
	for _, r := range refs {
		evm = append(evm, storetest.SampleBlock(r))
	}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: "abstract", Blocks: evm, Head: 40, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	e.counter.reset()
	var got struct {
		Player struct {
			Badges struct{ Nodes []struct{ TokenID string } }
		}
	}
	e.query(`{ player(address: "`+storetest.Address(1)+`") { xp badges(first: 100) { nodes { tokenId claim { tier block { confirmations } } } } } }`, nil, &got)
	if n := e.counter.n.Load(); len(got.Player.Badges.Nodes) < 10 || n > 6 {
		t.Fatalf("player with %d badges took %d statements", len(got.Player.Badges.Nodes), n)
	}
}

func TestLimitsRejectBeforeSQL(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxComplexity = 5000
	lim.MaxDepth = 5
	lim.MaxAliases = 5
	lim.MaxBodyBytes = 4096
	lim.RatePerSecond = 1
	lim.RateBurst = 3
	writer, url := storetest.NewWithURL(t)
	e := newEnvOn(t, writer, url, lim, withKeys("expensive", "deep", "alias bomb", "oversized", "burst", "someone else"))
	// The gateway reads the tips once as it goes live: not a request's.
	waitLive(t, e)
	for _, tc := range []struct {
		name string
		body any
		code string
	}{
		{"expensive", map[string]any{"query": `{ registrations(first: 1000) { nodes { nft { registrations(first: 100) { totalCount } } } } }`}, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"deep", map[string]any{"query": `{ registrations { nodes { nft { lastRegistration { nft { lastRegistration { txid } } } } } } }`}, apierr.DepthLimit},
		{"alias bomb", map[string]any{"query": `{ a: _meta { chains { chain } } b: _meta { chains { chain } } c: _meta { chains { chain } } d: _meta { chains { chain } } e: _meta { chains { chain } } f: _meta { chains { chain } } }`}, apierr.AliasLimit},
		{"oversized", map[string]any{"query": "{ _meta { chains { chain } } }" + strings.Repeat(" ", 5000)}, apierr.RequestTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e.apiKey = testKey(tc.name) // its own rate bucket
			e.counter.reset()
			resp := e.post(tc.body)
			if resp.code() != tc.code {
				t.Fatalf("code %q (%+v), want %s", resp.code(), resp.Errors, tc.code)
			}
			if n := e.counter.n.Load(); n != 0 {
				e.counter.mu.Lock()
				defer e.counter.mu.Unlock()
				t.Fatalf("a rejected operation ran %d SQL statements: %q", n, e.counter.queries)
			}
		})
	}
	t.Run("burst", func(t *testing.T) {
		e.apiKey = testKey("burst")
		var last gqlResponse
		for range 4 {
			last = e.post(map[string]any{"query": `{ __typename }`})
		}
		if last.status != http.StatusTooManyRequests || last.code() != apierr.RateLimited || last.header.Get("Retry-After") == "" {
			t.Fatalf("4th request in a burst of 3: status %d, code %q, Retry-After %q", last.status, last.code(), last.header.Get("Retry-After"))
		}
		e.apiKey = testKey("someone else")
		if resp := e.post(map[string]any{"query": `{ __typename }`}); resp.status != http.StatusOK {
			t.Fatalf("another client was limited too: %d", resp.status)
		}
	})
}

// TestNullifierLookupsArePricedPerHash: a nullifiers lookup costs its
// children once per hash, however the hashes arrive.
func TestNullifierLookupsArePricedPerHash(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxComplexity = 100
	e := newEnv(t, lim)
	hashes := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("0x%064x", i)
		}
		return out
	}
	const fields = `{ hash used uses { player block { height } } }` // 6 per hash
	for _, tc := range []struct {
		name string
		body map[string]any
		code string
	}{
		{"16 hashes in a variable", map[string]any{"query": `query($h: [Bytes32!]!) { nullifiers(hashes: $h) ` + fields + ` }`, "variables": map[string]any{"h": hashes(16)}}, ""},
		{"17 hashes in a variable", map[string]any{"query": `query($h: [Bytes32!]!) { nullifiers(hashes: $h) ` + fields + ` }`, "variables": map[string]any{"h": hashes(17)}}, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"17 hashes inline", map[string]any{"query": `{ nullifiers(hashes: ["` + strings.Join(hashes(17), `","`) + `"]) ` + fields + ` }`}, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"one hash for the list", map[string]any{"query": `{ nullifiers(hashes: "` + hashes(1)[0] + `") ` + fields + ` }`}, ""},
		{"17 with a malformed one", map[string]any{"query": `query($h: [Bytes32!]!) { nullifiers(hashes: $h) ` + fields + ` }`, "variables": map[string]any{"h": append(hashes(16), "0xnot")}}, "COMPLEXITY_LIMIT_EXCEEDED"},
		{"16 with a malformed one", map[string]any{"query": `query($h: [Bytes32!]!) { nullifiers(hashes: $h) ` + fields + ` }`, "variables": map[string]any{"h": append(hashes(15), "0xnot")}}, "BAD_USER_INPUT"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if resp := e.post(tc.body); resp.code() != tc.code {
				t.Fatalf("code %q (%+v), want %q", resp.code(), resp.Errors, tc.code)
			}
		})
	}
}

func TestAutomaticPersistedQueries(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	q := `{ _meta { chains { chain } } }`
	ext := map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sha256Hex(q)}}
	if resp := e.post(map[string]any{"extensions": ext}); resp.code() != "PERSISTED_QUERY_NOT_FOUND" {
		t.Fatalf("hash only, unknown: %+v", resp.Errors)
	}
	if resp := e.post(map[string]any{"query": q, "extensions": ext}); len(resp.Errors) > 0 {
		t.Fatalf("register: %+v", resp.Errors)
	}
	if resp := e.post(map[string]any{"extensions": ext}); len(resp.Errors) > 0 || !strings.Contains(string(resp.Data), "chains") {
		t.Fatalf("hash only, known: %+v %s", resp.Errors, resp.Data)
	}
}

func TestStatusCacheFollowsTheEventLog(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(3)
	id := nftID(77)
	blocks[0].Registrations = []store.Registration{registration(id, txid("c0"), 1, store.StatusValid, 50000)}
	applyBitcoin(t, e, blocks[:2])
	ask := func() (count int, last string) {
		var got struct {
			NFT struct {
				RegistrationCount int
				LastRegistration  struct{ Txid string }
			}
		}
		e.query(`query($id: InscriptionID!) { nft(id: $id) { registrationCount lastRegistration { txid } } }`, map[string]any{"id": id}, &got)
		return got.NFT.RegistrationCount, got.NFT.LastRegistration.Txid
	}
	waitLive(t, e)
	ask() // fills the caches
	e.counter.reset()
	if c, _ := ask(); c != 1 {
		t.Fatalf("count %d, want 1", c)
	}
	if n := e.counter.n.Load(); n != 0 {
		t.Fatalf("a repeated NFT query ran %d SQL statements; want it answered from the cache", n)
	}
	evicted := make(chan struct{}, 1)
	graph.OnStatusInvalidate(e.gateway, func(ids []string) {
		for _, x := range ids {
			if x == id {
				evicted <- struct{}{}
			}
		}
	})
	blocks[2].Registrations = []store.Registration{registration(id, txid("c1"), 1, store.StatusValid, 50000)}
	if err := e.writer.Apply(context.Background(), store.Batch{Chain: btcChain, Blocks: blocks[2:], Head: 3, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-evicted:
	case <-time.After(30 * time.Second):
		t.Fatal("no invalidation within 30 s of the commit")
	}
	if c, last := ask(); c != 2 || last != txid("c1") {
		t.Fatalf("after a new registration: count %d, last %s; want 2, %s", c, last, txid("c1"))
	}
	if e.gateway.CacheHitRatio() == 0 {
		t.Fatal("the cache never hit")
	}
}

// waitLive waits until the status cache follows the event log.
func sha256Hex(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// testWriter sends the gateway's logs to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// _meta says which herald a client talks to.
func TestMetaSaysTheVersion(t *testing.T) {
	writer, url := storetest.NewWithURL(t)
	for _, c := range []struct{ set, want string }{{"v0.2.1-0.20261202003305-e4a8049a6d73", "v0.2.1-0.20261202003305-e4a8049a6d73"}, {"", "devel"}} {
		e := newEnvOn(t, writer, url, limits.Defaults(), func(o *graph.Options) { o.Version = c.set })
		var got struct {
			Meta struct{ Version string } `json:"_meta"`
		}
		e.query(`{ _meta { version } }`, nil, &got)
		if got.Meta.Version != c.want {
			t.Errorf("Version %q: _meta.version %q, want %q", c.set, got.Meta.Version, c.want)
		}
	}
}

// Inputs a client may reasonably send are read as meant or refused: a
// bech32 creator in upper case (as QR codes carry it) matches, an empty
// Time is BAD_USER_INPUT rather than the year 1.
func TestInputsReadAsMeant(t *testing.T) {
	e := newEnv(t, limits.Defaults())
	blocks := bitcoinBlocks(3)
	blocks[1].Registrations = []store.Registration{registration(nftID(1), txid("c", 1), 1, store.StatusValid, 1)}
	applyBitcoin(t, e, blocks)
	var got struct{ Registrations struct{ TotalCount int } }
	e.query(`{ registrations(where: {creator: "BCRT1QCREATOR"}) { totalCount } }`, nil, &got)
	if got.Registrations.TotalCount != 1 {
		t.Errorf("an upper-case bech32 creator matched %d registrations, want 1", got.Registrations.TotalCount)
	}
	for _, q := range []string{
		`{ registrations(where: {time: {from: ""}}) { totalCount } }`,
		`{ stats(range: {to: ""}) { registrations { count } } }`,
	} {
		if r := e.post(map[string]any{"query": q}); r.code() != apierr.BadUserInput {
			t.Errorf("%s: %+v, want BAD_USER_INPUT", q, r.Errors)
		}
	}
}

// limits.default_page_size is the page of a list asked for without first,
// on both read paths; NFT.registrations keeps its own default of 20.
func TestDefaultPageSizeIsTheConfigured(t *testing.T) {
	lim := limits.Defaults()
	lim.DefaultPageSize = 3
	e := newEnv(t, lim)
	blocks := bitcoinBlocks(8)
	for i := range blocks {
		blocks[i].Registrations = []store.Registration{registration(nftID(1), txid("d", i), 1, store.StatusValid, 1)}
	}
	applyBitcoin(t, e, blocks)
	var got struct {
		Registrations struct{ Nodes []struct{ Txid string } }
		X             struct{ Nodes []struct{ Txid string } }
		NFT           struct {
			Registrations struct{ Nodes []struct{ Txid string } }
		}
	}
	// registrations alone is the fast path's; with nft beside it, gqlgen's.
	e.query(`{ registrations { nodes { txid } } }`, nil, &got)
	if n := len(got.Registrations.Nodes); n != 3 {
		t.Errorf("registrations without first (fast path): %d rows, want default_page_size 3", n)
	}
	e.query(`{ x: registrations { nodes { txid } } nft(id: "`+nftID(1)+`") { registrations { nodes { txid } } } }`, nil, &got)
	if n := len(got.X.Nodes); n != 3 {
		t.Errorf("registrations without first (resolvers): %d rows, want default_page_size 3", n)
	}
	if n := len(got.NFT.Registrations.Nodes); n != 8 {
		t.Errorf("an NFT's registrations without first: %d rows, want all 8 (its default is 20)", n)
	}
}
