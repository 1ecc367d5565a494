package bitcoin

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/btcsuite/btcd/chaincfg/chainhash"
	"github.com/btcsuite/btcd/integration/rpctest"
	"github.com/btcsuite/btcd/txscript"
	"github.com/btcsuite/btcd/wire"

	"github.com/herald-indexer/herald/domain"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

const chainName = "bitcoin-regtest"

// payload is the OP_RETURN output of a registration payload.
func payload(id string, expiry int64) *wire.TxOut {
	return wire.NewTxOut(0, opReturn(fmt.Sprintf("%s|%d", id, expiry)))
}

// nftID returns a made-up inscription id for NFT n.
func nftID(n int) string {
	return domain.InscriptionID{TxID: storetest.Hash("nft", n), Index: uint32(n % 3)}.String()
}

// registrations reads a chain's registrations in block order.
func registrations(t testing.TB, st *store.Store) []store.Registration {
	t.Helper()
	var regs []store.Registration
	err := st.DB().NewSelect().Model(&regs).Where("chain = ?", chainName).
		Order("block_height", "tx_index", "collection").Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range regs {
		regs[i].BlockTime = regs[i].BlockTime.UTC()
	}
	return regs
}

func records(t testing.TB, st *store.Store) []store.RegistrationRecord {
	t.Helper()
	var recs []store.RegistrationRecord
	err := st.DB().NewSelect().Model(&recs).Where("chain = ?", chainName).
		Order("block_height", "tx_index").Scan(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		recs[i].BlockTime = recs[i].BlockTime.UTC()
	}
	return recs
}

// position returns where block hash sits on node h.
func position(t testing.TB, h *rpctest.Harness, hash *chainhash.Hash) store.Position {
	t.Helper()
	header, err := h.Client.GetBlockHeader(hash)
	if err != nil {
		t.Fatal(err)
	}
	height, err := h.Client.GetBlockHeaderVerbose(hash)
	if err != nil {
		t.Fatal(err)
	}
	return store.Position{Chain: chainName, BlockHeight: int64(height.Height), BlockHash: hash.String(), BlockTime: header.Timestamp.UTC()}
}

// txIndex returns the position of tx in block hash on node h.
func txIndex(t testing.TB, h *rpctest.Harness, hash *chainhash.Hash, tx *wire.MsgTx) int32 {
	t.Helper()
	blk, err := h.Client.GetBlock(hash)
	if err != nil {
		t.Fatal(err)
	}
	for i, btx := range blk.Transactions {
		if btx.TxHash() == tx.TxHash() {
			return int32(i)
		}
	}
	t.Fatalf("tx %s not in block %s", tx.TxHash(), hash)
	return 0
}

func diffRows[T any](t testing.TB, what string, got, want []T) {
	t.Helper()
	if reflect.DeepEqual(got, want) {
		return
	}
	g, _ := json.MarshalIndent(got, "", "  ")
	w, _ := json.MarshalIndent(want, "", "  ")
	t.Errorf("%s differ:\ngot  %s\nwant %s", what, g, w)
}

