package bitcoin

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"
)

// ErrInvalidBlock is wrapped by every verification failure: the provider
// served something that is not the block asked for.
var ErrInvalidBlock = errors.New("invalid block")

// VerifyHeader checks that header is the header of the block named want,
// and that its hash meets the target its bits claim, within powLimit (nil
// skips the proof-of-work check).
func VerifyHeader(header *wire.BlockHeader, want chainhash.Hash, powLimit *big.Int) error {
	if header == nil {
		return fmt.Errorf("%w: no header", ErrInvalidBlock)
	}
	if got := header.BlockHash(); got != want {
		return fmt.Errorf("%w: header hashes to %s, not %s", ErrInvalidBlock, got, want)
	}
	if powLimit == nil {
		return nil
	}
	target := blockchain.CompactToBig(header.Bits)
	if target.Sign() <= 0 || target.Cmp(powLimit) > 0 {
		return fmt.Errorf("%w: target %064x out of range", ErrInvalidBlock, target)
	}
	if blockchain.HashToBig(&want).Cmp(target) > 0 {
		return fmt.Errorf("%w: hash above its target %064x", ErrInvalidBlock, target)
	}
	return nil
}

// VerifyBlock checks that blk is the block named want, transactions and
// witnesses included: the header hashes to want (with its proof of work, as
// in VerifyHeader), the merkle root of the txids is the header's and the tree
// is not mutated (CVE-2012-2459), and the coinbase's witness commitment, when
// the block has witness data, matches the wtxids. The last check matters to
// herald in particular: inscriptions live in witnesses, which the header's
// merkle root does not cover.
func VerifyBlock(blk *wire.MsgBlock, want chainhash.Hash, powLimit *big.Int) error {
	if blk == nil {
		return fmt.Errorf("%w: no block", ErrInvalidBlock)
	}
	if err := VerifyHeader(&blk.Header, want, powLimit); err != nil {
		return err
	}
	if len(blk.Transactions) == 0 {
		return fmt.Errorf("%w: no transactions", ErrInvalidBlock)
	}
	for i, tx := range blk.Transactions {
		if tx == nil {
			return fmt.Errorf("%w: transaction %d missing", ErrInvalidBlock, i)
		}
	}
	root, mutated := merkleRoot(blk.Transactions)
	if mutated {
		return fmt.Errorf("%w: merkle tree has a duplicated pair (CVE-2012-2459)", ErrInvalidBlock)
	}
	if root != blk.Header.MerkleRoot {
		return fmt.Errorf("%w: transactions have merkle root %s, header says %s", ErrInvalidBlock, root, blk.Header.MerkleRoot)
	}
	if err := blockchain.ValidateWitnessCommitment(btcutil.NewBlock(blk)); err != nil {
		return fmt.Errorf("%w: %v", ErrInvalidBlock, err)
	}
	return nil
}

// merkleRoot computes the merkle root of the txids as Bitcoin Core's
// ComputeMerkleRoot does, reporting mutated when some level pairs a node
// with an identical sibling. Such a tree has the same root as one without
// the repeated transactions, which is how a block can be made invalid
// without changing its hash; no valid block has one.
func merkleRoot(txs []*wire.MsgTx) (root chainhash.Hash, mutated bool) {
	if len(txs) == 0 {
		return chainhash.Hash{}, false
	}
	level := make([]chainhash.Hash, len(txs))
	for i, tx := range txs {
		level[i] = tx.TxHash()
	}
	for len(level) > 1 {
		for i := 0; i+1 < len(level); i += 2 {
			if level[i] == level[i+1] {
				mutated = true
			}
		}
		if len(level)%2 == 1 {
			level = append(level, level[len(level)-1])
		}
		next := level[:len(level)/2]
		for i := range next {
			next[i] = blockchain.HashMerkleBranches(&level[2*i], &level[2*i+1])
		}
		level = next
	}
	return level[0], mutated
}
