package bitcoin

import (
	"bytes"
	"context"
	"net"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer"
	"github.com/herald-indexer/herald/store/storetest"
)

// closedURL returns an http URL on which nothing listens.
func closedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	return "http://user:secretpassword@" + addr
}

// rawBlocks returns a tamper that rewrites every raw block that edit
// changes (edit reports whether it did).
func rawBlocks(t testing.TB, edit func(blk *wire.MsgBlock) bool) tamper {
	return func(route string, body []byte) []byte {
		if route != "raw" {
			return body
		}
		blk, err := decodeBlock(body)
		if err != nil {
			t.Error(err)
			return body
		}
		if !edit(blk) {
			return body
		}
		return serialize(t, blk)
	}
}

// TestChainFailover indexes a chain whose preferred provider is down or
// lies, and expects exactly what the honest provider alone gives, with the
// bad provider's failures visible in States.
func TestChainFailover(t *testing.T) {
	node := newNode(t)
	creator, creatorScript := regtestAddress(t, 0x11)
	start := tip(t, node) + 1
	// A block of three transactions, the shape a CVE-2012-2459 mutation
	// needs (the last one repeated keeps the merkle root).
	send(t, node, payload(nftID(1), start+10), wire.NewTxOut(50_000, creatorScript))
	send(t, node, payload(nftID(2), start+10), wire.NewTxOut(70_000, creatorScript))
	payments := mine(t, node, 1)[0]
	// An inscription, whose witness a liar could forge without changing
	// any txid.
	inscribe(t, node, envelope([]byte{tagContentType}, []byte("application/json"), nil,
		[]byte(`{"schema":"buyer_registration.v1","fee_sats":50000}`)))
	mine(t, node, 3)

	cfg := Config{
		Name: chainName, Network: "regtest",
		Providers:   []ProviderConfig{rpcProvider(t, node)},
		Collections: []CollectionConfig{{Name: "embers", Creator: creator}},
	}
	want := storetest.New(t)
	follow(t, newTestChain(t, cfg), want, chainName, start)
	if n := len(registrations(t, want)); n != 2 {
		t.Fatalf("honest index has %d registrations, want 2", n)
	}
	if n := len(records(t, want)); n != 1 {
		t.Fatalf("honest index has %d records, want 1", n)
	}

	for _, tc := range []struct {
		name        string
		first       func(t *testing.T) ProviderConfig
		wantErr     string
		wantBreaker string
	}{
		{
			name:        "unreachable",
			first:       func(t *testing.T) ProviderConfig { return ProviderConfig{Kind: KindRPC, URL: closedURL(t)} },
			wantErr:     "connection refused",
			wantBreaker: "open",
		},
		{
			name: "junk hex",
			first: func(t *testing.T) ProviderConfig {
				return esploraConfig(newEsploraProxy(t, node, func(route string, body []byte) []byte {
					if route == "raw" {
						return []byte("deadbeef-not-a-block")
					}
					return body
				}).URL)
			},
			wantErr:     "decode block",
			wantBreaker: "open",
		},
		{
			name: "merkle root mismatch",
			first: func(t *testing.T) ProviderConfig {
				return esploraConfig(newEsploraProxy(t, node, rawBlocks(t, func(blk *wire.MsgBlock) bool {
					blk.Transactions[0].TxOut[0].Value--
					return true
				})).URL)
			},
			wantErr:     "merkle root",
			wantBreaker: "open",
		},
		{
			name: "mutated merkle tree",
			first: func(t *testing.T) ProviderConfig {
				return esploraConfig(newEsploraProxy(t, node, rawBlocks(t, func(blk *wire.MsgBlock) bool {
					if blk.BlockHash() != *payments {
						return false
					}
					blk.Transactions = append(blk.Transactions, blk.Transactions[len(blk.Transactions)-1])
					return true
				})).URL)
			},
			wantErr:     "CVE-2012-2459",
			wantBreaker: "closed", // one bad block among good ones
		},
		{
			name: "forged witness",
			first: func(t *testing.T) ProviderConfig {
				return esploraConfig(newEsploraProxy(t, node, rawBlocks(t, func(blk *wire.MsgBlock) bool {
					for _, tx := range blk.Transactions[1:] {
						for _, in := range tx.TxIn {
							if len(in.Witness) == 3 {
								script := in.Witness[1]
								in.Witness[1] = bytes.Replace(script, []byte("50000"), []byte("99999"), 1)
								return true
							}
						}
					}
					return false
				})).URL)
			},
			wantErr:     "witness commitment",
			wantBreaker: "closed",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fcfg := cfg
			fcfg.Providers = []ProviderConfig{tc.first(t), cfg.Providers[0]}
			chain := newTestChain(t, fcfg)
			st := storetest.New(t)
			follow(t, chain, st, chainName, start)
			assertSameDB(t, st, want)

			states := chain.States()
			if states[0].Failures == 0 || !strings.Contains(states[0].LastError, tc.wantErr) || states[0].Breaker != tc.wantBreaker {
				t.Errorf("first provider: %d failures, breaker %s, last error %q; want failures, breaker %s, an error about %q",
					states[0].Failures, states[0].Breaker, states[0].LastError, tc.wantBreaker, tc.wantErr)
			}
			if strings.Contains(states[0].Name+states[0].LastError, "secretpassword") {
				t.Errorf("provider state shows the URL's password: %+v", states[0])
			}
			if states[1].Failures != 0 || states[1].Requests == 0 {
				t.Errorf("second provider: %d failures in %d requests, want it to serve without failing", states[1].Failures, states[1].Requests)
			}
		})
	}
}

