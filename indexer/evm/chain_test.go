package evm

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi/bind"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/eth/ethconfig"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/node"

	"github.com/herald-indexer/herald/indexer/evm/contracts"
	"github.com/herald-indexer/herald/store"
)

const testChainName = "devnet"

// eventTimestamp in an expected NullifierUse stands for the timestamp of the
// block the step's transaction landed in, which the test only learns then.
const eventTimestamp = "<block timestamp>"

// testChain is a simulated chain running herald's contracts, deployed by
// alice, with bob and carol as players.
type testChain struct {
	sim                *simulated.Backend
	client             simulated.Client
	alice, bob, carol  *bind.TransactOpts
	badge721           *contracts.XPBadge721
	badge1155          *contracts.XPBadge1155
	verifier           *contracts.XPVerifier
	stub               *contracts.XPVerifierStub
	points             *contracts.Points20
	addr721, addr1155  common.Address
	addrVerifier       common.Address
	addrStub           common.Address
	addrPoints         common.Address
	verifierDeployment *types.Transaction
}

// newTestChain deploys the contracts on a new simulated chain; backendOpts
// configure the backend (serveRPC serves it over HTTP and WebSocket).
func newTestChain(tb testing.TB, backendOpts ...func(*node.Config, *ethconfig.Config)) *testChain {
	tb.Helper()
	keys := make([]*ecdsa.PrivateKey, 3)
	alloc := types.GenesisAlloc{}
	for i := range keys {
		// Fixed keys keep addresses, and so the fuzz seeds, the same every run.
		key, err := crypto.ToECDSA(common.LeftPadBytes([]byte{byte(i + 1)}, 32))
		if err != nil {
			tb.Fatalf("key %d: %v", i, err)
		}
		keys[i] = key
		alloc[crypto.PubkeyToAddress(key.PublicKey)] = types.Account{Balance: big.NewInt(1e18)}
	}
	sim := simulated.NewBackend(alloc, backendOpts...)
	tb.Cleanup(func() {
		if err := sim.Close(); err != nil {
			tb.Errorf("close simulated backend: %v", err)
		}
	})
	c := &testChain{sim: sim, client: sim.Client()}
	chainID, err := c.client.ChainID(context.Background())
	if err != nil {
		tb.Fatalf("chain id: %v", err)
	}
	opts := make([]*bind.TransactOpts, len(keys))
	for i, key := range keys {
		if opts[i], err = bind.NewKeyedTransactorWithChainID(key, chainID); err != nil {
			tb.Fatalf("transactor %d: %v", i, err)
		}
	}
	c.alice, c.bob, c.carol = opts[0], opts[1], opts[2]

	deploy := func(name string, err error) {
		if err != nil {
			tb.Fatalf("deploy %s: %v", name, err)
		}
	}
	// The deployments share a block, so their nonces are counted here: the
	// pool updates its pending nonce asynchronously, and asking it before
	// each deployment sometimes hands out one nonce twice.
	nonce, err := c.client.NonceAt(context.Background(), c.alice.From, nil)
	if err != nil {
		tb.Fatalf("nonce: %v", err)
	}
	deployer := func() *bind.TransactOpts {
		o := *c.alice
		o.Nonce = new(big.Int).SetUint64(nonce)
		nonce++
		return &o
	}
	var tx *types.Transaction
	c.addr721, tx, c.badge721, err = contracts.DeployXPBadge721(deployer(), c.client)
	deploy("XPBadge721", err)
	deployments := []*types.Transaction{tx}
	c.addr1155, tx, c.badge1155, err = contracts.DeployXPBadge1155(deployer(), c.client)
	deploy("XPBadge1155", err)
	deployments = append(deployments, tx)
	c.addrVerifier, c.verifierDeployment, c.verifier, err = contracts.DeployXPVerifier(deployer(), c.client, big.NewInt(50))
	deploy("XPVerifier", err)
	deployments = append(deployments, c.verifierDeployment)
	c.addrStub, tx, c.stub, err = contracts.DeployXPVerifierStub(deployer(), c.client)
	deploy("XPVerifierStub", err)
	deployments = append(deployments, tx)
	c.addrPoints, tx, c.points, err = contracts.DeployPoints20(deployer(), c.client)
	deploy("Points20", err)
	deployments = append(deployments, tx)
	c.commit(tb, deployments...)
	return c
}

