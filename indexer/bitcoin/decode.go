package bitcoin

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/store"
)

// RecordSchema is the schema of a registration record.
const RecordSchema = "buyer_registration.v1"

// maxRecordLen bounds the body of a registration record. A real record is a
// few hundred bytes; larger JSON inscriptions are not read as records, so an
// inscription cannot push megabytes into the records table.
const maxRecordLen = 64 << 10

// Notice is an input DecodeBlock skipped, or kept only in part. Decoding goes
// on regardless; notices are for the logs and, by Kind, the metrics.
type Notice struct {
	TxID string
	// Kind is one of NoticeKinds: what Reason says, without the ids.
	Kind   string
	Reason string
}

// The kinds of notice.
const (
	NoticeRepeatedTx    = "repeated transaction"
	NoticeEncodedRecord = "encoded record"
	NoticeMistypedField = "mistyped record fields"
)

// NoticeKinds are the kinds a Notice may have.
var NoticeKinds = []string{NoticeRepeatedTx, NoticeEncodedRecord, NoticeMistypedField}

func (n Notice) String() string { return n.TxID + ": " + n.Reason }

// DecodeBlock extracts the registrations and registration records of a block
// (spec/registrations.md). It never fails: malformed transactions, scripts and
// records are skipped, and those worth an operator's attention are returned as
// notices. Positions take the chain name and ref (height, hash, time).
//
// Collections are matched in the order given; a collection whose name repeats
// an earlier one is ignored, since its rows would collide on (txid,
// collection).
func DecodeBlock(chain string, ref store.BlockRef, blk *wire.MsgBlock, collections []Collection) (store.Block, []Notice) {
	out := store.Block{BlockRef: ref}
	if blk == nil {
		return out, nil
	}
	pos := store.Position{
		Chain:       chain,
		BlockHeight: ref.Height,
		BlockHash:   ref.Hash,
		BlockTime:   ref.Time,
	}
	collections = distinctCollections(collections)

	var notices []Notice
	seen := make(map[chainhash.Hash]struct{}, len(blk.Transactions))
	for i, tx := range blk.Transactions {
		if tx == nil || i > math.MaxInt32 {
			continue
		}
		hash := tx.TxHash()
		txid := hash.String()
		// A valid block cannot repeat a transaction, but a block whose
		// merkle tree was mutated (CVE-2012-2459) can; its rows would
		// collide on their keys.
		if _, dup := seen[hash]; dup {
			notices = append(notices, Notice{TxID: txid, Kind: NoticeRepeatedTx, Reason: "transaction repeated in block, skipped"})
			continue
		}
		seen[hash] = struct{}{}

		out.Registrations = append(out.Registrations, txRegistrations(pos, txid, int32(i), tx, collections)...)
		records, recordNotices := txRecords(pos, txid, int32(i), tx)
		out.Records = append(out.Records, records...)
		notices = append(notices, recordNotices...)
	}
	return out, notices
}

func distinctCollections(collections []Collection) []Collection {
	distinct := make([]Collection, 0, len(collections))
	names := make(map[string]struct{}, len(collections))
	for _, c := range collections {
		// A Collection not made by NewCollection may lack its address.
		if _, dup := names[c.Name]; dup || c.Address == nil || len(c.PkScript) == 0 {
			continue
		}
		names[c.Name] = struct{}{}
		distinct = append(distinct, c)
	}
	return distinct
}

// txRegistrations returns tx's registration attempts: one per collection whose
// creator tx pays, when tx carries at least one payload.
func txRegistrations(pos store.Position, txid string, txIndex int32, tx *wire.MsgTx, collections []Collection) []store.Registration {
	var payloads []Payload
	for _, out := range tx.TxOut {
		if out == nil {
			continue
		}
		data, ok := OpReturnPayload(out.PkScript)
		if !ok {
			continue
		}
		if p, err := ParsePayload(data); err == nil {
			payloads = append(payloads, p)
		}
	}
	if len(payloads) == 0 {
		return nil
	}

	var regs []store.Registration
	for _, c := range collections {
		paid, pays := paidTo(tx.TxOut, c.PkScript)
		if !pays {
			continue
		}
		regs = append(regs, store.Registration{
			Position:      pos,
			TxID:          txid,
			Collection:    c.Name,
			TxIndex:       txIndex,
			InscriptionID: payloads[0].InscriptionID.String(),
			ExpiryHeight:  payloads[0].ExpiryHeight,
			Creator:       c.Address.EncodeAddress(),
			PaidSats:      paid,
			MinFeeSats:    c.MinFeeSats,
			Status:        status(len(payloads), paid, c.MinFeeSats, pos.BlockHeight, payloads[0].ExpiryHeight),
		})
	}
	return regs
}

// status decides an attempt's validity. MULTIPLE_PAYLOADS comes first: with
// two payloads there is no single NFT or expiry to judge. A payment that is
// both short and late is UNDERPAID: the amount is the buyer's to fix, the
// expiry only bounds when it may be mined.
func status(payloads int, paid, minFee, height, expiry int64) store.RegistrationStatus {
	switch {
	case payloads > 1:
		return store.StatusMultiplePayloads
	case paid < minFee:
		return store.StatusUnderpaid
	case height > expiry:
		return store.StatusExpired
	default:
		return store.StatusValid
	}
}

// paidTo sums the outputs whose script is pkScript; pays reports whether
// there is any.
func paidTo(outs []*wire.TxOut, pkScript []byte) (paid int64, pays bool) {
	for _, out := range outs {
		if out == nil || !bytes.Equal(out.PkScript, pkScript) {
			continue
		}
		pays = true
		// Consensus keeps values within 0..21e14 and their sum too; the
		// clamps only keep a malformed block from overflowing.
		v := max(out.Value, 0)
		if paid > math.MaxInt64-v {
			paid = math.MaxInt64
		} else {
			paid += v
		}
	}
	return paid, pays
}

