package bitcoin

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/integration/rpctest"
	"github.com/btcsuite/btcd/wire"
)

// tamper rewrites an answer of the Esplora proxy: route is "tip", "hash",
// "header" or "raw", body the honest answer.
type tamper func(route string, body []byte) []byte

// newEsploraProxy serves the Esplora REST API under /api from a real node's
// JSON-RPC, answering as Esplora does (404 "Block not found" for an unknown
// height or hash). A tamper function, when given, rewrites its answers.
func newEsploraProxy(t testing.TB, h *rpctest.Harness, tampers ...tamper) *httptest.Server {
	t.Helper()
	src, err := NewRPCSource(rpcProvider(t, h))
	if err != nil {
		t.Fatal(err)
	}
	reply := func(w http.ResponseWriter, route string, body []byte) {
		for _, f := range tampers {
			body = f(route, body)
		}
		_, _ = w.Write(body)
	}
	notFound := func(w http.ResponseWriter) { http.Error(w, "Block not found", http.StatusNotFound) }
	blockHash := func(w http.ResponseWriter, r *http.Request) (chainhash.Hash, bool) {
		s := r.PathValue("hash")
		hash, err := chainhash.NewHashFromStr(s)
		if err != nil || len(s) != 64 {
			http.Error(w, "Invalid hex string", http.StatusBadRequest)
			return chainhash.Hash{}, false
		}
		return *hash, true
	}

	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/blocks/tip/height", func(w http.ResponseWriter, r *http.Request) {
		height, err := src.TipHeight(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		reply(w, "tip", []byte(strconv.FormatInt(height, 10)))
	})
	mux.HandleFunc("GET /api/block-height/{height}", func(w http.ResponseWriter, r *http.Request) {
		height, err := strconv.ParseInt(r.PathValue("height"), 10, 64)
		if err != nil {
			http.Error(w, "Invalid height", http.StatusBadRequest)
			return
		}
		hash, err := src.BlockHash(r.Context(), height)
		if err != nil {
			notFound(w)
			return
		}
		reply(w, "hash", []byte(hash.String()))
	})
	mux.HandleFunc("GET /api/block/{hash}/header", func(w http.ResponseWriter, r *http.Request) {
		hash, ok := blockHash(w, r)
		if !ok {
			return
		}
		header, err := src.Header(r.Context(), hash)
		if err != nil {
			notFound(w)
			return
		}
		var buf bytes.Buffer
		if err := header.Serialize(&buf); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		reply(w, "header", []byte(hex.EncodeToString(buf.Bytes())))
	})
	mux.HandleFunc("GET /api/block/{hash}/raw", func(w http.ResponseWriter, r *http.Request) {
		hash, ok := blockHash(w, r)
		if !ok {
			return
		}
		blk, err := src.Block(r.Context(), hash)
		if err != nil {
			notFound(w)
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		reply(w, "raw", serialize(t, blk))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// serialize returns blk in wire format; it may run on a server goroutine,
// so it reports with t.Error.
func serialize(t testing.TB, blk *wire.MsgBlock) []byte {
	var buf bytes.Buffer
	if err := blk.Serialize(&buf); err != nil {
		t.Error(err)
	}
	return buf.Bytes()
}

func TestEsploraSource(t *testing.T) {
	ctx := context.Background()
	node := newNode(t)
	_, creatorScript := regtestAddress(t, 0x11)
	send(t, node, payload(nftID(1), 1000), wire.NewTxOut(50_000, creatorScript))
	best := mine(t, node, 1)[0]
	height := tip(t, node)

	srv := newEsploraProxy(t, node)
	src, err := NewEsploraSource(ProviderConfig{Kind: KindEsplora, URL: srv.URL + "/api/"})
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
	if len(blk.Transactions) != 2 {
		t.Errorf("block has %d transactions, want the coinbase and the payment", len(blk.Transactions))
	}
	if err := VerifyBlock(blk, hash, regtest.PowLimit); err != nil {
		t.Errorf("VerifyBlock: %v", err)
	}

	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"height beyond the tip", func() error { _, err := src.BlockHash(ctx, height+1); return err }},
		{"unknown block", func() error { _, err := src.Block(ctx, chainhash.Hash{1}); return err }},
		{"unknown header", func() error { _, err := src.Header(ctx, chainhash.Hash{1}); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if err == nil || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "Block not found") {
				t.Fatalf("err = %v, want HTTP 404 Block not found", err)
			}
		})
	}
}

// TestEsploraSourceGarbage checks that answers that are not what Esplora
// sends are errors, never blocks.
func TestEsploraSourceGarbage(t *testing.T) {
	good := testBlock(tx(nil, out(1, opReturn("x"))))
	goodRaw := serialize(t, good)
	hash := good.BlockHash()
	for _, tc := range []struct {
		name   string
		status int
		body   string
		call   func(s *EsploraSource) error
		want   string
	}{
		{"tip not a number", 200, "tip", tipCall, "not a height"},
		{"tip negative", 200, "-5", tipCall, "not a height"},
		{"tip server error", 503, "overloaded", tipCall, "HTTP 503"},
		{"tip rate limited", 429, "Too Many Requests", tipCall, "HTTP 429"},
		{"hash not hex", 200, strings.Repeat("z", 64), hashCall, "bad hash"},
		{"hash too short", 200, "abcd", hashCall, "bad hash"},
		{"header not hex", 200, "xyz", headerCall(hash), "not hex"},
		{"header too short", 200, "0000", headerCall(hash), "decode header"},
		{"raw junk", 200, "\x01\x02\x03junk", blockCall(hash), "decode block"},
		{"raw with trailing bytes", 200, string(goodRaw) + "\x00", blockCall(hash), "after the block"},
		{"raw as hex", 200, hex.EncodeToString(goodRaw), blockCall(hash), "decode block"},
		{"raw too large", 200, strings.Repeat("\x00", maxBlockSize+1), blockCall(hash), "larger than"},
		{"raw not found", 404, "Block not found", blockCall(hash), "HTTP 404"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			src, err := NewEsploraSource(ProviderConfig{Kind: KindEsplora, URL: srv.URL})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.call(src); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func tipCall(s *EsploraSource) error {
	_, err := s.TipHeight(context.Background())
	return err
}

func hashCall(s *EsploraSource) error {
	_, err := s.BlockHash(context.Background(), 7)
	return err
}

func headerCall(hash chainhash.Hash) func(s *EsploraSource) error {
	return func(s *EsploraSource) error {
		_, err := s.Header(context.Background(), hash)
		return err
	}
}

func blockCall(hash chainhash.Hash) func(s *EsploraSource) error {
	return func(s *EsploraSource) error {
		_, err := s.Block(context.Background(), hash)
		return err
	}
}
