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

// Points20MetaData contains all meta data concerning the Points20 contract.
var Points20MetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minter\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b50336080526080516103c26100315f395f8181605e015261011501526103c25ff3fe608060405234801561000f575f5ffd5b5060043610610055575f3560e01c8063075461721461005957806318160ddd1461009d57806340c10f19146100b357806370a08231146100c8578063a9059cbb146100e7575b5f5ffd5b6100807f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100a55f5481565b604051908152602001610094565b6100c66100c136600461030a565b61010a565b005b6100a56100d6366004610332565b60016020525f908152604090205481565b6100fa6100f536600461030a565b610203565b6040519015158152602001610094565b336001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000161461017e5760405162461bcd60e51b81526020600482015260146024820152732837b4b73a3999181d103737ba1036b4b73a32b960611b60448201526064015b60405180910390fd5b805f5f82825461018e9190610366565b90915550506001600160a01b0382165f90815260016020526040812080548392906101ba908490610366565b90915550506040518181526001600160a01b038316905f907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a35050565b335f90815260016020526040812054828110156102625760405162461bcd60e51b815260206004820152601e60248201527f506f696e747332303a20696e73756666696369656e742062616c616e636500006044820152606401610175565b61026c8382610379565b335f90815260016020526040808220929092556001600160a01b0386168152908120805485929061029e908490610366565b90915550506040518381526001600160a01b0385169033907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef9060200160405180910390a360019150505b92915050565b80356001600160a01b0381168114610305575f5ffd5b919050565b5f5f6040838503121561031b575f5ffd5b610324836102ef565b946020939093013593505050565b5f60208284031215610342575f5ffd5b61034b826102ef565b9392505050565b634e487b7160e01b5f52601160045260245ffd5b808201808211156102e9576102e9610352565b818103818111156102e9576102e961035256fea2646970667358221220e70a45dd1fe64f906b96758c167220154cd40aacfe8dedf1bba8842df8dfbe8064736f6c634300081c0033",
}

// Points20ABI is the input ABI used to generate the binding from.
// Deprecated: Use Points20MetaData.ABI instead.
var Points20ABI = Points20MetaData.ABI

// Points20Bin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use Points20MetaData.Bin instead.
var Points20Bin = Points20MetaData.Bin

// DeployPoints20 deploys a new Ethereum contract, binding an instance of Points20 to it.
func DeployPoints20(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *Points20, error) {
	parsed, err := Points20MetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(Points20Bin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &Points20{Points20Caller: Points20Caller{contract: contract}, Points20Transactor: Points20Transactor{contract: contract}, Points20Filterer: Points20Filterer{contract: contract}}, nil
}

// Points20 is an auto generated Go binding around an Ethereum contract.
type Points20 struct {
	Points20Caller     // Read-only binding to the contract
	Points20Transactor // Write-only binding to the contract
	Points20Filterer   // Log filterer for contract events
}

// Points20Caller is an auto generated read-only Go binding around an Ethereum contract.
type Points20Caller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// Points20Transactor is an auto generated write-only Go binding around an Ethereum contract.
type Points20Transactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// Points20Filterer is an auto generated log filtering Go binding around an Ethereum contract events.
type Points20Filterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// Points20Session is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type Points20Session struct {
	Contract     *Points20         // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// Points20CallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type Points20CallerSession struct {
	Contract *Points20Caller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts   // Call options to use throughout this session
}

// Points20TransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type Points20TransactorSession struct {
	Contract     *Points20Transactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts   // Transaction auth options to use throughout this session
}

// Points20Raw is an auto generated low-level Go binding around an Ethereum contract.
type Points20Raw struct {
	Contract *Points20 // Generic contract binding to access the raw methods on
}

// Points20CallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type Points20CallerRaw struct {
	Contract *Points20Caller // Generic read-only contract binding to access the raw methods on
}

// Points20TransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type Points20TransactorRaw struct {
	Contract *Points20Transactor // Generic write-only contract binding to access the raw methods on
}

