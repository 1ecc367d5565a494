package bitcoin

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/integration/rpctest"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/indexer/provider"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestMain(m *testing.M) { os.Exit(storetest.Main(m)) }

// regtest is the network of the test nodes.
var regtest = &chaincfg.RegressionNetParams

// activationHeight is the first height at which segwit and taproot are
// active on a btcd regtest chain mined by btcd itself: both are BIP 9
// deployments there, started at 144, locked in at 288 when the miner
// signals, active at 432.
const activationHeight = 3 * 144

// btcdExe returns the btcd binary the harness runs. rpctest would otherwise
// try `go build` of btcd into a temporary directory, and fall back to
// whatever "btcd" is on PATH.
func btcdExe(t testing.TB) string {
	t.Helper()
	if p, err := exec.LookPath("btcd"); err == nil {
		return p
	}
	if out, err := exec.Command("go", "env", "GOPATH").Output(); err == nil {
		for _, dir := range filepath.SplitList(strings.TrimSpace(string(out))) {
			p := filepath.Join(dir, "bin", "btcd")
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	t.Fatal("btcd not found on PATH nor in $(go env GOPATH)/bin: these tests run a real btcd regtest node; " +
		"install it with `go install github.com/btcsuite/btcd@v0.24.2`")
	return ""
}

// newNode starts a btcd regtest node, with segwit and taproot active and
// the harness wallet holding mature coinbase outputs, and stops it when t
// ends.
func newNode(t testing.TB) *rpctest.Harness {
	t.Helper()
	h, err := rpctest.New(regtest, nil, []string{"--txindex"}, btcdExe(t))
	if err != nil {
		t.Fatalf("new btcd harness: %v", err)
	}
	t.Cleanup(func() {
		if err := h.TearDown(); err != nil {
			t.Logf("tear down btcd: %v", err)
		}
	})
	// SetUp mines CoinbaseMaturity + n blocks and waits for the wallet to
	// see them: mining up to the activation height there leaves n mature
	// outputs and a wallet in sync.
	if err := h.SetUp(true, activationHeight-uint32(regtest.CoinbaseMaturity)); err != nil {
		t.Fatalf("set up btcd harness: %v", err)
	}
	return h
}

// rpcProvider returns the provider configuration of a harness node's
// JSON-RPC, over TLS with the node's certificate.
func rpcProvider(t testing.TB, h *rpctest.Harness) ProviderConfig {
	t.Helper()
	cfg := h.RPCConfig()
	cert := filepath.Join(t.TempDir(), "rpc.cert")
	if err := os.WriteFile(cert, cfg.Certificates, 0o600); err != nil {
		t.Fatal(err)
	}
	return ProviderConfig{Kind: KindRPC, URL: "https://" + cfg.Host, User: cfg.User, Password: cfg.Pass, CertFile: cert}
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// tip returns a node's best height.
func tip(t testing.TB, h *rpctest.Harness) int64 {
	t.Helper()
	_, height, err := h.Client.GetBestBlock()
	if err != nil {
		t.Fatal(err)
	}
	return int64(height)
}

// mine mines n blocks on a node and returns their hashes.
func mine(t testing.TB, h *rpctest.Harness, n uint32) []*chainhash.Hash {
	t.Helper()
	hashes, err := h.Client.Generate(n)
	if err != nil {
		t.Fatalf("generate %d blocks: %v", n, err)
	}
	return hashes
}

// send signs and broadcasts a transaction paying outs from the harness
// wallet, with change, and returns it.
func send(t testing.TB, h *rpctest.Harness, outs ...*wire.TxOut) *wire.MsgTx {
	t.Helper()
	tx, err := h.CreateTransaction(outs, 10, true)
	if err != nil {
		t.Fatalf("create transaction: %v", err)
	}
	if _, err := h.Client.SendRawTransaction(tx, true); err != nil {
		t.Fatalf("send transaction: %v", err)
	}
	return tx
}

// follow indexes chain into st from start until the follower has nothing
// left to do.
func follow(t testing.TB, src indexer.Source, st indexer.Store, name string, start int64) {
	t.Helper()
	f := indexer.NewFollower(indexer.Config{Chain: name, StartHeight: start, ReorgWindow: 20, BatchSize: 7},
		src, st, discardLogger(), indexer.Observer{})
	for range 200 {
		progressed, err := f.Step(context.Background())
		if err != nil {
			t.Fatalf("follower step: %v", err)
		}
		if !progressed {
			return
		}
	}
	t.Fatal("follower did not catch up in 200 steps")
}

// newTestChain builds a chain over cfg's providers with fast failover.
func newTestChain(t testing.TB, cfg Config, opts ...Option) *Chain {
	t.Helper()
	opts = append([]Option{WithPoolOptions(
		provider.WithBackoff(time.Millisecond, 10*time.Millisecond),
		provider.WithBreaker(2, time.Hour),
	)}, opts...)
	c, err := New(context.Background(), cfg, discardLogger(), opts...)
	if err != nil {
		t.Fatalf("new chain: %v", err)
	}
	return c
}

func ptrHash(h chainhash.Hash) *chainhash.Hash { return &h }

func bytesOf(b byte, n int) []byte { return bytes.Repeat([]byte{b}, n) }
