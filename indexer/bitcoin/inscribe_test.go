package bitcoin

import (
	"testing"

	"github.com/btcsuite/btcd/btcec/v2"
	"github.com/btcsuite/btcd/btcec/v2/schnorr"
	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/integration/rpctest"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
)

// Inscriptions on a real node: a commit transaction pays a P2TR output
// whose only script leaf is <key> OP_CHECKSIG followed by the envelope, as
// ord builds it, and a reveal spends it through that leaf with the witness
// [signature, tapscript, control block].

const (
	commitValue = 100_000
	revealFee   = 10_000
)

// inscription is a revealed inscription.
type inscription struct {
	commit, reveal *wire.MsgTx
}

// id is the inscription's id: the reveal's first envelope.
func (i inscription) id() string {
	return domain.InscriptionID{TxID: i.reveal.TxHash().String()}.String()
}

// inscribe broadcasts a commit and its reveal carrying envelopeScript (an
// OP_FALSE OP_IF … OP_ENDIF envelope). Both wait in the mempool for the next
// block.
func inscribe(t testing.TB, h *rpctest.Harness, envelopeScript []byte) inscription {
	t.Helper()
	key, err := btcec.NewPrivateKey()
	if err != nil {
		t.Fatal(err)
	}
	tapscript := script(push(schnorr.SerializePubKey(key.PubKey())), op(txscript.OP_CHECKSIG), envelopeScript)
	leaf := txscript.NewBaseTapLeaf(tapscript)
	tree := txscript.AssembleTaprootScriptTree(leaf)
	root := tree.RootNode.TapHash()
	outputKey := txscript.ComputeTaprootOutputKey(key.PubKey(), root[:])
	pkScript, err := txscript.PayToTaprootScript(outputKey)
	if err != nil {
		t.Fatal(err)
	}

	// CreateTransaction puts the requested outputs first, change last.
	commit := send(t, h, wire.NewTxOut(commitValue, pkScript))

	dest, err := h.NewAddress()
	if err != nil {
		t.Fatal(err)
	}
	destScript, err := txscript.PayToAddrScript(dest)
	if err != nil {
		t.Fatal(err)
	}
	reveal := wire.NewMsgTx(2)
	reveal.AddTxIn(wire.NewTxIn(wire.NewOutPoint(ptrHash(commit.TxHash()), 0), nil, nil))
	reveal.AddTxOut(wire.NewTxOut(commitValue-revealFee, destScript))

	sigHashes := txscript.NewTxSigHashes(reveal, txscript.NewCannedPrevOutputFetcher(pkScript, commitValue))
	sig, err := txscript.RawTxInTapscriptSignature(reveal, sigHashes, 0, commitValue, pkScript, leaf, txscript.SigHashDefault, key)
	if err != nil {
		t.Fatal(err)
	}
	control := tree.LeafMerkleProofs[0].ToControlBlock(key.PubKey())
	controlBytes, err := control.ToBytes()
	if err != nil {
		t.Fatal(err)
	}
	reveal.TxIn[0].Witness = wire.TxWitness{sig, tapscript, controlBytes}
	if _, err := h.Client.SendRawTransaction(reveal, true); err != nil {
		t.Fatalf("send reveal: %v", err)
	}
	return inscription{commit: commit, reveal: reveal}
}

// regtestAddress returns a P2WPKH regtest address made of seed bytes, and
// its output script.
func regtestAddress(t testing.TB, seed byte) (string, []byte) {
	t.Helper()
	addr, err := btcutil.NewAddressWitnessPubKeyHash(bytesOf(seed, 20), regtest)
	if err != nil {
		t.Fatal(err)
	}
	pkScript, err := txscript.PayToAddrScript(addr)
	if err != nil {
		t.Fatal(err)
	}
	return addr.EncodeAddress(), pkScript
}
