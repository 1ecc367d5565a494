package evm

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"

	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

func TestDecodeRevert(t *testing.T) {
	abis, err := kindABIs(KindVerifier)
	if err != nil {
		t.Fatal(err)
	}
	verifier := abis[0]
	sel := func(name string) string {
		id := verifier.Errors[name].ID
		return hexutil.Encode(id[:4])
	}
	pack := func(name string, args ...any) []byte {
		e := verifier.Errors[name]
		data, err := e.Inputs.Pack(args...)
		if err != nil {
			t.Fatal(err)
		}
		id := e.ID
		return append(id[:4:4], data...)
	}
	str, _ := abi.NewType("string", "", nil)
	revertString, err := abi.Arguments{{Type: str}}.Pack("XPBadge721: not minter")
	if err != nil {
		t.Fatal(err)
	}
	panicData := hexutil.MustDecode("0x4e487b710000000000000000000000000000000000000000000000000000000000000011")
	for _, c := range []struct {
		name     string
		data     []byte
		outOfGas bool
		want     RevertError
	}{
		{"revert string", append([]byte{0x08, 0xc3, 0x79, 0xa0}, revertString...), false,
			RevertError{Selector: "0x08c379a0", Name: RevertString, Message: "XPBadge721: not minter"}},
		{"panic", panicData, false, RevertError{Selector: "0x4e487b71", Name: RevertPanic, Message: "arithmetic underflow or overflow"}},
		{"custom error with arguments", pack("ClaimTooLarge", big.NewInt(5000), big.NewInt(1000)), false,
			RevertError{Selector: sel("ClaimTooLarge"), Name: "ClaimTooLarge", Message: "claimedXP=5000, maxXP=1000"}},
		{"custom error without", pack("ZeroNullifier"), false,
			RevertError{Selector: sel("ZeroNullifier"), Name: "ZeroNullifier", Message: ""}},
		{"unknown selector", hexutil.MustDecode("0xdeadbeef00"), false, RevertError{Selector: "0xdeadbeef"}},
		{"custom error cut short", pack("ClaimTooLarge", big.NewInt(1), big.NewInt(2))[:20], false,
			RevertError{Selector: sel("ClaimTooLarge"), Name: "ClaimTooLarge", Message: "arguments do not decode as ClaimTooLarge(uint256,uint256)"}},
		{"revert string cut short", []byte{0x08, 0xc3, 0x79, 0xa0, 1}, false,
			RevertError{Selector: "0x08c379a0", Name: RevertString, Message: "malformed Error data"}},
		{"no data", nil, false, RevertError{Message: "reverted without revert data"}},
		{"no data, all gas used", []byte{}, true, RevertError{Name: RevertOutOfGas, Message: "the call used all the gas it was given"}},
		{"shorter than a selector", []byte{1, 2}, false, RevertError{Selector: "0x0102", Message: "revert data shorter than a selector"}},
	} {
		if got := DecodeRevert(abis, c.data, c.outOfGas); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}

func FuzzDecodeRevert(f *testing.F) {
	abis, err := kindABIs(KindVerifier)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte{0x08, 0xc3, 0x79, 0xa0, 0, 0, 0, 0x20}, false)
	id := abis[0].Errors["ClaimTooLarge"].ID
	f.Add(append(id[:4:4], make([]byte, 64)...), false)
	f.Fuzz(func(t *testing.T, data []byte, outOfGas bool) {
		e := DecodeRevert(abis, data, outOfGas)
		if len(data) >= 4 && e.Selector != hexutil.Encode(data[:4]) {
			t.Fatalf("selector %q of %x", e.Selector, data)
		}
	})
}

// commitAny seals a block with txs and returns their receipts, reverted
// ones included (testChain.commit refuses those).
func (c *testChain) commitAny(tb testing.TB, txs ...*types.Transaction) []*types.Receipt {
	tb.Helper()
	for attempt := 1; ; attempt++ {
		c.sim.Commit()
		var rcpts []*types.Receipt
		for _, tx := range txs {
			rcpt, err := receiptOf(c.client, tx.Hash())
			if errors.Is(err, ethereum.NotFound) {
				break
			}
			if err != nil {
				tb.Fatal(err)
			}
			rcpts = append(rcpts, rcpt)
		}
		if len(rcpts) == len(txs) {
			return rcpts
		}
		if attempt == 3 {
			tb.Fatalf("transactions not mined in %d blocks", attempt)
		}
	}
}

