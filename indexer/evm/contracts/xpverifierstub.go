// Code generated - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package contracts

import (
	"context"
	"errors"
	"math/big"
	"strings"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/event"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = errors.New
	_ = big.NewInt
	_ = strings.NewReader
	_ = ethereum.NotFound
	_ = bind.Bind
	_ = common.Big1
	_ = types.BloomLookup
	_ = event.NewSubscription
	_ = abi.ConvertType
	_ = time.Tick
	_ = context.Background
)

// XPVerifierStubMetaData contains all meta data concerning the XPVerifierStub contract.
var XPVerifierStubMetaData = &bind.MetaData{
	ABI: "[{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"timestamp\",\"type\":\"uint256\"}],\"name\":\"NullifierReused\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"timestamp\",\"type\":\"uint256\"}],\"name\":\"ProofVerified\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"timestamp\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"success\",\"type\":\"bool\"}],\"name\":\"ProofVerified\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"}],\"name\":\"emitDuplicateUse\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"usedNullifiers\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"}],\"name\":\"verifyProof\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"internalType\":\"bool\",\"name\":\"success\",\"type\":\"bool\"}],\"name\":\"verifyProofV2\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x6080604052348015600e575f5ffd5b5061039a8061001c5f395ff3fe608060405234801561000f575f5ffd5b506004361061004a575f3560e01c80631f43a4931461004e578063206137aa146100755780634bb2669514610097578063d1408bff146100ac575b5f5ffd5b61006161005c3660046102f3565b6100bf565b604051901515815260200160405180910390f35b61006161008336600461032d565b5f6020819052908152604090205460ff1681565b6100aa6100a5366004610344565b610184565b005b6100616100ba366004610344565b610236565b5f8381526020819052604081205460ff1615610116576040805185815242602082015233917f69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44910160405180910390a2505f61017d565b5f8481526020818152604091829020805460ff1916600117905581518581529081018690524291810191909152821515606082015233907f6366d586000ec269acf116b6a4b434ec3db6e968bdc555746108396d2d15287b9060800160405180910390a250805b9392505050565b5f8281526020819052604090205460ff166101f05760405162461bcd60e51b815260206004820152602260248201527f58505665726966696572537475623a206e756c6c6966696572206e6f74207573604482015261195960f21b606482015260840160405180910390fd5b60408051828152602081018490524281830152905133917f576e66c28e7aa417626c63ccf67b12ee70c574e1d6bf84a8ed03f4c133b1d854919081900360600190a25050565b5f8281526020819052604081205460ff161561028d576040805184815242602082015233917f69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44910160405180910390a2505f6102ed565b5f8381526020818152604091829020805460ff191660011790558151848152908101859052429181019190915233907f576e66c28e7aa417626c63ccf67b12ee70c574e1d6bf84a8ed03f4c133b1d8549060600160405180910390a25060015b92915050565b5f5f5f60608486031215610305575f5ffd5b833592506020840135915060408401358015158114610322575f5ffd5b809150509250925092565b5f6020828403121561033d575f5ffd5b5035919050565b5f5f60408385031215610355575f5ffd5b5050803592602090910135915056fea2646970667358221220b49947e75b52c92b658851bb84eb4315aebaeb2ab9d86d89e0ac5910d77e304364736f6c634300081c0033",
}

// XPVerifierStubABI is the input ABI used to generate the binding from.
// Deprecated: Use XPVerifierStubMetaData.ABI instead.
var XPVerifierStubABI = XPVerifierStubMetaData.ABI

// XPVerifierStubBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use XPVerifierStubMetaData.Bin instead.
var XPVerifierStubBin = XPVerifierStubMetaData.Bin

// DeployXPVerifierStub deploys a new Ethereum contract, binding an instance of XPVerifierStub to it.
func DeployXPVerifierStub(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *XPVerifierStub, error) {
	parsed, err := XPVerifierStubMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(XPVerifierStubBin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &XPVerifierStub{XPVerifierStubCaller: XPVerifierStubCaller{contract: contract}, XPVerifierStubTransactor: XPVerifierStubTransactor{contract: contract}, XPVerifierStubFilterer: XPVerifierStubFilterer{contract: contract}}, nil
}

// XPVerifierStub is an auto generated Go binding around an Ethereum contract.
type XPVerifierStub struct {
	XPVerifierStubCaller     // Read-only binding to the contract
	XPVerifierStubTransactor // Write-only binding to the contract
	XPVerifierStubFilterer   // Log filterer for contract events
}

// XPVerifierStubCaller is an auto generated read-only Go binding around an Ethereum contract.
type XPVerifierStubCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPVerifierStubTransactor is an auto generated write-only Go binding around an Ethereum contract.
type XPVerifierStubTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPVerifierStubFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type XPVerifierStubFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPVerifierStubSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type XPVerifierStubSession struct {
	Contract     *XPVerifierStub   // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// XPVerifierStubCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type XPVerifierStubCallerSession struct {
	Contract *XPVerifierStubCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts         // Call options to use throughout this session
}

// XPVerifierStubTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type XPVerifierStubTransactorSession struct {
	Contract     *XPVerifierStubTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts         // Transaction auth options to use throughout this session
}

