package graph_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// TestRequestsWaitForAConnection: more concurrent requests than the pool
// has connections, each needing several statements, all answered: a
// request waits for a connection within its statement timeout instead of
// failing.
func TestRequestsWaitForAConnection(t *testing.T) {
	writer, url := storetest.NewWithURL(t)
	lim := limits.Defaults()
	lim.RatePerSecond = 0
	e := newEnvPool(t, writer, url, 1, lim)
	blocks := bitcoinBlocks(20)
	var ids []string
	for i := range blocks {
		for j := range 30 {
			id := nftID(i*30 + j)
			ids = append(ids, id)
			blocks[i].Registrations = append(blocks[i].Registrations, registration(id, txid("w", i, j), int32(j), store.StatusValid, 50000))
		}
	}
	applyBitcoin(t, e, blocks)
	const clients = 40
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			// Different ids for each client: nothing is answered from a cache.
			page := make([]string, 100)
			for i := range page {
				page[i] = ids[(c*100+i*7)%len(ids)]
			}
			resp := e.post(map[string]any{"query": `query($ids: [InscriptionID!]!) { nfts(ids: $ids) {
				id isRegistered registrationCount confirmations
				lastRegistration { txid record { feeTxid } }
				registrations(first: 5) { totalCount nodes { txid } }
			} }`, "variables": map[string]any{"ids": page}})
			if len(resp.Errors) > 0 {
				errs <- fmt.Errorf("client %d: %d %+v", c, resp.status, resp.Errors)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
