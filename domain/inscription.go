package domain

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// TxIDHexLen is the length of a Bitcoin txid in hex.
const TxIDHexLen = 64

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
	if len(s) < TxIDHexLen+2 {
		return InscriptionID{}, fmt.Errorf("inscription id %q: want <64 hex>i<index>", s)
	}
	txid, sep, index := s[:TxIDHexLen], s[TxIDHexLen], s[TxIDHexLen+1:]
	if !IsHex(txid) {
		return InscriptionID{}, fmt.Errorf("inscription id %q: txid is not 64 hex characters", s)
	}
	if sep != 'i' {
		return InscriptionID{}, fmt.Errorf("inscription id %q: want 'i' after the txid", s)
	}
	n, err := ParseDecimal(index, math.MaxUint32)
	if err != nil {
		return InscriptionID{}, fmt.Errorf("inscription id %q: index: %w", s, err)
	}
	if len(index) > 1 && index[0] == '0' {
		return InscriptionID{}, fmt.Errorf("inscription id %q: index has a leading zero", s)
	}
	return InscriptionID{TxID: strings.ToLower(txid), Index: uint32(n)}, nil
}

// ParseDecimal parses unsigned decimal digits (no sign, no spaces, as
// strconv.ParseUint with base 10 requires) into a value no greater than max.
func ParseDecimal(s string, max uint64) (uint64, error) {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, err
	}
	if n > max {
		return 0, fmt.Errorf("%d is greater than %d", n, max)
	}
	return n, nil
}

// IsHex reports whether s is made only of hex digits, in either case.
func IsHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}
