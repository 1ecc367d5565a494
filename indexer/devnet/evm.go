package devnet

import (
	"context"
	"crypto/ecdsa"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth"
	"github.com/ethereum/go-ethereum/eth/catalyst"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/ethclient"
	gethlog "github.com/ethereum/go-ethereum/log"
	"github.com/ethereum/go-ethereum/node"
	"github.com/ethereum/go-ethereum/p2p"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/herald-indexer/herald/indexer/evm"
	"github.com/herald-indexer/herald/indexer/evm/contracts"
)

// Defaults and fixed settings of the EVM devnet.
const (
	DefaultEVMBlockInterval = 2 * time.Second
	DefaultEVMHTTPAddr      = "127.0.0.1:0"

	// evmPlayers is how many funded players the generator acts for.
	evmPlayers = 6
	// verifierThreshold is the XPVerifier's threshold at deployment: claims
	// of at least this much XP verify.
	verifierThreshold = 50
	// maxRemembered bounds the used nullifiers kept for replays.
	maxRemembered = 64
	// badgeTypes is how many ERC-1155 badge types the generator mints.
	badgeTypes = 5
	// minProof and maxProof bound the stand-in proofs' length in bytes.
	minProof, maxProof = 400, 1600
)

// UserKey returns the private key (hex) of a funded devnet account that the
// generator never uses, for wallets and tools such as cast. It is derived
// from a fixed label like the devnet's other keys: it guards nothing.
func UserKey() string {
	return common.Bytes2Hex(crypto.FromECDSA(evmKey("user")))
}

// EVMOptions configure the EVM devnet.
type EVMOptions struct {
	Logger *slog.Logger
	// BlockInterval is the time between two blocks (default 2s).
	BlockInterval time.Duration
	// Reorgs makes Run reorganise the chain now and then: a reorg of depth
	// 1 or 2 every ReorgEvery blocks (default 10), dropping some
	// transactions.
	Reorgs     bool
	ReorgEvery int
	// HTTPAddr is where JSON-RPC is served, over HTTP and WebSocket on one
	// port (default 127.0.0.1:0, a port the kernel picks).
	HTTPAddr string
}

func (o EVMOptions) withDefaults() EVMOptions {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.BlockInterval <= 0 {
		o.BlockInterval = DefaultEVMBlockInterval
	}
	if o.ReorgEvery <= 0 {
		o.ReorgEvery = DefaultReorgEvery
	}
	if o.HTTPAddr == "" {
		o.HTTPAddr = DefaultEVMHTTPAddr
	}
	return o
}

// Contract is a contract the devnet deployed, as herald configures it.
type Contract struct {
	Name    string
	Address common.Address
	Kind    evm.ContractKind
}

// account is a funded devnet account.
type account struct {
	key  *ecdsa.PrivateKey
	addr common.Address
	opts *bind.TransactOpts
	// nonce is the account's next nonce. The generator counts nonces
	// itself: the pool promotes a sent transaction on a goroutine of its
	// own, so its pending nonce may not count the last one sent yet.
	nonce uint64
}

// transact makes a transaction with f, signed by a with its next nonce.
func (a *account) transact(ctx context.Context, f func(*bind.TransactOpts) (*types.Transaction, error)) (*types.Transaction, error) {
	o := *a.opts
	o.Context = ctx
	o.Nonce = new(big.Int).SetUint64(a.nonce)
	tx, err := f(&o)
	if err != nil {
		return nil, err
	}
	a.nonce++
	return tx, nil
}

