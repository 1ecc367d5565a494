package bitcoin

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/wire"

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
