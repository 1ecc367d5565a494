package domain

// Confirmations is how deep a block at height sits on a chain whose tip is
// at tip: the blocks on top of it, itself included. A block above the tip
// has none.
func Confirmations(tip, height int64) int64 { return max(tip-height+1, 0) }

// Registers reports whether a valid registration mined at height makes its
// NFT registered (spec/registrations.md): its block has at least its
// collection's min_confirmations on the chain whose tip is at tip. A
// registration counts only once it is in a block, so a minimum below one is
// one.
func Registers(tip, height, minConfirmations int64) bool {
	return Confirmations(tip, height) >= max(minConfirmations, 1)
}

// Confirmed reports whether a registration mined at height has reached the
// depth a subscriber asked for (minConfirmations, 0 for none).
func Confirmed(tip, height, minConfirmations int64) bool {
	return Confirmations(tip, height) >= minConfirmations
}