// EVM is an in-process EVM chain: go-ethereum's dev-mode chain (the one
// behind its simulated backend), blocks sealed on demand, served over
// JSON-RPC on loopback, with herald's badge and verifier contracts deployed
// and a traffic generator acting for a few players.
type EVM struct {
	opts   EVMOptions
	log    *slog.Logger
	stack  *node.Node
	eth    *eth.Ethereum
	beacon *catalyst.SimulatedBeacon
	client *ethclient.Client

	chainID *big.Int
	signer  types.Signer
	minter  *account
	players []*account
	keys    map[common.Address]*ecdsa.PrivateKey

	badge721   *contracts.XPBadge721
	badge1155  *contracts.XPBadge1155
	verifier   *contracts.XPVerifier
	stub       *contracts.XPVerifierStub
	contracts  []Contract
	startBlock int64

	// The generator's state, owned by Run.
	rng             *rand.Rand
	round           int
	sinceReorg      int
	runID           int64
	nullifiers      [][32]byte
	stubNullifiers  [][32]byte
	raisedThreshold bool

	stopOnce sync.Once
	stopErr  error
	stopped  atomic.Bool
}

// evmKey derives a fixed key from a label, so that the devnet's accounts are
// the same every run.
func evmKey(label string) *ecdsa.PrivateKey {
	seed := crypto.Keccak256([]byte("herald devnet evm " + label))
	key, err := crypto.ToECDSA(seed)
	if err != nil {
		// A Keccak-256 digest is a valid secp256k1 key but for a chance of
		// about 2^-128; the next digest is used then.
		return evmKey(label + "'")
	}
	return key
}

// StartEVM starts the chain, serves it on opts.HTTPAddr, deploys the
// contracts in its first block and returns.
func StartEVM(ctx context.Context, opts EVMOptions) (_ *EVM, err error) {
	opts = opts.withDefaults()
	host, portText, err := net.SplitHostPort(opts.HTTPAddr)
	if err != nil {
		return nil, fmt.Errorf("evm devnet http address %q: %w", opts.HTTPAddr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil || port < 0 || port > 65535 {
		return nil, fmt.Errorf("evm devnet http address %q: bad port", opts.HTTPAddr)
	}

	e := &EVM{
		opts: opts,
		log:  opts.Logger,
		keys: make(map[common.Address]*ecdsa.PrivateKey),
		rng:  rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 0x6865_7261_6c64)), // "herald"
	}
	// The system contracts of the forks the dev chain starts on must be
	// there from genesis, as in the simulated backend.
	alloc := core.SystemContractAllocs()
	funds := new(big.Int).Exp(big.NewInt(10), big.NewInt(24), nil) // a million ether
	labels := []string{"minter", "user"}
	for i := range evmPlayers {
		labels = append(labels, fmt.Sprintf("player %d", i+1))
	}
	for _, label := range labels {
		key := evmKey(label)
		addr := crypto.PubkeyToAddress(key.PublicKey)
		e.keys[addr] = key
		alloc[addr] = types.Account{Balance: funds}
	}

	nodeConf := node.DefaultConfig
	nodeConf.DataDir = "" // in memory
	nodeConf.P2P = p2p.Config{NoDiscovery: true}
	modules := []string{"eth", "net", "web3"}
	nodeConf.HTTPHost, nodeConf.HTTPPort, nodeConf.HTTPModules = host, port, modules
	// Any host name and origin: browser wallets and dapps on the same
	// machine call the devnet, which guards nothing.
	nodeConf.HTTPVirtualHosts, nodeConf.HTTPCors = []string{"*"}, []string{"*"}
	// The same port serves WebSocket.
	nodeConf.WSHost, nodeConf.WSPort, nodeConf.WSModules, nodeConf.WSOrigins = host, port, modules, []string{"*"}
	nodeConf.Logger = gethlog.NewLogger(slog.DiscardHandler)
	if e.stack, err = node.New(&nodeConf); err != nil {
		return nil, fmt.Errorf("evm devnet node: %w", err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, e.Stop())
		}
	}()

	ethConf := ethconfig.Defaults
	ethConf.Genesis = &core.Genesis{
		Config:   params.AllDevChainProtocolChanges,
		GasLimit: ethconfig.Defaults.Miner.GasCeil,
		Alloc:    alloc,
	}
	ethConf.SyncMode = ethconfig.FullSync
	ethConf.TxPool.NoLocals = true
	// The miner stops filling a block after Recommit (2 s by default) and
	// seals what it has: on a loaded machine that left the deployments out
	// of their block, and nothing sealed another. Every block here is meant
	// to take the whole pool.
	ethConf.Miner.Recommit = time.Minute
	// Logs are searched block by block, as in the simulated backend that
	// herald's EVM tests run against.
	ethConf.LogNoHistory = true
	if e.eth, err = eth.New(e.stack, &ethConf); err != nil {
		return nil, fmt.Errorf("evm devnet chain: %w", err)
	}
	filterSystem := filters.NewFilterSystem(e.eth.APIBackend, filters.Config{})
	e.stack.RegisterAPIs([]rpc.API{{Namespace: "eth", Service: filters.NewFilterAPI(filterSystem)}})
	if err := e.stack.Start(); err != nil {
		return nil, fmt.Errorf("evm devnet: start node on %s: %w", opts.HTTPAddr, err)
	}
	// Period 0: blocks are sealed only by Commit, which the generator calls.
	if e.beacon, err = catalyst.NewSimulatedBeacon(0, common.Address{}, e.eth); err != nil {
		return nil, fmt.Errorf("evm devnet beacon: %w", err)
	}
	if err := e.beacon.Fork(e.eth.BlockChain().GetCanonicalHash(0)); err != nil {
		return nil, fmt.Errorf("evm devnet beacon: %w", err)
	}
	e.client = ethclient.NewClient(e.stack.Attach())
	e.chainID = e.eth.BlockChain().Config().ChainID
	e.signer = types.LatestSignerForChainID(e.chainID)

	accounts := make(map[string]*account, len(labels))
	for _, label := range labels {
		key := evmKey(label)
		auth, err := bind.NewKeyedTransactorWithChainID(key, e.chainID)
		if err != nil {
			return nil, fmt.Errorf("evm devnet account %s: %w", label, err)
		}
		accounts[label] = &account{key: key, addr: auth.From, opts: auth}
	}
	e.minter = accounts["minter"]
	for _, label := range labels[2:] {
		e.players = append(e.players, accounts[label])
	}
	if err := e.syncNonces(ctx); err != nil {
		return nil, fmt.Errorf("evm devnet: %w", err)
	}
	if err := e.deploy(ctx); err != nil {
		return nil, err
	}

	attrs := []any{"rpc", e.HTTPURL(), "ws", e.WSURL(), "chain_id", e.ChainID(), "start_block", e.startBlock,
		"funded_account", accounts["user"].addr}
	for _, c := range e.contracts {
		attrs = append(attrs, c.Name, c.Address)
	}
	e.log.Info("evm devnet ready", attrs...)
	return e, nil
}