// withGas sends without an estimate, which would refuse a reverting call.
func withGas(o *bind.TransactOpts, gas uint64) *bind.TransactOpts {
	cp := *o
	cp.GasLimit = gas
	return &cp
}

// callsScenario sends, in one block, a claim that succeeds, three that
// revert (a revert string, custom errors with and without arguments), one
// out of gas, and a transfer to an unconfigured address; it returns their
// receipts by name.
func callsScenario(tb testing.TB, c *testChain) map[string]*types.Receipt {
	tb.Helper()
	send := func(tx *types.Transaction, err error) *types.Transaction {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
		return tx
	}
	nonce := func(o *bind.TransactOpts) uint64 {
		n, err := c.client.PendingNonceAt(context.Background(), o.From)
		if err != nil {
			tb.Fatal(err)
		}
		return n
	}
	bobNonce := nonce(c.bob)
	bob := func(gas uint64) *bind.TransactOpts {
		o := withGas(c.bob, gas)
		o.Nonce = new(big.Int).SetUint64(bobNonce)
		bobNonce++
		return o
	}
	names := []string{"mint", "mint by a player", "claim too large", "zero nullifier", "out of gas", "plain transfer"}
	n := crypto.Keccak256Hash([]byte("calls nullifier"))
	txs := []*types.Transaction{
		send(c.badge721.Mint(c.alice, c.bob.From, big.NewInt(80), big.NewInt(1), big.NewInt(7))),
		send(c.badge721.Mint(bob(200_000), c.bob.From, big.NewInt(80), big.NewInt(1), big.NewInt(8))),
		send(c.verifier.VerifyXPProof(bob(300_000), n, big.NewInt(5000), nil)),
		send(c.verifier.VerifyXPProof(bob(300_000), [32]byte{}, big.NewInt(60), nil)),
		send(c.verifier.VerifyXPProof(bob(40_000), n, big.NewInt(60), make([]byte, 512))),
	}
	plain, err := types.SignNewTx(mustKey(tb, 3), types.LatestSignerForChainID(big.NewInt(simChainID)), &types.DynamicFeeTx{
		ChainID: big.NewInt(simChainID), Nonce: nonce(c.carol), GasTipCap: big.NewInt(1e9), GasFeeCap: big.NewInt(1e10),
		Gas: 21_000, To: &c.alice.From, Value: big.NewInt(1),
	})
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.client.SendTransaction(context.Background(), plain); err != nil {
		tb.Fatal(err)
	}
	txs = append(txs, plain)
	rcpts := c.commitAny(tb, txs...)
	out := make(map[string]*types.Receipt, len(names))
	for i, name := range names {
		out[name] = rcpts[i]
	}
	for name, ok := range map[string]bool{"mint": true, "plain transfer": true, "mint by a player": false, "claim too large": false, "zero nullifier": false, "out of gas": false} {
		if (out[name].Status == types.ReceiptStatusSuccessful) != ok {
			tb.Fatalf("%s: status %d", name, out[name].Status)
		}
	}
	return out
}

func mustKey(tb testing.TB, i byte) *ecdsa.PrivateKey {
	tb.Helper()
	key, err := crypto.ToECDSA(common.LeftPadBytes([]byte{i}, 32))
	if err != nil {
		tb.Fatal(err)
	}
	return key
}

// readTransactions returns the indexed transactions by hash.
func readTransactions(tb testing.TB, st *store.Store) map[string]store.Transaction {
	tb.Helper()
	var rows []store.Transaction
	if err := st.DB().NewSelect().Model(&rows).Where("chain = ?", testChainName).Scan(context.Background()); err != nil {
		tb.Fatal(err)
	}
	out := make(map[string]store.Transaction, len(rows))
	for _, r := range rows {
		out[r.TxHash] = r
	}
	return out
}

