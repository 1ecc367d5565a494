// Package scalar implements herald's GraphQL scalars over plain Go strings, so
// store rows bind to the schema without conversion. Unmarshalling validates
// and normalises (lower-case hex); a bad value is a BAD_USER_INPUT error that
// gqlgen reports with the argument's path.
package scalar

import (
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"

	"github.com/herald-indexer/herald/domain"
)

// InputError is a value that is not of its scalar's form. The gateway
// reports it as BAD_USER_INPUT naming the argument.
type InputError struct{ msg string }

func (e *InputError) Error() string { return e.msg }

func inputErr(format string, args ...any) error {
	return &InputError{msg: fmt.Sprintf(format, args...)}
}

func marshalString(s string) graphql.Marshaler {
	return graphql.WriterFunc(func(w io.Writer) {
		if plain(s) {
			// What strconv.Quote writes for it, without its rune-by-rune
			// walk: hashes and addresses are most of every response.
			_, _ = io.WriteString(w, `"`)
			_, _ = io.WriteString(w, s)
			_, _ = io.WriteString(w, `"`)
			return
		}
		_, _ = io.WriteString(w, strconv.Quote(s))
	})
}

// plain reports whether s is printable ASCII with nothing to escape.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}

func inputString(v any, what string) (string, error) {
	s, ok := v.(string)
	if !ok {
		return "", inputErr("%s must be a string, got %T", what, v)
	}
	return s, nil
}

// MarshalInscriptionID writes an inscription id.
func MarshalInscriptionID(s string) graphql.Marshaler { return marshalString(s) }

// UnmarshalInscriptionID validates an inscription id and returns it lower-case.
func UnmarshalInscriptionID(v any) (string, error) {
	s, err := inputString(v, "inscription id")
	if err != nil {
		return "", err
	}
	id, err := domain.ParseInscriptionID(s)
	if err != nil {
		return "", &InputError{msg: err.Error()}
	}
	return id.String(), nil
}

// MarshalTxID writes a Bitcoin txid.
func MarshalTxID(s string) graphql.Marshaler { return marshalString(s) }

// UnmarshalTxID validates a Bitcoin txid (64 hex characters).
func UnmarshalTxID(v any) (string, error) {
	s, err := inputString(v, "txid")
	if err != nil {
		return "", err
	}
	if !isHexLen(s, 64) {
		return "", inputErr("txid %q is not 64 hex characters", s)
	}
	return strings.ToLower(s), nil
}

// MarshalAddress writes an EVM address.
func MarshalAddress(s string) graphql.Marshaler { return marshalString(s) }

// UnmarshalAddress validates an EVM address and returns it lower-case.
func UnmarshalAddress(v any) (string, error) {
	s, err := inputString(v, "address")
	if err != nil {
		return "", err
	}
	if len(s) != 42 || !strings.HasPrefix(s, "0x") || !isHexLen(s[2:], 40) {
		return "", inputErr("address %q is not 0x followed by 40 hex characters", s)
	}
	return strings.ToLower(s), nil
}

// MarshalBytes32 writes 32 bytes as 0x-hex.
func MarshalBytes32(s string) graphql.Marshaler { return marshalString(s) }

// UnmarshalBytes32 validates 0x + 64 hex characters and returns it lower-case.
func UnmarshalBytes32(v any) (string, error) {
	s, err := inputString(v, "bytes32")
	if err != nil {
		return "", err
	}
	if len(s) != 66 || !strings.HasPrefix(s, "0x") || !isHexLen(s[2:], 64) {
		return "", inputErr("%q is not 0x followed by 64 hex characters", s)
	}
	return strings.ToLower(s), nil
}

// MarshalBigInt writes a uint256 as a decimal string.
// The store keeps an absent value (a threshold only XPProofVerified sets,
// say) as "", which is no number: it is null, and gqlgen reports null in a
// non-null field as an error.
func MarshalBigInt(s string) graphql.Marshaler {
	if s == "" {
		return graphql.Null
	}
	return marshalString(s)
}

var maxUint256 = new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 256), big.NewInt(1))

// UnmarshalBigInt accepts a decimal string (or a JSON integer) in 0..2^256−1.
func UnmarshalBigInt(v any) (string, error) {
	var s string
	switch x := v.(type) {
	case string:
		s = x
	case int64:
		s = strconv.FormatInt(x, 10)
	case int:
		s = strconv.Itoa(x)
	default:
		// JSON numbers arrive as json.Number from gqlgen's decoder.
		if n, ok := v.(interface{ String() string }); ok {
			s = n.String()
		} else {
			return "", inputErr("big integer must be a decimal string, got %T", v)
		}
	}
	n, ok := new(big.Int).SetString(s, 10)
	if !ok || n.Sign() < 0 || n.Cmp(maxUint256) > 0 || strings.HasPrefix(s, "+") {
		return "", inputErr("%q is not a decimal integer between 0 and 2^256-1", s)
	}
	return n.String(), nil
}

func isHexLen(s string, n int) bool { return len(s) == n && domain.IsHex(s) }

// MarshalTime writes an instant as gqlgen does: RFC 3339 text.
func MarshalTime(t time.Time) graphql.Marshaler { return graphql.MarshalTime(t) }

// UnmarshalTime accepts RFC 3339 text; anything else is the client's
// mistake, reported as such (gqlgen's own Time reports it as a plain
// error, which a gateway cannot tell from its own).
func UnmarshalTime(v any) (time.Time, error) {
	// gqlgen reads "" as the zero time: year 1, not a time anyone meant.
	if s, ok := v.(string); ok && s == "" {
		return time.Time{}, inputErr("time \"\" is empty; give RFC 3339 text, like 2026-11-01T00:00:00Z")
	}
	t, err := graphql.UnmarshalTime(v)
	if err != nil {
		return time.Time{}, inputErr("time %v is not RFC 3339 text, like 2026-11-01T00:00:00Z", v)
	}
	return t, nil
}
