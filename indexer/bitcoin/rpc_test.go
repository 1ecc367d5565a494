package bitcoin

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"
)

func TestRPCSource(t *testing.T) {
	ctx := context.Background()
	node := newNode(t)
	_, creatorScript := regtestAddress(t, 0x11)
	inscribe(t, node, envelope([]byte{tagContentType}, []byte("text/plain"), nil, []byte("hello")))
	send(t, node, payload(nftID(1), 1000), wire.NewTxOut(50_000, creatorScript))
	best := mine(t, node, 1)[0]
	height := tip(t, node)

	src, err := NewRPCSource(rpcProvider(t, node))
	if err != nil {
		t.Fatal(err)
	}
	gotTip, err := src.TipHeight(ctx)
	if err != nil || gotTip != height {
		t.Fatalf("TipHeight = %d, %v; want %d", gotTip, err, height)
	}
	hash, err := src.BlockHash(ctx, height)
	if err != nil || hash != *best {
		t.Fatalf("BlockHash(%d) = %s, %v; want %s", height, hash, err, best)
	}
	want, err := node.Client.GetBlock(best)
	if err != nil {
		t.Fatal(err)
	}
	header, err := src.Header(ctx, hash)
	if err != nil || *header != want.Header {
		t.Fatalf("Header = %+v, %v; want %+v", header, err, want.Header)
	}
	blk, err := src.Block(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(serialize(t, blk), serialize(t, want)) {
		t.Fatal("Block differs from the node's block")
	}
	// btcd's getblock <hash> 0 keeps the witnesses: the reveal's and the
	// coinbase's commitment nonce.
	witnesses := 0
	for _, tx := range blk.Transactions {
		if tx.HasWitness() {
			witnesses++
		}
	}
	if len(blk.Transactions) != 4 || witnesses != 2 {
		t.Errorf("block has %d transactions, %d with witnesses; want 4 (coinbase, commit, reveal, payment), 2", len(blk.Transactions), witnesses)
	}
	if err := VerifyBlock(blk, hash, regtest.PowLimit); err != nil {
		t.Errorf("VerifyBlock: %v", err)
	}

	for _, tc := range []struct {
		name string
		call func() error
		want string
	}{
		{"height beyond the tip", func() error { _, err := src.BlockHash(ctx, height+1); return err }, "getblockhash"},
		{"unknown block", func() error { _, err := src.Block(ctx, chainhash.Hash{1}); return err }, "getblock"},
		{"unknown header", func() error { _, err := src.Header(ctx, chainhash.Hash{1}); return err }, "getblockheader"},
		{"wrong password", func() error {
			cfg := rpcProvider(t, node)
			cfg.Password = "wrong"
			bad, err := NewRPCSource(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = bad.TipHeight(ctx)
			return err
		}, "HTTP 401"},
		{"untrusted certificate", func() error {
			cfg := rpcProvider(t, node)
			cfg.CertFile = ""
			bad, err := NewRPCSource(cfg)
			if err != nil {
				t.Fatal(err)
			}
			_, err = bad.TipHeight(ctx)
			return err
		}, "certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.call(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// cookieProxy fronts a node's RPC and, like bitcoind, admits only the
// credentials of its current cookie file; rotate writes a new one, as a
// restarted bitcoind does.
type cookieProxy struct {
	*httptest.Server
	path string
	mu   sync.Mutex
	pass string
}

func newCookieProxy(t testing.TB, cfg ProviderConfig) *cookieProxy {
	t.Helper()
	target, err := url.Parse(cfg.URL)
	if err != nil {
		t.Fatal(err)
	}
	client, err := newHTTPClient(cfg.CertFile)
	if err != nil {
		t.Fatal(err)
	}
	p := &cookieProxy{path: filepath.Join(t.TempDir(), ".cookie")}
	p.rotate(t, "first")
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = client.Transport
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		user, pass, ok := r.BasicAuth()
		p.mu.Lock()
		admitted := ok && user == "__cookie__" && pass == p.pass
		p.mu.Unlock()
		if !admitted {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		// Buffered, because btcd answers the moment it has the body: writing
		// that answer drains and closes the inbound body, the transport's
		// check for bytes past Content-Length then fails and tears down the
		// upstream connection mid-response (golang/go#40747).
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		r.SetBasicAuth(cfg.User, cfg.Password)
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *cookieProxy) rotate(t testing.TB, pass string) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pass = pass
	if err := os.WriteFile(p.path, []byte("__cookie__:"+pass), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestRPCSourceCookie(t *testing.T) {
	ctx := context.Background()
	node := newNode(t)
	proxy := newCookieProxy(t, rpcProvider(t, node))
	src, err := NewRPCSource(ProviderConfig{Kind: KindRPC, URL: proxy.URL, CookieFile: proxy.path})
	if err != nil {
		t.Fatal(err)
	}
	want := tip(t, node)
	for _, step := range []string{"first", "after a restart", "after another restart"} {
		if step != "first" {
			proxy.rotate(t, strings.ReplaceAll(step, " ", "-"))
		}
		if got, err := src.TipHeight(ctx); err != nil || got != want {
			t.Fatalf("%s: TipHeight = %d, %v; want %d", step, got, err, want)
		}
	}

	// A restart that leaves a cookie the source cannot read.
	proxy.rotate(t, "unreadable")
	if err := os.WriteFile(proxy.path, []byte("no colon"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := src.TipHeight(ctx); err == nil || !strings.Contains(err.Error(), "is not <user>:<password>") {
		t.Fatalf("malformed cookie: err = %v", err)
	}
}

// TestNewChecksNetwork refuses a provider whose genesis block is another
// network's.
func TestNewChecksNetwork(t *testing.T) {
	node := newNode(t)
	cfg := Config{Name: "bitcoin-testnet", Network: "testnet3", Providers: []ProviderConfig{rpcProvider(t, node)}}
	_, err := New(context.Background(), cfg, discardLogger())
	if err == nil || !strings.Contains(err.Error(), "not testnet3's") {
		t.Fatalf("New = %v, want a genesis mismatch", err)
	}
	cfg.Network = "regtest"
	if _, err := New(context.Background(), cfg, discardLogger()); err != nil {
		t.Fatalf("New on the right network: %v", err)
	}
}

// TestRPCSourceGarbage checks that answers that are not JSON-RPC results of
// the expected shape are errors.
func TestRPCSourceGarbage(t *testing.T) {
	ctx := context.Background()
	tipCall := func(s *RPCSource) error { _, err := s.TipHeight(ctx); return err }
	blockCall := func(s *RPCSource) error { _, err := s.Block(ctx, chainhash.Hash{1}); return err }
	headerCall := func(s *RPCSource) error { _, err := s.Header(ctx, chainhash.Hash{1}); return err }
	for _, tc := range []struct {
		name   string
		status int
		body   string
		call   func(s *RPCSource) error
		want   string
	}{
		{"null result", 200, `{"result":null,"error":null,"id":1}`, tipCall, "no result"},
		{"no result", 200, `{"id":1}`, tipCall, "no result"},
		{"result of the wrong type", 200, `{"result":"12","error":null,"id":1}`, tipCall, "getblockcount: result"},
		{"not JSON", 200, `<html>hello</html>`, tipCall, "not JSON-RPC"},
		{"proxy error page", 502, `<html>Bad Gateway</html>`, tipCall, "HTTP 502"},
		{"RPC error", 500, `{"result":null,"error":{"code":-28,"message":"Loading block index..."},"id":1}`, tipCall, "Loading block index"},
		{"block not hex", 200, `{"result":"zz","error":null,"id":1}`, blockCall, "not hex"},
		{"block junk", 200, `{"result":"00010203","error":null,"id":1}`, blockCall, "decode block"},
		{"header short", 200, `{"result":"0001","error":null,"id":1}`, headerCall, "decode header"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			src, err := NewRPCSource(ProviderConfig{Kind: KindRPC, URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(src); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}
