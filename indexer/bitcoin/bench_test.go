package bitcoin

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/btcsuite/btcd/blockchain"
	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// Mainnet-sized synthetic blocks: 3,000 transactions, of which 1% are
// registration payments (some underpaid or for two collections), 0.2% are
// reveals of buyer_registration.v1 records, and the rest ordinary P2WPKH
// payments with one or two inputs and two outputs.
const (
	benchTxsPerBlock   = 3000
	benchRegistrations = 30
	benchRecords       = 6
	benchBatch         = 10 // blocks per store.Apply, as a follower batches
)

type benchGen struct {
	rng         *rand.Rand
	creator     []byte
	other       []byte
	creatorAddr string
	// rows counts the registrations and records generated.
	registrations, records int
}

func (g *benchGen) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(g.rng.Uint32())
	}
	return b
}

func (g *benchGen) p2wpkh() []byte {
	return append([]byte{txscript.OP_0, txscript.OP_DATA_20}, g.bytes(20)...)
}

// input spends a random outpoint with a P2WPKH witness (signature, key).
func (g *benchGen) input(tx *wire.MsgTx) {
	var prev chainhash.Hash
	copy(prev[:], g.bytes(32))
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&prev, g.rng.Uint32N(4)), nil,
		wire.TxWitness{g.bytes(72), append([]byte{0x02}, g.bytes(32)...)}))
}

func (g *benchGen) ordinary() *wire.MsgTx {
	tx := wire.NewMsgTx(2)
	for range 1 + g.rng.IntN(2) {
		g.input(tx)
	}
	tx.AddTxOut(wire.NewTxOut(int64(g.rng.IntN(10_000_000)), g.p2wpkh()))
	tx.AddTxOut(wire.NewTxOut(int64(g.rng.IntN(10_000_000)), g.p2wpkh()))
	return tx
}

func (g *benchGen) registration(height int64, i int) *wire.MsgTx {
	tx := wire.NewMsgTx(2)
	g.input(tx)
	id := domain.InscriptionID{TxID: fmt.Sprintf("%x", g.bytes(32)), Index: uint32(i % 2)}
	tx.AddTxOut(wire.NewTxOut(0, opReturn(fmt.Sprintf("%s|%d", id, height+6))))
	fee := int64(50_000)
	if i%5 == 0 {
		fee = 40_000 // underpaid
	}
	tx.AddTxOut(wire.NewTxOut(fee, g.creator))
	g.registrations++
	if i%7 == 0 {
		tx.AddTxOut(wire.NewTxOut(25_000, g.other))
		g.registrations++
	}
	tx.AddTxOut(wire.NewTxOut(int64(g.rng.IntN(1_000_000)), g.p2wpkh()))
	return tx
}

func (g *benchGen) record(fee *wire.MsgTx) *wire.MsgTx {
	g.records++
	parent := domain.InscriptionID{TxID: fmt.Sprintf("%x", g.bytes(32))}.String()
	body := fmt.Sprintf(`{"schema":"buyer_registration.v1","parent":%q,"paid_to":%q,"fee_sats":50000,"txid":%q,"timestamp":"2026-11-21T12:00:00Z"}`,
		parent, g.creatorAddr, fee.TxHash())
	tapscript := script(push(g.bytes(32)), op(txscript.OP_CHECKSIG), envelope(
		[]byte{tagContentType}, []byte("application/json"), []byte{tagParent}, g.bytes(32), nil, []byte(body)))
	var prev chainhash.Hash
	copy(prev[:], g.bytes(32))
	tx := wire.NewMsgTx(2)
	tx.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&prev, 0), nil,
		wire.TxWitness{g.bytes(64), tapscript, append([]byte{0xc0}, g.bytes(32)...)}))
	tx.AddTxOut(wire.NewTxOut(546, append([]byte{txscript.OP_1, txscript.OP_DATA_32}, g.bytes(32)...)))
	return tx
}

