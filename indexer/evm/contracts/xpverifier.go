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

// XPVerifierMetaData contains all meta data concerning the XPVerifier contract.
var XPVerifierMetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"initialThreshold\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"claimedXP\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"maxXP\",\"type\":\"uint256\"}],\"name\":\"ClaimTooLarge\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroNullifier\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"timestamp\",\"type\":\"uint256\"}],\"name\":\"NullifierReused\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"oldThreshold\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"newThreshold\",\"type\":\"uint256\"}],\"name\":\"ThresholdUpdated\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"claimedXP\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"threshold\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"verified\",\"type\":\"bool\"}],\"name\":\"XPProofVerified\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"MAX_XP\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"owner\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"newThreshold\",\"type\":\"uint256\"}],\"name\":\"setThreshold\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"threshold\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"name\":\"usedNullifiers\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"nullifier\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"claimedXP\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"proof\",\"type\":\"bytes\"}],\"name\":\"verifyXPProof\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"verified\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b506040516104eb3803806104eb833981016040819052602b916071565b336080525f81815560408051918252602082018390527fb06a54caabe58475c86c2bf9df3f2f06dd1213e9e10659c293117fe4893b274b910160405180910390a1506087565b5f602082840312156080575f5ffd5b5051919050565b6080516104466100a55f395f818160b6015261012c01526104465ff3fe608060405234801561000f575f5ffd5b5060043610610060575f3560e01c8063206137aa1461006457806342cde4e81461009b5780638da5cb5b146100b1578063960bfe04146100f0578063d84e1c4a14610105578063d9dee3d114610118575b5f5ffd5b610086610072366004610369565b60016020525f908152604090205460ff1681565b60405190151581526020015b60405180910390f35b6100a35f5481565b604051908152602001610092565b6100d87f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b039091168152602001610092565b6101036100fe366004610369565b610121565b005b610086610113366004610380565b6101d5565b6100a36103e881565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146101965760405162461bcd60e51b81526020600482015260156024820152742c282b32b934b334b2b91d103737ba1037bbb732b960591b60448201526064015b60405180910390fd5b5f5460408051918252602082018390527fb06a54caabe58475c86c2bf9df3f2f06dd1213e9e10659c293117fe4893b274b910160405180910390a15f55565b5f846101f45760405163cbbbbfe160e01b815260040160405180910390fd5b6103e88411156102225760405163959c24e160e01b8152600481018590526103e8602482015260440161018d565b845f5b838110156102905781858583818110610240576102406103fc565b9050013560f81c60f81b60405160200161026e9291909182526001600160f81b031916602082015260210190565b60408051601f1981840301815291905280516020909101209150600101610225565b505f8681526001602052604090205460ff16156102ea576040805187815242602082015233917f69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44910160405180910390a25f915050610361565b5f8681526001602081905260408220805460ff1916909117905554851080159061031357508015155b5f5460408051888152602081019290925282151590820152909250869033907f52803f8bb232f7d82705c82fc1e6297774628b6174ba69a1a4fefe35111d12a39060600160405180910390a3505b949350505050565b5f60208284031215610379575f5ffd5b5035919050565b5f5f5f5f60608587031215610393575f5ffd5b8435935060208501359250604085013567ffffffffffffffff8111156103b7575f5ffd5b8501601f810187136103c7575f5ffd5b803567ffffffffffffffff8111156103dd575f5ffd5b8760208284010111156103ee575f5ffd5b949793965060200194505050565b634e487b7160e01b5f52603260045260245ffdfea2646970667358221220527aee54a79843c7a4bd12f57ecf35a11e6795c0f9c020f7caffc179cadf453564736f6c634300081c0033",
}

// XPVerifierABI is the input ABI used to generate the binding from.
// Deprecated: Use XPVerifierMetaData.ABI instead.
var XPVerifierABI = XPVerifierMetaData.ABI

// XPVerifierBin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use XPVerifierMetaData.Bin instead.
var XPVerifierBin = XPVerifierMetaData.Bin

