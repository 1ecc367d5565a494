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

// XPBadge1155MetaData contains all meta data concerning the XPBadge1155 contract.
var XPBadge1155MetaData = &bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"approved\",\"type\":\"bool\"}],\"name\":\"ApprovalForAll\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"uint256\",\"name\":\"tokenId\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"season\",\"type\":\"uint256\"}],\"name\":\"BadgeMinted\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256[]\",\"name\":\"ids\",\"type\":\"uint256[]\"},{\"indexed\":false,\"internalType\":\"uint256[]\",\"name\":\"values\",\"type\":\"uint256[]\"}],\"name\":\"TransferBatch\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"TransferSingle\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"burn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"name\":\"isApprovedForAll\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"player\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"xpEarned\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"season\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256[]\",\"name\":\"ids\",\"type\":\"uint256[]\"},{\"internalType\":\"uint256[]\",\"name\":\"amounts\",\"type\":\"uint256[]\"}],\"name\":\"mintBatch\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"minter\",\"outputs\":[{\"internalType\":\"address\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256[]\",\"name\":\"ids\",\"type\":\"uint256[]\"},{\"internalType\":\"uint256[]\",\"name\":\"amounts\",\"type\":\"uint256[]\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"safeBatchTransferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"id\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"internalType\":\"bytes\",\"name\":\"\",\"type\":\"bytes\"}],\"name\":\"safeTransferFrom\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"operator\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"approved\",\"type\":\"bool\"}],\"name\":\"setApprovalForAll\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	Bin: "0x60a0604052348015600e575f5ffd5b5033608052608051610e126100385f395f818160be0152818161038101526106990152610e125ff3fe608060405234801561000f575f5ffd5b506004361061008f575f3560e01c8063d81d0a1511610063578063d81d0a1514610120578063e985e9c514610133578063f242432a14610170578063f5298aca14610183578063f92883a214610196575f5ffd5b8062fdd58e1461009357806307546172146100b95780632eb2c2d6146100f8578063a22cb4651461010d575b5f5ffd5b6100a66100a136600461092e565b6101a9565b6040519081526020015b60405180910390f35b6100e07f000000000000000000000000000000000000000000000000000000000000000081565b6040516001600160a01b0390911681526020016100b0565b61010b6101063660046109dc565b6101d0565b005b61010b61011b366004610a9b565b61030b565b61010b61012e366004610ad4565b610376565b610160610141366004610b54565b600160209081525f928352604080842090915290825290205460ff1681565b60405190151581526020016100b0565b61010b61017e366004610b85565b610547565b61010b610191366004610bf8565b6105d5565b61010b6101a4366004610c28565b61068e565b5f818152602081815260408083206001600160a01b03861684529091529020545b92915050565b6101d9886107ef565b6001600160a01b0387166102085760405162461bcd60e51b81526004016101ff90610c66565b60405180910390fd5b8483146102575760405162461bcd60e51b815260206004820152601c60248201527f58504261646765313135353a206c656e677468206d69736d617463680000000060448201526064016101ff565b5f5b858110156102a55761029d898989898581811061027857610278610cab565b9050602002013588888681811061029157610291610cab565b90506020020135610882565b600101610259565b50866001600160a01b0316886001600160a01b0316336001600160a01b03167f4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb898989896040516102f99493929190610cef565b60405180910390a45050505050505050565b335f8181526001602090815260408083206001600160a01b03871680855290835292819020805460ff191686151590811790915590519081529192917f17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31910160405180910390a35050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146103e85760405162461bcd60e51b81526020600482015260176024820152762c282130b233b298989a9a9d103737ba1036b4b73a32b960491b60448201526064016101ff565b6001600160a01b03851661040e5760405162461bcd60e51b81526004016101ff90610d20565b82811461045d5760405162461bcd60e51b815260206004820152601c60248201527f58504261646765313135353a206c656e677468206d69736d617463680000000060448201526064016101ff565b5f5b838110156104e45782828281811061047957610479610cab565b905060200201355f5f87878581811061049457610494610cab565b9050602002013581526020019081526020015f205f886001600160a01b03166001600160a01b031681526020019081526020015f205f8282546104d79190610d75565b909155505060010161045f565b50846001600160a01b03165f6001600160a01b0316336001600160a01b03167f4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb878787876040516105389493929190610cef565b60405180910390a45050505050565b610550866107ef565b6001600160a01b0385166105765760405162461bcd60e51b81526004016101ff90610c66565b61058286868686610882565b60408051858152602081018590526001600160a01b03808816929089169133917fc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62910160405180910390a4505050505050565b6105de836107ef565b5f828152602081815260408083206001600160a01b03871684529091529020548181101561061e5760405162461bcd60e51b81526004016101ff90610d88565b6106288282610dc9565b5f848152602081815260408083206001600160a01b03891680855290835281842094909455805187815291820186905291929133917fc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62910160405180910390a450505050565b336001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016146107005760405162461bcd60e51b81526020600482015260176024820152762c282130b233b298989a9a9d103737ba1036b4b73a32b960491b60448201526064016101ff565b6001600160a01b0385166107265760405162461bcd60e51b81526004016101ff90610d20565b5f848152602081815260408083206001600160a01b038916845290915281208054859290610755908490610d75565b909155505060408051858152602081018590526001600160a01b038716915f9133917fc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62910160405180910390a4604080518381526020810183905285916001600160a01b038816917f387bb3eb7501c3ed1b38da9521bab0a6604a0ec69bf681eab8c74ba6d3eea15a910160405180910390a35050505050565b336001600160a01b038216148061082857506001600160a01b0381165f90815260016020908152604080832033845290915290205460ff165b61087f5760405162461bcd60e51b815260206004820152602260248201527f58504261646765313135353a206e6f74206f776e6572206f7220617070726f76604482015261195960f21b60648201526084016101ff565b50565b5f828152602081815260408083206001600160a01b0388168452909152902054818110156108c25760405162461bcd60e51b81526004016101ff90610d88565b6108cc8282610dc9565b5f848152602081815260408083206001600160a01b038a81168552925280832093909355861681529081208054849290610907908490610d75565b90915550505050505050565b80356001600160a01b0381168114610929575f5ffd5b919050565b5f5f6040838503121561093f575f5ffd5b61094883610913565b946020939093013593505050565b5f5f83601f840112610966575f5ffd5b50813567ffffffffffffffff81111561097d575f5ffd5b6020830191508360208260051b8501011115610997575f5ffd5b9250929050565b5f5f83601f8401126109ae575f5ffd5b50813567ffffffffffffffff8111156109c5575f5ffd5b602083019150836020828501011115610997575f5ffd5b5f5f5f5f5f5f5f5f60a0898b0312156109f3575f5ffd5b6109fc89610913565b9750610a0a60208a01610913565b9650604089013567ffffffffffffffff811115610a25575f5ffd5b610a318b828c01610956565b909750955050606089013567ffffffffffffffff811115610a50575f5ffd5b610a5c8b828c01610956565b909550935050608089013567ffffffffffffffff811115610a7b575f5ffd5b610a878b828c0161099e565b999c989b5096995094979396929594505050565b5f5f60408385031215610aac575f5ffd5b610ab583610913565b915060208301358015158114610ac9575f5ffd5b809150509250929050565b5f5f5f5f5f60608688031215610ae8575f5ffd5b610af186610913565b9450602086013567ffffffffffffffff811115610b0c575f5ffd5b610b1888828901610956565b909550935050604086013567ffffffffffffffff811115610b37575f5ffd5b610b4388828901610956565b969995985093965092949392505050565b5f5f60408385031215610b65575f5ffd5b610b6e83610913565b9150610b7c60208401610913565b90509250929050565b5f5f5f5f5f5f60a08789031215610b9a575f5ffd5b610ba387610913565b9550610bb160208801610913565b94506040870135935060608701359250608087013567ffffffffffffffff811115610bda575f5ffd5b610be689828a0161099e565b979a9699509497509295939492505050565b5f5f5f60608486031215610c0a575f5ffd5b610c1384610913565b95602085013595506040909401359392505050565b5f5f5f5f5f60a08688031215610c3c575f5ffd5b610c4586610913565b97602087013597506040870135966060810135965060800135945092505050565b60208082526025908201527f58504261646765313135353a207472616e7366657220746f207a65726f206164604082015264647265737360d81b606082015260800190565b634e487b7160e01b5f52603260045260245ffd5b8183525f6001600160fb1b03831115610cd6575f5ffd5b8260051b80836020870137939093016020019392505050565b604081525f610d02604083018688610cbf565b8281036020840152610d15818587610cbf565b979650505050505050565b60208082526021908201527f58504261646765313135353a206d696e7420746f207a65726f206164647265736040820152607360f81b606082015260800190565b634e487b7160e01b5f52601160045260245ffd5b808201808211156101ca576101ca610d61565b60208082526021908201527f58504261646765313135353a20696e73756666696369656e742062616c616e636040820152606560f81b606082015260800190565b818103818111156101ca576101ca610d6156fea26469706673582212209947cd16839041037b82e1caa643ae7220f212fdf1d271f36d6962377716c95864736f6c634300081c0033",
}

