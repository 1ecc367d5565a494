package graph

import (
	"net/http"

	"github.com/herald-indexer/herald/graph/graphiql"
)

// exampleTabs are GraphiQL's opening tabs: one per kind of user.
var exampleTabs = []graphiql.Tab{
	{
		Query: `# Frontend: is this NFT registered? (a page of them at once)
query NFTStatus($ids: [InscriptionID!]!) {
  nfts(ids: $ids) {
    id
    isRegistered
    confirmations
    registrationCount
    lastRegistration { txid paidSats creator block { height time confirmations } }
    record { inscriptionId feeTxid problems }
    lastUpdated { chain height time }
  }
  _meta { chains { chain indexedHeight head lag lastBlockTime } }
}`,
		Variables: `{"ids": []}`,
	},
	{
		Query: `# Marketplace: hear about registrations as they happen, and when a reorg removes one.
# Resume after a disconnect by passing the last eventId you processed.
subscription Registrations($after: ID) {
  registrationEvents(minConfirmations: 1, afterEventId: $after) {
    eventId
    kind
    confirmations
    registration { txid inscriptionId status paidSats block { height } }
  }
}`,
	},
	{
		Query: `# Analyst: claims per day, tiers, XP histogram, and replayed nullifiers.
query Dashboard {
  stats(bucket: DAY) {
    badgeClaims { time count }
    registrations { time count }
    reuseAttempts { time count }
    tiers { tier count }
    xpHistogram { min count }
    uniquePlayers
  }
  reuseAttempts(first: 10) { totalCount nodes { nullifier player kind block { chain height time } } }
  badgeClaims(first: 10, where: { tier: [LEGENDARY, EPIC] }) {
    nodes { player tokenId xpEarned tier block { height } }
    pageInfo { hasNextPage endCursor }
  }
}`,
	},
	{
		Query: `# Player: XP, badges and nullifiers across every indexed chain.
query Player($address: Address!) {
  player(address: $address) {
    xp
    verifiedUses
    badges(first: 20) { nodes { contract tokenId balance standard claim { tier season } } }
    nullifiers(first: 20) { nodes { nullifier claimedXP verified block { height } } }
  }
}`,
		Variables: `{"address": "0x0000000000000000000000000000000000000000"}`,
	},
}

// Register mounts the gateway on mux: GraphQL (queries, websocket and SSE
// subscriptions) at /graphql, GraphiQL at /, the dashboard at /dashboard and
// the status page at /status, all served from the binary.
func (g *Gateway) Register(mux *http.ServeMux) {
	mux.Handle("/graphql", g.Handler())
	ui := graphiql.Handler(graphiql.Options{Title: "herald", Endpoint: "/graphql", DefaultTabs: exampleTabs})
	mux.Handle("GET /{$}", ui)
	mux.Handle("GET /"+graphiql.AssetPrefix, ui)
	if err := g.registerPages(mux); err != nil {
		// Only a broken build (embedded files missing) gets here; the
		// pages' tests cover it. GraphQL is served regardless.
		g.opts.Logger.Error("dashboard and status pages not mounted", "err", err)
	}
}
