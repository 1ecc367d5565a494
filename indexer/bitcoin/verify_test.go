package bitcoin

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"
)

// sealedBlock builds a block of n transactions (the first a coinbase) with
// a correct merkle root, and a witness commitment when witness is set.
func sealedBlock(t testing.TB, n int, witness bool) *wire.MsgBlock {
	t.Helper()
	var txs []*wire.MsgTx
	for i := 1; i < n; i++ {
		var w []wire.TxWitness
		if witness {
			w = []wire.TxWitness{{bytesOf(byte(i), 64), bytesOf(0x02, 33)}}
		}
		txs = append(txs, tx(w, out(int64(1000+i), opReturn("tx"))))
	}
	blk := testBlock(txs...)
	if witness {
		addWitnessCommitment(blk)
	}
	blk.Header.MerkleRoot = blockchain.CalcMerkleRoot(btcutil.NewBlock(blk).Transactions(), false)
	blk.Header.Bits = chaincfg.RegressionNetParams.PowLimitBits
	solve(&blk.Header)
	return blk
}

// solve finds a nonce that meets the header's target: about two tries at
// regtest's.
func solve(h *wire.BlockHeader) {
	target := blockchain.CompactToBig(h.Bits)
	for {
		hash := h.BlockHash()
		if blockchain.HashToBig(&hash).Cmp(target) <= 0 {
			return
		}
		h.Nonce++
	}
}

// addWitnessCommitment gives the coinbase its witness nonce and the
// commitment output BIP 141 requires.
func addWitnessCommitment(blk *wire.MsgBlock) {
	coinbase := blk.Transactions[0]
	nonce := make([]byte, blockchain.CoinbaseWitnessDataLen)
	coinbase.TxIn[0].Witness = wire.TxWitness{nonce}
	root := blockchain.CalcMerkleRoot(btcutil.NewBlock(blk).Transactions(), true)
	commitment := chainhash.DoubleHashB(append(root[:], nonce...))
	pkScript := append(slices.Clone(blockchain.WitnessMagicBytes), commitment...)
	coinbase.AddTxOut(wire.NewTxOut(0, pkScript))
}

func TestVerifyBlock(t *testing.T) {
	powLimit := chaincfg.RegressionNetParams.PowLimit
	for _, tc := range []struct {
		name string
		// make returns the block served and the hash asked for.
		make func(t *testing.T) (*wire.MsgBlock, chainhash.Hash)
		want string // "" for a valid block
	}{
		{"valid, no witness", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 5, false)
			return blk, blk.BlockHash()
		}, ""},
		{"valid, coinbase only", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 1, false)
			return blk, blk.BlockHash()
		}, ""},
		{"valid, with witnesses", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 4, true)
			return blk, blk.BlockHash()
		}, ""},
		{"another block than asked", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			return sealedBlock(t, 3, false), chainhash.Hash{1}
		}, "header hashes to"},
		{"transaction changed", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 3, false)
			blk.Transactions[1].TxOut[0].Value++
			return blk, blk.BlockHash()
		}, "merkle root"},
		{"transaction dropped", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 4, false)
			blk.Transactions = blk.Transactions[:3]
			return blk, blk.BlockHash()
		}, "merkle root"},
		{"last transaction repeated (CVE-2012-2459)", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 3, false)
			blk.Transactions = append(blk.Transactions, blk.Transactions[2])
			return blk, blk.BlockHash()
		}, "CVE-2012-2459"},
		{"last pair repeated (CVE-2012-2459)", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 6, false)
			blk.Transactions = append(blk.Transactions, blk.Transactions[4:6]...)
			return blk, blk.BlockHash()
		}, "CVE-2012-2459"},
		{"no transactions", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 1, false)
			blk.Transactions = nil
			return blk, blk.BlockHash()
		}, "no transactions"},
		{"witness changed", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 4, true)
			blk.Transactions[2].TxIn[0].Witness[0][0] ^= 1
			return blk, blk.BlockHash()
		}, "witness commitment"},
		{"witness without commitment", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 3, false)
			blk.Transactions[1].TxIn[0].Witness = wire.TxWitness{{1}}
			return blk, blk.BlockHash()
		}, "no witness commitment"},
		{"target above the network's limit", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 2, false)
			blk.Header.Bits = 0x2100ffff
			return blk, blk.BlockHash()
		}, "out of range"},
		{"hash above its target", func(t *testing.T) (*wire.MsgBlock, chainhash.Hash) {
			blk := sealedBlock(t, 2, false)
			blk.Header.Bits = 0x1d00ffff // mainnet difficulty 1: 2^32 tries to meet
			return blk, blk.BlockHash()
		}, "above its target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			blk, hash := tc.make(t)
			err := VerifyBlock(blk, hash, powLimit)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("VerifyBlock: %v", err)
			case tc.want != "" && (!errors.Is(err, ErrInvalidBlock) || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("VerifyBlock = %v, want ErrInvalidBlock about %q", err, tc.want)
			}
		})
	}
}

func TestVerifyBlockNil(t *testing.T) {
	if err := VerifyBlock(nil, chainhash.Hash{}, nil); !errors.Is(err, ErrInvalidBlock) {
		t.Fatalf("VerifyBlock(nil) = %v", err)
	}
	if err := VerifyHeader(nil, chainhash.Hash{}, nil); !errors.Is(err, ErrInvalidBlock) {
		t.Fatalf("VerifyHeader(nil) = %v", err)
	}
}

// TestVerifyMainnetBlocks checks real blocks, witnesses included: the
// blocks of btcd's test data pass, and pass only as themselves.
func TestVerifyMainnetBlocks(t *testing.T) {
	var blocks []*wire.MsgBlock
	for _, file := range []string{"blk_0_to_4.dat.bz2", "277647.dat.bz2"} {
		blks, err := readBlocks(btcdTestdata(t, file))
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, blks...)
	}
	powLimit := chaincfg.MainNetParams.PowLimit
	for i, blk := range blocks {
		if err := VerifyBlock(blk, blk.BlockHash(), powLimit); err != nil {
			t.Errorf("block %d: %v", i, err)
		}
		if i > 0 {
			if err := VerifyBlock(blk, blocks[i-1].BlockHash(), powLimit); err == nil {
				t.Errorf("block %d verified as block %d", i, i-1)
			}
		}
	}
}

// TestMerkleRootMatchesBtcd compares the mutation-aware merkle root with
// btcd's for every size up to a few levels.
func TestMerkleRootMatchesBtcd(t *testing.T) {
	for n := 1; n <= 33; n++ {
		blk := sealedBlock(t, n, false)
		root, mutated := merkleRoot(blk.Transactions)
		if mutated || root != blk.Header.MerkleRoot {
			t.Errorf("%d transactions: root %s (mutated %v), btcd's %s", n, root, mutated, blk.Header.MerkleRoot)
		}
	}
	if root, mutated := merkleRoot(nil); mutated || root != (chainhash.Hash{}) {
		t.Errorf("merkleRoot(nil) = %s, %v", root, mutated)
	}
}
