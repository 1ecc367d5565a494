package devnet

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/schnorr"
	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
)

// Fee policy of the traffic generator's transactions. btcd's default
// minimum relay fee is 1,000 sats/kvB; these pay well above it so that every
// transaction is mined in the next block.
const (
	txFee = 2_000
	// commitValue is what a commit transaction locks for its reveal, and
	// revealFee what the reveal pays of it.
	commitValue = 20_000
	revealFee   = 5_000
	// replacementFee is added to the fee of a transaction that a reorg
	// replaces, to satisfy BIP 125's fee rules.
	replacementFee = 10_000
	// rbfSequence signals BIP 125 replaceability, which the reorgs use to
	// drop a registration from the mempool.
	rbfSequence = wire.MaxTxInSequenceNum - 2
	// maxReorgDepth is the deepest reorg the generator makes.
	maxReorgDepth = 2
	// maxPushLen is the largest data push a tapscript may hold.
	maxPushLen = 520
)

// devnetKey derives a fixed secp256k1 key from a label, so that the devnet's
// addresses are the same every run and can be printed and documented.
func devnetKey(label string) *btcec.PrivateKey {
	seed := sha256.Sum256([]byte("herald devnet " + label))
	key, _ := btcec.PrivKeyFromBytes(seed[:])
	return key
}

// p2wpkh returns the P2WPKH address of a key and its output script.
func p2wpkh(key *btcec.PrivateKey, params *chaincfg.Params) (btcutil.Address, []byte, error) {
	addr, err := btcutil.NewAddressWitnessPubKeyHash(btcutil.Hash160(key.PubKey().SerializeCompressed()), params)
	if err != nil {
		return nil, nil, fmt.Errorf("p2wpkh address: %w", err)
	}
	pkScript, err := txscript.PayToAddrScript(addr)
	if err != nil {
		return nil, nil, fmt.Errorf("p2wpkh script: %w", err)
	}
	return addr, pkScript, nil
}

// utxo is an output the wallet can spend.
type utxo struct {
	outpoint wire.OutPoint
	value    int64
	// height is the block height of a coinbase output, 0 for others.
	height int64
}

// wallet is the traffic generator's Bitcoin wallet: one P2WPKH key that
// btcd mines to. It spends only outputs of earlier blocks, never those of
// transactions still waiting in the mempool, so that a reorg's replacement
// of a transaction from the tip block evicts nothing else.
//
// The wallet does not ask the node for its outputs: it learns them from the
// blocks the generator mines (coinbases) and the transactions it sends
// (change). When the node refuses a spend, the output is dropped, so a
// wallet that went out of step with the chain heals itself.
type wallet struct {
	params   *chaincfg.Params
	key      *btcec.PrivateKey
	addr     btcutil.Address
	pkScript []byte
	// spendable holds confirmed outputs and mature coinbases.
	spendable map[wire.OutPoint]utxo
	// pending holds outputs of transactions sent since the last block.
	pending []utxo
	// coinbases holds immature coinbase outputs in height order.
	coinbases []utxo
}

func newWallet(params *chaincfg.Params) (*wallet, error) {
	key := devnetKey("bitcoin wallet")
	addr, pkScript, err := p2wpkh(key, params)
	if err != nil {
		return nil, err
	}
	return &wallet{
		params: params, key: key, addr: addr, pkScript: pkScript,
		spendable: make(map[wire.OutPoint]utxo),
	}, nil
}

// blockMined records a block at height: its coinbase outputs to the wallet,
// and the outputs sent since the previous block, which it confirmed.
func (w *wallet) blockMined(blk *wire.MsgBlock, height int64) {
	if len(blk.Transactions) > 0 {
		cb := blk.Transactions[0]
		hash := cb.TxHash()
		for i, out := range cb.TxOut {
			if bytes.Equal(out.PkScript, w.pkScript) && out.Value > 0 {
				w.coinbases = append(w.coinbases, utxo{outpoint: *wire.NewOutPoint(&hash, uint32(i)), value: out.Value, height: height})
			}
		}
	}
	for _, u := range w.pending {
		w.spendable[u.outpoint] = u
	}
	w.pending = nil
	// A coinbase is spent only when a reorg of the deepest kind the
	// generator makes still leaves it mature for the next block.
	next := height + 1
	matured := 0
	for _, u := range w.coinbases {
		if next-u.height < int64(w.params.CoinbaseMaturity)+maxReorgDepth+1 {
			break
		}
		w.spendable[u.outpoint] = u
		matured++
	}
	w.coinbases = w.coinbases[matured:]
}

