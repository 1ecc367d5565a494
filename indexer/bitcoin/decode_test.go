package bitcoin

import (
	"bytes"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/store"
)

const testChain = "bitcoin-mainnet"

func testRef(height int64) store.BlockRef {
	return store.BlockRef{
		Height: height,
		Hash:   strings.Repeat("0", 56) + "deadbeef",
		Parent: strings.Repeat("0", 56) + "cafebabe",
		Time:   time.Date(2025, 11, 1, 12, 0, 0, 0, time.UTC),
	}
}

func testPosition(height int64) store.Position {
	ref := testRef(height)
	return store.Position{Chain: testChain, BlockHeight: ref.Height, BlockHash: ref.Hash, BlockTime: ref.Time}
}

// testBlock puts a coinbase-like transaction first, so the transactions
// under test have indexes 1, 2, …
func testBlock(txs ...*wire.MsgTx) *wire.MsgBlock {
	blk := wire.NewMsgBlock(&wire.BlockHeader{})
	coinbase := wire.NewMsgTx(1)
	coinbase.AddTxIn(wire.NewTxIn(wire.NewOutPoint(&chainhash.Hash{}, wire.MaxPrevOutIndex), []byte{0x03, 0x01, 0x02, 0x03}, nil))
	coinbase.AddTxOut(wire.NewTxOut(312_500_000, []byte{txscript.OP_TRUE}))
	_ = blk.AddTransaction(coinbase)
	for _, tx := range txs {
		_ = blk.AddTransaction(tx)
	}
	return blk
}