// deploy deploys the contracts in one block.
func (e *EVM) deploy(ctx context.Context) error {
	var (
		txs  []*types.Transaction
		errs []error
	)
	deploy := func(name string, kind evm.ContractKind, f func(*bind.TransactOpts) (common.Address, *types.Transaction, error)) {
		var addr common.Address
		tx, err := e.minter.transact(ctx, func(o *bind.TransactOpts) (*types.Transaction, error) {
			a, tx, err := f(o)
			addr = a
			return tx, err
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("deploy %s: %w", name, err))
			return
		}
		txs = append(txs, tx)
		e.contracts = append(e.contracts, Contract{Name: name, Address: addr, Kind: kind})
	}
	deploy("XPBadge721", evm.KindBadge, func(o *bind.TransactOpts) (addr common.Address, tx *types.Transaction, err error) {
		addr, tx, e.badge721, err = contracts.DeployXPBadge721(o, e.client)
		return addr, tx, err
	})
	deploy("XPBadge1155", evm.KindBadge, func(o *bind.TransactOpts) (addr common.Address, tx *types.Transaction, err error) {
		addr, tx, e.badge1155, err = contracts.DeployXPBadge1155(o, e.client)
		return addr, tx, err
	})
	deploy("XPVerifier", evm.KindVerifier, func(o *bind.TransactOpts) (addr common.Address, tx *types.Transaction, err error) {
		addr, tx, e.verifier, err = contracts.DeployXPVerifier(o, e.client, big.NewInt(verifierThreshold))
		return addr, tx, err
	})
	deploy("XPVerifierStub", evm.KindVerifier, func(o *bind.TransactOpts) (addr common.Address, tx *types.Transaction, err error) {
		addr, tx, e.stub, err = contracts.DeployXPVerifierStub(o, e.client)
		return addr, tx, err
	})
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("evm devnet: %w", err)
	}
	// The deployments must be in a block before anything runs against
	// them. A block may leave transactions the pool holds for the next one
	// (seen after a reorg, and on a loaded machine): seal again, a few
	// times, rather than wait for a block nothing else would seal.
	for sealed := 0; ; sealed++ {
		if err := e.commit(); err != nil {
			return fmt.Errorf("evm devnet: deploy: %w", err)
		}
		// The pool drops what the block took on a goroutine of its own.
		if err := e.eth.TxPool().Sync(); err != nil {
			return fmt.Errorf("evm devnet: deploy: sync transaction pool: %w", err)
		}
		pending, _ := e.eth.TxPool().Stats()
		if pending == 0 {
			break
		}
		if sealed == 4 {
			return fmt.Errorf("evm devnet: deploy: %d transactions still pending after %d blocks", pending, sealed+1)
		}
	}
	for _, tx := range txs {
		// The backend indexes transactions after the block, on a goroutine
		// of its own: until then a receipt is "transaction indexing is in
		// progress", which WaitMined asks again past.
		rcpt, err := bind.WaitMined(ctx, e.client, tx)
		if err != nil {
			return fmt.Errorf("evm devnet: deployment receipt %s: %w", tx.Hash().Hex(), err)
		}
		if rcpt.Status != types.ReceiptStatusSuccessful {
			return fmt.Errorf("evm devnet: deployment %s reverted", tx.Hash().Hex())
		}
		// The first block holding a deployment: constructors may emit.
		if n := rcpt.BlockNumber.Int64(); e.startBlock == 0 || n < e.startBlock {
			e.startBlock = n
		}
	}
	return nil
}

