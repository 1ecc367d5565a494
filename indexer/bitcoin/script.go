package bitcoin

import (
	"github.com/btcsuite/btcd/txscript"
)

// OpReturnPayload returns the concatenated data pushes of an output script
// that starts with OP_RETURN. ok is false when the script does not start with
// OP_RETURN, when anything but a data push follows it, or when a push runs
// past the end of the script.
//
// Data pushes are the direct pushes 0x01–0x4b and OP_PUSHDATA1/2/4. OP_0 is
// accepted too, as the empty push it is: it adds nothing to the payload, and
// refusing it would only make the grammar depend on how an empty push was
// encoded (OP_PUSHDATA1 0x00 is an empty push the spec already allows).
func OpReturnPayload(pkScript []byte) (payload []byte, ok bool) {
	if len(pkScript) == 0 || pkScript[0] != txscript.OP_RETURN {
		return nil, false
	}
	// The tokenizer checks every declared push length against the bytes
	// left in the script and stops with an error instead of reading past it.
	tok := txscript.MakeScriptTokenizer(0, pkScript[1:])
	payload = []byte{}
	for tok.Next() {
		if !isDataPush(tok.Opcode()) {
			return nil, false
		}
		payload = append(payload, tok.Data()...)
	}
	if tok.Err() != nil {
		return nil, false
	}
	return payload, true
}

// isDataPush reports whether op pushes bytes from the script itself: OP_0,
// the direct pushes and OP_PUSHDATA1/2/4. OP_1NEGATE and OP_1..OP_16 push
// numbers and are not data pushes.
func isDataPush(op byte) bool {
	return op <= txscript.OP_PUSHDATA4
}