// XPBadge1155ABI is the input ABI used to generate the binding from.
// Deprecated: Use XPBadge1155MetaData.ABI instead.
var XPBadge1155ABI = XPBadge1155MetaData.ABI

// XPBadge1155Bin is the compiled bytecode used for deploying new contracts.
// Deprecated: Use XPBadge1155MetaData.Bin instead.
var XPBadge1155Bin = XPBadge1155MetaData.Bin

// DeployXPBadge1155 deploys a new Ethereum contract, binding an instance of XPBadge1155 to it.
func DeployXPBadge1155(auth *bind.TransactOpts, backend bind.ContractBackend) (common.Address, *types.Transaction, *XPBadge1155, error) {
	parsed, err := XPBadge1155MetaData.GetAbi()
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	if parsed == nil {
		return common.Address{}, nil, nil, errors.New("GetABI returned nil")
	}

	address, tx, contract, err := bind.DeployContract(auth, *parsed, common.FromHex(XPBadge1155Bin), backend)
	if err != nil {
		return common.Address{}, nil, nil, err
	}
	return address, tx, &XPBadge1155{XPBadge1155Caller: XPBadge1155Caller{contract: contract}, XPBadge1155Transactor: XPBadge1155Transactor{contract: contract}, XPBadge1155Filterer: XPBadge1155Filterer{contract: contract}}, nil
}