// HTTPURL is the JSON-RPC endpoint over HTTP.
func (e *EVM) HTTPURL() string { return e.stack.HTTPEndpoint() }

// WSURL is the JSON-RPC endpoint over WebSocket.
func (e *EVM) WSURL() string { return e.stack.WSEndpoint() }

// ChainID is the chain's EIP-155 id: 1337, go-ethereum's dev chain id.
func (e *EVM) ChainID() uint64 { return e.chainID.Uint64() }

// StartBlock is the block the contracts were deployed in.
func (e *EVM) StartBlock() int64 { return e.startBlock }

// Contracts are the deployed contracts: XPBadge721 and XPBadge1155 (badge),
// XPVerifier and XPVerifierStub (verifier).
func (e *EVM) Contracts() []Contract {
	return append([]Contract(nil), e.contracts...)
}

// Run generates traffic until ctx ends: every BlockInterval, players claim
// badges of both standards, move them (single and batch transfers), prove
// XP on the verifier (verified and not), replay nullifiers, and use the
// stub's events, then a block is sealed; with Reorgs, now and then a reorg
// first. It returns nil when ctx ends, and an error when the chain fails.
// Run must not be called twice at once, nor after Stop.
func (e *EVM) Run(ctx context.Context) error {
	tick := time.NewTicker(e.opts.BlockInterval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
		// The chain's parts must not be used once closed.
		if e.stopped.Load() {
			return errors.New("evm devnet: stopped")
		}
		if err := e.step(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("evm devnet: %w", err)
		}
	}
}

// Stop stops the chain and its RPC servers. Calls after the first return
// its result.
func (e *EVM) Stop() error {
	e.stopOnce.Do(func() { e.stopErr = e.stop() })
	return e.stopErr
}