// contracts is the decoder configuration of the chain. Points20 is
// configured as a badge so that its ERC-20 Transfers reach the decoder.
func (c *testChain) contracts() []Contract {
	return []Contract{
		{Address: c.addr721, Kind: KindBadge},
		{Address: c.addr1155, Kind: KindBadge},
		{Address: c.addrVerifier, Kind: KindVerifier},
		{Address: c.addrStub, Kind: KindVerifier},
		{Address: c.addrPoints, Kind: KindBadge},
	}
}

// run sends a step's transaction in a block of its own and returns its
// receipt.
func (c *testChain) run(tb testing.TB, s step) *types.Receipt {
	tb.Helper()
	tx, err := s.tx(c)
	if err != nil {
		tb.Fatalf("%s: send: %v", s.name, err)
	}
	return c.commit(tb, tx)[0]
}

// commit seals a block and returns the receipts of txs, sealing again (twice
// at most) while one of them is missing: the simulated beacon's Commit drops
// sealing errors, and on a loaded machine a block now and then comes out
// without the transactions just sent, which stay pending for the next one.
func (c *testChain) commit(tb testing.TB, txs ...*types.Transaction) []*types.Receipt {
	tb.Helper()
	for attempt := 1; ; attempt++ {
		c.sim.Commit()
		rcpts := make([]*types.Receipt, 0, len(txs))
		for _, tx := range txs {
			rcpt, err := receiptOf(c.client, tx.Hash())
			if errors.Is(err, ethereum.NotFound) {
				break
			}
			if err != nil {
				tb.Fatalf("receipt of %s: %v", tx.Hash().Hex(), err)
			}
			if rcpt.Status != types.ReceiptStatusSuccessful {
				tb.Fatalf("transaction %s reverted", tx.Hash().Hex())
			}
			rcpts = append(rcpts, rcpt)
		}
		if len(rcpts) == len(txs) {
			return rcpts
		}
		if attempt == 3 {
			tb.Fatalf("transaction %s not mined in %d blocks", txs[len(rcpts)].Hash().Hex(), attempt)
		}
		tb.Logf("block sealed without transaction %s; sealing another", txs[len(rcpts)].Hash().Hex())
	}
}

// stamp fills in what a step's expectation cannot know in advance: every
// row's position and transaction hash, and block timestamps.
func (c *testChain) stamp(tb testing.TB, want store.Block, rcpt *types.Receipt) store.Block {
	tb.Helper()
	header, err := c.client.HeaderByHash(context.Background(), rcpt.BlockHash)
	if err != nil {
		tb.Fatalf("header %s: %v", rcpt.BlockHash.Hex(), err)
	}
	pos := store.Position{
		Chain:       testChainName,
		BlockHeight: rcpt.BlockNumber.Int64(),
		BlockHash:   rcpt.BlockHash.Hex(),
		BlockTime:   time.Unix(int64(header.Time), 0).UTC(),
	}
	tx := rcpt.TxHash.Hex()
	for i := range want.Claims {
		want.Claims[i].Position, want.Claims[i].TxHash = pos, tx
	}
	for i := range want.Transfers {
		want.Transfers[i].Position, want.Transfers[i].TxHash = pos, tx
	}
	for i := range want.NullifierUses {
		u := &want.NullifierUses[i]
		u.Position, u.TxHash = pos, tx
		if u.EventTimestamp == eventTimestamp {
			u.EventTimestamp = strconv.FormatUint(header.Time, 10)
		}
	}
	for i := range want.ReuseAttempts {
		want.ReuseAttempts[i].Position, want.ReuseAttempts[i].TxHash = pos, tx
	}
	for i := range want.Thresholds {
		want.Thresholds[i].Position, want.Thresholds[i].TxHash = pos, tx
	}
	return want
}