// XPBadge1155 is an auto generated Go binding around an Ethereum contract.
type XPBadge1155 struct {
	XPBadge1155Caller     // Read-only binding to the contract
	XPBadge1155Transactor // Write-only binding to the contract
	XPBadge1155Filterer   // Log filterer for contract events
}

// XPBadge1155Caller is an auto generated read-only Go binding around an Ethereum contract.
type XPBadge1155Caller struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPBadge1155Transactor is an auto generated write-only Go binding around an Ethereum contract.
type XPBadge1155Transactor struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPBadge1155Filterer is an auto generated log filtering Go binding around an Ethereum contract events.
type XPBadge1155Filterer struct {
	contract *bind.BoundContract // Generic contract wrapper for the low level calls
}

// XPBadge1155Session is an auto generated Go binding around an Ethereum contract,
// with pre-set call and transact options.
type XPBadge1155Session struct {
	Contract     *XPBadge1155      // Generic contract binding to set the session for
	CallOpts     bind.CallOpts     // Call options to use throughout this session
	TransactOpts bind.TransactOpts // Transaction auth options to use throughout this session
}

// XPBadge1155CallerSession is an auto generated read-only Go binding around an Ethereum contract,
// with pre-set call options.
type XPBadge1155CallerSession struct {
	Contract *XPBadge1155Caller // Generic contract caller binding to set the session for
	CallOpts bind.CallOpts      // Call options to use throughout this session
}

// XPBadge1155TransactorSession is an auto generated write-only Go binding around an Ethereum contract,
// with pre-set transact options.
type XPBadge1155TransactorSession struct {
	Contract     *XPBadge1155Transactor // Generic contract transactor binding to set the session for
	TransactOpts bind.TransactOpts      // Transaction auth options to use throughout this session
}

// XPBadge1155Raw is an auto generated low-level Go binding around an Ethereum contract.
type XPBadge1155Raw struct {
	Contract *XPBadge1155 // Generic contract binding to access the raw methods on
}

// XPBadge1155CallerRaw is an auto generated low-level read-only Go binding around an Ethereum contract.
type XPBadge1155CallerRaw struct {
	Contract *XPBadge1155Caller // Generic read-only contract binding to access the raw methods on
}

// XPBadge1155TransactorRaw is an auto generated low-level write-only Go binding around an Ethereum contract.
type XPBadge1155TransactorRaw struct {
	Contract *XPBadge1155Transactor // Generic write-only contract binding to access the raw methods on
}

// NewXPBadge1155 creates a new instance of XPBadge1155, bound to a specific deployed contract.
func NewXPBadge1155(address common.Address, backend bind.ContractBackend) (*XPBadge1155, error) {
	contract, err := bindXPBadge1155(address, backend, backend, backend)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155{XPBadge1155Caller: XPBadge1155Caller{contract: contract}, XPBadge1155Transactor: XPBadge1155Transactor{contract: contract}, XPBadge1155Filterer: XPBadge1155Filterer{contract: contract}}, nil
}

// NewXPBadge1155Caller creates a new read-only instance of XPBadge1155, bound to a specific deployed contract.
func NewXPBadge1155Caller(address common.Address, caller bind.ContractCaller) (*XPBadge1155Caller, error) {
	contract, err := bindXPBadge1155(address, caller, nil, nil)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155Caller{contract: contract}, nil
}

// NewXPBadge1155Transactor creates a new write-only instance of XPBadge1155, bound to a specific deployed contract.
func NewXPBadge1155Transactor(address common.Address, transactor bind.ContractTransactor) (*XPBadge1155Transactor, error) {
	contract, err := bindXPBadge1155(address, nil, transactor, nil)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155Transactor{contract: contract}, nil
}

// NewXPBadge1155Filterer creates a new log filterer instance of XPBadge1155, bound to a specific deployed contract.
func NewXPBadge1155Filterer(address common.Address, filterer bind.ContractFilterer) (*XPBadge1155Filterer, error) {
	contract, err := bindXPBadge1155(address, nil, nil, filterer)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155Filterer{contract: contract}, nil
}

// bindXPBadge1155 binds a generic wrapper to an already deployed contract.
func bindXPBadge1155(address common.Address, caller bind.ContractCaller, transactor bind.ContractTransactor, filterer bind.ContractFilterer) (*bind.BoundContract, error) {
	parsed, err := XPBadge1155MetaData.GetAbi()
	if err != nil {
		return nil, err
	}
	return bind.NewBoundContract(address, *parsed, caller, transactor, filterer), nil
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPBadge1155 *XPBadge1155Raw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPBadge1155.Contract.XPBadge1155Caller.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPBadge1155 *XPBadge1155Raw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPBadge1155.Contract.XPBadge1155Transactor.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPBadge1155 *XPBadge1155Raw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPBadge1155.Contract.XPBadge1155Transactor.contract.Transact(opts, method, params...)
}

// Call invokes the (constant) contract method with params as input values and
// sets the output to result. The result type might be a single field for simple
// returns, a slice of interfaces for anonymous returns and a struct for named
// returns.
func (_XPBadge1155 *XPBadge1155CallerRaw) Call(opts *bind.CallOpts, result *[]interface{}, method string, params ...interface{}) error {
	return _XPBadge1155.Contract.contract.Call(opts, result, method, params...)
}

