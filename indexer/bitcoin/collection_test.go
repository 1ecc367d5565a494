package bitcoin

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/txscript"
)

func TestNewCollection(t *testing.T) {
	main, test, reg := &chaincfg.MainNetParams, &chaincfg.TestNet3Params, &chaincfg.RegressionNetParams
	tests := []struct {
		name    string
		address string
		net     *chaincfg.Params
		ok      bool
	}{
		{"mainnet p2pkh", testAddress(t, "p2pkh", 1, main), main, true},
		{"mainnet p2sh", testAddress(t, "p2sh", 1, main), main, true},
		{"mainnet p2wpkh", testAddress(t, "p2wpkh", 1, main), main, true},
		{"mainnet p2wsh", testAddress(t, "p2wsh", 1, main), main, true},
		{"mainnet p2tr", testAddress(t, "p2tr", 1, main), main, true},
		{"mainnet p2tr upper-case", strings.ToUpper(testAddress(t, "p2tr", 1, main)), main, true},
		{"testnet p2tr", testAddress(t, "p2tr", 1, test), test, true},
		{"testnet address on signet", testAddress(t, "p2wpkh", 1, test), &chaincfg.SigNetParams, true},
		{"regtest p2wpkh", testAddress(t, "p2wpkh", 1, reg), reg, true},
		{"testnet bech32 on mainnet", testAddress(t, "p2tr", 1, test), main, false},
		{"mainnet bech32 on testnet", testAddress(t, "p2wpkh", 1, main), test, false},
		{"regtest bech32 on mainnet", testAddress(t, "p2wpkh", 1, reg), main, false},
		{"testnet base58 on mainnet", testAddress(t, "p2pkh", 1, test), main, false},
		{"mainnet base58 on testnet", testAddress(t, "p2sh", 1, main), test, false},
		{"bad checksum", testAddress(t, "p2tr", 1, main)[:61] + "q", main, false},
		{"garbage", "not an address", main, false},
		{"empty", "", main, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCollection("embers", tt.address, tt.net, 0, 0)
			if (err == nil) != tt.ok {
				t.Fatalf("NewCollection(%q) error = %v, want ok %v", tt.address, err, tt.ok)
			}
			if !tt.ok {
				return
			}
			want, err := txscript.PayToAddrScript(c.Address)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.PkScript, want) || len(c.PkScript) == 0 {
				t.Errorf("PkScript = %x, want %x", c.PkScript, want)
			}
			if c.Name != "embers" || c.MinFeeSats != DefaultMinFeeSats || c.MinConfirmations != DefaultMinConfirmations {
				t.Errorf("collection = %+v, want defaults", c)
			}
		})
	}
}

func TestNewCollectionSettings(t *testing.T) {
	addr := testAddress(t, "p2tr", 1, &chaincfg.MainNetParams)
	priv, _ := btcec.PrivKeyFromBytes(bytes.Repeat([]byte{1}, 32))
	pubKeyHex := hex.EncodeToString(priv.PubKey().SerializeCompressed())

	tests := []struct {
		name            string
		collection      string
		address         string
		net             *chaincfg.Params
		minFee, minConf int64
		wantFee         int64
		wantConf        int64
		ok              bool
	}{
		{"explicit", "embers", addr, &chaincfg.MainNetParams, 10_000, 6, 10_000, 6, true},
		{"defaults", "embers", addr, &chaincfg.MainNetParams, 0, 0, DefaultMinFeeSats, DefaultMinConfirmations, true},
		{"empty name", "", addr, &chaincfg.MainNetParams, 0, 0, 0, 0, false},
		{"no network", "embers", addr, nil, 0, 0, 0, 0, false},
		{"negative fee", "embers", addr, &chaincfg.MainNetParams, -1, 0, 0, 0, false},
		{"negative confirmations", "embers", addr, &chaincfg.MainNetParams, 0, -1, 0, 0, false},
		{"public key", "embers", pubKeyHex, &chaincfg.MainNetParams, 0, 0, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewCollection(tt.collection, tt.address, tt.net, tt.minFee, tt.minConf)
			if (err == nil) != tt.ok {
				t.Fatalf("error = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && (c.MinFeeSats != tt.wantFee || c.MinConfirmations != tt.wantConf) {
				t.Errorf("fee, confirmations = %d, %d; want %d, %d", c.MinFeeSats, c.MinConfirmations, tt.wantFee, tt.wantConf)
			}
		})
	}
}