func TestDecodeBlockRegistrations(t *testing.T) {
	net := &chaincfg.MainNetParams
	alpha := testCollection(t, "alpha", testAddress(t, "p2tr", 1, net), net, 0)
	beta := testCollection(t, "beta", testAddress(t, "p2wpkh", 2, net), net, 10_000)
	other := testCollection(t, "other", testAddress(t, "p2pkh", 3, net), net, 0)
	collections := []Collection{alpha, beta}

	const height = 900_000
	id := txidLower + "i0"
	payload := opReturn(id + "|900000")
	pay := func(c Collection, v int64) *wire.TxOut { return out(v, c.PkScript) }
	change := out(1_000, other.PkScript)
	rest := id[10:] + "|900000"

	type want struct {
		collection Collection
		paid       int64
		status     store.RegistrationStatus
		id         string
		expiry     int64
	}
	tests := []struct {
		name        string
		outs        []*wire.TxOut
		collections []Collection
		want        []want
	}{
		{
			name: "valid at the minimum fee",
			outs: []*wire.TxOut{out(0, payload), pay(alpha, 50_000), change},
			want: []want{{alpha, 50_000, store.StatusValid, id, 900_000}},
		},
		{
			name: "payload after the payment",
			outs: []*wire.TxOut{pay(alpha, 60_000), out(0, payload)},
			want: []want{{alpha, 60_000, store.StatusValid, id, 900_000}},
		},
		{
			name: "two outputs add up",
			outs: []*wire.TxOut{pay(alpha, 30_000), out(0, payload), pay(alpha, 20_000)},
			want: []want{{alpha, 50_000, store.StatusValid, id, 900_000}},
		},
		{
			name: "underpaid",
			outs: []*wire.TxOut{out(0, payload), pay(alpha, 49_999)},
			want: []want{{alpha, 49_999, store.StatusUnderpaid, id, 900_000}},
		},
		{
			name: "zero-value payment is an underpaid attempt",
			outs: []*wire.TxOut{out(0, payload), pay(alpha, 0)},
			want: []want{{alpha, 0, store.StatusUnderpaid, id, 900_000}},
		},
		{
			name: "expired",
			outs: []*wire.TxOut{out(0, opReturn(id+"|899999")), pay(alpha, 50_000)},
			want: []want{{alpha, 50_000, store.StatusExpired, id, 899_999}},
		},
		{
			name: "underpaid and expired is underpaid",
			outs: []*wire.TxOut{out(0, opReturn(id+"|1")), pay(alpha, 1)},
			want: []want{{alpha, 1, store.StatusUnderpaid, id, 1}},
		},
		{
			name: "multiple payloads",
			outs: []*wire.TxOut{
				out(0, opReturn(txidUpper+"i5|900100")), pay(alpha, 50_000),
				out(0, payload), pay(beta, 10_000),
			},
			want: []want{
				{alpha, 50_000, store.StatusMultiplePayloads, txidLower + "i5", 900_100},
				{beta, 10_000, store.StatusMultiplePayloads, txidLower + "i5", 900_100},
			},
		},
		{
			name: "second OP_RETURN that is no payload",
			outs: []*wire.TxOut{out(0, payload), out(0, opReturn("hello")), pay(alpha, 50_000)},
			want: []want{{alpha, 50_000, store.StatusValid, id, 900_000}},
		},
		{
			name: "two collections",
			outs: []*wire.TxOut{out(0, payload), pay(alpha, 40_000), pay(beta, 10_000)},
			want: []want{
				{alpha, 40_000, store.StatusUnderpaid, id, 900_000},
				{beta, 10_000, store.StatusValid, id, 900_000},
			},
		},
		{
			name:        "repeated collection name counts once",
			outs:        []*wire.TxOut{out(0, payload), pay(alpha, 50_000)},
			collections: []Collection{alpha, alpha},
			want:        []want{{alpha, 50_000, store.StatusValid, id, 900_000}},
		},
		{
			name: "upper-case id stored lower-case",
			outs: []*wire.TxOut{out(0, opReturn(txidUpper+"i7|900000")), pay(alpha, 50_000)},
			want: []want{{alpha, 50_000, store.StatusValid, txidLower + "i7", 900_000}},
		},
		{
			name: "payload split over pushdata forms",
			outs: []*wire.TxOut{
				out(0, script(op(txscript.OP_RETURN, txscript.OP_PUSHDATA1, 10), []byte(txidLower[:10]),
					op(txscript.OP_PUSHDATA2, byte(len(rest)), 0), []byte(rest))),
				pay(alpha, 50_000),
			},
			want: []want{{alpha, 50_000, store.StatusValid, id, 900_000}},
		},
		{
			name: "payment to someone else",
			outs: []*wire.TxOut{out(0, payload), change},
		},
		{
			name: "payload without payment",
			outs: []*wire.TxOut{out(0, payload)},
		},
		{
			name: "payment without payload",
			outs: []*wire.TxOut{pay(alpha, 50_000)},
		},
		{
			name: "payload text that does not parse",
			outs: []*wire.TxOut{out(0, opReturn(id+"|-1")), pay(alpha, 50_000)},
		},
		{
			name: "OP_RETURN with another opcode",
			outs: []*wire.TxOut{out(0, script(payload, op(txscript.OP_CHECKSIG))), pay(alpha, 50_000)},
		},
		{
			name: "OP_RETURN with push past the end",
			outs: []*wire.TxOut{out(0, script(payload, op(0x10, 'a'))), pay(alpha, 50_000)},
		},
		{
			name: "payload in a non-OP_RETURN script",
			outs: []*wire.TxOut{out(0, payload[1:]), pay(alpha, 50_000)},
		},
		{
			name: "0x6a inside another output is no payload",
			outs: []*wire.TxOut{out(0, script(op(txscript.OP_DUP), payload)), pay(alpha, 50_000)},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tx(nil, tt.outs...)
			colls := tt.collections
			if colls == nil {
				colls = collections
			}
			got, notices := DecodeBlock(testChain, testRef(height), testBlock(msg), colls)
			if len(notices) != 0 {
				t.Errorf("notices: %v", notices)
			}
			var wantRegs []store.Registration
			for _, w := range tt.want {
				wantRegs = append(wantRegs, store.Registration{
					Position:      testPosition(height),
					TxID:          msg.TxHash().String(),
					Collection:    w.collection.Name,
					TxIndex:       1,
					InscriptionID: w.id,
					ExpiryHeight:  w.expiry,
					Creator:       w.collection.Address.EncodeAddress(),
					PaidSats:      w.paid,
					MinFeeSats:    w.collection.MinFeeSats,
					Status:        w.status,
				})
			}
			if !reflect.DeepEqual(got.Registrations, wantRegs) {
				t.Errorf("registrations:\n got %+v\nwant %+v", got.Registrations, wantRegs)
			}
			if got.BlockRef != testRef(height) || len(got.Records) != 0 {
				t.Errorf("block ref %+v, %d records", got.BlockRef, len(got.Records))
			}
		})
	}
}