// NewPoints20 creates a new instance of Points20, bound to a specific deployed contract.
func NewPoints20(address common.Address, backend bind.ContractBackend) (*Points20, error) {
	contract, err := bindPoints20(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &Points20{Points20Caller: Points20Caller{contract: contract}, Points20Transactor: Points20Transactor{contract: contract}, Points20Filterer: Points20Filterer{contract: contract}}, nil
}

// NewPoints20Caller creates a new read-only instance of Points20, bound to a specific deployed contract.
func NewPoints20Caller(address common.Address, caller bind.ContractCaller) (*Points20Caller, error) {
	contract, err := bindPoints20(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &Points20Caller{contract: contract}, nil
}

// NewPoints20Transactor creates a new write-only instance of Points20, bound to a specific deployed contract.
func NewPoints20Transactor(address common.Address, transactor bind.ContractTransactor) (*Points20Transactor, error) {
	contract, err := bindPoints20(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &Points20Transactor{contract: contract}, nil
}

// NewPoints20Filterer creates a new log filterer instance of Points20, bound to a specific deployed contract.
func NewPoints20Filterer(address common.Address, filterer bind.ContractFilterer) (*Points20Filterer, error) {
	contract, err := bindPoints20(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &Points20Filterer{contract: contract}, nil
}

// bindPoints20 binds a generic wrapper to an already deployed contract.
func bindPoints20(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := Points20MetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_Points20 *Points20Raw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _Points20.Contract.Points20Caller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_Points20 *Points20Raw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _Points20.Contract.Points20Transactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_Points20 *Points20Raw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _Points20.Contract.Points20Transactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_Points20 *Points20CallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _Points20.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_Points20 *Points20TransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _Points20.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_Points20 *Points20TransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _Points20.Contract.contract.Transact(opts, method, params...)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_Points20 *Points20Caller) BalanceOf(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _Points20.contract.Call(opts, &out, "balanceOf", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_Points20 *Points20Session) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _Points20.Contract.BalanceOf(&_Points20.CallOpts, arg0)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_Points20 *Points20CallerSession) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _Points20.Contract.BalanceOf(&_Points20.CallOpts, arg0)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_Points20 *Points20Caller) Minter(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _Points20.contract.Call(opts, &out, "minter")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_Points20 *Points20Session) Minter() (common.Address, error) {
	return _Points20.Contract.Minter(&_Points20.CallOpts)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_Points20 *Points20CallerSession) Minter() (common.Address, error) {
	return _Points20.Contract.Minter(&_Points20.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_Points20 *Points20Caller) TotalSupply(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _Points20.contract.Call(opts, &out, "totalSupply")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_Points20 *Points20Session) TotalSupply() (*big.Int, error) {
	return _Points20.Contract.TotalSupply(&_Points20.CallOpts)
}

// TotalSupply is a free data retrieval call binding the contract method 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (_Points20 *Points20CallerSession) TotalSupply() (*big.Int, error) {
	return _Points20.Contract.TotalSupply(&_Points20.CallOpts)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (_Points20 *Points20Transactor) Mint(opts *bind.TransactOpts, to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _Points20.contract.Transact(opts, "mint", to, amount)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (_Points20 *Points20Session) Mint(to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _Points20.Contract.Mint(&_Points20.TransactOpts, to, amount)
}

// Mint is a paid mutator transaction binding the contract method 0x40c10f19.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (_Points20 *Points20TransactorSession) Mint(to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _Points20.Contract.Mint(&_Points20.TransactOpts, to, amount)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 amount) returns(bool)
func (_Points20 *Points20Transactor) Transfer(opts *bind.TransactOpts, to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _Points20.contract.Transact(opts, "transfer", to, amount)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 amount) returns(bool)
func (_Points20 *Points20Session) Transfer(to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _Points20.Contract.Transfer(&_Points20.TransactOpts, to, amount)
}

// Transfer is a paid mutator transaction binding the contract method 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 amount) returns(bool)
func (_Points20 *Points20TransactorSession) Transfer(to common.Address, amount *big.Int) (*types.Transaction, error) {
	return _Points20.Contract.Transfer(&_Points20.TransactOpts, to, amount)
}

// Points20TransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the Points20 contract.
type Points20TransferIterator struct {
	Event *Points20Transfer // Event containing the contract specifics and raw log

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
func (it *Points20TransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(Points20Transfer)
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
		it.Event = new(Points20Transfer)
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
func (it *Points20TransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *Points20TransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// Points20Transfer represents a Transfer event raised by the Points20 contract.
type Points20Transfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_Points20 *Points20Filterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address) (*Points20TransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _Points20.contract.FilterLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &Points20TransferIterator{contract: _Points20.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_Points20 *Points20Filterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *Points20Transfer, from []common.Address, to []common.Address) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _Points20.contract.WatchLogs(opts, "Transfer", fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(Points20Transfer)
				if err := _Points20.contract.UnpackLog(event, "Transfer", log); err != nil {
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

// ParseTransfer is a log parse operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (_Points20 *Points20Filterer) ParseTransfer(log types.Log) (*Points20Transfer, error) {
	event := new(Points20Transfer)
	if err := _Points20.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