// txRecords returns tx's buyer_registration.v1 records: envelopes with content
// type application/json whose body is a JSON object with that schema.
//
// Only the identity content encoding is read. ord itself compresses with
// brotli only, which would need a new dependency for documents of a few
// hundred bytes that nobody compresses; such envelopes are reported.
func txRecords(pos store.Position, txid string, txIndex int32, tx *wire.MsgTx) ([]store.RegistrationRecord, []Notice) {
	var (
		recs    []store.RegistrationRecord
		notices []Notice
	)
	for _, env := range ParseEnvelopes(tx) {
		if !isJSONContentType(env.ContentType) {
			continue
		}
		id := domain.InscriptionID{TxID: txid, Index: env.Index}.String()
		if enc := strings.TrimSpace(env.ContentEncoding); enc != "" && !strings.EqualFold(enc, "identity") {
			notices = append(notices, Notice{
				TxID: txid, Kind: NoticeEncodedRecord,
				Reason: fmt.Sprintf("inscription %s: JSON with content encoding %.40q not decoded", id, enc),
			})
			continue
		}
		rec, wrong, ok := parseRecord(env.Body)
		if !ok {
			continue
		}
		if len(wrong) > 0 {
			notices = append(notices, Notice{
				TxID: txid, Kind: NoticeMistypedField,
				Reason: fmt.Sprintf("record %s: ignored fields of the wrong type: %s", id, strings.Join(wrong, ", ")),
			})
		}
		rec.Position = pos
		rec.InscriptionID = id
		rec.TxIndex = txIndex
		rec.Unbound = env.Unbound
		rec.EnvelopeParents = make([]string, len(env.Parents))
		for i, p := range env.Parents {
			rec.EnvelopeParents[i] = p.String()
		}
		recs = append(recs, rec)
	}
	return recs, notices
}

// isJSONContentType reports whether a content type is application/json,
// with or without parameters such as charset.
func isJSONContentType(ct string) bool {
	mediaType, _, _ := strings.Cut(ct, ";")
	return strings.EqualFold(strings.TrimSpace(mediaType), "application/json")
}

// parseRecord reads a buyer_registration.v1 body. ok is false when the body
// is not such a record. Fields of the wrong type (or strings holding a NUL,
// which PostgreSQL text cannot store) are left empty and named in wrong; the
// rest of the record is kept, since a record is checked against the chain
// when it is read, never trusted. fee_sats is accepted as a JSON integer or
// as a string holding one.
//
// Ids are normalised to lower-case hex when they parse, so a record links to
// its registration and parent whatever case the buyer wrote; anything else
// is kept as written.
func parseRecord(body []byte) (rec store.RegistrationRecord, wrong []string, ok bool) {
	// encoding/json lets invalid UTF-8 through, and text columns refuse it.
	if len(body) > maxRecordLen || !utf8.Valid(body) {
		return store.RegistrationRecord{}, nil, false
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return store.RegistrationRecord{}, nil, false
	}
	if schema, bad := textField(obj, "schema"); bad || schema != RecordSchema {
		return store.RegistrationRecord{}, nil, false
	}

	text := func(key string) string {
		s, bad := textField(obj, key)
		if bad {
			wrong = append(wrong, key)
		}
		return s
	}
	rec.Parent = text("parent")
	if id, err := domain.ParseInscriptionID(rec.Parent); err == nil {
		rec.Parent = id.String()
	}
	rec.PaidTo = text("paid_to")
	rec.Timestamp = text("timestamp")
	rec.FeeTxID = text("txid")
	if rec.FeeTxID == "" {
		rec.FeeTxID = text("feeTxid")
	}
	if isTxIDHex(rec.FeeTxID) {
		rec.FeeTxID = strings.ToLower(rec.FeeTxID)
	}
	fee, bad := satsField(obj, "fee_sats")
	if bad {
		wrong = append(wrong, "fee_sats")
	}
	rec.FeeSats = fee
	rec.Body = string(body)
	return rec, wrong, true
}

// textField returns obj[key] as a string. bad reports a value that is there
// (not absent, not null) but is not a string PostgreSQL can store.
func textField(obj map[string]json.RawMessage, key string) (s string, bad bool) {
	raw, ok := obj[key]
	if !ok || isJSONNull(raw) {
		return "", false
	}
	if err := json.Unmarshal(raw, &s); err != nil || strings.IndexByte(s, 0) >= 0 {
		return "", true
	}
	return s, false
}

// maxExactFloat is the largest integer a float64 holds exactly (2^53).
const maxExactFloat = 1 << 53

// satsField returns obj[key] as an integer: a JSON number without a
// fractional part (50000 or 5e4), or a string holding one.
func satsField(obj map[string]json.RawMessage, key string) (n int64, bad bool) {
	raw, ok := obj[key]
	if !ok || isJSONNull(raw) {
		return 0, false
	}
	// json.Number also takes a string holding a valid number.
	var num json.Number
	if err := json.Unmarshal(raw, &num); err != nil {
		return 0, true
	}
	if n, err := strconv.ParseInt(num.String(), 10, 64); err == nil {
		return n, false
	}
	f, err := num.Float64()
	if err != nil || f != math.Trunc(f) || math.Abs(f) > maxExactFloat {
		return 0, true
	}
	return int64(f), false
}

func isJSONNull(raw json.RawMessage) bool {
	return bytes.Equal(bytes.TrimSpace(raw), []byte("null"))
}