// Transfer initiates a plain transaction to move funds to the contract, calling
// its default method if one is available.
func (_XPBadge1155 *XPBadge1155TransactorRaw) Transfer(opts *bind.TransactOpts) (*types.Transaction, error) {
	return _XPBadge1155.Contract.contract.Transfer(opts)
}

// Transact invokes the (paid) contract method with params as input values.
func (_XPBadge1155 *XPBadge1155TransactorRaw) Transact(opts *bind.TransactOpts, method string, params ...interface{}) (*types.Transaction, error) {
	return _XPBadge1155.Contract.contract.Transact(opts, method, params...)
}

// BalanceOf is a free data retrieval call binding the contract method 0x00fdd58e.
//
// Solidity: function balanceOf(address account, uint256 id) view returns(uint256)
func (_XPBadge1155 *XPBadge1155Caller) BalanceOf(opts *bind.CallOpts, account common.Address, id *big.Int) (*big.Int, error) {
	var out []interface{}
	err := _XPBadge1155.contract.Call(opts, &out, "balanceOf", account, id)

	if err != nil {
		return *new(*big.Int), err
	}

	out0 := *abi.ConvertType(out[0], new(*big.Int)).(**big.Int)

	return out0, err

}

// BalanceOf is a free data retrieval call binding the contract method 0x00fdd58e.
//
// Solidity: function balanceOf(address account, uint256 id) view returns(uint256)
func (_XPBadge1155 *XPBadge1155Session) BalanceOf(account common.Address, id *big.Int) (*big.Int, error) {
	return _XPBadge1155.Contract.BalanceOf(&_XPBadge1155.CallOpts, account, id)
}

// BalanceOf is a free data retrieval call binding the contract method 0x00fdd58e.
//
// Solidity: function balanceOf(address account, uint256 id) view returns(uint256)
func (_XPBadge1155 *XPBadge1155CallerSession) BalanceOf(account common.Address, id *big.Int) (*big.Int, error) {
	return _XPBadge1155.Contract.BalanceOf(&_XPBadge1155.CallOpts, account, id)
}

// IsApprovedForAll is a free data retrieval call binding the contract method 0xe985e9c5.
//
// Solidity: function isApprovedForAll(address , address ) view returns(bool)
func (_XPBadge1155 *XPBadge1155Caller) IsApprovedForAll(opts *bind.CallOpts, arg0 common.Address, arg1 common.Address) (bool, error) {
	var out []interface{}
	err := _XPBadge1155.contract.Call(opts, &out, "isApprovedForAll", arg0, arg1)

	if err != nil {
		return *new(bool), err
	}

	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)

	return out0, err

}

// IsApprovedForAll is a free data retrieval call binding the contract method 0xe985e9c5.
//
// Solidity: function isApprovedForAll(address , address ) view returns(bool)
func (_XPBadge1155 *XPBadge1155Session) IsApprovedForAll(arg0 common.Address, arg1 common.Address) (bool, error) {
	return _XPBadge1155.Contract.IsApprovedForAll(&_XPBadge1155.CallOpts, arg0, arg1)
}

// IsApprovedForAll is a free data retrieval call binding the contract method 0xe985e9c5.
//
// Solidity: function isApprovedForAll(address , address ) view returns(bool)
func (_XPBadge1155 *XPBadge1155CallerSession) IsApprovedForAll(arg0 common.Address, arg1 common.Address) (bool, error) {
	return _XPBadge1155.Contract.IsApprovedForAll(&_XPBadge1155.CallOpts, arg0, arg1)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_XPBadge1155 *XPBadge1155Caller) Minter(opts *bind.CallOpts) (common.Address, error) {
	var out []interface{}
	err := _XPBadge1155.contract.Call(opts, &out, "minter")

	if err != nil {
		return *new(common.Address), err
	}

	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)

	return out0, err

}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_XPBadge1155 *XPBadge1155Session) Minter() (common.Address, error) {
	return _XPBadge1155.Contract.Minter(&_XPBadge1155.CallOpts)
}

// Minter is a free data retrieval call binding the contract method 0x07546172.
//
// Solidity: function minter() view returns(address)
func (_XPBadge1155 *XPBadge1155CallerSession) Minter() (common.Address, error) {
	return _XPBadge1155.Contract.Minter(&_XPBadge1155.CallOpts)
}

// Burn is a paid mutator transaction binding the contract method 0xf5298aca.
//
// Solidity: function burn(address from, uint256 id, uint256 amount) returns()
func (_XPBadge1155 *XPBadge1155Transactor) Burn(opts *bind.TransactOpts, from common.Address, id *big.Int, amount *big.Int) (*types.Transaction, error) {
	return _XPBadge1155.contract.Transact(opts, "burn", from, id, amount)
}

// Burn is a paid mutator transaction binding the contract method 0xf5298aca.
//
// Solidity: function burn(address from, uint256 id, uint256 amount) returns()
func (_XPBadge1155 *XPBadge1155Session) Burn(from common.Address, id *big.Int, amount *big.Int) (*types.Transaction, error) {
	return _XPBadge1155.Contract.Burn(&_XPBadge1155.TransactOpts, from, id, amount)
}

