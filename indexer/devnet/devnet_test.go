package devnet

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"math/big"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/rpcclient"
	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/herald-indexer/herald/indexer/bitcoin"
	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/store"
)

// The devnets under test make a block every testInterval and a reorg every
// testReorgEvery blocks. Each test runs its devnet until everything it
// checks for has happened, or fails after testTimeout.
const (
	testInterval   = 200 * time.Millisecond
	testReorgEvery = 3
	testTimeout    = 40 * time.Second
	// testReorgs is how many reorgs each test waits for.
	testReorgs = 2
)

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// runInBackground runs a generator until the returned stop is called, which
// returns Run's error.
func runInBackground(run func(context.Context) error) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	return func() error {
		cancel()
		return <-done
	}
}

// waitFor polls check every block interval until it reports nothing
// missing, and fails the test with what is still missing after testTimeout.
func waitFor(t *testing.T, check func() (missing []string, err error)) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for {
		missing, err := check()
		if err != nil {
			t.Fatal(err)
		}
		if len(missing) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s, still missing: %s", testTimeout, strings.Join(missing, "; "))
		}
		time.Sleep(testInterval)
	}
}

// missingKeys returns the wanted keys that counts lacks.
func missingKeys(counts map[string]int, want []string) []string {
	var missing []string
	for _, w := range want {
		if counts[w] == 0 {
			missing = append(missing, w)
		}
	}
	return missing
}