func (e *EVM) stop() error {
	e.stopped.Store(true)
	var errs []error
	if e.client != nil {
		e.client.Close()
	}
	if e.beacon != nil {
		errs = append(errs, e.beacon.Stop())
	}
	if e.stack != nil {
		errs = append(errs, e.stack.Close())
	}
	return errors.Join(errs...)
}

// commit seals a block. The beacon only logs a failure, so the head is
// checked.
func (e *EVM) commit() error {
	before := e.eth.BlockChain().CurrentBlock().Number.Uint64()
	e.beacon.Commit()
	if after := e.eth.BlockChain().CurrentBlock().Number.Uint64(); after != before+1 {
		return fmt.Errorf("sealing a block on %d left the head at %d", before, after)
	}
	return nil
}

// step makes one round of traffic and seals its block.
func (e *EVM) step(ctx context.Context) error {
	e.round++
	if e.opts.Reorgs && e.sinceReorg >= e.opts.ReorgEvery {
		if err := e.reorg(ctx); err != nil {
			return err
		}
	}
	if err := e.traffic(ctx); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := e.commit(); err != nil {
		return err
	}
	e.sinceReorg++
	return nil
}

// syncNonces reads every account's next nonce from the transaction pool,
// once the pool has caught up with the chain (the generator's count is wrong
// after a reorg, and the pool may hold transactions sent by others).
func (e *EVM) syncNonces(ctx context.Context) error {
	if err := e.eth.TxPool().Sync(); err != nil {
		return fmt.Errorf("sync transaction pool: %w", err)
	}
	for _, a := range append([]*account{e.minter}, e.players...) {
		n, err := e.client.PendingNonceAt(ctx, a.addr)
		if err != nil {
			return fmt.Errorf("nonce of %s: %w", a.addr, err)
		}
		a.nonce = n
	}
	return nil
}

// traffic sends one round of transactions. A transaction that cannot be sent
// (say, its gas estimate fails against a pending state another transaction
// changed) is skipped: the next round makes more.
func (e *EVM) traffic(ctx context.Context) error {
	if err := e.syncNonces(ctx); err != nil {
		return err
	}
	send := func(what string, a *account, f func(*bind.TransactOpts) (*types.Transaction, error)) bool {
		_, err := a.transact(ctx, f)
		if err != nil && ctx.Err() == nil {
			e.log.Debug("evm devnet: transaction not sent", "what", what, "from", a.addr, "err", err)
		}
		return err == nil
	}
	season := big.NewInt(int64(1 + e.round/100))
	call := &bind.CallOpts{Context: ctx}

	for range 1 + e.rng.IntN(2) {
		e.runID++
		to, xp, runID := e.player().addr, e.xp(0, 120), big.NewInt(e.runID)
		send("XPBadge721 mint", e.minter, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.badge721.Mint(o, to, xp, season, runID)
		})
	}
	for range 1 + e.rng.IntN(2) {
		to, id, amount, xp := e.player().addr, e.badgeType(), big.NewInt(int64(1+e.rng.IntN(3))), e.xp(0, 120)
		send("XPBadge1155 mint", e.minter, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.badge1155.Mint(o, to, id, amount, xp, season)
		})
	}
	if e.round%5 == 0 {
		to := e.player().addr
		send("XPBadge1155 mintBatch", e.minter, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.badge1155.MintBatch(o, to, []*big.Int{big.NewInt(1), big.NewInt(2), big.NewInt(3)},
				[]*big.Int{big.NewInt(1), big.NewInt(1), big.NewInt(1)})
		})
	}
	if err := e.transfer721(call, send); err != nil && ctx.Err() == nil {
		e.log.Debug("evm devnet: no XPBadge721 transfer", "err", err)
	}
	if err := e.transfer1155(call, send); err != nil && ctx.Err() == nil {
		e.log.Debug("evm devnet: no XPBadge1155 transfer", "err", err)
	}

	// Replays first, so that they name nullifiers of earlier blocks.
	if e.round%4 == 0 && len(e.nullifiers) > 0 {
		n, xp := e.nullifiers[e.rng.IntN(len(e.nullifiers))], e.xp(20, 120)
		send("XPVerifier replay", e.player(), func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.verifier.VerifyXPProof(o, n, xp, e.proof())
		})
	}
	for range 1 + e.rng.IntN(3) {
		n, xp, proof := e.nullifier(), e.xp(20, 120), e.proof()
		if send("XPVerifier proof", e.player(), func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.verifier.VerifyXPProof(o, n, xp, proof)
		}) {
			e.nullifiers = remember(e.nullifiers, n)
		}
	}
	e.failedClaims(send)
	if e.round%25 == 0 {
		threshold := big.NewInt(verifierThreshold)
		if !e.raisedThreshold {
			threshold.Add(threshold, big.NewInt(10))
		}
		if send("XPVerifier setThreshold", e.minter, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.verifier.SetThreshold(o, threshold)
		}) {
			e.raisedThreshold = !e.raisedThreshold
		}
	}

	// The stub: a use every round, V1 and V2 in turn, a replay every third
	// round, and now and then a duplicate use event.
	if e.round%3 == 0 && len(e.stubNullifiers) > 0 {
		n, xp := e.stubNullifiers[e.rng.IntN(len(e.stubNullifiers))], e.xp(20, 120)
		send("XPVerifierStub replay", e.player(), func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.stub.VerifyProof(o, n, xp)
		})
	}
	if e.round%10 == 0 && len(e.stubNullifiers) > 0 {
		n, xp := e.stubNullifiers[e.rng.IntN(len(e.stubNullifiers))], e.xp(20, 120)
		if used, err := e.stub.UsedNullifiers(call, n); err == nil && used {
			send("XPVerifierStub duplicate use", e.player(), func(o *bind.TransactOpts) (*types.Transaction, error) {
				return e.stub.EmitDuplicateUse(o, n, xp)
			})
		}
	}
	n, xp, v2, success := e.nullifier(), e.xp(20, 120), e.round%2 == 1, e.rng.IntN(4) != 0
	if send("XPVerifierStub proof", e.player(), func(o *bind.TransactOpts) (*types.Transaction, error) {
		if v2 {
			return e.stub.VerifyProofV2(o, n, xp, success)
		}
		return e.stub.VerifyProof(o, n, xp)
	}) {
		e.stubNullifiers = remember(e.stubNullifiers, n)
	}
	return nil
}