// Burn is a paid mutator transaction binding the contract method 0xf5298aca.
//
// Solidity: function burn(address from, uint256 id, uint256 amount) returns()
func (_XPBadge1155 *XPBadge1155TransactorSession) Burn(from common.Address, id *big.Int, amount *big.Int) (*types.Transaction, error) {
	return _XPBadge1155.Contract.Burn(&_XPBadge1155.TransactOpts, from, id, amount)
}

// Mint is a paid mutator transaction binding the contract method 0xf92883a2.
//
// Solidity: function mint(address player, uint256 id, uint256 amount, uint256 xpEarned, uint256 season) returns()
func (_XPBadge1155 *XPBadge1155Transactor) Mint(opts *bind.TransactOpts, player common.Address, id *big.Int, amount *big.Int, xpEarned *big.Int, season *big.Int) (*types.Transaction, error) {
	return _XPBadge1155.contract.Transact(opts, "mint", player, id, amount, xpEarned, season)
}

// Mint is a paid mutator transaction binding the contract method 0xf92883a2.
//
// Solidity: function mint(address player, uint256 id, uint256 amount, uint256 xpEarned, uint256 season) returns()
func (_XPBadge1155 *XPBadge1155Session) Mint(player common.Address, id *big.Int, amount *big.Int, xpEarned *big.Int, season *big.Int) (*types.Transaction, error) {
	return _XPBadge1155.Contract.Mint(&_XPBadge1155.TransactOpts, player, id, amount, xpEarned, season)
}

// Mint is a paid mutator transaction binding the contract method 0xf92883a2.
//
// Solidity: function mint(address player, uint256 id, uint256 amount, uint256 xpEarned, uint256 season) returns()
func (_XPBadge1155 *XPBadge1155TransactorSession) Mint(player common.Address, id *big.Int, amount *big.Int, xpEarned *big.Int, season *big.Int) (*types.Transaction, error) {
	return _XPBadge1155.Contract.Mint(&_XPBadge1155.TransactOpts, player, id, amount, xpEarned, season)
}

// MintBatch is a paid mutator transaction binding the contract method 0xd81d0a15.
//
// Solidity: function mintBatch(address to, uint256[] ids, uint256[] amounts) returns()
func (_XPBadge1155 *XPBadge1155Transactor) MintBatch(opts *bind.TransactOpts, to common.Address, ids []*big.Int, amounts []*big.Int) (*types.Transaction, error) {
	return _XPBadge1155.contract.Transact(opts, "mintBatch", to, ids, amounts)
}

// MintBatch is a paid mutator transaction binding the contract method 0xd81d0a15.
//
// Solidity: function mintBatch(address to, uint256[] ids, uint256[] amounts) returns()
func (_XPBadge1155 *XPBadge1155Session) MintBatch(to common.Address, ids []*big.Int, amounts []*big.Int) (*types.Transaction, error) {
	return _XPBadge1155.Contract.MintBatch(&_XPBadge1155.TransactOpts, to, ids, amounts)
}

// MintBatch is a paid mutator transaction binding the contract method 0xd81d0a15.
//
// Solidity: function mintBatch(address to, uint256[] ids, uint256[] amounts) returns()
func (_XPBadge1155 *XPBadge1155TransactorSession) MintBatch(to common.Address, ids []*big.Int, amounts []*big.Int) (*types.Transaction, error) {
	return _XPBadge1155.Contract.MintBatch(&_XPBadge1155.TransactOpts, to, ids, amounts)
}

// SafeBatchTransferFrom is a paid mutator transaction binding the contract method 0x2eb2c2d6.
//
// Solidity: function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes ) returns()
func (_XPBadge1155 *XPBadge1155Transactor) SafeBatchTransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, ids []*big.Int, amounts []*big.Int, arg4 []byte) (*types.Transaction, error) {
	return _XPBadge1155.contract.Transact(opts, "safeBatchTransferFrom", from, to, ids, amounts, arg4)
}

// SafeBatchTransferFrom is a paid mutator transaction binding the contract method 0x2eb2c2d6.
//
// Solidity: function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes ) returns()
func (_XPBadge1155 *XPBadge1155Session) SafeBatchTransferFrom(from common.Address, to common.Address, ids []*big.Int, amounts []*big.Int, arg4 []byte) (*types.Transaction, error) {
	return _XPBadge1155.Contract.SafeBatchTransferFrom(&_XPBadge1155.TransactOpts, from, to, ids, amounts, arg4)
}

// SafeBatchTransferFrom is a paid mutator transaction binding the contract method 0x2eb2c2d6.
//
// Solidity: function safeBatchTransferFrom(address from, address to, uint256[] ids, uint256[] amounts, bytes ) returns()
func (_XPBadge1155 *XPBadge1155TransactorSession) SafeBatchTransferFrom(from common.Address, to common.Address, ids []*big.Int, amounts []*big.Int, arg4 []byte) (*types.Transaction, error) {
	return _XPBadge1155.Contract.SafeBatchTransferFrom(&_XPBadge1155.TransactOpts, from, to, ids, amounts, arg4)
}

// SafeTransferFrom is a paid mutator transaction binding the contract method 0xf242432a.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes ) returns()
func (_XPBadge1155 *XPBadge1155Transactor) SafeTransferFrom(opts *bind.TransactOpts, from common.Address, to common.Address, id *big.Int, amount *big.Int, arg4 []byte) (*types.Transaction, error) {
	return _XPBadge1155.contract.Transact(opts, "safeTransferFrom", from, to, id, amount, arg4)
}