// btcClient connects to the devnet node the way herald is configured to:
// with the provider's URL, credentials and certificate.
func btcClient(t *testing.T, p bitcoin.ProviderConfig) *rpcclient.Client {
	t.Helper()
	cert, err := os.ReadFile(p.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	c, err := rpcclient.New(&rpcclient.ConnConfig{
		Host: strings.TrimPrefix(p.URL, "https://"), User: p.User, Pass: p.Password,
		HTTPPostMode: true, Certificates: cert,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Shutdown)
	return c
}

// droppedRegistrations returns the registrations in the tips of the node's
// stale branches that are neither in its best chain nor in its mempool.
func droppedRegistrations(c *rpcclient.Client, collection bitcoin.Collection) ([]string, error) {
	tips, err := c.GetChainTips()
	if err != nil {
		return nil, fmt.Errorf("getchaintips: %w", err)
	}
	var dropped []string
	for _, tip := range tips {
		if tip.Status == "active" {
			continue
		}
		hash, err := chainhash.NewHashFromStr(tip.Hash)
		if err != nil {
			return nil, err
		}
		blk, err := c.GetBlock(hash)
		if err != nil {
			return nil, fmt.Errorf("stale block %s: %w", hash, err)
		}
		decoded, _ := bitcoin.DecodeBlock("stale", store.BlockRef{Hash: tip.Hash}, blk, []bitcoin.Collection{collection})
		for _, r := range decoded.Registrations {
			txid, err := chainhash.NewHashFromStr(r.TxID)
			if err != nil {
				return nil, err
			}
			if _, err := c.GetRawTransaction(txid); err != nil {
				dropped = append(dropped, r.TxID)
			}
		}
	}
	return dropped, nil
}

// TestBitcoinDevnet runs the Bitcoin devnet with reorgs and reads what it
// makes through herald's own block source, until it has seen registrations
// of every status, a record, and reorgs that each dropped a registration for
// good. It then stops the devnet and checks that nothing is left behind.
func TestBitcoinDevnet(t *testing.T) {
	if _, err := FindBtcd(""); err != nil {
		t.Fatalf("this test runs a real btcd regtest node: %v", err)
	}
	ctx := context.Background()
	dir := t.TempDir()
	btc, err := StartBitcoin(ctx, BitcoinOptions{
		Dir: dir, Logger: testLogger(t), BlockInterval: testInterval, Reorgs: true, ReorgEvery: testReorgEvery,
	})
	if err != nil {
		t.Fatalf("start bitcoin devnet: %v", err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = btc.Stop(context.Background())
		}
	})

	cfg := btc.Config("bitcoin-devnet")
	if err := cfg.Validate(); err != nil {
		t.Fatalf("devnet chain configuration: %v", err)
	}
	chain, err := bitcoin.New(ctx, cfg, testLogger(t))
	if err != nil {
		t.Fatalf("index the devnet: %v", err)
	}
	client := btcClient(t, btc.Provider())
	params, err := bitcoin.NetworkParams(btc.Network())
	if err != nil {
		t.Fatal(err)
	}
	col := btc.Collection()
	collection, err := bitcoin.NewCollection(col.Name, col.Creator, params, col.MinFeeSats, col.MinConfirmations)
	if err != nil {
		t.Fatal(err)
	}

	stopRun := runInBackground(btc.Run)
	want := []string{
		string(store.StatusValid), string(store.StatusUnderpaid), string(store.StatusExpired),
		string(store.StatusMultiplePayloads), "record",
	}
	var counts map[string]int
	waitFor(t, func() ([]string, error) {
		head, err := chain.Head(ctx)
		if err != nil {
			return nil, err
		}
		blocks, err := chain.Blocks(ctx, btc.StartHeight(), head.Height)
		if err != nil {
			return nil, err
		}
		counts = map[string]int{}
		for _, b := range blocks {
			for _, r := range b.Registrations {
				counts[string(r.Status)]++
			}
			counts["record"] += len(b.Records)
		}
		missing := missingKeys(counts, want)
		dropped, err := droppedRegistrations(client, collection)
		if len(dropped) < testReorgs {
			missing = append(missing, fmt.Sprintf("%d reorgs dropping a registration (%d so far)", testReorgs, len(dropped)))
		}
		return missing, err
	})
	if err := stopRun(); err != nil {
		t.Fatalf("run: %v", err)
	}
	t.Logf("blocks from %d: %v", btc.StartHeight(), counts)

	pid := btc.node.cmd.Process.Pid
	if err := btc.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	stopped = true
	if err := syscall.Kill(pid, 0); !errors.Is(err, syscall.ESRCH) {
		t.Errorf("btcd (pid %d) still exists after Stop: kill -0 gives %v", pid, err)
	}
	if entries, err := os.ReadDir(dir); err != nil || len(entries) != 0 {
		t.Errorf("state directory not removed: %d entries left in %s (%v)", len(entries), dir, err)
	}
}

// headLog records every head a node announces, by number.
type headLog struct {
	mu    sync.Mutex
	heads map[uint64][]common.Hash
}

// follow records the heads of a subscription until it ends.
func (l *headLog) follow(ch <-chan *types.Header, sub ethereum.Subscription) {
	for {
		select {
		case h := <-ch:
			l.mu.Lock()
			l.heads[h.Number.Uint64()] = append(l.heads[h.Number.Uint64()], h.Hash())
			l.mu.Unlock()
		case <-sub.Err():
			return
		}
	}
}

// replaced returns the announced heads that are no longer canonical.
func (l *headLog) replaced(ctx context.Context, c *ethclient.Client) ([]common.Hash, error) {
	l.mu.Lock()
	heads := maps.Clone(l.heads)
	l.mu.Unlock()
	var stale []common.Hash
	for n, hs := range heads {
		canonical, err := c.HeaderByNumber(ctx, new(big.Int).SetUint64(n))
		if errors.Is(err, ethereum.NotFound) {
			continue // the chain is rewound below n, in the middle of a reorg
		}
		if err != nil {
			return nil, err
		}
		for _, h := range hs {
			if h != canonical.Hash() {
				stale = append(stale, h)
			}
		}
	}
	return stale, nil
}

// droppedTxs returns the transactions of blocks that are not on the
// canonical chain any more.
func droppedTxs(ctx context.Context, c *ethclient.Client, blocks []common.Hash) ([]common.Hash, error) {
	var dropped []common.Hash
	for _, h := range blocks {
		b, err := c.BlockByHash(ctx, h)
		if err != nil {
			return nil, fmt.Errorf("replaced block %s: %w", h, err)
		}
		for _, tx := range b.Transactions() {
			_, err := c.TransactionReceipt(ctx, tx.Hash())
			// The node indexes a block's transactions after the block, on
			// a goroutine of its own, and says so until it has.
			for wait := 0; err != nil && strings.Contains(err.Error(), "transaction indexing is in progress") && wait < 500; wait++ {
				time.Sleep(10 * time.Millisecond)
				_, err = c.TransactionReceipt(ctx, tx.Hash())
			}
			switch {
			case errors.Is(err, ethereum.NotFound):
				dropped = append(dropped, tx.Hash())
			case err != nil:
				return nil, err
			}
		}
	}
	return dropped, nil
}

// evmCounts counts what herald's decoder makes of the devnet's logs.
func evmCounts(ctx context.Context, c *ethclient.Client, dec *evm.Decoder, from int64) (map[string]int, error) {
	logs, err := c.FilterLogs(ctx, ethereum.FilterQuery{FromBlock: big.NewInt(from), Addresses: dec.Addresses()})
	if err != nil {
		return nil, fmt.Errorf("eth_getLogs: %w", err)
	}
	var blk store.Block
	for _, lg := range logs {
		if err := dec.DecodeLog(&blk, lg); err != nil {
			return nil, err
		}
	}
	counts := map[string]int{}
	for _, c := range blk.Claims {
		counts["claim "+c.Standard]++
	}
	for _, tr := range blk.Transfers {
		if tr.From != "0x0000000000000000000000000000000000000000" {
			counts["transfer "+tr.Standard]++
		}
		if tr.BatchIndex > 0 {
			counts["batch transfer"]++
		}
	}
	for _, u := range blk.NullifierUses {
		counts["use "+u.Event]++
		if u.Verified {
			counts["verified"]++
		} else {
			counts["not verified"]++
		}
	}
	for _, r := range blk.ReuseAttempts {
		counts["reuse "+r.Contract]++
	}
	counts["threshold"] = len(blk.Thresholds)
	return counts, nil
}

// TestEVMDevnet runs the EVM devnet with reorgs, watching its heads over
// WebSocket and decoding its logs, read over HTTP, with herald's decoder,
// until it has seen every event family of the spec and reorgs whose replaced
// blocks held transactions that the canonical chain lacks.
func TestEVMDevnet(t *testing.T) {
	ctx := context.Background()
	e, err := StartEVM(ctx, EVMOptions{
		Logger: testLogger(t), BlockInterval: testInterval, Reorgs: true, ReorgEvery: testReorgEvery,
	})
	if err != nil {
		t.Fatalf("start evm devnet: %v", err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			_ = e.Stop()
		}
	})
	if e.ChainID() != 1337 {
		t.Errorf("chain id %d, want 1337", e.ChainID())
	}
	httpClient, err := ethclient.DialContext(ctx, e.HTTPURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(httpClient.Close)
	if id, err := httpClient.ChainID(ctx); err != nil || id.Uint64() != e.ChainID() {
		t.Fatalf("eth_chainId over HTTP: %v, %v", id, err)
	}
	wsClient, err := ethclient.DialContext(ctx, e.WSURL())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(wsClient.Close)
	heads := make(chan *types.Header, 64)
	sub, err := wsClient.SubscribeNewHead(ctx, heads)
	if err != nil {
		t.Fatalf("subscribe to new heads over WebSocket: %v", err)
	}
	log := headLog{heads: make(map[uint64][]common.Hash)}
	followed := make(chan struct{})
	go func() {
		defer close(followed)
		log.follow(heads, sub)
	}()

	var contracts []evm.Contract
	want := []string{
		"claim " + store.StandardERC721, "claim " + store.StandardERC1155,
		"transfer " + store.StandardERC721, "transfer " + store.StandardERC1155, "batch transfer",
		"use " + store.EventXPProofVerified, "use " + store.EventProofVerified, "use " + store.EventProofVerifiedV2,
		"verified", "not verified", "threshold",
	}
	for _, c := range e.Contracts() {
		contracts = append(contracts, evm.Contract{Address: c.Address, Kind: c.Kind})
		if c.Kind == evm.KindVerifier {
			want = append(want, "reuse "+strings.ToLower(c.Address.Hex()))
		}
	}
	dec, err := evm.NewDecoder("devnet", contracts)
	if err != nil {
		t.Fatal(err)
	}

	stopRun := runInBackground(e.Run)
	var counts map[string]int
	waitFor(t, func() ([]string, error) {
		counts, err = evmCounts(ctx, httpClient, dec, e.StartBlock())
		if err != nil {
			return nil, err
		}
		missing := missingKeys(counts, want)
		stale, err := log.replaced(ctx, httpClient)
		if err != nil {
			return nil, err
		}
		dropped, err := droppedTxs(ctx, httpClient, stale)
		if len(stale) < testReorgs || len(dropped) == 0 {
			missing = append(missing, fmt.Sprintf("%d replaced blocks losing transactions (%d replaced, %d lost)",
				testReorgs, len(stale), len(dropped)))
		}
		return missing, err
	})
	if err := stopRun(); err != nil {
		t.Fatalf("run: %v", err)
	}
	sub.Unsubscribe()
	<-followed
	t.Logf("logs from block %d: %v", e.StartBlock(), counts)

	if err := e.Stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	stopped = true
	if _, err := httpClient.BlockNumber(ctx); err == nil {
		t.Error("the devnet still answers JSON-RPC after Stop")
	}
}
