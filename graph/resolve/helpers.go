package resolve

import (
	"context"
	"time"

	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

func descending(o *model.ChainOrder) bool { return o == nil || *o == model.ChainOrderBlockDesc }

func providerHealth(p store.ProviderHealth) *model.ProviderHealth {
	h := &model.ProviderHealth{
		Name: p.Name, Breaker: p.Breaker, ConsecutiveFailures: p.ConsecutiveFailures,
		Requests: int(p.Requests), Failures: int(p.Failures),
		// An old error of a provider answering again is history.
		Failing: p.Breaker != "closed" || p.ConsecutiveFailures > 0,
	}
	if p.LastError != "" {
		h.LastError = &p.LastError
	}
	if !p.LastErrorAt.IsZero() {
		t := p.LastErrorAt.In(time.UTC)
		h.LastErrorAt = &t
	}
	if !p.LastSuccess.IsZero() {
		t := p.LastSuccess.In(time.UTC)
		h.LastSuccess = &t
	}
	return h
}

func nullifierStatus(hash string, uses []store.NullifierUse) *model.NullifierStatus {
	s := &model.NullifierStatus{Hash: hash, Used: len(uses) > 0, Uses: make([]*store.NullifierUse, len(uses))}
	for i := range uses {
		s.Uses[i] = &uses[i]
	}
	return s
}

func statsSpan(s *model.Stats) store.Span {
	return store.Span{Chain: s.Chain, From: s.From, To: s.To}
}

func (r *statsResolver) countOver(ctx context.Context, table string, s *model.Stats) ([]*model.TimeCount, error) {
	counts, err := r.store.Series(ctx, table, s.Bucket, seriesFilter(s))
	if err != nil {
		return nil, seriesErr(ctx, err)
	}
	return timeCounts(counts), nil
}
