package bitcoin

import (
	"bytes"
	"context"
	"fmt"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"
)

// BlockSource is one provider of a Bitcoin network's blocks: a node's
// JSON-RPC (RPCSource) or an Esplora REST API (EsploraSource). It returns
// what the provider says, unverified; Chain verifies it.
type BlockSource interface {
	// TipHeight returns the height of the provider's best block.
	TipHeight(ctx context.Context) (int64, error)
	// BlockHash returns the hash of the provider's block at height.
	BlockHash(ctx context.Context, height int64) (chainhash.Hash, error)
	// Header returns the header of the block hash. Following the chain
	// tip needs only hashes, parents and times; a header is 80 bytes where
	// a block may be 4 MB.
	Header(ctx context.Context, hash chainhash.Hash) (*wire.BlockHeader, error)
	// Block returns the block hash with its witnesses.
	Block(ctx context.Context, hash chainhash.Hash) (*wire.MsgBlock, error)
}

// Compile-time checks.
var (
	_ BlockSource = (*RPCSource)(nil)
	_ BlockSource = (*EsploraSource)(nil)
)

// maxBlockSize bounds the serialized block read from a provider: 4 MB of
// weight is at most 4,000,000 bytes; the margin is for the framing.
const maxBlockSize = 4_000_000 + 1<<16

// decodeBlock deserializes a block in the witness-aware wire format.
func decodeBlock(raw []byte) (*wire.MsgBlock, error) {
	var blk wire.MsgBlock
	r := bytes.NewReader(raw)
	if err := blk.Deserialize(r); err != nil {
		return nil, fmt.Errorf("decode block: %w", err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("decode block: %d bytes after the block", r.Len())
	}
	return &blk, nil
}

// decodeHeader deserializes an 80-byte block header.
func decodeHeader(raw []byte) (*wire.BlockHeader, error) {
	if len(raw) != wire.MaxBlockHeaderPayload {
		return nil, fmt.Errorf("decode header: %d bytes, want %d", len(raw), wire.MaxBlockHeaderPayload)
	}
	var h wire.BlockHeader
	if err := h.Deserialize(bytes.NewReader(raw)); err != nil {
		return nil, fmt.Errorf("decode header: %w", err)
	}
	return &h, nil
}
