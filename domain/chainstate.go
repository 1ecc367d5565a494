package domain

import (
	"fmt"
	"time"
)

// A chain's state, as its indexer reports it and the gateway shows it.
const (
	// ChainStarting: configured; the indexer is reaching its providers or
	// has not yet read the head.
	ChainStarting = "starting"
	// ChainSyncing: catching up; its batches end below the head.
	ChainSyncing = "syncing"
	// ChainFollowing: at the head (less the chain's confirmations).
	ChainFollowing = "following"
	// ChainStalled: no progress for stall_after while there is work to do,
	// or not started after stall_after.
	ChainStalled = "stalled"
	// ChainStopped: stopped until an operator acts (a reorg deeper than the
	// reorg window).
	ChainStopped = "stopped"
)

// ReportedState is the state a reader should show for a chain whose indexer
// reported state (with reason) at reportedAt. A report older than the
// indexer's stall_after means the indexer itself is not running: the chain
// makes no progress whatever it last said, so it is stalled. A stop stays a
// stop: the indexer that made it may well have exited.
func ReportedState(state, reason string, reportedAt, now time.Time, stallAfter time.Duration) (string, string) {
	if state == ChainStopped || now.Sub(reportedAt) <= stallAfter {
		return state, reason
	}
	return ChainStalled, fmt.Sprintf("the indexer has not reported since %s (it was %s)", reportedAt.UTC().Format(time.RFC3339), state)
}

// Unready reports whether a chain in state keeps a gateway from being ready:
// it serves that chain's data stale (stalled) or possibly wrong (stopped).
func Unready(state string) bool { return state == ChainStalled || state == ChainStopped }
