// Package model holds the GraphQL types that are not store rows.
package model

import (
	"time"

	"github.com/herald-indexer/herald/graph/realtime"
	"github.com/herald-indexer/herald/store"
)

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
	Bucket string // "minute", "hour", "day" or "week"
	From   *time.Time
	To     *time.Time
	// Contract narrows the EVM series, Collection the registrations.
	Contract   string
	Collection string
}

// Event is what every subscription event shares: where it stands in the
// event log, and what happened. Err, when set, ends the subscription:
// resolving eventId returns it, so the client gets it as the final
// message's error (a slow consumer told where to resume).
type Event struct {
	Position realtime.Position
	Kind     EventKind
	Err      error
}

// SetPosition implements realtime.Value.
func (e *Event) SetPosition(p realtime.Position) { e.Position = p }

// RegistrationEvent is a registration added, confirmed or removed.
type RegistrationEvent struct {
	Event
	Registration  *store.Registration
	Confirmations int
}

// BadgeEvent is a badge claim or transfer added or removed.
type BadgeEvent struct {
	Event
	Claim    *store.BadgeClaim
	Transfer *store.BadgeTransfer
}

// NullifierEvent is a nullifier use or reuse attempt added or removed.
type NullifierEvent struct {
	Event
	Use          *store.NullifierUse
	ReuseAttempt *store.ReuseAttempt
}

// ChainHeadEvent is a new indexed tip or an undone block.
type ChainHeadEvent struct {
	Event
	Chain  string
	Height int
	Hash   string
	Time   time.Time
}
