package evm

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"

	"github.com/herald-indexer/herald/indexer/evm/contracts"
	"github.com/herald-indexer/herald/store"
)

// Solidity's built-in errors: a revert string and a panic code.
var (
	errorSelector = []byte{0x08, 0xc3, 0x79, 0xa0} // Error(string)
	panicSelector = []byte{0x4e, 0x48, 0x7b, 0x71} // Panic(uint256)
)

// Names of reverts without an error of the contract's.
const (
	// RevertString is Solidity's Error(string): require or revert with a
	// message.
	RevertString = "Error"
	// RevertPanic is Solidity's Panic(uint256): a failed assert, an
	// overflow, a division by zero.
	RevertPanic = "Panic"
	// RevertOutOfGas is a call that reverted without data having used all
	// the gas it was given.
	RevertOutOfGas = "OutOfGas"
)

// kindABIs are the ABIs herald knows for each kind of contract: those of the
// contracts in indexer/evm/contracts, which declare the spec's events and
// the devnet's functions and errors. A configured abi file replaces them.
func kindABIs(kind ContractKind) ([]*abi.ABI, error) {
	var metas []interface{ GetAbi() (*abi.ABI, error) }
	switch kind {
	case KindBadge:
		metas = append(metas, contracts.XPBadge721MetaData, contracts.XPBadge1155MetaData)
	case KindVerifier:
		metas = append(metas, contracts.XPVerifierMetaData, contracts.XPVerifierStubMetaData)
	}
	var out []*abi.ABI
	for _, m := range metas {
		a, err := m.GetAbi()
		if err != nil {
			return nil, fmt.Errorf("bundled %s ABI: %w", kind, err)
		}
		out = append(out, a)
	}
	return out, nil
}

// RevertError is why a call reverted, as far as its revert data says.
type RevertError struct {
	// Selector is the revert data's first 4 bytes, 0x-prefixed; empty
	// without data.
	Selector string
	// Name is the ABI's name of the error, RevertString, RevertPanic or
	// RevertOutOfGas; empty when nothing names it.
	Name string
	// Message is Error(string)'s reason, Panic's meaning, a custom error's
	// arguments (name=value, …), or why nothing more is known.
	Message string
}

// DecodeRevert reads revert data with a contract's ABIs: Solidity's
// Error(string) and Panic(uint256), the ABIs' custom errors by 4-byte
// selector, and only the selector for an error they do not declare. Empty
// data is OutOfGas when the call used all its gas. It never fails: data it
// cannot read is reported as such.
func DecodeRevert(abis []*abi.ABI, data []byte, outOfGas bool) RevertError {
	switch {
	case len(data) == 0 && outOfGas:
		return RevertError{Name: RevertOutOfGas, Message: "the call used all the gas it was given"}
	case len(data) == 0:
		return RevertError{Message: "reverted without revert data"}
	case len(data) < 4:
		return RevertError{Selector: hexutil.Encode(data), Message: "revert data shorter than a selector"}
	}
	e := RevertError{Selector: hexutil.Encode(data[:4])}
	if bytes.Equal(data[:4], errorSelector) || bytes.Equal(data[:4], panicSelector) {
		e.Name = RevertString
		if bytes.Equal(data[:4], panicSelector) {
			e.Name = RevertPanic
		}
		reason, err := abi.UnpackRevert(data)
		if err != nil {
			e.Message = "malformed " + e.Name + " data"
			return e
		}
		e.Message = reason
		return e
	}
	var id [4]byte
	copy(id[:], data[:4])
	for _, a := range abis {
		ae, err := a.ErrorByID(id)
		if err != nil {
			continue
		}
		e.Name = ae.Name
		values, err := ae.Unpack(data)
		if err != nil {
			e.Message = "arguments do not decode as " + ae.Sig
			return e
		}
		args, _ := values.([]any)
		parts := make([]string, 0, len(args))
		for i, v := range args {
			name := ae.Inputs[i].Name
			if name == "" {
				name = fmt.Sprintf("arg%d", i)
			}
			parts = append(parts, fmt.Sprintf("%s=%s", name, formatArg(v)))
		}
		e.Message = strings.Join(parts, ", ")
		return e
	}
	return e
}