// failedClaims sends, now and then, a claim that reverts, each with a gas
// limit of its own (an estimate would refuse it before it is sent): a
// player minting a badge itself (a revert string), a claim above the
// verifier's MAX_XP and one with a zero nullifier (custom errors), and a
// proof given too little gas.
func (e *EVM) failedClaims(send sender) {
	if e.rng.IntN(3) != 0 {
		return
	}
	withGas := func(gas uint64, f func(*bind.TransactOpts) (*types.Transaction, error)) func(*bind.TransactOpts) (*types.Transaction, error) {
		return func(o *bind.TransactOpts) (*types.Transaction, error) {
			o.GasLimit = gas
			return f(o)
		}
	}
	p := e.player()
	switch e.rng.IntN(4) {
	case 0:
		e.runID++
		xp, runID := e.xp(0, 120), big.NewInt(e.runID)
		send("XPBadge721 mint by a player", p, withGas(200_000, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.badge721.Mint(o, p.addr, xp, big.NewInt(1), runID)
		}))
	case 1:
		n, xp := e.nullifier(), e.xp(1001, 5000)
		send("XPVerifier claim above MAX_XP", p, withGas(400_000, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.verifier.VerifyXPProof(o, n, xp, e.proof())
		}))
	case 2:
		xp := e.xp(20, 120)
		send("XPVerifier zero nullifier", p, withGas(400_000, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.verifier.VerifyXPProof(o, [32]byte{}, xp, e.proof())
		}))
	default:
		n, xp := e.nullifier(), e.xp(20, 120)
		send("XPVerifier proof out of gas", p, withGas(60_000, func(o *bind.TransactOpts) (*types.Transaction, error) {
			return e.verifier.VerifyXPProof(o, n, xp, e.proof())
		}))
	}
}

