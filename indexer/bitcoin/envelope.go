package bitcoin

import (
	"encoding/binary"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
)

// Envelope field tags (docs.ordinals.com, "Inscriptions"). Tags are matched
// as exact one-byte pushes, as ord does.
const (
	tagContentType     = 1
	tagPointer         = 2
	tagParent          = 3
	tagMetadata        = 5
	tagMetaprotocol    = 7
	tagContentEncoding = 9
)

// annexPrefix is the first byte of a taproot annex (BIP 341).
const annexPrefix = 0x50

// protocolID follows OP_FALSE OP_IF in an inscription envelope.
const protocolID = "ord"

// Envelope is one Ordinals inscription envelope of a transaction, parsed the
// way ord (src/inscriptions/envelope.rs) parses it.
type Envelope struct {
	// Index is the envelope's position among all envelopes of the
	// transaction: the n of the inscription id <txid>i<n>.
	Index uint32
	// Input is the index of the input whose tapscript holds the envelope.
	Input int
	// Offset is the envelope's position within that tapscript.
	Offset int

	// ContentType, ContentEncoding and Metaprotocol are the first value of
	// their tag; ord ignores repeats.
	ContentType     string
	ContentEncoding string
	Metaprotocol    string
	// Metadata is every tag 5 value, concatenated (nil without tag 5).
	Metadata []byte
	// Parents are the tag 3 values that decode as inscription ids; ord drops
	// the others.
	Parents []domain.InscriptionID
	// HasBody reports whether the envelope has a body tag; Body is the
	// concatenation of every push after it.
	HasBody bool
	Body    []byte
	// Unbound is set when a field has an unrecognised even tag (or the even
	// pointer tag repeats): ord then leaves the inscription unbound.
	Unbound bool
}

// ParseEnvelopes returns the inscription envelopes of a transaction, in input
// order and then in order within each input's tapscript. An input whose
// tapscript does not tokenize (a push past its end) contributes none, as in
// ord.
func ParseEnvelopes(tx *wire.MsgTx) []Envelope {
	var envelopes []Envelope
	for i, in := range tx.TxIn {
		if in == nil {
			continue
		}
		script, ok := tapscript(in.Witness)
		if !ok {
			continue
		}
		found, ok := tapscriptEnvelopes(script)
		if !ok {
			continue
		}
		for j := range found {
			found[j].Index = uint32(len(envelopes))
			found[j].Input = i
			envelopes = append(envelopes, found[j])
		}
	}
	return envelopes
}

// tapscript returns the script of a taproot script-path spend: the witness
// element before the control block, once an annex is dropped. Like ord, it
// does not know the spent output, so any witness with enough elements is
// read as one.
func tapscript(w wire.TxWitness) ([]byte, bool) {
	n := len(w)
	if n >= 2 && len(w[n-1]) > 0 && w[n-1][0] == annexPrefix {
		n--
	}
	if n < 2 {
		return nil, false
	}
	return w[n-2], true
}

// tapscriptEnvelopes finds the envelopes in a tapscript. Every empty push
// may open an envelope: OP_FALSE OP_IF <"ord"> then pushes up to OP_ENDIF.
// ok is false when the script does not tokenize.
func tapscriptEnvelopes(script []byte) (envelopes []Envelope, ok bool) {
	tok := txscript.MakeScriptTokenizer(0, script)
	for tok.Next() {
		if !isDataPush(tok.Opcode()) || len(tok.Data()) != 0 {
			continue
		}
		if !accept(&tok, isOpIf) || !accept(&tok, isProtocolID) {
			continue
		}
		pushes, closed := envelopePushes(&tok)
		if !closed {
			continue
		}
		env := newEnvelope(pushes)
		env.Offset = len(envelopes)
		envelopes = append(envelopes, env)
	}
	if tok.Err() != nil {
		return nil, false
	}
	return envelopes, true
}

// accept consumes the next instruction if it matches. The tokenizer is a
// value, so a copy of it peeks without consuming.
func accept(tok *txscript.ScriptTokenizer, match func(op byte, data []byte) bool) bool {
	peek := *tok
	if !peek.Next() || !match(peek.Opcode(), peek.Data()) {
		return false
	}
	*tok = peek
	return true
}