func esploraConfig(serverURL string) ProviderConfig {
	return ProviderConfig{Kind: KindEsplora, URL: serverURL + "/api"}
}

// TestChainLaggingProvider indexes a node's chain, then follows it through
// two providers: the first one dead, the second a node that has not caught
// up with the indexed tip (a peer cut off four blocks ago). Nothing is
// rolled back on the laggard's word, and the cursor's head is its tip; once
// it has caught up, indexing goes on through it.
func TestChainLaggingProvider(t *testing.T) {
	ctx := context.Background()
	ahead := newNode(t)
	behind := newPeerNode(t)
	connect(t, behind, ahead)
	lagHeight := tip(t, behind)
	disconnect(t, behind, ahead)

	creator, creatorScript := regtestAddress(t, 0x11)
	send(t, ahead, payload(nftID(1), lagHeight+50), wire.NewTxOut(50_000, creatorScript))
	mine(t, ahead, 1)
	send(t, ahead, payload(nftID(2), lagHeight+50), wire.NewTxOut(50_000, creatorScript))
	mine(t, ahead, 3)
	cfg := Config{
		Name: chainName, Network: "regtest",
		Providers:   []ProviderConfig{rpcProvider(t, ahead)},
		Collections: []CollectionConfig{{Name: "embers", Creator: creator}},
	}
	st := storetest.New(t)
	start := lagHeight - 3
	follow(t, newTestChain(t, cfg), st, chainName, start)
	indexed, _, err := st.Cursor(ctx, chainName)
	if err != nil || indexed.Height != lagHeight+4 {
		t.Fatalf("indexed up to %d (%v), want %d", indexed.Height, err, lagHeight+4)
	}
	if n := len(registrations(t, st)); n != 2 {
		t.Fatalf("%d registrations indexed, want 2", n)
	}

	lagCfg := cfg
	lagCfg.Providers = []ProviderConfig{{Kind: KindRPC, URL: closedURL(t)}, rpcProvider(t, behind)}
	lagging := newTestChain(t, lagCfg)
	f := indexer.NewFollower(indexer.Config{Chain: chainName, StartHeight: start, ReorgWindow: 20, BatchSize: 7},
		lagging, st, discardLogger(), indexer.Observer{})
	before := storetest.Snapshot(t, st, storetest.Tables...)
	for range 3 {
		if progressed, err := f.Step(ctx); err != nil || progressed {
			t.Fatalf("step through the lagging node: progressed %v, err %v", progressed, err)
		}
	}
	got := storetest.Snapshot(t, st, storetest.Tables...)
	for _, tbl := range storetest.Tables {
		if got[tbl] != before[tbl] {
			t.Errorf("table %s changed behind a lagging node:\ngot  %.600s\nwas  %.600s", tbl, got[tbl], before[tbl])
		}
	}
	cur, _, err := st.Cursor(ctx, chainName)
	if err != nil || cur.Height != indexed.Height || cur.Hash != indexed.Hash || cur.Head != lagHeight {
		t.Errorf("cursor at %d %s, head %d (%v); want still at %d %s, head the lagging node's %d",
			cur.Height, cur.Hash, cur.Head, err, indexed.Height, indexed.Hash, lagHeight)
	}
	if states := lagging.States(); states[0].Failures == 0 || states[1].Requests == 0 {
		t.Fatalf("provider states %+v: want the steps served by the lagging node, the first provider failing", states)
	}

	// The chain grows, and the laggard catches up with it: indexing goes
	// on through it, to what a clean index of the chain holds.
	send(t, ahead, payload(nftID(3), lagHeight+50), wire.NewTxOut(50_000, creatorScript))
	mine(t, ahead, 2)
	connect(t, behind, ahead)
	follow(t, lagging, st, chainName, start)
	if cur, _, err := st.Cursor(ctx, chainName); err != nil || cur.Height != tip(t, ahead) || cur.Head != tip(t, ahead) {
		t.Errorf("cursor at %d, head %d (%v); want both the tip %d", cur.Height, cur.Head, err, tip(t, ahead))
	}
	fresh := storetest.New(t)
	follow(t, newTestChain(t, cfg), fresh, chainName, start)
	assertSameDB(t, st, fresh)
}
