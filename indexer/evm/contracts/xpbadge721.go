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

// XPBadge721MetaData contains all meta data concerning the XPBadge721 contract.
var XPBadge721MetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"approved\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"season\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"runId\",\"type\":\"uint256\"}],\"name\":\"BadgeMinted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approved\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"burn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"name\":\"getApproved\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"season\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"runId\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minter\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"nextTokenId\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"ownerOf\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a060405260015f553480156012575f5ffd5b50336080526080516108f26100355f395f81816099015261059301526108f25ff3fe608060405234801561000f575f5ffd5b5060043610610090575f3560e01c806342966c681161006357806342966c68146101285780636352211e1461013b57806370a082311461014e57806375794a3c1461017b578063a647e8ec14610183575f5ffd5b80630754617214610094578063081812fc146100d8578063095ea7b31461010057806323b872dd14610115575b5f5ffd5b6100bb7f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020015b60405180910390f35b6100bb6100e636600461073e565b60026020525f90815260409020546001600160a01b031681565b61011361010e36600461076b565b610196565b005b610113610123366004610793565b610252565b61011361013636600461073e565b610436565b6100bb61014936600461073e565b61051e565b61016d61015c3660046107cd565b60016020525f908152604090205481565b6040519081526020016100cf565b61016d5f5481565b61016d6101913660046107ed565b610587565b5f6101a08261051e565b9050336001600160a01b038216146101f75760405162461bcd60e51b81526020600482015260156024820152742c282130b233b29b99189d103737ba1037bbb732b960591b60448201526064015b60405180910390fd5b5f8281526002602052604080822080546001600160a01b0319166001600160a01b0387811691821790925591518593918516917f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b92591a4505050565b5f61025c8261051e565b9050836001600160a01b0316816001600160a01b0316146102bf5760405162461bcd60e51b815260206004820152601d60248201527f585042616467653732313a2066726f6d206973206e6f74206f776e657200000060448201526064016101ee565b336001600160a01b03821614806102eb57505f828152600260205260409020546001600160a01b031633145b6103075760405162461bcd60e51b81526004016101ee90610823565b6001600160a01b0383166103695760405162461bcd60e51b8152602060048201526024808201527f585042616467653732313a207472616e7366657220746f207a65726f206164646044820152637265737360e01b60648201526084016101ee565b5f82815260026020908152604080832080546001600160a01b03199081169091556003835281842080546001600160a01b03898116919093161790558716835260019182905282208054919290916103c2908490610878565b90915550506001600160a01b0383165f90815260016020819052604082208054919290916103f1908490610891565b909155505060405182906001600160a01b0380861691908716907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef905f90a450505050565b5f6104408261051e565b9050336001600160a01b038216148061046e57505f828152600260205260409020546001600160a01b031633145b61048a5760405162461bcd60e51b81526004016101ee90610823565b5f82815260026020908152604080832080546001600160a01b031990811690915560038352818420805490911690556001600160a01b038416835260019182905282208054919290916104de908490610878565b909155505060405182905f906001600160a01b038416907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef908390a45050565b5f818152600360205260409020546001600160a01b0316806105825760405162461bcd60e51b815260206004820152601960248201527f585042616467653732313a206e6f207375636820746f6b656e0000000000000060448201526064016101ee565b919050565b5f336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146105f95760405162461bcd60e51b81526020600482015260166024820152752c282130b233b29b99189d103737ba1036b4b73a32b960511b60448201526064016101ee565b6001600160a01b03851661064f5760405162461bcd60e51b815260206004820181905260248201527f585042616467653732313a206d696e7420746f207a65726f206164647265737360448201526064016101ee565b5f8054908061065d836108a4565b909155505f81815260036020908152604080832080546001600160a01b0319166001600160a01b038b1690811790915583526001918290528220805493945090929091906106ac908490610891565b909155505060405181906001600160a01b038716905f907fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef908290a4604080518581526020810185905290810183905281906001600160a01b038716907fe11cfe3f8ac1f2096929b0a9fd571f468e625f470d858c8010336df231e9d4ef9060600160405180910390a3949350505050565b5f6020828403121561074e575f5ffd5b5035919050565b80356001600160a01b0381168114610582575f5ffd5b5f5f6040838503121561077c575f5ffd5b61078583610755565b946020939093013593505050565b5f5f5f606084860312156107a5575f5ffd5b6107ae84610755565b92506107bc60208501610755565b929592945050506040919091013590565b5f602082840312156107dd575f5ffd5b6107e682610755565b9392505050565b5f5f5f5f60808587031215610800575f5ffd5b61080985610755565b966020860135965060408601359560600135945092505050565b60208082526021908201527f585042616467653732313a206e6f74206f776e6572206f7220617070726f76656040820152601960fa1b606082015260800190565b634e487b7160e01b5f52601160045260245ffd5b8181038181111561088b5761088b610864565b92915050565b8082018082111561088b5761088b610864565b5f600182016108b5576108b5610864565b506001019056fea2646970667358221220b13fc406be25a02a1711578467ac0dca3c214f8db2101f99c35a4e03306d2be864736f6c634300081c0033",
}

