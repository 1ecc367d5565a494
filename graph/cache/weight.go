package cache

import (
	"unsafe"

	"github.com/herald-indexer/herald/store"
)

// Weights are what an entry holds in memory, in bytes, as near as a sum of
// struct sizes, slice capacities and strings rounded to the allocator's
// size classes gets: the budgets are in bytes, and an entry whose weight is
// underestimated lets the cache outgrow its budget (TestWeightsAreWhatEntriesHold).
// The constants cover the per-object overhead of the cache's node.
const (
	entryOverhead = 160
	pageOverhead  = 96
)

var (
	registrationSize = int(unsafe.Sizeof(store.Registration{}))
	recordSize       = int(unsafe.Sizeof(store.RegistrationRecord{}))
	heightSize       = int(unsafe.Sizeof(store.CollectionHeight{}))
	// A map of pages holds groups of 8 slots of key and value, each
	// allocated whole: for one page, 8 (TestWeightsAreWhatEntriesHold).
	pageSlot = int(unsafe.Sizeof(PageKey{}) + unsafe.Sizeof(store.PageOf[store.Registration]{}))
)

// str is what a string's bytes take on the heap: the allocator rounds
// small objects up to a size class (to 16 bytes, near enough).
func str(s string) int {
	if len(s) == 0 {
		return 0
	}
	return (len(s) + 15) &^ 15
}

func (e *nftEntry) weight(id string) uint32 {
	n := entryOverhead + len(id) + int(unsafe.Sizeof(*e))
	if e.sum.Last != nil {
		n += registrationWeight(e.sum.Last)
	}
	n += cap(e.sum.Oldest) * heightSize
	for _, o := range e.sum.Oldest {
		n += str(o.Chain) + str(o.Collection)
	}
	if e.record != nil {
		r := e.record
		n += recordSize + str(r.Chain) + str(r.BlockHash) + str(r.InscriptionID) + str(r.Parent) + str(r.PaidTo) +
			str(r.FeeTxID) + str(r.Timestamp) + str(r.Body)
		n += cap(r.EnvelopeParents) * 16
		for _, p := range r.EnvelopeParents {
			n += str(p)
		}
	}
	if len(e.pages) > 0 {
		n += pageOverhead + 8*pageSlot*((len(e.pages)+7)/8)
	}
	for k, pg := range e.pages {
		n += str(k.ID) + str(k.Page.After) + str(k.Page.Before) + str(k.Status)
		n += (cap(pg.Rows) - len(pg.Rows)) * registrationSize
		for i := range pg.Rows {
			n += registrationWeight(&pg.Rows[i])
		}
		n += cap(pg.Cursors) * 16
		for _, c := range pg.Cursors {
			n += str(c)
		}
	}
	return uint32(min(n, 1<<31))
}

func registrationWeight(r *store.Registration) int {
	return registrationSize + str(r.Chain) + str(r.BlockHash) + str(r.TxID) + str(r.Collection) +
		str(r.InscriptionID) + str(r.Creator) + str(string(r.Status))
}
