package resolve

import (
	"slices"
	"strings"
	"time"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// ReplicaFollower is the gateway's event-log follower when the store is a
// streaming replica: what _meta.replica reports.
type ReplicaFollower interface {
	// Lag is how long the oldest announced event not yet read has waited.
	Lag() time.Duration
	// Announced is the newest event id the primary announced.
	Announced() int64
	// Position is the newest event read and handed over.
	Position() int64
}

// SetReplica tells the resolver that its store is a streaming replica
// followed by f; _meta calls it behind beyond maxLag.
func (r *Resolver) SetReplica(f ReplicaFollower, maxLag time.Duration) {
	r.replica, r.maxReplicaLag = f, maxLag
}

// chainMetas lists every chain with a cursor or a reported state, by name.
func chainMetas(cursors []store.Cursor, states []store.ChainState, providers []store.ProviderHealth, now time.Time) []*model.ChainMeta {
	byName := map[string]*model.ChainMeta{}
	var out []*model.ChainMeta
	get := func(chain string) *model.ChainMeta {
		if cm, ok := byName[chain]; ok {
			return cm
		}
		cm := &model.ChainMeta{Chain: chain, State: model.ChainStateUnknown, Providers: []*model.ProviderHealth{}}
		byName[chain] = cm
		out = append(out, cm)
		return cm
	}
	for _, s := range states {
		cm := get(s.Chain)
		state, reason := domain.ReportedState(s.State, s.Reason, s.ReportedAt, now, s.StallAfter())
		cm.State = model.ChainState(strings.ToUpper(state))
		if reason != "" {
			cm.Reason = &reason
		}
		since, reported := s.Since.UTC(), s.ReportedAt.UTC()
		cm.Since, cm.ReportedAt = &since, &reported
		if s.Head != nil {
			h := int(*s.Head)
			cm.Head = &h
		}
		cm.BlocksPerSecond = s.BlocksPerSecond
		cm.EtaSeconds = s.ETASeconds
	}
	for _, c := range cursors {
		cm := get(c.Chain)
		// The cursor's head moves with the indexed height, in the same
		// statement; the state's may be a few seconds older.
		head, height, finalized := int(c.Head), int(c.Height), int(c.Finalized)
		lag := max(head-height, 0)
		blockTime, updated := c.BlockTime.UTC(), c.UpdatedAt.UTC()
		cm.Head, cm.IndexedHeight, cm.FinalizedHeight, cm.Lag = &head, &height, &finalized, &lag
		cm.IndexedHash, cm.LastBlockTime, cm.UpdatedAt = &c.Hash, &blockTime, &updated
	}
	for _, p := range providers {
		cm := get(p.Chain)
		cm.Providers = append(cm.Providers, providerHealth(p))
	}
	slices.SortFunc(out, func(a, b *model.ChainMeta) int { return strings.Compare(a.Chain, b.Chain) })
	return out
}
