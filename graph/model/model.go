// Package model holds the GraphQL types that are not store rows.
package model

import "time"

// NFT is an inscription whose registration status is being asked for; its
// fields are resolved through the request's dataloaders.
type NFT struct {
	ID string
}

// Player is an address whose XP and holdings are being asked for.
type Player struct {
	Address      string
	XP           string
	VerifiedUses int64
}

// Stats is a stats query's arguments; each of its fields is resolved (and
// costs a statement) only when selected.
type Stats struct {
	Chain  string
	Bucket string // "hour" or "day"
	From   *time.Time
	To     *time.Time
}
