package resolve

import (
	"strings"

	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// Conversions between GraphQL inputs/enums and the store's types.

func span(chain *string, h *model.HeightRange, t *model.TimeRange, block *model.BlockFilter) store.Span {
	s := store.Span{Chain: deref(chain)}
	if h != nil {
		if h.Gte != nil {
			v := int64(*h.Gte)
			s.MinHeight = &v
		}
		if h.Lte != nil {
			v := int64(*h.Lte)
			s.MaxHeight = &v
		}
	}
	if t != nil {
		s.From, s.To = t.From, t.To
	}
	if block != nil {
		v := int64(block.Number)
		s.AsOf = &v
	}
	return s
}

var tiers = []model.Tier{model.TierParticipation, model.TierCommon, model.TierRare, model.TierEpic, model.TierLegendary}

func tierOf(n int16) model.Tier {
	if n < 0 || int(n) >= len(tiers) {
		return model.TierParticipation
	}
	return tiers[n]
}

func tierNumber(t model.Tier) int16 {
	for i, x := range tiers {
		if x == t {
			return int16(i)
		}
	}
	return 0
}

func statusStrings(ss []store.RegistrationStatus) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return out
}

func bucketName(b *model.Bucket) string {
	if b == nil {
		return "day"
	}
	return strings.ToLower(string(*b))
}