// SafeTransferFrom is a paid mutator transaction binding the contract method 0xf242432a.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes ) returns()
func (_XPBadge1155 *XPBadge1155Session) SafeTransferFrom(from common.Address, to common.Address, id *big.Int, amount *big.Int, arg4 []byte) (*types.Transaction, error) {
	return _XPBadge1155.Contract.SafeTransferFrom(&_XPBadge1155.TransactOpts, from, to, id, amount, arg4)
}

// SafeTransferFrom is a paid mutator transaction binding the contract method 0xf242432a.
//
// Solidity: function safeTransferFrom(address from, address to, uint256 id, uint256 amount, bytes ) returns()
func (_XPBadge1155 *XPBadge1155TransactorSession) SafeTransferFrom(from common.Address, to common.Address, id *big.Int, amount *big.Int, arg4 []byte) (*types.Transaction, error) {
	return _XPBadge1155.Contract.SafeTransferFrom(&_XPBadge1155.TransactOpts, from, to, id, amount, arg4)
}

// SetApprovalForAll is a paid mutator transaction binding the contract method 0xa22cb465.
//
// Solidity: function setApprovalForAll(address operator, bool approved) returns()
func (_XPBadge1155 *XPBadge1155Transactor) SetApprovalForAll(opts *bind.TransactOpts, operator common.Address, approved bool) (*types.Transaction, error) {
	return _XPBadge1155.contract.Transact(opts, "setApprovalForAll", operator, approved)
}

// SetApprovalForAll is a paid mutator transaction binding the contract method 0xa22cb465.
//
// Solidity: function setApprovalForAll(address operator, bool approved) returns()
func (_XPBadge1155 *XPBadge1155Session) SetApprovalForAll(operator common.Address, approved bool) (*types.Transaction, error) {
	return _XPBadge1155.Contract.SetApprovalForAll(&_XPBadge1155.TransactOpts, operator, approved)
}

// SetApprovalForAll is a paid mutator transaction binding the contract method 0xa22cb465.
//
// Solidity: function setApprovalForAll(address operator, bool approved) returns()
func (_XPBadge1155 *XPBadge1155TransactorSession) SetApprovalForAll(operator common.Address, approved bool) (*types.Transaction, error) {
	return _XPBadge1155.Contract.SetApprovalForAll(&_XPBadge1155.TransactOpts, operator, approved)
}

