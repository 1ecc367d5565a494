package graph_test

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/herald-indexer/herald/graph"
	"github.com/herald-indexer/herald/graph/limits"
	"github.com/herald-indexer/herald/store"
	"github.com/herald-indexer/herald/store/storetest"
)

// The NFT fast path must write exactly what gqlgen's execution writes, for
// every field, alias, fragment, directive and argument a client may use,
// and leave everything it does not handle — errors included — to gqlgen.
func TestNFTFastPathMatchesExecutor(t *testing.T) {
	lim := limits.Defaults()
	lim.MaxNFTIDs = 6
	lim.MaxPageSize = 50
	fast := newEnv(t, lim)
	generated := newEnvOn(t, fast.writer, fast.url, lim, graph.GeneratedOnly)

	a, b, c := nftID(1), nftID(2), nftID(3)
	blocks := bitcoinBlocks(6)
	blocks[0].Registrations = []store.Registration{registration(a, txid("a1"), 1, store.StatusValid, 50000)}
	blocks[1].Registrations = []store.Registration{
		registration(a, txid("a2"), 1, store.StatusUnderpaid, 100),
		registration(b, txid("b1"), 2, store.StatusValid, 60000),
		registration(a, txid("a3"), 3, store.StatusExpired, 50000),
	}
	other := registration(a, txid("a4"), 1, store.StatusValid, 70000)
	other.Collection = "unconfigured"
	blocks[3].Registrations = []store.Registration{registration(a, txid("a5"), 2, store.StatusValid, 70000), other}
	blocks[3].Records = []store.RegistrationRecord{{
		InscriptionID: txid("rec") + "i0", TxIndex: 5, EnvelopeParents: []string{a, b}, Parent: a,
		PaidTo: "bcrt1qcreator", FeeSats: 70000, FeeTxID: txid("a5"), Timestamp: "2026-11-21T00:00:00Z",
		Body: `{"schema":"buyer_registration.v1","note":"\"quoted\" \\ é"}`,
	}}
	blocks[5].Registrations = []store.Registration{registration(c, txid("c1"), 1, store.StatusValid, 50000)}
	applyBitcoin(t, fast, blocks)
	// EVM rows for the lists of nullifier uses, reuse attempts and claims.
	var evm []store.Block
	for _, r := range storetest.Chain(1, 12, storetest.Hash("evm-fastpath"), "evm") {
		evm = append(evm, storetest.SampleBlock(r))
	}
	if err := fast.writer.Apply(context.Background(), store.Batch{Chain: "abstract", Blocks: evm, Head: 12, KeepBlocks: 100}); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, fast)
	caughtUp(t, generated)

	// A cursor to page from, as a client would have it.
	var first struct {
		NFT struct {
			Registrations struct{ PageInfo struct{ EndCursor string } }
		} `json:"nft"`
	}
	fast.query(`query($id: InscriptionID!) { nft(id: $id) { registrations(first: 2) { pageInfo { endCursor } } } }`, map[string]any{"id": a}, &first)
	cursor := first.NFT.Registrations.PageInfo.EndCursor
	// And the oldest of the NFT's, of a list and of an EVM list, to page
	// backward from.
	var ends struct {
		NFT struct {
			Registrations struct{ PageInfo struct{ StartCursor string } }
		} `json:"nft"`
		Registrations struct{ PageInfo struct{ EndCursor string } }
		BadgeClaims   struct{ PageInfo struct{ EndCursor string } }
		Badges        struct{ PageInfo struct{ EndCursor string } }
	}
	fast.query(`query($id: InscriptionID!) { nft(id: $id) { registrations(last: 1) { pageInfo { startCursor } } }
		registrations(first: 3) { pageInfo { endCursor } } badgeClaims(first: 3) { pageInfo { endCursor } } badges(first: 3) { pageInfo { endCursor } } }`, map[string]any{"id": a}, &ends)
	oldest, listCursor, claimCursor := ends.NFT.Registrations.PageInfo.StartCursor, ends.Registrations.PageInfo.EndCursor, ends.BadgeClaims.PageInfo.EndCursor
	badgeCursor := ends.Badges.PageInfo.EndCursor
	if oldest == "" || listCursor == "" || claimCursor == "" || badgeCursor == "" {
		t.Fatalf("no cursors to page backward from: %+v", ends)
	}

	reg := `__typename txid inscriptionId collectionName status isValid paidSats minFeeSats creator expiryHeight txIndex
		collection { __typename chain name creator minFeeSats minConfirmations }
		block { __typename chain height hash time confirmations }`
	all := `__typename id isRegistered registrationCount confirmations
		lastRegistration { ` + reg + ` }
		record { __typename inscriptionId parent envelopeParents paidTo feeSats feeTxid timestamp unbound body block { height confirmations } }
		lastUpdated { __typename chain height hash time }
		registrations(first: 3) { __typename totalCount nodes { ` + reg + ` }
			edges { __typename cursor node { txid status } } pageInfo { __typename hasNextPage hasPreviousPage endCursor startCursor } }`
	unknown := nftID(99)
	type queryCase struct {
		name  string
		query string
		vars  map[string]any
	}
	cases := []queryCase{
		{"every field", `query($ids: [InscriptionID!]!) { nfts(ids: $ids) { ` + all + ` } }`,
			map[string]any{"ids": []string{a, unknown, b, a, c}}},
		{"single, upper case", `query($id: InscriptionID!) { nft(id: $id) { ` + all + ` } }`, map[string]any{"id": strings.ToUpper(a[:20]) + a[20:]}},
		{"literal arguments, aliases, both fields", `{ x: nft(id: "` + b + `") { i: id n: registrationCount }
			__typename y: nfts(ids: ["` + c + `", "` + a + `"]) { id c: confirmations r: registrations(first: 1) { totalCount } } }`, nil},
		{"fragments and directives", `query($skip: Boolean!, $ids: [InscriptionID!]!) { nfts(ids: $ids) {
			...F record @skip(if: $skip) { body } lastRegistration @include(if: $skip) { txid } } }
			fragment F on NFT { id ... on NFT { isRegistered registrations { nodes { txid } } } }`,
			map[string]any{"skip": true, "ids": []string{a, b}}},
		{"two pages side by side", `query($ids: [InscriptionID!]!, $after: String) { nfts(ids: $ids) {
			p1: registrations(first: 2) { nodes { txid } pageInfo { hasNextPage endCursor } }
			p2: registrations(first: 2, after: $after) { totalCount nodes { txid } pageInfo { hasNextPage } }
			valid: registrations(status: [VALID, EXPIRED], first: 10) { totalCount nodes { txid status } }
			none: registrations(first: 0) { totalCount nodes { txid } pageInfo { startCursor endCursor hasNextPage } } } }`,
			map[string]any{"ids": []string{a, b}, "after": cursor}},
		{"the default page", `{ nft(id: "` + a + `") { registrations { nodes { txid } } } }`, nil},
		{"no registrations", `{ nft(id: "` + unknown + `") { id isRegistered confirmations lastRegistration { txid } record { body }
			lastUpdated { chain height } registrations { totalCount nodes { txid } pageInfo { endCursor } } } }`, nil},
		{"no ids", `{ nfts(ids: []) { id } }`, nil},
		{"a list of registrations", `{ registrations(first: 3) { __typename totalCount nodes { ` + reg + ` }
			edges { __typename cursor node { txid } } pageInfo { __typename hasNextPage endCursor startCursor } } }`, nil},
		{"a filtered list, oldest first", `query($w: RegistrationFilter, $after: String) {
			registrations(where: $w, orderBy: BLOCK_ASC, first: 2, after: $after) { totalCount nodes { txid status block { height } } pageInfo { hasNextPage endCursor } } }`,
			map[string]any{"w": map[string]any{"collection": "demo", "status": []string{"VALID", "UNDERPAID"}, "height": map[string]any{"gte": 1, "lte": 5},
				"time": map[string]any{"from": "2023-11-14T22:00:00Z", "to": nil}, "chain": btcChain}}},
		{"literal filters and an as-of block", `{ registrations(where: {inscriptionId: "` + strings.ToUpper(a[:8]) + a[8:] + `", status: EXPIRED}, block: {number: 3}, first: 10) { totalCount nodes { txid } }
			x: registrations(where: {txid: "` + txid("b1") + `", creator: "bcrt1qcreator"}, first: 1) { nodes { txid inscriptionId } } y: nft(id: "` + c + `") { id } }`, nil},
		{"the default order", `{ registrations(first: 50) { nodes { txid } } }`, nil},
		{"an empty page", `{ registrations(where: {creator: "bcrt1qnobody"}, first: 5) { totalCount nodes { txid } pageInfo { startCursor endCursor hasNextPage } } }`, nil},
		{"nullifier uses, every field", `{ usedNullifiers(first: 4) { __typename totalCount
			nodes { __typename nullifier contract event player claimedXP threshold verified txHash logIndex block { chain height hash time confirmations } }
			edges { cursor node { nullifier } } pageInfo { hasNextPage endCursor startCursor } } }`, nil},
		{"nullifier uses of a player", `query($w: NullifierFilter) { usedNullifiers(where: $w, orderBy: BLOCK_ASC, first: 2) { totalCount nodes { nullifier verified block { height } } pageInfo { endCursor } } }`,
			map[string]any{"w": map[string]any{"player": "0x" + strings.ToUpper(storetest.Address(2)[2:]), "verified": true, "chain": "abstract", "height": map[string]any{"gte": 2}}}},
		{"reuse attempts, every field", `{ reuseAttempts(first: 5) { totalCount nodes { __typename nullifier contract player kind claimedXP txHash logIndex block { height confirmations } }
			pageInfo { hasNextPage } } d: reuseAttempts(where: {kind: DUPLICATE_USE}, first: 3) { nodes { kind claimedXP } } }`, nil},
		{"reuse attempts of a nullifier", `{ reuseAttempts(where: {nullifier: "0x` + storetest.Hash("nullifier", 1) + `", contract: "` + storetest.Address(900) + `"}, orderBy: BLOCK_ASC, first: 10) { totalCount nodes { player txHash } } }`, nil},
		{"badge claims, every field", `{ badgeClaims(first: 4) { totalCount nodes { __typename contract standard player tokenId xpEarned season runId tier txHash logIndex block { height time } }
			edges { cursor node { tokenId } } pageInfo { hasNextPage endCursor } } }`, nil},
		{"badge claims by tier and season", `{ badgeClaims(where: {tier: [PARTICIPATION, COMMON, RARE], season: "1", player: "` + storetest.Address(1) + `"}, first: 10) { totalCount nodes { tokenId tier } }
			t: badgeClaims(where: {tokenId: "3"}, first: 1) { nodes { tokenId } } }`, nil},
		{"backward pages of an NFT", `query($ids: [InscriptionID!]!, $before: String, $after: String) { nfts(ids: $ids) {
			l1: registrations(last: 2) { totalCount nodes { txid } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
			l2: registrations(last: 2, before: $after) { nodes { txid } pageInfo { hasNextPage hasPreviousPage startCursor } }
			w: registrations(first: 5, after: $after, before: $before) { nodes { txid } pageInfo { hasNextPage hasPreviousPage } }
			lw: registrations(last: 1, after: $after, before: $before) { edges { cursor node { txid } } pageInfo { hasNextPage hasPreviousPage } }
			f: registrations(first: 1, after: $after) { pageInfo { hasPreviousPage hasNextPage } }
			v: registrations(last: 3, status: [VALID]) { nodes { txid status } pageInfo { hasPreviousPage } }
			n: registrations(first: null, last: 0) { nodes { txid } pageInfo { hasPreviousPage hasNextPage startCursor } } } }`,
			map[string]any{"ids": []string{a, b, a, unknown}, "before": oldest, "after": cursor}},
		{"backward, with variables", `query($id: InscriptionID!, $f: Int, $l: Int, $b: String) { nft(id: $id) { registrations(first: $f, last: $l, before: $b) {
			nodes { txid } pageInfo { hasNextPage hasPreviousPage } } } }`, map[string]any{"id": a, "l": 3, "b": cursor}},
		{"a list backward", `query($before: String) { registrations(last: 2, before: $before) { totalCount nodes { txid } edges { cursor }
			pageInfo { hasNextPage hasPreviousPage startCursor endCursor } }
			end: registrations(last: 2, orderBy: BLOCK_ASC) { nodes { txid } pageInfo { hasNextPage hasPreviousPage } }
			lone: registrations(last: 3, where: {status: VALID}) { pageInfo { hasPreviousPage } } }`, map[string]any{"before": listCursor}},
		{"a list's window", `query($after: String, $before: String) { registrations(first: 10, after: $after, before: $before) { nodes { txid } pageInfo { hasNextPage hasPreviousPage } }
			b: registrations(last: 1, after: $after, before: $before) { nodes { txid } pageInfo { hasNextPage hasPreviousPage } } }`,
			map[string]any{"after": listCursor, "before": oldest}},
		{"EVM lists backward", `query($c: String) { usedNullifiers(last: 2) { nodes { nullifier } pageInfo { hasPreviousPage hasNextPage startCursor } }
			badgeClaims(last: 2, before: $c) { nodes { tokenId } pageInfo { hasPreviousPage hasNextPage } }
			f: badgeClaims(first: 2, after: $c) { nodes { tokenId } pageInfo { hasPreviousPage hasNextPage } }
			reuseAttempts(last: 3, orderBy: BLOCK_ASC) { totalCount nodes { txHash } pageInfo { hasPreviousPage } } }`, map[string]any{"c": claimCursor}},
		{"badges, every field", `{ badges(first: 4) { __typename totalCount
			nodes { __typename chain contract standard tokenId holder balance claim { __typename tokenId xpEarned tier player block { height } } }
			edges { __typename cursor node { tokenId claim { tier } } } pageInfo { hasNextPage hasPreviousPage endCursor startCursor } } }`, nil},
		{"badges of a holder, the next page", `query($w: BadgeFilter, $after: String) { badges(where: $w, first: 2, after: $after) {
			totalCount nodes { contract tokenId balance } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
			map[string]any{"w": map[string]any{"holder": "0x" + strings.ToUpper(storetest.Address(2)[2:]), "chain": "abstract"}, "after": badgeCursor}},
		{"badges of a token as of a block, backward", `query($c: String) { b: badges(where: {contract: "` + storetest.Address(1155) + `", tokenId: "7"}, block: {number: 3}, first: 10) {
			totalCount nodes { holder balance standard claim { tokenId } } }
			badges(last: 2, before: $c) { nodes { tokenId holder } edges { node { claim { xpEarned } } } pageInfo { hasPreviousPage hasNextPage startCursor } } }`,
			map[string]any{"c": badgeCursor}},
		{"a player, every field", `query($p: Address!, $c: String) { player(address: $p) { __typename address xp verifiedUses
			badges(first: 3) { totalCount nodes { tokenId balance claim { xpEarned tier } } pageInfo { hasNextPage endCursor } }
			next: badges(first: 3, after: $c) { nodes { tokenId } pageInfo { hasPreviousPage } }
			claims(first: 2) { nodes { tokenId tier block { height } } edges { cursor } pageInfo { hasNextPage } }
			nullifiers(last: 2) { totalCount nodes { nullifier verified claimedXP } pageInfo { hasPreviousPage startCursor } } } }`,
			map[string]any{"p": "0x" + strings.ToUpper(storetest.Address(1)[2:]), "c": badgeCursor}},
		{"players side by side", `{ a: player(address: "` + storetest.Address(2) + `") { xp badges(first: 5) { nodes { tokenId } } }
			nobody: player(address: "0x000000000000000000000000000000000000dead") { address xp verifiedUses badges(first: 2) { totalCount nodes { tokenId } pageInfo { endCursor } }
				claims(first: 5) { nodes { tokenId } } nullifiers(first: 1) { nodes { nullifier } } }
			badges(where: {holder: "` + storetest.Address(3) + `"}, first: 1) { nodes { tokenId } } }`, nil},
		// The schema's default for first (100) is over this gateway's
		// largest page: it does not apply with last.
		{"last alone", `{ registrations(last: 3) { nodes { txid } } nft(id: "` + a + `") { registrations(last: 2) { nodes { txid } } } }`, nil},
		// gqlgen's own: errors and fields the fast path does not know.
		{"first and last", `{ registrations(first: 2, last: 2) { totalCount } }`, nil},
		{"first and last, as variables", `query($id: InscriptionID!, $f: Int, $l: Int) { nft(id: $id) { registrations(first: $f, last: $l) { totalCount } } }`,
			map[string]any{"id": a, "f": 1, "l": 1}},
		{"a list's bad before", `{ registrations(last: 2, before: "garbage") { totalCount } }`, nil},
		{"bad before", `{ nft(id: "` + a + `") { registrations(before: "garbage") { totalCount } } }`, nil},
		{"a list's last too large", `{ registrations(last: 51) { totalCount } }`, nil},
		{"negative last", `{ nft(id: "` + a + `") { registrations(last: -1) { totalCount } } }`, nil},
		{"a bad address", `query($w: NullifierFilter) { usedNullifiers(where: $w, first: 2) { totalCount } }`, map[string]any{"w": map[string]any{"player": "0x12"}}},
		{"a list's bad cursor", `{ registrations(after: "garbage") { totalCount } }`, nil},
		{"a list page too large", `{ registrations(first: 51) { totalCount } }`, nil},
		{"the default page, over this gateway's largest", `{ registrations { nodes { txid } } }`, nil},
		{"a list's NFTs", `{ registrations(first: 2) { nodes { nft { id } } } }`, nil},
		{"bad id", `{ nft(id: "nope") { id } }`, nil},
		{"too many ids", `query($ids: [InscriptionID!]!) { nfts(ids: $ids) { id } }`,
			map[string]any{"ids": []string{a, a, a, a, a, a, a}}},
		{"bad cursor", `{ nft(id: "` + a + `") { registrations(after: "garbage") { totalCount } } }`, nil},
		{"page too large", `{ nft(id: "` + a + `") { registrations(first: 51) { totalCount } } }`, nil},
		{"negative page", `{ nft(id: "` + a + `") { registrations(first: -1) { totalCount } } }`, nil},
		{"a registration's record", `{ nft(id: "` + a + `") { lastRegistration { record { feeTxid } } } }`, nil},
		{"a record's problems", `{ nft(id: "` + a + `") { record { problems registration { txid } } } }`, nil},
		{"another root field", `{ nft(id: "` + a + `") { id } _meta { chains { chain } } }`, nil},
		{"a player's bad cursor", `{ player(address: "` + storetest.Address(1) + `") { badges(first: 2, after: "garbage") { totalCount } } }`, nil},
		{"a player's bad address", `query($p: Address!) { player(address: $p) { xp } }`, map[string]any{"p": "0x12"}},
		{"a badge claim's gas", `{ badges(first: 2) { nodes { claim { gasUsed } } } }`, nil},
		{"a badge page too large", `{ badges(first: 51) { totalCount } }`, nil},
		{"a player's page too large", `{ player(address: "` + storetest.Address(1) + `") { claims(first: 51) { totalCount } } }`, nil},
	}
	gqlgens := []string{"bad id", "too many ids", "bad cursor", "page too large", "negative page", "a registration's record", "a record's problems", "another root field",
		"a list's bad cursor", "a list page too large", "the default page, over this gateway's largest", "a list's NFTs", "a bad address",
		"first and last", "first and last, as variables", "a list's bad before", "bad before", "a list's last too large", "negative last",
		"a player's bad cursor", "a player's bad address", "a badge claim's gas", "a badge page too large", "a player's page too large"}
	for _, c := range cases {
		body, _ := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
		want := rawPost(t, generated, body)
		before := graph.NFTFastPathAnswers(fast.gateway)
		got := rawPost(t, fast, body)
		if answered := graph.NFTFastPathAnswers(fast.gateway) > before; answered == slices.Contains(gqlgens, c.name) {
			t.Errorf("%s: answered by the fast path: %v", c.name, answered)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\nfast path: %s\ngqlgen:    %s", c.name, got, want)
		}
		// Again: now from the status cache.
		if got := rawPost(t, fast, body); !bytes.Equal(got, want) {
			t.Errorf("%s, cached:\nfast path: %s\ngqlgen:    %s", c.name, got, want)
		}
		if c.name == "every field" && (!bytes.Contains(got, []byte(`"envelopeParents":["`)) || !bytes.Contains(got, []byte(`"collection":null`)) ||
			!bytes.Contains(got, []byte(`"lastRegistration":null`)) || !bytes.Contains(got, []byte(`"isRegistered":true`))) {
			t.Fatalf("every field: the answer lacks a record, an unconfigured collection, an NFT without registrations or a registered one: %s", got)
		}
	}
}
