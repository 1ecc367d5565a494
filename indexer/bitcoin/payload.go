// Package bitcoin turns Bitcoin blocks into registrations and registration
// records (spec/registrations.md). The decoders in payload.go, script.go,
// envelope.go and decode.go are pure functions of their input: they do no I/O
// and never fail or panic on malformed data, they skip it.
package bitcoin

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxPayloadLen is the longest registration payload, in bytes.
const MaxPayloadLen = 256

// MaxExpiryHeight is the largest expiry height a payload may carry (2^31−1).
const MaxExpiryHeight = 1<<31 - 1

// txidHexLen is the length of a txid in hex.
const txidHexLen = 64

// InscriptionID names an Ordinals inscription: the reveal transaction and the
// inscription's index within it.
type InscriptionID struct {
	// TxID is the reveal txid, 64 lower-case hex characters in display order.
	TxID  string
	Index uint32
}

// String returns the canonical form <txid>i<index>.
func (id InscriptionID) String() string {
	return id.TxID + "i" + strconv.FormatUint(uint64(id.Index), 10)
}

// ParseInscriptionID parses <64 hex>i<index>. Hex is accepted in either case
// and returned lower-case; the index is decimal without sign or leading zeros
// (except "0") and fits in a uint32, as in ord.
func ParseInscriptionID(s string) (InscriptionID, error) {
	if len(s) < txidHexLen+2 {
		return InscriptionID{}, fmt.Errorf("inscription id %q: want <64 hex>i<index>", s)
	}
	txid, sep, index := s[:txidHexLen], s[txidHexLen], s[txidHexLen+1:]
	if !isHex(txid) {
		return InscriptionID{}, fmt.Errorf("inscription id %q: txid is not 64 hex characters", s)
	}
	if sep != 'i' {
		return InscriptionID{}, fmt.Errorf("inscription id %q: want 'i' after the txid", s)
	}
	n, err := parseDecimal(index, math.MaxUint32)
	if err != nil {
		return InscriptionID{}, fmt.Errorf("inscription id %q: index: %w", s, err)
	}
	if len(index) > 1 && index[0] == '0' {
		return InscriptionID{}, fmt.Errorf("inscription id %q: index has a leading zero", s)
	}
	return InscriptionID{TxID: strings.ToLower(txid), Index: uint32(n)}, nil
}

// Payload is a parsed registration payload.
type Payload struct {
	InscriptionID InscriptionID
	ExpiryHeight  int64
}

// ParsePayload parses the ASCII text <inscription_id>|<expiry_height>. The
// expiry is decimal, 0..2^31−1, without sign or spaces; leading zeros are
// accepted there because the value stays unambiguous (the inscription index,
// which is part of an identifier, rejects them).
func ParsePayload(b []byte) (Payload, error) {
	if len(b) > MaxPayloadLen {
		return Payload{}, fmt.Errorf("payload is %d bytes, more than %d", len(b), MaxPayloadLen)
	}
	// Every byte the grammar allows is ASCII, so the id and expiry checks
	// below reject anything else; the string conversion copies at most
	// MaxPayloadLen bytes.
	id, expiry, ok := strings.Cut(string(b), "|")
	if !ok {
		return Payload{}, errors.New("payload has no '|'")
	}
	inscription, err := ParseInscriptionID(id)
	if err != nil {
		return Payload{}, fmt.Errorf("payload: %w", err)
	}
	height, err := parseDecimal(expiry, MaxExpiryHeight)
	if err != nil {
		return Payload{}, fmt.Errorf("payload expiry %q: %w", expiry, err)
	}
	return Payload{InscriptionID: inscription, ExpiryHeight: int64(height)}, nil
}

// parseDecimal parses unsigned decimal digits (no sign, no spaces, as
// strconv.ParseUint with base 10 requires) into a value no greater than max.
func parseDecimal(s string, max uint64) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, fmt.Errorf("%d is greater than %d", n, max)
	}
	return n, nil
}

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isTxIDHex reports whether s is a txid in hex, either case.
func isTxIDHex(s string) bool {
	return len(s) == txidHexLen && isHex(s)
}
