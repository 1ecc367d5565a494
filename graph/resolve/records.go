package resolve

import (
	"context"

	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/model"
	"github.com/herald-indexer/herald/store"
)

// Record problems: where a buyer_registration.v1 record disagrees with the
// chain. The chain wins; the record is shown with its problems.
const (
	ProblemUnknownPayment  = "UNKNOWN_PAYMENT"
	ProblemInvalidPayment  = "INVALID_PAYMENT"
	ProblemPaidToMismatch  = "PAID_TO_MISMATCH"
	ProblemFeeMismatch     = "FEE_MISMATCH"
	ProblemParentMismatch  = "PARENT_MISMATCH"
	ProblemDifferentChains = "DIFFERENT_CHAIN"
)

// recordRegistration is the registration a record's fee txid names: the one
// whose creator the record says it paid, else the first.
func (r *Resolver) recordRegistration(ctx context.Context, rec *store.RegistrationRecord) (*store.Registration, error) {
	if rec.FeeTxID == "" {
		return nil, nil
	}
	regs, err := loadersFrom(ctx).regsByTx.Load(ctx, rec.FeeTxID)()
	if err != nil || len(regs) == 0 {
		return nil, err
	}
	for i := range regs {
		if regs[i].Creator == rec.PaidTo {
			return &regs[i], nil
		}
	}
	return &regs[0], nil
}

// recordProblems compares a record with the registration it names.
func recordProblems(rec *store.RegistrationRecord, reg *store.Registration) []string {
	if reg == nil {
		return []string{ProblemUnknownPayment}
	}
	problems := []string{}
	if reg.Chain != rec.Chain {
		problems = append(problems, ProblemDifferentChains)
	}
	if reg.Status != store.StatusValid {
		problems = append(problems, ProblemInvalidPayment)
	}
	if reg.Creator != rec.PaidTo {
		problems = append(problems, ProblemPaidToMismatch)
	}
	if reg.PaidSats != rec.FeeSats {
		problems = append(problems, ProblemFeeMismatch)
	}
	if reg.InscriptionID != rec.Parent {
		problems = append(problems, ProblemParentMismatch)
	}
	return problems
}

func registrationConnection(pg store.PageOf[store.Registration]) *model.RegistrationConnection {
	edges, nodes, info := connection(pg, func(c string, n *store.Registration) *model.RegistrationEdge {
		return &model.RegistrationEdge{Cursor: c, Node: n}
	})
	return &model.RegistrationConnection{Edges: edges, Nodes: nodes, PageInfo: info, TotalCount: pg.Total}
}

// isBitcoinChain reports whether a chain has registrations configured, i.e.
// is one of the Bitcoin chains.
func isBitcoinChain(ctx context.Context, chain string) bool {
	cols, err := loadersFrom(ctx).collections.get(ctx)
	if err != nil {
		return false
	}
	for _, c := range cols {
		if c.Chain == chain {
			return true
		}
	}
	return false
}

func badgeConnection(pg store.PageOf[store.Holding]) *model.BadgeConnection {
	edges, nodes, info := connection(pg, func(c string, n *store.Holding) *model.BadgeEdge {
		return &model.BadgeEdge{Cursor: c, Node: n}
	})
	return &model.BadgeConnection{Edges: edges, Nodes: nodes, PageInfo: info, TotalCount: pg.Total}
}

func claimConnection(pg store.PageOf[store.BadgeClaim]) *model.BadgeClaimConnection {
	edges, nodes, info := connection(pg, func(c string, n *store.BadgeClaim) *model.BadgeClaimEdge {
		return &model.BadgeClaimEdge{Cursor: c, Node: n}
	})
	return &model.BadgeClaimConnection{Edges: edges, Nodes: nodes, PageInfo: info, TotalCount: pg.Total}
}

func nullifierUseConnection(pg store.PageOf[store.NullifierUse]) *model.NullifierUseConnection {
	edges, nodes, info := connection(pg, func(c string, n *store.NullifierUse) *model.NullifierUseEdge {
		return &model.NullifierUseEdge{Cursor: c, Node: n}
	})
	return &model.NullifierUseConnection{Edges: edges, Nodes: nodes, PageInfo: info, TotalCount: pg.Total}
}

// summary is an NFT's registration summary: from the status cache without
// waiting when it is there, else through the request's loader.
func (r *Resolver) summary(ctx context.Context, id string) (store.NFTSummary, error) {
	if sum, ok := r.cache.PeekSummary(id); ok {
		return sum, nil
	}
	return loadersFrom(ctx).summary.Load(ctx, id)()
}

// nftPage is one page of an NFT's registrations, cached like its summary.
func (r *Resolver) nftPage(ctx context.Context, key cache.PageKey) (store.PageOf[store.Registration], error) {
	if pg, ok := r.cache.PeekPage(key); ok {
		return pg, nil
	}
	version := r.cache.Version()
	pg, err := loadersFrom(ctx).nftRegs.Load(ctx, key)()
	if err == nil {
		r.cache.PutPage(key, version, pg)
	}
	return pg, err
}
