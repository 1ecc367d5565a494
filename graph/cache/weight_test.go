package cache

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/maypok86/otter/v2"

	"github.com/herald-indexer/herald/store"
)

// fresh is s in an allocation of its own, as a row read from the
// database has each string.
func fresh(s string) string { return strings.Clone(s) }

// statusEntry is an NFT's entry as the gateway keeps it: its summary, its
// last registration, the first page of 20 of its registrations (read by
// appending, so with room for more).
func statusEntry(i int) (string, *nftEntry) {
	id := fresh(fmt.Sprintf("%064xi0", i))
	reg := func(j int) store.Registration {
		return store.Registration{
			Position: store.Position{Chain: fresh("bitcoin-bench"), BlockHeight: int64(j), BlockHash: fresh(fmt.Sprintf("%064x", j)), BlockTime: time.Now()},
			TxID:     fresh(fmt.Sprintf("%064x", i*1000+j)), Collection: fresh("col-1"), TxIndex: 3, InscriptionID: fresh(id),
			ExpiryHeight: 100, Creator: fresh("bc1qcreator"), PaidSats: 5, MinFeeSats: 5, Status: store.RegistrationStatus(fresh("VALID")),
		}
	}
	last := reg(0)
	e := &nftEntry{sum: store.NFTSummary{ID: id, Last: &last, ValidCount: 3, Oldest: []store.CollectionHeight{{Chain: fresh("bitcoin-bench"), Collection: fresh("col-1"), Height: 3, Count: 3}}}}
	pg := store.PageOf[store.Registration]{Total: 200, HasNext: true}
	for j := range 20 {
		pg.Rows = append(pg.Rows, reg(j))
		pg.Cursors = append(pg.Cursors, fresh(strings.Repeat("c", 120)))
	}
	e.pages = map[PageKey]store.PageOf[store.Registration]{{ID: id, Page: store.Page{First: 20, Desc: true, WithTotal: true}}: pg}
	return id, e
}

// TestWeightsAreWhatEntriesHold: the status cache's entries weigh what
// they take on the heap, within a fifth: the budget is in bytes, and
// entries weighed at two thirds of what they held let a 256 MiB cache hold
// 355 MiB (make bench's memory run reached 1.6 GB with 384 MiB of
// budgets).
func TestWeightsAreWhatEntriesHold(t *testing.T) {
	const n = 5000
	c := otter.Must(&otter.Options[string, *nftEntry]{MaximumWeight: 1 << 40, Weigher: func(id string, e *nftEntry) uint32 { return e.weight(id) }})
	defer c.StopAllGoroutines()
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	var weights uint64
	for i := range n {
		id, e := statusEntry(i)
		weights += uint64(e.weight(id))
		c.Set(id, e)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := after.HeapAlloc - before.HeapAlloc
	if r := float64(heap) / float64(weights); r < 0.8 || r > 1.2 {
		t.Fatalf("%d entries weigh %d KiB and hold %d KiB of heap: %.2f× their weight", n, weights>>10, heap>>10, r)
	}
	runtime.KeepAlive(c)
}