func isOpIf(op byte, _ []byte) bool { return op == txscript.OP_IF }

func isProtocolID(op byte, data []byte) bool {
	return isDataPush(op) && string(data) == protocolID
}

// envelopePushes reads an envelope's pushes up to OP_ENDIF. Like ord, it
// reads OP_1NEGATE and OP_1..OP_16 as the one-byte pushes 0x81 and 1..16,
// and abandons the envelope (closed false) at any other opcode or at the end
// of the script; the opcode that ended it is consumed.
func envelopePushes(tok *txscript.ScriptTokenizer) (pushes [][]byte, closed bool) {
	for tok.Next() {
		op := tok.Opcode()
		switch {
		case op == txscript.OP_ENDIF:
			return pushes, true
		case isDataPush(op):
			pushes = append(pushes, tok.Data())
		case op == txscript.OP_1NEGATE:
			pushes = append(pushes, []byte{0x81})
		case op >= txscript.OP_1 && op <= txscript.OP_16:
			pushes = append(pushes, []byte{op - txscript.OP_1 + 1})
		default:
			return nil, false
		}
	}
	return nil, false
}

// newEnvelope interprets an envelope's pushes (those after "ord") as ord
// does: tag/value pairs up to the first empty push in tag position, which is
// the body tag; a tag left without a value is ignored.
func newEnvelope(pushes [][]byte) Envelope {
	var env Envelope
	fields := pushes
	for i := 0; i < len(pushes); i += 2 {
		if len(pushes[i]) == 0 {
			fields = pushes[:i]
			env.HasBody = true
			env.Body = concat(pushes[i+1:])
			break
		}
	}

	var seen [256]bool
	pointers := 0
	for i := 0; i+1 < len(fields); i += 2 {
		tag, value := fields[i], fields[i+1]
		if len(tag) != 1 {
			// A multi-byte tag is never a known field; ord still reads
			// an even first byte as an unrecognised even tag.
			env.Unbound = env.Unbound || tag[0]%2 == 0
			continue
		}
		first := !seen[tag[0]]
		seen[tag[0]] = true
		switch tag[0] {
		case tagContentType:
			if first {
				env.ContentType = string(value)
			}
		case tagContentEncoding:
			if first {
				env.ContentEncoding = string(value)
			}
		case tagMetaprotocol:
			if first {
				env.Metaprotocol = string(value)
			}
		case tagMetadata:
			if env.Metadata == nil {
				env.Metadata = []byte{}
			}
			env.Metadata = append(env.Metadata, value...)
		case tagParent:
			if parent, ok := parseParent(value); ok {
				env.Parents = append(env.Parents, parent)
			}
		case tagPointer:
			// ord takes the first pointer; a second one stays behind as
			// an unrecognised even field.
			pointers++
			env.Unbound = env.Unbound || pointers > 1
		default:
			env.Unbound = env.Unbound || tag[0]%2 == 0
		}
	}
	return env
}

// parseParent decodes a binary inscription id: the txid in internal byte
// order, then the index little-endian in at most 4 bytes with trailing zero
// bytes removed (ord also accepts exactly 4 bytes with trailing zeros).
func parseParent(b []byte) (domain.InscriptionID, bool) {
	if len(b) < chainhash.HashSize || len(b) > chainhash.HashSize+4 {
		return domain.InscriptionID{}, false
	}
	index := b[chainhash.HashSize:]
	if len(index) != 4 && len(index) > 0 && index[len(index)-1] == 0 {
		return domain.InscriptionID{}, false
	}
	var le [4]byte
	copy(le[:], index)
	// NewHash cannot fail on a slice of exactly HashSize bytes.
	txid, err := chainhash.NewHash(b[:chainhash.HashSize])
	if err != nil {
		return domain.InscriptionID{}, false
	}
	return domain.InscriptionID{TxID: txid.String(), Index: binary.LittleEndian.Uint32(le[:])}, true
}

func concat(pushes [][]byte) []byte {
	n := 0
	for _, p := range pushes {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range pushes {
		out = append(out, p...)
	}
	return out
}
