package cache

import (
	"unsafe"

	"github.com/herald-indexer/herald/store"
)

// Weights are what an entry holds in memory, in bytes, as near as a sum of
// struct sizes and string lengths gets: the budgets are in bytes, and an
// entry whose weight is underestimated lets the cache outgrow its budget.
// The constants cover the per-object overhead of the map, the cache's node
// and the allocator's rounding.
const (
	entryOverhead = 160
	pageOverhead  = 96
)

var (
	registrationSize = int(unsafe.Sizeof(store.Registration{}))
	recordSize       = int(unsafe.Sizeof(store.RegistrationRecord{}))
	heightSize       = int(unsafe.Sizeof(store.CollectionHeight{}))
)

func (e *nftEntry) weight(id string) uint32 {
	n := entryOverhead + len(id) + int(unsafe.Sizeof(*e))
	if e.sum.Last != nil {
		n += registrationWeight(e.sum.Last)
	}
	for _, o := range e.sum.Oldest {
		n += heightSize + len(o.Chain) + len(o.Collection)
	}
	if e.record != nil {
		r := e.record
		n += recordSize + len(r.Chain) + len(r.BlockHash) + len(r.InscriptionID) + len(r.Parent) + len(r.PaidTo) +
			len(r.FeeTxID) + len(r.Timestamp) + len(r.Body)
		for _, p := range r.EnvelopeParents {
			n += 16 + len(p)
		}
	}
	for k, pg := range e.pages {
		n += pageOverhead + len(k.ID) + len(k.After) + len(k.Status)
		for i := range pg.Rows {
			n += registrationWeight(&pg.Rows[i])
		}
		for _, c := range pg.Cursors {
			n += 16 + len(c)
		}
	}
	return uint32(min(n, 1<<31))
}

func registrationWeight(r *store.Registration) int {
	return registrationSize + len(r.Chain) + len(r.BlockHash) + len(r.TxID) + len(r.Collection) +
		len(r.InscriptionID) + len(r.Creator) + len(r.Status)
}
