// Package bitcoin turns Bitcoin blocks into registrations and registration
// records (spec/registrations.md). The decoders in payload.go, script.go,
// envelope.go and decode.go are pure functions of their input: they do no I/O
// and never fail or panic on malformed data, they skip it.
package bitcoin

import (
	"errors"
	"fmt"

	"strings"

	"github.com/btcsuite/btcd/txscript"

	"github.com/herald-indexer/herald/domain"
)

// MaxPayloadLen is the longest registration payload, in bytes.
const MaxPayloadLen = 256

// MaxExpiryHeight is the largest expiry height a payload may carry (2^31−1).
const MaxExpiryHeight = 1<<31 - 1

// Payload is a parsed registration payload.
type Payload struct {
	InscriptionID domain.InscriptionID
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
	inscription, err := domain.ParseInscriptionID(id)
	if err != nil {
		return Payload{}, fmt.Errorf("payload: %w", err)
	}
	height, err := domain.ParseDecimal(expiry, MaxExpiryHeight)
	if err != nil {
		return Payload{}, fmt.Errorf("payload expiry %q: %w", expiry, err)
	}
	return Payload{InscriptionID: inscription, ExpiryHeight: int64(height)}, nil
}

// isTxIDHex reports whether s is a txid in hex, either case.
func isTxIDHex(s string) bool {
	return len(s) == domain.TxIDHexLen && domain.IsHex(s)
}

// PayloadData is the registration payload of id and expiry as it goes into
// an OP_RETURN output: <inscription_id>|<expiry_height> in ASCII.
func PayloadData(id domain.InscriptionID, expiry int64) ([]byte, error) {
	data := fmt.Appendf(nil, "%s|%d", id, expiry)
	if _, err := ParsePayload(data); err != nil {
		return nil, err
	}
	return data, nil
}

// PayloadScript is the OP_RETURN output script that carries the
// registration payload of id and expiry: OP_RETURN and one data push, the
// form every wallet's "data" output makes.
func PayloadScript(id domain.InscriptionID, expiry int64) ([]byte, error) {
	data, err := PayloadData(id, expiry)
	if err != nil {
		return nil, err
	}
	return txscript.NullDataScript(data)
}
