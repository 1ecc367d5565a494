package resolve

import (
	"context"

	"github.com/99designs/gqlgen/graphql"

	"github.com/herald-indexer/herald/graph/cache"
	"github.com/herald-indexer/herald/graph/paging"
	"github.com/herald-indexer/herald/store"
)

// Prefetching: a list resolver that knows what its items' fields will ask
// for loads it for all items at once and primes the loaders. Dataloaders
// batch by waiting a moment for siblings, which depends on scheduling; a
// prefetch does not, so the hot paths (a marketplace page of NFTs, a
// player's badges) cost the same few statements however many items and
// however busy the machine.

// selections returns the fields selected at path below the current field,
// through every alias and fragment.
func selections(ctx context.Context, path ...string) []graphql.CollectedField {
	op := graphql.GetOperationContext(ctx)
	fields := graphql.CollectFieldsCtx(ctx, nil)
	for _, name := range path {
		var next []graphql.CollectedField
		for _, f := range fields {
			if f.Name == name {
				next = append(next, graphql.CollectFields(op, f.Selections, nil)...)
			}
		}
		fields = next
	}
	return fields
}

// selected reports whether any field named name is selected at path.
func selected(ctx context.Context, name string, path ...string) bool {
	for _, f := range selections(ctx, path...) {
		if f.Name == name {
			return true
		}
	}
	return false
}

// prefetchNFTs loads what the selection asks of each NFT in one statement
// per kind, and primes the request's loaders with it.
func (r *Resolver) prefetchNFTs(ctx context.Context, ids []string) error {
	l := loadersFrom(ctx)
	needSummary := false
	for _, f := range selections(ctx) {
		switch f.Name {
		case "isRegistered", "lastRegistration", "registrationCount", "record", "confirmations", "lastUpdated":
			needSummary = true
		}
	}
	var feeTxIDs, feeOwners []string
	if needSummary {
		sums, err := r.cache.Summaries(ctx, ids)
		if err != nil {
			return err
		}
		for i, s := range sums {
			l.summary.Prime(ctx, ids[i], s)
			if s.Last != nil {
				if rec, ok := r.cache.PeekRecord(ids[i]); ok {
					l.recordFee.Prime(ctx, s.Last.TxID, rec)
					continue
				}
				feeTxIDs = append(feeTxIDs, s.Last.TxID)
				feeOwners = append(feeOwners, ids[i])
			}
		}
	}
	if !selected(ctx, "record") && !selected(ctx, "record", "lastRegistration") {
		feeTxIDs, feeOwners = nil, nil
	}
	version := r.cache.Version()
	op := graphql.GetOperationContext(ctx)
	for _, f := range selections(ctx) {
		if f.Name != "registrations" {
			continue
		}
		args := f.ArgumentMap(op.Variables)
		a, ok := paging.Read(f.Field, op.Variables, args)
		if !ok {
			continue // the field's own resolver reports it
		}
		p, perr := paging.Page(a, r.lim.DefaultPageSize, r.lim.MaxPageSize, true)
		if perr != nil {
			continue
		}
		paging.Want(op, f.Selections, "RegistrationConnection", &p)
		var status []string
		if ss, ok := args["status"].([]any); ok {
			for _, s := range ss {
				if str, ok := s.(string); ok {
					status = append(status, str)
				} else if st, ok := s.(store.RegistrationStatus); ok {
					status = append(status, string(st))
				}
			}
		}
		key := statusKey(status)
		pages := make([]store.PageOf[store.Registration], len(ids))
		var missing []string
		var missingAt []int
		for i, id := range ids {
			pg, ok := r.cache.PeekPage(cache.PageKey{ID: id, Status: key, Page: p})
			if ok {
				pages[i] = pg
				continue
			}
			missing = append(missing, id)
			missingAt = append(missingAt, i)
		}
		if len(missing) > 0 {
			loaded, err := r.store.RegistrationsOfNFTs(ctx, missing, status, p)
			if err != nil {
				continue // the field's own resolver reports it
			}
			for j, i := range missingAt {
				pages[i] = loaded[j]
				r.cache.PutPage(cache.PageKey{ID: ids[i], Status: key, Page: p}, version, loaded[j])
			}
		}
		wantRecords := false
		for _, c := range graphql.CollectFields(op, f.Selections, nil) {
			for _, n := range graphql.CollectFields(op, c.Selections, nil) {
				wantRecords = wantRecords || (c.Name == "nodes" && n.Name == "record")
				if c.Name == "edges" && n.Name == "node" {
					for _, m := range graphql.CollectFields(op, n.Selections, nil) {
						wantRecords = wantRecords || m.Name == "record"
					}
				}
			}
		}
		for i, id := range ids {
			l.nftRegs.Prime(ctx, cache.PageKey{ID: id, Status: key, Page: p}, pages[i])
			if wantRecords {
				for _, reg := range pages[i].Rows {
					feeTxIDs = append(feeTxIDs, reg.TxID)
					feeOwners = append(feeOwners, "")
				}
			}
		}
	}
	return r.primeRecords(ctx, feeTxIDs, feeOwners, version)
}

// primeRecords loads the records naming txids; owners[i], when set, is the
// NFT whose last registration txids[i] is, whose cache entry keeps it.
func (r *Resolver) primeRecords(ctx context.Context, txids, owners []string, version uint64) error {
	if len(txids) == 0 {
		return nil
	}
	recs, err := r.store.RecordsByFeeTxID(ctx, txids)
	if err != nil {
		return err
	}
	l := loadersFrom(ctx)
	var named []string
	for i, tx := range txids {
		l.recordFee.Prime(ctx, tx, recs[i])
		if owners[i] != "" {
			r.cache.PutRecord(owners[i], version, recs[i])
		}
		if recs[i] != nil && recs[i].FeeTxID != "" {
			named = append(named, recs[i].FeeTxID)
		}
	}
	// A record's registration and problems look up the payment it names.
	if len(named) == 0 || !(selected(ctx, "registration", "record") || selected(ctx, "problems", "record")) {
		return nil
	}
	regs, err := r.store.RegistrationsByTxID(ctx, named)
	if err != nil {
		return err
	}
	for i, tx := range named {
		l.regsByTx.Prime(ctx, tx, regs[i])
	}
	return nil
}

// wantsClaims reports whether a badge page's selection asks for its badges'
// claims, which the page's own statement then reads (HoldingFilter.WithClaims).
func wantsClaims(ctx context.Context) bool {
	return selected(ctx, "claim", "nodes") || selected(ctx, "claim", "edges", "node")
}

// primeClaims hands the first claims a page of holdings was read with to
// the claim loader.
func (r *Resolver) primeClaims(ctx context.Context, holdings []store.Holding) {
	l := loadersFrom(ctx)
	for _, h := range holdings {
		l.firstClaim.Prime(ctx, store.TokenKey{Chain: h.Chain, Contract: h.Contract, TokenID: h.TokenID}, h.Claim)
	}
}