// proof returns a stand-in proof of random length: the verifier's gas
// grows with it, so that claims fall on both sides of the 285k budget.
func (e *EVM) proof() []byte {
	p := make([]byte, minProof+e.rng.IntN(maxProof-minProof+1))
	for i := range p {
		p[i] = byte(1 + e.rng.IntN(255))
	}
	return p
}

// sender sends a transaction of an account's; it reports whether it was
// sent.
type sender func(what string, a *account, f func(*bind.TransactOpts) (*types.Transaction, error)) bool

// transfer721 has the owner of a random minted badge, if a player, give it
// to another player.
func (e *EVM) transfer721(call *bind.CallOpts, send sender) error {
	next, err := e.badge721.NextTokenId(call)
	if err != nil {
		return err
	}
	if !next.IsInt64() {
		return fmt.Errorf("next token id %s out of range", next)
	}
	if next.Int64() <= 1 {
		return nil
	}
	id := big.NewInt(1 + e.rng.Int64N(next.Int64()-1))
	owner, err := e.badge721.OwnerOf(call, id)
	if err != nil {
		return err
	}
	from := e.playerAt(owner)
	if from == nil {
		return nil
	}
	to := e.otherPlayer(from).addr
	send("XPBadge721 transfer", from, func(o *bind.TransactOpts) (*types.Transaction, error) {
		return e.badge721.TransferFrom(o, from.addr, to, id)
	})
	return nil
}

