package bitcoin

import (
	"bufio"
	"bytes"
	"compress/bzip2"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/store"
)

// btcdTestdata returns the path of a file in btcd's blockchain/testdata, from
// the module cache at the version go.mod requires.
func btcdTestdata(t *testing.T, name string) string {
	t.Helper()
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/btcsuite/btcd")
	dir, err := cmd.Output()
	if err != nil || len(bytes.TrimSpace(dir)) == 0 {
		t.Skipf("btcd module not in the module cache (go list: %v); run `go mod download github.com/btcsuite/btcd`", err)
	}
	path := filepath.Join(string(bytes.TrimSpace(dir)), "blockchain", "testdata", name)
	if _, err := os.Stat(path); err != nil {
		t.Skipf("btcd test data %s not found: %v", name, err)
	}
	return path
}

// readBlocks reads a file of blocks framed as btcd's tests frame them: the
// network magic, the block length, then the block, all little-endian. A
// frame that does not start with the magic ends the file (block files are
// padded with zeros).
func readBlocks(path string) ([]*wire.MsgBlock, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = bufio.NewReader(f)
	if strings.HasSuffix(path, ".bz2") {
		r = bzip2.NewReader(r)
	}

	var blocks []*wire.MsgBlock
	for {
		var frame [8]byte
		if _, err := io.ReadFull(r, frame[:]); errors.Is(err, io.EOF) {
			return blocks, nil
		} else if err != nil {
			return nil, fmt.Errorf("block %d frame: %w", len(blocks), err)
		}
		if wire.BitcoinNet(binary.LittleEndian.Uint32(frame[:4])) != wire.MainNet {
			return blocks, nil
		}
		raw := make([]byte, binary.LittleEndian.Uint32(frame[4:]))
		if _, err := io.ReadFull(r, raw); err != nil {
			return nil, fmt.Errorf("block %d: %w", len(blocks), err)
		}
		var blk wire.MsgBlock
		if err := blk.Deserialize(bytes.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("block %d: %w", len(blocks), err)
		}
		blocks = append(blocks, &blk)
	}
}

// paidAddress returns the first P2PKH address paid in blocks, so that the
// collection built on it has payments (without payloads) to look at.
func paidAddress(t *testing.T, blocks []*wire.MsgBlock) string {
	t.Helper()
	for _, blk := range blocks {
		for _, tx := range blk.Transactions {
			for _, out := range tx.TxOut {
				class, addrs, _, err := txscript.ExtractPkScriptAddrs(out.PkScript, &chaincfg.MainNetParams)
				if err == nil && class == txscript.PubKeyHashTy && len(addrs) == 1 {
					return addrs[0].EncodeAddress()
				}
			}
		}
	}
	t.Fatal("no P2PKH output in the blocks")
	return ""
}

func TestDecodeMainnetBlocks(t *testing.T) {
	tests := []struct {
		file        string
		firstHeight int64
		count       int
	}{
		{"blk_0_to_14131.dat", 0, 14132},
		{"277647.dat.bz2", 277647, 1},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			blocks, err := readBlocks(btcdTestdata(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if len(blocks) != tt.count {
				t.Fatalf("read %d blocks, want %d", len(blocks), tt.count)
			}
			net := &chaincfg.MainNetParams
			paid := testCollection(t, "paid", paidAddress(t, blocks), net, 0)
			collections := []Collection{
				paid,
				testCollection(t, "taproot", testAddress(t, "p2tr", 1, net), net, 0),
			}

			payments, txs := 0, 0
			for i, blk := range blocks {
				hash := blk.BlockHash()
				ref := store.BlockRef{
					Height: tt.firstHeight + int64(i),
					Hash:   hash.String(),
					Parent: blk.Header.PrevBlock.String(),
					Time:   blk.Header.Timestamp,
				}
				got, notices := DecodeBlock("bitcoin-mainnet", ref, blk, collections)
				if len(got.Registrations) != 0 || len(got.Records) != 0 || len(notices) != 0 {
					t.Fatalf("block %d (%s): %d registrations, %d records, notices %v",
						ref.Height, ref.Hash, len(got.Registrations), len(got.Records), notices)
				}
				if got.BlockRef != ref {
					t.Fatalf("block %d: ref %+v, want %+v", ref.Height, got.BlockRef, ref)
				}
				for _, tx := range blk.Transactions {
					txs++
					if _, pays := paidTo(tx.TxOut, paid.PkScript); pays {
						payments++
					}
				}
			}
			if tt.firstHeight == 0 && blocks[0].BlockHash() != *net.GenesisHash {
				t.Errorf("first block %s is not the genesis block", blocks[0].BlockHash())
			}
			t.Logf("%d blocks, %d transactions, %d paying collection %q (%s), none with a payload",
				len(blocks), txs, payments, paid.Name, paid.Address)
			if payments == 0 {
				t.Error("no transaction pays the collection; the test would not exercise payments")
			}
		})
	}
}