// TestGasAndFailedCalls indexes a block of claims, successful and reverted,
// with failed calls on, over a provider with eth_getBlockReceipts and over
// one without it, and without failed calls: the rows must be the chain's
// receipts, with each reverted call's error decoded.
func TestGasAndFailedCalls(t *testing.T) {
	c := newServedChain(t)
	rcpts := callsScenario(t, c.testChain)
	var blockReceiptCalls, txReceiptCalls int
	noBlockReceipts := newRPCProxy(t, c.httpURL, func(_ *http.Request, m rpcMessage) *rpcError {
		switch m.Method {
		case "eth_getBlockReceipts":
			blockReceiptCalls++
			return &rpcError{Code: -32601, Message: "the method eth_getBlockReceipts does not exist/is not available"}
		case "eth_getTransactionReceipt":
			txReceiptCalls++
		}
		return nil
	})
	abis, err := kindABIs(KindVerifier)
	if err != nil {
		t.Fatal(err)
	}
	selector := func(name string) string {
		id := abis[0].Errors[name].ID
		return hexutil.Encode(id[:4])
	}
	type want struct {
		function, errName, errSelector, errMessage string
	}
	wants := map[string]want{
		"mint":             {function: "mint"},
		"mint by a player": {"mint", RevertString, "0x08c379a0", "XPBadge721: not minter"},
		"claim too large":  {"verifyXPProof", "ClaimTooLarge", selector("ClaimTooLarge"), "claimedXP=5000, maxXP=1000"},
		"zero nullifier":   {"verifyXPProof", "ZeroNullifier", selector("ZeroNullifier"), ""},
		"out of gas":       {"verifyXPProof", RevertOutOfGas, "", "the call used all the gas it was given"},
	}
	check := func(t *testing.T, got map[string]store.Transaction, failedCalls bool) {
		t.Helper()
		for name, r := range rcpts {
			row, ok := got[r.TxHash.Hex()]
			w, indexed := wants[name]
			if !failedCalls && name != "mint" {
				indexed = false
			}
			if ok != indexed {
				t.Errorf("%s: indexed %v, want %v", name, ok, indexed)
				continue
			}
			if !ok {
				continue
			}
			fee := new(big.Int).Mul(r.EffectiveGasPrice, new(big.Int).SetUint64(r.GasUsed)).String()
			status := int16(r.Status)
			if row.GasUsed != int64(r.GasUsed) || row.EffectiveGasPrice != r.EffectiveGasPrice.String() || row.FeeWei != fee ||
				row.Status != status || row.BlockHeight != r.BlockNumber.Int64() || row.BlockHash != r.BlockHash.Hex() || row.TxIndex != int32(r.TransactionIndex) {
				t.Errorf("%s: row %+v does not match receipt gas %d price %s status %d block %d index %d",
					name, row, r.GasUsed, r.EffectiveGasPrice, r.Status, r.BlockNumber, r.TransactionIndex)
			}
			if !failedCalls {
				if row.Called || row.Function != "" || row.GasLimit != 0 {
					t.Errorf("%s: without failed calls, a receipt-only row %+v", name, row)
				}
				continue
			}
			if !row.Called || row.Function != w.function || row.ErrorName != w.errName || row.ErrorSelector != w.errSelector || row.ErrorMessage != w.errMessage {
				t.Errorf("%s: row %+v, want function %q error %q %q %q", name, row, w.function, w.errName, w.errSelector, w.errMessage)
			}
		}
	}
	for _, tc := range []struct {
		name        string
		url         string
		failedCalls bool
	}{
		{"block receipts", c.httpURL, true},
		{"receipt by transaction", noBlockReceipts.URL, true},
		{"without failed calls", c.httpURL, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := c.config(tc.url)
			cfg.FailedCalls = tc.failedCalls
			ch := newTestEVMChain(t, cfg)
			st := storetest.New(t)
			catchUp(t, newFollower(t, cfg, ch, st))
			check(t, readTransactions(t, st), tc.failedCalls)
		})
	}
	// The provider was asked for the receipts of blocks 1 (the verifier's
	// deployment) and 2 once, in one batch; then for each receipt.
	if blockReceiptCalls != 2 || txReceiptCalls == 0 {
		t.Errorf("eth_getBlockReceipts asked %d times (want 2), eth_getTransactionReceipt %d times", blockReceiptCalls, txReceiptCalls)
	}
}