// XPVerifierStubRaw is an auto generated low-level Go binding around an Ethereum contract.
type XPVerifierStubRaw struct {
	Contract *XPVerifierStub // Generic contract binding to access the raw methods on
}

// XPVerifierStubCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type XPVerifierStubCallerRaw struct {
	Contract *XPVerifierStubCaller // Generic read-only contract binding to access the raw methods on
}

// XPVerifierStubTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type XPVerifierStubTransactorRaw struct {
	Contract *XPVerifierStubTransactor // Generic write-only contract binding to access the raw methods on
}

// NewXPVerifierStub creates a new instance of XPVerifierStub, bound to a specific deployed contract.
func NewXPVerifierStub(address common.Address, backend bind.ContractBackend) (*XPVerifierStub, error) {
	contract, err := bindXPVerifierStub(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStub{XPVerifierStubCaller: XPVerifierStubCaller{contract: contract}, XPVerifierStubTransactor: XPVerifierStubTransactor{contract: contract}, XPVerifierStubFilterer: XPVerifierStubFilterer{contract: contract}}, nil
}

// NewXPVerifierStubCaller creates a new read-only instance of XPVerifierStub, bound to a specific deployed contract.
func NewXPVerifierStubCaller(address common.Address, caller bind.ContractCaller) (*XPVerifierStubCaller, error) {
	contract, err := bindXPVerifierStub(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStubCaller{contract: contract}, nil
}

// NewXPVerifierStubTransactor creates a new write-only instance of XPVerifierStub, bound to a specific deployed contract.
func NewXPVerifierStubTransactor(address common.Address, transactor bind.ContractTransactor) (*XPVerifierStubTransactor, error) {
	contract, err := bindXPVerifierStub(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStubTransactor{contract: contract}, nil
}

// NewXPVerifierStubFilterer creates a new log filterer instance of XPVerifierStub, bound to a specific deployed contract.
func NewXPVerifierStubFilterer(address common.Address, filterer bind.ContractFilterer) (*XPVerifierStubFilterer, error) {
	contract, err := bindXPVerifierStub(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStubFilterer{contract: contract}, nil
}

// bindXPVerifierStub binds a generic wrapper to an already deployed contract.
func bindXPVerifierStub(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := XPVerifierStubMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPVerifierStub *XPVerifierStubRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPVerifierStub.Contract.XPVerifierStubCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPVerifierStub *XPVerifierStubRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.XPVerifierStubTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPVerifierStub *XPVerifierStubRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.XPVerifierStubTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPVerifierStub *XPVerifierStubCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPVerifierStub.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPVerifierStub *XPVerifierStubTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPVerifierStub *XPVerifierStubTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.contract.Transact(opts, method, params...)
}

// UsedNullifiers is a free data retrieval call binding the contract method 0x206137aa.
//
// Solidity: function usedNullifiers(bytes32 ) view returns(bool)
func (_XPVerifierStub *XPVerifierStubCaller) UsedNullifiers(opts *bind.CallOpts, arg0 [32]byte) (bool, error) {
	var out []interface{}
	err := _XPVerifierStub.contract.Call(opts, &out, "usedNullifiers", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// UsedNullifiers is a free data retrieval call binding the contract method 0x206137aa.
//
// Solidity: function usedNullifiers(bytes32 ) view returns(bool)
func (_XPVerifierStub *XPVerifierStubSession) UsedNullifiers(arg0 [32]byte) (bool, error) {
	return _XPVerifierStub.Contract.UsedNullifiers(&_XPVerifierStub.CallOpts, arg0)
}

// UsedNullifiers is a free data retrieval call binding the contract method 0x206137aa.
//
// Solidity: function usedNullifiers(bytes32 ) view returns(bool)
func (_XPVerifierStub *XPVerifierStubCallerSession) UsedNullifiers(arg0 [32]byte) (bool, error) {
	return _XPVerifierStub.Contract.UsedNullifiers(&_XPVerifierStub.CallOpts, arg0)
}

// EmitDuplicateUse is a paid mutator transaction binding the contract method 0x4bb26695.
//
// Solidity: function emitDuplicateUse(bytes32 nullifier, uint256 xpEarned) returns()
func (_XPVerifierStub *XPVerifierStubTransactor) EmitDuplicateUse(opts *bind.TransactOpts, nullifier [32]byte, xpEarned *big.Int) (*types.Transaction, error) {
	return _XPVerifierStub.contract.Transact(opts, "emitDuplicateUse", nullifier, xpEarned)
}

// EmitDuplicateUse is a paid mutator transaction binding the contract method 0x4bb26695.
//
// Solidity: function emitDuplicateUse(bytes32 nullifier, uint256 xpEarned) returns()
func (_XPVerifierStub *XPVerifierStubSession) EmitDuplicateUse(nullifier [32]byte, xpEarned *big.Int) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.EmitDuplicateUse(&_XPVerifierStub.TransactOpts, nullifier, xpEarned)
}

// EmitDuplicateUse is a paid mutator transaction binding the contract method 0x4bb26695.
//
// Solidity: function emitDuplicateUse(bytes32 nullifier, uint256 xpEarned) returns()
func (_XPVerifierStub *XPVerifierStubTransactorSession) EmitDuplicateUse(nullifier [32]byte, xpEarned *big.Int) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.EmitDuplicateUse(&_XPVerifierStub.TransactOpts, nullifier, xpEarned)
}

// VerifyProof is a paid mutator transaction binding the contract method 0xd1408bff.
//
// Solidity: function verifyProof(bytes32 nullifier, uint256 xpEarned) returns(bool)
func (_XPVerifierStub *XPVerifierStubTransactor) VerifyProof(opts *bind.TransactOpts, nullifier [32]byte, xpEarned *big.Int) (*types.Transaction, error) {
	return _XPVerifierStub.contract.Transact(opts, "verifyProof", nullifier, xpEarned)
}

// VerifyProof is a paid mutator transaction binding the contract method 0xd1408bff.
//
// Solidity: function verifyProof(bytes32 nullifier, uint256 xpEarned) returns(bool)
func (_XPVerifierStub *XPVerifierStubSession) VerifyProof(nullifier [32]byte, xpEarned *big.Int) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.VerifyProof(&_XPVerifierStub.TransactOpts, nullifier, xpEarned)
}

// VerifyProof is a paid mutator transaction binding the contract method 0xd1408bff.
//
// Solidity: function verifyProof(bytes32 nullifier, uint256 xpEarned) returns(bool)
func (_XPVerifierStub *XPVerifierStubTransactorSession) VerifyProof(nullifier [32]byte, xpEarned *big.Int) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.VerifyProof(&_XPVerifierStub.TransactOpts, nullifier, xpEarned)
}

// VerifyProofV2 is a paid mutator transaction binding the contract method 0x1f43a493.
//
// Solidity: function verifyProofV2(bytes32 nullifier, uint256 xpEarned, bool success) returns(bool)
func (_XPVerifierStub *XPVerifierStubTransactor) VerifyProofV2(opts *bind.TransactOpts, nullifier [32]byte, xpEarned *big.Int, success bool) (*types.Transaction, error) {
	return _XPVerifierStub.contract.Transact(opts, "verifyProofV2", nullifier, xpEarned, success)
}

// VerifyProofV2 is a paid mutator transaction binding the contract method 0x1f43a493.
//
// Solidity: function verifyProofV2(bytes32 nullifier, uint256 xpEarned, bool success) returns(bool)
func (_XPVerifierStub *XPVerifierStubSession) VerifyProofV2(nullifier [32]byte, xpEarned *big.Int, success bool) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.VerifyProofV2(&_XPVerifierStub.TransactOpts, nullifier, xpEarned, success)
}

// VerifyProofV2 is a paid mutator transaction binding the contract method 0x1f43a493.
//
// Solidity: function verifyProofV2(bytes32 nullifier, uint256 xpEarned, bool success) returns(bool)
func (_XPVerifierStub *XPVerifierStubTransactorSession) VerifyProofV2(nullifier [32]byte, xpEarned *big.Int, success bool) (*types.Transaction, error) {
	return _XPVerifierStub.Contract.VerifyProofV2(&_XPVerifierStub.TransactOpts, nullifier, xpEarned, success)
}

// XPVerifierStubNullifierReusedIterator is returned from FilterNullifierReused and is used to iterate over the raw logs and unpacked data for NullifierReused events raised by the XPVerifierStub contract.
type XPVerifierStubNullifierReusedIterator struct {
	Event *XPVerifierStubNullifierReused // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *XPVerifierStubNullifierReusedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPVerifierStubNullifierReused)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(XPVerifierStubNullifierReused)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *XPVerifierStubNullifierReusedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPVerifierStubNullifierReusedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPVerifierStubNullifierReused represents a NullifierReused event raised by the XPVerifierStub contract.
type XPVerifierStubNullifierReused struct {
	Nullifier [32]byte
	Player    common.Address
	Timestamp *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterNullifierReused is a free log retrieval operation binding the contract event 0x69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44.
//
// Solidity: event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp)
func (_XPVerifierStub *XPVerifierStubFilterer) FilterNullifierReused(opts *bind.FilterOpts, player []common.Address) (*XPVerifierStubNullifierReusedIterator, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifierStub.contract.FilterLogs(opts, "NullifierReused", playerRule)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStubNullifierReusedIterator{contract: _XPVerifierStub.contract, event: "NullifierReused", logs: logs, sub: sub}, nil
}

// WatchNullifierReused is a free log subscription operation binding the contract event 0x69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44.
//
// Solidity: event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp)
func (_XPVerifierStub *XPVerifierStubFilterer) WatchNullifierReused(opts *bind.WatchOpts, sink chan<- *XPVerifierStubNullifierReused, player []common.Address) (event.Subscription, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifierStub.contract.WatchLogs(opts, "NullifierReused", playerRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPVerifierStubNullifierReused)
				if err := _XPVerifierStub.contract.UnpackLog(event, "NullifierReused", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseNullifierReused is a log parse operation binding the contract event 0x69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44.
//
// Solidity: event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp)
func (_XPVerifierStub *XPVerifierStubFilterer) ParseNullifierReused(log types.Log) (*XPVerifierStubNullifierReused, error) {
	event := new(XPVerifierStubNullifierReused)
	if err := _XPVerifierStub.contract.UnpackLog(event, "NullifierReused", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPVerifierStubProofVerifiedIterator is returned from FilterProofVerified and is used to iterate over the raw logs and unpacked data for ProofVerified events raised by the XPVerifierStub contract.
type XPVerifierStubProofVerifiedIterator struct {
	Event *XPVerifierStubProofVerified // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *XPVerifierStubProofVerifiedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPVerifierStubProofVerified)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(XPVerifierStubProofVerified)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *XPVerifierStubProofVerifiedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPVerifierStubProofVerifiedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPVerifierStubProofVerified represents a ProofVerified event raised by the XPVerifierStub contract.
type XPVerifierStubProofVerified struct {
	Player    common.Address
	XpEarned  *big.Int
	Nullifier [32]byte
	Timestamp *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterProofVerified is a free log retrieval operation binding the contract event 0x576e66c28e7aa417626c63ccf67b12ee70c574e1d6bf84a8ed03f4c133b1d854.
//
// Solidity: event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp)
func (_XPVerifierStub *XPVerifierStubFilterer) FilterProofVerified(opts *bind.FilterOpts, player []common.Address) (*XPVerifierStubProofVerifiedIterator, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifierStub.contract.FilterLogs(opts, "ProofVerified", playerRule)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStubProofVerifiedIterator{contract: _XPVerifierStub.contract, event: "ProofVerified", logs: logs, sub: sub}, nil
}

// WatchProofVerified is a free log subscription operation binding the contract event 0x576e66c28e7aa417626c63ccf67b12ee70c574e1d6bf84a8ed03f4c133b1d854.
//
// Solidity: event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp)
func (_XPVerifierStub *XPVerifierStubFilterer) WatchProofVerified(opts *bind.WatchOpts, sink chan<- *XPVerifierStubProofVerified, player []common.Address) (event.Subscription, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifierStub.contract.WatchLogs(opts, "ProofVerified", playerRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPVerifierStubProofVerified)
				if err := _XPVerifierStub.contract.UnpackLog(event, "ProofVerified", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseProofVerified is a log parse operation binding the contract event 0x576e66c28e7aa417626c63ccf67b12ee70c574e1d6bf84a8ed03f4c133b1d854.
//
// Solidity: event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp)
func (_XPVerifierStub *XPVerifierStubFilterer) ParseProofVerified(log types.Log) (*XPVerifierStubProofVerified, error) {
	event := new(XPVerifierStubProofVerified)
	if err := _XPVerifierStub.contract.UnpackLog(event, "ProofVerified", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPVerifierStubProofVerified0Iterator is returned from FilterProofVerified0 and is used to iterate over the raw logs and unpacked data for ProofVerified0 events raised by the XPVerifierStub contract.
type XPVerifierStubProofVerified0Iterator struct {
	Event *XPVerifierStubProofVerified0 // Event containing the contract specifics and raw log

	contract *bind.BoundContract // Generic contract to use for unpacking event data
	event    string              // Event name to use for unpacking event data

	logs chan types.Log        // Log channel receiving the found contract events
	sub  ethereum.Subscription // Subscription for errors, completion and termination
	done bool                  // Whether the subscription completed delivering logs
	fail error                 // Occurred error to stop iteration
}

// Next advances the iterator to the subsequent event, returning whether there
// are any more events found. In case of a retrieval or parsing error, false is
// returned and Error() can be queried for the exact failure.
func (it *XPVerifierStubProofVerified0Iterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPVerifierStubProofVerified0)
			if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
				it.fail = err
				return false
			}
			it.Event.Raw = log
			return true

		default:
			return false
		}
	}
	// Iterator still in progress, wait for either a data or an error event
	select {
	case log := <-it.logs:
		it.Event = new(XPVerifierStubProofVerified0)
		if err := it.contract.UnpackLog(it.Event, it.event, log); err != nil {
			it.fail = err
			return false
		}
		it.Event.Raw = log
		return true

	case err := <-it.sub.Err():
		it.done = true
		it.fail = err
		return it.Next()
	}
}

// Error returns any retrieval or parsing error occurred during filtering.
func (it *XPVerifierStubProofVerified0Iterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPVerifierStubProofVerified0Iterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPVerifierStubProofVerified0 represents a ProofVerified0 event raised by the XPVerifierStub contract.
type XPVerifierStubProofVerified0 struct {
	Player    common.Address
	XpEarned  *big.Int
	Nullifier [32]byte
	Timestamp *big.Int
	Success   bool
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterProofVerified0 is a free log retrieval operation binding the contract event 0x6366d586000ec269acf116b6a4b434ec3db6e968bdc555746108396d2d15287b.
//
// Solidity: event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp, bool success)
func (_XPVerifierStub *XPVerifierStubFilterer) FilterProofVerified0(opts *bind.FilterOpts, player []common.Address) (*XPVerifierStubProofVerified0Iterator, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifierStub.contract.FilterLogs(opts, "ProofVerified0", playerRule)
	if err != nil {
		return nil, err
	}
	return &XPVerifierStubProofVerified0Iterator{contract: _XPVerifierStub.contract, event: "ProofVerified0", logs: logs, sub: sub}, nil
}

// WatchProofVerified0 is a free log subscription operation binding the contract event 0x6366d586000ec269acf116b6a4b434ec3db6e968bdc555746108396d2d15287b.
//
// Solidity: event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp, bool success)
func (_XPVerifierStub *XPVerifierStubFilterer) WatchProofVerified0(opts *bind.WatchOpts, sink chan<- *XPVerifierStubProofVerified0, player []common.Address) (event.Subscription, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifierStub.contract.WatchLogs(opts, "ProofVerified0", playerRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPVerifierStubProofVerified0)
				if err := _XPVerifierStub.contract.UnpackLog(event, "ProofVerified0", log); err != nil {
					// If the signature doesn't match, skip this log.
					if errors.Is(err, bind.ErrEventSignatureMismatch) {
						continue
					}
					return err
				}
				event.Raw = log

				select {
				case sink <- event:
				case err := <-sub.Err():
					return err
				case <-quit:
					return nil
				}
			case err := <-sub.Err():
				return err
			case <-quit:
				return nil
			}
		}
	}), nil
}

// ParseProofVerified0 is a log parse operation binding the contract event 0x6366d586000ec269acf116b6a4b434ec3db6e968bdc555746108396d2d15287b.
//
// Solidity: event ProofVerified(address indexed player, uint256 xpEarned, bytes32 nullifier, uint256 timestamp, bool success)
func (_XPVerifierStub *XPVerifierStubFilterer) ParseProofVerified0(log types.Log) (*XPVerifierStubProofVerified0, error) {
	event := new(XPVerifierStubProofVerified0)
	if err := _XPVerifierStub.contract.UnpackLog(event, "ProofVerified0", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
