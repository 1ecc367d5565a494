package domain

import "strings"

// CanonicalAddress is a Bitcoin address in the form herald stores it: a
// bech32 or bech32m address lower-case (BIP 173 allows it all upper-case,
// as QR codes carry it, and no mixed case), any other — base58, which is
// case-sensitive — as given.
func CanonicalAddress(s string) string {
	lower := strings.ToLower(s)
	for _, hrp := range []string{"bc1", "tb1", "bcrt1"} {
		if strings.HasPrefix(lower, hrp) {
			return lower
		}
	}
	return s
}