// DeployXPVerifier deploys a new Ethereum contract, binding an instance of XPVerifier to it.
func DeployXPVerifier(auth *bind.TransactOpts, backend bind.ContractBackend, initialThreshold *big.Int) (common.Address, *types.Transaction, *XPVerifier, error) {
	parsed, err := XPVerifierMetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(XPVerifierBin), backend, initialThreshold)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &XPVerifier{XPVerifierCaller: XPVerifierCaller{contract: contract}, XPVerifierTransactor: XPVerifierTransactor{contract: contract}, XPVerifierFilterer: XPVerifierFilterer{contract: contract}}, nil
}

// XPVerifier is an auto generated Go binding around an Ethereum contract.
type XPVerifier struct {
	XPVerifierCaller     // Read-only binding to the contract
	XPVerifierTransactor // Write-only binding to the contract
	XPVerifierFilterer   // Log filterer for contract events
}

// XPVerifierCaller is an auto generated read-only Go binding around an Ethereum contract.
type XPVerifierCaller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPVerifierTransactor is an auto generated write-only Go binding around an Ethereum contract.
type XPVerifierTransactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPVerifierFilterer is an auto generated log filtering Go binding around an Ethereum contract events.
type XPVerifierFilterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPVerifierSession is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type XPVerifierSession struct {
	Contract     *XPVerifier       // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// XPVerifierCallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type XPVerifierCallerSession struct {
	Contract *XPVerifierCaller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts     // Call options to use throughout this session
}

// XPVerifierTransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type XPVerifierTransactorSession struct {
	Contract     *XPVerifierTransactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts     // Transaction auth options to use throughout this session
}

// XPVerifierRaw is an auto generated low-level Go binding around an Ethereum contract.
type XPVerifierRaw struct {
	Contract *XPVerifier // Generic contract binding to access the raw methods on
}

// XPVerifierCallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type XPVerifierCallerRaw struct {
	Contract *XPVerifierCaller // Generic read-only contract binding to access the raw methods on
}

// XPVerifierTransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type XPVerifierTransactorRaw struct {
	Contract *XPVerifierTransactor // Generic write-only contract binding to access the raw methods on
}

