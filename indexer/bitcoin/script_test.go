package bitcoin

import (
	"bytes"
	"testing"

	"github.com/btcsuite/btcd/txscript"
)

func TestOpReturnPayload(t *testing.T) {
	long := bytes.Repeat([]byte("x"), 300)
	tests := []struct {
		name   string
		script []byte
		want   []byte
		ok     bool
	}{
		{"empty script", nil, nil, false},
		{"not OP_RETURN", script(op(txscript.OP_DUP), push([]byte("abc"))), nil, false},
		{"OP_RETURN alone", op(txscript.OP_RETURN), []byte{}, true},
		{"one direct push", opReturn("hello"), []byte("hello"), true},
		{"two pushes concatenate", opReturn("hel", "lo"), []byte("hello"), true},
		{"75-byte direct push", script(op(txscript.OP_RETURN), push(long[:75])), long[:75], true},
		{"OP_PUSHDATA1", script(op(txscript.OP_RETURN, txscript.OP_PUSHDATA1, 3), []byte("abc")), []byte("abc"), true},
		{"OP_PUSHDATA1 empty", op(txscript.OP_RETURN, txscript.OP_PUSHDATA1, 0), []byte{}, true},
		{"OP_PUSHDATA2", script(op(txscript.OP_RETURN, txscript.OP_PUSHDATA2, 3, 0), []byte("abc")), []byte("abc"), true},
		{"OP_PUSHDATA4", script(op(txscript.OP_RETURN, txscript.OP_PUSHDATA4, 3, 0, 0, 0), []byte("abc")), []byte("abc"), true},
		{"long OP_PUSHDATA2", script(op(txscript.OP_RETURN), push(long)), long, true},
		{"OP_0 is an empty push", script(op(txscript.OP_RETURN, txscript.OP_0), push([]byte("ab"))), []byte("ab"), true},
		{"OP_1 is not data", script(op(txscript.OP_RETURN), push([]byte("ab")), op(txscript.OP_1)), nil, false},
		{"OP_1NEGATE is not data", op(txscript.OP_RETURN, txscript.OP_1NEGATE), nil, false},
		{"OP_16 is not data", op(txscript.OP_RETURN, txscript.OP_16), nil, false},
		{"opcode after pushes", script(opReturn("ab"), op(txscript.OP_CHECKSIG)), nil, false},
		{"second OP_RETURN", script(opReturn("ab"), op(txscript.OP_RETURN)), nil, false},
		{"OP_RESERVED", op(txscript.OP_RETURN, txscript.OP_RESERVED), nil, false},
		{"direct push past end", op(txscript.OP_RETURN, 5, 'a', 'b'), nil, false},
		{"OP_PUSHDATA1 without length", op(txscript.OP_RETURN, txscript.OP_PUSHDATA1), nil, false},
		{"OP_PUSHDATA1 past end", op(txscript.OP_RETURN, txscript.OP_PUSHDATA1, 4, 'a'), nil, false},
		{"OP_PUSHDATA2 short length", op(txscript.OP_RETURN, txscript.OP_PUSHDATA2, 1), nil, false},
		{"OP_PUSHDATA2 past end", op(txscript.OP_RETURN, txscript.OP_PUSHDATA2, 0, 1, 'a'), nil, false},
		{"OP_PUSHDATA4 huge length", op(txscript.OP_RETURN, txscript.OP_PUSHDATA4, 0xff, 0xff, 0xff, 0xff, 'a'), nil, false},
		{"OP_PUSHDATA4 sign bit", op(txscript.OP_RETURN, txscript.OP_PUSHDATA4, 0, 0, 0, 0x80), nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := OpReturnPayload(tt.script)
			if ok != tt.ok || !bytes.Equal(got, tt.want) {
				t.Errorf("OpReturnPayload(%x) = %q, %v; want %q, %v", tt.script, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzOpReturnPayload(f *testing.F) {
	f.Add(opReturn(txidLower + "i0|900000"))
	f.Add(opReturn(txidLower+"i0", "|900000"))
	f.Add(op(txscript.OP_RETURN, txscript.OP_PUSHDATA4, 0xff, 0xff, 0xff, 0xff))
	f.Add(op(txscript.OP_RETURN, txscript.OP_PUSHDATA2, 0x01))
	f.Add(script(opReturn("ab"), op(txscript.OP_1)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, s []byte) {
		payload, ok := OpReturnPayload(s)
		if !ok {
			return
		}
		// Every pushed byte comes from the script after OP_RETURN.
		if len(payload) >= len(s) && len(payload) > 0 {
			t.Fatalf("payload of %d bytes from a %d-byte script", len(payload), len(s))
		}
		_, _ = ParsePayload(payload)
	})
}