// step is one transaction on the test chain and the rows its logs decode to,
// less positions and transaction hashes (see stamp).
type step struct {
	name string
	tx   func(c *testChain) (*types.Transaction, error)
	// logs is how many logs the transaction emits, decoded or not.
	logs int
	// check, if set, asserts something of the logs themselves.
	check func(tb testing.TB, logs []*types.Log)
	want  store.Block
}

func lower(a common.Address) string { return hexutil.Encode(a[:]) }

func bigs(vs ...int64) []*big.Int {
	out := make([]*big.Int, len(vs))
	for i, v := range vs {
		out[i] = big.NewInt(v)
	}
	return out
}

// scenario exercises every event variant of spec/xp-badges.md. Its steps run
// in order on one chain: later steps move the tokens and replay the
// nullifiers of earlier ones.
func scenario(c *testChain) []step {
	var (
		zero                     = lower(common.Address{})
		alice, bob, carol        = lower(c.alice.From), lower(c.bob.From), lower(c.carol.From)
		c721, c1155, cver, cstub = lower(c.addr721), lower(c.addr1155), lower(c.addrVerifier), lower(c.addrStub)
		n1                       = crypto.Keccak256Hash([]byte("nullifier 1"))
		n2                       = crypto.Keccak256Hash([]byte("nullifier 2"))
		n3                       = crypto.Keccak256Hash([]byte("nullifier 3"))
		n4                       = crypto.Keccak256Hash([]byte("nullifier 4"))
		n5                       = crypto.Keccak256Hash([]byte("nullifier 5"))
	)
	transfer721 := func(logIndex int32, from, to, id string) store.BadgeTransfer {
		return store.BadgeTransfer{
			LogIndex: logIndex, Contract: c721, Standard: store.StandardERC721,
			From: from, To: to, TokenID: id, Value: "1",
		}
	}
	transfer1155 := func(batchIndex int32, operator, from, to, id, value string) store.BadgeTransfer {
		return store.BadgeTransfer{
			BatchIndex: batchIndex, Contract: c1155, Standard: store.StandardERC1155,
			Operator: operator, From: from, To: to, TokenID: id, Value: value,
		}
	}
	return []step{
		{
			name: "ERC-721 mint",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge721.Mint(c.alice, c.bob.From, big.NewInt(80), big.NewInt(3), big.NewInt(42))
			},
			logs: 2,
			want: store.Block{
				Transfers: []store.BadgeTransfer{transfer721(0, zero, bob, "1")},
				Claims: []store.BadgeClaim{{
					LogIndex: 1, Contract: c721, Standard: store.StandardERC721, Player: bob,
					TokenID: "1", XPEarned: "80", Season: "3", RunID: "42", Tier: 3,
				}},
			},
		},
		{
			name: "ERC-721 mint with no XP",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge721.Mint(c.alice, c.carol.From, big.NewInt(0), big.NewInt(1), big.NewInt(0))
			},
			logs: 2,
			want: store.Block{
				Transfers: []store.BadgeTransfer{transfer721(0, zero, carol, "2")},
				Claims: []store.BadgeClaim{{
					LogIndex: 1, Contract: c721, Standard: store.StandardERC721, Player: carol,
					TokenID: "2", XPEarned: "0", Season: "1", RunID: "0", Tier: 0,
				}},
			},
		},
		{
			name: "ERC-721 transfer by the owner",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge721.TransferFrom(c.bob, c.bob.From, c.carol.From, big.NewInt(1))
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{transfer721(0, bob, carol, "1")}},
		},
		{
			name: "ERC-721 Approval is not decoded",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge721.Approve(c.carol, c.bob.From, big.NewInt(1))
			},
			logs: 1,
		},
		{
			name: "ERC-721 transfer by the approved address",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge721.TransferFrom(c.bob, c.carol.From, c.alice.From, big.NewInt(1))
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{transfer721(0, carol, alice, "1")}},
		},
		{
			name: "ERC-721 burn",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge721.Burn(c.alice, big.NewInt(1))
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{transfer721(0, alice, zero, "1")}},
		},
		{
			name: "ERC-1155 mint",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.Mint(c.alice, c.bob.From, big.NewInt(7), big.NewInt(2), big.NewInt(100), big.NewInt(1))
			},
			logs: 2,
			want: store.Block{
				Transfers: []store.BadgeTransfer{transfer1155(0, alice, zero, bob, "7", "2")},
				Claims: []store.BadgeClaim{{
					LogIndex: 1, Contract: c1155, Standard: store.StandardERC1155, Player: bob,
					TokenID: "7", XPEarned: "100", Season: "1", Tier: 4,
				}},
			},
		},
		{
			name: "ERC-1155 batch mint",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.MintBatch(c.alice, c.carol.From, bigs(1, 2, 3), bigs(10, 20, 30))
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{
				transfer1155(0, alice, zero, carol, "1", "10"),
				transfer1155(1, alice, zero, carol, "2", "20"),
				transfer1155(2, alice, zero, carol, "3", "30"),
			}},
		},
		{
			name: "ERC-1155 empty batch",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.MintBatch(c.alice, c.bob.From, nil, nil)
			},
			logs: 1,
		},
		{
			name: "ERC-1155 transfer",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.SafeTransferFrom(c.carol, c.carol.From, c.bob.From, big.NewInt(2), big.NewInt(5), nil)
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{transfer1155(0, carol, carol, bob, "2", "5")}},
		},
		{
			name: "ERC-1155 ApprovalForAll is not decoded",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.SetApprovalForAll(c.carol, c.alice.From, true)
			},
			logs: 1,
		},
		{
			name: "ERC-1155 batch transfer by an operator",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.SafeBatchTransferFrom(c.alice, c.carol.From, c.bob.From, bigs(1, 3), bigs(10, 30), nil)
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{
				transfer1155(0, alice, carol, bob, "1", "10"),
				transfer1155(1, alice, carol, bob, "3", "30"),
			}},
		},
		{
			name: "ERC-1155 burn",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.badge1155.Burn(c.bob, c.bob.From, big.NewInt(7), big.NewInt(1))
			},
			logs: 1,
			want: store.Block{Transfers: []store.BadgeTransfer{transfer1155(0, bob, bob, zero, "7", "1")}},
		},
		{
			name: "XPVerifier constructor sets the threshold",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.verifierDeployment, nil
			},
			logs: 1,
			want: store.Block{Thresholds: []store.ThresholdUpdate{{
				Contract: cver, OldThreshold: "0", NewThreshold: "50",
			}}},
		},
		{
			name: "XPProofVerified verified",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.verifier.VerifyXPProof(c.bob, n1, big.NewInt(60), nil)
			},
			logs: 1,
			want: store.Block{NullifierUses: []store.NullifierUse{{
				Contract: cver, Nullifier: n1.Hex(), Event: store.EventXPProofVerified,
				Player: bob, ClaimedXP: "60", Threshold: "50", Verified: true,
			}}},
		},
		{
			name: "XPProofVerified not verified",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.verifier.VerifyXPProof(c.carol, n2, big.NewInt(10), nil)
			},
			logs: 1,
			want: store.Block{NullifierUses: []store.NullifierUse{{
				Contract: cver, Nullifier: n2.Hex(), Event: store.EventXPProofVerified,
				Player: carol, ClaimedXP: "10", Threshold: "50", Verified: false,
			}}},
		},
		{
			name: "XPVerifier NullifierReused",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.verifier.VerifyXPProof(c.carol, n1, big.NewInt(60), nil)
			},
			logs: 1,
			want: store.Block{ReuseAttempts: []store.ReuseAttempt{{
				Contract: cver, Nullifier: n1.Hex(), Player: carol, Kind: store.ReuseRejected,
			}}},
		},
		{
			name: "ThresholdUpdated",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.verifier.SetThreshold(c.alice, big.NewInt(75))
			},
			logs: 1,
			want: store.Block{Thresholds: []store.ThresholdUpdate{{
				Contract: cver, OldThreshold: "50", NewThreshold: "75",
			}}},
		},
		{
			name: "stub ProofVerified",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.stub.VerifyProof(c.bob, n3, big.NewInt(30))
			},
			logs: 1,
			want: store.Block{NullifierUses: []store.NullifierUse{{
				Contract: cstub, Nullifier: n3.Hex(), Event: store.EventProofVerified,
				Player: bob, ClaimedXP: "30", Verified: true, EventTimestamp: eventTimestamp,
			}}},
		},
		{
			name: "stub ProofVerified V2 success",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.stub.VerifyProofV2(c.bob, n4, big.NewInt(90), true)
			},
			logs: 1,
			want: store.Block{NullifierUses: []store.NullifierUse{{
				Contract: cstub, Nullifier: n4.Hex(), Event: store.EventProofVerifiedV2,
				Player: bob, ClaimedXP: "90", Verified: true, EventTimestamp: eventTimestamp,
			}}},
		},
		{
			name: "stub ProofVerified V2 failure",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.stub.VerifyProofV2(c.carol, n5, big.NewInt(90), false)
			},
			logs: 1,
			want: store.Block{NullifierUses: []store.NullifierUse{{
				Contract: cstub, Nullifier: n5.Hex(), Event: store.EventProofVerifiedV2,
				Player: carol, ClaimedXP: "90", Verified: false, EventTimestamp: eventTimestamp,
			}}},
		},
		{
			name: "stub NullifierReused",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.stub.VerifyProof(c.bob, n3, big.NewInt(30))
			},
			logs: 1,
			want: store.Block{ReuseAttempts: []store.ReuseAttempt{{
				Contract: cstub, Nullifier: n3.Hex(), Player: bob, Kind: store.ReuseRejected,
			}}},
		},
		{
			// A second use event is decoded like the first; telling them
			// apart (DUPLICATE_USE) is the store's job.
			name: "stub duplicate use",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.stub.EmitDuplicateUse(c.carol, n3, big.NewInt(45))
			},
			logs: 1,
			want: store.Block{NullifierUses: []store.NullifierUse{{
				Contract: cstub, Nullifier: n3.Hex(), Event: store.EventProofVerified,
				Player: carol, ClaimedXP: "45", Verified: true, EventTimestamp: eventTimestamp,
			}}},
		},
		{
			name: "ERC-20 mint is not a badge transfer",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.points.Mint(c.alice, c.bob.From, big.NewInt(1000))
			},
			logs:  1,
			check: checkERC20Transfer,
		},
		{
			name: "ERC-20 transfer is not a badge transfer",
			tx: func(c *testChain) (*types.Transaction, error) {
				return c.points.Transfer(c.bob, c.carol.From, big.NewInt(5))
			},
			logs:  1,
			check: checkERC20Transfer,
		},
	}
}

// checkERC20Transfer asserts that a log is an ERC-20 Transfer: the ERC-721
// Transfer's topic0 with three topics, the case the decoder must skip.
func checkERC20Transfer(tb testing.TB, logs []*types.Log) {
	tb.Helper()
	topic0 := crypto.Keccak256Hash([]byte("Transfer(address,address,uint256)"))
	for _, lg := range logs {
		if len(lg.Topics) != 3 || lg.Topics[0] != topic0 {
			tb.Errorf("log %d: want an ERC-20 Transfer, got topics %v", lg.Index, lg.Topics)
		}
	}
}

// receiptOf reads a transaction's receipt. The backend indexes a block's
// transactions on a goroutine of its own, after the block, and until then
// answers "transaction indexing is in progress": asked again, for 5 s at
// most.
func receiptOf(client ethereum.TransactionReader, hash common.Hash) (*types.Receipt, error) {
	rcpt, err := client.TransactionReceipt(context.Background(), hash)
	for wait := 0; err != nil && strings.Contains(err.Error(), "transaction indexing is in progress") && wait < 500; wait++ {
		time.Sleep(10 * time.Millisecond)
		rcpt, err = client.TransactionReceipt(context.Background(), hash)
	}
	return rcpt, err
}