// blocksDisconnected forgets the coinbases of the blocks above height, which
// a reorg disconnected. Spent-but-unconfirmed state needs no change: the
// node puts the disconnected blocks' transactions back in its mempool.
func (w *wallet) blocksDisconnected(height int64) {
	kept := w.coinbases[:0]
	for _, u := range w.coinbases {
		if u.height <= height {
			kept = append(kept, u)
		}
	}
	w.coinbases = kept
}

// take removes and returns the largest spendable output worth at least min.
func (w *wallet) take(minValue int64) (utxo, error) {
	var (
		best  utxo
		found bool
	)
	for _, u := range w.spendable {
		if u.value >= minValue && (!found || u.value > best.value) {
			best, found = u, true
		}
	}
	if !found {
		return utxo{}, fmt.Errorf("wallet: no output worth %d sats among %d spendable", minValue, len(w.spendable))
	}
	delete(w.spendable, best.outpoint)
	return best, nil
}

// forget drops an output that is no longer the wallet's to spend.
func (w *wallet) forget(op wire.OutPoint) {
	delete(w.spendable, op)
}

// sent records the outputs of a transaction that the node accepted: those
// paying the wallet become spendable once a block confirms them.
func (w *wallet) sent(tx *wire.MsgTx) {
	hash := tx.TxHash()
	for i, out := range tx.TxOut {
		if bytes.Equal(out.PkScript, w.pkScript) {
			w.pending = append(w.pending, utxo{outpoint: *wire.NewOutPoint(&hash, uint32(i)), value: out.Value})
		}
	}
}

// pay builds and signs a transaction paying outs and fee from one wallet
// output, with change back to the wallet as its last output. The output is
// taken from the wallet; the caller passes the transaction to sent once the
// node accepts it.
func (w *wallet) pay(outs []*wire.TxOut, fee int64) (*wire.MsgTx, utxo, error) {
	total := fee
	for _, o := range outs {
		total += o.Value
	}
	// At least this much change keeps the change output far above dust.
	const minChange = 10_000
	in, err := w.take(total + minChange)
	if err != nil {
		return nil, utxo{}, err
	}
	tx := wire.NewMsgTx(wire.TxVersion)
	txIn := wire.NewTxIn(&in.outpoint, nil, nil)
	txIn.Sequence = rbfSequence
	tx.AddTxIn(txIn)
	for _, o := range outs {
		tx.AddTxOut(o)
	}
	tx.AddTxOut(wire.NewTxOut(in.value-total, w.pkScript))
	if err := w.sign(tx, in.value); err != nil {
		return nil, utxo{}, err
	}
	return tx, in, nil
}

// replacement builds a transaction spending in back to the wallet with fee:
// it conflicts with whatever else spends in.
func (w *wallet) replacement(in utxo, fee int64) (*wire.MsgTx, error) {
	if in.value-fee <= 0 {
		return nil, errors.New("wallet: replacement fee exceeds the output's value")
	}
	tx := wire.NewMsgTx(wire.TxVersion)
	txIn := wire.NewTxIn(&in.outpoint, nil, nil)
	txIn.Sequence = rbfSequence
	tx.AddTxIn(txIn)
	tx.AddTxOut(wire.NewTxOut(in.value-fee, w.pkScript))
	if err := w.sign(tx, in.value); err != nil {
		return nil, err
	}
	return tx, nil
}

// sign signs the single P2WPKH input of tx, worth value.
func (w *wallet) sign(tx *wire.MsgTx, value int64) error {
	hashes := txscript.NewTxSigHashes(tx, txscript.NewCannedPrevOutputFetcher(w.pkScript, value))
	witness, err := txscript.WitnessSignature(tx, hashes, 0, value, w.pkScript, txscript.SigHashAll, w.key, true)
	if err != nil {
		return fmt.Errorf("sign p2wpkh input: %w", err)
	}
	tx.TxIn[0].Witness = witness
	return nil
}

// inscription is an Ordinals commit and reveal pair.
type inscription struct {
	commit, reveal *wire.MsgTx
}

// id is the inscription id of the reveal's only envelope.
func (i inscription) id() string {
	return domain.InscriptionID{TxID: i.reveal.TxHash().String()}.String()
}

