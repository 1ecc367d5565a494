package bitcoin

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
)

func TestTapscript(t *testing.T) {
	s := []byte{0xaa}
	annex := []byte{annexPrefix, 0x01}
	tests := []struct {
		name    string
		witness wire.TxWitness
		want    []byte
		ok      bool
	}{
		{"no witness", nil, nil, false},
		{"key path", wire.TxWitness{{0x01}}, nil, false},
		{"script path", wire.TxWitness{{0x01}, s, controlBlock()}, s, true},
		{"script and control block only", wire.TxWitness{s, controlBlock()}, s, true},
		{"annex dropped", wire.TxWitness{{0x01}, s, controlBlock(), annex}, s, true},
		{"key path with annex", wire.TxWitness{s, annex}, nil, false},
		{"empty last element is no annex", wire.TxWitness{s, {}}, s, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tapscript(tt.witness)
			if ok != tt.ok || !bytes.Equal(got, tt.want) {
				t.Errorf("tapscript() = %x, %v; want %x, %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestTapscriptEnvelopes(t *testing.T) {
	parent0 := txidLower + "i0"
	parent1 := txidLower + "i1"
	parent256 := txidLower + "i256"
	ct := []byte("text/plain;charset=utf-8")
	tag := func(n byte) []byte { return []byte{n} }

	parentRaw := parentBytes(t, parent0)
	withIndex := func(index ...byte) []byte { return append(append([]byte{}, parentRaw...), index...) }

	tests := []struct {
		name   string
		script []byte
		want   []Envelope
		ok     bool
	}{
		{
			name:   "content type and body",
			script: envelope(tag(1), ct, nil, []byte("hello")),
			want:   []Envelope{{ContentType: string(ct), HasBody: true, Body: []byte("hello")}},
			ok:     true,
		},
		{
			name:   "body in several pushes",
			script: envelope(tag(1), ct, nil, []byte("foo"), nil, []byte("bar")),
			want:   []Envelope{{ContentType: string(ct), HasBody: true, Body: []byte("foobar")}},
			ok:     true,
		},
		{
			name:   "no body",
			script: envelope(tag(1), ct),
			want:   []Envelope{{ContentType: string(ct)}},
			ok:     true,
		},
		{
			name:   "empty envelope",
			script: envelope(),
			want:   []Envelope{{}},
			ok:     true,
		},
		{
			name:   "empty value is not the body tag",
			script: envelope(tag(1), nil, nil, []byte("x")),
			want:   []Envelope{{HasBody: true, Body: []byte("x")}},
			ok:     true,
		},
		{
			name: "tag and body as OP_1 and OP_0",
			script: script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte("ord")),
				op(txscript.OP_1), push(ct), op(txscript.OP_0, txscript.OP_16, txscript.OP_1NEGATE, txscript.OP_ENDIF)),
			want: []Envelope{{ContentType: string(ct), HasBody: true, Body: []byte{16, 0x81}}},
			ok:   true,
		},
		{
			name: "fields",
			script: envelope(
				tag(1), ct,
				tag(1), []byte("image/png"),
				tag(9), []byte("br"),
				tag(7), []byte("brc-20"),
				tag(5), []byte{0xa1},
				tag(5), []byte{0x01, 0x02},
				tag(15), []byte("odd tags are ignored"),
				nil, []byte("body")),
			want: []Envelope{{
				ContentType:     string(ct),
				ContentEncoding: "br",
				Metaprotocol:    "brc-20",
				Metadata:        []byte{0xa1, 0x01, 0x02},
				HasBody:         true,
				Body:            []byte("body"),
			}},
			ok: true,
		},
		{
			name:   "empty metadata",
			script: envelope(tag(5), nil),
			want:   []Envelope{{Metadata: []byte{}}},
			ok:     true,
		},
		{
			name: "parents",
			script: envelope(
				tag(3), parentBytes(t, parent0),
				tag(3), parentBytes(t, parent1),
				tag(3), parentBytes(t, parent256),
				tag(3), withIndex(1, 0, 0, 0), // fixed 4-byte index
				tag(3), withIndex(1, 0), // trailing zero, not 4 bytes: dropped
				tag(3), withIndex(0), // trailing zero: dropped
				tag(3), parentRaw[:31], // too short: dropped
				tag(3), withIndex(1, 2, 3, 4, 5), // too long: dropped
			),
			want: []Envelope{{Parents: []domain.InscriptionID{
				{TxID: txidLower, Index: 0}, {TxID: txidLower, Index: 1}, {TxID: txidLower, Index: 256}, {TxID: txidLower, Index: 1},
			}}},
			ok: true,
		},
		{
			name:   "unknown even tag makes it unbound",
			script: envelope(tag(22), []byte{0}),
			want:   []Envelope{{Unbound: true}},
			ok:     true,
		},
		{
			name:   "tag 66",
			script: envelope(tag(66), []byte{1}),
			want:   []Envelope{{Unbound: true}},
			ok:     true,
		},
		{
			name:   "pointer is a known even tag",
			script: envelope(tag(2), []byte{1}),
			want:   []Envelope{{}},
			ok:     true,
		},
		{
			name:   "repeated pointer makes it unbound",
			script: envelope(tag(2), []byte{1}, tag(2), []byte{0}),
			want:   []Envelope{{Unbound: true}},
			ok:     true,
		},
		{
			name:   "multi-byte tag with even first byte",
			script: envelope([]byte{2, 1}, []byte{1}),
			want:   []Envelope{{Unbound: true}},
			ok:     true,
		},
		{
			name:   "multi-byte tag with odd first byte",
			script: envelope([]byte{1, 2}, []byte("ignored")),
			want:   []Envelope{{}},
			ok:     true,
		},
		{
			name:   "tag without value is ignored",
			script: envelope(tag(1), ct, tag(22)),
			want:   []Envelope{{ContentType: string(ct)}},
			ok:     true,
		},
		{
			name:   "even tag after the body tag is body",
			script: envelope(nil, tag(22), []byte{0}),
			want:   []Envelope{{HasBody: true, Body: []byte{22, 0}}},
			ok:     true,
		},
		{
			name: "two envelopes in one script",
			script: script(
				envelope(tag(1), ct, nil, []byte("foo")),
				op(txscript.OP_CHECKSIG),
				envelope(tag(1), ct, nil, []byte("bar"))),
			want: []Envelope{
				{ContentType: string(ct), HasBody: true, Body: []byte("foo")},
				{Offset: 1, ContentType: string(ct), HasBody: true, Body: []byte("bar")},
			},
			ok: true,
		},
		{
			name: "ops before and after",
			script: script(push(bytes.Repeat([]byte{7}, 32)), op(txscript.OP_CHECKSIG),
				envelope(nil, []byte("x")), op(txscript.OP_CHECKSIG)),
			want: []Envelope{{HasBody: true, Body: []byte("x")}},
			ok:   true,
		},
		{
			name:   "stutter",
			script: script(op(txscript.OP_FALSE), envelope(nil, []byte("x"))),
			want:   []Envelope{{HasBody: true, Body: []byte("x")}},
			ok:     true,
		},
		{
			name:   "empty OP_PUSHDATA1 opens an envelope",
			script: script(op(txscript.OP_PUSHDATA1, 0, txscript.OP_IF), push([]byte("ord")), op(txscript.OP_ENDIF)),
			want:   []Envelope{{}},
			ok:     true,
		},
		{
			name:   "wrong protocol",
			script: script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte("foo")), op(txscript.OP_ENDIF)),
			ok:     true,
		},
		{
			name:   "no OP_FALSE",
			script: script(op(txscript.OP_IF), push([]byte("ord")), op(txscript.OP_ENDIF)),
			ok:     true,
		},
		{
			name:   "no OP_ENDIF",
			script: script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte("ord")), push([]byte("x"))),
			ok:     true,
		},
		{
			name:   "other opcode inside abandons the envelope",
			script: script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte("ord")), op(txscript.OP_NOP), op(txscript.OP_ENDIF)),
			ok:     true,
		},
		{
			name: "envelope after an abandoned one",
			script: script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte("ord")), op(txscript.OP_DROP),
				envelope(nil, []byte("x"))),
			want: []Envelope{{HasBody: true, Body: []byte("x")}},
			ok:   true,
		},
		{
			name:   "push past the end drops every envelope of the script",
			script: script(envelope(nil, []byte("x")), op(0x05, 'a')),
			ok:     false,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := tapscriptEnvelopes(tt.script)
			if ok != tt.ok {
				t.Fatalf("ok = %v, want %v", ok, tt.ok)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("envelopes:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestParseEnvelopes(t *testing.T) {
	a := envelope(nil, []byte("a"))
	b := envelope(nil, []byte("b"))
	c := envelope(nil, []byte("c"))
	annexed := tapWitness(c)
	annexed = append(annexed, []byte{annexPrefix})

	msg := tx([]wire.TxWitness{
		tapWitness(script(a, b)),        // input 0: two envelopes
		{{0x01}},                        // input 1: key path
		tapWitness(script(a, op(0x4c))), // input 2: does not tokenize
		annexed,                         // input 3: annex dropped
		{envelope(nil, []byte("key path")), {annexPrefix}}, // input 4: annex, no tapscript
	})
	got := ParseEnvelopes(msg)
	want := []Envelope{
		{Index: 0, Input: 0, Offset: 0, HasBody: true, Body: []byte("a")},
		{Index: 1, Input: 0, Offset: 1, HasBody: true, Body: []byte("b")},
		{Index: 2, Input: 3, Offset: 0, HasBody: true, Body: []byte("c")},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ParseEnvelopes:\n got %+v\nwant %+v", got, want)
	}
}

func FuzzParseEnvelopes(f *testing.F) {
	f.Add(envelope([]byte{1}, []byte("application/json"), nil, []byte(`{"schema":"buyer_registration.v1"}`)))
	f.Add(script(envelope([]byte{3}, bytes.Repeat([]byte{1}, 33)), envelope([]byte{22}, nil)))
	f.Add(script(op(txscript.OP_FALSE, txscript.OP_IF), push([]byte("ord")), op(txscript.OP_1, txscript.OP_1NEGATE, txscript.OP_0)))
	f.Add(script(envelope(nil), op(txscript.OP_PUSHDATA4, 0xff, 0xff)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, s []byte) {
		witnesses := []wire.TxWitness{
			tapWitness(s),
			{s},
			append(tapWitness(s), []byte{annexPrefix}),
			{s, {annexPrefix}},
		}
		envs := ParseEnvelopes(tx(witnesses))
		for i, env := range envs {
			if env.Index != uint32(i) {
				t.Fatalf("envelope %d has index %d", i, env.Index)
			}
			if env.Input != 0 && env.Input != 2 {
				t.Fatalf("envelope %d from input %d, which has no tapscript", i, env.Input)
			}
			if len(env.Body) > len(s) {
				t.Fatalf("body of %d bytes from a %d-byte script", len(env.Body), len(s))
			}
			for _, p := range env.Parents {
				if !isTxIDHex(p.TxID) {
					t.Fatalf("parent txid %q", p.TxID)
				}
			}
		}
	})
}