// formatArg renders an error argument as text: addresses and byte strings
// as hex, numbers in decimal.
func formatArg(v any) string {
	switch x := v.(type) {
	case common.Address:
		return strings.ToLower(x.Hex())
	case [32]byte:
		return hexutil.Encode(x[:])
	case []byte:
		return hexutil.Encode(x)
	case *big.Int:
		return x.String()
	default:
		return fmt.Sprint(x)
	}
}

// functionName is the ABIs' name for a call's input, or "".
func functionName(abis []*abi.ABI, input []byte) string {
	if len(input) < 4 {
		return ""
	}
	for _, a := range abis {
		if m, err := a.MethodById(input[:4]); err == nil {
			return m.RawName
		}
	}
	return ""
}

// call is one transaction as the chain's receipts and blocks tell it, before
// it becomes a row: its receipt, the transaction itself where it was read
// (failed_calls chains), and the revert data of a reverted call.
type call struct {
	receipt rpcReceipt
	tx      *rpcTx
	// called marks a call to a configured contract found in the block.
	called bool
	// revert is what the replay of a reverted call returned; nil when not
	// replayed or when the replay did not revert.
	revert   []byte
	replayed bool
}

// transaction turns a call into its row. A receipt without an
// effectiveGasPrice or with values out of a column's range is refused.
func (d *Decoder) transaction(c call) (store.Transaction, error) {
	r := c.receipt
	if r.EffectiveGasPrice == nil {
		return store.Transaction{}, fmt.Errorf("receipt of %s has no effectiveGasPrice", r.TxHash.Hex())
	}
	if r.TxIndex > math.MaxInt32 || r.GasUsed > math.MaxInt64 {
		return store.Transaction{}, fmt.Errorf("receipt of %s: index %d or gas %d out of range", r.TxHash.Hex(), r.TxIndex, r.GasUsed)
	}
	price := (*big.Int)(r.EffectiveGasPrice)
	t := store.Transaction{
		TxHash: r.TxHash.Hex(), TxIndex: int32(r.TxIndex), From: hexutil.Encode(r.From[:]),
		Called: c.called, GasUsed: int64(r.GasUsed), EffectiveGasPrice: price.String(),
		FeeWei: new(big.Int).Mul(price, new(big.Int).SetUint64(uint64(r.GasUsed))).String(),
		Status: store.TxSucceeded,
	}
	if r.To != nil {
		t.To = hexutil.Encode(r.To[:])
	}
	if r.Status != nil && *r.Status == 0 {
		t.Status = store.TxFailed
	}
	var abis []*abi.ABI
	if r.To != nil {
		abis = d.abis[*r.To]
	}
	if c.tx != nil {
		if len(c.tx.Input) >= 4 {
			t.Selector = hexutil.Encode(c.tx.Input[:4])
			t.Function = functionName(abis, c.tx.Input)
		}
		if c.tx.Gas <= math.MaxInt64 {
			t.GasLimit = int64(c.tx.Gas)
		}
	}
	if t.Status == store.TxFailed && c.called {
		var e RevertError
		switch {
		case !c.replayed:
			e = RevertError{Message: "not replayed"}
		case c.revert == nil:
			e = RevertError{Message: "the replay on the parent block's state did not revert"}
		default:
			e = DecodeRevert(abis, c.revert, t.GasLimit > 0 && t.GasUsed >= t.GasLimit)
		}
		t.ErrorSelector, t.ErrorName, t.ErrorMessage = e.Selector, e.Name, e.Message
	}
	return t, nil
}

// orderCalls sorts a block's calls by transaction index.
func orderCalls(calls []call) {
	slices.SortFunc(calls, func(a, b call) int { return int(a.receipt.TxIndex) - int(b.receipt.TxIndex) })
}