// transfer1155 has a random player give badges it holds to another: all of
// its types at once (TransferBatch) or one (TransferSingle).
func (e *EVM) transfer1155(call *bind.CallOpts, send sender) error {
	from := e.player()
	var ids, amounts []*big.Int
	for t := int64(1); t <= badgeTypes; t++ {
		bal, err := e.badge1155.BalanceOf(call, from.addr, big.NewInt(t))
		if err != nil {
			return err
		}
		if bal.Sign() > 0 {
			ids, amounts = append(ids, big.NewInt(t)), append(amounts, big.NewInt(1))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	to := e.otherPlayer(from).addr
	batch := len(ids) > 1 && e.rng.IntN(2) == 0
	send("XPBadge1155 transfer", from, func(o *bind.TransactOpts) (*types.Transaction, error) {
		if batch {
			return e.badge1155.SafeBatchTransferFrom(o, from.addr, to, ids, amounts, nil)
		}
		return e.badge1155.SafeTransferFrom(o, from.addr, to, ids[0], amounts[0], nil)
	})
	return nil
}

func (e *EVM) player() *account { return e.players[e.rng.IntN(len(e.players))] }

// otherPlayer returns a random player other than p.
func (e *EVM) otherPlayer(p *account) *account {
	for {
		if q := e.player(); q != p {
			return q
		}
	}
}

// playerAt returns the player with address addr, or nil.
func (e *EVM) playerAt(addr common.Address) *account {
	for _, p := range e.players {
		if p.addr == addr {
			return p
		}
	}
	return nil
}

// xp returns a random XP amount in [lo, hi].
func (e *EVM) xp(lo, hi int) *big.Int { return big.NewInt(int64(lo + e.rng.IntN(hi-lo+1))) }

func (e *EVM) badgeType() *big.Int { return big.NewInt(int64(1 + e.rng.IntN(badgeTypes))) }

// nullifier returns a fresh random nullifier.
func (e *EVM) nullifier() [32]byte {
	var n [32]byte
	for i := 0; i < len(n); i += 8 {
		binary.BigEndian.PutUint64(n[i:], e.rng.Uint64())
	}
	return n
}

// remember appends n to the recent nullifiers, keeping at most
// maxRemembered.
func remember(ns [][32]byte, n [32]byte) [][32]byte {
	ns = append(ns, n)
	if len(ns) > maxRemembered {
		ns = ns[len(ns)-maxRemembered:]
	}
	return ns
}

// reorg replaces the last one or two blocks with a branch in which some of
// their transactions are missing. The chain is rewound to the fork point
// (the transaction pool takes back the rewound blocks' transactions), some
// of those are replaced in the pool by zero-value self-transfers with the
// same nonce and higher fees, and as many blocks as were rewound are sealed
// again; the caller seals one more, so that the new branch is longer than
// the old one was. No reorg is made while the pool holds transactions sent
// by others (the chain cannot be rewound then), below the finalized block,
// or when the blocks to replace hold none of the generator's transactions.
func (e *EVM) reorg(ctx context.Context) error {
	bc := e.eth.BlockChain()
	head := bc.CurrentBlock().Number.Uint64()
	depth := uint64(1 + e.rng.IntN(maxReorgDepth))
	if head < uint64(e.startBlock)+depth {
		return nil
	}
	if final := bc.CurrentFinalBlock(); final != nil && head-depth < final.Number.Uint64() {
		return nil
	}
	var candidates []*types.Transaction
	for n := head - depth + 1; n <= head; n++ {
		blk := bc.GetBlockByNumber(n)
		if blk == nil {
			return fmt.Errorf("reorg: block %d not found", n)
		}
		for _, tx := range blk.Transactions() {
			if from, err := types.Sender(e.signer, tx); err == nil && e.keys[from] != nil {
				candidates = append(candidates, tx)
			}
		}
	}
	if len(candidates) == 0 {
		return nil
	}
	fork := bc.GetHeaderByNumber(head - depth)
	replaced := bc.GetHeaderByNumber(head - depth + 1)
	if fork == nil || replaced == nil {
		return fmt.Errorf("reorg: headers below %d not found", head)
	}
	if err := e.beacon.Fork(fork.Hash()); err != nil {
		e.log.Debug("evm devnet: reorg postponed", "err", err)
		return nil
	}
	// The pool takes the rewound transactions back on its own goroutine;
	// replacements sent before that would be refused as too low a nonce.
	if err := e.eth.TxPool().Sync(); err != nil {
		return fmt.Errorf("reorg: sync transaction pool: %w", err)
	}
	var victims []*types.Transaction
	for _, tx := range candidates {
		if e.rng.IntN(3) == 0 {
			victims = append(victims, tx)
		}
	}
	if len(victims) == 0 {
		victims = append(victims, candidates[e.rng.IntN(len(candidates))])
	}
	dropped := 0
	for _, tx := range victims {
		if err := e.replace(ctx, tx); err != nil {
			e.log.Debug("evm devnet: reorg could not drop a transaction", "tx", tx.Hash(), "err", err)
			continue
		}
		dropped++
	}
	for range depth {
		if err := e.commit(); err != nil {
			return fmt.Errorf("reorg: %w", err)
		}
	}
	e.sinceReorg = 0
	e.log.Info("evm devnet reorg", "depth", depth, "fork_block", fork.Number, "replaced_block", replaced.Hash(),
		"dropped_txs", dropped)
	return nil
}

// replace sends a zero-value self-transfer with tx's sender and nonce, and
// fees high enough for the pool to replace tx with it.
func (e *EVM) replace(ctx context.Context, tx *types.Transaction) error {
	from, err := types.Sender(e.signer, tx)
	if err != nil {
		return err
	}
	key := e.keys[from]
	if key == nil {
		return fmt.Errorf("no key for %s", from)
	}
	gwei := big.NewInt(params.GWei)
	bump := func(v *big.Int) *big.Int { return new(big.Int).Add(new(big.Int).Mul(v, big.NewInt(2)), gwei) }
	repl, err := types.SignTx(types.NewTx(&types.DynamicFeeTx{
		ChainID:   e.chainID,
		Nonce:     tx.Nonce(),
		GasTipCap: bump(tx.GasTipCap()),
		GasFeeCap: bump(tx.GasFeeCap()),
		Gas:       params.TxGas,
		To:        &from,
	}), e.signer, key)
	if err != nil {
		return fmt.Errorf("sign replacement: %w", err)
	}
	return e.client.SendTransaction(ctx, repl)
}