// inscribe builds a commit transaction paying a P2TR output whose only
// script leaf is <key> OP_CHECKSIG followed by envelope, as ord builds it,
// and the reveal spending it through that leaf with the witness [signature,
// tapscript, control block]. The reveal's output returns to the wallet.
func (w *wallet) inscribe(envelope []byte) (inscription, error) {
	tapscript := append(pushData(schnorr.SerializePubKey(w.key.PubKey())), txscript.OP_CHECKSIG)
	tapscript = append(tapscript, envelope...)
	leaf := txscript.NewBaseTapLeaf(tapscript)
	tree := txscript.AssembleTaprootScriptTree(leaf)
	root := tree.RootNode.TapHash()
	outputKey := txscript.ComputeTaprootOutputKey(w.key.PubKey(), root[:])
	commitScript, err := txscript.PayToTaprootScript(outputKey)
	if err != nil {
		return inscription{}, fmt.Errorf("commit script: %w", err)
	}
	commit, _, err := w.pay([]*wire.TxOut{wire.NewTxOut(commitValue, commitScript)}, txFee)
	if err != nil {
		return inscription{}, err
	}

	reveal := wire.NewMsgTx(wire.TxVersion)
	commitHash := commit.TxHash()
	reveal.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&commitHash, 0), nil, nil))
	reveal.AddTxOut(wire.NewTxOut(commitValue-revealFee, w.pkScript))
	hashes := txscript.NewTxSigHashes(reveal, txscript.NewCannedPrevOutputFetcher(commitScript, commitValue))
	sig, err := txscript.RawTxInTapscriptSignature(reveal, hashes, 0, commitValue, commitScript, leaf, txscript.SigHashDefault, w.key)
	if err != nil {
		return inscription{}, fmt.Errorf("sign reveal: %w", err)
	}
	controlBlock := tree.LeafMerkleProofs[0].ToControlBlock(w.key.PubKey())
	control, err := controlBlock.ToBytes()
	if err != nil {
		return inscription{}, fmt.Errorf("reveal control block: %w", err)
	}
	reveal.TxIn[0].Witness = wire.TxWitness{sig, tapscript, control}
	return inscription{commit: commit, reveal: reveal}, nil
}

// Ordinals envelope tags (docs.ordinals.com, "Inscriptions").
const (
	tagContentType = 1
	tagParent      = 3
)

// envelope is OP_FALSE OP_IF "ord" <content type> [<parent>] OP_0 <body…>
// OP_ENDIF, with the body split into pushes of at most 520 bytes.
func envelope(contentType string, parent *domain.InscriptionID, body []byte) ([]byte, error) {
	s := []byte{txscript.OP_FALSE, txscript.OP_IF}
	s = append(s, pushData([]byte("ord"))...)
	s = append(s, pushData([]byte{tagContentType})...)
	s = append(s, pushData([]byte(contentType))...)
	if parent != nil {
		b, err := parentBytes(*parent)
		if err != nil {
			return nil, err
		}
		s = append(s, pushData([]byte{tagParent})...)
		s = append(s, pushData(b)...)
	}
	s = append(s, txscript.OP_0)
	for len(body) > 0 {
		n := min(len(body), maxPushLen)
		s = append(s, pushData(body[:n])...)
		body = body[n:]
	}
	return append(s, txscript.OP_ENDIF), nil
}

// parentBytes encodes an inscription id as envelope tag 3 holds it: the txid
// in internal byte order, then the index little-endian without trailing zero
// bytes.
func parentBytes(id domain.InscriptionID) ([]byte, error) {
	hash, err := chainhash.NewHashFromStr(id.TxID)
	if err != nil {
		return nil, fmt.Errorf("parent %s: %w", id, err)
	}
	b := append([]byte(nil), hash[:]...)
	le := binary.LittleEndian.AppendUint32(nil, id.Index)
	for len(le) > 0 && le[len(le)-1] == 0 {
		le = le[:len(le)-1]
	}
	return append(b, le...), nil
}

// pushData encodes data as the smallest data push that holds it. It is
// written by hand because txscript.ScriptBuilder turns a one-byte push of
// 1..16 into OP_1..OP_16, and envelope tags must be data pushes. It takes at
// most maxPushLen bytes, so OP_PUSHDATA4 is never needed.
func pushData(data []byte) []byte {
	switch n := len(data); {
	case n <= txscript.OP_DATA_75:
		return append([]byte{byte(n)}, data...)
	case n <= 0xff:
		return append([]byte{txscript.OP_PUSHDATA1, byte(n)}, data...)
	default:
		b := []byte{txscript.OP_PUSHDATA2, 0, 0}
		binary.LittleEndian.PutUint16(b[1:], uint16(n))
		return append(b, data...)
	}
}