// XPBadge721ABI is the input ABI used to generate the binding from.
// Deprecated: Use XPBadge721MetaData.ABI instead.
var XPBadge721ABI = XPBadge721MetaData.ABI

// XPBadge721Bin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use XPBadge721MetaData.Bin instead.
var XPBadge721Bin = XPBadge721MetaData.Bin

// DeployXPBadge721 deploys a new Ethereum contract, binding an instance of XPBadge721 to it.
func DeployXPBadge721(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *XPBadge721, error) {
	parsed, err := XPBadge721MetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(XPBadge721Bin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &XPBadge721{XPBadge721Caller: XPBadge721Caller{contract: contract}, XPBadge721Transactor: XPBadge721Transactor{contract: contract}, XPBadge721Filterer: XPBadge721Filterer{contract: contract}}, nil
}

// XPBadge721 is an auto generated Go binding around an Ethereum contract.
type XPBadge721 struct {
	XPBadge721Caller     // Read-only binding to the contract
	XPBadge721Transactor // Write-only binding to the contract
	XPBadge721Filterer   // Log filterer for contract events
}

// XPBadge721Caller is an auto generated read-only Go binding around an Ethereum contract.
type XPBadge721Caller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPBadge721Transactor is an auto generated write-only Go binding around an Ethereum contract.
type XPBadge721Transactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPBadge721Filterer is an auto generated log filtering Go binding around an Ethereum contract events.
type XPBadge721Filterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPBadge721Session is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type XPBadge721Session struct {
	Contract     *XPBadge721       // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// XPBadge721CallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type XPBadge721CallerSession struct {
	Contract *XPBadge721Caller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts     // Call options to use throughout this session
}

// XPBadge721TransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type XPBadge721TransactorSession struct {
	Contract     *XPBadge721Transactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts     // Transaction auth options to use throughout this session
}

// XPBadge721Raw is an auto generated low-level Go binding around an Ethereum contract.
type XPBadge721Raw struct {
	Contract *XPBadge721 // Generic contract binding to access the raw methods on
}

// XPBadge721CallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type XPBadge721CallerRaw struct {
	Contract *XPBadge721Caller // Generic read-only contract binding to access the raw methods on
}

// XPBadge721TransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type XPBadge721TransactorRaw struct {
	Contract *XPBadge721Transactor // Generic write-only contract binding to access the raw methods on
}