// TestReceiptOfAnotherBlock: a provider whose receipts name another block
// (it saw another branch) is not believed.
func TestReceiptOfAnotherBlock(t *testing.T) {
	c := newServedChain(t)
	c.run(t, scenario(c.testChain)[0])
	other := common.HexToHash("0x1111111111111111111111111111111111111111111111111111111111111111")
	proxy := newRPCRewriter(t, c.httpURL, func(r *http.Request, m rpcMessage) (rpcMessage, *rpcMessage) {
		if m.Method != "eth_getBlockReceipts" {
			return m, nil
		}
		answers, err := forwardRPC(r.Context(), c.httpURL, []rpcMessage{m})
		if err != nil || len(answers) != 1 {
			t.Errorf("forward: %v", err)
			return m, nil
		}
		a := answers[0]
		var receipts []map[string]any
		if err := json.Unmarshal(a.Result, &receipts); err != nil {
			t.Errorf("receipts: %v", err)
			return m, nil
		}
		for _, r := range receipts {
			r["blockHash"] = other.Hex()
		}
		a.Result, _ = json.Marshal(receipts)
		return m, &a
	})
	cfg := c.config(proxy.URL)
	ch := newTestEVMChain(t, cfg)
	head, err := c.client.BlockNumber(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	_, err = ch.Blocks(ctx, int64(head), int64(head))
	if !errors.Is(err, errChainMoved) {
		t.Fatalf("blocks with receipts of another block: %v, want %v", err, errChainMoved)
	}
}

// TestContractABIFile: a contract's abi key replaces the bundled ABIs, as a
// bare array or an artifact; a file that cannot be read names the key.
func TestContractABIFile(t *testing.T) {
	dir := t.TempDir()
	const custom = `[{"type":"function","name":"claimBadge","inputs":[{"name":"id","type":"uint256"}],"outputs":[]},
		{"type":"error","name":"SeasonClosed","inputs":[{"name":"season","type":"uint256"}]}]`
	paths := map[string]string{"array.json": custom, "artifact.json": `{"contractName":"X","abi":` + custom + `}`}
	for name, body := range paths {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	addr := "0x00000000000000000000000000000000000000aa"
	for name := range paths {
		cfg := Config{Name: "x", ChainID: 1, RPC: []string{"http://127.0.0.1:1"},
			Contracts: []ContractConfig{{Address: addr, Kind: KindBadge, ABI: filepath.Join(dir, name)}}}
		contracts, err := cfg.decoderContracts()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		dec, err := NewDecoder("x", contracts)
		if err != nil {
			t.Fatal(err)
		}
		abis := dec.abis[common.HexToAddress(addr)]
		input := append(crypto.Keccak256([]byte("claimBadge(uint256)"))[:4], make([]byte, 32)...)
		if got := functionName(abis, input); got != "claimBadge" {
			t.Errorf("%s: function %q, want claimBadge", name, got)
		}
		data := append(crypto.Keccak256([]byte("SeasonClosed(uint256)"))[:4], common.LeftPadBytes([]byte{3}, 32)...)
		if e := DecodeRevert(abis, data, false); e.Name != "SeasonClosed" || e.Message != "season=3" {
			t.Errorf("%s: revert %+v", name, e)
		}
	}
	cfg := Config{Name: "x", ChainID: 1, Contracts: []ContractConfig{{Address: addr, Kind: KindBadge, ABI: filepath.Join(dir, "missing.json")}}}
	if _, err := cfg.decoderContracts(); err == nil || !strings.HasPrefix(err.Error(), "contracts[0].abi: ") {
		t.Fatalf("a missing ABI file: %v", err)
	}
}
