package bitcoin

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/btcsuite/btcd/btcutil"
	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
)

// Script and transaction builders shared by the tests. They write pushes by
// hand (txscript.ScriptBuilder would turn a one-byte push of 1..16 into
// OP_1..OP_16) so each test controls the exact encoding.

// push encodes data as the smallest data push that holds it.
func push(data []byte) []byte {
	switch n := len(data); {
	case n <= txscript.OP_DATA_75:
		return append([]byte{byte(n)}, data...)
	case n <= 0xff:
		return append([]byte{txscript.OP_PUSHDATA1, byte(n)}, data...)
	case n <= 0xffff:
		b := []byte{txscript.OP_PUSHDATA2, 0, 0}
		binary.LittleEndian.PutUint16(b[1:], uint16(n))
		return append(b, data...)
	default:
		b := []byte{txscript.OP_PUSHDATA4, 0, 0, 0, 0}
		binary.LittleEndian.PutUint32(b[1:], uint32(n))
		return append(b, data...)
	}
}

func script(parts ...[]byte) []byte {
	return bytes.Join(parts, nil)
}

func op(ops ...byte) []byte { return ops }

// opReturn is OP_RETURN followed by one push per part.
func opReturn(parts ...string) []byte {
	s := []byte{txscript.OP_RETURN}
	for _, p := range parts {
		s = append(s, push([]byte(p))...)
	}
	return s
}

// envelope is OP_FALSE OP_IF <"ord"> <pushes…> OP_ENDIF.
func envelope(pushes ...[]byte) []byte {
	s := script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte(protocolID)))
	for _, p := range pushes {
		s = append(s, push(p)...)
	}
	return append(s, txscript.OP_ENDIF)
}

// tapWitness is a script-path witness: a signature, the tapscript and a
// control block.
func tapWitness(tapscript []byte) wire.TxWitness {
	return wire.TxWitness{bytes.Repeat([]byte{0x01}, 64), tapscript, controlBlock()}
}

func controlBlock() []byte {
	return append([]byte{0xc0}, bytes.Repeat([]byte{0x02}, 32)...)
}

func tx(witnesses []wire.TxWitness, outs ...*wire.TxOut) *wire.MsgTx {
	t := wire.NewMsgTx(2)
	if len(witnesses) == 0 {
		witnesses = []wire.TxWitness{nil}
	}
	for i, w := range witnesses {
		prev := wire.NewOutPoint(&chainhash.Hash{byte(i + 1)}, uint32(i))
		in := wire.NewTxIn(prev, nil, w)
		t.AddTxIn(in)
	}
	for _, o := range outs {
		t.AddTxOut(o)
	}
	return t
}

func out(value int64, pkScript []byte) *wire.TxOut {
	return wire.NewTxOut(value, pkScript)
}

// parentBytes encodes an inscription id as tag 3 does.
func parentBytes(t *testing.T, id string) []byte {
	t.Helper()
	parsed, err := domain.ParseInscriptionID(id)
	if err != nil {
		t.Fatal(err)
	}
	hash, err := chainhash.NewHashFromStr(parsed.TxID)
	if err != nil {
		t.Fatal(err)
	}
	b := append([]byte{}, hash[:]...)
	le := binary.LittleEndian.AppendUint32(nil, parsed.Index)
	for len(le) > 0 && le[len(le)-1] == 0 {
		le = le[:len(le)-1]
	}
	return append(b, le...)
}

// testAddress derives a deterministic address of one kind for net.
func testAddress(t testing.TB, kind string, seed byte, net *chaincfg.Params) string {
	t.Helper()
	var (
		addr btcutil.Address
		err  error
	)
	switch kind {
	case "p2pkh":
		addr, err = btcutil.NewAddressPubKeyHash(bytes.Repeat([]byte{seed}, 20), net)
	case "p2sh":
		addr, err = btcutil.NewAddressScriptHashFromHash(bytes.Repeat([]byte{seed}, 20), net)
	case "p2wpkh":
		addr, err = btcutil.NewAddressWitnessPubKeyHash(bytes.Repeat([]byte{seed}, 20), net)
	case "p2wsh":
		addr, err = btcutil.NewAddressWitnessScriptHash(bytes.Repeat([]byte{seed}, 32), net)
	case "p2tr":
		addr, err = btcutil.NewAddressTaproot(bytes.Repeat([]byte{seed}, 32), net)
	default:
		t.Fatalf("unknown address kind %q", kind)
	}
	if err != nil {
		t.Fatal(err)
	}
	return addr.EncodeAddress()
}

func testCollection(t testing.TB, name, address string, net *chaincfg.Params, minFee int64) Collection {
	t.Helper()
	c, err := NewCollection(name, address, net, minFee, 0)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