func TestDecodeBlockExpiryBoundary(t *testing.T) {
	net := &chaincfg.MainNetParams
	alpha := testCollection(t, "alpha", testAddress(t, "p2tr", 1, net), net, 0)
	msg := tx(nil, out(0, opReturn(txidLower+"i0|900000")), out(50_000, alpha.PkScript))
	for _, tt := range []struct {
		height int64
		want   store.RegistrationStatus
	}{
		{899_999, store.StatusValid},
		{900_000, store.StatusValid},
		{900_001, store.StatusExpired},
	} {
		got, _ := DecodeBlock(testChain, testRef(tt.height), testBlock(msg), []Collection{alpha})
		if len(got.Registrations) != 1 || got.Registrations[0].Status != tt.want {
			t.Errorf("height %d: %+v, want %s", tt.height, got.Registrations, tt.want)
		}
	}
}

// recordEnvelope is an inscription envelope holding body with content type ct.
func recordEnvelope(ct string, body string, fields ...[]byte) []byte {
	pushes := append([][]byte{{tagContentType}, []byte(ct)}, fields...)
	pushes = append(pushes, nil)
	for len(body) > 0 {
		n := min(len(body), txscript.MaxScriptElementSize)
		pushes = append(pushes, []byte(body[:n]))
		body = body[n:]
	}
	return envelope(pushes...)
}