// NewXPBadge721 creates a new instance of XPBadge721, bound to a specific deployed contract.
func NewXPBadge721(address common.Address, backend bind.ContractBackend) (*XPBadge721, error) {
	contract, err := bindXPBadge721(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &XPBadge721{XPBadge721Caller: XPBadge721Caller{contract: contract}, XPBadge721Transactor: XPBadge721Transactor{contract: contract}, XPBadge721Filterer: XPBadge721Filterer{contract: contract}}, nil
}

// NewXPBadge721Caller creates a new read-only instance of XPBadge721, bound to a specific deployed contract.
func NewXPBadge721Caller(address common.Address, caller bind.ContractCaller) (*XPBadge721Caller, error) {
	contract, err := bindXPBadge721(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &XPBadge721Caller{contract: contract}, nil
}

// NewXPBadge721Transactor creates a new write-only instance of XPBadge721, bound to a specific deployed contract.
func NewXPBadge721Transactor(address common.Address, transactor bind.ContractTransactor) (*XPBadge721Transactor, error) {
	contract, err := bindXPBadge721(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &XPBadge721Transactor{contract: contract}, nil
}

// NewXPBadge721Filterer creates a new log filterer instance of XPBadge721, bound to a specific deployed contract.
func NewXPBadge721Filterer(address common.Address, filterer bind.ContractFilterer) (*XPBadge721Filterer, error) {
	contract, err := bindXPBadge721(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &XPBadge721Filterer{contract: contract}, nil
}

// bindXPBadge721 binds a generic wrapper to an already deployed contract.
func bindXPBadge721(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := XPBadge721MetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPBadge721 *XPBadge721Raw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPBadge721.Contract.XPBadge721Caller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPBadge721 *XPBadge721Raw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPBadge721.Contract.XPBadge721Transactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPBadge721 *XPBadge721Raw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPBadge721.Contract.XPBadge721Transactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPBadge721 *XPBadge721CallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPBadge721.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPBadge721 *XPBadge721TransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPBadge721.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPBadge721 *XPBadge721TransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPBadge721.Contract.contract.Transact(opts, method, params...)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_XPBadge721 *XPBadge721Caller) BalanceOf(opts *bind.CallOpts, arg0 common.Address) (*big.Int, error) {
	var out []interface{}
	err := _XPBadge721.contract.Call(opts, &out, "balanceOf", arg0)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_XPBadge721 *XPBadge721Session) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _XPBadge721.Contract.BalanceOf(&_XPBadge721.CallOpts, arg0)
}

// BalanceOf is a free data retrieval call binding the contract method 0x70a08231.
//
// Solidity: function balanceOf(address ) view returns(uint256)
func (_XPBadge721 *XPBadge721CallerSession) BalanceOf(arg0 common.Address) (*big.Int, error) {
	return _XPBadge721.Contract.BalanceOf(&_XPBadge721.CallOpts, arg0)
}

// GetApproved is a free data retrieval call binding the contract method 0x081812fc.
//
// Solidity: function getApproved(uint256 ) view returns(address)
func (_XPBadge721 *XPBadge721Caller) GetApproved(opts *bind.CallOpts, arg0 *big.Int) (common.Address, error) {
	var out []interface{}
	err := _XPBadge721.contract.Call(opts, &out, "getApproved", arg0)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// GetApproved is a free data retrieval call binding the contract method 0x081812fc.
//
// Solidity: function getApproved(uint256 ) view returns(address)
func (_XPBadge721 *XPBadge721Session) GetApproved(arg0 *big.Int) (common.Address, error) {
	return _XPBadge721.Contract.GetApproved(&_XPBadge721.CallOpts, arg0)
}

// GetApproved is a free data retrieval call binding the contract method 0x081812fc.
//
// Solidity: function getApproved(uint256 ) view returns(address)
func (_XPBadge721 *XPBadge721CallerSession) GetApproved(arg0 *big.Int) (common.Address, error) {
	return _XPBadge721.Contract.GetApproved(&_XPBadge721.CallOpts, arg0)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_XPBadge721 *XPBadge721Caller) Minter(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _XPBadge721.contract.Call(opts, &out, "minter")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_XPBadge721 *XPBadge721Session) Minter() (common.Address, error) {
	return _XPBadge721.Contract.Minter(&_XPBadge721.CallOpts)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_XPBadge721 *XPBadge721CallerSession) Minter() (common.Address, error) {
	return _XPBadge721.Contract.Minter(&_XPBadge721.CallOpts)
}

// NextTokenId is a free data retrieval call binding the contract method 0x75794a3c.
//
// Solidity: function nextTokenId() view returns(uint256)
func (_XPBadge721 *XPBadge721Caller) NextTokenId(opts *bind.CallOpts) (*big.Int, error) {
	var out []interface{}
	err := _XPBadge721.contract.Call(opts, &out, "nextTokenId")

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// NextTokenId is a free data retrieval call binding the contract method 0x75794a3c.
//
// Solidity: function nextTokenId() view returns(uint256)
func (_XPBadge721 *XPBadge721Session) NextTokenId() (*big.Int, error) {
	return _XPBadge721.Contract.NextTokenId(&_XPBadge721.CallOpts)
}

// NextTokenId is a free data retrieval call binding the contract method 0x75794a3c.
//
// Solidity: function nextTokenId() view returns(uint256)
func (_XPBadge721 *XPBadge721CallerSession) NextTokenId() (*big.Int, error) {
	return _XPBadge721.Contract.NextTokenId(&_XPBadge721.CallOpts)
}

// OwnerOf is a free data retrieval call binding the contract method 0x6352211e.
//
// Solidity: function ownerOf(uint256 tokenId) view returns(address owner)
func (_XPBadge721 *XPBadge721Caller) OwnerOf(opts *bind.CallOpts, tokenId *big.Int) (common.Address, error) {
	var out []interface{}
	err := _XPBadge721.contract.Call(opts, &out, "ownerOf", tokenId)

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// OwnerOf is a free data retrieval call binding the contract method 0x6352211e.
//
// Solidity: function ownerOf(uint256 tokenId) view returns(address owner)
func (_XPBadge721 *XPBadge721Session) OwnerOf(tokenId *big.Int) (common.Address, error) {
	return _XPBadge721.Contract.OwnerOf(&_XPBadge721.CallOpts, tokenId)
}

// OwnerOf is a free data retrieval call binding the contract method 0x6352211e.
//
// Solidity: function ownerOf(uint256 tokenId) view returns(address owner)
func (_XPBadge721 *XPBadge721CallerSession) OwnerOf(tokenId *big.Int) (common.Address, error) {
	return _XPBadge721.Contract.OwnerOf(&_XPBadge721.CallOpts, tokenId)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address approved, uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721Transactor) Approve(opts *bind.TransactOpts, approved common.Address, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.contract.Transact(opts, "approve", approved, tokenId)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address approved, uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721Session) Approve(approved common.Address, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.Approve(&_XPBadge721.TransactOpts, approved, tokenId)
}

// Approve is a paid mutator transaction binding the contract method 0x095ea7b3.
//
// Solidity: function approve(address approved, uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721TransactorSession) Approve(approved common.Address, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.Approve(&_XPBadge721.TransactOpts, approved, tokenId)
}

// Burn is a paid mutator transaction binding the contract method 0x42966c68.
//
// Solidity: function burn(uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721Transactor) Burn(opts *bind.TransactOpts, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.contract.Transact(opts, "burn", tokenId)
}

// Burn is a paid mutator transaction binding the contract method 0x42966c68.
//
// Solidity: function burn(uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721Session) Burn(tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.Burn(&_XPBadge721.TransactOpts, tokenId)
}

// Burn is a paid mutator transaction binding the contract method 0x42966c68.
//
// Solidity: function burn(uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721TransactorSession) Burn(tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.Burn(&_XPBadge721.TransactOpts, tokenId)
}

// Mint is a paid mutator transaction binding the contract method 0xa647e8ec.
//
// Solidity: function mint(address to, uint256 xpEarned, uint256 season, uint256 runId) returns(uint256 tokenId)
func (_XPBadge721 *XPBadge721Transactor) Mint(opts *bind.TransactOpts, to common.Address, xpEarned *big.Int, season *big.Int, runId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.contract.Transact(opts, "mint", to, xpEarned, season, runId)
}

// Mint is a paid mutator transaction binding the contract method 0xa647e8ec.
//
// Solidity: function mint(address to, uint256 xpEarned, uint256 season, uint256 runId) returns(uint256 tokenId)
func (_XPBadge721 *XPBadge721Session) Mint(to common.Address, xpEarned *big.Int, season *big.Int, runId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.Mint(&_XPBadge721.TransactOpts, to, xpEarned, season, runId)
}

// Mint is a paid mutator transaction binding the contract method 0xa647e8ec.
//
// Solidity: function mint(address to, uint256 xpEarned, uint256 season, uint256 runId) returns(uint256 tokenId)
func (_XPBadge721 *XPBadge721TransactorSession) Mint(to common.Address, xpEarned *big.Int, season *big.Int, runId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.Mint(&_XPBadge721.TransactOpts, to, xpEarned, season, runId)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721Transactor) TransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.contract.Transact(opts, "transferFrom", from, to, tokenId)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721Session) TransferFrom(from common.Address, to common.Address, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.TransferFrom(&_XPBadge721.TransactOpts, from, to, tokenId)
}

// TransferFrom is a paid mutator transaction binding the contract method 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 tokenId) returns()
func (_XPBadge721 *XPBadge721TransactorSession) TransferFrom(from common.Address, to common.Address, tokenId *big.Int) (*types.Transaction, error) {
	return _XPBadge721.Contract.TransferFrom(&_XPBadge721.TransactOpts, from, to, tokenId)
}

// XPBadge721ApprovalIterator is returned from FilterApproval and is used to iterate over the raw logs and unpacked data for Approval events raised by the XPBadge721 contract.
type XPBadge721ApprovalIterator struct {
	Event *XPBadge721Approval // Event containing the contract specifics and raw log

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
func (it *XPBadge721ApprovalIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge721Approval)
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
		it.Event = new(XPBadge721Approval)
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
func (it *XPBadge721ApprovalIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge721ApprovalIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge721Approval represents a Approval event raised by the XPBadge721 contract.
type XPBadge721Approval struct {
	Owner    common.Address
	Approved common.Address
	TokenId  *big.Int
	Raw      types.Log // Blockchain specific contextual infos
}

// FilterApproval is a free log retrieval operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)
func (_XPBadge721 *XPBadge721Filterer) FilterApproval(opts *bind.FilterOpts, owner []common.Address, approved []common.Address, tokenId []*big.Int) (*XPBadge721ApprovalIterator, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var approvedRule []interface{}
	for _, approvedItem := range approved {
		approvedRule = append(approvedRule, approvedItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge721.contract.FilterLogs(opts, "Approval", ownerRule, approvedRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge721ApprovalIterator{contract: _XPBadge721.contract, event: "Approval", logs: logs, sub: sub}, nil
}

// WatchApproval is a free log subscription operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)
func (_XPBadge721 *XPBadge721Filterer) WatchApproval(opts *bind.WatchOpts, sink chan<- *XPBadge721Approval, owner []common.Address, approved []common.Address, tokenId []*big.Int) (event.Subscription, error) {

	var ownerRule []interface{}
	for _, ownerItem := range owner {
		ownerRule = append(ownerRule, ownerItem)
	}
	var approvedRule []interface{}
	for _, approvedItem := range approved {
		approvedRule = append(approvedRule, approvedItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge721.contract.WatchLogs(opts, "Approval", ownerRule, approvedRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge721Approval)
				if err := _XPBadge721.contract.UnpackLog(event, "Approval", log); err != nil {
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

// ParseApproval is a log parse operation binding the contract event 0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925.
//
// Solidity: event Approval(address indexed owner, address indexed approved, uint256 indexed tokenId)
func (_XPBadge721 *XPBadge721Filterer) ParseApproval(log types.Log) (*XPBadge721Approval, error) {
	event := new(XPBadge721Approval)
	if err := _XPBadge721.contract.UnpackLog(event, "Approval", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPBadge721BadgeMintedIterator is returned from FilterBadgeMinted and is used to iterate over the raw logs and unpacked data for BadgeMinted events raised by the XPBadge721 contract.
type XPBadge721BadgeMintedIterator struct {
	Event *XPBadge721BadgeMinted // Event containing the contract specifics and raw log

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
func (it *XPBadge721BadgeMintedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge721BadgeMinted)
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
		it.Event = new(XPBadge721BadgeMinted)
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
func (it *XPBadge721BadgeMintedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge721BadgeMintedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge721BadgeMinted represents a BadgeMinted event raised by the XPBadge721 contract.
type XPBadge721BadgeMinted struct {
	To       common.Address
	TokenId  *big.Int
	XpEarned *big.Int
	Season   *big.Int
	RunId    *big.Int
	Raw      types.Log // Blockchain specific contextual infos
}

// FilterBadgeMinted is a free log retrieval operation binding the contract event 0xe11cfe3f8ac1f2096929b0a9fd571f468e625f470d858c8010336df231e9d4ef.
//
// Solidity: event BadgeMinted(address indexed to, uint256 indexed tokenId, uint256 xpEarned, uint256 season, uint256 runId)
func (_XPBadge721 *XPBadge721Filterer) FilterBadgeMinted(opts *bind.FilterOpts, to []common.Address, tokenId []*big.Int) (*XPBadge721BadgeMintedIterator, error) {

	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge721.contract.FilterLogs(opts, "BadgeMinted", toRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge721BadgeMintedIterator{contract: _XPBadge721.contract, event: "BadgeMinted", logs: logs, sub: sub}, nil
}

// WatchBadgeMinted is a free log subscription operation binding the contract event 0xe11cfe3f8ac1f2096929b0a9fd571f468e625f470d858c8010336df231e9d4ef.
//
// Solidity: event BadgeMinted(address indexed to, uint256 indexed tokenId, uint256 xpEarned, uint256 season, uint256 runId)
func (_XPBadge721 *XPBadge721Filterer) WatchBadgeMinted(opts *bind.WatchOpts, sink chan<- *XPBadge721BadgeMinted, to []common.Address, tokenId []*big.Int) (event.Subscription, error) {

	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge721.contract.WatchLogs(opts, "BadgeMinted", toRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge721BadgeMinted)
				if err := _XPBadge721.contract.UnpackLog(event, "BadgeMinted", log); err != nil {
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

// ParseBadgeMinted is a log parse operation binding the contract event 0xe11cfe3f8ac1f2096929b0a9fd571f468e625f470d858c8010336df231e9d4ef.
//
// Solidity: event BadgeMinted(address indexed to, uint256 indexed tokenId, uint256 xpEarned, uint256 season, uint256 runId)
func (_XPBadge721 *XPBadge721Filterer) ParseBadgeMinted(log types.Log) (*XPBadge721BadgeMinted, error) {
	event := new(XPBadge721BadgeMinted)
	if err := _XPBadge721.contract.UnpackLog(event, "BadgeMinted", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPBadge721TransferIterator is returned from FilterTransfer and is used to iterate over the raw logs and unpacked data for Transfer events raised by the XPBadge721 contract.
type XPBadge721TransferIterator struct {
	Event *XPBadge721Transfer // Event containing the contract specifics and raw log

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
func (it *XPBadge721TransferIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge721Transfer)
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
		it.Event = new(XPBadge721Transfer)
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
func (it *XPBadge721TransferIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge721TransferIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge721Transfer represents a Transfer event raised by the XPBadge721 contract.
type XPBadge721Transfer struct {
	From    common.Address
	To      common.Address
	TokenId *big.Int
	Raw     types.Log // Blockchain specific contextual infos
}

// FilterTransfer is a free log retrieval operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)
func (_XPBadge721 *XPBadge721Filterer) FilterTransfer(opts *bind.FilterOpts, from []common.Address, to []common.Address, tokenId []*big.Int) (*XPBadge721TransferIterator, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge721.contract.FilterLogs(opts, "Transfer", fromRule, toRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge721TransferIterator{contract: _XPBadge721.contract, event: "Transfer", logs: logs, sub: sub}, nil
}

// WatchTransfer is a free log subscription operation binding the contract event 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)
func (_XPBadge721 *XPBadge721Filterer) WatchTransfer(opts *bind.WatchOpts, sink chan<- *XPBadge721Transfer, from []common.Address, to []common.Address, tokenId []*big.Int) (event.Subscription, error) {

	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge721.contract.WatchLogs(opts, "Transfer", fromRule, toRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge721Transfer)
				if err := _XPBadge721.contract.UnpackLog(event, "Transfer", log); err != nil {
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
// Solidity: event Transfer(address indexed from, address indexed to, uint256 indexed tokenId)
func (_XPBadge721 *XPBadge721Filterer) ParseTransfer(log types.Log) (*XPBadge721Transfer, error) {
	event := new(XPBadge721Transfer)
	if err := _XPBadge721.contract.UnpackLog(event, "Transfer", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