// block returns a serialized block at height on parent, with a valid
// merkle root and witness commitment, and its hash.
func (g *benchGen) block(tb testing.TB, height int64, parent chainhash.Hash) ([]byte, chainhash.Hash) {
	coinbase := wire.NewMsgTx(2)
	coinbase.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{}, wire.MaxPrevOutIndex),
		append([]byte{0x04}, g.bytes(4)...), nil))
	coinbase.AddTxOut(wire.NewTxOut(312_500_000, g.p2wpkh()))
	blk := wire.NewMsgBlock(&wire.BlockHeader{
		Version: 0x20000000, PrevBlock: parent, Timestamp: time.Unix(1_760_000_000+height*600, 0), Bits: 0x17030ecd,
	})
	_ = blk.AddTransaction(coinbase)
	var fees []*wire.MsgTx
	for i := 1; i < benchTxsPerBlock; i++ {
		switch {
		case i%(benchTxsPerBlock/benchRegistrations) == 0:
			tx := g.registration(height, i)
			fees = append(fees, tx)
			_ = blk.AddTransaction(tx)
		case i%(benchTxsPerBlock/benchRecords) == 1 && len(fees) > 0:
			_ = blk.AddTransaction(g.record(fees[len(fees)-1]))
		default:
			_ = blk.AddTransaction(g.ordinary())
		}
	}
	addWitnessCommitment(blk)
	blk.Header.MerkleRoot = blockchain.CalcMerkleRoot(btcutil.NewBlock(blk).Transactions(), false)
	return serialize(tb, blk), blk.BlockHash()
}

// BenchmarkDecodeApply measures the indexing of a block without the
// network: deserialize, verify (merkle root, witness commitment; no proof of
// work, the blocks are synthetic), decode, and store.Apply into PostgreSQL
// in batches of benchBatch blocks.
//
//	go test ./indexer/bitcoin -run '^$' -bench DecodeApply -benchtime 60x
func BenchmarkDecodeApply(b *testing.B) {
	ctx := context.Background()
	st := storetest.New(b)
	net := &chaincfg.MainNetParams
	creatorAddr := testAddress(b, "p2tr", 1, net)
	collections := []Collection{
		testCollection(b, "embers", creatorAddr, net, 50_000),
		testCollection(b, "other", testAddress(b, "p2wpkh", 2, net), net, 20_000),
	}
	g := &benchGen{rng: rand.New(rand.NewPCG(1, 2)), creator: collections[0].PkScript, other: collections[1].PkScript, creatorAddr: creatorAddr}

	const start = 900_000
	parent := chainhash.Hash{}
	var (
		batch                  []store.Block
		registrations, records int
	)
	flush := func(head int64) {
		if len(batch) == 0 {
			return
		}
		err := st.Apply(ctx, store.Batch{Chain: "bitcoin-mainnet", Blocks: batch, Head: head, KeepBlocks: DefaultReorgWindow + 1})
		if err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	b.ResetTimer()
	for i := range b.N {
		height := int64(start + i)
		b.StopTimer()
		raw, hash := g.block(b, height, parent)
		b.StartTimer()

		blk, err := decodeBlock(raw)
		if err != nil {
			b.Fatal(err)
		}
		if err := VerifyBlock(blk, hash, nil); err != nil {
			b.Fatal(err)
		}
		decoded, _ := DecodeBlock("bitcoin-mainnet", blockRef(height, hash, &blk.Header), blk, collections)
		registrations += len(decoded.Registrations)
		records += len(decoded.Records)
		batch = append(batch, decoded)
		if len(batch) == benchBatch {
			flush(height)
		}
		parent = hash
	}
	flush(int64(start + b.N - 1))
	b.StopTimer()

	secs := b.Elapsed().Seconds()
	b.ReportMetric(float64(b.N)/secs, "blocks/s")
	b.ReportMetric(float64(b.N*benchTxsPerBlock)/secs, "tx/s")
	if registrations != g.registrations || records != g.records || records == 0 {
		b.Fatalf("decoded %d registrations and %d records, generated %d and %d", registrations, records, g.registrations, g.records)
	}
}