func TestDecodeBlockRecords(t *testing.T) {
	const height = 900_000
	parent := txidLower + "i0"
	feeTxid := strings.Repeat("ab", 32)
	valid := `{"schema":"buyer_registration.v1","parent":"` + parent + `","paid_to":"bc1qcreator","fee_sats":50000,"txid":"` + feeTxid + `","timestamp":"2025-11-01T12:00:00Z"}`
	full := store.RegistrationRecord{
		Parent:    parent,
		PaidTo:    "bc1qcreator",
		FeeSats:   50_000,
		FeeTxID:   feeTxid,
		Timestamp: "2025-11-01T12:00:00Z",
	}
	with := func(edit func(*store.RegistrationRecord)) store.RegistrationRecord {
		r := full
		edit(&r)
		return r
	}

	tests := []struct {
		name    string
		script  []byte
		want    *store.RegistrationRecord
		notices int
	}{
		{
			name:   "valid",
			script: recordEnvelope("application/json", valid, []byte{tagParent}, parentBytes(t, parent)),
			want:   ptr(with(func(r *store.RegistrationRecord) { r.EnvelopeParents = []string{parent} })),
		},
		{
			name:   "charset parameter",
			script: recordEnvelope("Application/JSON; charset=utf-8", valid),
			want:   ptr(full),
		},
		{
			name:   "feeTxid",
			script: recordEnvelope("application/json", strings.Replace(valid, `"txid"`, `"feeTxid"`, 1)),
			want:   ptr(full),
		},
		{
			name:   "txid wins over feeTxid",
			script: recordEnvelope("application/json", strings.Replace(valid, `"txid"`, `"feeTxid":"`+strings.Repeat("cd", 32)+`","txid"`, 1)),
			want:   ptr(full),
		},
		{
			name:   "upper-case ids normalised",
			script: recordEnvelope("application/json", strings.NewReplacer(parent, strings.ToUpper(txidLower)+"i0", feeTxid, strings.ToUpper(feeTxid)).Replace(valid)),
			want:   ptr(full),
		},
		{
			name:   "malformed ids kept as written",
			script: recordEnvelope("application/json", strings.NewReplacer(parent, "NFT", feeTxid, "0xABC").Replace(valid)),
			want: ptr(with(func(r *store.RegistrationRecord) {
				r.Parent = "NFT"
				r.FeeTxID = "0xABC"
			})),
		},
		{
			name:   "fee as a string",
			script: recordEnvelope("application/json", strings.Replace(valid, `50000`, `"50000"`, 1)),
			want:   ptr(full),
		},
		{
			name:   "fee in exponent form",
			script: recordEnvelope("application/json", strings.Replace(valid, `50000`, `5e4`, 1)),
			want:   ptr(full),
		},
		{
			name:    "fractional fee",
			script:  recordEnvelope("application/json", strings.Replace(valid, `50000`, `50000.5`, 1)),
			want:    ptr(with(func(r *store.RegistrationRecord) { r.FeeSats = 0 })),
			notices: 1,
		},
		{
			name: "wrong types keep the rest",
			script: recordEnvelope("application/json", strings.NewReplacer(
				`"2025-11-01T12:00:00Z"`, `1761998400`,
				`"bc1qcreator"`, `["bc1qcreator"]`,
				`50000`, `"lots"`,
			).Replace(valid)),
			want: ptr(with(func(r *store.RegistrationRecord) {
				r.Timestamp = ""
				r.PaidTo = ""
				r.FeeSats = 0
			})),
			notices: 1,
		},
		{
			name:    "NUL in a string",
			script:  recordEnvelope("application/json", strings.Replace(valid, `bc1qcreator`, `bc1q\u0000`, 1)),
			want:    ptr(with(func(r *store.RegistrationRecord) { r.PaidTo = "" })),
			notices: 1,
		},
		{
			name:   "null and missing fields",
			script: recordEnvelope("application/json", `{"schema":"buyer_registration.v1","parent":null}`),
			want:   &store.RegistrationRecord{},
		},
		{
			name:   "unbound envelope",
			script: recordEnvelope("application/json", valid, []byte{22}, []byte{1}),
			want:   ptr(with(func(r *store.RegistrationRecord) { r.Unbound = true })),
		},
		{
			name:    "brotli is not decoded",
			script:  recordEnvelope("application/json", valid, []byte{tagContentEncoding}, []byte("br")),
			notices: 1,
		},
		{
			name:   "identity encoding",
			script: recordEnvelope("application/json", valid, []byte{tagContentEncoding}, []byte("identity")),
			want:   ptr(full),
		},
		{
			name:   "other schema",
			script: recordEnvelope("application/json", strings.Replace(valid, ".v1", ".v2", 1)),
		},
		{
			name:   "schema of the wrong type",
			script: recordEnvelope("application/json", `{"schema":["buyer_registration.v1"]}`),
		},
		{
			name:   "text/plain",
			script: recordEnvelope("text/plain", valid),
		},
		{
			name:   "application/jsonx",
			script: recordEnvelope("application/jsonx", valid),
		},
		{
			name:   "invalid JSON",
			script: recordEnvelope("application/json", valid[:len(valid)-1]),
		},
		{
			name:   "JSON array",
			script: recordEnvelope("application/json", `[`+valid+`]`),
		},
		{
			name:   "invalid UTF-8",
			script: recordEnvelope("application/json", strings.Replace(valid, "bc1qcreator", "bc1q\xff", 1)),
		},
		{
			name:   "too large",
			script: recordEnvelope("application/json", valid[:len(valid)-1]+`,"pad":"`+strings.Repeat("x", maxRecordLen)+`"}`),
		},
		{
			name:   "no body",
			script: envelope([]byte{tagContentType}, []byte("application/json")),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := tx([]wire.TxWitness{tapWitness(tt.script)}, out(546, []byte{txscript.OP_TRUE}))
			got, notices := DecodeBlock(testChain, testRef(height), testBlock(msg), nil)
			if len(notices) != tt.notices {
				t.Errorf("notices = %v, want %d", notices, tt.notices)
			}
			var want []store.RegistrationRecord
			if tt.want != nil {
				r := *tt.want
				r.Position = testPosition(height)
				r.InscriptionID = msg.TxHash().String() + "i0"
				r.TxIndex = 1
				if r.EnvelopeParents == nil {
					r.EnvelopeParents = []string{}
				}
				if r.Body == "" {
					r.Body = envelopeBody(t, tt.script)
				}
				want = append(want, r)
			}
			if !reflect.DeepEqual(got.Records, want) {
				t.Errorf("records:\n got %+v\nwant %+v", got.Records, want)
			}
		})
	}
}

