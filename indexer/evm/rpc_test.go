package evm

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/eth/ethconfig"
	gethlog "github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/store"
)

// simChainID is the chain id of go-ethereum's simulated backend.
const simChainID = 1337

// endpoint learns the address the simulated node's RPC server listens on.
// The backend does not expose its node, so the address is read from the
// node's own "HTTP server started" log record; the port is the kernel's
// pick (0), so tests never collide on one.
type endpoint struct {
	mu   sync.Mutex
	addr string
}

func (e *endpoint) Enabled(context.Context, slog.Level) bool { return true }

func (e *endpoint) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "HTTP server started" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key != "endpoint" {
			return true
		}
		e.mu.Lock()
		e.addr = a.Value.String()
		e.mu.Unlock()
		return false
	})
	return nil
}

func (e *endpoint) WithAttrs([]slog.Attr) slog.Handler { return e }
func (e *endpoint) WithGroup(string) slog.Handler      { return e }

// serveRPC makes a simulated backend serve JSON-RPC over HTTP and WebSocket
// (one listener, as geth does when both share a port) on loopback.
func serveRPC(ep *endpoint) func(*node.Config, *ethconfig.Config) {
	return func(nc *node.Config, _ *ethconfig.Config) {
		modules := []string{"eth", "net", "web3"}
		nc.HTTPHost, nc.HTTPPort, nc.HTTPModules, nc.HTTPVirtualHosts = "127.0.0.1", 0, modules, []string{"*"}
		nc.WSHost, nc.WSPort, nc.WSModules, nc.WSOrigins = "127.0.0.1", 0, modules, []string{"*"}
		nc.Logger = gethlog.NewLogger(ep)
	}
}

// servedChain is a test chain reached the way herald reaches real chains:
// JSON-RPC over HTTP or WebSocket.
type servedChain struct {
	*testChain
	httpURL, wsURL string
}

func newServedChain(tb testing.TB) *servedChain {
	tb.Helper()
	var ep endpoint
	c := newTestChain(tb, serveRPC(&ep))
	ep.mu.Lock()
	defer ep.mu.Unlock()
	if ep.addr == "" {
		tb.Fatal("the simulated node did not log its HTTP endpoint")
	}
	return &servedChain{testChain: c, httpURL: "http://" + ep.addr, wsURL: "ws://" + ep.addr}
}

// config returns a chain configuration of c's contracts over rpc, sized so
// that the short test chains span several batches and log ranges.
func (c *testChain) config(rpc ...string) Config {
	var contracts []ContractConfig
	for _, ct := range c.contracts() {
		contracts = append(contracts, ContractConfig{Address: ct.Address.Hex(), Kind: ct.Kind})
	}
	return Config{
		Name: testChainName, ChainID: simChainID, RPC: rpc,
		Confirmations: 1, ReorgWindow: 16, BatchSize: 7, MaxLogRange: 5, HeaderBatch: 3,
		Contracts: contracts,
	}
}

func testLogger(tb testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tb.Output(), nil))
}

// newTestEVMChain builds cfg's chain with New, closed when tb ends.
func newTestEVMChain(tb testing.TB, cfg Config, opts ...Option) *Chain {
	tb.Helper()
	ch, err := New(context.Background(), cfg, testLogger(tb), opts...)
	if err != nil {
		tb.Fatalf("new chain: %v", err)
	}
	tb.Cleanup(ch.Close)
	return ch
}

func newFollower(tb testing.TB, cfg Config, ch *Chain, st *store.Store) *indexer.Follower {
	return indexer.NewFollower(cfg.FollowerConfig(), ch, st, testLogger(tb), indexer.Observer{})
}

// catchUp steps the follower until it has nothing left to do. Errors are
// retried, as Run would.
func catchUp(tb testing.TB, f *indexer.Follower) {
	tb.Helper()
	for range 200 {
		progressed, err := f.Step(context.Background())
		if errors.Is(err, indexer.ErrReorgTooDeep) {
			tb.Fatal(err)
		}
		if err != nil {
			tb.Logf("step: %v", err)
		}
		if err == nil && !progressed {
			return
		}
	}
	tb.Fatal("follower did not catch up in 200 steps")
}

// rpcMessage is a JSON-RPC 2.0 request or response.
type rpcMessage struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id,omitempty"`
	Method  string          `json:"method,omitempty"`
	Params  json.RawMessage `json:"params,omitempty"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

type rpcError struct {
	Code    int             `json:"code"`
	Message string          `json:"message"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// newRPCProxy serves JSON-RPC on loopback: each request, alone or in a
// batch, is answered by refuse when it returns an error, and otherwise
// forwarded to upstream (in one batch per incoming request). With no
// upstream, refuse must answer everything.
func newRPCProxy(tb testing.TB, upstream string, refuse func(r *http.Request, m rpcMessage) *rpcError) *httptest.Server {
	return newRPCRewriter(tb, upstream, func(r *http.Request, m rpcMessage) (rpcMessage, *rpcMessage) {
		if e := refuse(r, m); e != nil {
			return m, &rpcMessage{JSONRPC: "2.0", ID: m.ID, Error: e}
		}
		return m, nil
	})
}

// newRPCRewriter is newRPCProxy with a rewrite in place of refuse: each
// request is answered by the answer rewrite returns, if any, and otherwise
// forwarded to upstream as rewrite returns it (same ID).
func newRPCRewriter(tb testing.TB, upstream string, rewrite func(r *http.Request, m rpcMessage) (rpcMessage, *rpcMessage)) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		batch := len(bytes.TrimSpace(body)) > 0 && bytes.TrimSpace(body)[0] == '['
		var msgs []rpcMessage
		if !batch {
			msgs = make([]rpcMessage, 1)
			err = json.Unmarshal(body, &msgs[0])
		} else {
			err = json.Unmarshal(body, &msgs)
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		out := make([]rpcMessage, len(msgs))
		var forward []rpcMessage
		at := make(map[string]int)
		for i, m := range msgs {
			fwd, answer := rewrite(r, m)
			if answer != nil {
				out[i] = *answer
				continue
			}
			forward = append(forward, fwd)
			at[string(fwd.ID)] = i
		}
		if len(forward) > 0 {
			answers, err := forwardRPC(r.Context(), upstream, forward)
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			for _, a := range answers {
				out[at[string(a.ID)]] = a
			}
		}
		w.Header().Set("Content-Type", "application/json")
		var reply any = out
		if !batch {
			reply = out[0]
		}
		_ = json.NewEncoder(w).Encode(reply)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

func forwardRPC(ctx context.Context, upstream string, msgs []rpcMessage) ([]rpcMessage, error) {
	if upstream == "" {
		return nil, errors.New("no upstream")
	}
	body, err := json.Marshal(msgs)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, upstream, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var answers []rpcMessage
	if err := json.NewDecoder(resp.Body).Decode(&answers); err != nil {
		return nil, err
	}
	return answers, nil
}

// closedPort returns an http URL on which nothing listens.
func closedPort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		tb.Fatal(err)
	}
	return "http://" + addr
}