// NewXPVerifier creates a new instance of XPVerifier, bound to a specific deployed contract.
func NewXPVerifier(address common.Address, backend bind.ContractBackend) (*XPVerifier, error) {
	contract, err := bindXPVerifier(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &XPVerifier{XPVerifierCaller: XPVerifierCaller{contract: contract}, XPVerifierTransactor: XPVerifierTransactor{contract: contract}, XPVerifierFilterer: XPVerifierFilterer{contract: contract}}, nil
}

// NewXPVerifierCaller creates a new read-only instance of XPVerifier, bound to a specific deployed contract.
func NewXPVerifierCaller(address common.Address, caller bind.ContractCaller) (*XPVerifierCaller, error) {
	contract, err := bindXPVerifier(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &XPVerifierCaller{contract: contract}, nil
}

// NewXPVerifierTransactor creates a new write-only instance of XPVerifier, bound to a specific deployed contract.
func NewXPVerifierTransactor(address common.Address, transactor bind.ContractTransactor) (*XPVerifierTransactor, error) {
	contract, err := bindXPVerifier(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &XPVerifierTransactor{contract: contract}, nil
}

// NewXPVerifierFilterer creates a new log filterer instance of XPVerifier, bound to a specific deployed contract.
func NewXPVerifierFilterer(address common.Address, filterer bind.ContractFilterer) (*XPVerifierFilterer, error) {
	contract, err := bindXPVerifier(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &XPVerifierFilterer{contract: contract}, nil
}

// bindXPVerifier binds a generic wrapper to an already deployed contract.
func bindXPVerifier(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := XPVerifierMetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPVerifier *XPVerifierRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPVerifier.Contract.XPVerifierCaller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPVerifier *XPVerifierRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPVerifier.Contract.XPVerifierTransactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPVerifier *XPVerifierRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPVerifier.Contract.XPVerifierTransactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPVerifier *XPVerifierCallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPVerifier.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPVerifier *XPVerifierTransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPVerifier.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPVerifier *XPVerifierTransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPVerifier.Contract.contract.Transact(opts, method, params...)
}

// MAXXP is a free data retrieval call binding the contract method 0xd9dee3d1.
//
// Solidity: function MAX_XP() view returns(uint256)
func (_XPVerifier *XPVerifierCaller) MAXXP(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _XPVerifier.contract.Call(opts, &out, "MAX_XP")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// MAXXP is a free data retrieval call binding the contract method 0xd9dee3d1.
//
// Solidity: function MAX_XP() view returns(uint256)
func (_XPVerifier *XPVerifierSession) MAXXP() (*big.Int, error) {
	return _XPVerifier.Contract.MAXXP(&_XPVerifier.CallOpts)
}

// MAXXP is a free data retrieval call binding the contract method 0xd9dee3d1.
//
// Solidity: function MAX_XP() view returns(uint256)
func (_XPVerifier *XPVerifierCallerSession) MAXXP() (*big.Int, error) {
	return _XPVerifier.Contract.MAXXP(&_XPVerifier.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_XPVerifier *XPVerifierCaller) Owner(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _XPVerifier.contract.Call(opts, &out, "owner")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_XPVerifier *XPVerifierSession) Owner() (common.Address, error) {
	return _XPVerifier.Contract.Owner(&_XPVerifier.CallOpts)
}

// Owner is a free data retrieval call binding the contract method 0x8da5cb5b.
//
// Solidity: function owner() view returns(address)
func (_XPVerifier *XPVerifierCallerSession) Owner() (common.Address, error) {
	return _XPVerifier.Contract.Owner(&_XPVerifier.CallOpts)
}

// Threshold is a free data retrieval call binding the contract method 0x42cde4e8.
//
// Solidity: function threshold() view returns(uint256)
func (_XPVerifier *XPVerifierCaller) Threshold(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _XPVerifier.contract.Call(opts, &out, "threshold")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// Threshold is a free data retrieval call binding the contract method 0x42cde4e8.
//
// Solidity: function threshold() view returns(uint256)
func (_XPVerifier *XPVerifierSession) Threshold() (*big.Int, error) {
	return _XPVerifier.Contract.Threshold(&_XPVerifier.CallOpts)
}

// Threshold is a free data retrieval call binding the contract method 0x42cde4e8.
//
// Solidity: function threshold() view returns(uint256)
func (_XPVerifier *XPVerifierCallerSession) Threshold() (*big.Int, error) {
	return _XPVerifier.Contract.Threshold(&_XPVerifier.CallOpts)
}

// UsedNullifiers is a free data retrieval call binding the contract method 0x206137aa.
//
// Solidity: function usedNullifiers(bytes32 ) view returns(bool)
func (_XPVerifier *XPVerifierCaller) UsedNullifiers(opts *bind.CallOpts, arg0 [32]byte) (bool, error) {
	var out []interface{}
	err := _XPVerifier.contract.Call(opts, &out, "usedNullifiers", arg0)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// UsedNullifiers is a free data retrieval call binding the contract method 0x206137aa.
//
// Solidity: function usedNullifiers(bytes32 ) view returns(bool)
func (_XPVerifier *XPVerifierSession) UsedNullifiers(arg0 [32]byte) (bool, error) {
	return _XPVerifier.Contract.UsedNullifiers(&_XPVerifier.CallOpts, arg0)
}

// UsedNullifiers is a free data retrieval call binding the contract method 0x206137aa.
//
// Solidity: function usedNullifiers(bytes32 ) view returns(bool)
func (_XPVerifier *XPVerifierCallerSession) UsedNullifiers(arg0 [32]byte) (bool, error) {
	return _XPVerifier.Contract.UsedNullifiers(&_XPVerifier.CallOpts, arg0)
}

// SetThreshold is a paid mutator transaction binding the contract method 0x960bfe04.
//
// Solidity: function setThreshold(uint256 newThreshold) returns()
func (_XPVerifier *XPVerifierTransactor) SetThreshold(opts *bind.TransactOpts, newThreshold *big.Int) (*types.Transaction, error) {
	return _XPVerifier.contract.Transact(opts, "setThreshold", newThreshold)
}

// SetThreshold is a paid mutator transaction binding the contract method 0x960bfe04.
//
// Solidity: function setThreshold(uint256 newThreshold) returns()
func (_XPVerifier *XPVerifierSession) SetThreshold(newThreshold *big.Int) (*types.Transaction, error) {
	return _XPVerifier.Contract.SetThreshold(&_XPVerifier.TransactOpts, newThreshold)
}

// SetThreshold is a paid mutator transaction binding the contract method 0x960bfe04.
//
// Solidity: function setThreshold(uint256 newThreshold) returns()
func (_XPVerifier *XPVerifierTransactorSession) SetThreshold(newThreshold *big.Int) (*types.Transaction, error) {
	return _XPVerifier.Contract.SetThreshold(&_XPVerifier.TransactOpts, newThreshold)
}

// VerifyXPProof is a paid mutator transaction binding the contract method 0xd84e1c4a.
//
// Solidity: function verifyXPProof(bytes32 nullifier, uint256 claimedXP, bytes proof) returns(bool verified)
func (_XPVerifier *XPVerifierTransactor) VerifyXPProof(opts *bind.TransactOpts, nullifier [32]byte, claimedXP *big.Int, proof []byte) (*types.Transaction, error) {
	return _XPVerifier.contract.Transact(opts, "verifyXPProof", nullifier, claimedXP, proof)
}

// VerifyXPProof is a paid mutator transaction binding the contract method 0xd84e1c4a.
//
// Solidity: function verifyXPProof(bytes32 nullifier, uint256 claimedXP, bytes proof) returns(bool verified)
func (_XPVerifier *XPVerifierSession) VerifyXPProof(nullifier [32]byte, claimedXP *big.Int, proof []byte) (*types.Transaction, error) {
	return _XPVerifier.Contract.VerifyXPProof(&_XPVerifier.TransactOpts, nullifier, claimedXP, proof)
}

// VerifyXPProof is a paid mutator transaction binding the contract method 0xd84e1c4a.
//
// Solidity: function verifyXPProof(bytes32 nullifier, uint256 claimedXP, bytes proof) returns(bool verified)
func (_XPVerifier *XPVerifierTransactorSession) VerifyXPProof(nullifier [32]byte, claimedXP *big.Int, proof []byte) (*types.Transaction, error) {
	return _XPVerifier.Contract.VerifyXPProof(&_XPVerifier.TransactOpts, nullifier, claimedXP, proof)
}

// XPVerifierNullifierReusedIterator is returned from FilterNullifierReused and is used to iterate over the raw logs and unpacked data for NullifierReused events raised by the XPVerifier contract.
type XPVerifierNullifierReusedIterator struct {
	Event *XPVerifierNullifierReused // Event containing the contract specifics and raw log

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
func (it *XPVerifierNullifierReusedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPVerifierNullifierReused)
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
		it.Event = new(XPVerifierNullifierReused)
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
func (it *XPVerifierNullifierReusedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPVerifierNullifierReusedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPVerifierNullifierReused represents a NullifierReused event raised by the XPVerifier contract.
type XPVerifierNullifierReused struct {
	Nullifier [32]byte
	Player    common.Address
	Timestamp *big.Int
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterNullifierReused is a free log retrieval operation binding the contract event 0x69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44.
//
// Solidity: event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp)
func (_XPVerifier *XPVerifierFilterer) FilterNullifierReused(opts *bind.FilterOpts, player []common.Address) (*XPVerifierNullifierReusedIterator, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifier.contract.FilterLogs(opts, "NullifierReused", playerRule)
	if err != nil {
		return nil, err
	}
	return &XPVerifierNullifierReusedIterator{contract: _XPVerifier.contract, event: "NullifierReused", logs: logs, sub: sub}, nil
}

// WatchNullifierReused is a free log subscription operation binding the contract event 0x69dc6bb5659ee67f713fea324e27cc4b307ea458c7143fc10f05893333f7fc44.
//
// Solidity: event NullifierReused(bytes32 nullifier, address indexed player, uint256 timestamp)
func (_XPVerifier *XPVerifierFilterer) WatchNullifierReused(opts *bind.WatchOpts, sink chan<- *XPVerifierNullifierReused, player []common.Address) (event.Subscription, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}

	logs, sub, err := _XPVerifier.contract.WatchLogs(opts, "NullifierReused", playerRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPVerifierNullifierReused)
				if err := _XPVerifier.contract.UnpackLog(event, "NullifierReused", log); err != nil {
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
func (_XPVerifier *XPVerifierFilterer) ParseNullifierReused(log types.Log) (*XPVerifierNullifierReused, error) {
	event := new(XPVerifierNullifierReused)
	if err := _XPVerifier.contract.UnpackLog(event, "NullifierReused", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPVerifierThresholdUpdatedIterator is returned from FilterThresholdUpdated and is used to iterate over the raw logs and unpacked data for ThresholdUpdated events raised by the XPVerifier contract.
type XPVerifierThresholdUpdatedIterator struct {
	Event *XPVerifierThresholdUpdated // Event containing the contract specifics and raw log

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
func (it *XPVerifierThresholdUpdatedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPVerifierThresholdUpdated)
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
		it.Event = new(XPVerifierThresholdUpdated)
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
func (it *XPVerifierThresholdUpdatedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPVerifierThresholdUpdatedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPVerifierThresholdUpdated represents a ThresholdUpdated event raised by the XPVerifier contract.
type XPVerifierThresholdUpdated struct {
	OldThreshold *big.Int
	NewThreshold *big.Int
	Raw          types.Log // Blockchain specific contextual infos
}

// FilterThresholdUpdated is a free log retrieval operation binding the contract event 0xb06a54caabe58475c86c2bf9df3f2f06dd1213e9e10659c293117fe4893b274b.
//
// Solidity: event ThresholdUpdated(uint256 oldThreshold, uint256 newThreshold)
func (_XPVerifier *XPVerifierFilterer) FilterThresholdUpdated(opts *bind.FilterOpts) (*XPVerifierThresholdUpdatedIterator, error) {

	logs, sub, err := _XPVerifier.contract.FilterLogs(opts, "ThresholdUpdated")
	if err != nil {
		return nil, err
	}
	return &XPVerifierThresholdUpdatedIterator{contract: _XPVerifier.contract, event: "ThresholdUpdated", logs: logs, sub: sub}, nil
}

// WatchThresholdUpdated is a free log subscription operation binding the contract event 0xb06a54caabe58475c86c2bf9df3f2f06dd1213e9e10659c293117fe4893b274b.
//
// Solidity: event ThresholdUpdated(uint256 oldThreshold, uint256 newThreshold)
func (_XPVerifier *XPVerifierFilterer) WatchThresholdUpdated(opts *bind.WatchOpts, sink chan<- *XPVerifierThresholdUpdated) (event.Subscription, error) {

	logs, sub, err := _XPVerifier.contract.WatchLogs(opts, "ThresholdUpdated")
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPVerifierThresholdUpdated)
				if err := _XPVerifier.contract.UnpackLog(event, "ThresholdUpdated", log); err != nil {
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

// ParseThresholdUpdated is a log parse operation binding the contract event 0xb06a54caabe58475c86c2bf9df3f2f06dd1213e9e10659c293117fe4893b274b.
//
// Solidity: event ThresholdUpdated(uint256 oldThreshold, uint256 newThreshold)
func (_XPVerifier *XPVerifierFilterer) ParseThresholdUpdated(log types.Log) (*XPVerifierThresholdUpdated, error) {
	event := new(XPVerifierThresholdUpdated)
	if err := _XPVerifier.contract.UnpackLog(event, "ThresholdUpdated", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPVerifierXPProofVerifiedIterator is returned from FilterXPProofVerified and is used to iterate over the raw logs and unpacked data for XPProofVerified events raised by the XPVerifier contract.
type XPVerifierXPProofVerifiedIterator struct {
	Event *XPVerifierXPProofVerified // Event containing the contract specifics and raw log

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
func (it *XPVerifierXPProofVerifiedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPVerifierXPProofVerified)
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
		it.Event = new(XPVerifierXPProofVerified)
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
func (it *XPVerifierXPProofVerifiedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPVerifierXPProofVerifiedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPVerifierXPProofVerified represents a XPProofVerified event raised by the XPVerifier contract.
type XPVerifierXPProofVerified struct {
	Player    common.Address
	Nullifier [32]byte
	ClaimedXP *big.Int
	Threshold *big.Int
	Verified  bool
	Raw       types.Log // Blockchain specific contextual infos
}

// FilterXPProofVerified is a free log retrieval operation binding the contract event 0x52803f8bb232f7d82705c82fc1e6297774628b6174ba69a1a4fefe35111d12a3.
//
// Solidity: event XPProofVerified(address indexed player, bytes32 indexed nullifier, uint256 claimedXP, uint256 threshold, bool verified)
func (_XPVerifier *XPVerifierFilterer) FilterXPProofVerified(opts *bind.FilterOpts, player []common.Address, nullifier [][32]byte) (*XPVerifierXPProofVerifiedIterator, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}
	var nullifierRule []interface{}
	for _, nullifierItem := range nullifier {
		nullifierRule = append(nullifierRule, nullifierItem)
	}

	logs, sub, err := _XPVerifier.contract.FilterLogs(opts, "XPProofVerified", playerRule, nullifierRule)
	if err != nil {
		return nil, err
	}
	return &XPVerifierXPProofVerifiedIterator{contract: _XPVerifier.contract, event: "XPProofVerified", logs: logs, sub: sub}, nil
}

// WatchXPProofVerified is a free log subscription operation binding the contract event 0x52803f8bb232f7d82705c82fc1e6297774628b6174ba69a1a4fefe35111d12a3.
//
// Solidity: event XPProofVerified(address indexed player, bytes32 indexed nullifier, uint256 claimedXP, uint256 threshold, bool verified)
func (_XPVerifier *XPVerifierFilterer) WatchXPProofVerified(opts *bind.WatchOpts, sink chan<- *XPVerifierXPProofVerified, player []common.Address, nullifier [][32]byte) (event.Subscription, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}
	var nullifierRule []interface{}
	for _, nullifierItem := range nullifier {
		nullifierRule = append(nullifierRule, nullifierItem)
	}

	logs, sub, err := _XPVerifier.contract.WatchLogs(opts, "XPProofVerified", playerRule, nullifierRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPVerifierXPProofVerified)
				if err := _XPVerifier.contract.UnpackLog(event, "XPProofVerified", log); err != nil {
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

// ParseXPProofVerified is a log parse operation binding the contract event 0x52803f8bb232f7d82705c82fc1e6297774628b6174ba69a1a4fefe35111d12a3.
//
// Solidity: event XPProofVerified(address indexed player, bytes32 indexed nullifier, uint256 claimedXP, uint256 threshold, bool verified)
func (_XPVerifier *XPVerifierFilterer) ParseXPProofVerified(log types.Log) (*XPVerifierXPProofVerified, error) {
	event := new(XPVerifierXPProofVerified)
	if err := _XPVerifier.contract.UnpackLog(event, "XPProofVerified", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
