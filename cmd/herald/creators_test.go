package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/indexer/devnet"
	"github.com/herald-indexer/herald/store/storetest"
)

// docs/creators.md's recipe, on the devnet: herald payload prints the
// OP_RETURN; a wallet pays the creator's fee with it; herald indexes the
// payment and the NFT is registered.
func TestCreatorsRecipe(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	btc, err := devnet.StartBitcoin(ctx, devnet.BitcoinOptions{Dir: t.TempDir(), BlockInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer btc.Stop(context.Background())

	// 1. The payload, valid for ten blocks.
	const nft = "6fb976ab49dcec017f1e201e84395983204ae1a7c2abf7ced0a85d692e442799i0"
	var out bytes.Buffer
	if err := run([]string{"payload", nft, strconv.FormatInt(btc.Tip()+10, 10)}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	opReturn, err := hex.DecodeString(strings.TrimSpace(out.String()))
	if err != nil {
		t.Fatal(err)
	}
	// 2. The payment: the fee to the creator, and the OP_RETURN.
	col := btc.Collection()
	creator, err := btcutil.DecodeAddress(col.Creator, &chaincfg.RegressionNetParams)
	if err != nil {
		t.Fatal(err)
	}
	creatorScript, err := txscript.PayToAddrScript(creator)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := btc.Pay(wire.NewTxOut(col.MinFeeSats, creatorScript), wire.NewTxOut(0, opReturn))
	if err != nil {
		t.Fatal(err)
	}
	if err := btc.Mine(1); err != nil {
		t.Fatal(err)
	}

	// 3. herald, following the devnet, shows it.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	cfg := defaultConfig()
	cfg.DatabaseURL = storetest.Empty(t)
	cfg.HTTP.Listen = addr
	cfg.Bitcoin = append(cfg.Bitcoin, btc.Config("bitcoin-devnet"))
	done := make(chan error, 1)
	go func() {
		done <- start(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), roles{index: true, serve: true})
	}()
	defer func() { cancel(); <-done }()
	query := `query($tx: TxID!, $nft: InscriptionID!) {
		registration(txid: $tx) { status paidSats inscriptionId }
		nft(id: $nft) { isRegistered registrationCount } }`
	body, _ := json.Marshal(map[string]any{"query": query, "variables": map[string]any{"tx": tx.TxHash().String(), "nft": nft}})
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		var got struct {
			Data struct {
				Registration *struct {
					Status        string
					PaidSats      int64
					InscriptionID string
				}
				Nft struct {
					IsRegistered      bool
					RegistrationCount int
				}
			}
		}
		if resp, err := http.Post("http://"+addr+"/graphql", "application/json", bytes.NewReader(body)); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&got)
			resp.Body.Close()
		}
		if r := got.Data.Registration; r != nil {
			if r.Status != "VALID" || r.PaidSats != col.MinFeeSats || r.InscriptionID != nft || !got.Data.Nft.IsRegistered || got.Data.Nft.RegistrationCount != 1 {
				t.Fatalf("herald shows %+v", got.Data)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the registration did not show in herald within a minute")
		}
	}
}