// TestChainEndToEnd mines registrations of every kind and a taproot reveal
// of a buyer_registration.v1 record on a real btcd regtest node, indexes
// them with the follower through JSON-RPC, and checks every row. It then
// indexes the same blocks through Esplora (served from the same node) and
// expects the same database.
func TestChainEndToEnd(t *testing.T) {
	ctx := context.Background()
	node := newNode(t)
	creator, creatorScript := regtestAddress(t, 0x11)
	other, otherScript := regtestAddress(t, 0x22)
	_, strangerScript := regtestAddress(t, 0x33)
	cfg := Config{
		Name:      chainName,
		Network:   "regtest",
		Providers: []ProviderConfig{rpcProvider(t, node)},
		Collections: []CollectionConfig{
			{Name: "embers", Creator: creator},
			{Name: "other", Creator: other, MinFeeSats: 20_000},
		},
	}
	start := tip(t, node) + 1
	height := start // everything below is mined in one block

	// The NFT itself: a real inscription, mined first.
	nft := inscribe(t, node, envelope([]byte{tagContentType}, []byte("text/html"), nil, []byte("<html>nft</html>")))
	nftBlock := mine(t, node, 1)[0]
	height++

	type attempt struct {
		name string
		outs []*wire.TxOut
		want []store.Registration // Position and TxIndex are filled in
	}
	reg := func(collection, id string, expiry, paid, minFee int64, creator string, status store.RegistrationStatus) store.Registration {
		return store.Registration{Collection: collection, InscriptionID: id, ExpiryHeight: expiry, Creator: creator,
			PaidSats: paid, MinFeeSats: minFee, Status: status}
	}
	attempts := []attempt{
		{"valid", []*wire.TxOut{payload(nft.id(), height+10), wire.NewTxOut(50_000, creatorScript)},
			[]store.Registration{reg("embers", nft.id(), height+10, 50_000, 50_000, creator, store.StatusValid)}},
		{"underpaid", []*wire.TxOut{payload(nftID(2), height+10), wire.NewTxOut(49_999, creatorScript)},
			[]store.Registration{reg("embers", nftID(2), height+10, 49_999, 50_000, creator, store.StatusUnderpaid)}},
		{"expired", []*wire.TxOut{wire.NewTxOut(60_000, creatorScript), payload(nftID(3), height-1)},
			[]store.Registration{reg("embers", nftID(3), height-1, 60_000, 50_000, creator, store.StatusExpired)}},
		{"expires in its own block", []*wire.TxOut{payload(nftID(4), height), wire.NewTxOut(50_000, creatorScript)},
			[]store.Registration{reg("embers", nftID(4), height, 50_000, 50_000, creator, store.StatusValid)}},
		{"two outputs add up", []*wire.TxOut{wire.NewTxOut(30_000, creatorScript), payload(nftID(5), height+1), wire.NewTxOut(20_000, creatorScript)},
			[]store.Registration{reg("embers", nftID(5), height+1, 50_000, 50_000, creator, store.StatusValid)}},
		{"two payloads", []*wire.TxOut{payload(nftID(6), height+5), payload(nftID(7), height+5), wire.NewTxOut(80_000, creatorScript)},
			[]store.Registration{reg("embers", nftID(6), height+5, 80_000, 50_000, creator, store.StatusMultiplePayloads)}},
		{"pays a non-creator", []*wire.TxOut{payload(nftID(8), height+5), wire.NewTxOut(50_000, strangerScript)}, nil},
		{"payment without payload", []*wire.TxOut{wire.NewTxOut(50_000, creatorScript)}, nil},
		{"payload in a non-OP_RETURN script", []*wire.TxOut{
			wire.NewTxOut(1_000, script(op(txscript.OP_TRUE), push([]byte(nftID(9)+"|999")))), wire.NewTxOut(50_000, creatorScript)}, nil},
		{"two collections", []*wire.TxOut{payload(nftID(10), height+5), wire.NewTxOut(50_000, creatorScript), wire.NewTxOut(10_000, otherScript)},
			[]store.Registration{
				reg("embers", nftID(10), height+5, 50_000, 50_000, creator, store.StatusValid),
				reg("other", nftID(10), height+5, 10_000, 20_000, other, store.StatusUnderpaid),
			}},
	}
	txs := make([]*wire.MsgTx, len(attempts))
	for i, a := range attempts {
		txs[i] = send(t, node, a.outs...)
	}
	feeTx := txs[0]

	// The buyer's record, a child of the NFT naming the valid payment, and
	// a brotli-encoded JSON inscription that herald reports and skips.
	body := fmt.Sprintf(`{"schema":"buyer_registration.v1","parent":%q,"paid_to":%q,"fee_sats":50000,"txid":%q,"timestamp":"2026-11-21T12:00:00Z"}`,
		strings.ToUpper(nft.id()[:64])+nft.id()[64:], creator, feeTx.TxHash())
	record := inscribe(t, node, envelope(
		[]byte{tagContentType}, []byte("application/json"),
		[]byte{tagParent}, parentBytes(t, nft.id()),
		nil, []byte(body)))
	compressed := inscribe(t, node, envelope(
		[]byte{tagContentType}, []byte("application/json"),
		[]byte{tagContentEncoding}, []byte("br"),
		nil, []byte{0x1b, 0x00}))
	blockHash := mine(t, node, 1)[0]
	mine(t, node, 2) // blocks without registrations

	var (
		mu      sync.Mutex
		notices []Notice
	)
	hook := WithNoticeHook(func(chain string, height int64, n Notice) {
		mu.Lock()
		defer mu.Unlock()
		notices = append(notices, n)
	})
	st := storetest.New(t)
	follow(t, newTestChain(t, cfg, hook), st, chainName, start)

	pos := position(t, node, blockHash)
	var want []store.Registration
	for i, a := range attempts {
		for _, r := range a.want {
			r.Position, r.TxID, r.TxIndex = pos, txs[i].TxHash().String(), txIndex(t, node, blockHash, txs[i])
			want = append(want, r)
		}
	}
	got := registrations(t, st)
	diffRows(t, "registrations", got, sortRegistrations(want))

	wantRecords := []store.RegistrationRecord{{
		Position:        pos,
		InscriptionID:   record.id(),
		TxIndex:         txIndex(t, node, blockHash, record.reveal),
		EnvelopeParents: []string{nft.id()},
		Parent:          nft.id(), // normalised to lower case
		PaidTo:          creator,
		FeeSats:         50_000,
		FeeTxID:         feeTx.TxHash().String(),
		Timestamp:       "2026-11-21T12:00:00Z",
		Body:            body,
	}}
	diffRows(t, "records", records(t, st), wantRecords)

	// The record links to its registration.
	var linked store.Registration
	err := st.DB().NewSelect().Model(&linked).
		Where("chain = ? AND txid = ? AND inscription_id = ?", chainName, wantRecords[0].FeeTxID, wantRecords[0].Parent).
		Scan(ctx)
	if err != nil || linked.Status != store.StatusValid || linked.Creator != wantRecords[0].PaidTo || linked.PaidSats != wantRecords[0].FeeSats {
		t.Errorf("record does not link to a valid registration paying %s %d sats: %+v, %v", creator, wantRecords[0].FeeSats, linked, err)
	}
	if pos := position(t, node, nftBlock); pos.BlockHeight != start {
		t.Errorf("NFT inscription mined at %d, want %d", pos.BlockHeight, start)
	}

	mu.Lock()
	if len(notices) != 1 || notices[0].TxID != compressed.reveal.TxHash().String() || !strings.Contains(notices[0].Reason, "content encoding") || notices[0].Kind != NoticeEncodedRecord {
		t.Errorf("notices = %v, want one about the content encoding of %s", notices, compressed.reveal.TxHash())
	}
	mu.Unlock()

	cur, ok, err := st.Cursor(ctx, chainName)
	if err != nil || !ok || cur.Height != tip(t, node) {
		t.Errorf("cursor = %+v (%v, %v), want the node's tip %d", cur, ok, err, tip(t, node))
	}

	// Esplora, served from the same node, indexes the same rows.
	esplora := newEsploraProxy(t, node)
	ecfg := cfg
	ecfg.Providers = []ProviderConfig{{Kind: KindEsplora, URL: esplora.URL + "/api"}}
	est := storetest.New(t)
	follow(t, newTestChain(t, ecfg), est, chainName, start)
	assertSameDB(t, est, st)
}

// sortRegistrations orders regs as registrations() reads them.
func sortRegistrations(regs []store.Registration) []store.Registration {
	out := slices.Clone(regs)
	slices.SortFunc(out, func(a, b store.Registration) int {
		return cmp.Or(cmp.Compare(a.BlockHeight, b.BlockHeight), cmp.Compare(a.TxIndex, b.TxIndex),
			strings.Compare(a.Collection, b.Collection))
	})
	return out
}

// assertSameDB compares the indexed state of two databases.
func assertSameDB(t testing.TB, got, want *store.Store) {
	t.Helper()
	g := storetest.Snapshot(t, got, storetest.Tables...)
	w := storetest.Snapshot(t, want, storetest.Tables...)
	for _, tbl := range storetest.Tables {
		if g[tbl] != w[tbl] {
			t.Errorf("table %s differs:\ngot  %.600s\nwant %.600s", tbl, g[tbl], w[tbl])
		}
	}
}