// XPBadge1155ApprovalForAllIterator is returned from FilterApprovalForAll and is used to iterate over the raw logs and unpacked data for ApprovalForAll events raised by the XPBadge1155 contract.
type XPBadge1155ApprovalForAllIterator struct {
	Event *XPBadge1155ApprovalForAll // Event containing the contract specifics and raw log

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
func (it *XPBadge1155ApprovalForAllIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge1155ApprovalForAll)
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
		it.Event = new(XPBadge1155ApprovalForAll)
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
func (it *XPBadge1155ApprovalForAllIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge1155ApprovalForAllIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge1155ApprovalForAll represents a ApprovalForAll event raised by the XPBadge1155 contract.
type XPBadge1155ApprovalForAll struct {
	Account  common.Address
	Operator common.Address
	Approved bool
	Raw      types.Log // Blockchain specific contextual infos
}

// FilterApprovalForAll is a free log retrieval operation binding the contract event 0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31.
//
// Solidity: event ApprovalForAll(address indexed account, address indexed operator, bool approved)
func (_XPBadge1155 *XPBadge1155Filterer) FilterApprovalForAll(opts *bind.FilterOpts, account []common.Address, operator []common.Address) (*XPBadge1155ApprovalForAllIterator, error) {

	var accountRule []interface{}
	for _, accountItem := range account {
		accountRule = append(accountRule, accountItem)
	}
	var operatorRule []interface{}
	for _, operatorItem := range operator {
		operatorRule = append(operatorRule, operatorItem)
	}

	logs, sub, err := _XPBadge1155.contract.FilterLogs(opts, "ApprovalForAll", accountRule, operatorRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155ApprovalForAllIterator{contract: _XPBadge1155.contract, event: "ApprovalForAll", logs: logs, sub: sub}, nil
}

// WatchApprovalForAll is a free log subscription operation binding the contract event 0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31.
//
// Solidity: event ApprovalForAll(address indexed account, address indexed operator, bool approved)
func (_XPBadge1155 *XPBadge1155Filterer) WatchApprovalForAll(opts *bind.WatchOpts, sink chan<- *XPBadge1155ApprovalForAll, account []common.Address, operator []common.Address) (event.Subscription, error) {

	var accountRule []interface{}
	for _, accountItem := range account {
		accountRule = append(accountRule, accountItem)
	}
	var operatorRule []interface{}
	for _, operatorItem := range operator {
		operatorRule = append(operatorRule, operatorItem)
	}

	logs, sub, err := _XPBadge1155.contract.WatchLogs(opts, "ApprovalForAll", accountRule, operatorRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge1155ApprovalForAll)
				if err := _XPBadge1155.contract.UnpackLog(event, "ApprovalForAll", log); err != nil {
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

// ParseApprovalForAll is a log parse operation binding the contract event 0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31.
//
// Solidity: event ApprovalForAll(address indexed account, address indexed operator, bool approved)
func (_XPBadge1155 *XPBadge1155Filterer) ParseApprovalForAll(log types.Log) (*XPBadge1155ApprovalForAll, error) {
	event := new(XPBadge1155ApprovalForAll)
	if err := _XPBadge1155.contract.UnpackLog(event, "ApprovalForAll", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPBadge1155BadgeMintedIterator is returned from FilterBadgeMinted and is used to iterate over the raw logs and unpacked data for BadgeMinted events raised by the XPBadge1155 contract.
type XPBadge1155BadgeMintedIterator struct {
	Event *XPBadge1155BadgeMinted // Event containing the contract specifics and raw log

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
func (it *XPBadge1155BadgeMintedIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge1155BadgeMinted)
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
		it.Event = new(XPBadge1155BadgeMinted)
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
func (it *XPBadge1155BadgeMintedIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge1155BadgeMintedIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge1155BadgeMinted represents a BadgeMinted event raised by the XPBadge1155 contract.
type XPBadge1155BadgeMinted struct {
	Player   common.Address
	TokenId  *big.Int
	XpEarned *big.Int
	Season   *big.Int
	Raw      types.Log // Blockchain specific contextual infos
}

// FilterBadgeMinted is a free log retrieval operation binding the contract event 0x387bb3eb7501c3ed1b38da9521bab0a6604a0ec69bf681eab8c74ba6d3eea15a.
//
// Solidity: event BadgeMinted(address indexed player, uint256 indexed tokenId, uint256 xpEarned, uint256 season)
func (_XPBadge1155 *XPBadge1155Filterer) FilterBadgeMinted(opts *bind.FilterOpts, player []common.Address, tokenId []*big.Int) (*XPBadge1155BadgeMintedIterator, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge1155.contract.FilterLogs(opts, "BadgeMinted", playerRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155BadgeMintedIterator{contract: _XPBadge1155.contract, event: "BadgeMinted", logs: logs, sub: sub}, nil
}

// WatchBadgeMinted is a free log subscription operation binding the contract event 0x387bb3eb7501c3ed1b38da9521bab0a6604a0ec69bf681eab8c74ba6d3eea15a.
//
// Solidity: event BadgeMinted(address indexed player, uint256 indexed tokenId, uint256 xpEarned, uint256 season)
func (_XPBadge1155 *XPBadge1155Filterer) WatchBadgeMinted(opts *bind.WatchOpts, sink chan<- *XPBadge1155BadgeMinted, player []common.Address, tokenId []*big.Int) (event.Subscription, error) {

	var playerRule []interface{}
	for _, playerItem := range player {
		playerRule = append(playerRule, playerItem)
	}
	var tokenIdRule []interface{}
	for _, tokenIdItem := range tokenId {
		tokenIdRule = append(tokenIdRule, tokenIdItem)
	}

	logs, sub, err := _XPBadge1155.contract.WatchLogs(opts, "BadgeMinted", playerRule, tokenIdRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge1155BadgeMinted)
				if err := _XPBadge1155.contract.UnpackLog(event, "BadgeMinted", log); err != nil {
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

// ParseBadgeMinted is a log parse operation binding the contract event 0x387bb3eb7501c3ed1b38da9521bab0a6604a0ec69bf681eab8c74ba6d3eea15a.
//
// Solidity: event BadgeMinted(address indexed player, uint256 indexed tokenId, uint256 xpEarned, uint256 season)
func (_XPBadge1155 *XPBadge1155Filterer) ParseBadgeMinted(log types.Log) (*XPBadge1155BadgeMinted, error) {
	event := new(XPBadge1155BadgeMinted)
	if err := _XPBadge1155.contract.UnpackLog(event, "BadgeMinted", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPBadge1155TransferBatchIterator is returned from FilterTransferBatch and is used to iterate over the raw logs and unpacked data for TransferBatch events raised by the XPBadge1155 contract.
type XPBadge1155TransferBatchIterator struct {
	Event *XPBadge1155TransferBatch // Event containing the contract specifics and raw log

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
func (it *XPBadge1155TransferBatchIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge1155TransferBatch)
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
		it.Event = new(XPBadge1155TransferBatch)
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
func (it *XPBadge1155TransferBatchIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge1155TransferBatchIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge1155TransferBatch represents a TransferBatch event raised by the XPBadge1155 contract.
type XPBadge1155TransferBatch struct {
	Operator common.Address
	From     common.Address
	To       common.Address
	Ids      []*big.Int
	Values   []*big.Int
	Raw      types.Log // Blockchain specific contextual infos
}

// FilterTransferBatch is a free log retrieval operation binding the contract event 0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb.
//
// Solidity: event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)
func (_XPBadge1155 *XPBadge1155Filterer) FilterTransferBatch(opts *bind.FilterOpts, operator []common.Address, from []common.Address, to []common.Address) (*XPBadge1155TransferBatchIterator, error) {

	var operatorRule []interface{}
	for _, operatorItem := range operator {
		operatorRule = append(operatorRule, operatorItem)
	}
	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _XPBadge1155.contract.FilterLogs(opts, "TransferBatch", operatorRule, fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155TransferBatchIterator{contract: _XPBadge1155.contract, event: "TransferBatch", logs: logs, sub: sub}, nil
}

// WatchTransferBatch is a free log subscription operation binding the contract event 0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb.
//
// Solidity: event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)
func (_XPBadge1155 *XPBadge1155Filterer) WatchTransferBatch(opts *bind.WatchOpts, sink chan<- *XPBadge1155TransferBatch, operator []common.Address, from []common.Address, to []common.Address) (event.Subscription, error) {

	var operatorRule []interface{}
	for _, operatorItem := range operator {
		operatorRule = append(operatorRule, operatorItem)
	}
	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _XPBadge1155.contract.WatchLogs(opts, "TransferBatch", operatorRule, fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge1155TransferBatch)
				if err := _XPBadge1155.contract.UnpackLog(event, "TransferBatch", log); err != nil {
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

// ParseTransferBatch is a log parse operation binding the contract event 0x4a39dc06d4c0dbc64b70af90fd698a233a518aa5d07e595d983b8c0526c8f7fb.
//
// Solidity: event TransferBatch(address indexed operator, address indexed from, address indexed to, uint256[] ids, uint256[] values)
func (_XPBadge1155 *XPBadge1155Filterer) ParseTransferBatch(log types.Log) (*XPBadge1155TransferBatch, error) {
	event := new(XPBadge1155TransferBatch)
	if err := _XPBadge1155.contract.UnpackLog(event, "TransferBatch", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}

// XPBadge1155TransferSingleIterator is returned from FilterTransferSingle and is used to iterate over the raw logs and unpacked data for TransferSingle events raised by the XPBadge1155 contract.
type XPBadge1155TransferSingleIterator struct {
	Event *XPBadge1155TransferSingle // Event containing the contract specifics and raw log

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
func (it *XPBadge1155TransferSingleIterator) Next() bool {
	// If the iterator failed, stop iterating
	if it.fail != nil {
		return false
	}
	// If the iterator completed, deliver directly whatever's available
	if it.done {
		select {
		case log := <-it.logs:
			it.Event = new(XPBadge1155TransferSingle)
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
		it.Event = new(XPBadge1155TransferSingle)
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
func (it *XPBadge1155TransferSingleIterator) Error() error {
	return it.fail
}

// Close terminates the iteration process, releasing any pending underlying
// resources.
func (it *XPBadge1155TransferSingleIterator) Close() error {
	it.sub.Unsubscribe()
	return nil
}

// XPBadge1155TransferSingle represents a TransferSingle event raised by the XPBadge1155 contract.
type XPBadge1155TransferSingle struct {
	Operator common.Address
	From     common.Address
	To       common.Address
	Id       *big.Int
	Value    *big.Int
	Raw      types.Log // Blockchain specific contextual infos
}

// FilterTransferSingle is a free log retrieval operation binding the contract event 0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62.
//
// Solidity: event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)
func (_XPBadge1155 *XPBadge1155Filterer) FilterTransferSingle(opts *bind.FilterOpts, operator []common.Address, from []common.Address, to []common.Address) (*XPBadge1155TransferSingleIterator, error) {

	var operatorRule []interface{}
	for _, operatorItem := range operator {
		operatorRule = append(operatorRule, operatorItem)
	}
	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _XPBadge1155.contract.FilterLogs(opts, "TransferSingle", operatorRule, fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return &XPBadge1155TransferSingleIterator{contract: _XPBadge1155.contract, event: "TransferSingle", logs: logs, sub: sub}, nil
}

// WatchTransferSingle is a free log subscription operation binding the contract event 0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62.
//
// Solidity: event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)
func (_XPBadge1155 *XPBadge1155Filterer) WatchTransferSingle(opts *bind.WatchOpts, sink chan<- *XPBadge1155TransferSingle, operator []common.Address, from []common.Address, to []common.Address) (event.Subscription, error) {

	var operatorRule []interface{}
	for _, operatorItem := range operator {
		operatorRule = append(operatorRule, operatorItem)
	}
	var fromRule []interface{}
	for _, fromItem := range from {
		fromRule = append(fromRule, fromItem)
	}
	var toRule []interface{}
	for _, toItem := range to {
		toRule = append(toRule, toItem)
	}

	logs, sub, err := _XPBadge1155.contract.WatchLogs(opts, "TransferSingle", operatorRule, fromRule, toRule)
	if err != nil {
		return nil, err
	}
	return event.NewSubscription(func(quit <-chan struct{}) error {
		defer sub.Unsubscribe()
		for {
			select {
			case log := <-logs:
				// New log arrived, parse the event and forward to the user
				event := new(XPBadge1155TransferSingle)
				if err := _XPBadge1155.contract.UnpackLog(event, "TransferSingle", log); err != nil {
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

// ParseTransferSingle is a log parse operation binding the contract event 0xc3d58168c5ae7397731d063d5bbf3d657854427343f4c083240f7aacaa2d0f62.
//
// Solidity: event TransferSingle(address indexed operator, address indexed from, address indexed to, uint256 id, uint256 value)
func (_XPBadge1155 *XPBadge1155Filterer) ParseTransferSingle(log types.Log) (*XPBadge1155TransferSingle, error) {
	event := new(XPBadge1155TransferSingle)
	if err := _XPBadge1155.contract.UnpackLog(event, "TransferSingle", log); err != nil {
		return nil, err
	}
	event.Raw = log
	return event, nil
}