// envelopeBody returns the body of the only envelope in a tapscript.
func envelopeBody(t *testing.T, s []byte) string {
	t.Helper()
	envs, ok := tapscriptEnvelopes(s)
	if !ok || len(envs) != 1 {
		t.Fatalf("want one envelope, got %d (ok %v)", len(envs), ok)
	}
	return string(envs[0].Body)
}

func ptr(r store.RegistrationRecord) *store.RegistrationRecord { return &r }

func TestDecodeBlock(t *testing.T) {
	net := &chaincfg.MainNetParams
	alpha := testCollection(t, "alpha", testAddress(t, "p2tr", 1, net), net, 0)
	const height = 900_000
	parent := txidLower + "i0"

	fee := tx(nil, out(0, opReturn(parent+"|900010")), out(50_000, alpha.PkScript))
	record := `{"schema":"buyer_registration.v1","parent":"` + parent + `","paid_to":"` +
		alpha.Address.EncodeAddress() + `","fee_sats":50000,"txid":"` + fee.TxHash().String() + `","timestamp":"2025-11-01T12:00:00Z"}`
	// The reveal carries an image in input 0 and the record in input 1, so
	// the record is the transaction's second inscription.
	reveal := tx([]wire.TxWitness{
		tapWitness(envelope([]byte{tagContentType}, []byte("image/png"), nil, []byte{0x89, 'P', 'N', 'G'})),
		tapWitness(recordEnvelope("application/json", record, []byte{tagParent}, parentBytes(t, parent))),
	}, out(546, []byte{txscript.OP_TRUE}), out(546, []byte{txscript.OP_TRUE}))

	blk := testBlock(fee, reveal, fee)
	got, notices := DecodeBlock(testChain, testRef(height), blk, []Collection{alpha})

	want := store.Block{
		BlockRef: testRef(height),
		Registrations: []store.Registration{{
			Position:      testPosition(height),
			TxID:          fee.TxHash().String(),
			Collection:    "alpha",
			TxIndex:       1,
			InscriptionID: parent,
			ExpiryHeight:  900_010,
			Creator:       alpha.Address.EncodeAddress(),
			PaidSats:      50_000,
			MinFeeSats:    DefaultMinFeeSats,
			Status:        store.StatusValid,
		}},
		Records: []store.RegistrationRecord{{
			Position:        testPosition(height),
			InscriptionID:   reveal.TxHash().String() + "i1",
			TxIndex:         2,
			EnvelopeParents: []string{parent},
			Parent:          parent,
			PaidTo:          alpha.Address.EncodeAddress(),
			FeeSats:         50_000,
			FeeTxID:         fee.TxHash().String(),
			Timestamp:       "2025-11-01T12:00:00Z",
			Body:            record,
		}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("DecodeBlock:\n got %+v\nwant %+v", got, want)
	}
	// The fee transaction appears twice (a mutated block): the copy is
	// skipped and reported.
	wantNotices := []Notice{{TxID: fee.TxHash().String(), Kind: NoticeRepeatedTx, Reason: "transaction repeated in block, skipped"}}
	if !reflect.DeepEqual(notices, wantNotices) {
		t.Errorf("notices = %v, want %v", notices, wantNotices)
	}

	if got, notices := DecodeBlock(testChain, testRef(height), nil, []Collection{alpha}); !reflect.DeepEqual(got, store.Block{BlockRef: testRef(height)}) || notices != nil {
		t.Errorf("nil block: %+v, %v", got, notices)
	}
}

func FuzzDecodeBlock(f *testing.F) {
	net := &chaincfg.MainNetParams
	alpha := testCollection(f, "alpha", testAddress(f, "p2tr", 1, net), net, 0)
	parent := txidLower + "i0"
	record := `{"schema":"buyer_registration.v1","parent":"` + parent + `","fee_sats":50000,"feeTxid":"` + txidLower + `"}`
	blk := testBlock(
		tx(nil, out(0, opReturn(parent+"|900010")), out(50_000, alpha.PkScript)),
		tx(nil, out(0, opReturn(parent+"|1")), out(0, opReturn(parent+"|2")), out(1, alpha.PkScript)),
		tx([]wire.TxWitness{tapWitness(recordEnvelope("application/json", record))}, out(546, alpha.PkScript)),
	)
	var buf bytes.Buffer
	if err := blk.Serialize(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	buf.Reset()
	if err := chaincfg.MainNetParams.GenesisBlock.Serialize(&buf); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())

	f.Fuzz(func(t *testing.T, raw []byte) {
		var blk wire.MsgBlock
		if err := blk.Deserialize(bytes.NewReader(raw)); err != nil {
			return
		}
		got, _ := DecodeBlock(testChain, testRef(900_000), &blk, []Collection{alpha})
		regs := make(map[string]bool)
		for _, r := range got.Registrations {
			key := r.TxID + "/" + r.Collection
			if regs[key] {
				t.Fatalf("registration %s twice", key)
			}
			regs[key] = true
			if _, err := domain.ParseInscriptionID(r.InscriptionID); err != nil {
				t.Fatalf("registration with inscription id %q: %v", r.InscriptionID, err)
			}
		}
		recs := make(map[string]bool)
		for _, r := range got.Records {
			if recs[r.InscriptionID] {
				t.Fatalf("record %s twice", r.InscriptionID)
			}
			recs[r.InscriptionID] = true
			for _, s := range []string{r.Parent, r.PaidTo, r.FeeTxID, r.Timestamp, r.Body} {
				if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
					t.Fatalf("record %s holds text PostgreSQL cannot store: %q", r.InscriptionID, s)
				}
			}
		}
	})
}

func TestPaidTo(t *testing.T) {
	creator := []byte{txscript.OP_TRUE}
	tests := []struct {
		name string
		outs []*wire.TxOut
		paid int64
		pays bool
	}{
		{"none", []*wire.TxOut{out(5, []byte{txscript.OP_FALSE}), nil}, 0, false},
		{"sum", []*wire.TxOut{out(5, creator), out(7, []byte{txscript.OP_FALSE}), out(6, creator)}, 11, true},
		{"negative value counts as zero", []*wire.TxOut{out(-5, creator), out(6, creator)}, 6, true},
		{"overflow saturates", []*wire.TxOut{out(math.MaxInt64, creator), out(1, creator)}, math.MaxInt64, true},
	}
	for _, tt := range tests {
		paid, pays := paidTo(tt.outs, creator)
		if paid != tt.paid || pays != tt.pays {
			t.Errorf("%s: paidTo = %d, %v; want %d, %v", tt.name, paid, pays, tt.paid, tt.pays)
		}
	}
}
